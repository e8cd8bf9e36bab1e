// Each controller's IAM role against the upstream reference policy at the pinned version
// (test/iam/reference-policies.json names the source and version of each). An upstream action
// the role does not effectively grant fails (grants as the AWS service authorization reference
// evaluates them: an ARN the action cannot take grants nothing); so does a statement broader
// than upstream's (a resource upstream does not cover, or a condition of upstream's dropped);
// a grant upstream does not make, or an upstream action left out, needs a reason below.
import * as assert from "assert";
import { RunResult } from "../../tools/harness";
import { grantsAction } from "../../policies/aws/rules/aws-iam-valid-grants";
import { globMatch, stringList } from "../../policies/lib/util";
import { ENVS, one, runStack } from "../support";
import REFERENCE from "./reference-policies.json";

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> };
type Reference = { version: string; source: string; statements?: Statement[]; managedPolicy?: string };
const REF = REFERENCE as unknown as Record<string, Reference>;

/** Upstream actions a role leaves out on purpose, with the reason. */
const OMITTED: Record<string, Record<string, string>> = {
  "cert-manager": {
    "route53:ListHostedZonesByName": "The ClusterIssuers name the zone (hostedZoneID); upstream: \"can be removed if you specify the (optional) hostedZoneID\".",
  },
};
/** Grants beyond upstream's, with the reason. */
const EXTRA: Record<string, Record<string, string>> = {};

/** Which RolePolicy holds each controller's inline policy. */
const ROLE_POLICY: Record<string, string> = {
  karpenter: "karpenter-controller",
  "aws-load-balancer-controller": "aws-load-balancer-controller",
  "external-dns": "external-dns",
  "cert-manager": "cert-manager-dns01",
};
/** Which role attachment carries each managed addon's AWS managed policy. */
const ATTACHMENT: Record<string, string> = { "vpc-cni": "addons-core-vpc-cni-0", "aws-ebs-csi-driver": "addons-aws-ebs-csi-driver-0" };

function substitute(statements: Statement[], r: RunResult, env: string): Statement[] {
  const vars: Record<string, string> = {
    Partition: "aws",
    Region: String(one(r, "aws:eks/cluster:Cluster").outputs.arn).split(":")[3],
    Account: String(one(r, "aws:eks/cluster:Cluster").outputs.arn).split(":")[4],
    ClusterName: `platform-${env}`,
    NodeRoleArn: String(one(r, "aws:iam/role:Role", "karpenter-node").outputs.arn),
    QueueArn: String(one(r, "aws:sqs/queue:Queue").outputs.arn),
  };
  return JSON.parse(JSON.stringify(statements).replace(/\$\{(\w+)\}/g, (m, k) => vars[k] ?? m));
}

const values = (v: unknown) => stringList(v).concat(typeof v === "boolean" ? [String(v)] : []).sort();

/** Conditions of upstream's `u` that `s` lacks or loosens (empty: s keeps them all). */
function droppedConditions(s: Statement, u: Statement): string[] {
  const out: string[] = [];
  for (const [op, block] of Object.entries(u.Condition ?? {})) {
    for (const [key, want] of Object.entries(block)) {
      const have = Object.entries(s.Condition?.[op] ?? {}).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      if (JSON.stringify(values(have)) !== JSON.stringify(values(want))) out.push(`${op} ${key}=${JSON.stringify(want)}`);
    }
  }
  return out;
}

/** Why statement `s` granting `action` is broader than every upstream statement granting it (undefined: it is not). */
function broaderThanUpstream(s: Statement, action: string, upstream: Statement[]): string | undefined {
  const candidates = upstream.filter((u) => stringList(u.Action).includes(action));
  const why = candidates.map((u) => {
    const uncovered = stringList(s.Resource).filter((res) => !stringList(u.Resource).some((g) => globMatch(g, res)));
    const dropped = droppedConditions(s, u);
    return uncovered.length ? `resources ${uncovered.join(", ")} beyond ${stringList(u.Resource).join(", ")}` : dropped.length ? `drops ${dropped.join("; ")}` : "";
  });
  return why.includes("") ? undefined : why.join(" | ");
}

/** Every problem of one controller's statements against upstream's. */
export function compareWithUpstream(controller: string, ours: Statement[], upstream: Statement[]): string[] {
  const problems: string[] = [];
  const allows = ours.filter((s) => s.Effect === "Allow");
  for (const action of new Set(upstream.flatMap((u) => stringList(u.Action)))) {
    const granted = allows.some((s) => stringList(s.Action).includes(action) && grantsAction(action, stringList(s.Resource)));
    if (!granted && !OMITTED[controller]?.[action]) problems.push(`missing ${action}: upstream grants it, the role does not (effectively)`);
  }
  for (const s of allows) {
    for (const action of stringList(s.Action)) {
      const known = upstream.some((u) => stringList(u.Action).includes(action));
      if (!known && !EXTRA[controller]?.[action]) problems.push(`${s.Sid ?? "statement"}: ${action} is not in upstream's policy; give a reason in EXTRA or remove it`);
      const broader = known ? broaderThanUpstream(s, action, upstream) : undefined;
      if (broader) problems.push(`${s.Sid ?? "statement"}: ${action} is broader than upstream: ${broader}`);
    }
  }
  return problems;
}

describe("controller IAM roles against upstream's reference policies", () => {
  for (const env of ENVS) {
    for (const [controller, rolePolicy] of Object.entries(ROLE_POLICY)) {
      it(`${env}: ${controller} matches ${REF[controller].source.split("/blob/")[1] ?? REF[controller].source} (${REF[controller].version})`, async () => {
        const r = await runStack(env);
        const ours = JSON.parse(String(one(r, "aws:iam/rolePolicy:RolePolicy", rolePolicy).inputs.policy)).Statement as Statement[];
        assert.deepStrictEqual(compareWithUpstream(controller, ours, substitute(REF[controller].statements!, r, env)), []);
      });
    }
    for (const [addon, attachment] of Object.entries(ATTACHMENT)) {
      it(`${env}: ${addon} uses AWS's managed ${REF[addon].managedPolicy} and nothing else`, async () => {
        const r = await runStack(env);
        const att = one(r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", attachment);
        assert.strictEqual(att.inputs.policyArn, `arn:aws:iam::aws:policy/${REF[addon].managedPolicy}`);
        assert.deepStrictEqual(r.resources.filter((x) => x.type === "aws:iam/rolePolicy:RolePolicy" && x.parent === att.parent), [], `${addon} has inline grants`);
      });
    }
  }
});

describe("the upstream comparison itself", () => {
  const upstream: Statement[] = [
    { Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
    { Effect: "Allow", Action: ["ec2:CreateTags"], Resource: "arn:aws:ec2:*:*:instance/*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["Name", "karpenter.sh/nodeclaim"] } } },
  ];
  const good: Statement[] = [
    { Sid: "List", Effect: "Allow", Action: "iam:ListInstanceProfiles", Resource: "*" },
    { Sid: "Tag", Effect: "Allow", Action: "ec2:CreateTags", Resource: "arn:aws:ec2:eu-west-1:*:instance/*", Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["karpenter.sh/nodeclaim", "Name"] } } },
  ];
  it("accepts a role equal to or narrower than upstream", () => {
    assert.deepStrictEqual(compareWithUpstream("test", good, upstream), []);
  });
  it("refuses an upstream action granted on an ARN it cannot take (it grants nothing)", () => {
    const bad = [{ ...good[0], Resource: "arn:aws:iam::123456789012:instance-profile/*" }, good[1]];
    assert.match(compareWithUpstream("test", bad, upstream).join("\n"), /missing iam:ListInstanceProfiles/);
  });
  it("refuses a dropped condition, a broader resource and an unexplained extra action", () => {
    const bad = [good[0], { ...good[1], Condition: undefined }, { ...good[1], Resource: "*" }, { Sid: "X", Effect: "Allow", Action: "ec2:DeleteTags", Resource: "*" }];
    const problems = compareWithUpstream("test", bad, upstream).join("\n");
    assert.match(problems, /Tag: ec2:CreateTags is broader than upstream: drops ForAllValues:StringEquals aws:TagKeys/);
    assert.match(problems, /Tag: ec2:CreateTags is broader than upstream: resources \* beyond/);
    assert.match(problems, /X: ec2:DeleteTags is not in upstream's policy/);
  });
});
