import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, effectiveSecurityField } from "../../lib/podspec";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";
import { asNumber } from "../../lib/util";

export const runAsNonRoot = resourceRule("kubernetes", {
  name: "k8s-run-as-non-root",
  item: "Checklist 1: containers run as non-root",
  summary:
    "PSS `runAsNonRoot` and `runAsUser`: runAsNonRoot: true on the pod or on every container (init, regular, ephemeral), an explicit false nowhere (a container's true does not excuse the pod's false), and runAsUser 0 nowhere (a container override does not excuse the pod's 0); a runAsUser > 0 alone is not enough. Beyond PSS: never GID 0 (runAsGroup).",
  fix: "set securityContext.runAsNonRoot: true on the pod (and a non-zero runAsUser/runAsGroup), and remove any runAsNonRoot: false or runAsUser: 0",
  config: {
    allowRootGroup: z.boolean().default(false).describe("Allow runAsGroup: 0 (kube-linter flags it)"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = reportPss(ctx, ["runAsNonRoot", "runAsUser"]);
    if (!pod || ctx.config.allowRootGroup) return;
    for (const c of pod.containers) {
      const group = effectiveSecurityField(pod.spec, c.container, "runAsGroup");
      if (asNumber(group.value) !== 0) continue;
      const path = group.from === "pod" ? `${pod.path}.securityContext.runAsGroup` : `${c.path}.securityContext.runAsGroup`;
      ctx.report(path, `${describeContainer(c)} runs with GID 0 (root group)`, "set runAsGroup to a non-zero GID");
    }
  },
});
