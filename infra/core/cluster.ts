import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterIdentityInfo, assumeRolePolicy, awsManagedPolicy, iamPolicy } from "./iam";

export interface ClusterArgs {
  clusterName: string;
  kubernetesVersion: string;
  region: string;
  accountId: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The control plane's ENIs go into the private subnets. */
  subnetIds: pulumi.Input<string>[];
  serviceCidr: string;
  endpoint: { privateAccess: boolean; publicAccess: boolean; publicAccessCidrs: string[] };
  logTypes: string[];
  logRetentionDays: number;
  /** Principals with cluster-wide admin (AmazonEKSClusterAdminPolicy). */
  admins: string[];
  /** Principals with cluster-wide read (AmazonEKSViewPolicy: no Secrets). */
  viewers: string[];
  /** Protect the key, log group and cluster from deletion (prod). */
  protect: boolean;
  zonalShift: boolean;
}

const ACCESS_POLICY = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

/**
 * The EKS control plane: API authentication through access entries only (no aws-auth
 * ConfigMap), Secrets envelope-encrypted with a rotating customer key, control-plane
 * logs into a log group we own, a pinned version on standard support only, an OIDC
 * provider for IRSA, and a Kubernetes provider for everything that runs on it.
 */
export class EksCluster extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  public readonly endpoint: pulumi.Output<string>;
  public readonly certificateAuthority: pulumi.Output<string>;
  public readonly version: pulumi.Output<string>;
  public readonly clusterSecurityGroupId: pulumi.Output<string>;
  public readonly oidcProviderArn: pulumi.Output<string>;
  public readonly oidcIssuer: pulumi.Output<string>;
  public readonly kmsKeyArn: pulumi.Output<string>;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly provider: k8s.Provider;
  public readonly identity: ClusterIdentityInfo;
  /** Resolves once every access entry exists, so Kubernetes calls are authorised. */
  public readonly accessReady: pulumi.Resource[];

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:eks:Cluster", name, {}, opts);
    const parent = { parent: this };
    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };

    const key = new aws.kms.Key(`${name}-secrets`, {
      description: `EKS Secrets envelope encryption for ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: args.protect ? 30 : 7,
    }, stateful);
    new aws.kms.Alias(`${name}-secrets`, { name: `alias/eks/${args.clusterName}`, targetKeyId: key.keyId }, parent);

    // EKS writes to /aws/eks/<name>/cluster; owning it sets retention and avoids
    // "already exists" when a cluster of the same name is recreated.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
      name: `/aws/eks/${args.clusterName}/cluster`,
      retentionInDays: args.logRetentionDays,
    }, stateful);

    const role = new aws.iam.Role(`${name}-cluster`, {
      assumeRolePolicy: assumeRolePolicy({ Service: "eks.amazonaws.com" }, ["sts:TagSession"]),
    }, parent);
    new aws.iam.RolePolicyAttachment(`${name}-cluster`, { role: role.name, policyArn: awsManagedPolicy("AmazonEKSClusterPolicy", args.partition) }, parent);
    const keyPolicy = new aws.iam.RolePolicy(`${name}-cluster-kms`, {
      role: role.id,
      policy: iamPolicy([{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: key.arn }]),
    }, parent);

    const cluster = new aws.eks.Cluster(`${name}`, {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: args.subnetIds,
        endpointPrivateAccess: args.endpoint.privateAccess,
        endpointPublicAccess: args.endpoint.publicAccess,
        publicAccessCidrs: args.endpoint.publicAccess ? args.endpoint.publicAccessCidrs : undefined,
      },
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: args.logTypes,
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: args.serviceCidr },
      // Managed addons replace the self-managed vpc-cni/coredns/kube-proxy EKS would install.
      bootstrapSelfManagedAddons: false,
      // Never slide into paid extended support unnoticed: upgrades stay a decision.
      upgradePolicy: { supportType: "STANDARD" },
      zonalShiftConfig: { enabled: args.zonalShift },
      deletionProtection: args.protect,
    }, { ...stateful, dependsOn: [logGroup, keyPolicy] });

    const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
      url: cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? ""),
      clientIdLists: ["sts.amazonaws.com"],
    }, parent);

    const entries: pulumi.Resource[] = [];
    const grant = (principal: string, i: number, kind: "admin" | "viewer") => {
      const entry = new aws.eks.AccessEntry(`${name}-${kind}-${i}`, { clusterName: cluster.name, principalArn: principal, type: "STANDARD" }, parent);
      const assoc = new aws.eks.AccessPolicyAssociation(`${name}-${kind}-${i}`, {
        clusterName: cluster.name,
        principalArn: principal,
        policyArn: ACCESS_POLICY(kind === "admin" ? "AmazonEKSClusterAdminPolicy" : "AmazonEKSViewPolicy"),
        accessScope: { type: "cluster" },
      }, { parent: this, dependsOn: [entry] });
      entries.push(entry, assoc);
    };
    args.admins.forEach((p, i) => grant(p, i, "admin"));
    args.viewers.forEach((p, i) => grant(p, i, "viewer"));

    this.name = cluster.name;
    this.arn = cluster.arn;
    this.endpoint = cluster.endpoint;
    this.certificateAuthority = cluster.certificateAuthority.apply((ca) => ca?.data ?? "");
    this.version = cluster.version;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v?.clusterSecurityGroupId ?? "");
    this.oidcProviderArn = oidc.arn;
    this.oidcIssuer = oidc.url;
    this.kmsKeyArn = key.arn;
    this.accessReady = entries;
    this.identity = {
      name: cluster.name,
      arn: cluster.arn,
      accountId: args.accountId,
      partition: args.partition,
      oidcProviderArn: oidc.arn,
      oidcIssuer: oidc.url,
    };

    // Token from `aws eks get-token`: no long-lived credential in the kubeconfig.
    this.kubeconfig = pulumi.secret(pulumi.jsonStringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: cluster.name, cluster: { server: this.endpoint, "certificate-authority-data": this.certificateAuthority } }],
      contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: cluster.name } }],
      "current-context": cluster.name,
      users: [{
        name: cluster.name,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", cluster.name, "--region", args.region, "--output", "json"],
          },
        },
      }],
    }));

    this.provider = new k8s.Provider(`${name}-k8s`, {
      kubeconfig: this.kubeconfig,
      // Pulumi owns these objects; server-side apply detects others' edits.
      enableServerSideApply: true,
      deleteUnreachable: false,
    }, { parent: this, dependsOn: entries });

    this.registerOutputs({
      name: this.name,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
