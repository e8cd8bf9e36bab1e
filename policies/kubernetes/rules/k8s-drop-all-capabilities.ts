import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, dig, show } from "../../lib/util";

export const dropAllCapabilities = resourceRule("kubernetes", {
  name: "k8s-drop-all-capabilities",
  item: "Checklist 7: Pod Security Standards (restricted): drop ALL capabilities",
  summary:
    "Every container (init, regular, ephemeral) of a Linux pod drops ALL capabilities and adds back only allowed ones (NET_BIND_SERVICE by default).",
  fix: 'set securityContext.capabilities.drop: ["ALL"] and add back only NET_BIND_SERVICE if the process binds a port below 1024',
  config: {
    allowedAdd: z.array(z.string()).default(["NET_BIND_SERVICE"]).describe("Capabilities that may be added back"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod || pod.windows) return;
    const allowed = new Set<string>(ctx.config.allowedAdd);
    for (const c of pod.containers) {
      const caps = asObject(dig(c.container, "securityContext", "capabilities"));
      const drop = asArray(caps?.drop);
      if (!drop.includes("ALL")) {
        ctx.report(`${c.path}.securityContext.capabilities.drop`, `${describeContainer(c)} does not drop ALL capabilities`);
      }
      asArray(caps?.add).forEach((cap, i) => {
        const name = typeof cap === "string" ? cap.replace(/^CAP_/, "") : show(cap);
        if (!allowed.has(name)) {
          ctx.report(
            `${c.path}.securityContext.capabilities.add[${i}]`,
            `${describeContainer(c)} adds capability ${name}, which is not allowed (allowed: ${[...allowed].join(", ") || "none"})`,
            "remove the capability, or exempt the workload with a reason",
          );
        }
      });
    }
  },
});
