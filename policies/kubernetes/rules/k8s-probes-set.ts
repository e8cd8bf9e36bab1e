import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asObject, show } from "../../lib/util";

const HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];

export const probesSet = resourceRule("kubernetes", {
  name: "k8s-probes-set",
  item: "Checklist 10: liveness and readiness probes",
  summary:
    "Every regular container of a long-running workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, always-restarting Pod) has a livenessProbe and a readinessProbe with a handler; init containers, Jobs and CronJobs are exempt.",
  fix: "add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to the container",
  severity: "medium",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod || !pod.longRunning) return;
    for (const c of pod.containers) {
      if (c.kind !== "containers") continue;
      for (const probe of ["livenessProbe", "readinessProbe"]) {
        const raw = c.container[probe];
        const p = asObject(raw);
        if (raw === undefined || raw === null) {
          ctx.report(`${c.path}.${probe}`, `${describeContainer(c)} has no ${probe}`);
        } else if (!p) {
          ctx.report(`${c.path}.${probe}`, `${describeContainer(c)} has a malformed ${probe} (${show(raw)})`);
        } else if (!HANDLERS.some((h) => asObject(p[h]))) {
          ctx.report(`${c.path}.${probe}`, `${describeContainer(c)} ${probe} has no handler (exec, httpGet, tcpSocket or grpc)`);
        }
      }
    }
  },
});
