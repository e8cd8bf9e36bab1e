// One pass over a stack's ClusterObject[] (program and rendered), as the network model reads
// it: the pods that will run (models/network/pods.ts), namespaces with their labels and
// Services and NetworkPolicies (models/network/world.ts), plus the ServiceAccounts as objects.
// Every cross-check reads this index, built once per stack; worldOf adds the stack's addresses.
import type { RunResult } from "../../tools/harness";
import { ClusterObject } from "../objects";
import { StackPod, podsOf } from "../network/pods";
import { serviceSelects } from "../network/selectors";
import { stackNetwork } from "../network/stack-net";
import { ContainerPort, NetPolicy, ServiceDecl, World, buildWorld, namespacesOf, policiesOf, servicesOf } from "../network/world";

export interface ClusterIndex {
  objects: ClusterObject[];
  pods: StackPod[];
  /** The stack's own Services (EKS's kubernetes and kube-dns: EKS_SERVICES). */
  services: ServiceDecl[];
  serviceAccounts: ClusterObject[];
  policies: NetPolicy[];
  /** Namespace -> its labels (with the `kubernetes.io/metadata.name` label the API server sets). */
  namespaces: Map<string, Record<string, string>>;
}

export function buildIndex(objects: ClusterObject[]): ClusterIndex {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return { objects, pods: podsOf(objects), services: servicesOf(objects), serviceAccounts: of("ServiceAccount"), policies: policiesOf(objects), namespaces: namespacesOf(objects) };
}

const worlds = new WeakMap<ClusterIndex, World>();

/** The network model's world of this stack (its VPC and service CIDR from the run), built once per index. */
export function worldOf(run: RunResult, idx: ClusterIndex): World {
  if (!worlds.has(idx)) worlds.set(idx, buildWorld(idx.objects, stackNetwork(run)));
  return worlds.get(idx)!;
}

export const podsIn = (idx: ClusterIndex, ns: string): StackPod[] => idx.pods.filter((p) => p.namespace === ns);

const listenerCache = new WeakMap<StackPod, ContainerPort[]>();

/** The ports a pod listens on: its declared container ports, plus numeric targetPorts of Services selecting it. */
export function listeners(idx: ClusterIndex, pod: StackPod): ContainerPort[] {
  if (!listenerCache.has(pod)) listenerCache.set(pod, findListeners(idx, pod));
  return listenerCache.get(pod)!;
}

function findListeners(idx: ClusterIndex, pod: StackPod): ContainerPort[] {
  const out = [...(pod.ports ?? [])];
  for (const s of idx.services) {
    if (s.namespace !== pod.namespace || !serviceSelects(s.selector, pod.labels)) continue;
    for (const p of s.ports) if (typeof p.targetPort === "number") out.push({ port: p.targetPort, protocol: p.protocol });
  }
  return out;
}
