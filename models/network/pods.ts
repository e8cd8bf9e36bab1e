// The pods a stack's workloads run, as the network model names them: namespace, the pod
// template's labels, and every container's declared ports.
import { podTemplates } from "../admission/pods";
import { ClusterObject } from "../objects";
import type { PodRef, Protocol } from "./world";

export function podsOf(objects: readonly ClusterObject[]): PodRef[] {
  return podTemplates(objects, { maxNodes: 1 }).map((p) => ({
    what: p.key,
    namespace: p.namespace,
    labels: p.meta.labels ?? {},
    ports: [...(p.spec.initContainers ?? []), ...(p.spec.containers ?? [])].flatMap((c: any) => (c.ports ?? []).map((x: any) => ({ name: x.name, port: Number(x.containerPort), protocol: (x.protocol ?? "TCP") as Protocol }))),
  }));
}
