// Finds the pod spec and every container (init, regular, ephemeral) in any workload kind.
import { parseK8sToken } from "./tokens";
import { Obj, asArray, asObject, asString } from "./util";
import { LastMemo, memoize } from "./memo";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
};

// API groups each kind legitimately lives in (older beta groups included so old manifests are checked too).
const WORKLOAD_GROUPS: Record<string, string[]> = {
  Pod: ["core"],
  PodTemplate: ["core"],
  ReplicationController: ["core"],
  Deployment: ["apps", "extensions"],
  StatefulSet: ["apps"],
  DaemonSet: ["apps", "extensions"],
  ReplicaSet: ["apps", "extensions"],
  Job: ["batch"],
  CronJob: ["batch"],
};

export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS);

/** Workload kind for a Pulumi type token (`kubernetes:apps/v1:Deployment`) or a bare kind; else undefined. */
export function workloadKind(typeOrKind: unknown): string | undefined {
  return typeof typeOrKind === "string" ? kindOf(typeOrKind) : undefined;
}
// every workload rule asks this of every object: answer each type token once
const kindOf = memoize(resolveWorkloadKind);

function resolveWorkloadKind(typeOrKind: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, typeOrKind)) return typeOrKind;
  const t = parseK8sToken(typeOrKind);
  if (!t || !Object.prototype.hasOwnProperty.call(WORKLOAD_GROUPS, t.kind)) return undefined;
  return WORKLOAD_GROUPS[t.kind].includes(t.group) ? t.kind : undefined;
}

/** Jobs, CronJobs and run-to-completion Pods are not long-running (no probes expected). */
export function isLongRunning(kind: string, podSpec: Obj | undefined): boolean {
  if (kind === "Job" || kind === "CronJob") return false;
  if (kind === "Pod" || kind === "PodTemplate") {
    const rp = asString(podSpec?.restartPolicy);
    return rp === undefined || rp === "Always";
  }
  return true;
}

export type ContainerKind = "initContainers" | "containers" | "ephemeralContainers";

export interface ContainerRef {
  container: Obj;
  kind: ContainerKind;
  index: number;
  name: string; // container name, or `#<index>` when unset
  path: string; // e.g. `spec.template.spec.containers[0]`
}

export interface PodSpecRef {
  kind: string;
  spec: Obj;
  path: string; // dotted path of the pod spec inside the object, e.g. `spec.template.spec`
  /** The pod's metadata (annotations are PSS input: AppArmor) and its dotted path, e.g. `spec.template.metadata`. */
  meta: Obj;
  metaPath: string;
  containers: ContainerRef[];
  longRunning: boolean;
  /** Windows pods are exempt from the Linux-only restricted controls (seccomp, capabilities...). */
  windows: boolean;
}

// Every workload rule reads the same object in turn: find its pod once per (object, type).
const podCache = new LastMemo<object, { type: unknown; pod: PodSpecRef | undefined }>();

/** The pod spec of a workload object, with every container; undefined if this is not a workload or has no spec. */
export function findPodSpec(typeOrKind: unknown, obj: unknown): PodSpecRef | undefined {
  if (obj === null || typeof obj !== "object") return locatePodSpec(typeOrKind, obj);
  const hit = podCache.get(obj);
  if (hit && hit.type === typeOrKind) return hit.pod;
  const pod = locatePodSpec(typeOrKind, obj);
  podCache.set(obj, { type: typeOrKind, pod });
  return pod;
}

function locatePodSpec(typeOrKind: unknown, obj: unknown): PodSpecRef | undefined {
  const kind = workloadKind(typeOrKind);
  if (!kind) return undefined;
  const path = POD_SPEC_PATHS[kind];
  let cur: unknown = obj;
  for (const k of path) cur = asObject(cur)?.[k];
  const spec = asObject(cur);
  if (!spec) return undefined;
  const pathStr = path.join(".");
  const metaKeys = [...path.slice(0, -1), "metadata"];
  let meta: unknown = obj;
  for (const k of metaKeys) meta = asObject(meta)?.[k];
  const containers: ContainerRef[] = [];
  for (const ck of ["initContainers", "containers", "ephemeralContainers"] as const) {
    asArray(spec[ck]).forEach((c, index) => {
      const container = asObject(c);
      if (!container) return;
      const n = asString(container.name);
      containers.push({ container, kind: ck, index, name: n || `#${index}`, path: `${pathStr}.${ck}[${index}]` });
    });
  }
  return {
    kind,
    spec,
    path: pathStr,
    meta: asObject(meta) ?? {},
    metaPath: metaKeys.join("."),
    containers,
    longRunning: isLongRunning(kind, spec),
    windows: asString(asObject(spec.os)?.name) === "windows",
  };
}

/** A container's securityContext field, falling back to the pod's (container wins). */
export function effectiveSecurityField(pod: Obj, container: Obj, field: string): { value: unknown; from: "container" | "pod" | "unset" } {
  const csc = asObject(container.securityContext);
  if (csc && csc[field] !== undefined && csc[field] !== null) return { value: csc[field], from: "container" };
  const psc = asObject(pod.securityContext);
  if (psc && psc[field] !== undefined && psc[field] !== null) return { value: psc[field], from: "pod" };
  return { value: undefined, from: "unset" };
}

export function describeContainer(c: ContainerRef): string {
  const label = c.kind === "initContainers" ? "init container" : c.kind === "ephemeralContainers" ? "ephemeral container" : "container";
  return `${label} "${c.name}"`;
}
