import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { ClusterIdentityInfo, PolicyStatement, WorkloadIdentity } from "../core/iam";
import { Sizing, containerSecurity, podSecurity, resources, times, zoneSpread } from "../workload";
import { CHARTS } from "../versions";

export const INGRESS_CLASS = "traefik";
const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface LoadBalancerControllerArgs {
  namespace: string;
  cluster: ClusterIdentityInfo;
  clusterName: string;
  region: string;
  vpcId: pulumi.Input<string>;
  sizing: Sizing;
  provider: k8s.Provider;
  /** cert-manager: the controller's webhook certificate comes from it (enableCertManager). */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * AWS Load Balancer Controller: turns the ingress controller's LoadBalancer Service into an
 * NLB with IP targets, and removes that NLB when the Service goes (see the teardown note in
 * docs/services.md: the ingress controller depends on this chart so destroy runs in order).
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:ingress:AwsLoadBalancerController", name, {}, opts);
    const s = args.sizing;
    const identity = new WorkloadIdentity(`${name}`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: LBC_SERVICE_ACCOUNT,
      mode: "podIdentity", // AWS documents Pod Identity for the controller (aws-sdk-go-v2).
      statements: loadBalancerControllerStatements(args.cluster.partition, args.region, args.cluster.accountId),
    }, { parent: this });

    this.chart = pinnedChart(name, CHARTS.awsLoadBalancerController, {
      namespace: args.namespace,
      releaseName: "aws-load-balancer-controller",
      values: {
        clusterName: args.clusterName,
        region: args.region,
        vpcId: args.vpcId,
        replicaCount: s.replicas,
        serviceAccount: { create: true, name: LBC_SERVICE_ACCOUNT },
        podDisruptionBudget: s.ha ? { maxUnavailable: 1 } : {},
        resources: resources("50m", times("128Mi", s.scale), times("256Mi", s.scale)),
        podSecurityContext: { ...podSecurity(65534), fsGroup: 65534 },
        securityContext: containerSecurity({ user: 65534 }),
        // The chart otherwise generates its webhook CA at render time (genCA), which under
        // helm.v4.Chart changes on every preview; cert-manager issues a stable one instead.
        enableCertManager: true,
        // Only NLBs for Services are used; no ALB IngressClass.
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        // Both webhooks match every Service / Ingress in the cluster with failurePolicy Fail, so
        // while this chart is not Ready no other chart could create one (models/ordering.ts).
        // Neither is needed: Traefik's Service names this controller by annotation
        // (aws-load-balancer-type: external) and no Ingress uses an ALB class.
        enableServiceMutatorWebhook: false,
        webhookConfig: { disableIngressValidation: true },
        defaultTags: { "platform:cluster": args.clusterName },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });
    this.registerOutputs({});
  }
}

export interface TraefikArgs {
  namespace: string;
  sizing: Sizing;
  provider: k8s.Provider;
  /** The load balancer controller (must exist first and be deleted last). */
  loadBalancerController: LoadBalancerController;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Traefik (maintained; ingress-nginx is retired) as the cluster's default IngressClass,
 * behind an internet-facing NLB; HTTP redirects to HTTPS.
 */
export class Traefik extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly ingressClass = INGRESS_CLASS;

  constructor(name: string, args: TraefikArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:ingress:Traefik", name, {}, opts);
    const s = args.sizing;
    this.chart = pinnedChart(name, CHARTS.traefik, {
      namespace: args.namespace,
      releaseName: "traefik",
      values: {
        deployment: { replicas: s.replicas },
        podDisruptionBudget: s.ha ? { enabled: true, minAvailable: 1 } : { enabled: false },
        ingressClass: { enabled: true, isDefaultClass: true, name: INGRESS_CLASS },
        providers: {
          kubernetesIngress: { enabled: true, publishedService: { enabled: true } },
          kubernetesCRD: { enabled: true },
        },
        // Gateway API stays off until app teams ask for it; Ingress is what the charts render.
        gateway: { enabled: false },
        gatewayClass: { enabled: false },
        ports: {
          web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } },
        },
        service: {
          // Every namespace's quota has services.nodeports "0", and the quota evaluator counts a
          // LoadBalancer Service's ports as node ports unless allocateLoadBalancerNodePorts is
          // false. The NLB targets pod IPs (target type ip, through the load balancer
          // controller), so node ports would serve nothing anyway. upstream: kubernetes
          // pkg/quota/v1/evaluator/core/services.go; KEP-1864.
          spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false },
          annotations: {
            "service.beta.kubernetes.io/aws-load-balancer-type": "external",
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
          },
        },
        resources: resources(times("100m", s.scale), times("128Mi", s.scale), times("256Mi", s.scale)),
        podSecurityContext: podSecurity(65532),
        securityContext: containerSecurity(),
        topologySpreadConstraints: s.ha ? zoneSpread({ "app.kubernetes.io/name": "traefik" }) : [],
      },
    }, { parent: this, provider: args.provider, dependsOn: [args.loadBalancerController, ...args.dependsOn] });
    this.registerOutputs({ ingressClass: INGRESS_CLASS });
  }
}

/**
 * The controller's IAM policy: upstream's reference policy at v3.5.0
 * (kubernetes-sigs/aws-load-balancer-controller docs/install/iam_policy.json), statement for
 * statement with its conditions, ARNs narrowed to this partition, region and account;
 * test/iam/reference.spec.ts compares them. The conditions are what keep the controller to load
 * balancers, target groups and security groups carrying its `elbv2.k8s.aws/cluster` tag: it may
 * not tag a foreign one as its own (AddTags/RemoveTags need the tag already there and not in the
 * request) and may not rewrite that tag on a security group.
 */
export function loadBalancerControllerStatements(partition: pulumi.Input<string>, region: string, accountId: pulumi.Input<string>): PolicyStatement[] {
  const elb = (r: string) => pulumi.interpolate`arn:${partition}:elasticloadbalancing:${region}:${accountId}:${r}`;
  const sg = pulumi.interpolate`arn:${partition}:ec2:${region}:${accountId}:security-group/*`;
  const tagged = { "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" };
  const requested = { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" };
  // Already ours, and the request does not set the ownership tag (so no take-over, no rewrite).
  const oursNotRetagged = { Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", ...tagged } };
  const lbAndTg = [elb("targetgroup/*/*"), elb("loadbalancer/net/*/*"), elb("loadbalancer/app/*/*")];
  return [
    {
      Sid: "ServiceLinkedRole",
      Effect: "Allow",
      Action: "iam:CreateServiceLinkedRole",
      Resource: "*",
      Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } },
    },
    {
      // Describe* calls take no resource ARN; the region condition is the scope AWS offers.
      Sid: "Describe",
      Effect: "Allow",
      Action: [
        "ec2:DescribeAccountAttributes", "ec2:DescribeAddresses", "ec2:DescribeAvailabilityZones", "ec2:DescribeInternetGateways",
        "ec2:DescribeVpcs", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeInstances",
        "ec2:DescribeNetworkInterfaces", "ec2:DescribeTags", "ec2:GetCoipPoolUsage", "ec2:DescribeCoipPools", "ec2:GetSecurityGroupsForVpc",
        "ec2:DescribeIpamPools", "ec2:DescribeRouteTables",
        "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancerAttributes", "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeListenerCertificates", "elasticloadbalancing:DescribeSSLPolicies", "elasticloadbalancing:DescribeRules",
        "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeTargetHealth",
        "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTrustStores", "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
      ],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestedRegion": region } },
    },
    {
      Sid: "Integrations",
      Effect: "Allow",
      Action: [
        "cognito-idp:DescribeUserPoolClient", "acm:ListCertificates", "acm:DescribeCertificate", "iam:ListServerCertificates", "iam:GetServerCertificate",
        "waf-regional:GetWebACL", "waf-regional:GetWebACLForResource", "waf-regional:AssociateWebACL", "waf-regional:DisassociateWebACL",
        "wafv2:GetWebACL", "wafv2:GetWebACLForResource", "wafv2:AssociateWebACL", "wafv2:DisassociateWebACL",
        "shield:GetSubscriptionState", "shield:DescribeProtection", "shield:CreateProtection", "shield:DeleteProtection",
      ],
      Resource: "*",
    },
    {
      // Rules on node/cluster security groups the controller did not create (the backend SG).
      Sid: "BackendSecurityGroupRules",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      Resource: "*",
    },
    { Sid: "CreateSecurityGroup", Effect: "Allow", Action: "ec2:CreateSecurityGroup", Resource: "*" },
    {
      Sid: "TagNewSecurityGroup",
      Effect: "Allow",
      Action: "ec2:CreateTags",
      Resource: sg,
      Condition: { StringEquals: { "ec2:CreateAction": "CreateSecurityGroup" }, Null: requested },
    },
    { Sid: "TagOwnSecurityGroups", Effect: "Allow", Action: ["ec2:CreateTags", "ec2:DeleteTags"], Resource: sg, Condition: oursNotRetagged },
    {
      Sid: "ManageOwnSecurityGroups",
      Effect: "Allow",
      Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:DeleteSecurityGroup"],
      Resource: "*",
      Condition: { Null: tagged },
    },
    {
      Sid: "CreateTaggedLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
      Resource: "*",
      Condition: { Null: requested },
    },
    {
      Sid: "ManageListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule"],
      Resource: "*",
    },
    {
      Sid: "TagOwnLoadBalancers",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: lbAndTg,
      Condition: oursNotRetagged,
    },
    {
      Sid: "TagListenersAndRules",
      Effect: "Allow",
      Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
      Resource: [elb("listener/net/*/*/*"), elb("listener/app/*/*/*"), elb("listener-rule/net/*/*/*"), elb("listener-rule/app/*/*/*")],
    },
    {
      Sid: "ModifyOwnLoadBalancers",
      Effect: "Allow",
      Action: [
        "elasticloadbalancing:ModifyLoadBalancerAttributes", "elasticloadbalancing:SetIpAddressType", "elasticloadbalancing:SetSecurityGroups",
        "elasticloadbalancing:SetSubnets", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyTargetGroup",
        "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyListenerAttributes",
        "elasticloadbalancing:ModifyCapacityReservation", "elasticloadbalancing:ModifyIpPools",
      ],
      Resource: "*",
      Condition: { Null: tagged },
    },
    {
      Sid: "TagOnCreate",
      Effect: "Allow",
      Action: "elasticloadbalancing:AddTags",
      Resource: lbAndTg,
      Condition: { StringEquals: { "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"] }, Null: requested },
    },
    {
      Sid: "RegisterTargets",
      Effect: "Allow",
      Action: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
      Resource: elb("targetgroup/*/*"),
    },
    {
      Sid: "ModifyListeners",
      Effect: "Allow",
      Action: ["elasticloadbalancing:SetWebAcl", "elasticloadbalancing:ModifyListener", "elasticloadbalancing:AddListenerCertificates", "elasticloadbalancing:RemoveListenerCertificates", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities"],
      Resource: "*",
    },
  ];
}
