import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONTRACT_OUTPUTS, CONTRACT_VERSION, SECRET_CONTRACT_OUTPUTS } from "../../contract/contract";
import { ConfigError, parseConfig } from "../../infra/config";
import { RecordedResource, ROOT, RunResult } from "../../tools/harness";
import { ENVS, inputs, ofType, runStack, runWith } from "../support";

const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const team = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  iamRoleArn: role(`team-${name}`),
  repositories: [`https://github.com/example/${name}-deploy.git`],
  apps: [`${name}-api`],
  ...extra,
});

/** The Team component a resource sits under, if any (walking parents: mocked URNs keep only the last parent type). */
const byUrnCache = new WeakMap<RunResult, Map<string, RecordedResource>>();
function teamOf(r: RunResult, x: RecordedResource): string | undefined {
  if (!byUrnCache.has(r)) byUrnCache.set(r, new Map(r.resources.map((y) => [y.urn, y])));
  const byUrn = byUrnCache.get(r)!;
  for (let cur: RecordedResource | undefined = x; cur; cur = byUrn.get(cur.parent)) {
    if (cur.type === "platform:teams:Team") return cur.name.replace(/^team-/, "");
  }
  return undefined;
}
const ofTeam = (r: RunResult, t: string) => r.resources.filter((x) => teamOf(r, x) === t);
const platformOnly = (r: RunResult) => r.resources.filter((x) => teamOf(r, x) === undefined && x.type !== "pulumi:pulumi:Stack");
const fingerprint = (xs: RecordedResource[]) => xs.map((x) => `${x.urn} ${JSON.stringify(x.inputs)}`).sort();

describe("contract: the platform publishes every promised output", () => {
  for (const env of ENVS) {
    it(`${env}: all contract outputs, secret only where the contract says`, async () => {
      const r = await runStack(env);
      for (const key of CONTRACT_OUTPUTS) assert.ok(key in r.outputs, `${env} lacks contract output ${key}`);
      assert.strictEqual(r.outputs.contractVersion, CONTRACT_VERSION);
      for (const key of CONTRACT_OUTPUTS) {
        assert.strictEqual(r.secretOutputs.includes(key), SECRET_CONTRACT_OUTPUTS.includes(key), `${key} secrecy`);
      }
      const teams = r.outputs.teams as Record<string, any>;
      assert.deepStrictEqual(Object.keys(teams), ["orders"]);
      assert.deepStrictEqual(teams.orders.ecrRepositories, {
        "orders-api": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders/orders-api",
        "orders-worker": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/orders/orders-worker",
      });
    });
  }

  it("the contract module's package version is the contract version", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "contract", "package.json"), "utf8"));
    assert.strictEqual(pkg.version, CONTRACT_VERSION);
  });
});

describe("teams: what onboarding gives a team (prod)", () => {
  let r: RunResult;
  let mine: RecordedResource[];
  const find = (type: string, pred: (i: any) => boolean = () => true) => mine.filter((x) => x.type === type && pred(inputs(x)));
  before(async () => {
    r = await runStack("prod");
    mine = ofTeam(r, "orders");
  });

  it("a restricted namespace labelled as a tenant, with default-deny", () => {
    const [ns] = find("kubernetes:core/v1:Namespace");
    assert.strictEqual(inputs(ns).metadata.name, "orders");
    assert.strictEqual(inputs(ns).metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert.strictEqual(inputs(ns).metadata.labels["platform.io/tenant"], "true");
    const deny = find("kubernetes:networking.k8s.io/v1:NetworkPolicy", (i) => i.metadata.name === "default-deny");
    assert.deepStrictEqual(inputs(deny[0]).spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("admits only the ingress controller on the app port, and reaches only DNS and the OTLP endpoint", () => {
    const pols = find("kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs);
    const ingress = pols.filter((p) => p.spec.ingress && p.metadata.name !== "allow-same-namespace");
    const fromIngress = ingress.find((p) => p.metadata.name === "allow-from-ingress");
    assert.deepStrictEqual(fromIngress.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress" } } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    const egressTargets = pols.filter((p) => p.spec.egress).map((p) => p.metadata.name).sort();
    assert.deepStrictEqual(egressTargets, ["allow-dns", "allow-pod-identity-agent", "allow-same-namespace", "allow-to-observability"]);
    const otlp = pols.find((p) => p.metadata.name === "allow-to-observability");
    assert.deepStrictEqual(otlp.spec.egress[0].ports.map((p: any) => p.port), [4317, 4318]);
    // The ingress controller reaches tenants by label, so onboarding touches no other namespace.
    const route = ofType(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs).find((p) => p.metadata.namespace === "ingress" && p.metadata.name === "allow-to-platform-io-tenant");
    assert.deepStrictEqual(route.spec.egress, [{ to: [{ namespaceSelector: { matchLabels: { "platform.io/tenant": "true" } } }] }]);
  });

  it("a LimitRange and a ResourceQuota from the team's quota, no load balancers", () => {
    assert.strictEqual(find("kubernetes:core/v1:LimitRange").length, 1);
    const hard = inputs(find("kubernetes:core/v1:ResourceQuota")[0]).spec.hard;
    assert.deepStrictEqual([hard["requests.cpu"], hard["requests.memory"], hard["limits.memory"], hard.pods, hard["services.loadbalancers"]], ["4", "8Gi", "16Gi", "40", "0"]);
  });

  it("a namespaced Role without wildcards or Secrets, bound to the team's group", () => {
    const [roleRes] = find("kubernetes:rbac.authorization.k8s.io/v1:Role");
    const rules = inputs(roleRes).rules as { resources: string[]; verbs: string[] }[];
    assert.strictEqual(inputs(roleRes).metadata.namespace, "orders");
    for (const rule of rules) {
      assert.ok(!rule.resources.includes("*") && !rule.verbs.includes("*"), "wildcard in the team Role");
      assert.ok(!rule.resources.includes("secrets"), "the team Role reads Secrets");
    }
    const [binding] = find("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding");
    assert.deepStrictEqual(inputs(binding).subjects, [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "team:orders" }]);
    assert.strictEqual(inputs(binding).roleRef.kind, "Role");
  });

  it("an access entry mapping the team's IAM role to that group, and no cluster-wide policy", () => {
    const [entry] = find("aws:eks/accessEntry:AccessEntry");
    assert.deepStrictEqual([inputs(entry).principalArn, inputs(entry).kubernetesGroups, inputs(entry).type], [role("team-orders"), ["team:orders"], "STANDARD"]);
    const assocs = ofType(r, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").filter((a) => inputs(a).principalArn === role("team-orders"));
    assert.deepStrictEqual(assocs, []);
  });

  it("an AppProject limited to the namespace and the team's repositories, after Argo CD's CRDs", () => {
    const [project] = find("kubernetes:argoproj.io/v1alpha1:AppProject");
    const spec = inputs(project).spec;
    assert.deepStrictEqual(spec.sourceRepos, ["https://github.com/example/orders-deploy.git"]);
    assert.deepStrictEqual(spec.destinations, [{ server: "https://kubernetes.default.svc", namespace: "orders" }]);
    assert.deepStrictEqual(spec.clusterResourceWhitelist, []);
    for (const kind of ["ResourceQuota", "LimitRange", "NetworkPolicy", "Role", "RoleBinding"]) assert.ok(spec.namespaceResourceBlacklist.some((b: any) => b.kind === kind), `${kind} not blacklisted`);
    const chart = r.resources.find((x) => x.type === "kubernetes:helm.sh/v4:Chart" && x.name === "argocd")!;
    assert.ok(project.dependsOn.includes(chart.urn));
  });

  it("an ECR repository per app: scan on push, immutable tags, lifecycle, kept in prod", () => {
    const repos = find("aws:ecr/repository:Repository");
    assert.deepStrictEqual(repos.map((x) => inputs(x).name).sort(), ["orders/orders-api", "orders/orders-worker"]);
    for (const repo of repos) {
      assert.strictEqual(inputs(repo).imageTagMutability, "IMMUTABLE");
      assert.strictEqual(inputs(repo).imageScanningConfiguration.scanOnPush, true);
      assert.deepStrictEqual([repo.protect, repo.retainOnDelete], [true, true]);
    }
    const policies = find("aws:ecr/lifecyclePolicy:LifecyclePolicy").map((x) => JSON.parse(inputs(x).policy));
    assert.strictEqual(policies.length, 2);
    for (const p of policies) assert.ok(p.rules.some((rule: any) => rule.selection.tagStatus === "untagged" && rule.action.type === "expire"));
  });
});

describe("teams: a deploy role edits its namespace only", () => {
  it("gets an access entry with the EKS edit policy scoped to the team's namespace", async () => {
    const r = await runWith("dev", { teams: [team("alpha", { deployRoleArn: role("alpha-ci") })] });
    const assoc = ofType(r, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map(inputs).filter((a) => a.principalArn === role("alpha-ci"));
    assert.deepStrictEqual(assoc.map((a) => [a.policyArn.split("/").pop(), a.accessScope]), [["AmazonEKSEditPolicy", { type: "namespace", namespaces: ["alpha"] }]]);
    assert.strictEqual(ofType(r, "aws:eks/accessEntry:AccessEntry").filter((e) => inputs(e).principalArn === role("alpha-ci")).length, 1);
    assert.strictEqual((r.outputs.teams as any).alpha.appPort, 8080);
  });
});

describe("teams: onboarding and removal touch nothing else", function () {
  this.timeout(60000);
  let one: RunResult;
  let three: RunResult;
  let removed: RunResult;
  before(async () => {
    one = await runWith("dev", { teams: [team("alpha")] });
    three = await runWith("dev", { teams: [team("alpha"), team("beta"), team("gamma", { apps: ["g1", "g2", "g3"] })] });
    removed = await runWith("dev", { teams: [team("beta"), team("gamma", { apps: ["g1", "g2", "g3"] })] });
  });

  it("one team: a namespace, a Role, an access entry, an AppProject and its ECR repository", () => {
    const mine = ofTeam(one, "alpha");
    const count = (t: string) => mine.filter((x) => x.type === t).length;
    assert.deepStrictEqual(
      ["kubernetes:core/v1:Namespace", "kubernetes:rbac.authorization.k8s.io/v1:Role", "aws:eks/accessEntry:AccessEntry", "kubernetes:argoproj.io/v1alpha1:AppProject", "aws:ecr/repository:Repository"].map(count),
      [1, 1, 1, 1, 1],
    );
    assert.deepStrictEqual(Object.keys(one.outputs.teams as object), ["alpha"]);
  });

  it("three teams: the platform's resources are the same as with one", () => {
    assert.deepStrictEqual(fingerprint(platformOnly(three)), fingerprint(platformOnly(one)));
    assert.strictEqual(ofTeam(three, "gamma").filter((x) => x.type === "aws:ecr/repository:Repository").length, 3);
    assert.deepStrictEqual(Object.keys(three.outputs.teams as object).sort(), ["alpha", "beta", "gamma"]);
  });

  it("removing a team removes only its resources; the others keep their URNs and inputs", () => {
    assert.deepStrictEqual(ofTeam(removed, "alpha"), []);
    for (const t of ["beta", "gamma"]) assert.deepStrictEqual(fingerprint(ofTeam(removed, t)), fingerprint(ofTeam(three, t)));
    assert.deepStrictEqual(fingerprint(platformOnly(removed)), fingerprint(platformOnly(one)));
  });
});

describe("teams: malformed team config is rejected with the key named", () => {
  const BASE = { environment: "dev", region: "eu-west-1", domain: "dev.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
  const NOW = new Date("2026-11-27T12:00:00Z");
  function rejects(teams: unknown[], key: string, word: string, extra: Record<string, unknown> = {}) {
    try {
      parseConfig({ ...BASE, ...extra, teams }, { now: NOW });
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const hit = e.problems.find((p) => p.startsWith(`${key}:`));
      assert.ok(hit, `no problem for ${key} in\n${e.problems.join("\n")}`);
      assert.ok(hit.includes(word), `"${hit}" lacks "${word}"`);
      return;
    }
    assert.fail("accepted");
  }
  it("a duplicate team", () => rejects([team("a"), { ...team("a"), iamRoleArn: role("other") }], "platform:teams[1].name", "twice"));
  it("a platform namespace as team name", () => rejects([team("argocd")], "platform:teams[0].name", "platform or Kubernetes namespace"));
  it("a kube- namespace as team name", () => rejects([team("kube-x")], "platform:teams[0].name", "platform or Kubernetes namespace"));
  it("a name the shared apps project already deploys to", () => rejects([team("apps-web")], "platform:teams[0].name", "gitopsNamespaces"));
  it("two teams on one IAM role", () => rejects([team("a"), { ...team("b"), iamRoleArn: role("team-a") }], "platform:teams[1].iamRoleArn", "already belongs"));
  it("a team role that is also a cluster admin", () => rejects([team("a")], "platform:teams[0].iamRoleArn", "cluster admin", { clusterAdmins: [role("team-a")] }));
  it("a repository that is not a git URL", () => rejects([team("a", { repositories: ["github.com/x"] })], "platform:teams[0].repositories[0]", "git URL"));
  it("no repository at all", () => rejects([team("a", { repositories: [] })], "platform:teams[0].repositories", "at least one"));
  it("an app name that is not a DNS label", () => rejects([team("a", { apps: ["Orders_API"] })], "platform:teams[0].apps[0]", "DNS label"));
  it("an app listed twice", () => rejects([team("a", { apps: ["x", "x"] })], "platform:teams[0].apps", "twice"));
  it("a privileged app port", () => rejects([team("a", { appPort: 80 })], "platform:teams[0].appPort", ">= 1024"));
  it("a memory limit below the requests", () => rejects([team("a", { quota: { requestsMemoryGi: 8, limitsMemoryGi: 4 } })], "platform:teams[0].quota.limitsMemoryGi", "below"));
  it("a deploy role shared with another team's role", () => rejects([team("a"), team("b", { deployRoleArn: role("team-a") })], "platform:teams[1].deployRoleArn", "already"));
  it("a deploy role that is a cluster admin", () => rejects([team("a", { deployRoleArn: role("ops") })], "platform:teams[0].deployRoleArn", "cluster admin", { clusterAdmins: [role("ops")] }));
  it("a typo in a team key, with a suggestion", () => rejects([{ ...team("a"), repos: [] }], "platform:teams[0].repos", "repositories"));
});
