// One pass over a stack's ClusterObject[] (program and rendered), as the network model reads
// it: the pods that will run (models/network/pods.ts), namespaces with their labels and
// NetworkPolicies (models/network/world.ts), plus the Services and ServiceAccounts as objects.
// Every cross-check reads this index, built once per stack; worldOf adds the stack's addresses.
import type { RunResult } from "../../tools/harness";
import { ClusterObject, objNamespace } from "../objects";
import { StackPod, podsOf } from "../network/pods";
import { serviceSelects } from "../network/selectors";
import { stackNetwork } from "../network/stack-net";
import { ContainerPort, NetPolicy, Protocol, World, buildWorld, namespacesOf, policiesOf } from "../network/world";

export interface ClusterIndex {
  objects: ClusterObject[];
  pods: StackPod[];
  services: ClusterObject[];
  serviceAccounts: ClusterObject[];
  policies: NetPolicy[];
  /** Namespace -> its labels (with the `kubernetes.io/metadata.name` label the API server sets). */
  namespaces: Map<string, Record<string, string>>;
}

export function buildIndex(objects: ClusterObject[]): ClusterIndex {
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  return { objects, pods: podsOf(objects), services: of("Service"), serviceAccounts: of("ServiceAccount"), policies: policiesOf(objects), namespaces: namespacesOf(objects) };
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
    if (objNamespace(s) !== pod.namespace || !serviceSelects(s.object.spec?.selector, pod.labels)) continue;
    for (const p of s.object.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (typeof target === "number") out.push({ port: target, protocol: (p.protocol ?? "TCP") as Protocol });
    }
  }
  return out;
}
