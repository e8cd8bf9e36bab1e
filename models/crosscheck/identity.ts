// Identity: every AWS role a pod is meant to assume is wired to a ServiceAccount that exists
// and that a pod runs as. Under mocks nothing fails when they disagree; on a cluster the pod
// silently gets no credentials (or the node's).
// upstream: aws/amazon-eks-pod-identity-webhook README (IRSA: the `eks.amazonaws.com/role-arn`
// annotation on the pod's ServiceAccount, and the role's trust on `<issuer>:sub` =
// `system:serviceaccount:<ns>:<sa>`); AWS EKS docs pod-id-association (an association names
// one namespace and ServiceAccount; pods running as it get the role's credentials).
import type { RecordedResource, RunResult } from "../../tools/harness";
import { objKey, objName, objNamespace } from "../objects";
import { ClusterIndex, podsIn } from "./cluster-index";
import { Finding } from "./finding";

export const POD_IDENTITY_TYPE = "aws:eks/podIdentityAssociation:PodIdentityAssociation";
export const ROLE_TYPE = "aws:iam/role:Role";
export const ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn";

/** `spec.serviceAccountName` (or the deprecated `serviceAccount`), else `default`: core/v1 PodSpec. */
export const podServiceAccount = (spec: Record<string, any>): string => spec.serviceAccountName ?? spec.serviceAccount ?? "default";

export function checkIdentity(run: RunResult, idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const a of run.resources.filter((r) => r.type === POD_IDENTITY_TYPE)) {
    const i = a.inputs as Record<string, any>;
    out.push(...serviceAccountInUse(idx, `PodIdentityAssociation ${a.name}`, String(i.namespace), String(i.serviceAccount), "the association's serviceAccount"));
  }
  const roles = run.resources.filter((r) => r.type === ROLE_TYPE);
  for (const role of roles) {
    for (const sub of webIdentitySubjects(role)) {
      const what = `IAM role ${role.name} (IRSA trust)`;
      out.push(...serviceAccountInUse(idx, what, sub.namespace, sub.name, "the `:sub` condition of the role's trust policy"));
      out.push(...annotatedWith(idx, what, sub.namespace, sub.name, String(role.outputs.arn ?? "")));
    }
  }
  out.push(...annotationsHaveTrust(idx, roles));
  return out;
}

/** The ServiceAccount exists in that namespace, and some pod there runs as it. */
function serviceAccountInUse(idx: ClusterIndex, what: string, ns: string, sa: string, knob: string): Finding[] {
  const present = idx.serviceAccounts.filter((s) => objNamespace(s) === ns).map(objName);
  if (!present.includes(sa)) {
    return [{
      check: "identity", object: what,
      problem: `names ServiceAccount ${ns}/${sa}, which nothing on the cluster creates (ServiceAccounts in ${ns}: ${present.join(", ") || "none"}).`,
      fix: `make the chart create ServiceAccount ${sa} in ${ns} (its serviceAccount.name value), or point ${knob} at the one the pods use.`,
    }];
  }
  const users = podsIn(idx, ns).filter((p) => podServiceAccount(p.spec) === sa);
  if (users.length) return [];
  const used = [...new Set(podsIn(idx, ns).map((p) => podServiceAccount(p.spec)))];
  return [{
    check: "identity", object: what,
    problem: `names ServiceAccount ${ns}/${sa}, but no pod runs as it (pods in ${ns} run as: ${used.join(", ") || "no pods"}).`,
    fix: `set the workload's serviceAccountName to ${sa}, or point ${knob} at the ServiceAccount the workload runs as.`,
  }];
}

/** IRSA needs the role ARN on the ServiceAccount: the webhook injects credentials only from that annotation. */
function annotatedWith(idx: ClusterIndex, what: string, ns: string, sa: string, arn: string): Finding[] {
  const obj = idx.serviceAccounts.find((s) => objNamespace(s) === ns && objName(s) === sa);
  if (!obj) return [];
  const got = obj.object.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
  if (got === arn) return [];
  return [{
    check: "identity", object: objKey(obj),
    problem: `is trusted by ${what} but its ${ROLE_ARN_ANNOTATION} annotation is ${got ? `"${got}"` : "missing"}, not "${arn}".`,
    fix: `set the chart's serviceAccount.annotations["${ROLE_ARN_ANNOTATION}"] to the role's ARN.`,
  }];
}

/** Every role-arn annotation names a role of this stack whose trust admits that very ServiceAccount. */
function annotationsHaveTrust(idx: ClusterIndex, roles: RecordedResource[]): Finding[] {
  const out: Finding[] = [];
  for (const s of idx.serviceAccounts) {
    const arn = s.object.metadata?.annotations?.[ROLE_ARN_ANNOTATION];
    if (!arn) continue;
    const role = roles.find((r) => r.outputs.arn === arn);
    const ns = objNamespace(s)!, sa = objName(s);
    if (!role) {
      out.push({ check: "identity", object: objKey(s), problem: `carries ${ROLE_ARN_ANNOTATION} "${arn}", a role this stack does not create.`, fix: "annotate it with the ARN of the WorkloadIdentity made for it." });
    } else if (!webIdentitySubjects(role).some((x) => x.namespace === ns && x.name === sa)) {
      out.push({ check: "identity", object: objKey(s), problem: `carries the ARN of IAM role ${role.name}, whose trust does not admit system:serviceaccount:${ns}:${sa}.`, fix: `give the WorkloadIdentity serviceAccount "${sa}" and namespace "${ns}", or annotate the ServiceAccount the trust names.` });
    }
  }
  return out;
}

/** `system:serviceaccount:<ns>:<sa>` subjects of a role's web-identity (OIDC) trust statements. */
export function webIdentitySubjects(role: RecordedResource): { namespace: string; name: string }[] {
  const raw = role.inputs.assumeRolePolicy;
  if (typeof raw !== "string") return [];
  const doc = JSON.parse(raw);
  const out: { namespace: string; name: string }[] = [];
  for (const st of [doc.Statement ?? []].flat()) {
    const actions = [st.Action ?? []].flat();
    if (st.Effect !== "Allow" || !actions.includes("sts:AssumeRoleWithWebIdentity")) continue;
    for (const cond of Object.values(st.Condition ?? {}) as Record<string, unknown>[]) {
      for (const [key, value] of Object.entries(cond)) {
        if (!key.endsWith(":sub")) continue;
        for (const v of [value].flat()) {
          const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(String(v));
          if (m) out.push({ namespace: m[1], name: m[2] });
        }
      }
    }
  }
  return out;
}
