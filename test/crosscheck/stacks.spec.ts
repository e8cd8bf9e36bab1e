// The cross-checks over each stack as the cluster would receive it: the program's objects and
// every chart's rendered objects, plus the run's AWS resources. Each stack must be clean, each
// check must have had something to judge, and one seeded mismatch at a time must fail it.
import * as assert from "assert";
import type { RunResult } from "../../tools/harness";
import { ClusterIndex, buildIndex } from "../../models/crosscheck/cluster-index";
import { CROSS_CHECKS, Finding, formatFinding } from "../../models/crosscheck";
import { inClusterUrls } from "../../models/crosscheck/urls";
import { scrapers } from "../../models/crosscheck/scrape";
import { CHART_TYPE, programObjects } from "../../models/objects";
import { renderStack } from "../../models/render";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";
import { netpol } from "./fixtures";

interface Stack { run: RunResult; idx: ClusterIndex }
const stacks = new Map<string, Promise<Stack>>();
/** Index each stack once; the mutations below copy only what they change. */
const stack = (env: string): Promise<Stack> => {
  if (!stacks.has(env)) stacks.set(env, Promise.all([runStack(env), renderedStack(env)]).then(([run, r]) => ({ run, idx: buildIndex([...programObjects(run), ...r.objects]) })));
  return stacks.get(env)!;
};
const check = (name: string, run: RunResult, idx: ClusterIndex): Finding[] => CROSS_CHECKS.find((c) => c.name === name)!.run(run, idx);
/** What a mutation adds to a check's findings on the untouched stack (so each test sees only its own seed). */
async function added(name: string, run: RunResult, idx: ClusterIndex): Promise<Finding[]> {
  const base = await stack("prod");
  const before = new Set(check(name, base.run, base.idx).map(formatFinding));
  return check(name, run, idx).filter((f) => !before.has(formatFinding(f)));
}
const text = (fs: Finding[]) => fs.map(formatFinding).join("\n");

/** The run with one resource's inputs replaced (a structured clone, so the cached run stays intact). */
function withInputs(run: RunResult, type: string, name: string, edit: (inputs: any) => void): RunResult {
  const target = run.resources.find((r) => r.type === type && r.name === name);
  assert.ok(target, `no ${type} named ${name}`);
  const inputs = structuredClone(target.inputs);
  edit(inputs);
  return { ...run, resources: run.resources.map((r) => (r === target ? { ...r, inputs } : r)) };
}

describeRendered("crosscheck: every stack, rendered", () => {
  for (const env of ENVS) {
    it(`${env}: identities, URLs, ingress backends, reachability, NetworkPolicy ports and scraping all line up`, async () => {
      const { run, idx } = await stack(env);
      const found = CROSS_CHECKS.flatMap((c) => c.run(run, idx));
      assert.strictEqual(found.length, 0, `\n${text(found)}`);
    });

    it(`${env}: each check had the wiring it judges in front of it`, async () => {
      const { run, idx } = await stack(env);
      const pia = run.resources.filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((r) => r.inputs.serviceAccount);
      assert.deepStrictEqual([...pia].sort(), ["aws-load-balancer-controller", "cert-manager", "external-dns", "karpenter"]);
      const urls = inClusterUrls(run, idx).map((u) => `${u.ref.service}:${u.ref.port}`);
      for (const u of ["mimir-query-frontend:8080", "loki:3100", "tempo:3200", "mimir-distributor:8080", "tempo:4317"]) assert.ok(urls.includes(u), `${u} not among ${urls}`);
      assert.deepStrictEqual(idx.objects.filter((o) => o.kind === "Ingress" && o.source.kind === "chart").map((o) => o.name).sort(), ["argocd:argocd/argocd-server", "grafana:observability/grafana"]);
      const scraped = scrapers(run, idx)[0].targets.map((t) => `${t.pod?.namespace ?? "node"}:${t.port}`);
      for (const t of ["node:10250", "cert-manager:9402", "ingress:9100", "kube-system:9100", "observability:8080"]) assert.ok(scraped.includes(t), `${t} not among ${scraped}`);
    });
  }
});

describeRendered("crosscheck: seeded mismatches fail (prod)", () => {
  it("a ServiceAccount renamed in an IRSA trust", async () => {
    const { run, idx } = await stack("prod");
    const bad = withInputs(run, "aws:iam/role:Role", "loki", (i) => { i.assumeRolePolicy = i.assumeRolePolicy.replace("system:serviceaccount:observability:loki\"", "system:serviceaccount:observability:loki-logs\""); });
    const f = await added("identity", bad, idx);
    assert.match(text(f), /IAM role loki \(IRSA trust\): names ServiceAccount observability\/loki-logs, which nothing on the cluster creates/);
    assert.match(text(f), /ServiceAccount\/observability\/loki: carries the ARN of IAM role loki, whose trust does not admit system:serviceaccount:observability:loki/);
  });

  it("a ServiceAccount renamed in a chart's values", async () => {
    const { run } = await stack("prod");
    // Re-rendered for real: only external-dns misses the render cache, so this costs one helm call.
    const bad = withInputs(run, CHART_TYPE, "external-dns", (i) => { i.values.serviceAccount.name = "dns-writer"; });
    const render = await renderStack(bad);
    const f = await added("identity", bad, buildIndex([...programObjects(bad), ...render.objects]));
    assert.strictEqual(f.length, 1, text(f));
    assert.match(text(f), /PodIdentityAssociation external-dns: names ServiceAccount external-dns\/external-dns, which nothing on the cluster creates \(ServiceAccounts in external-dns: dns-writer\)\. Fix: /);
  });

  it("Grafana pointed at a port its datasource's Service does not expose", async () => {
    const { run, idx } = await stack("prod");
    const bad = withInputs(run, CHART_TYPE, "grafana", (i) => {
      const ds = i.values.datasources["datasources.yaml"].datasources.find((d: any) => d.uid === "mimir");
      ds.url = ds.url.replace(":8080/", ":9090/");
    });
    const f = await added("url", bad, idx);
    assert.strictEqual(f.length, 1, text(f));
    assert.match(text(f), /Chart grafana values\.datasources\["datasources\.yaml"\]\.datasources\[0\]\.url: "http:\/\/mimir-query-frontend\.observability\.svc\.cluster\.local:9090" uses port 9090 of Service observability\/mimir-query-frontend, which exposes only 8080 \(http-metrics\).*Fix: use one of those ports/);
  });

  it("a NetworkPolicy port with no listener", async () => {
    const { run, idx } = await stack("prod");
    const seeded = netpol("observability", "allow-debug", { podSelector: { matchLabels: { "app.kubernetes.io/name": "grafana" } }, policyTypes: ["Ingress"], ingress: [{ ports: [{ port: 3000 }, { port: 7070 }] }] });
    const f = await added("netpol-listener", run, buildIndex([...idx.objects, seeded]));
    assert.strictEqual(f.length, 1, text(f));
    assert.match(text(f), /NetworkPolicy\/observability\/allow-debug: opens ingress TCP 7070, but no pod it selects listens there \(selected: Deployment\/observability\/grafana\)\. Fix: remove 7070/);
  });

  it("a metrics port opened to Alloy that nothing marks for scraping", async () => {
    const { run, idx } = await stack("prod");
    const cm = idx.objects.find((o) => o.kind === "NetworkPolicy" && o.name.endsWith("ns-cert-manager-allow-scraping"));
    assert.ok(cm, "cert-manager's allow-scraping policy");
    const opened = structuredClone(cm);
    opened.object.spec.ingress[0].ports.push({ port: 10250, protocol: "TCP" });
    const f = await added("scrape", run, buildIndex(idx.objects.map((o) => (o === cm ? opened : o))));
    assert.strictEqual(f.length, 1, text(f));
    assert.match(text(f), /NetworkPolicy\/cert-manager\/allow-scraping: opens TCP 10250 to Alloy in observability, but Alloy's pipeline scrapes nothing on it/);
  });
});

describeRendered("crosscheck: seeded reachability mismatches fail (prod)", () => {
  it("Grafana's Ingress when observability stops admitting the ingress namespace", async () => {
    const { run, idx } = await stack("prod");
    const f = await added("reachability", run, buildIndex(idx.objects.filter((o) => o.name !== "ns-observability-allow-from-ingress")));
    assert.strictEqual(f.length, 1, text(f));
    assert.match(text(f), /Ingress\/observability\/grafana: backend grafana: no client reaches Service observability\/grafana: Deployment\/ingress\/traefik -> Deployment\/observability\/grafana:3000 blocked by observability's ingress policies/);
  });

  it("the datasources and Alloy's exporters when observability's pods stop talking to each other", async () => {
    const { run, idx } = await stack("prod");
    const f = await added("reachability", run, buildIndex(idx.objects.filter((o) => o.name !== "ns-observability-allow-same-namespace")));
    const where = f.map((x) => x.object).sort();
    assert.ok(where.includes('Chart grafana values.datasources["datasources.yaml"].datasources[0].url'), text(f));
    assert.ok(where.includes("Chart alloy values.alloy.configMap.content"), text(f));
    assert.ok(f.every((x) => /blocked by observability's egress policies/.test(x.problem)), text(f));
  });
});
