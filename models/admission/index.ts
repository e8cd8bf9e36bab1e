// Admission as the API server runs it for a stack's objects: Pod Security, LimitRanger
// defaults and limits, then ResourceQuota, over every pod template at its replica count plus
// surge. Each refusal names the namespace, the object and the limit it hits.
import { ClusterObject } from "../objects";
import { AdmissionFinding, admitContainers, limitRanges } from "./limitrange";
import { PodCountOptions, podTemplates } from "./pods";
import { admitPodSecurity, namespaceLevels } from "./pss";
import { Usage, checkQuota, objectUsage, podUsage, quotas } from "./quota";

export type { AdmissionFinding } from "./limitrange";

export interface AdmissionResult {
  findings: AdmissionFinding[];
  /** Usage per namespace and resource (for reports and tests). */
  usage: Map<string, Record<string, number>>;
}

export function admitStack(objects: readonly ClusterObject[], opts: PodCountOptions): AdmissionResult {
  const ranges = limitRanges(objects);
  const pods = podTemplates(objects, opts);
  const findings: AdmissionFinding[] = admitPodSecurity(pods, namespaceLevels(objects));
  const usages: Usage[] = [];
  for (const pod of pods) {
    const admitted = admitContainers(pod, ranges.get(pod.namespace) ?? []);
    findings.push(...admitted.findings);
    usages.push(podUsage(pod, admitted.containers));
  }
  for (const o of objects) {
    const u = objectUsage(o);
    if (u) usages.push(u);
  }
  for (const q of quotas(objects)) findings.push(...checkQuota(q, usages));
  return { findings, usage: totals(usages) };
}

function totals(usages: readonly Usage[]): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const u of usages) {
    const t = out.get(u.namespace) ?? {};
    for (const [k, v] of Object.entries(u.amounts)) t[k] = (t[k] ?? 0) + v;
    out.set(u.namespace, t);
  }
  return out;
}

export const describeFinding = (f: AdmissionFinding): string => `namespace ${f.namespace}: ${f.object} refused by ${f.limit}: ${f.message}`;
