import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action: string | string[];
  Resource: pulumi.Input<string> | pulumi.Input<string>[];
  Condition?: Record<string, Record<string, pulumi.Input<string> | pulumi.Input<string>[]>>;
}

/** An IAM policy document as the JSON string AWS expects. */
export function iamPolicy(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy for an AWS service principal. */
export function assumeRolePolicy(principal: { Service: string }, extraActions: string[] = []): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: principal, Action: ["sts:AssumeRole", ...extraActions] }],
  });
}

export const awsManagedPolicy = (name: string, partition: pulumi.Input<string> = "aws") =>
  pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;

/** What a workload identity needs to know about its cluster. */
export interface ClusterIdentityInfo {
  name: pulumi.Input<string>;
  arn: pulumi.Input<string>;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  /** IRSA only. */
  oidcProviderArn?: pulumi.Input<string>;
  oidcIssuer?: pulumi.Input<string>;
}

export interface WorkloadIdentityArgs {
  cluster: ClusterIdentityInfo;
  namespace: string;
  serviceAccount: string;
  /**
   * podIdentity: a role trusted by the EKS Pod Identity agent plus its association.
   * addon: the same role, associated through the managed addon's own field.
   * irsa: a role trusted through the cluster's OIDC provider, for SDKs that lack Pod Identity.
   */
  mode: "podIdentity" | "addon" | "irsa";
  /** Inline statements scoped to exactly what the component touches. */
  statements?: PolicyStatement[];
  managedPolicyArns?: pulumi.Input<string>[];
}

/** One IAM role per workload, trusted only by that workload's service account. */
export class WorkloadIdentity extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly roleName: pulumi.Output<string>;
  public readonly serviceAccount: string;
  public readonly namespace: string;

  constructor(name: string, args: WorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:identity:WorkloadIdentity", name, {}, opts);
    const parent = { parent: this };
    const c = args.cluster;

    let trust: pulumi.Output<string>;
    if (args.mode === "irsa") {
      if (!c.oidcProviderArn || !c.oidcIssuer) throw new Error(`WorkloadIdentity ${name}: irsa needs the cluster's OIDC provider`);
      const issuer = pulumi.output(c.oidcIssuer).apply((u) => u.replace(/^https:\/\//, ""));
      trust = pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { Federated: c.oidcProviderArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: pulumi.all([issuer]).apply(([i]) => ({
              [`${i}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
              [`${i}:aud`]: "sts.amazonaws.com",
            })),
          },
        }],
      });
    } else {
      // Confused-deputy guard: only this account's, only this cluster's Pod Identity agent.
      trust = pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
          Condition: {
            StringEquals: { "aws:SourceAccount": c.accountId },
            ArnEquals: { "aws:SourceArn": c.arn },
          },
        }],
      });
    }

    const role = new aws.iam.Role(`${name}`, {
      assumeRolePolicy: trust,
      description: `${args.namespace}/${args.serviceAccount} (${args.mode})`,
    }, parent);
    if (args.statements?.length) {
      new aws.iam.RolePolicy(`${name}`, { role: role.id, policy: iamPolicy(args.statements) }, parent);
    }
    (args.managedPolicyArns ?? []).forEach((arn, i) => {
      new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: role.name, policyArn: arn }, parent);
    });
    if (args.mode === "podIdentity") {
      new aws.eks.PodIdentityAssociation(`${name}`, {
        clusterName: c.name,
        namespace: args.namespace,
        serviceAccount: args.serviceAccount,
        roleArn: role.arn,
      }, parent);
    }

    this.roleArn = role.arn;
    this.roleName = role.name;
    this.namespace = args.namespace;
    this.serviceAccount = args.serviceAccount;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
