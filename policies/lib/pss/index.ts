// The one implementation of the Pod Security Standards (latest, v1.37) for this project: the pack's
// rules wrap it and the admission model imports it. Semantics follow
// kubernetes/pod-security-admission policy/check_*.go (each check cites its file).
import { Obj } from "../util";
import { BASELINE_CHECKS, PssCheck } from "./baseline";
import { podView, PssFinding, PssLevel, PssOptions, PssPod } from "./pod";
import { RESTRICTED_CHECKS } from "./restricted";
import { LastMemo } from "../memo";

export type { PssCheck } from "./baseline";
export type { PssFinding, PssLevel, PssOptions } from "./pod";
export { ALLOWED_VOLUME_TYPES } from "./restricted";
export { SAFE_SYSCTLS } from "./baseline";

/** The PSS version these checks follow (upstream's latest versioned check). */
export const PSS_VERSION = "v1.37";

export const PSS_CHECKS: readonly PssCheck[] = [...BASELINE_CHECKS, ...RESTRICTED_CHECKS];
const BY_ID = new Map(PSS_CHECKS.map((c) => [c.id, c]));

/** The checks a level evaluates: baseline's, plus restricted's replacing the ones they override. */
export function checksFor(level: PssLevel): PssCheck[] {
  if (level === "privileged") return [];
  if (level === "baseline") return [...BASELINE_CHECKS];
  const overridden = new Set(RESTRICTED_CHECKS.flatMap((c) => c.overrides ?? []));
  return [...BASELINE_CHECKS.filter((c) => !overridden.has(c.id)), ...RESTRICTED_CHECKS];
}

/** PSS latest, as pod-security-admission evaluates a pod: metadata (annotations) + pod spec. */
export function checkPodSecurity(podMeta: Record<string, any> | undefined, podSpec: Record<string, any>, level: PssLevel, opts?: PssOptions): PssFinding[] {
  const pod = podView(podMeta as Obj | undefined, podSpec as Obj, opts);
  return checksFor(level).flatMap((c) => c.run(pod));
}

// Rules run a few checks each on the same pod, in turn: build its view once per (spec, paths).
const views = new LastMemo<object, { meta: unknown; specPath?: string; metaPath?: string; view: PssPod }>();
function cachedView(meta: Obj | undefined, spec: Obj, opts?: PssOptions): PssPod {
  const hit = views.get(spec);
  if (hit && hit.meta === meta && hit.specPath === opts?.specPath && hit.metaPath === opts?.metaPath) return hit.view;
  const view = podView(meta, spec, opts);
  views.set(spec, { meta, specPath: opts?.specPath, metaPath: opts?.metaPath, view });
  return view;
}

/** Runs named checks only (a rule that mirrors some controls); unknown IDs throw (a typo in a rule). */
export function runPssChecks(ids: readonly string[], podMeta: Record<string, any> | undefined, podSpec: Record<string, any>, opts?: PssOptions): PssFinding[] {
  const pod = cachedView(podMeta as Obj | undefined, podSpec as Obj, opts);
  const out: PssFinding[] = [];
  for (const id of ids) {
    const c = BY_ID.get(id);
    if (!c) throw new Error(`unknown PSS check "${id}"; known: ${[...BY_ID.keys()].join(", ")}`);
    for (const f of c.run(pod)) out.push(f);
  }
  return out;
}
