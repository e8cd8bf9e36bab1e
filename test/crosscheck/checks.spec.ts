// Each cross-check on a small cluster: the wired-up case passes, and each seeded mismatch
// fails with a message naming the object at fault and the fix.
import * as assert from "assert";
import { ClusterIndex, buildIndex, worldOf } from "../../models/crosscheck/cluster-index";
import { checkIdentity } from "../../models/crosscheck/identity";
import { checkIngressBackends } from "../../models/crosscheck/ingress-backends";
import { checkPolicyListeners } from "../../models/crosscheck/netpol-listeners";
import { checkReachability } from "../../models/crosscheck/reachability";
import { checkUrls, findServiceRefs } from "../../models/crosscheck/urls";
import { refusal } from "../../models/network/admit";
import { Finding } from "../../models/crosscheck/finding";
import { ClusterObject } from "../../models/objects";
import { deployment, irsaTrust, k8s, namespace, netpol, resource, runOf, service, serviceAccount, chart } from "./fixtures";

const ARN = "arn:aws:iam::1:role/loki-1";
const one = (fs: Finding[], re: RegExp): Finding => {
  assert.strictEqual(fs.length, 1, `expected one finding, got:\n${fs.map((f) => `${f.object}: ${f.problem}`).join("\n")}`);
  assert.match(`${fs[0].object}: ${fs[0].problem} Fix: ${fs[0].fix}`, re);
  return fs[0];
};

describe("crosscheck: identity", () => {
  const objs = (sa = "loki", podSa = sa, annotation = ARN): ClusterObject[] => [
    serviceAccount("obs", sa, { "eks.amazonaws.com/role-arn": annotation }),
    deployment("obs", "loki", { sa: podSa }),
  ];
  const irsa = (ns = "obs", sa = "loki") => runOf([resource("aws:iam/role:Role", "loki", { assumeRolePolicy: irsaTrust(ns, sa) }, { arn: ARN })]);
  const pia = (sa: string) => runOf([resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "dns", { namespace: "obs", serviceAccount: sa })]);

  it("passes an IRSA role whose trust, annotation and pod agree", () => {
    assert.deepStrictEqual(checkIdentity(irsa(), buildIndex(objs())), []);
  });
  it("fails a trust that names a ServiceAccount the chart does not create", () => {
    const f = checkIdentity(irsa("obs", "lokii"), buildIndex(objs()));
    assert.ok(f.some((x) => /IAM role loki.*obs\/lokii, which nothing on the cluster creates.*Fix: .*serviceAccount\.name/.test(`${x.object}: ${x.problem} Fix: ${x.fix}`)));
    assert.ok(f.some((x) => x.object === "ServiceAccount/obs/loki" && /trust does not admit/.test(x.problem)), "the orphaned annotation is reported too");
  });
  it("fails a ServiceAccount no pod runs as", () => {
    one(checkIdentity(irsa(), buildIndex(objs("loki", "default"))), /no pod runs as it \(pods in obs run as: default\).*serviceAccountName/);
  });
  it("fails an IRSA ServiceAccount without the role's ARN, or with another", () => {
    const f = checkIdentity(irsa(), buildIndex(objs("loki", "loki", "arn:aws:iam::1:role/other")));
    assert.deepStrictEqual(f.map((x) => x.object), ["ServiceAccount/obs/loki", "ServiceAccount/obs/loki"]);
    assert.match(f[0].problem, /role-arn annotation is "arn:aws:iam::1:role\/other", not "arn:aws:iam::1:role\/loki-1"/);
    assert.match(f[1].problem, /a role this stack does not create/);
    one(checkIdentity(irsa(), buildIndex([serviceAccount("obs", "loki"), deployment("obs", "loki", { sa: "loki" })])), /annotation is missing/);
  });
  it("passes a Pod Identity association to a used ServiceAccount, fails a renamed one", () => {
    const idx = buildIndex([serviceAccount("obs", "dns"), deployment("obs", "dns", { sa: "dns" })]);
    assert.deepStrictEqual(checkIdentity(pia("dns"), idx), []);
    one(checkIdentity(pia("external-dns"), idx), /PodIdentityAssociation dns: names ServiceAccount obs\/external-dns.*ServiceAccounts in obs: dns/);
  });
});

describe("crosscheck: in-cluster URLs and ingress backends", () => {
  const cluster = [namespace("obs"), service("obs", "loki", { app: "loki" }, [{ name: "http", port: 3100 }]), service("obs", "grafana", { app: "grafana" }, [{ name: "http", port: 80, targetPort: 3000 }])];
  const idx = buildIndex(cluster);
  it("reads every form of in-cluster address, with the scheme's default port", () => {
    const ns = new Set(["obs"]);
    assert.deepStrictEqual(findServiceRefs("url: http://loki.obs.svc.cluster.local:3100/x", ns).map((r) => r.ref), [{ service: "loki", namespace: "obs", port: 3100 }]);
    assert.deepStrictEqual(findServiceRefs("https://kubernetes.default.svc", ns).map((r) => r.ref), [{ service: "kubernetes", namespace: "default", port: 443 }]);
    assert.deepStrictEqual(findServiceRefs("endpoint = \"loki.obs:3100\"", ns).map((r) => r.ref), [{ service: "loki", namespace: "obs", port: 3100 }]);
    assert.deepStrictEqual(findServiceRefs("s3.us-east-1.amazonaws.com:443 and sts.eu-west-1:443", ns), [], "not a namespace of this cluster");
  });
  it("passes values that name a Service and port it exposes; fails a wrong port and an unknown Service", () => {
    const run = (url: string) => runOf([chart("grafana", "grafana", "obs", { datasources: { "datasources.yaml": { datasources: [{ url }] } } })]);
    assert.deepStrictEqual(checkUrls(run("http://loki.obs.svc.cluster.local:3100"), idx), []);
    one(checkUrls(run("http://loki.obs.svc.cluster.local:3101"), idx), /Chart grafana values\.datasources\["datasources\.yaml"\]\.datasources\[0\]\.url: .*port 3101 of Service obs\/loki, which exposes only 3100 \(http\)/);
    one(checkUrls(run("http://lokii.obs.svc:3100"), idx), /names Service obs\/lokii.*Fix: use one of the Services in obs \(grafana, loki\)/);
  });
  it("reads the program's ConfigMaps and Secrets, not the charts' own", () => {
    const cm = (chartName?: string) => k8s("ConfigMap", "obs", "c", { data: { "config.yaml": "push: http://loki.obs.svc:9999" } }, chartName);
    one(checkUrls(runOf([]), buildIndex([...cluster, cm()])), /ConfigMap\/obs\/c\.data\["config\.yaml"\]/);
    assert.deepStrictEqual(checkUrls(runOf([]), buildIndex([...cluster, cm("loki")])), []);
  });
  it("holds Ingress backends to a Service port by number or name", () => {
    const ing = (port: object) => k8s("Ingress", "obs", "grafana", { spec: { rules: [{ http: { paths: [{ path: "/", backend: { service: { name: "grafana", port } } }] } }] } });
    assert.deepStrictEqual(checkIngressBackends(buildIndex([...cluster, ing({ number: 80 }), ing({ name: "http" })])), []);
    one(checkIngressBackends(buildIndex([...cluster, ing({ number: 3000 })])), /Ingress\/obs\/grafana: backend uses port 3000 of Service obs\/grafana, which exposes only 80 \(http\)/);
  });
});

describe("crosscheck: NetworkPolicy ports have listeners", () => {
  const pods = [
    deployment("argocd", "server", { labels: { app: "server" }, ports: [{ name: "metrics", containerPort: 8083 }] }),
    deployment("argocd", "repo", { labels: { app: "repo" } }),
    service("argocd", "repo", { app: "repo" }, [{ port: 8081, targetPort: 8084 }]),
  ];
  const ingress = (ports: object[], podSelector: object = {}) => netpol("argocd", "allow", { podSelector, policyTypes: ["Ingress"], ingress: [{ ports }] });
  it("counts container ports, named ports and Service targetPorts as listeners", () => {
    assert.deepStrictEqual(checkPolicyListeners(buildIndex([...pods, ingress([{ port: 8083 }, { port: "metrics" }, { port: 8084 }, { port: 8080, endPort: 8090 }])])), []);
  });
  it("fails a port where nothing listens, naming the policy and the fix", () => {
    one(checkPolicyListeners(buildIndex([...pods, ingress([{ port: 9001, protocol: "TCP" }])])), /NetworkPolicy\/argocd\/allow: opens ingress TCP 9001.*Fix: remove 9001/);
  });
  it("judges only the pods the policy selects, and the protocol", () => {
    one(checkPolicyListeners(buildIndex([...pods, ingress([{ port: 8083 }], { matchLabels: { app: "repo" } })])), /TCP 8083.*selected: Deployment\/argocd\/repo\)/);
    one(checkPolicyListeners(buildIndex([...pods, ingress([{ port: 8083, protocol: "UDP" }])])), /UDP 8083/);
  });
  it("checks egress ports against the pods the peers select, and skips namespaces with no known workload", () => {
    const egress = (port: number) => netpol("ingress", "to-argocd", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "argocd" } } }], ports: [{ port }] }] });
    const traefik = deployment("ingress", "traefik", { ports: [{ containerPort: 8000 }] });
    assert.deepStrictEqual(checkPolicyListeners(buildIndex([...pods, traefik, egress(8083)])), []);
    one(checkPolicyListeners(buildIndex([...pods, traefik, egress(8080)])), /NetworkPolicy\/ingress\/to-argocd: opens egress TCP 8080/);
    assert.deepStrictEqual(checkPolicyListeners(buildIndex([netpol("team-a", "allow", { podSelector: {}, ingress: [{ ports: [{ port: 8080 }] }] })])), []);
  });
});

describe("crosscheck: NetworkPolicy evaluation (models/network/admit.ts)", () => {
  const web = deployment("web", "web", { ports: [{ name: "http", containerPort: 8080 }] });
  const client = (hostNetwork?: boolean) => deployment("app", "client", { hostNetwork });
  const run = runOf([resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.30.0.0/16" })]);
  const idxWith = (...policies: ClusterObject[]) => buildIndex([namespace("web", { tier: "front" }), namespace("app"), web, client(), ...policies]);
  const pod = (idx: ClusterIndex, what: string) => idx.pods.find((p) => p.what === what)!;
  const blocked = (idx: ClusterIndex, port = 8080) => refusal(worldOf(run, idx), { pod: pod(idx, "Deployment/app/client") }, { pod: pod(idx, "Deployment/web/web") }, port);
  const fromNodes = (idx: ClusterIndex) => refusal(worldOf(run, idx), { nodes: true }, { pod: pod(idx, "Deployment/web/web") }, 8080);
  const fromApp = netpol("web", "from-app", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "app" } } }], ports: [{ port: "http" }] }] });

  it("lets everything through where no policy selects the pods", () => {
    assert.strictEqual(blocked(idxWith()), undefined);
  });
  it("isolates for egress when policyTypes is unset (or empty) but the spec has egress rules", () => {
    const f = blocked(idxWith(netpol("app", "only-dns", { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] })));
    assert.deepStrictEqual(f, { side: "egress", policies: ["only-dns"] });
    assert.deepStrictEqual(blocked(idxWith(netpol("app", "only-dns", { podSelector: {}, policyTypes: [], egress: [{ ports: [{ port: 53, protocol: "UDP" }] }] }))), { side: "egress", policies: ["only-dns"] });
  });
  it("admits by namespace labels and a named port, and refuses another port", () => {
    assert.strictEqual(blocked(idxWith(fromApp)), undefined);
    assert.deepStrictEqual(blocked(idxWith(fromApp), 9090), { side: "ingress", policies: ["from-app"] });
  });
  it("counts an ipBlock as admitting pods (VPC CNI: pods have VPC addresses), but nodes only if it covers every VPC address, less its exceptions", () => {
    const block = (cidr: string, except?: string[]) => netpol("web", "from-vpc", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr, except } }] }] });
    assert.strictEqual(blocked(idxWith(block("10.0.0.0/8"))), undefined);
    assert.deepStrictEqual(blocked(idxWith(block("192.168.0.0/16"))), { side: "ingress", policies: ["from-vpc"] });
    assert.strictEqual(fromNodes(idxWith(block("10.0.0.0/8"))), undefined);
    assert.deepStrictEqual(fromNodes(idxWith(block("10.0.0.0/8", ["10.30.0.0/24"]))), { side: "ingress", policies: ["from-vpc"] });
    assert.deepStrictEqual(fromNodes(idxWith(block("10.30.0.0/17"))), { side: "ingress", policies: ["from-vpc"] }, "half the VPC is not every node");
  });
  it("sees a host-network pod as a node address: no egress policy of its own, and no namespaceSelector admits it", () => {
    const idx = buildIndex([namespace("web"), namespace("app"), web, client(true), fromApp, netpol("app", "deny", { podSelector: {}, policyTypes: ["Egress"] })]);
    assert.deepStrictEqual(blocked(idx), { side: "ingress", policies: ["from-app"] });
  });
});

describe("crosscheck: reachability of a URL through its Service's ClusterIP", () => {
  const run = runOf([resource("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.30.0.0/16" }), chart("grafana", "grafana", "obs", { url: "http://loki.obs.svc:3100" })]);
  const objs = (podSelector: object) => buildIndex([
    namespace("obs"),
    deployment("obs", "grafana", { chart: "grafana" }),
    deployment("obs", "loki", { labels: { app: "loki", tier: "logs" }, ports: [{ name: "http", containerPort: 3100 }] }),
    service("obs", "loki", { app: "loki" }, [{ port: 3100, targetPort: "http" }]),
    netpol("obs", "to-logs", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ podSelector }], ports: [{ port: 3100 }] }] }),
  ]);
  it("admits a peer whose podSelector matches the Service's selector, through the named targetPort", () => {
    assert.deepStrictEqual(checkReachability(run, objs({ matchLabels: { app: "loki" } })), []);
  });
  it("refuses a peer that selects the pod by a label the Service's selector lacks (the agent sees the ClusterIP)", () => {
    one(checkReachability(run, objs({ matchLabels: { tier: "logs" } })), /Chart grafana values\.url: "http:\/\/loki\.obs\.svc:3100": no client reaches Service obs\/loki: Deployment\/obs\/grafana -> Deployment\/obs\/loki:3100 blocked by obs's egress policies \(to-logs\)/);
  });
});
