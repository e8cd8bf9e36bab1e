import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssSeLinuxOptions = resourceRule("kubernetes", {
  name: "k8s-pss-selinux-options",
  item: "Checklist 7: Pod Security Standards (baseline): SELinux options",
  summary: "PSS `seLinuxOptions`: the pod and every container (init, regular, ephemeral) leave seLinuxOptions.type empty or set it to container_t, container_init_t, container_kvm_t or container_engine_t, and never set seLinuxOptions.user or .role.",
  fix: "remove seLinuxOptions.user/role and set type to an allowed container type (or leave it unset)",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["seLinuxOptions"]);
  },
});
