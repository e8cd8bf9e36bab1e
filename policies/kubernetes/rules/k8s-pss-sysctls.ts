import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssSysctls = resourceRule("kubernetes", {
  name: "k8s-pss-sysctls",
  item: "Checklist 7: Pod Security Standards (baseline): only safe sysctls",
  summary: "PSS `sysctls`: the pod sets only the safe, namespaced sysctls of PSS v1.37 (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_local_reserved_ports, net.ipv4.ip_unprivileged_port_start, net.ipv4.ping_group_range, net.ipv4.tcp_syncookies, net.ipv4.tcp_keepalive_time/_intvl/_probes, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_rmem/_wmem, net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat).",
  fix: "remove the sysctl from securityContext.sysctls (set node-level sysctls on the node, not in a pod)",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["sysctls"]);
  },
});
