// Every pod template the stack's objects put on the cluster, with how many pods of it can
// exist at once: the replica count (or an HPA's maxReplicas), plus a rolling update's surge.
// upstream: kubernetes pkg/controller/deployment/util/deployment_util.go (MaxSurge: a
// percentage of replicas rounded up, default 25%); StatefulSets and DaemonSets replace
// pods without surging unless told (apps/v1 defaults: DaemonSet maxSurge 0).
import { findPodSpec } from "../../policies/lib/podspec";
import { ClusterObject, objKey, objNamespace } from "../objects";

export interface PodTemplate {
  source: ClusterObject;
  /** `Kind/namespace/name` of the workload. */
  key: string;
  namespace: string;
  kind: string;
  /** Labels and annotations of the pods it makes. */
  meta: Record<string, any>;
  spec: Record<string, any>;
  /** Pods at steady state (HPA: its maximum). */
  replicas: number;
  /** Extra pods while it rolls (Deployment maxSurge). */
  surge: number;
  /** PVCs one replica claims (StatefulSet volumeClaimTemplates). */
  claimTemplates: Record<string, any>[];
}

export interface PodCountOptions {
  /** Upper bound of nodes, for DaemonSets (every node runs one pod). */
  maxNodes: number;
}

/** Pod templates of every workload object (a bare PodTemplate makes no pods and is skipped). */
export function podTemplates(objects: readonly ClusterObject[], opts: PodCountOptions): PodTemplate[] {
  const hpaMax = hpaMaxima(objects);
  const out: PodTemplate[] = [];
  for (const o of objects) {
    if (o.kind === "PodTemplate") continue;
    const ref = findPodSpec(o.kind, o.object);
    if (!ref) continue;
    const ns = objNamespace(o) ?? "default";
    const spec = o.object.spec ?? {};
    const meta = o.kind === "Pod" ? o.object.metadata ?? {} : templateMeta(o.kind, spec);
    const replicas = hpaMax.get(`${ns}/${o.kind}/${o.object.metadata?.name}`) ?? steadyReplicas(o.kind, spec, opts);
    out.push({ source: o, key: objKey(o), namespace: ns, kind: o.kind, meta, spec: ref.spec, replicas, surge: surgeOf(o.kind, spec, replicas), claimTemplates: o.kind === "StatefulSet" ? spec.volumeClaimTemplates ?? [] : [] });
  }
  return out;
}

function templateMeta(kind: string, spec: Record<string, any>): Record<string, any> {
  return (kind === "CronJob" ? spec.jobTemplate?.spec?.template?.metadata : spec.template?.metadata) ?? {};
}

function steadyReplicas(kind: string, spec: Record<string, any>, opts: PodCountOptions): number {
  switch (kind) {
    case "DaemonSet": return opts.maxNodes;
    case "Job": return spec.parallelism ?? 1;
    // One run at a time; overlapping runs (concurrencyPolicy Allow) are not counted.
    case "CronJob": return spec.jobTemplate?.spec?.parallelism ?? 1;
    case "Pod": return 1;
    default: return spec.replicas ?? 1; // apps/v1 and core/v1 default replicas to 1
  }
}

function surgeOf(kind: string, spec: Record<string, any>, replicas: number): number {
  if (kind === "Deployment") {
    if (spec.strategy?.type === "Recreate") return 0;
    return scaled(spec.strategy?.rollingUpdate?.maxSurge ?? "25%", replicas);
  }
  if (kind === "DaemonSet") return scaled(spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0, replicas);
  return 0;
}

/** An int-or-percent against a replica count, rounded up as the deployment controller does for surge. */
function scaled(v: number | string, replicas: number): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`maxSurge ${JSON.stringify(v)} is neither a number nor a percentage. Fix: use an integer or "25%".`);
  return Math.ceil((Number(m[1]) * replicas) / 100);
}

/** HorizontalPodAutoscalers can scale their target to maxReplicas: count that. */
function hpaMaxima(objects: readonly ClusterObject[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of objects) {
    if (o.kind !== "HorizontalPodAutoscaler") continue;
    const ref = o.object.spec?.scaleTargetRef ?? {};
    out.set(`${objNamespace(o)}/${ref.kind}/${ref.name}`, Number(o.object.spec?.maxReplicas ?? 1));
  }
  return out;
}
