import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const dropAllCapabilities = resourceRule("kubernetes", {
  name: "k8s-drop-all-capabilities",
  item: "Checklist 7: Pod Security Standards (restricted): drop ALL capabilities",
  summary:
    'PSS `capabilities_restricted`: every container (init, regular, ephemeral) of a Linux pod drops "ALL" (exact spelling) and adds back nothing but NET_BIND_SERVICE (names compared exactly, as admission does: CAP_NET_BIND_SERVICE is refused).',
  fix: 'set securityContext.capabilities.drop: ["ALL"] and add back only NET_BIND_SERVICE if the process binds a port below 1024',
  config: {
    allowedAdd: z
      .array(z.string())
      .default(["NET_BIND_SERVICE"])
      .describe("Capabilities that may be added back (anything beyond NET_BIND_SERVICE is still refused by PSS restricted admission)"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const allowed = new Set<unknown>(ctx.config.allowedAdd);
    reportPss(ctx, ["capabilities_restricted"], (f) => !(f.path.endsWith("]") && allowed.has(f.value)));
  },
});
