import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";

export const noHostNamespaces = resourceRule("kubernetes", {
  name: "k8s-no-host-namespaces",
  item: "Checklist 7: Pod Security Standards (baseline): no host namespaces",
  summary: "No pod shares the node's network, PID or IPC namespace (hostNetwork, hostPID, hostIPC).",
  fix: "remove hostNetwork/hostPID/hostIPC: true (expose the pod through a Service instead of the host network)",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (pod.spec[field] === true) ctx.report(`${pod.path}.${field}`, `the pod shares the node's ${field.slice(4)} namespace`, `remove ${field}: true`);
    }
  },
});
