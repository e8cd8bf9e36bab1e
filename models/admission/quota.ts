// ResourceQuota admission: what each namespace uses once every workload runs at its replica
// count plus its rolling-update surge, against each quota's `hard`.
// upstream: kubernetes pkg/quota/v1/evaluator/core
//   - pods.go: a pod counts 1 to `pods`; its requests/limits are max(sum of containers, largest
//     init container) (component-helpers resource.PodRequests; sidecar init containers, with
//     restartPolicy Always, add to the sum); a quota on requests.X/limits.X refuses a pod whose
//     container does not set X ("must specify"), after LimitRange defaulting ran.
//   - services.go: `services` counts each Service; a LoadBalancer counts 1 to
//     services.loadbalancers and its ports to services.nodeports unless
//     allocateLoadBalancerNodePorts is false (then only ports with an explicit nodePort);
//     a NodePort Service counts its ports.
//   - persistent_volume_claims.go: `persistentvolumeclaims` and requests.storage per claim.
import { ClusterObject, objKey, objNamespace } from "../objects";
import { formatQuantity, parseQuantity } from "./quantity";
import { AdmissionFinding, Amounts, EffectiveContainer } from "./limitrange";
import type { PodTemplate } from "./pods";

export interface Usage {
  object: string;
  namespace: string;
  amounts: Amounts;
  /** Resources a container must state for the quota to admit the pod. */
  unset?: { resource: string; containers: string[] }[];
}

const POD_RESOURCES = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;
const MODELLED = new Set<string>([...POD_RESOURCES, "cpu", "memory", "pods", "services", "services.loadbalancers", "services.nodeports", "persistentvolumeclaims", "requests.storage"]);

/** What one pod template uses across its replicas and surge, from its admitted containers. */
export function podUsage(pod: PodTemplate, containers: readonly EffectiveContainer[]): Usage {
  const n = pod.replicas + pod.surge;
  const amounts: Amounts = { pods: n };
  const unset: { resource: string; containers: string[] }[] = [];
  for (const r of POD_RESOURCES) {
    const [kind, res] = r.split(".") as ["requests" | "limits", string];
    amounts[r] = n * perPod(pod.spec, containers, (c) => c[kind][res] ?? 0);
    const missing = containers.filter((c) => c[kind][res] === undefined).map((c) => c.name);
    if (missing.length) unset.push({ resource: r, containers: missing });
  }
  amounts.cpu = amounts["requests.cpu"];
  amounts.memory = amounts["requests.memory"];
  const claims = pod.claimTemplates.map((t) => parseQuantity(t.spec?.resources?.requests?.storage ?? 0, `${pod.key} volumeClaimTemplate ${t.metadata?.name}`));
  amounts.persistentvolumeclaims = pod.replicas * claims.length;
  amounts["requests.storage"] = pod.replicas * claims.reduce((a, b) => a + b, 0);
  return { object: pod.key, namespace: pod.namespace, amounts, unset };
}

function perPod(spec: Record<string, any>, containers: readonly EffectiveContainer[], get: (c: EffectiveContainer) => number): number {
  const sidecar = new Set((spec.initContainers ?? []).filter((c: any) => c.restartPolicy === "Always").map((c: any) => c.name));
  const sum = containers.filter((c) => !c.init || sidecar.has(c.name)).reduce((a, c) => a + get(c), 0);
  const sidecars = containers.filter((c) => c.init && sidecar.has(c.name)).reduce((a, c) => a + get(c), 0);
  const init = Math.max(0, ...containers.filter((c) => c.init && !sidecar.has(c.name)).map((c) => get(c) + sidecars));
  return Math.max(sum, init);
}

/** Services and PersistentVolumeClaims, counted as the quota evaluator counts them. */
export function objectUsage(o: ClusterObject): Usage | undefined {
  const ns = objNamespace(o)!;
  if (o.kind === "Service") {
    const spec = o.object.spec ?? {};
    const ports: any[] = spec.ports ?? [];
    const amounts: Amounts = { services: 1, "services.loadbalancers": 0, "services.nodeports": 0 };
    if (spec.type === "NodePort") amounts["services.nodeports"] = ports.length;
    if (spec.type === "LoadBalancer") {
      amounts["services.loadbalancers"] = 1;
      amounts["services.nodeports"] = spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    }
    return { object: objKey(o), namespace: ns, amounts };
  }
  if (o.kind === "PersistentVolumeClaim") {
    const storage = parseQuantity(o.object.spec?.resources?.requests?.storage ?? 0, `${objKey(o)} requests.storage`);
    return { object: objKey(o), namespace: ns, amounts: { persistentvolumeclaims: 1, "requests.storage": storage } };
  }
  return undefined;
}

export interface Quota {
  name: string;
  namespace: string;
  hard: Amounts;
}

export function quotas(objects: readonly ClusterObject[]): Quota[] {
  return objects.filter((o) => o.kind === "ResourceQuota").map((o) => {
    const name = `ResourceQuota ${o.object.metadata?.name}`;
    const hard = o.object.spec?.hard ?? {};
    for (const k of Object.keys(hard)) {
      if (!MODELLED.has(k)) throw new Error(`${objNamespace(o)}/${name}: spec.hard.${k} is not modelled. Fix: teach models/admission/quota.ts how the evaluator counts it.`);
    }
    if (o.object.spec?.scopes || o.object.spec?.scopeSelector) throw new Error(`${objNamespace(o)}/${name}: quota scopes are not modelled. Fix: extend models/admission/quota.ts.`);
    return { name, namespace: objNamespace(o)!, hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, parseQuantity(v, `${name} ${k}`)])) };
  });
}

/** Adds usages in order; the object that takes a total over `hard` is the one refused. */
export function checkQuota(q: Quota, usages: readonly Usage[]): AdmissionFinding[] {
  const findings: AdmissionFinding[] = [];
  const used: Amounts = {};
  for (const u of usages.filter((x) => x.namespace === q.namespace)) {
    for (const m of u.unset ?? []) {
      if (m.resource in q.hard) findings.push({ namespace: q.namespace, object: u.object, limit: `${q.name}: ${m.resource}`, message: `must specify ${m.resource} for: ${m.containers.join(", ")}` });
    }
    for (const [res, hard] of Object.entries(q.hard)) {
      const before = used[res] ?? 0;
      used[res] = before + (u.amounts[res] ?? 0);
      if (used[res] > hard && before <= hard) {
        findings.push({ namespace: q.namespace, object: u.object, limit: `${q.name}: ${res} ${formatQuantity(res, hard)}`, message: `exceeded quota: ${res} would be ${formatQuantity(res, used[res])} (this object adds ${formatQuantity(res, u.amounts[res] ?? 0)})` });
      }
    }
  }
  return findings;
}
