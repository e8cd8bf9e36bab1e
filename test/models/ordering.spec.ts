// The ordering model (models/ordering.ts) on every stack, and on seeded defects of each kind
// it must refuse: built from the stack's real objects with one thing broken each time.
import * as assert from "assert";
import { ClusterObject, programObjects } from "../../models/objects";
import { OrderingProblem, orderingProblems, selects } from "../../models/ordering";
import type { RunResult } from "../../tools/harness";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";

const CHART = "kubernetes:helm.sh/v4:Chart";
const show = (p: OrderingProblem[]) => p.map((x) => `${x.rule} ${x.object}: ${x.problem}`);

describe("ordering model: the program's own objects", () => {
  for (const env of ENVS) {
    it(`${env}: namespaces first, nothing a controller creates itself`, async () => {
      const run = await runStack(env);
      const charts = run.resources.filter((r) => r.type === CHART).map((r) => r.urn);
      // Charts not rendered: their CRDs and webhooks are unknown, so those checks stand aside.
      assert.deepStrictEqual(show(orderingProblems({ run, objects: programObjects(run), unrendered: charts })), []);
    });
  }
});

describeRendered("ordering model: the program with every chart rendered", () => {
  for (const env of ENVS) {
    it(`${env}: namespaces, CRDs, webhooks, Secrets and controller-made objects in order`, async () => {
      const run = await runStack(env);
      const rendered = await renderedStack(env);
      const unrendered = rendered.charts.filter((c) => c.status !== "rendered").map((c) => c.spec.urn);
      assert.deepStrictEqual(show(orderingProblems({ run, objects: [...programObjects(run), ...rendered.objects], unrendered })), []);
    });
  }

  describe("refuses a seeded defect of each kind", () => {
    let run: RunResult;
    let objects: ClusterObject[];
    before(async () => {
      run = await runStack("prod");
      objects = [...programObjects(run), ...(await renderedStack("prod")).objects];
    });
    const problems = (objs: ClusterObject[], r = run) => show(orderingProblems({ run: r, objects: objs }));
    /** The run with one resource's dependsOn replaced (the graph reads the run's edges). */
    const withDeps = (urn: string, deps: string[]): RunResult => ({ ...run, resources: run.resources.map((x) => (x.urn === urn ? { ...x, dependsOn: deps } : x)) });
    const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.object.metadata?.name === name)!;

    it("a Secret that does not wait for its Namespace", () => {
      const s = find("Secret", "argocd-redis");
      assert.deepStrictEqual(problems(objects, withDeps(s.urn, [])).filter((p) => p.startsWith("namespace")), [
        "namespace Secret/argocd/argocd-redis: does not wait for Namespace argocd (ns-argocd); add it to dependsOn, directly or through its chart",
      ]);
    });
    it("an object in a namespace nothing creates", () => {
      const s = find("Secret", "argocd-redis");
      const moved = { ...s, object: { ...s.object, metadata: { ...s.object.metadata, namespace: "nowhere" } } };
      assert.ok(problems([...objects, moved]).includes("namespace Secret/nowhere/argocd-redis: namespace nowhere is created by nothing in the stack"));
    });
    it("a custom resource that does not wait for the chart with its CRD", () => {
      const issuer = objects.find((o) => o.kind === "ClusterIssuer")!;
      const p = problems(objects, withDeps(issuer.urn, run.resources.find((x) => x.urn === issuer.urn)!.dependsOn.filter((u) => !u.includes("Chart"))));
      assert.ok(p.some((x) => x.startsWith(`crd ClusterIssuer/${issuer.object.metadata.name}: does not wait for the chart that installs the CRD of cert-manager.io/ClusterIssuer`)), p.join("\n"));
    });
    it("a custom resource whose CRD is in no chart's rendered output", () => {
      const noCrd = objects.filter((o) => !(o.kind === "CustomResourceDefinition" && o.object.spec?.names?.kind === "AppProject"));
      assert.ok(problems(noCrd).includes("crd AppProject/argocd/platform-root: no chart in the stack renders the CRD of argoproj.io/AppProject"));
    });
    it("an object an admission webhook (failurePolicy Fail) must admit, created before the webhook's chart", () => {
      const grafanaSvc = objects.find((o) => o.kind === "Service" && o.source.kind === "chart" && o.object.metadata?.name === "grafana")!;
      const lbc = run.resources.find((x) => x.type === CHART && x.inputs.chart === "aws-load-balancer-controller")!;
      const hook = (failurePolicy: string): ClusterObject => ({
        ...grafanaSvc, urn: `${lbc.urn}-hook`, name: "aws-load-balancer-controller:aws-load-balancer-webhook", parent: lbc.urn, kind: "MutatingWebhookConfiguration",
        source: { kind: "chart", chart: lbc.urn, release: "aws-load-balancer-controller", chartName: "aws-load-balancer-controller", version: "3.5.0" },
        object: { kind: "MutatingWebhookConfiguration", metadata: { name: "aws-load-balancer-webhook" }, webhooks: [{ name: "mservice.elbv2.k8s.aws", failurePolicy, rules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"] }] }] },
      });
      assert.ok(problems([...objects, hook("Fail")]).includes("webhook Service/observability/grafana: admission webhook mservice.elbv2.k8s.aws (aws-load-balancer-controller:aws-load-balancer-webhook, failurePolicy Fail) must answer for it: wait for its chart"));
      assert.ok(!problems([...objects, hook("Ignore")]).some((p) => p.startsWith("webhook")));
    });
    it("a chart that reads a Secret it does not wait for, or one nothing creates", () => {
      const secret = find("Secret", "argocd-redis");
      const argo = run.resources.find((x) => x.type === CHART && x.inputs.chart === "argo-cd")!;
      const cut = objects.map((o) => (o.parent === argo.urn ? { ...o, dependsOn: o.dependsOn.filter((u) => u !== secret.urn) } : o));
      const p = problems(cut);
      assert.ok(p.some((x) => /^secret .*: reads Secret argocd\/argocd-redis \(argocd-redis\) but its chart does not wait for it$/.test(x)), p.join("\n"));
      assert.ok(problems(objects.filter((o) => o !== secret)).some((x) => /^secret .*: reads Secret argocd\/argocd-redis, which nothing in the stack creates$/.test(x)));
    });
    it("a plain create of an object a controller makes itself, and accepts a patch of it", () => {
      const patch = objects.find((o) => o.type === "kubernetes:argoproj.io/v1alpha1:AppProjectPatch")!;
      assert.ok(patch, "the default AppProject is patched");
      const plain = { ...patch, type: "kubernetes:argoproj.io/v1alpha1:AppProject", kind: "AppProject", patch: false };
      assert.ok(problems(objects.map((o) => (o === patch ? plain : o))).some((p) => p.startsWith("controller-created AppProject/argocd/default: created by argocd-server")));
    });
  });
});

describe("ordering model: label selectors as the API server reads them", () => {
  it("matchLabels and every matchExpressions operator", () => {
    const l = { a: "1", b: "2" };
    assert.ok(selects(undefined, l) && selects({}, l) && selects({ matchLabels: { a: "1" } }, l));
    assert.ok(!selects({ matchLabels: { a: "2" } }, l));
    assert.ok(selects({ matchExpressions: [{ key: "a", operator: "In", values: ["1"] }, { key: "c", operator: "DoesNotExist" }] }, l));
    assert.ok(!selects({ matchExpressions: [{ key: "b", operator: "NotIn", values: ["2"] }] }, l));
    assert.ok(!selects({ matchExpressions: [{ key: "c", operator: "Exists" }] }, l));
  });
});
