// aws-iam-valid-grants' reading of the AWS service authorization reference and its glob algebra.
// The rule caches each service's tables per process, so each test loads its own copy of the module
// (`fresh`): the table read is what is tested, not a copy an earlier test left behind.
// upstream: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type * as Grants from "../../policies/aws/rules/aws-iam-valid-grants";
import { T } from "../../policies/lib/aws";
import { runResource, freshModule } from "./harness";

const fresh = () => freshModule<typeof Grants>("../../policies/aws/rules/aws-iam-valid-grants");
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("aws-iam-valid-grants: the service authorization reference, read fresh", () => {
  it("reads a service's actions, ARN formats and condition keys, by any case of its prefix", () => {
    const s3 = fresh().serviceData("S3")!;
    assert.strictEqual(s3.key, "s3");
    assert.strictEqual(s3.actions.getobject.name, "GetObject");
    assert.strictEqual(s3.arns.object, "arn:${Partition}:s3:::${BucketName}/${ObjectName}");
    assert.strictEqual(s3.arns.bucket, "arn:${Partition}:s3:::${BucketName}");
    const keyOk = (k: string) => s3.conditionKeys.some((re) => re.test(k));
    assert.ok(keyOk("s3:x-amz-acl") && keyOk("S3:X-AMZ-ACL"), "case-insensitive");
    assert.ok(keyOk("aws:ResourceTag/team"), "a ${TagKey} variable matches any text");
    assert.ok(!keyOk("aws:ResourceTag/"), "but not none");
    assert.ok(!keyOk("s3:x-amz-aclx") && !keyOk("xs3:x-amz-acl"), "anchored");
    assert.ok(!keyOk("s3:x-amz-acl.") && !fresh().serviceData("s3")!.conditionKeys.some((re) => re.test("s3:signatureage1")), "dots and text literal");
  });
  it("no tables for an unknown or malformed service name", () => {
    const g = fresh();
    for (const bad of ["no-such-service", "../actions/s3", "s3/../s3", "s3 ", "", "s3/x"]) assert.strictEqual(g.serviceData(bad), null, JSON.stringify(bad));
    assert.notStrictEqual(g.serviceData("ec2"), null);
    assert.strictEqual(g.serviceData("ec2"), g.serviceData("EC2"), "read once");
  });
  it("grantsAction: an action its resources can name; \"*\" for actions without resource types", () => {
    const g = fresh();
    assert.ok(g.grantsAction("s3:GetObject", ["arn:aws:s3:::b/k"]));
    assert.ok(g.grantsAction("S3:getobject", ["arn:aws:sqs:*:*:q", "arn:aws:s3:::b/k"]), "any of the resources");
    assert.ok(!g.grantsAction("s3:GetObject", ["arn:aws:s3:::b"]), "a bucket is not an object");
    assert.ok(g.grantsAction("s3:ListAllMyBuckets", ["*"]));
    assert.ok(!g.grantsAction("s3:ListAllMyBuckets", ["arn:aws:s3:::b"]));
    assert.ok(!g.grantsAction("s3:NoSuchAction", ["*"]));
    assert.ok(!g.grantsAction("s3", ["*"]));
    assert.ok(!g.grantsAction("s3:GetObject", []));
    assert.ok(!g.grantsAction("nosvc:GetObject", ["*"]), "an unknown service grants nothing");
    // ELB v1 and v2 share a prefix and the data package merged their tables: any of the service's ARNs counts.
    assert.ok(g.grantsAction("elasticloadbalancing:AddTags", ["arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/*/*/*"]));
    assert.ok(!g.grantsAction("elasticloadbalancing:AddTags", ["arn:aws:s3:::b"]));
  });
  it("globs intersect when one string could match both", () => {
    const { globsIntersect: gi } = fresh();
    const cases: [string, string, boolean][] = [
      ["a*", "*b", true], ["a?c", "abc", true], ["abc", "a?c", true], ["abc", "abd", false], ["a*", "b*", false], ["", "*", true], ["*", "", true],
      ["ab", "a", false], ["a", "ab", false], ["?", "", false], ["", "?", false], ["a*c", "abbbc", true], ["abbbc", "a*c", true], ["a*c", "abbbd", false], ["", "", true],
    ];
    for (const [a, b, want] of cases) assert.strictEqual(gi(a, b), want, `${a} ~ ${b}`);
  });
  it("ARNs intersect segment by segment; a wildcard does not cross a segment but the last", () => {
    const { arnsIntersect: ai } = fresh();
    assert.ok(ai("arn:aws:s3:::bucket/*", "arn:*:s3:::*/*"));
    assert.ok(!ai("arn:aws:iam::123:role/x", "arn:*:s3:::*"));
    assert.ok(!ai("arn:aws:s3:::b", "arn:*:s3:::*/*"));
    assert.ok(ai("arn:aws:ec2:eu-west-1:1:instance/i-1", "arn:*:ec2:*:*:instance/*"));
    assert.ok(!ai("arn:aws:ec2:eu-west-1:1:instance/i-1", "arn:*:ec2:*:*:volume/*"));
    assert.ok(ai("arn:aws:logs:r:1:log-group:g:log-stream:s", "arn:*:logs:*:*:log-group:*:log-stream:*"), "colons inside the resource");
    assert.ok(!ai("arn:aws:sqs", "arn:*:s3:::*"), "not an ARN: whole-string glob");
    assert.ok(ai("arn:*:s3", "arn:*:s3:::*"), "whole-string: arn:x:s3:::y:s3 matches both");
    assert.ok(ai("arn:*", "arn:*:s3:::*"));
  });
  it("the rule: unknown services and actions named with a hint; empty documents skipped; role inline policies read", () => {
    const rule = fresh().iamValidGrants as ResourceValidationPolicy;
    const m = (type: string, props: unknown) => runResource(rule, type, props).messages;
    assert.deepStrictEqual(m(T.iamPolicy, { policy: doc({ Effect: "Allow", Action: ["nosvc:Get", "s3", "s3:GetObjekt", "s3:Zzzzzzzzzzzzzzzzzzzz"], Resource: "*" }) }), [
      'policy.Statement[0].Action[0]: "nosvc:Get": no AWS service "nosvc" in the service authorization reference. Fix: use the action, ARN format and condition keys the AWS service authorization reference lists for the action (e.g. Resource "*" for list calls)',
      'policy.Statement[0].Action[1]: "s3": no AWS service "s3" in the service authorization reference. Fix: use the action, ARN format and condition keys the AWS service authorization reference lists for the action (e.g. Resource "*" for list calls)',
      'policy.Statement[0].Action[2]: "s3:GetObjekt" is not an action of s3 (did you mean s3:GetObject?). Fix: use the action, ARN format and condition keys the AWS service authorization reference lists for the action (e.g. Resource "*" for list calls)',
      'policy.Statement[0].Action[3]: "s3:Zzzzzzzzzzzzzzzzzzzz" is not an action of s3. Fix: use the action, ARN format and condition keys the AWS service authorization reference lists for the action (e.g. Resource "*" for list calls)',
    ]);
    for (const policy of [undefined, null, ""]) assert.deepStrictEqual(m(T.iamPolicy, { policy }), [], String(policy));
    assert.deepStrictEqual(m(T.iamRole, { assumeRolePolicy: "", inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b" }) }] }).map((x) => x.split(":")[0]), ["inlinePolicies[0].policy.Statement[0].Action[0]"]);
    assert.deepStrictEqual(m(T.iamRole, { assumeRolePolicy: "{" }).map((x) => x.split(". Fix")[0]), ["assumeRolePolicy: the policy is not valid JSON, so AWS refuses it"]);
    assert.deepStrictEqual(m(T.iamRolePolicy, { policy: { Statement: { Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "arn:aws:s3:::b" } } }).map((x) => x.split(":")[0]), ["policy.Statement[0].Action[0]"], "one statement, not in a list");
    assert.deepStrictEqual(m(T.iamRolePolicy, { policy: { Statement: ["x", null] } }), []);
    assert.deepStrictEqual(m(T.iamRolePolicy, { policy: {} }), []);
  });
  it("reads the documents of every resource type that carries one, at its field", () => {
    const rule = fresh().iamValidGrants as ResourceValidationPolicy;
    const bad = doc({ Effect: "Allow", Action: "s3:NoSuchAction", Resource: "*" });
    const fields: [string, string][] = [
      [T.iamPolicy, "policy"], [T.iamRolePolicy, "policy"], [T.iamUserPolicy, "policy"], [T.iamGroupPolicy, "policy"], [T.iamRole, "assumeRolePolicy"],
      ["aws:sqs/queuePolicy:QueuePolicy", "policy"], ["aws:s3/bucketPolicy:BucketPolicy", "policy"], [T.kmsKey, "policy"], ["aws:ecr/repositoryPolicy:RepositoryPolicy", "policy"],
    ];
    for (const [type, field] of fields) assert.deepStrictEqual(runResource(rule, type, { [field]: bad }).messages.map((m) => m.split(":")[0]), [`${field}.Statement[0].Action[0]`], type);
    assert.notStrictEqual(runResource(rule, "aws:sns/topicPolicy:TopicPolicy", { policy: bad }).notApplicable, undefined);
  });
  it("condition keys: a bad one names the statement's services; a federated provider's claims count in a trust policy", () => {
    const rule = fresh().iamValidGrants as ResourceValidationPolicy;
    const trust = (cond: Record<string, unknown>) => runResource(rule, T.iamRole, { assumeRolePolicy: doc({ Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity", Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC" }, Condition: cond }) }).messages;
    assert.deepStrictEqual(trust({ StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:a:b", "OIDC.eks.eu-west-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com" } }), []);
    assert.deepStrictEqual(trust({ StringEquals: { "oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub": "x" } }).map((x) => x.split(". Fix")[0]), [
      'assumeRolePolicy.Statement[0].Condition.StringEquals: condition key "oidc.eks.eu-west-1.amazonaws.com/id/OTHER:sub" is neither global nor a key of sts, so the condition never matches',
    ]);
    const two = runResource(rule, T.iamPolicy, { policy: doc({ Effect: "Allow", Action: ["s3:GetObject", "sqs:SendMessage"], Resource: "*", Condition: { Bool: { "ec2:Nope": "true" } } }) }).messages;
    assert.deepStrictEqual(two.map((x) => x.split(". Fix")[0]), ['policy.Statement[0].Condition.Bool: condition key "ec2:Nope" is neither global nor a key of s3, sqs, so the condition never matches']);
    const bare = runResource(rule, T.iamPolicy, { policy: doc({ Effect: "Allow", Action: "*", Resource: "*", Condition: { Bool: { "s3:Nope": "true" } } }) }).messages;
    assert.deepStrictEqual(bare.map((x) => x.split(". Fix")[0]), ['policy.Statement[0].Condition.Bool: condition key "s3:Nope" is neither global nor a key of the statement\'s services, so the condition never matches']);
  });
});
