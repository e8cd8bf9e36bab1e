// The CI identities (infra/core/ci-access.ts) against the access model (models/ci-access.ts):
// what the program really registers must let `pulumi preview` (server-side dry-run) and
// `pulumi refresh` work, and no less-privileged variant may.
import * as assert from "assert";
import { Grants, kubernetesNeeds, shortfall } from "../../models/ci-access";
import { programObjects } from "../../models/objects";
import { PROGRAM_SECRET_NAMES } from "../../infra/platform";
import type { RecordedResource, RunResult } from "../../tools/harness";
import { runStack } from "../support";

const REPO = "example-org/platform";
const byName = (r: RunResult, type: string, name: string): RecordedResource => {
  const x = r.resources.find((y) => y.type === type && y.name === name);
  assert.ok(x, `no ${type} ${name}`);
  return x;
};

/** The grants one CI identity really gets: its role's inline policy and its ClusterRole's rules. */
function grantsOf(r: RunResult, id: "preview" | "drift"): Grants {
  const policy = JSON.parse(String(byName(r, "aws:iam/rolePolicy:RolePolicy", `ci-access-${id}-read`).inputs.policy));
  const awsActions = policy.Statement.filter((s: any) => s.Effect === "Allow").flatMap((s: any) => [].concat(s.Action));
  const role = byName(r, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", `ci-access-${id}`).inputs as any;
  const binding = byName(r, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", `ci-access-${id}`).inputs as any;
  const entry = byName(r, "aws:eks/accessEntry:AccessEntry", `ci-access-${id}`).inputs as any;
  // The rules count only if the binding ties them to the group the access entry maps the role to.
  assert.strictEqual(binding.roleRef.name, role.metadata.name);
  assert.deepStrictEqual(binding.subjects.map((s: any) => s.name), entry.kubernetesGroups);
  return { awsActions, kubernetesRules: role.rules };
}

describe("CI access: the preview and drift identities", () => {
  let r: RunResult;
  before(async () => {
    r = await runStack("prod");
  });

  // Defect: the preview role had AWS read-only access and no EKS access entry, so the
  // Kubernetes provider could not read the cluster and every drift run failed.
  for (const [id, op] of [["preview", "preview"], ["drift", "refresh"]] as const) {
    it(`${id}: everything \`pulumi ${op}\` needs, in AWS and Kubernetes (dry-run included)`, () => {
      const gap = shortfall(r, programObjects(r), op, grantsOf(r, id));
      assert.deepStrictEqual(gap, { aws: [], kubernetes: [], unknownTypes: [] });
    });

    it(`${id}: dropping any AWS action or Kubernetes verb it holds for that breaks \`pulumi ${op}\``, () => {
      const grants = grantsOf(r, id);
      const needed = new Set(shortfall(r, programObjects(r), op, { awsActions: [], kubernetesRules: [] }).aws);
      for (const action of needed) {
        const gap = shortfall(r, programObjects(r), op, { ...grants, awsActions: grants.awsActions.filter((a) => a !== action) });
        assert.deepStrictEqual(gap.aws, [action]);
      }
      for (const verb of op === "preview" ? ["patch", "create"] : ["get", "patch"]) {
        const rules = grants.kubernetesRules.map((x) => ({ ...x, verbs: (x.verbs ?? []).filter((v) => v !== verb) }));
        assert.ok(shortfall(r, programObjects(r), op, { ...grants, kubernetesRules: rules }).kubernetes.length > 0, `${verb} is not needed?`);
      }
    });
  }

  it("previews read no secret: no Secret rule, no Secrets Manager value", () => {
    const g = grantsOf(r, "preview");
    assert.ok(!g.awsActions.includes("secretsmanager:GetSecretValue"));
    assert.deepStrictEqual(g.kubernetesRules.filter((x) => (x.resources ?? []).includes("secrets") || (x.resources ?? []).includes("*")), []);
  });

  it("drift reads back exactly the Secrets the program manages, by name, and the two admin secrets", () => {
    const g = grantsOf(r, "drift");
    const rule = g.kubernetesRules.find((x) => (x.resources ?? []).includes("secrets"))!;
    assert.deepStrictEqual(rule.verbs, ["get", "patch"]);
    assert.deepStrictEqual(rule.resourceNames, [...PROGRAM_SECRET_NAMES].sort());
    const registered = programObjects(r).filter((o) => o.kind === "Secret").map((o) => String(o.object.metadata.name));
    for (const n of registered) assert.ok(PROGRAM_SECRET_NAMES.includes(n), `Secret ${n} is not in PROGRAM_SECRET_NAMES`);
    const policy = JSON.parse(String(byName(r, "aws:iam/rolePolicy:RolePolicy", "ci-access-drift-read").inputs.policy));
    const values = policy.Statement.find((s: any) => [].concat(s.Action).includes("secretsmanager:GetSecretValue" as never));
    assert.deepStrictEqual(values.Resource, [r.outputs.argocdAdminSecretArn, r.outputs.grafanaAdminSecretArn]);
  });

  it("the model refuses a grant set that reads Secrets without names, or lacks dry-run create", () => {
    const secret = programObjects(r).filter((o) => o.kind === "Secret");
    assert.ok(secret.length > 0);
    const byNameOnly = kubernetesNeeds(secret, "refresh");
    assert.ok(byNameOnly.every((n) => n.name), "a Secret need without a name");
    assert.deepStrictEqual(shortfall(r, secret, "refresh", { awsActions: [], kubernetesRules: [{ apiGroups: [""], resources: ["secrets"], resourceNames: ["other"], verbs: ["get", "patch"] }] }).kubernetes.length, byNameOnly.length);
  });

  it("trust: only this repository, pull requests for preview, the default branch for drift, audience STS", () => {
    const provider = r.resources.find((x) => x.type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" && x.name === "ci-access-github")!;
    assert.strictEqual(provider.inputs.url, "https://token.actions.githubusercontent.com");
    for (const [id, sub] of [["preview", `repo:${REPO}:pull_request`], ["drift", `repo:${REPO}:ref:refs/heads/main`]]) {
      const trust = JSON.parse(String(byName(r, "aws:iam/role:Role", `ci-access-${id}`).inputs.assumeRolePolicy));
      assert.strictEqual(trust.Statement.length, 1);
      const st = trust.Statement[0];
      assert.strictEqual(st.Action, "sts:AssumeRoleWithWebIdentity");
      assert.strictEqual(st.Principal.Federated, provider.outputs.arn);
      assert.deepStrictEqual(st.Condition, { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": [sub] } });
    }
  });

  it("Kubernetes access through RBAC on the group only: no EKS access policy for a CI role", () => {
    const arns = ["preview", "drift"].map((id) => byName(r, "aws:iam/role:Role", `ci-access-${id}`).outputs.arn);
    const policies = r.resources.filter((x) => x.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" && arns.includes((x.inputs as any).principalArn));
    assert.deepStrictEqual(policies, []);
  });

  it("writes pass only as dry-runs: an admission policy denies the CI groups anything else, and they cannot touch it", () => {
    const vap = byName(r, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy", "ci-access-dry-run-only").inputs as any;
    const groups = ["preview", "drift"].map((id) => (byName(r, "aws:eks/accessEntry:AccessEntry", `ci-access-${id}`).inputs as any).kubernetesGroups[0]);
    for (const g of groups) assert.ok(vap.spec.matchConditions[0].expression.includes(`'${g}'`), g);
    assert.deepStrictEqual(vap.spec.validations.map((v: any) => v.expression), ["request.dryRun == true"]);
    assert.deepStrictEqual(vap.spec.matchConstraints.resourceRules[0].operations, ["CREATE", "UPDATE", "DELETE", "CONNECT"]);
    assert.strictEqual(vap.spec.failurePolicy, "Fail");
    const binding = byName(r, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding", "ci-access-dry-run-only").inputs as any;
    assert.deepStrictEqual([binding.spec.policyName, binding.spec.validationActions], [vap.metadata.name, ["Deny"]]);
    // Admission never sees requests on admission configuration: RBAC alone keeps the guard.
    for (const id of ["preview", "drift"] as const) {
      const writes = grantsOf(r, id).kubernetesRules.filter((x) => (x.apiGroups ?? []).includes("admissionregistration.k8s.io") && (x.verbs ?? []).some((v) => !["get", "list", "watch"].includes(v)));
      assert.deepStrictEqual(writes, [], id);
    }
  });
});
