// The identities GitHub Actions uses to preview pull requests and to check drift: each an IAM
// role trusted only by this repository's workflows, mapped by an EKS access entry to a
// Kubernetes group that may read and dry-run what the program manages, and never write for
// real. The grants are data (ci-access-grants.ts); models/ci-access.ts proves they suffice.
//
// upstream: pulumi-kubernetes#2213 and #3073 (SSA previews are dry-run PATCHes, authorized
// like writes); kubernetes docs "Dry-run authorization"; GitHub docs "Configuring OpenID
// Connect in Amazon Web Services" (sub claims repo:<o>/<r>:pull_request, :ref:refs/heads/<b>).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CI_AWS_READ_ACTIONS, CI_AWS_SECRET_VALUE_ACTIONS, CI_GROUPS, CI_K8S_RBAC_VERBS, CI_K8S_READ_ONLY, CI_K8S_RESOURCES, CI_K8S_VERBS } from "./ci-access-grants";
import { iamPolicy } from "./iam";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

export interface CiAccessArgs {
  /** owner/name of this repository. */
  repository: string;
  /** The branch drift runs on. */
  defaultBranch: string;
  /** The account's GitHub OIDC provider; created when absent (IAM allows one per URL per account). */
  oidcProviderArn?: string;
  clusterName: pulumi.Input<string>;
  /** Secrets Manager secrets whose values a refresh reads back (SecretVersion). */
  secretArns: pulumi.Input<string>[];
  /** Names of the Kubernetes Secrets the program manages: the only Secrets drift may read (previews none). */
  kubernetesSecretNames: string[];
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** The trust's conditions per identity: audience and the exact `sub` GitHub issues for the event. */
export function ciTrustSubjects(repository: string, defaultBranch: string): Record<keyof typeof CI_GROUPS, string[]> {
  return {
    preview: [`repo:${repository}:pull_request`],
    drift: [`repo:${repository}:ref:refs/heads/${defaultBranch}`],
  };
}

/** The ClusterRole rules both CI groups hold. */
export function ciClusterRoleRules(secretNames: string[]): k8s.types.input.rbac.v1.PolicyRule[] {
  const rules: k8s.types.input.rbac.v1.PolicyRule[] = CI_K8S_RESOURCES.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: [...CI_K8S_VERBS] }));
  rules.push({ apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "clusterroles"], verbs: [...CI_K8S_RBAC_VERBS] });
  rules.push(...CI_K8S_READ_ONLY.map((r) => ({ apiGroups: [r.apiGroup], resources: [...r.resources], verbs: ["get", "list", "watch"] })));
  // Secrets only by name: a refresh reads back the ones the program manages, nothing else.
  if (secretNames.length) rules.push({ apiGroups: [""], resources: ["secrets"], resourceNames: [...secretNames].sort(), verbs: ["get", "patch"] });
  return rules;
}

export class CiAccess extends pulumi.ComponentResource {
  public readonly roleArns: Record<keyof typeof CI_GROUPS, pulumi.Output<string>>;

  constructor(name: string, args: CiAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:ci:CiAccess", name, {}, opts);
    const parent = { parent: this };
    const oidcArn = args.oidcProviderArn
      ? pulumi.output(args.oidcProviderArn)
      : new aws.iam.OpenIdConnectProvider(`${name}-github`, { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: ["sts.amazonaws.com"] }, parent).arn;
    const subjects = ciTrustSubjects(args.repository, args.defaultBranch);
    // Only drift refreshes, which reads secret values back; it runs reviewed code from the
    // default branch. A PR preview (code the PR author controls) reads no secret at all.
    const read = (id: keyof typeof CI_GROUPS) => iamPolicy([
      { Sid: "ReadConfiguration", Effect: "Allow", Action: [...CI_AWS_READ_ACTIONS], Resource: "*" },
      ...(id === "drift" && args.secretArns.length ? [{ Sid: "RefreshPlatformSecrets", Effect: "Allow" as const, Action: [...CI_AWS_SECRET_VALUE_ACTIONS], Resource: args.secretArns }] : []),
    ]);

    const arns: Partial<Record<keyof typeof CI_GROUPS, pulumi.Output<string>>> = {};
    const entries: pulumi.Resource[] = [];
    for (const id of Object.keys(CI_GROUPS) as (keyof typeof CI_GROUPS)[]) {
      const role = new aws.iam.Role(`${name}-${id}`, {
        description: `GitHub Actions ${id} of ${args.repository}: read and Kubernetes dry-run only`,
        maxSessionDuration: 3600,
        assumeRolePolicy: pulumi.jsonStringify({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Principal: { Federated: oidcArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: "sts.amazonaws.com", [`${GITHUB_OIDC_HOST}:sub`]: subjects[id] } },
          }],
        }),
      }, parent);
      new aws.iam.RolePolicy(`${name}-${id}-read`, { role: role.id, policy: read(id) }, parent);
      // Kubernetes rights come from RBAC on the group only: no EKS access policy.
      entries.push(new aws.eks.AccessEntry(`${name}-${id}`, { clusterName: args.clusterName, principalArn: role.arn, type: "STANDARD", kubernetesGroups: [CI_GROUPS[id]] }, parent));
      arns[id] = role.arn;
    }
    this.roleArns = arns as Record<keyof typeof CI_GROUPS, pulumi.Output<string>>;

    const k8sOpts = { parent: this, provider: args.provider, dependsOn: args.dependsOn };
    for (const id of Object.keys(CI_GROUPS) as (keyof typeof CI_GROUPS)[]) {
      // A dry-run PATCH answers with the object, so patch on a Secret reads it: previews get neither.
      const role = new k8s.rbac.v1.ClusterRole(`${name}-${id}`, {
        metadata: { name: `platform:ci-${id}` },
        rules: ciClusterRoleRules(id === "drift" ? args.kubernetesSecretNames : []),
      }, k8sOpts);
      new k8s.rbac.v1.ClusterRoleBinding(`${name}-${id}`, {
        metadata: { name: `platform:ci-${id}` },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: CI_GROUPS[id] }],
      }, k8sOpts);
    }
    this.dryRunGuard(name, k8sOpts);
    this.registerOutputs({ roleArns: this.roleArns });
  }

  /**
   * RBAC cannot tell a dry-run from a write, so an admission policy does: any write request
   * from a CI group that is not a dry-run is denied (CEL `request.dryRun`; upstream:
   * kubernetes docs "Validating Admission Policy", GA in 1.30).
   */
  private dryRunGuard(name: string, opts: pulumi.CustomResourceOptions) {
    const groups = Object.values(CI_GROUPS).map((g) => `'${g}'`).join(", ");
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(`${name}-dry-run-only`, {
      metadata: { name: "platform-ci-dry-run-only" },
      spec: {
        failurePolicy: "Fail",
        matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], resources: ["*/*"], operations: ["CREATE", "UPDATE", "DELETE", "CONNECT"] }] },
        matchConditions: [{ name: "ci-identity", expression: `request.userInfo.groups.exists(g, g in [${groups}])` }],
        validations: [{ expression: "request.dryRun == true", reason: "Forbidden", message: "CI preview and drift identities may only dry-run (README: CI access)" }],
      },
    }, opts);
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(`${name}-dry-run-only`, {
      metadata: { name: "platform-ci-dry-run-only" },
      spec: { policyName: policy.metadata.name, validationActions: ["Deny"] },
    }, opts);
  }
}
