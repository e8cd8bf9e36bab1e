// aws-iam-valid-grants: IAM documents against the AWS service authorization reference.
import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { arnsIntersect, globsIntersect, iamValidGrants } from "../../policies/aws/rules/aws-iam-valid-grants";
import { T } from "../../policies/lib/aws";
import { ENVS, runStack } from "../support";
import { runResource } from "./harness";

const rule = iamValidGrants as ResourceValidationPolicy;
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const check = (type: string, props: unknown) => runResource(rule, type, props).messages;
const policy = (...statements: unknown[]) => check(T.iamRolePolicy, { policy: doc(...statements) });
const profile = "arn:aws:iam::123456789012:instance-profile/*";

describe("aws-iam-valid-grants", () => {
  it("passes actions on ARNs of their resource types, \"*\" anywhere, wildcards that match, and global or service condition keys", () => {
    assert.deepStrictEqual(policy(
      { Effect: "Allow", Action: ["iam:GetInstanceProfile", "iam:TagInstanceProfile"], Resource: profile, Condition: { StringEquals: { "aws:ResourceTag/karpenter.sh/x": "y", "aws:RequestedRegion": "eu-west-1" } } },
      { Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
      { Effect: "Allow", Action: "ec2:Describe*", Resource: "*" },
      { Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:eu-west-1:*:instance/*", Condition: { StringEquals: { "ec2:CreateAction": "RunInstances" }, "ForAllValues:StringEquals": { "aws:TagKeys": ["Name"] } } },
      { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::bucket/*" },
    ), []);
  });

  it("fails an action that takes no resource ARN scoped to one: it grants nothing (Karpenter's ListInstanceProfiles)", () => {
    const m = policy({ Effect: "Allow", Action: ["iam:GetInstanceProfile", "iam:ListInstanceProfiles"], Resource: profile });
    assert.strictEqual(m.length, 1);
    assert.match(m[0], /^policy\.Statement\[0\]\.Action\[1\]: iam:ListInstanceProfiles grants nothing: .*Resource "\*" \(it has no resource-level permissions\)/);
  });

  it("fails an ARN of the wrong resource type, naming the types the action takes", () => {
    const m = policy({ Effect: "Allow", Action: "arc-zonal-shift:GetManagedResource", Resource: "arn:aws:eks:eu-west-1:123456789012:cluster/c" });
    assert.match(m[0], /GetManagedResource grants nothing: .*loadbalancer\/app\/\*\/\* or .*loadbalancer\/net\/\*\/\*/);
    assert.match(check(T.kmsKey, { policy: doc({ Effect: "Deny", Action: "s3:GetObject", Resource: "arn:aws:sqs:*:*:q" }) })[0], /s3:GetObject denies nothing/);
  });

  it("reads ELB v1 and v2, which share a prefix, by either table; still wants \"*\" where neither has resource types", () => {
    const listener = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/*/*/*";
    assert.deepStrictEqual(policy({ Effect: "Allow", Action: ["elasticloadbalancing:AddTags", "elasticloadbalancing:ModifyListener"], Resource: listener }), []);
    assert.match(policy({ Effect: "Allow", Action: "elasticloadbalancing:SetWebAcl", Resource: listener })[0], /SetWebAcl grants nothing/);
  });

  it("fails a misspelt action (with a hint), an unknown service and a wildcard that matches nothing", () => {
    const m = policy({ Effect: "Allow", Action: ["ec2:DescribeInstance", "nosuch:Thing", "ec2:Frobnicate*"], Resource: "*" });
    assert.match(m[0], /"ec2:DescribeInstance" is not an action of ec2 \(did you mean ec2:DescribeInstances\?\)/);
    assert.match(m[1], /no AWS service "nosuch"/);
    assert.match(m[2], /"ec2:Frobnicate\*" is not an action of ec2/);
  });

  it("fails a condition key that is neither global nor the service's", () => {
    const m = policy({ Effect: "Allow", Action: "ec2:CreateTags", Resource: "*", Condition: { StringEquals: { "ec2:NoSuchKey": "x", "aws:NoSuchGlobal": "y", "iam:PassedToService": "z" } } });
    assert.deepStrictEqual(m.map((x) => x.split(" never")[0].replace(/^.*condition key /, "")), [
      '"ec2:NoSuchKey" is neither global nor a key of ec2, so the condition',
      '"aws:NoSuchGlobal" is neither global nor a key of ec2, so the condition',
      '"iam:PassedToService" is neither global nor a key of ec2, so the condition',
    ]);
  });

  it("reads trust policies (no Resource) and accepts the federated provider's own claims", () => {
    const issuer = "oidc.eks.eu-west-1.amazonaws.com/id/ABC";
    const trust = { Effect: "Allow", Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${issuer}` }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:a:b" } } };
    assert.deepStrictEqual(check(T.iamRole, { assumeRolePolicy: doc(trust) }), []);
    const other = { ...trust, Condition: { StringEquals: { "oidc.example.com:sub": "x" } } };
    assert.match(check(T.iamRole, { assumeRolePolicy: doc(other) })[0], /"oidc.example.com:sub" is neither global/);
  });

  it("globs intersect when one string can match both", () => {
    assert.ok(globsIntersect("arn:aws:iam::1:instance-profile/*", "arn:*:iam::*:instance-profile/*"));
    assert.ok(globsIntersect("arn:aws:elasticloadbalancing:r:1:loadbalancer/*", "arn:*:elasticloadbalancing:*:*:loadbalancer/net/*/*"));
    assert.ok(!globsIntersect("arn:aws:eks:r:1:cluster/c", "arn:*:elasticloadbalancing:*:*:loadbalancer/net/*/*"));
    assert.ok(!globsIntersect("a?c", "abd"));
    // A wildcard stays within its ARN segment: an SQS ARN never names an S3 object.
    assert.ok(globsIntersect("arn:aws:sqs:*:*:q", "arn:*:s3:::*/*") && !arnsIntersect("arn:aws:sqs:*:*:q", "arn:*:s3:::*/*"));
    assert.ok(arnsIntersect("arn:aws:ssm:eu-west-1::parameter/aws/service/*", "arn:*:ssm:*:*:parameter/*"));
  });

  for (const env of ENVS) {
    it(`${env}: every IAM document the program registers grants what it says`, async () => {
      const run = await runStack(env);
      const docs = run.resources.filter((r) => rule.validateResource && ["aws:iam/rolePolicy:RolePolicy", "aws:iam/role:Role", "aws:sqs/queuePolicy:QueuePolicy", "aws:s3/bucketPolicy:BucketPolicy"].includes(r.type));
      assert.ok(docs.length > 20, `only ${docs.length} documents`);
      const problems = docs.flatMap((r) => runResource(rule, r.type, r.inputs, { name: r.name }).messages.map((m) => `${r.name}: ${m}`));
      assert.deepStrictEqual(problems, []);
    });
  }
});
