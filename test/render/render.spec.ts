// The render step (models/render.ts): charts rendered the way a helm.v4.Chart registers them.
import * as assert from "assert";
import { ChartSpec, HelmNotFoundError, chartSpecs, elideSchemas, findHelm, helmArgs, parseRendered, renderStack } from "../../models/render";
import { asPolicyResource, unusedExemptions } from "../../models/rendered-report";
import { evaluatePolicies, loadPolicyConfig } from "../../policies/engine";
import type { RunResult } from "../../tools/harness";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";

const spec = (over: Partial<ChartSpec> = {}): ChartSpec => ({
  name: "x", urn: "urn:pulumi:dev::platform::platform:dns:ExternalDns$kubernetes:helm.sh/v4:Chart::x", release: "rel", chart: "c", version: "1.0.0", namespace: "ns", values: {}, dependsOn: [], ...over,
});

describe("render: helm template as a helm.v4.Chart calls it", () => {
  it("passes release, chart, repo, pinned version, namespace, values, CRDs in, hooks and tests out, and the stack's Kubernetes version", () => {
    assert.deepStrictEqual(helmArgs(spec({ repo: "https://charts.example" }), "1.35", "/tmp/v.json"), [
      "template", "rel", "c", "--repo", "https://charts.example", "--version", "1.0.0", "--namespace", "ns", "--values", "/tmp/v.json",
      "--include-crds", "--no-hooks", "--skip-tests", "--kube-version", "1.35",
    ]);
    assert.ok(!helmArgs(spec({ chart: "oci://r/c" }), "1.35", "v").includes("--repo"), "an OCI chart takes no --repo");
  });

  it("reads every helm.v4.Chart of a stack with its release name, namespace and values", async () => {
    const run = await runStack("prod");
    const specs = chartSpecs(run);
    assert.strictEqual(specs.length, run.resources.filter((r) => r.type === "kubernetes:helm.sh/v4:Chart").length);
    const argo = specs.find((s) => s.chart === "argo-cd")!;
    assert.strictEqual(argo.namespace, "argocd");
    assert.strictEqual(argo.repo, "https://argoproj.github.io/argo-helm");
    assert.ok(Object.keys(argo.values).length > 0);
  });

  it("with no helm on PATH, refuses with the fix instead of passing", async () => {
    const run = await runStack("dev");
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      assert.strictEqual(findHelm(), undefined);
      await assert.rejects(renderStack(run, { cacheDir: false }), (e: Error) => e instanceof HelmNotFoundError && /Fix: install Helm 3/.test(e.message));
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("render: parsing what helm prints", () => {
  it("reads YAML 1.1 as the API server does: yes/on are booleans, 0755 is octal", () => {
    const [o] = parseRendered("kind: Pod\nspec:\n  privileged: yes\n  ape: on\n  mode: 0755\n  s: 'yes'\n", "t");
    assert.deepStrictEqual(o.spec, { privileged: true, ape: true, mode: 493, s: "yes" });
  });

  it("drops a CRD's validation schema but keeps its group, names, scope and versions", () => {
    const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.b\nspec:\n  group: b\n  names:\n    kind: A\n  scope: Cluster\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          x: {type: string}\n    served: true\n";
    const [o] = parseRendered(`---\n${crd}---\nkind: ConfigMap\n`, "t");
    assert.deepStrictEqual(o.spec.versions, [{ name: "v1", schema: { openAPIV3Schema: { "x-platform-elided": true } }, served: true }]);
    assert.strictEqual(o.spec.scope, "Cluster");
    assert.ok(!elideSchemas(crd).includes("properties"));
  });

  it("flattens a List and refuses a document that is not an object", () => {
    assert.strictEqual(parseRendered("kind: List\nitems:\n- kind: A\n- kind: B\n", "t").length, 2);
    assert.throws(() => parseRendered("- a\n- b\n", "chart x"), /chart x: a rendered document is not an object/);
  });
});

describeRendered("render: each stack's charts as the cluster receives them", () => {
  for (const env of ENVS) {
    describe(env, () => {
      it("puts namespaced objects in the release namespace, leaves cluster-scoped ones (CRD-declared included) without one", async () => {
        const r = await renderedStack(env);
        const argo = r.charts.find((c) => c.spec.chart === "argo-cd")!;
        assert.ok(argo.objects.length > 0);
        for (const o of argo.objects.filter((x) => x.kind === "Deployment" || x.kind === "ServiceAccount")) assert.strictEqual(o.object.metadata.namespace, "argocd", o.urn);
        for (const o of r.objects.filter((x) => ["ClusterRole", "CustomResourceDefinition", "ClusterRoleBinding"].includes(x.kind))) assert.strictEqual(o.object.metadata.namespace, undefined, o.urn);
        const nodePool = r.objects.find((o) => o.kind === "CustomResourceDefinition" && o.object.spec?.names?.kind === "NodePool");
        assert.ok(nodePool, "karpenter's NodePool CRD is rendered");
      });

      it("names each child under its Chart the way a v4 Chart does", async () => {
        const r = await renderedStack(env);
        const server = r.objects.find((o) => o.kind === "Deployment" && o.object.metadata.name === "argocd-server")!;
        assert.strictEqual(server.name, "argocd:argocd/argocd-server");
        assert.match(server.urn, /::platform:gitops:ArgoCd\$kubernetes:helm\.sh\/v4:Chart\$kubernetes:apps\/v1:Deployment::argocd:argocd\/argocd-server$/);
        assert.strictEqual(new Set(r.objects.map((o) => o.urn)).size, r.objects.length, "URNs are unique");
      });

      it("leaves out hook objects, as a v4 Chart does (pulumi-kubernetes#3284)", async () => {
        const r = await renderedStack(env);
        const hooks = r.objects.filter((o) => o.object.metadata?.annotations?.["helm.sh/hook"]);
        assert.deepStrictEqual(hooks.map((o) => o.urn), []);
      });
    });
  }

  it("names a chart helm cannot get as not verified, with helm's reason, never as passed", async () => {
    const run = await runStack("dev");
    const broken: RunResult = { ...run, resources: run.resources.map((x) => (x.name === "external-dns" && x.type.endsWith(":Chart") ? { ...x, inputs: { ...x.inputs, version: "0.0.0-missing" } } : x)) };
    const r = await renderStack(broken, { cacheDir: false });
    const c = r.charts.find((x) => x.spec.name === "external-dns")!;
    assert.strictEqual(c.status, "not-verified");
    assert.ok(c.reason && c.reason.length > 0);
    assert.strictEqual(c.objects.length, 0);
  });

  it("a render cached by content hash gives the same objects; other values render anew", async () => {
    const run = await runStack("dev");
    const only = (rr: RunResult, values?: Record<string, unknown>): RunResult => ({
      ...rr,
      resources: rr.resources.filter((x) => !x.type.endsWith(":Chart") || x.name === "external-dns").map((x) => (values && x.type.endsWith(":Chart") ? { ...x, inputs: { ...x.inputs, values } } : x)),
    });
    const cacheDir = require("fs").mkdtempSync(require("path").join(require("os").tmpdir(), "render-cache-"));
    const first = await renderStack(only(run), { cacheDir });
    const second = await renderStack(only(run), { cacheDir });
    assert.strictEqual(first.charts[0].cached, false);
    assert.strictEqual(second.charts[0].cached, true);
    assert.deepStrictEqual(second.objects, first.objects);
    const changed = await renderStack(only(run, { ...(only(run).resources.find((x) => x.type.endsWith(":Chart"))!.inputs as any).values, replicaCount: 1, extraArgs: ["--once"] }), { cacheDir });
    assert.strictEqual(changed.charts[0].cached, false);
  });

  it("removing `resources` from one chart's values makes the packs fail it", async () => {
    const run = await runStack("prod");
    const chart = run.resources.find((x) => x.type.endsWith(":Chart") && x.name === "external-dns")!;
    const values = { ...(chart.inputs as any).values };
    delete values.resources;
    const mutated: RunResult = { ...run, resources: [{ ...chart, inputs: { ...chart.inputs, values } }] };
    const before = await renderStack({ ...run, resources: [chart, ...run.resources.filter((x) => x.type === "aws:eks/cluster:Cluster")] });
    const after = await renderStack({ ...mutated, resources: [...mutated.resources, ...run.resources.filter((x) => x.type === "aws:eks/cluster:Cluster")] });
    const judge = (r: typeof before) => evaluatePolicies(r.objects.map(asPolicyResource), { env: "prod" }).violations.filter((v) => v.policy === "k8s-resources-set");
    assert.deepStrictEqual(judge(before), []);
    assert.ok(judge(after).some((v) => /external-dns/.test(v.object)), "the chart's Deployment loses its resources");
  });

  it("finds an exemption that matches nothing", () => {
    const config = loadPolicyConfig("prod");
    const unused = unusedExemptions(config, { objects: 0, violations: [], exempted: [], skipped: [] });
    assert.ok(unused.some((u) => u.policy === "k8s-no-host-path"), "with nothing exempted, every exemption is unused");
  });
});
