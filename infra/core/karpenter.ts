import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { ClusterIdentityInfo, PolicyStatement, WorkloadIdentity } from "./iam";
import { nodeRole } from "./nodes";
import { CHARTS } from "../versions";

export interface KarpenterArgs {
  cluster: ClusterIdentityInfo;
  clusterName: string;
  clusterEndpoint: pulumi.Input<string>;
  clusterSecurityGroupId: pulumi.Input<string>;
  region: string;
  provider: k8s.Provider;
  capacityTypes: ("spot" | "on-demand")[];
  architectures: ("amd64" | "arm64")[];
  cpuLimit: number;
  replicas: number;
  /** Karpenter must run on the managed nodes, never on nodes it manages itself. */
  dependsOn: pulumi.Resource[];
}

const NAMESPACE = "kube-system";
const SERVICE_ACCOUNT = "karpenter";

/**
 * Karpenter: its node role (with an EC2_LINUX access entry so its nodes can join), the
 * interruption queue fed by EventBridge (spot and capacity-reservation interruptions,
 * rebalance, health events, state changes), a controller role scoped to this cluster's tagged resources, the chart,
 * and a default EC2NodeClass/NodePool.
 */
export class Karpenter extends pulumi.ComponentResource {
  public readonly queueName: pulumi.Output<string>;
  public readonly nodeRoleName: pulumi.Output<string>;
  public readonly controllerRoleArn: pulumi.Output<string>;
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:autoscaling:Karpenter", name, {}, opts);
    const parent = { parent: this };
    const c = args.cluster;
    const cn = args.clusterName;

    const role = nodeRole(`${name}-node`, c.partition, this);
    // Managed node groups register their own role; Karpenter's nodes need an entry.
    new aws.eks.AccessEntry(`${name}-node`, { clusterName: c.name, principalArn: role.arn, type: "EC2_LINUX" }, parent);

    const queue = new aws.sqs.Queue(`${name}-interruptions`, {
      name: cn,
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
    }, parent);
    new aws.sqs.QueuePolicy(`${name}-interruptions`, {
      queueUrl: queue.url,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "EventBridge", Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: queue.arn },
          { Sid: "DenyHTTP", Effect: "Deny", Principal: "*", Action: "sqs:*", Resource: queue.arn, Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ],
      }),
    }, parent);
    const rules: Record<string, object> = {
      "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
      "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
      rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
      "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
      "capacity-reservation-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
    };
    for (const [rule, pattern] of Object.entries(rules)) {
      const r = new aws.cloudwatch.EventRule(`${name}-${rule}`, { eventPattern: JSON.stringify(pattern), description: `Karpenter ${rule} for ${cn}` }, parent);
      new aws.cloudwatch.EventTarget(`${name}-${rule}`, { rule: r.name, arn: queue.arn, targetId: "karpenter-interruption-queue" }, parent);
    }

    const controller = new WorkloadIdentity(`${name}-controller`, {
      cluster: c,
      namespace: NAMESPACE,
      serviceAccount: SERVICE_ACCOUNT,
      mode: "podIdentity",
      statements: controllerStatements(cn, args.region, c, queue.arn, role.arn),
    }, parent);

    this.chart = pinnedChart(`${name}`, CHARTS.karpenter, {
      namespace: NAMESPACE,
      releaseName: "karpenter",
      values: {
        replicas: args.replicas,
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        settings: { clusterName: cn, clusterEndpoint: args.clusterEndpoint, interruptionQueue: queue.name },
        podDisruptionBudget: { name: "karpenter", maxUnavailable: 1 },
        // The chart hard-codes a restricted securityContext and /healthz, /readyz probes.
        controller: { resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } } },
      },
    }, { parent: this, provider: args.provider, dependsOn: [controller, ...args.dependsOn] });

    const nodeClass = new k8s.apiextensions.CustomResource(`${name}-default-class`, {
      apiVersion: "karpenter.k8s.aws/v1",
      kind: "EC2NodeClass",
      metadata: { name: "default" },
      spec: {
        role: role.name,
        amiSelectorTerms: [{ alias: "al2023@latest" }],
        subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": cn } }],
        securityGroupSelectorTerms: [{ id: args.clusterSecurityGroupId }],
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIPv6: "disabled" },
        blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } }],
        tags: { "karpenter.sh/discovery": cn },
      },
    }, { parent: this, provider: args.provider, dependsOn: [this.chart] });

    new k8s.apiextensions.CustomResource(`${name}-default-pool`, {
      apiVersion: "karpenter.sh/v1",
      kind: "NodePool",
      metadata: { name: "default" },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
            requirements: [
              { key: "kubernetes.io/arch", operator: "In", values: args.architectures },
              { key: "karpenter.sh/capacity-type", operator: "In", values: args.capacityTypes },
              { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
              { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
            ],
            expireAfter: "720h",
          },
        },
        limits: { cpu: String(args.cpuLimit) },
        disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] },
      },
    }, { parent: this, provider: args.provider, dependsOn: [this.chart, nodeClass] });

    this.queueName = queue.name;
    this.nodeRoleName = role.name;
    this.controllerRoleArn = controller.roleArn;
    this.registerOutputs({ queueName: this.queueName, nodeRoleName: this.nodeRoleName, controllerRoleArn: this.controllerRoleArn });
  }
}

/**
 * The controller's rights: Karpenter's reference policy at v1.14.1 (aws/karpenter-provider-aws
 * website/content/en/docs/getting-started/getting-started-with-karpenter/cloudformation.yaml),
 * statement for statement; test/iam/reference.spec.ts compares them.
 */
export function controllerStatements(
  cn: string,
  region: string,
  c: ClusterIdentityInfo,
  queueArn: pulumi.Input<string>,
  nodeRoleArn: pulumi.Input<string>,
): PolicyStatement[] {
  const p = c.partition;
  const ec2 = (r: string) => pulumi.interpolate`arn:${p}:ec2:${region}:*:${r}`;
  const owned = { [`aws:ResourceTag/kubernetes.io/cluster/${cn}`]: "owned" };
  const requestOwned = { [`aws:RequestTag/kubernetes.io/cluster/${cn}`]: "owned", "aws:RequestTag/eks:eks-cluster-name": cn };
  const profile = pulumi.interpolate`arn:${p}:iam::${c.accountId}:instance-profile/*`;
  return [
    {
      Sid: "AllowScopedEC2InstanceAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: [pulumi.interpolate`arn:${p}:ec2:${region}::image/*`, pulumi.interpolate`arn:${p}:ec2:${region}::snapshot/*`, ec2("security-group/*"), ec2("subnet/*"), ec2("capacity-reservation/*"), ec2("placement-group/*")],
    },
    {
      Sid: "AllowScopedEC2LaunchTemplateAccessActions",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      Resource: ec2("launch-template/*"),
      Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedEC2InstanceActionsWithTags",
      Effect: "Allow",
      Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
      Resource: ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2),
      Condition: { StringEquals: requestOwned, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedResourceCreationTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ["fleet/*", "instance/*", "volume/*", "network-interface/*", "launch-template/*", "spot-instances-request/*"].map(ec2),
      Condition: { StringEquals: { ...requestOwned, "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"] }, StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" } },
    },
    {
      Sid: "AllowScopedResourceTagging",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: ec2("instance/*"),
      // Only the tags Karpenter writes after launch, and never another cluster's name
      // (upstream v1.14.1 AllowScopedResourceTagging).
      Condition: {
        StringEquals: owned,
        StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": cn },
        "ForAllValues:StringEquals": { "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"] },
      },
    },
    {
      Sid: "AllowScopedDeletion",
      Effect: "Allow",
      Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
      Resource: [ec2("instance/*"), ec2("launch-template/*")],
      Condition: { StringEquals: owned, StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" } },
    },
    {
      // Describe calls take no resource ARNs; the region condition is the scope AWS offers.
      Sid: "AllowRegionalReadActions",
      Effect: "Allow",
      Action: ["ec2:DescribeImages", "ec2:DescribeInstances", "ec2:DescribeInstanceTypeOfferings", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplates", "ec2:DescribeSecurityGroups", "ec2:DescribeSpotPriceHistory", "ec2:DescribeSubnets", "ec2:DescribeCapacityReservations", "ec2:DescribeInstanceStatus", "ec2:DescribePlacementGroups"],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": region } },
    },
    { Sid: "AllowSSMReadActions", Effect: "Allow", Action: "ssm:GetParameter", Resource: pulumi.interpolate`arn:${p}:ssm:${region}::parameter/aws/service/*` },
    { Sid: "AllowPricingReadActions", Effect: "Allow", Action: "pricing:GetProducts", Resource: "*" },
    { Sid: "AllowInterruptionQueueActions", Effect: "Allow", Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], Resource: queueArn },
    { Sid: "AllowPassingInstanceRole", Effect: "Allow", Action: "iam:PassRole", Resource: nodeRoleArn, Condition: { StringEquals: { "iam:PassedToService": ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] } } },
    {
      Sid: "AllowScopedInstanceProfileCreationActions",
      Effect: "Allow",
      Action: ["iam:CreateInstanceProfile"],
      Resource: profile,
      Condition: { StringEquals: { ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": region }, StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
    },
    {
      Sid: "AllowScopedInstanceProfileTagActions",
      Effect: "Allow",
      Action: ["iam:TagInstanceProfile"],
      Resource: profile,
      Condition: { StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": region, ...requestOwned, "aws:RequestTag/topology.kubernetes.io/region": region }, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*", "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
    },
    {
      Sid: "AllowScopedInstanceProfileActions",
      Effect: "Allow",
      Action: ["iam:AddRoleToInstanceProfile", "iam:RemoveRoleFromInstanceProfile", "iam:DeleteInstanceProfile"],
      Resource: profile,
      Condition: { StringEquals: { ...owned, "aws:ResourceTag/topology.kubernetes.io/region": region }, StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" } },
    },
    // ListInstanceProfiles takes no resource ARN: scoped to instance-profile/* it grants nothing,
    // the instance-profile garbage collection fails and an EC2NodeClass never finishes deleting.
    { Sid: "AllowUnscopedInstanceProfileListAction", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
    { Sid: "AllowInstanceProfileReadActions", Effect: "Allow", Action: "iam:GetInstanceProfile", Resource: profile },
    { Sid: "AllowAPIServerEndpointDiscovery", Effect: "Allow", Action: "eks:DescribeCluster", Resource: c.arn },
    {
      // GetManagedResource is authorized on "*", narrowed to this cluster by its identifier.
      Sid: "AllowZonalShiftStatusReadOnly",
      Effect: "Allow",
      Action: "arc-zonal-shift:GetManagedResource",
      Resource: "*",
      Condition: { StringEquals: { "arc-zonal-shift:ResourceIdentifier": pulumi.interpolate`arn:${p}:eks:${region}:${c.accountId}:cluster/${cn}` } },
    },
  ];
}
