// What Alloy scrapes, modelled from the platform's real pipeline (infra/observability/alloy.ts)
// over a small cluster, against the NetworkPolicies in both directions.
import * as assert from "assert";
import { alloyConfig } from "../../infra/observability/alloy";
import { buildIndex } from "../../models/crosscheck/cluster-index";
import { checkScraping, scrapers } from "../../models/crosscheck/scrape";
import { ClusterObject } from "../../models/objects";
import { chart, deployment, namespace, netpol, resource, runOf } from "./fixtures";

const config = alloyConfig({ lokiPushUrl: "http://loki", mimirRemoteWriteUrl: "http://mimir", tempoOtlpGrpc: "tempo:4317" }, false);
const run = (content: unknown = config) => runOf([
  chart("alloy", "alloy", "observability", { alloy: { configMap: { content } } }),
  resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.30.0.0/16" }),
]);
const nsSel = (n: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": n } } });
const scrapeAnnotations = (port: number) => ({ "prometheus.io/scrape": "true", "prometheus.io/port": String(port) });

function cluster(o: { annotate?: number; open?: number[]; toNodes?: boolean } = {}): ClusterObject[] {
  return [
    namespace("observability"),
    namespace("argocd", { "platform.io/scrape": "true" }),
    deployment("observability", "alloy", { labels: { "app.kubernetes.io/name": "alloy" }, chart: "alloy" }),
    deployment("observability", "kube-state-metrics", { labels: { "app.kubernetes.io/name": "kube-state-metrics" }, ports: [{ name: "http", containerPort: 8080 }] }),
    deployment("argocd", "server", { ports: [{ name: "http", containerPort: 8080 }, { name: "metrics", containerPort: 8083 }], annotations: o.annotate ? scrapeAnnotations(o.annotate) : {} }),
    netpol("observability", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    netpol("observability", "same-namespace", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] }),
    netpol("observability", "to-scrape", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "platform.io/scrape": "true" } } }] }] }),
    ...(o.toNodes === false ? [] : [netpol("observability", "to-nodes", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.30.0.0/16" } }], ports: [{ port: 10250 }] }] })]),
    netpol("argocd", "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
    netpol("argocd", "allow-scraping", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [nsSel("observability")], ports: (o.open ?? [8083]).map((port) => ({ port })) }] }),
  ];
}

describe("crosscheck: Alloy scraping and NetworkPolicies", () => {
  it("models what the platform's pipeline scrapes: kubelet, cAdvisor, exporters by port name, annotated pods on their port", () => {
    const idx = buildIndex(cluster({ annotate: 8083 }));
    const got = scrapers(run(), idx)[0].targets.map((t) => `${t.job} ${t.node ? "node" : t.pod!.what}:${t.port}`).sort();
    assert.deepStrictEqual(got, ["annotated Deployment/argocd/server:8083", "cadvisor node:10250", "exporters Deployment/observability/kube-state-metrics:8080", "kubelet node:10250"]);
  });
  it("passes when every scraped port is allowed and every opened port is scraped", () => {
    assert.deepStrictEqual(checkScraping(run(), buildIndex(cluster({ annotate: 8083 }))), []);
  });
  it("fails a port Alloy scrapes that the target namespace does not open", () => {
    assert.deepStrictEqual(checkScraping(run(), buildIndex(cluster({ annotate: 8080, open: [8080] }))), []);
    const g = checkScraping(run(), buildIndex(cluster({ annotate: 8080, open: [8083] })));
    assert.ok(g.some((x) => x.object === "Deployment/argocd/server" && /TCP 8080, which argocd's ingress policies \(default-deny, allow-scraping\) do not allow/.test(x.problem) && /metricsPorts/.test(x.fix)), JSON.stringify(g));
  });
  it("fails a port opened to Alloy that nothing marks for scraping, naming the pod to annotate", () => {
    const f = checkScraping(run(), buildIndex(cluster({ annotate: 8083, open: [8083, 9001] })));
    assert.strictEqual(f.length, 1);
    assert.match(`${f[0].object}: ${f[0].problem} ${f[0].fix}`, /NetworkPolicy\/argocd\/allow-scraping: opens TCP 9001 .* drop 9001/);
    const g = checkScraping(run(), buildIndex(cluster({})));
    assert.match(`${g[0].object}: ${g[0].problem} ${g[0].fix}`, /opens TCP 8083.*scrapes nothing on it.*mark Deployment\/argocd\/server for scraping on 8083/);
  });
  it("fails a scraped port the pod does not declare, and kubelet scraping without egress to the nodes", () => {
    const f = checkScraping(run(), buildIndex(cluster({ annotate: 9999, open: [9999] })));
    assert.ok(f.some((x) => x.object === "Deployment/argocd/server" && /TCP 9999, where it declares no listener/.test(x.problem)), JSON.stringify(f));
    const g = checkScraping(run(), buildIndex(cluster({ annotate: 8083, toNodes: false })));
    assert.ok(g.some((x) => x.object === "the nodes' kubelet" && /observability's egress/.test(x.problem)), JSON.stringify(g));
  });
  it("refuses an Alloy release whose pipeline it cannot read, and a stack with no VPC range for node addresses", () => {
    assert.throws(() => checkScraping(run(null), buildIndex(cluster())), /Chart alloy: values alloy\.configMap\.content is not set/);
    const noVpc = { ...run(), resources: run().resources.filter((r) => r.type !== "aws:ec2/vpc:Vpc") };
    assert.throws(() => checkScraping(noVpc, buildIndex(cluster())), /registers no aws:ec2\/vpc:Vpc with a cidrBlock/);
  });
});
