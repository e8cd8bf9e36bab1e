// What `pulumi preview` (with server-side dry-run) and `pulumi refresh` need from the CI
// identities, derived from what a stack actually manages, and a check that a set of grants
// covers it. Inputs: the harness run (AWS types, invokes) and ClusterObject[] (the program's
// objects, and the charts' rendered children once models/render.ts supplies them).
//
// upstream (AWS): terraform-provider-aws, each resource's Read function under
//   internal/service/<service>/ (e.g. eks/cluster.go resourceClusterRead -> DescribeCluster;
//   s3/bucket.go resourceBucketRead -> HeadBucket, GetBucketAcl, GetBucketCors, ...).
// upstream (Kubernetes): pulumi-kubernetes provider Read -> GET; preview with SSA -> PATCH
//   ?dryRun=All (pulumi-kubernetes#2213), authorized as patch, and as create when the object
//   does not exist yet (kubernetes docs "Server-Side Apply", "Dry-run authorization").
import type { RunResult } from "../tools/harness";
import { ClusterObject, restResource } from "./objects";

/** AWS actions a Read (refresh) of each resource type calls. */
export const AWS_READ_NEEDS: Readonly<Record<string, string[]>> = {
  "aws:cloudwatch/eventRule:EventRule": ["events:DescribeRule", "events:ListTagsForResource"],
  "aws:cloudwatch/eventTarget:EventTarget": ["events:ListTargetsByRule"],
  "aws:cloudwatch/logGroup:LogGroup": ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
  "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": ["ec2:DescribeSecurityGroups"],
  "aws:ec2/eip:Eip": ["ec2:DescribeAddresses"],
  "aws:ec2/flowLog:FlowLog": ["ec2:DescribeFlowLogs"],
  "aws:ec2/internetGateway:InternetGateway": ["ec2:DescribeInternetGateways"],
  "aws:ec2/launchTemplate:LaunchTemplate": ["ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions"],
  "aws:ec2/natGateway:NatGateway": ["ec2:DescribeNatGateways"],
  "aws:ec2/routeTable:RouteTable": ["ec2:DescribeRouteTables"],
  "aws:ec2/routeTableAssociation:RouteTableAssociation": ["ec2:DescribeRouteTables"],
  "aws:ec2/subnet:Subnet": ["ec2:DescribeSubnets"],
  "aws:ec2/vpc:Vpc": ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSecurityGroups", "ec2:DescribeRouteTables"],
  "aws:ec2/vpcEndpoint:VpcEndpoint": ["ec2:DescribeVpcEndpoints", "ec2:DescribePrefixLists"],
  "aws:ecr/lifecyclePolicy:LifecyclePolicy": ["ecr:GetLifecyclePolicy"],
  "aws:ecr/repository:Repository": ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
  "aws:eks/accessEntry:AccessEntry": ["eks:DescribeAccessEntry"],
  "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": ["eks:ListAssociatedAccessPolicies"],
  "aws:eks/addon:Addon": ["eks:DescribeAddon"],
  "aws:eks/cluster:Cluster": ["eks:DescribeCluster"],
  "aws:eks/nodeGroup:NodeGroup": ["eks:DescribeNodegroup"],
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": ["eks:DescribePodIdentityAssociation"],
  "aws:iam/openIdConnectProvider:OpenIdConnectProvider": ["iam:GetOpenIDConnectProvider"],
  "aws:iam/role:Role": ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
  "aws:iam/rolePolicy:RolePolicy": ["iam:GetRolePolicy"],
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["iam:ListAttachedRolePolicies"],
  "aws:kms/alias:Alias": ["kms:ListAliases"],
  "aws:kms/key:Key": ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
  "aws:s3/bucket:Bucket": [
    "s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS", "s3:GetBucketWebsite",
    "s3:GetBucketLogging", "s3:GetReplicationConfiguration", "s3:GetBucketRequestPayment", "s3:GetBucketObjectLockConfiguration",
    "s3:GetAccelerateConfiguration", "s3:GetBucketPolicy", "s3:GetLifecycleConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketVersioning",
  ],
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ["s3:GetLifecycleConfiguration"],
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ["s3:GetBucketOwnershipControls"],
  "aws:s3/bucketPolicy:BucketPolicy": ["s3:GetBucketPolicy"],
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ["s3:GetBucketPublicAccessBlock"],
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ["s3:GetEncryptionConfiguration"],
  "aws:s3/bucketVersioning:BucketVersioning": ["s3:GetBucketVersioning"],
  "aws:secretsmanager/secret:Secret": ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
  // Reading a version back reads the value: refresh (drift) only, never a plain preview.
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretsmanager:GetSecretValue"],
  "aws:sqs/queue:Queue": ["sqs:GetQueueAttributes", "sqs:ListQueueTags"],
  "aws:sqs/queuePolicy:QueuePolicy": ["sqs:GetQueueAttributes"],
};

/** AWS actions the invokes call, in preview and refresh alike. */
export const INVOKE_NEEDS: Readonly<Record<string, string[]>> = {
  "aws:eks/getAddonVersion:getAddonVersion": ["eks:DescribeAddonVersions"],
  "aws:iam/getSessionContext:getSessionContext": ["iam:GetRole"],
  "aws:index/getAvailabilityZones:getAvailabilityZones": ["ec2:DescribeAvailabilityZones"],
  "aws:index/getCallerIdentity:getCallerIdentity": ["sts:GetCallerIdentity"],
  "aws:index/getPartition:getPartition": [],
  "aws:index/getRegion:getRegion": [],
};

export type Operation = "preview" | "refresh";

export interface KubernetesNeed {
  apiGroup: string;
  resource: string;
  verb: string;
  /** Set for Secrets: the object's name (access by name only). */
  name?: string;
}

export interface Grants {
  awsActions: string[];
  kubernetesRules: { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs?: string[] }[];
}

export interface Shortfall {
  aws: string[];
  kubernetes: string[];
  /** Types the model has no entry for: extend the model first. */
  unknownTypes: string[];
}


const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** What one operation needs from AWS, for the resources and invokes of a run. */
export function awsNeeds(run: RunResult, op: Operation): { actions: string[]; unknownTypes: string[] } {
  const actions = new Set<string>();
  const unknown = new Set<string>();
  for (const token of new Set(run.invokes.map((i) => i.token))) {
    if (!token.startsWith("aws:")) continue;
    if (!(token in INVOKE_NEEDS)) unknown.add(token);
    (INVOKE_NEEDS[token] ?? []).forEach((a) => actions.add(a));
  }
  if (op === "refresh") {
    for (const type of new Set(run.resources.filter((r) => r.custom && r.type.startsWith("aws:")).map((r) => r.type))) {
      if (!(type in AWS_READ_NEEDS)) unknown.add(type);
      (AWS_READ_NEEDS[type] ?? []).forEach((a) => actions.add(a));
    }
  }
  return { actions: [...actions].sort(), unknownTypes: [...unknown].sort() };
}

/**
 * What one operation needs from Kubernetes RBAC for the given objects. Preview: a dry-run
 * apply per object (patch, and create for objects that may not exist yet). Refresh: a GET
 * per object, then the same dry-run diff. Secrets: by name, and never for a preview (a
 * dry-run PATCH answers with the Secret's data, so it would read the Secret).
 */
export function kubernetesNeeds(objects: ClusterObject[], op: Operation): KubernetesNeed[] {
  const needs = new Map<string, KubernetesNeed>();
  const add = (n: KubernetesNeed) => needs.set(`${n.apiGroup}/${n.resource}/${n.verb}/${n.name ?? ""}`, n);
  for (const o of objects) {
    const apiGroup = groupOf(o.apiVersion);
    const resource = restResource(o.kind);
    if (apiGroup === "" && resource === "secrets") {
      if (op === "refresh") for (const verb of ["get", "patch"]) add({ apiGroup, resource, verb, name: String(o.object.metadata?.name) });
      continue;
    }
    if (apiGroup === "admissionregistration.k8s.io") {
      add({ apiGroup, resource, verb: "get" });
      continue;
    }
    for (const verb of op === "refresh" ? ["get", "patch"] : ["patch", "create"]) add({ apiGroup, resource, verb });
    // Dry-running a Role or binding that grants more than the requester holds needs these.
    if (apiGroup === "rbac.authorization.k8s.io" && /roles$/.test(resource) && !/bindings$/.test(resource)) add({ apiGroup, resource, verb: "escalate" });
    if (apiGroup === "rbac.authorization.k8s.io" && /bindings$/.test(resource)) add({ apiGroup, resource: resource.replace("bindings", "s"), verb: "bind" });
  }
  return [...needs.values()];
}

/** Whether an RBAC rule set allows one request (RBAC is a union of allow rules). */
export function rbacAllows(rules: Grants["kubernetesRules"], need: KubernetesNeed): boolean {
  return rules.some((r) =>
    (r.apiGroups ?? []).some((g) => g === need.apiGroup || g === "*") &&
    (r.resources ?? []).some((x) => x === need.resource || x === "*") &&
    (r.verbs ?? []).some((v) => v === need.verb || v === "*") &&
    (!r.resourceNames?.length || (need.name !== undefined && r.resourceNames.includes(need.name))),
  );
}

/** What the grants lack for an operation on a stack: empty lists mean the operation works. */
export function shortfall(run: RunResult, objects: ClusterObject[], op: Operation, grants: Grants): Shortfall {
  const aws = awsNeeds(run, op);
  const have = new Set(grants.awsActions);
  return {
    aws: aws.actions.filter((a) => !have.has(a)),
    kubernetes: kubernetesNeeds(objects, op).filter((n) => !rbacAllows(grants.kubernetesRules, n)).map((n) => `${n.verb} ${n.apiGroup || "core"}/${n.resource}${n.name ? `/${n.name}` : ""}`),
    unknownTypes: aws.unknownTypes,
  };
}
