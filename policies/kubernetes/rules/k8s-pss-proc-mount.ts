import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssProcMount = resourceRule("kubernetes", {
  name: "k8s-pss-proc-mount",
  item: "Checklist 7: Pod Security Standards (restricted): default /proc mask",
  summary: "PSS `procMount_restricted` (and baseline `procMount`): no container (init, regular, ephemeral) sets securityContext.procMount to anything but Default; the restricted check keeps this even in a user namespace (hostUsers: false).",
  fix: "remove securityContext.procMount (or set it to Default)",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["procMount_restricted"]);
  },
});
