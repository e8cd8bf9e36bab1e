// Pod Security admission: each namespace's `enforce` level, applied to every pod the stack's
// workloads create there. The checks are the project's one PSS implementation
// (policies/lib/pss, after kubernetes/pod-security-admission policy/check_*.go).
// upstream: kubernetes/pod-security-admission admission/admission.go
//   - the level comes from the namespace label pod-security.kubernetes.io/enforce; without it,
//     the cluster default applies, which EKS leaves at `privileged` (EKS user guide,
//     "pod security standards": no AdmissionConfiguration defaults, no exemptions), so
//     namespaces the program does not create (kube-system, default) are privileged;
//   - enforce refuses Pods; for a workload the controller's pods are refused, so the workload
//     never becomes ready and the Pulumi await times out. Templates only warn, which is why
//     this model checks each template as the pods it will make.
// `enforce-version` other than "latest" is not modelled (the program pins "latest"): refused.
import { checkPodSecurity, PssLevel } from "../../policies/lib/pss";
import { ClusterObject } from "../objects";
import type { AdmissionFinding } from "./limitrange";
import type { PodTemplate } from "./pods";

const ENFORCE = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION = "pod-security.kubernetes.io/enforce-version";
const LEVELS: readonly string[] = ["privileged", "baseline", "restricted"];

/** The enforce level of each namespace the program creates; others are privileged (EKS default). */
export function namespaceLevels(objects: readonly ClusterObject[]): Map<string, PssLevel> {
  const out = new Map<string, PssLevel>();
  for (const o of objects.filter((x) => x.kind === "Namespace")) {
    const name = String(o.object.metadata?.name);
    const labels = o.object.metadata?.labels ?? {};
    const level = labels[ENFORCE] ?? "privileged";
    if (!LEVELS.includes(level)) throw new Error(`Namespace ${name}: label ${ENFORCE}=${level} is not a level. Fix: use privileged, baseline or restricted.`);
    const version = labels[ENFORCE_VERSION] ?? "latest";
    if (version !== "latest") throw new Error(`Namespace ${name}: ${ENFORCE_VERSION}=${version} is not modelled. Fix: use latest, or teach models/admission/pss.ts that version.`);
    out.set(name, level as PssLevel);
  }
  return out;
}

export const levelOf = (levels: Map<string, PssLevel>, ns: string): PssLevel => levels.get(ns) ?? "privileged";

/** Every PSS violation of the pods each template makes, at its namespace's level. */
export function admitPodSecurity(pods: readonly PodTemplate[], levels: Map<string, PssLevel>): AdmissionFinding[] {
  return pods.flatMap((pod) => {
    const level = levelOf(levels, pod.namespace);
    return checkPodSecurity(pod.meta, pod.spec, level).map((f) => ({
      namespace: pod.namespace,
      object: pod.key,
      limit: `Pod Security "${level}": ${f.control}`,
      message: `its pods are refused: ${f.path}: ${f.message}`,
    }));
  });
}
