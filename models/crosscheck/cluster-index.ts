// One pass over a stack's ClusterObject[] (program and rendered): the pods that will run
// (from each workload's pod template), Services, ServiceAccounts, NetworkPolicies and namespace
// labels, keyed by namespace. Every cross-check reads this index, built once per stack.
import { ClusterObject, objKey, objName, objNamespace } from "../objects";
import { serviceSelects } from "../network/selectors";

export interface PodTemplate {
  /** The workload that stamps these pods, `Kind/namespace/name`. */
  owner: string;
  /** The Chart resource that renders it (undefined: the program's own). */
  chart?: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, any>;
}

export interface ContainerPort { name?: string; port: number; protocol: string }

export interface ClusterIndex {
  objects: ClusterObject[];
  pods: PodTemplate[];
  services: ClusterObject[];
  serviceAccounts: ClusterObject[];
  networkPolicies: ClusterObject[];
  /** Namespace -> its labels (with the `kubernetes.io/metadata.name` label the API server sets). */
  namespaceLabels: Map<string, Record<string, string>>;
}

// upstream: kubernetes/api apps/v1, batch/v1 types.go: where each workload keeps its pod template.
const TEMPLATE_PATH: Record<string, (spec: any) => any> = {
  Deployment: (s) => s?.template,
  StatefulSet: (s) => s?.template,
  DaemonSet: (s) => s?.template,
  ReplicaSet: (s) => s?.template,
  Job: (s) => s?.template,
  CronJob: (s) => s?.jobTemplate?.spec?.template,
};

export function buildIndex(objects: ClusterObject[]): ClusterIndex {
  const idx: ClusterIndex = { objects, pods: [], services: [], serviceAccounts: [], networkPolicies: [], namespaceLabels: new Map() };
  for (const o of objects) {
    const ns = objNamespace(o);
    if (o.kind === "Namespace") {
      // The API server labels every namespace with its name (NamespaceDefaultLabelName, Kubernetes 1.22+).
      idx.namespaceLabels.set(objName(o), { ...(o.object.metadata?.labels ?? {}), "kubernetes.io/metadata.name": objName(o) });
    } else if (o.kind === "Service") idx.services.push(o);
    else if (o.kind === "ServiceAccount") idx.serviceAccounts.push(o);
    else if (o.kind === "NetworkPolicy") idx.networkPolicies.push(o);
    const template = o.kind === "Pod" ? o.object : TEMPLATE_PATH[o.kind]?.(o.object.spec);
    if (template && ns) {
      idx.pods.push({ owner: objKey(o), chart: o.source.kind === "chart" ? o.source.chart : undefined, namespace: ns, labels: template.metadata?.labels ?? {}, annotations: template.metadata?.annotations ?? {}, spec: template.spec ?? {} });
    }
  }
  return idx;
}

/** Namespace labels; a namespace the stack does not create still carries its name label. */
export const namespaceLabels = (idx: ClusterIndex, ns: string): Record<string, string> =>
  idx.namespaceLabels.get(ns) ?? { "kubernetes.io/metadata.name": ns };

export const podsIn = (idx: ClusterIndex, ns: string): PodTemplate[] => idx.pods.filter((p) => p.namespace === ns);

/** Every container's declared ports (init containers too: sidecars declared as restartable init containers listen). */
export function containerPorts(pod: PodTemplate): ContainerPort[] {
  const containers = [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])];
  return containers.flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, port: Number(p.containerPort), protocol: p.protocol ?? "TCP" })));
}

const listenerCache = new WeakMap<PodTemplate, ContainerPort[]>();

/** The ports a pod listens on: its declared container ports, plus numeric targetPorts of Services selecting it. */
export function listeners(idx: ClusterIndex, pod: PodTemplate): ContainerPort[] {
  if (!listenerCache.has(pod)) listenerCache.set(pod, findListeners(idx, pod));
  return listenerCache.get(pod)!;
}

function findListeners(idx: ClusterIndex, pod: PodTemplate): ContainerPort[] {
  const out = containerPorts(pod);
  for (const s of idx.services) {
    if (objNamespace(s) !== pod.namespace || !serviceSelects(s.object.spec?.selector, pod.labels)) continue;
    for (const p of s.object.spec?.ports ?? []) {
      const target = p.targetPort ?? p.port;
      if (typeof target === "number" || /^\d+$/.test(String(target))) out.push({ port: Number(target), protocol: p.protocol ?? "TCP" });
    }
  }
  return out;
}

/** A NetworkPolicy port (number or name) resolved against a pod's named container ports. */
export function resolvePort(pod: PodTemplate, port: number | string): number | undefined {
  if (typeof port === "number" || /^\d+$/.test(String(port))) return Number(port);
  return containerPorts(pod).find((p) => p.name === port)?.port;
}

