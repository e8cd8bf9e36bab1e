import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const noPrivileged = resourceRule("kubernetes", {
  name: "k8s-no-privileged",
  item: "Checklist 7: Pod Security Standards (baseline): no privileged containers",
  summary:
    "PSS `privileged` and `windowsHostProcess`: no container (init, regular, ephemeral) sets securityContext.privileged: true, and neither the pod nor a container sets windowsOptions.hostProcess: true.",
  fix: "remove privileged: true and windowsOptions.hostProcess: true (grant only the specific capability needed, if any)",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["privileged", "windowsHostProcess"]);
  },
});
