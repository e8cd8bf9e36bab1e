import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssHostProbesAndLifecycle = resourceRule("kubernetes", {
  name: "k8s-pss-host-probes-and-lifecycle",
  item: "Checklist 7: Pod Security Standards (baseline): no host in probes and lifecycle handlers",
  summary: "PSS `hostProbesAndHostLifecycle`: no container probe (liveness, readiness, startup) or lifecycle handler (postStart, preStop) sets httpGet.host or tcpSocket.host (the kubelet would connect to that address on the pod's behalf).",
  fix: "remove the host field: probes and handlers target the pod's own IP",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["hostProbesAndHostLifecycle"]);
  },
});
