import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const noPrivilegeEscalation = resourceRule("kubernetes", {
  name: "k8s-no-privilege-escalation",
  item: "Checklist 7: Pod Security Standards (restricted): no privilege escalation",
  summary:
    "PSS `allowPrivilegeEscalation`: every container (init, regular, ephemeral) of a Linux pod sets securityContext.allowPrivilegeEscalation: false explicitly (the default is true).",
  fix: "set securityContext.allowPrivilegeEscalation: false on the container",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["allowPrivilegeEscalation"]);
  },
});
