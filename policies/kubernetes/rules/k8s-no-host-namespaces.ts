import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const noHostNamespaces = resourceRule("kubernetes", {
  name: "k8s-no-host-namespaces",
  item: "Checklist 7: Pod Security Standards (baseline): no host namespaces",
  summary: "PSS `hostNamespaces`: no pod shares the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC).",
  fix: "remove hostNetwork/hostPID/hostIPC: true (expose the pod through a Service instead of the host network)",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["hostNamespaces"]);
  },
});
