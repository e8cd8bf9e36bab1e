// LimitRange admission for containers: fill in defaults, then enforce min and max.
// upstream: kubernetes plugin/pkg/admission/limitranger/admission.go
//   - defaulting (mergePodResourceRequirements): every container and init container without
//     a limit gets `default`, without a request gets `defaultRequest`;
//   - validation (PodValidateLimitFunc, minConstraint/maxConstraint): with a `min`, the request
//     must exist and be >= min (and a limit, if any, >= min); with a `max`, the limit must exist
//     and be <= max (and a request, if any, <= max).
// Before that, API defaulting (pkg/apis/core/v1/defaults.go) gives a container that has a limit
// but no request a request equal to the limit. Only `type: Container` items are modelled;
// another type is refused so the model never silently ignores a constraint.
import { ClusterObject, objNamespace } from "../objects";
import { parseQuantity, formatQuantity } from "./quantity";
import type { PodTemplate } from "./pods";

export type Amounts = Record<string, number>;

export interface EffectiveContainer {
  name: string;
  init: boolean;
  requests: Amounts;
  limits: Amounts;
}

export interface LimitItem {
  range: string;
  defaults: Amounts;
  defaultRequests: Amounts;
  min: Amounts;
  max: Amounts;
}

export interface AdmissionFinding {
  namespace: string;
  object: string;
  /** The constraint hit, e.g. `LimitRange defaults: max memory 16Gi`. */
  limit: string;
  message: string;
}

/** Container limit items of each namespace's LimitRanges. */
export function limitRanges(objects: readonly ClusterObject[]): Map<string, LimitItem[]> {
  const out = new Map<string, LimitItem[]>();
  for (const o of objects) {
    if (o.kind !== "LimitRange") continue;
    const ns = objNamespace(o)!;
    const name = `LimitRange ${o.object.metadata?.name}`;
    for (const [i, l] of (o.object.spec?.limits ?? []).entries()) {
      if (l.type !== "Container") throw new Error(`${ns}/${name}: spec.limits[${i}].type ${l.type} is not modelled (only Container). Fix: extend models/admission/limitrange.ts before using it.`);
      const item = { range: name, defaults: amounts(l.default, name), defaultRequests: amounts(l.defaultRequest, name), min: amounts(l.min, name), max: amounts(l.max, name) };
      out.set(ns, [...(out.get(ns) ?? []), item]);
    }
  }
  return out;
}

const amounts = (m: Record<string, unknown> | undefined, where: string): Amounts =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, parseQuantity(v, `${where} ${k}`)]));

/** The containers of a pod template as admission leaves them, and what the LimitRanges refuse. */
export function admitContainers(pod: PodTemplate, items: readonly LimitItem[]): { containers: EffectiveContainer[]; findings: AdmissionFinding[] } {
  const containers: EffectiveContainer[] = [];
  const findings: AdmissionFinding[] = [];
  for (const [list, init] of [["initContainers", true], ["containers", false]] as const) {
    for (const c of pod.spec[list] ?? []) {
      const eff = defaulted(c, init, items);
      containers.push(eff);
      for (const item of items) findings.push(...violations(pod, eff, item));
    }
  }
  return { containers, findings };
}

function defaulted(c: Record<string, any>, init: boolean, items: readonly LimitItem[]): EffectiveContainer {
  const where = `container ${c.name}`;
  const limits = amounts(c.resources?.limits, where);
  const requests = { ...limits, ...amounts(c.resources?.requests, where) }; // API defaulting: request = limit
  for (const item of items) {
    for (const [k, v] of Object.entries(item.defaults)) if (!(k in limits)) limits[k] = v;
    for (const [k, v] of Object.entries(item.defaultRequests)) if (!(k in requests)) requests[k] = v;
  }
  return { name: String(c.name), init, requests, limits };
}

function violations(pod: PodTemplate, c: EffectiveContainer, item: LimitItem): AdmissionFinding[] {
  const out: AdmissionFinding[] = [];
  const refuse = (what: string, res: string, bound: number, msg: string) =>
    out.push({ namespace: pod.namespace, object: pod.key, limit: `${item.range}: ${what} ${res} ${formatQuantity(res, bound)}`, message: `${c.init ? "init container" : "container"} ${c.name}: ${msg}` });
  for (const [res, max] of Object.entries(item.max)) {
    const lim = c.limits[res];
    if (lim === undefined) refuse("max", res, max, `no ${res} limit is specified`);
    else if (lim > max) refuse("max", res, max, `${res} limit ${formatQuantity(res, lim)} is above the maximum`);
    const req = c.requests[res];
    if (req !== undefined && req > max) refuse("max", res, max, `${res} request ${formatQuantity(res, req)} is above the maximum`);
  }
  for (const [res, min] of Object.entries(item.min)) {
    const req = c.requests[res];
    if (req === undefined) refuse("min", res, min, `no ${res} request is specified`);
    else if (req < min) refuse("min", res, min, `${res} request ${formatQuantity(res, req)} is below the minimum`);
    const lim = c.limits[res];
    if (lim !== undefined && lim < min) refuse("min", res, min, `${res} limit ${formatQuantity(res, lim)} is below the minimum`);
  }
  return out;
}
