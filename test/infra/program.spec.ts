import * as assert from "assert";
import { PROFILES, planSubnets } from "../../infra/config";
import { DEPLOYER_ROLE, RunResult } from "../../tools/harness";
import { ENVS, inputs, ofType, one, runStack, runWith } from "../support";

const STACK_ADMINS: Record<string, string[]> = {
  dev: ["arn:aws:iam::123456789012:role/platform-admin"],
  staging: ["arn:aws:iam::123456789012:role/platform-admin"],
  prod: ["arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:role/platform-breakglass"],
};
const EXPECT = {
  dev: { zones: 2, nats: 1, logTypes: 3, retention: 7, cidr: "10.10.0.0/16", protect: false, publicCidrs: ["203.0.113.0/24"] },
  staging: { zones: 3, nats: 3, logTypes: 3, retention: 30, cidr: "10.20.0.0/16", protect: false, publicCidrs: ["203.0.113.0/24"] },
  prod: { zones: 3, nats: 3, logTypes: 5, retention: 365, cidr: "10.30.0.0/16", protect: true, publicCidrs: ["198.51.100.0/24"] },
} as const;

const policyDoc = (x: { inputs: Record<string, unknown> }, field = "policy") => JSON.parse(String(x.inputs[field]));

for (const env of ENVS) {
  describe(`program: ${env}`, () => {
    let r: RunResult;
    const e = EXPECT[env];
    before(async () => {
      r = await runStack(env);
    });

    it("spreads public and private subnets over the profile's zones, CIDRs from the plan", () => {
      const subnets = ofType(r, "aws:ec2/subnet:Subnet").map(inputs);
      const plan = planSubnets(e.cidr, e.zones);
      assert.strictEqual(inputs(one(r, "aws:ec2/vpc:Vpc")).cidrBlock, e.cidr);
      assert.strictEqual(new Set(subnets.map((s) => s.availabilityZone)).size, e.zones);
      const priv = subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1");
      const pub = subnets.filter((s) => s.tags["kubernetes.io/role/elb"] === "1");
      assert.deepStrictEqual(priv.map((s) => s.cidrBlock).sort(), [...plan.private].sort());
      assert.deepStrictEqual(pub.map((s) => s.cidrBlock).sort(), [...plan.public].sort());
      for (const s of priv) assert.strictEqual(s.tags["karpenter.sh/discovery"], `platform-${env}`);
      for (const s of pub) assert.notStrictEqual(s.mapPublicIpOnLaunch, true);
    });

    it(`has ${e.nats} NAT gateway(s) and routes every private subnet through one`, () => {
      const nats = ofType(r, "aws:ec2/natGateway:NatGateway");
      assert.strictEqual(nats.length, e.nats);
      const natIds = new Set(nats.map((n) => `${n.name}-id`));
      const privateRts = ofType(r, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("private"));
      assert.strictEqual(privateRts.length, e.zones);
      for (const rt of privateRts) assert.ok(natIds.has(inputs(rt).routes[0].natGatewayId), `${rt.name} not routed through a NAT gateway`);
      assert.strictEqual(new Set(privateRts.map((rt) => inputs(rt).routes[0].natGatewayId)).size, e.nats);
    });

    it("logs VPC flows and keeps S3 traffic on a gateway endpoint", () => {
      const flow = inputs(one(r, "aws:ec2/flowLog:FlowLog"));
      assert.strictEqual(flow.trafficType, "ALL");
      const endpoint = inputs(one(r, "aws:ec2/vpcEndpoint:VpcEndpoint"));
      assert.strictEqual(endpoint.vpcEndpointType, "Gateway");
      assert.strictEqual(endpoint.serviceName, "com.amazonaws.eu-west-1.s3");
      assert.strictEqual(endpoint.routeTableIds.length, e.zones);
      assert.deepStrictEqual(inputs(one(r, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")).ingress ?? [], []);
    });

    it("restricts the API endpoint to the allowlist and keeps private access", () => {
      const v = inputs(one(r, "aws:eks/cluster:Cluster")).vpcConfig;
      assert.strictEqual(v.endpointPrivateAccess, true);
      assert.strictEqual(v.endpointPublicAccess, true);
      assert.deepStrictEqual(v.publicAccessCidrs, e.publicCidrs);
      assert.strictEqual(v.subnetIds.length, e.zones);
      assert.ok(v.subnetIds.every((id: string) => id.includes("private")), "control plane ENIs outside private subnets");
    });

    it(`ships ${e.logTypes} control-plane log types into an owned log group kept ${e.retention} days`, () => {
      const c = one(r, "aws:eks/cluster:Cluster");
      assert.strictEqual(inputs(c).enabledClusterLogTypes.length, e.logTypes);
      for (const t of ["api", "audit", "authenticator"]) assert.ok(inputs(c).enabledClusterLogTypes.includes(t));
      const lg = ofType(r, "aws:cloudwatch/logGroup:LogGroup").find((g) => inputs(g).name === `/aws/eks/platform-${env}/cluster`);
      assert.ok(lg, "no control-plane log group");
      assert.strictEqual(inputs(lg!).retentionInDays, e.retention);
      // The group must exist before EKS writes to it.
      assert.ok(c.dependsOn.includes(lg!.urn));
    });

    it("encrypts Secrets with a rotating customer KMS key that only the cluster role may use", () => {
      const key = one(r, "aws:kms/key:Key", "eks-secrets");
      assert.strictEqual(inputs(key).enableKeyRotation, true);
      const c = inputs(one(r, "aws:eks/cluster:Cluster"));
      assert.deepStrictEqual(c.encryptionConfig, { provider: { keyArn: key.outputs.arn }, resources: ["secrets"] });
      const kms = policyDoc(one(r, "aws:iam/rolePolicy:RolePolicy", "eks-cluster-kms"));
      assert.deepStrictEqual(kms.Statement.map((s: any) => s.Resource), [key.outputs.arn]);
    });

    it("pins the version on standard support and installs addons itself", () => {
      const c = inputs(one(r, "aws:eks/cluster:Cluster"));
      assert.strictEqual(c.version, "1.35");
      assert.deepStrictEqual(c.upgradePolicy, { supportType: "STANDARD" });
      assert.strictEqual(c.bootstrapSelfManagedAddons, false);
      assert.strictEqual(c.kubernetesNetworkConfig.serviceIpv4Cidr, "172.20.0.0/16");
    });

    it("authenticates through access entries only: admins, viewers and the deployer", () => {
      const c = inputs(one(r, "aws:eks/cluster:Cluster"));
      assert.deepStrictEqual(c.accessConfig, { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
      const assocs = ofType(r, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map(inputs);
      const admins = assocs.filter((a) => a.policyArn.endsWith("/AmazonEKSClusterAdminPolicy")).map((a) => a.principalArn).sort();
      assert.deepStrictEqual(admins, [...STACK_ADMINS[env], DEPLOYER_ROLE].sort());
      for (const a of assocs) assert.deepStrictEqual(a.accessScope, { type: "cluster" });
      const viewers = assocs.filter((a) => a.policyArn.endsWith("/AmazonEKSViewPolicy"));
      assert.strictEqual(viewers.length, env === "dev" ? 0 : 1);
      const entries = ofType(r, "aws:eks/accessEntry:AccessEntry").map(inputs);
      for (const a of assocs) assert.ok(entries.some((en) => en.principalArn === a.principalArn && en.type === "STANDARD"));
      assert.ok(!r.resources.some((x) => x.type === "kubernetes:core/v1:ConfigMap" && (x.inputs as any).metadata?.name === "aws-auth"), "aws-auth ConfigMap registered");
    });

    it("requires IMDSv2 with hop limit 1 and encrypted gp3 on every node launch template", () => {
      const lts = ofType(r, "aws:ec2/launchTemplate:LaunchTemplate");
      assert.ok(lts.length >= 1);
      for (const lt of lts) {
        const i = inputs(lt);
        assert.strictEqual(i.metadataOptions.httpTokens, "required");
        assert.strictEqual(i.metadataOptions.httpPutResponseHopLimit, 1);
        for (const m of i.blockDeviceMappings) assert.deepStrictEqual([m.ebs.volumeType, m.ebs.encrypted], ["gp3", "true"]);
      }
      const profile = PROFILES[env].nodeGroups[0];
      const ng = inputs(one(r, "aws:eks/nodeGroup:NodeGroup"));
      assert.strictEqual(ng.launchTemplate.id, `${lts[0].name}-id`);
      assert.deepStrictEqual([ng.capacityType, ng.amiType, ng.instanceTypes], [profile.capacityType, "AL2023_x86_64_STANDARD", profile.instanceTypes]);
      assert.deepStrictEqual(ng.scalingConfig, { minSize: profile.minSize, desiredSize: profile.desiredSize, maxSize: profile.maxSize });
      assert.strictEqual(ng.subnetIds.length, e.zones);
    });

    it("installs managed addons in order: networking before nodes, coredns and EBS CSI after", () => {
      const addons = new Map(ofType(r, "aws:eks/addon:Addon").map((a) => [inputs(a).addonName as string, a]));
      assert.deepStrictEqual([...addons.keys()].sort(), ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
      const cni = inputs(addons.get("vpc-cni")!);
      assert.strictEqual(JSON.parse(cni.configurationValues).enableNetworkPolicy, "true");
      const ng = one(r, "aws:eks/nodeGroup:NodeGroup");
      for (const pre of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) assert.ok(ng.dependsOn.includes(addons.get(pre)!.urn), `node group does not wait for ${pre}`);
      for (const post of ["coredns", "aws-ebs-csi-driver"]) assert.ok(addons.get(post)!.dependsOn.includes(ng.urn), `${post} does not wait for nodes`);
      assert.strictEqual(JSON.parse(inputs(addons.get("coredns")!).configurationValues).replicaCount, env === "prod" ? 3 : 2);
    });

    it("gives vpc-cni and EBS CSI their own Pod Identity roles, trusted only by this cluster", () => {
      const clusterArn = one(r, "aws:eks/cluster:Cluster").outputs.arn;
      for (const [addon, sa, policy] of [["vpc-cni", "aws-node", "AmazonEKS_CNI_Policy"], ["aws-ebs-csi-driver", "ebs-csi-controller-sa", "service-role/AmazonEBSCSIDriverPolicy"]]) {
        const a = inputs(ofType(r, "aws:eks/addon:Addon").find((x) => inputs(x).addonName === addon)!);
        assert.strictEqual(a.podIdentityAssociations.length, 1);
        assert.strictEqual(a.podIdentityAssociations[0].serviceAccount, sa);
        const role = ofType(r, "aws:iam/role:Role").find((x) => x.outputs.arn === a.podIdentityAssociations[0].roleArn)!;
        const trust = policyDoc(role, "assumeRolePolicy").Statement[0];
        assert.deepStrictEqual(trust.Principal, { Service: "pods.eks.amazonaws.com" });
        assert.strictEqual(trust.Condition.ArnEquals["aws:SourceArn"], clusterArn);
        const attached = ofType(r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((x) => inputs(x).role === role.outputs.name).map((x) => inputs(x).policyArn);
        assert.deepStrictEqual(attached, [`arn:aws:iam::aws:policy/${policy}`]);
      }
    });

    it("makes encrypted gp3 the default StorageClass", () => {
      const sc = inputs(one(r, "kubernetes:storage.k8s.io/v1:StorageClass"));
      assert.strictEqual(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
      assert.deepStrictEqual([sc.provisioner, sc.parameters.type, sc.parameters.encrypted, sc.volumeBindingMode], ["ebs.csi.aws.com", "gp3", "true", "WaitForFirstConsumer"]);
    });

    it("runs Karpenter with an interruption queue, a scoped role and a default NodePool", () => {
      const q = inputs(one(r, "aws:sqs/queue:Queue"));
      assert.strictEqual(q.sqsManagedSseEnabled, true);
      const targets = ofType(r, "aws:cloudwatch/eventTarget:EventTarget").map(inputs);
      assert.strictEqual(targets.length, 5);
      const queue = one(r, "aws:sqs/queue:Queue");
      for (const t of targets) assert.strictEqual(t.arn, queue.outputs.arn);
      const chart = one(r, "kubernetes:helm.sh/v4:Chart", "karpenter");
      const v = inputs(chart).values;
      assert.deepStrictEqual([v.settings.clusterName, v.settings.interruptionQueue, v.replicas], [`platform-${env}`, queue.outputs.name, env === "prod" ? 2 : 1]);
      const pool = one(r, "kubernetes:karpenter.sh/v1:NodePool");
      const cls = one(r, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
      assert.ok(pool.dependsOn.includes(chart.urn) && cls.dependsOn.includes(chart.urn), "Karpenter CRs do not wait for the chart's CRDs");
      assert.strictEqual(inputs(cls).spec.metadataOptions.httpTokens, "required");
      const caps = inputs(pool).spec.template.spec.requirements.find((q: any) => q.key === "karpenter.sh/capacity-type").values;
      assert.deepStrictEqual(caps, PROFILES[env].karpenterCapacityTypes);
      // The controller's policy: no wildcard actions; "*" resources only where AWS takes no ARN
      // (GetManagedResource takes load balancer ARNs, so upstream narrows it by condition).
      const policy = policyDoc(one(r, "aws:iam/rolePolicy:RolePolicy", "karpenter-controller"));
      for (const s of policy.Statement) {
        assert.ok(![s.Action].flat().some((a: string) => a === "*" || a.endsWith(":*")), `${s.Sid} has a wildcard action`);
        if ([s.Resource].flat().includes("*")) assert.ok([s.Action].flat().every((a: string) => /^(ec2:Describe|pricing:|iam:ListInstanceProfiles$|arc-zonal-shift:GetManagedResource$)/.test(a)), `${s.Sid} uses Resource "*"`);
      }
    });

    it(e.protect ? "protects and retains the key, log groups and the cluster" : "protects nothing, so dev can be torn down", () => {
      const stateful = [one(r, "aws:kms/key:Key"), one(r, "aws:eks/cluster:Cluster"), ...ofType(r, "aws:cloudwatch/logGroup:LogGroup")];
      for (const x of stateful) {
        assert.strictEqual(x.protect, e.protect, `${x.name} protect`);
        assert.strictEqual(x.retainOnDelete, e.protect, `${x.name} retainOnDelete`);
      }
      assert.strictEqual(inputs(one(r, "aws:eks/cluster:Cluster")).deletionProtection, e.protect);
      assert.strictEqual(inputs(one(r, "aws:kms/key:Key")).deletionWindowInDays, e.protect ? 30 : 7);
      if (!e.protect) assert.strictEqual(r.resources.filter((x) => x.protect).length, 0);
    });

    it("tags every AWS resource through the provider's default tags", () => {
      const tags = inputs(one(r, "pulumi:providers:aws")).defaultTags;
      const parsed = typeof tags === "string" ? JSON.parse(tags) : tags;
      assert.deepStrictEqual([parsed.tags.environment, parsed.tags["managed-by"], parsed.tags["cost-center"]], [env, "pulumi", `platform-${env}`]);
      const awsResources = r.resources.filter((x) => x.custom && x.type.startsWith("aws:"));
      assert.ok(awsResources.every((x) => x.provider.includes("pulumi:providers:aws::aws")), "an AWS resource bypasses the tagged provider");
    });

    it("keeps the kubeconfig secret and uses short-lived tokens", () => {
      assert.ok(r.secretOutputs.includes("kubeconfig"));
      assert.strictEqual(r.outputs.kubeconfig, "[secret]");
      assert.strictEqual(inputs(one(r, "pulumi:providers:kubernetes")).kubeconfig, "[secret]");
      assert.strictEqual(r.outputs.clusterName, `platform-${env}`);
      assert.strictEqual((r.outputs.privateSubnetIds as string[]).length, e.zones);
    });

    it("registers every URN once (no duplicate names)", () => {
      const urns = r.resources.map((x) => x.urn);
      assert.strictEqual(new Set(urns).size, urns.length);
      assert.strictEqual(r.newResourceCalls, r.registered);
      assert.strictEqual(r.resources.length, r.registered);
    });

    it("survives a first preview where every provider output is unknown, with the same resources", async () => {
      const p = await runStack(env, true);
      const names = (x: RunResult) => x.resources.map((y) => `${y.type}::${y.name}`).sort();
      assert.deepStrictEqual(names(p), names(r));
      assert.strictEqual(p.outputs.clusterEndpoint, "[unknown]");
    });
  });
}

describe("program: bad input stops before resources", () => {
  // Types registered before the failure, the stack itself aside (its registration may still be in flight).
  const registered = (e: unknown) => (e as { registeredTypes: string[] }).registeredTypes.filter((t) => t !== "pulumi:pulumi:Stack");

  it("a config error registers nothing but the stack", async () => {
    await assert.rejects(runWith("dev", { vpcCidr: "10.0.1.0/16" }), (e: Error) => {
      assert.strictEqual(e.name, "ConfigError");
      assert.match(e.message, /platform:vpcCidr/);
      assert.deepStrictEqual(registered(e), []);
      return true;
    });
  });

  it("more zones than the region offers is named before any cloud resource", async () => {
    await assert.rejects(runWith("dev", { availabilityZoneCount: 3 }, { zones: 2 }), (e: Error) => {
      assert.match(e.message, /platform:availabilityZoneCount: 3 zones requested but eu-west-1 offers 2/);
      // Only the AWS provider the zone lookup goes through.
      assert.deepStrictEqual(registered(e), ["pulumi:providers:aws"]);
      return true;
    });
  });

  it("gives the deployer no entry when deployerAccess is false", async () => {
    const r = await runWith("dev", { deployerAccess: false });
    assert.ok(!ofType(r, "aws:eks/accessEntry:AccessEntry").some((x) => inputs(x).principalArn === DEPLOYER_ROLE));
  });
});

describe("program: a dev stack with other choices", () => {
  // One run with several independent choices, each asserted on its own.
  let r: RunResult;
  before(async () => {
    r = await runWith("dev", {
      availabilityZoneCount: 4,
      clusterAdmins: [DEPLOYER_ROLE],
      endpointPublicAccessCidrs: [],
      nodeGroups: [{ name: "br", instanceTypes: ["m7g.large"], minSize: 1, desiredSize: 1, maxSize: 2, amiFamily: "Bottlerocket" }],
    });
  });

  it("four zones when the region offers them", () => {
    assert.strictEqual(new Set(ofType(r, "aws:ec2/subnet:Subnet").map((s) => inputs(s).availabilityZone)).size, 4);
  });

  it("does not add the deployer twice when it is already an admin", () => {
    const principals = ofType(r, "aws:eks/accessEntry:AccessEntry").map((x) => inputs(x).principalArn).filter((p) => p === DEPLOYER_ROLE);
    assert.strictEqual(principals.length, 1);
  });

  it("turns the public endpoint off when no CIDR is listed", () => {
    const v = inputs(one(r, "aws:eks/cluster:Cluster")).vpcConfig;
    assert.deepStrictEqual([v.endpointPublicAccess, v.endpointPrivateAccess, v.publicAccessCidrs], [false, true, undefined]);
  });

  it("builds Bottlerocket and Graviton node groups with the matching AMI type and data volume", () => {
    assert.strictEqual(inputs(one(r, "aws:eks/nodeGroup:NodeGroup")).amiType, "BOTTLEROCKET_ARM_64");
    assert.strictEqual(inputs(one(r, "aws:ec2/launchTemplate:LaunchTemplate")).blockDeviceMappings[0].deviceName, "/dev/xvdb");
  });
});
