// The pods a stack's workloads run, as the network model names them: namespace, the pod
// template's labels, and every container's declared ports (init containers too: sidecars
// declared as restartable init containers listen), plus what the cross-checks read of the
// template (annotations, spec, the chart that renders it).
import { podTemplates } from "../admission/pods";
import { ClusterObject } from "../objects";
import type { PodRef, Protocol } from "./world";

/** A pod template of the stack; `what` is its workload, `Kind/namespace/name`. */
export interface StackPod extends PodRef {
  /** The Chart resource that renders it (undefined: the program's own). */
  chart?: string;
  annotations: Record<string, string>;
  spec: Record<string, any>;
}

export function podsOf(objects: readonly ClusterObject[]): StackPod[] {
  return podTemplates(objects, { maxNodes: 1 }).map((p) => ({
    what: p.key,
    namespace: p.namespace,
    labels: p.meta.labels ?? {},
    annotations: p.meta.annotations ?? {},
    chart: p.source.source.kind === "chart" ? p.source.source.chart : undefined,
    spec: p.spec,
    hostNetwork: p.spec.hostNetwork === true,
    ports: [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])].flatMap((c: any) => (c.ports ?? []).map((x: any) => ({ name: x.name, port: Number(x.containerPort), protocol: (x.protocol ?? "TCP") as Protocol }))),
  }));
}
