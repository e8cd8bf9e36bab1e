// Small Kubernetes helpers shared by the rules of the kubernetes pack.
import { parseK8sToken } from "./tokens";
import { workloadKind } from "./podspec";
import { Obj, asArray, asObject, asString } from "./util";

/** True when `type` is a Kubernetes token of `kind` in one of `groups`, any version. */
export function isK8sKind(type: string, groups: readonly string[], kind: string): boolean {
  const t = parseK8sToken(type);
  return t !== undefined && t.kind === kind && groups.includes(t.group);
}

export const RBAC = ["rbac.authorization.k8s.io"] as const;
export const isWorkload = (type: string) => workloadKind(type) !== undefined;
export const WORKLOADS_TEXT = "Kubernetes workloads (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate)";

export function metadata(props: Obj): Obj {
  return asObject(props.metadata) ?? {};
}

export function labelsOf(props: Obj): Obj {
  return asObject(metadata(props).labels) ?? {};
}

export function annotationsOf(props: Obj): Obj {
  return asObject(metadata(props).annotations) ?? {};
}

export function nameOf(props: Obj, fallback: string): string {
  return asString(metadata(props).name) || fallback;
}

/** RBAC rules of a Role/ClusterRole with their index (non-object entries skipped). */
export function rbacRules(props: Obj): { rule: Obj; index: number }[] {
  const out: { rule: Obj; index: number }[] = [];
  asArray(props.rules).forEach((r, index) => {
    const rule = asObject(r);
    if (rule) out.push({ rule, index });
  });
  return out;
}
