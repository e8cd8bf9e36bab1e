import * as assert from "assert";
import * as aws from "@pulumi/aws";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as a from "../../policies/aws/rules";
import { T } from "../../policies/lib/aws";
import { runResource, runStack, StackInput, urnOf } from "./harness";

const res = (p: ResourceValidationPolicy, type: string, props: unknown, config?: Record<string, unknown>) => runResource(p, type, props, { config }).messages;
const fields = (m: string[]) => m.map((x) => x.split(":")[0]);

describe("aws rules", () => {
  it("every type token matches the @pulumi/aws 7 class", () => {
    const classes: Record<keyof typeof T, { __pulumiType?: string }> = {
      eksCluster: aws.eks.Cluster, launchTemplate: aws.ec2.LaunchTemplate, instance: aws.ec2.Instance, bucket: aws.s3.Bucket,
      bucketV2: aws.s3.BucketV2, sse: aws.s3.BucketServerSideEncryptionConfiguration, sseV2: aws.s3.BucketServerSideEncryptionConfigurationV2,
      versioning: aws.s3.BucketVersioning, versioningV2: aws.s3.BucketVersioningV2, publicAccessBlock: aws.s3.BucketPublicAccessBlock,
      accountPublicAccessBlock: aws.s3.AccountPublicAccessBlock, kmsKey: aws.kms.Key, iamPolicy: aws.iam.Policy, iamRolePolicy: aws.iam.RolePolicy,
      iamUserPolicy: aws.iam.UserPolicy, iamGroupPolicy: aws.iam.GroupPolicy, iamRole: aws.iam.Role, securityGroup: aws.ec2.SecurityGroup, defaultSecurityGroup: aws.ec2.DefaultSecurityGroup,
      securityGroupRule: aws.ec2.SecurityGroupRule, sgIngressRule: aws.vpc.SecurityGroupIngressRule, ecrRepository: aws.ecr.Repository,
      ecrRegistryScanning: aws.ecr.RegistryScanningConfiguration,
    } as any;
    for (const [key, token] of Object.entries(T)) assert.strictEqual(classes[key as keyof typeof T].__pulumiType, token, key);
  });

  describe("EKS", () => {
    const cluster = (over: Record<string, unknown> = {}) => ({
      roleArn: "arn:aws:iam::1:role/eks",
      encryptionConfig: { provider: { keyArn: "arn:aws:kms:eu-west-1:1:key/abc" }, resources: ["secrets"] },
      enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
      vpcConfig: { subnetIds: ["s"], endpointPrivateAccess: true, endpointPublicAccess: false },
      ...over,
    });
    it("a hardened cluster passes all three rules", () => {
      for (const p of [a.eksSecretsEncryption, a.eksControlPlaneLogging, a.eksEndpointNotPublic]) assert.deepStrictEqual(res(p as ResourceValidationPolicy, T.eksCluster, cluster()), [], p.name);
    });
    it("aws-eks-secrets-encryption: missing config, no secrets resource, no key", () => {
      assert.deepStrictEqual(fields(res(a.eksSecretsEncryption, T.eksCluster, cluster({ encryptionConfig: undefined }))), ["encryptionConfig"]);
      assert.deepStrictEqual(fields(res(a.eksSecretsEncryption, T.eksCluster, cluster({ encryptionConfig: { provider: { keyArn: "k" }, resources: [] } }))), ["encryptionConfig.resources"]);
      assert.deepStrictEqual(fields(res(a.eksSecretsEncryption, T.eksCluster, cluster({ encryptionConfig: { provider: {}, resources: ["secrets"] } }))), ["encryptionConfig.provider.keyArn"]);
    });
    it("aws-eks-control-plane-logging: default requires api/audit/authenticator; config can require all five", () => {
      const m = res(a.eksControlPlaneLogging, T.eksCluster, cluster({ enabledClusterLogTypes: ["api"] }));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /not enabled: audit, authenticator/);
      assert.deepStrictEqual(res(a.eksControlPlaneLogging, T.eksCluster, cluster({ enabledClusterLogTypes: ["api", "audit", "authenticator"] })), []);
      assert.match(res(a.eksControlPlaneLogging, T.eksCluster, cluster({ enabledClusterLogTypes: ["api", "audit", "authenticator"] }), { requiredLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] })[0], /controllerManager, scheduler/);
    });
    it("aws-eks-endpoint-not-public: AWS defaults are public to the world", () => {
      assert.deepStrictEqual(fields(res(a.eksEndpointNotPublic, T.eksCluster, cluster({ vpcConfig: { subnetIds: ["s"] } }))), ["vpcConfig.publicAccessCidrs"]);
      assert.deepStrictEqual(fields(res(a.eksEndpointNotPublic, T.eksCluster, cluster({ vpcConfig: undefined }))), ["vpcConfig.publicAccessCidrs"]);
      assert.deepStrictEqual(fields(res(a.eksEndpointNotPublic, T.eksCluster, cluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24", "::/0"] } }))), ["vpcConfig.publicAccessCidrs[1]"]);
      assert.deepStrictEqual(res(a.eksEndpointNotPublic, T.eksCluster, cluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } })), []);
    });
  });

  describe("aws-imdsv2-required", () => {
    it("passes required tokens and a disabled endpoint, on launch templates and instances", () => {
      assert.deepStrictEqual(res(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } }), []);
      assert.deepStrictEqual(res(a.imdsv2Required, T.instance, { metadataOptions: { httpEndpoint: "disabled" } }), []);
    });
    it("fails optional or unset tokens", () => {
      assert.match(res(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "optional" } })[0], /^metadataOptions\.httpTokens: httpTokens is "optional"/);
      assert.match(res(a.imdsv2Required, T.launchTemplate, {})[0], /IMDSv1 allowed/);
    });
    it("fails a hop limit above maxHopLimit", () => {
      assert.deepStrictEqual(fields(res(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 3 } })), ["metadataOptions.httpPutResponseHopLimit"]);
      assert.strictEqual(res(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }, { maxHopLimit: 1 }).length, 1);
    });
  });

  describe("aws-kms-key-rotation", () => {
    it("passes rotation on, fails it off or unset, skips asymmetric keys", () => {
      assert.deepStrictEqual(res(a.kmsKeyRotation, T.kmsKey, { enableKeyRotation: true }), []);
      assert.deepStrictEqual(fields(res(a.kmsKeyRotation, T.kmsKey, {})), ["enableKeyRotation"]);
      assert.deepStrictEqual(fields(res(a.kmsKeyRotation, T.kmsKey, { enableKeyRotation: false, customerMasterKeySpec: "SYMMETRIC_DEFAULT" })), ["enableKeyRotation"]);
      assert.deepStrictEqual(res(a.kmsKeyRotation, T.kmsKey, { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" }), []);
    });
  });

  describe("aws-iam-no-admin-statements", () => {
    const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
    it("fails * on * as JSON string, object, single statement and arrays", () => {
      const forms = [
        doc({ Effect: "Allow", Action: "*", Resource: "*" }),
        { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "*"], Resource: ["*"] }] },
        JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*:*", Resource: "*" } }),
      ];
      for (const policy of forms) {
        for (const t of [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy]) {
          const m = res(a.iamNoAdminStatements, t, { policy });
          assert.strictEqual(m.length, 1, `${t} ${JSON.stringify(policy)}`);
          assert.match(m[0], /^policy\.Statement\[0\]: .*full admin/);
        }
      }
    });
    it("fails Allow with NotAction on *, and Action * with NotResource", () => {
      assert.match(res(a.iamNoAdminStatements, T.iamPolicy, { policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }) })[0], /every action except iam:\*/);
      assert.strictEqual(res(a.iamNoAdminStatements, T.iamPolicy, { policy: doc({ Effect: "Allow", Action: "*", NotResource: "arn:aws:s3:::x" }) }).length, 1);
    });
    it("passes scoped statements and Deny *", () => {
      assert.deepStrictEqual(res(a.iamNoAdminStatements, T.iamPolicy, { policy: doc({ Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" }, { Effect: "Deny", Action: "*", Resource: "*" }, { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" }) }), []);
    });
    it("checks Role inline policies and reports unparseable JSON", () => {
      assert.deepStrictEqual(fields(res(a.iamNoAdminStatements, T.iamRole, { inlinePolicies: [{ name: "ok", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }) }, { name: "bad", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }] })), ["inlinePolicies[1].policy.Statement[0]"]);
      assert.match(res(a.iamNoAdminStatements, T.iamPolicy, { policy: "{not json" })[0], /not valid JSON/);
    });
  });

  describe("aws-sg-no-public-ingress", () => {
    const sg = (...ingress: unknown[]) => ({ ingress, egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] });
    it("passes 80/443 TCP from the world, private CIDRs, and world egress", () => {
      assert.deepStrictEqual(res(a.sgNoPublicIngress, T.securityGroup, sg({ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }, { fromPort: 80, toPort: 80, protocol: "6", ipv6CidrBlocks: ["::/0"] }, { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8"] })), []);
    });
    it("fails SSH, ranges spanning other ports, all protocols and IPv6", () => {
      const m = res(a.sgNoPublicIngress, T.securityGroup, sg(
        { fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] },
        { fromPort: 80, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] },
        { fromPort: 0, toPort: 0, protocol: "-1", ipv6CidrBlocks: ["::/0"] },
        { fromPort: 443, toPort: 443, protocol: "udp", cidrBlocks: ["0.0.0.0/0"] },
      ));
      assert.deepStrictEqual(fields(m), ["ingress[0].cidrBlocks[1]", "ingress[1].cidrBlocks[0]", "ingress[2].ipv6CidrBlocks[0]", "ingress[3].cidrBlocks[0]"]);
      assert.match(m[2], /all traffic from ::\/0/);
    });
    it("checks SecurityGroupRule (ingress only) and vpc.SecurityGroupIngressRule", () => {
      assert.strictEqual(res(a.sgNoPublicIngress, T.securityGroupRule, { type: "ingress", fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg" }).length, 1);
      assert.deepStrictEqual(res(a.sgNoPublicIngress, T.securityGroupRule, { type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }), []);
      assert.deepStrictEqual(fields(res(a.sgNoPublicIngress, T.sgIngressRule, { ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", securityGroupId: "sg" })), ["cidrIpv4"]);
      assert.deepStrictEqual(res(a.sgNoPublicIngress, T.sgIngressRule, { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv6: "::/0", securityGroupId: "sg" }), []);
    });
    it("checks the VPC's DefaultSecurityGroup too", () => {
      assert.strictEqual(res(a.sgNoPublicIngress, T.defaultSecurityGroup, sg({ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] })).length, 1);
      assert.deepStrictEqual(res(a.sgNoPublicIngress, T.defaultSecurityGroup, { vpcId: "v" }), []);
    });
    it("allowedPorts config", () => {
      assert.deepStrictEqual(res(a.sgNoPublicIngress, T.sgIngressRule, { ipProtocol: "tcp", fromPort: 8443, toPort: 8443, cidrIpv4: "0.0.0.0/0" }, { allowedPorts: [8443] }), []);
    });
  });

  describe("ECR", () => {
    it("aws-ecr-immutable-tags", () => {
      assert.deepStrictEqual(res(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "IMMUTABLE" }), []);
      assert.match(res(a.ecrImmutableTags, T.ecrRepository, {})[0], /MUTABLE by default/);
      assert.strictEqual(res(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "MUTABLE" }).length, 1);
      assert.strictEqual(res(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }).length, 1);
      assert.deepStrictEqual(res(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }, { allowExclusions: true }), []);
    });
    const repo = (name: string, scanOnPush?: boolean): StackInput => ({ type: T.ecrRepository, name, props: { name, imageScanningConfiguration: scanOnPush === undefined ? undefined : { scanOnPush } } });
    const registry = (scanFrequency: string, filter: string): StackInput => ({ type: T.ecrRegistryScanning, name: "scan", props: { scanType: "ENHANCED", rules: [{ scanFrequency, repositoryFilters: [{ filter, filterType: "WILDCARD" }] }] } });
    it("aws-ecr-scan-on-push: repository setting or a matching registry rule", () => {
      assert.deepStrictEqual(runStack(a.ecrScanOnPush, [repo("api", true)]).violations, []);
      const inputs = [repo("api", false), repo("web")];
      const v = runStack(a.ecrScanOnPush, inputs).violations;
      assert.deepStrictEqual(v.map((x) => x.urn), [urnOf(inputs[0]), urnOf(inputs[1])]);
      assert.match(v[0].message, /^imageScanningConfiguration\.scanOnPush: repository "api"/);
      assert.deepStrictEqual(runStack(a.ecrScanOnPush, [repo("platform/api"), registry("CONTINUOUS_SCAN", "platform/*")]).violations, []);
      assert.strictEqual(runStack(a.ecrScanOnPush, [repo("other/api"), registry("SCAN_ON_PUSH", "platform/*")]).violations.length, 1);
      assert.strictEqual(runStack(a.ecrScanOnPush, [repo("platform/api"), registry("MANUAL", "*")]).violations.length, 1);
    });
  });

  describe("S3 (stack-level: settings are separate resources)", () => {
    const bucket = (name: string, type: string = T.bucket): StackInput => ({ type, name, props: { bucket: name } });
    const sse = (b: string, alg = "aws:kms", type: string = T.sse): StackInput => ({ type, name: `${b}-sse`, props: { bucket: b, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: alg } }] } });
    const ver = (b: string, status = "Enabled", type: string = T.versioning): StackInput => ({ type, name: `${b}-ver`, props: { bucket: b, versioningConfiguration: { status } } });
    const pab = (b: string, over: Record<string, unknown> = {}): StackInput => ({ type: T.publicAccessBlock, name: `${b}-pab`, props: { bucket: b, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...over } });
    const full = (b: string) => [bucket(b), sse(b), ver(b), pab(b)];
    const all = [a.s3Encryption, a.s3Versioning, a.s3PublicAccessBlock];

    it("a bucket with all three settings passes every S3 rule", () => {
      for (const p of all) assert.deepStrictEqual(runStack(p, full("logs")).violations, [], p.name);
    });
    it("each missing setting fails its rule, reported on the bucket", () => {
      const b = bucket("logs");
      assert.deepStrictEqual(runStack(a.s3Encryption, [b, ver("logs"), pab("logs")]).violations.map((v) => v.urn), [urnOf(b)]);
      assert.match(runStack(a.s3Versioning, [b, sse("logs"), pab("logs")]).violations[0].message, /no versioning configuration/);
      assert.match(runStack(a.s3PublicAccessBlock, [b, sse("logs"), ver("logs")]).violations[0].message, /no public access block/);
    });
    it("settings of another bucket do not count", () => {
      for (const p of all) assert.strictEqual(runStack(p, [bucket("a"), ...full("b").slice(1)]).violations.length, 1, p.name);
    });
    it("wrong settings fail: Suspended versioning, a false PAB flag, unknown algorithm, AES256 with requireKms", () => {
      assert.match(runStack(a.s3Versioning, [bucket("x"), ver("x", "Suspended")]).violations[0].message, /"Suspended"/);
      assert.match(runStack(a.s3PublicAccessBlock, [bucket("x"), pab("x", { restrictPublicBuckets: false })]).violations[0].message, /restrictPublicBuckets/);
      assert.strictEqual(runStack(a.s3Encryption, [bucket("x"), sse("x", "none")]).violations.length, 1);
      assert.deepStrictEqual(runStack(a.s3Encryption, [bucket("x"), sse("x", "AES256")]).violations, []);
      assert.match(runStack(a.s3Encryption, [bucket("x"), sse("x", "AES256")], { requireKms: true }).violations[0].message, /AES256, but aws:kms is required/);
    });
    it("accepts deprecated V2 tokens and BucketV2 buckets", () => {
      const inputs = [bucket("v2", T.bucketV2), sse("v2", "aws:kms", T.sseV2), ver("v2", "Enabled", T.versioningV2), pab("v2")];
      for (const p of all) assert.deepStrictEqual(runStack(p, inputs).violations, [], p.name);
    });
    it("accepts deprecated inline settings on the bucket", () => {
      const inline: StackInput = { type: T.bucket, name: "old", props: { bucket: "old", versioning: { enabled: true }, serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } } };
      assert.deepStrictEqual(runStack(a.s3Encryption, [inline]).violations, []);
      assert.deepStrictEqual(runStack(a.s3Versioning, [inline]).violations, []);
    });
    it("links settings through propertyDependencies when the bucket name is unknown", () => {
      const b: StackInput = { type: T.bucket, name: "auto", props: {} };
      const deps = { bucket: [urnOf(b)] };
      const inputs = [b, { ...sse("?"), props: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] }, propertyDependencies: deps }];
      assert.deepStrictEqual(runStack(a.s3Encryption, inputs).violations, []);
    });
    it("an account-level public access block with all four flags covers every bucket", () => {
      const acct: StackInput = { type: T.accountPublicAccessBlock, name: "acct", props: { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } };
      assert.deepStrictEqual(runStack(a.s3PublicAccessBlock, [bucket("x"), acct]).violations, []);
      assert.strictEqual(runStack(a.s3PublicAccessBlock, [bucket("x"), { ...acct, props: { blockPublicAcls: true } }]).violations.length, 1);
    });
  });
});
