// The network model over every stack: required flows get through, forbidden ones do not, and
// a team namespace's peers are exactly its contract. Semantics: models/network/evaluate.ts.
import assert from "node:assert/strict";
import { ClusterObject } from "../../models/objects";
import { ACTORS, Actors, resolveActors, teamPod } from "../../models/network/actors";
import { podsOf } from "../../models/network/pods";
import { matches } from "../../models/network/selectors";
import { evaluate } from "../../models/network/evaluate";
import type { TeamInfo } from "../../models/network/flows";
import { PLATFORM_PODS, blockedFlows, leakedFlows, strayDnsPeers, teamContract, teamPeers } from "../../models/network/index";
import { World, buildWorld } from "../../models/network/world";
import { ENVS, describeRendered, renderedStack } from "../support";
import { secondTenant, stackModel } from "./support";

interface Net { world: World; teams: TeamInfo[]; actors: Actors; problems: string[] }
const unmutated = new Map<string, Promise<Net>>();

/** The stack's objects plus a second tenant cloned from the first, so team-to-team flows exist; `mutate` edits a copy. */
function netOf(env: string, mutate?: (objects: ClusterObject[]) => void): Promise<Net> {
  if (mutate) return build(env, mutate);
  if (!unmutated.has(env)) unmutated.set(env, build(env));
  return unmutated.get(env)!;
}

async function build(env: string, mutate?: (objects: ClusterObject[]) => void): Promise<Net> {
  const m = await stackModel(env);
  const first = m.teams[0];
  const other = { name: `${first.name}-b`, appPort: first.appPort };
  let objects = [...m.objects, ...secondTenant(m.objects, first.name, other.name)];
  if (mutate) {
    objects = JSON.parse(JSON.stringify(objects));
    mutate(objects);
  }
  // With rendered charts, the flow tables' pods carry their rendered labels (chart policies select on them).
  const unrendered = new Set(m.rendered ? (await renderedStack(env)).charts.filter((c) => c.status !== "rendered").map((c) => c.spec.name) : []);
  const { actors, problems } = m.rendered ? resolveActors(podsOf(objects), unrendered) : { actors: ACTORS as Actors, problems: [] };
  return { world: buildWorld(objects, m.net), teams: [...m.teams, other], actors, problems };
}

const lines = (vs: { detail: string }[]) => vs.map((v) => `  ${v.detail}`).join("\n");

describe("models: network flows as the EKS network policy agent enforces them", () => {
  for (const env of ENVS) {
    describe(env, () => {
      it("allows every required flow (API server through its Service IP, DNS, webhooks, credentials, AWS, ingress, telemetry)", async () => {
        const { world, teams, actors } = await netOf(env);
        const blocked = blockedFlows(world, teams, actors);
        assert.equal(blocked.length, 0, `required flows denied:\n${lines(blocked)}`);
      });

      it("denies every forbidden flow (team to team, team to platform, into team apps, to Argo CD and Grafana, stray DNS)", async () => {
        const { world, teams, actors } = await netOf(env);
        const leaked = leakedFlows(world, teams, actors);
        assert.equal(leaked.length, 0, `forbidden flows allowed:\n${lines(leaked)}`);
      });

      it("a team namespace receives and sends only what its contract lists (every peer and port)", async () => {
        const m = await stackModel(env);
        const { world } = await netOf(env);
        for (const t of m.teams) {
          const publicHttps = m.objects.some((o) => o.kind === "NetworkPolicy" && o.object.metadata.namespace === t.name && o.object.metadata.name === "allow-public-https");
          assert.deepEqual(teamPeers(world, t), teamContract(t, publicHttps), `team ${t.name}`);
        }
      });

      it("sends DNS only to kube-dns (and cert-manager's two named resolvers)", async () => {
        const { world, teams } = await netOf(env);
        const pods = [...PLATFORM_PODS, ...teams.map((t) => teamPod(t.name, t.appPort))];
        assert.deepEqual(strayDnsPeers(world, pods), []);
      });
    });
  }
});

const findPolicy = (objects: ClusterObject[], ns: string, name: string) => {
  const p = objects.find((o) => o.kind === "NetworkPolicy" && o.object.metadata.namespace === ns && o.object.metadata.name === name);
  if (!p) throw new Error(`no NetworkPolicy ${ns}/${name}`);
  return p.object;
};
const netpol = (ns: string, name: string, spec: object): ClusterObject => ({
  urn: `urn:test::NetworkPolicy::${ns}-${name}`, type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name, source: { kind: "program" },
  apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", object: { metadata: { name, namespace: ns }, spec }, dependsOn: [], parent: "",
});
const names = (vs: { detail: string }[]) => vs.map((v) => v.detail.slice(0, v.detail.indexOf(": egress")));

describe("models: network flows catch seeded defects (dev, mutated copies)", () => {
  let team: string;
  before(async () => { team = (await stackModel("dev")).teams[0].name; });

  it("issue 12 #4: allow-dns egress to 0.0.0.0/0", async () => {
    const { world, teams } = await netOf("dev", (objs) => { findPolicy(objs, team, "allow-dns").spec.egress[0].to = [{ ipBlock: { cidr: "0.0.0.0/0" } }]; });
    assert.ok(names(leakedFlows(world, teams)).includes(`${team} app -> 9.9.9.9 UDP/53`));
    assert.ok(strayDnsPeers(world, [teamPod(team, teams[0].appPort)]).some((s) => s.includes("ip(0.0.0.0/0) on TCP/53 UDP/53")));
  });

  it("issue 12 #5: team egress to every namespace on the OTLP ports", async () => {
    const { world, teams } = await netOf("dev", (objs) => { findPolicy(objs, team, "allow-to-observability").spec.egress[0].to = [{ namespaceSelector: {} }]; });
    assert.notDeepEqual(teamPeers(world, teams[0]).egress, teamContract(teams[0], false).egress);
  });

  it("issue 12 #6: a team namespace admitting the internet on its app port", async () => {
    const { appPort } = (await stackModel("dev")).teams[0];
    const { world, teams } = await netOf("dev", (objs) => objs.push(netpol(team, "allow-internet", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: appPort, protocol: "TCP" }] }] })));
    assert.ok(names(leakedFlows(world, teams)).includes(`internet -> ${team} app`));
    assert.notDeepEqual(teamPeers(world, teams[0]).ingress, teamContract(teams[0], false).ingress);
  });

  it("issue 9 #1: allow-api-server to the VPC range only (the Service IP is not in it)", async () => {
    const { vpcCidr } = (await stackModel("dev")).net;
    const { world, teams } = await netOf("dev", (objs) => { findPolicy(objs, "cert-manager", "allow-api-server").spec.egress[0].to = [{ ipBlock: { cidr: vpcCidr } }]; });
    assert.ok(names(blockedFlows(world, teams)).includes("cert-manager controller -> API server (Service IP)"));
  });

  it("a team admitting another team, and a team reaching the platform's webhooks", async () => {
    const { world, teams } = await netOf("dev", (objs) => {
      objs.push(netpol(`${team}-b`, "allow-from-peer", { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": team } } }] }] }));
      objs.push(netpol(team, "allow-to-all", { podSelector: {}, policyTypes: ["Egress"], egress: [{ to: [{ namespaceSelector: {} }] }] }));
    });
    const leaked = names(leakedFlows(world, teams));
    assert.ok(leaked.includes(`${team} app -> ${team}-b app`), leaked.join("\n"));
    // The webhook admits the VPC range for the control plane; pods have VPC addresses, so only the team's egress stops this.
    assert.ok(leaked.includes(`${team} app -> cert-manager webhook:10250`), leaked.join("\n"));
  });

  it("Argo CD's server opened to every namespace", async () => {
    const { world, teams } = await netOf("dev", (objs) => objs.push(netpol("argocd", "open-server", { podSelector: { matchLabels: { "app.kubernetes.io/name": "argocd-server" } }, ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080, protocol: "TCP" }] }] })));
    const leaked = names(leakedFlows(world, teams));
    // Observability's egress reaches every scraped namespace on any port; argocd's ingress was the only guard.
    assert.ok(leaked.includes("grafana -> argocd-server") && leaked.includes("alloy -> argocd-server"), leaked.join("\n"));
  });
});

describe("models: network policy semantics (EKS network policy agent)", () => {
  const net = { vpcCidr: "10.10.0.0/16", serviceCidr: "172.20.0.0/16" };
  const ns = (name: string): ClusterObject => ({ urn: `urn:test::Namespace::${name}`, type: "kubernetes:core/v1:Namespace", name, source: { kind: "program" }, apiVersion: "v1", kind: "Namespace", object: { metadata: { name } }, dependsOn: [], parent: "" });
  const a = { what: "a", namespace: "a", labels: { app: "a" }, ports: [{ name: "http", port: 8080, protocol: "TCP" as const }] };
  const b = { what: "b", namespace: "b", labels: { app: "b" }, ports: [{ name: "http", port: 8080, protocol: "TCP" as const }] };
  const deny = (n: string) => netpol(n, "default-deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  const egress = (n: string, name: string, to: object[], ports?: object[]) => netpol(n, name, { podSelector: {}, policyTypes: ["Egress"], egress: [{ to, ...(ports ? { ports } : {}) }] });
  const world = (...objs: ClusterObject[]) => buildWorld([ns("a"), ns("b"), ...objs], net);
  const api = { name: "a -> API", from: { pod: a }, to: { service: "default/kubernetes", port: 443 } } as const;

  it("an ipBlock on the VPC range does not reach the kubernetes Service IP; one on the Service range does", () => {
    assert.equal(evaluate(world(deny("a"), egress("a", "vpc", [{ ipBlock: { cidr: net.vpcCidr } }], [{ port: 443, protocol: "TCP" }])), api).allowed, false);
    assert.equal(evaluate(world(deny("a"), egress("a", "svc", [{ ipBlock: { cidr: "172.20.0.1/32" } }], [{ port: 443, protocol: "TCP" }])), api).allowed, true);
  });

  it("a selector peer reaches a Service IP only when its podSelector matches the Service's selector", () => {
    const dnsFlow = { name: "a -> dns", from: { pod: a }, to: { service: "kube-system/kube-dns", port: 53, protocol: "UDP" as const, backend: { what: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" }, ports: [{ port: 53, protocol: "UDP" as const }] } } };
    const kubeSystem = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } };
    assert.equal(evaluate(world(deny("a"), egress("a", "dns", [{ ...kubeSystem, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], [{ port: 53, protocol: "UDP" }])), dnsFlow).allowed, true);
    assert.equal(evaluate(world(deny("a"), egress("a", "dns", [{ ...kubeSystem, podSelector: { matchLabels: { "k8s-app": "other" } } }], [{ port: 53, protocol: "UDP" }])), dnsFlow).allowed, false);
    // No selector on default/kubernetes: a namespace selector for "default" with a pod selector never reaches it.
    const defaultNs = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "default" } }, podSelector: { matchLabels: { x: "y" } } };
    assert.equal(evaluate(world(deny("a"), egress("a", "def", [defaultNs])), api).allowed, false);
  });

  it("maps a rule port to the Service port serving it, through a named targetPort on the backend (getMatchingServicePort)", () => {
    const svc: ClusterObject = { ...ns("web"), urn: "urn:test::Service::web", type: "kubernetes:core/v1:Service", kind: "Service", object: { metadata: { name: "web", namespace: "b" }, spec: { selector: { app: "b" }, ports: [{ name: "web", port: 80, targetPort: "http" }] } } };
    const flow = { name: "a -> b via Service", from: { pod: a }, to: { service: "b/web", port: 80, backend: b } } as const;
    const toB = (port: number | string) => egress("a", "to-b", [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }], [{ port, protocol: "TCP" }]);
    assert.equal(evaluate(world(svc, deny("a"), toB(8080)), flow).allowed, true, "8080 is the backend's http port, which Service port 80 serves");
    assert.equal(evaluate(world(svc, deny("a"), toB("http")), flow).allowed, true);
    assert.equal(evaluate(world(svc, deny("a"), toB(9090)), flow).allowed, false);
    assert.equal(evaluate(world(svc, deny("a"), toB("web")), flow).allowed, false, "the Service port's own name is not a target port");
  });

  it("isolates only selected pods, and policies add up", () => {
    const flow = { name: "a -> b", from: { pod: a }, to: { pod: b, port: 8080 } };
    assert.equal(evaluate(world(), flow).allowed, true);
    assert.equal(evaluate(world(deny("b")), flow).allowed, false);
    const fromA = netpol("b", "from-a", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "a" } } }], ports: [{ port: "http", protocol: "TCP" }] }] });
    assert.equal(evaluate(world(deny("b"), fromA), flow).allowed, true);
    assert.equal(evaluate(world(deny("b"), fromA, deny("a")), flow).allowed, false);
  });

  it("drops named ports on ipBlock peers (a rule of only named ports allows nothing there)", () => {
    const flow = { name: "a -> b", from: { pod: a }, to: { pod: b, port: 8080 } };
    const named = netpol("b", "vpc-named", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: net.vpcCidr } }], ports: [{ port: "http", protocol: "TCP" }] }] });
    assert.equal(evaluate(world(deny("b"), named), flow).allowed, false);
    const numbered = netpol("b", "vpc-8080", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: net.vpcCidr } }], ports: [{ port: 8080, protocol: "TCP" }] }] });
    assert.equal(evaluate(world(deny("b"), numbered), flow).allowed, true); // pods have VPC addresses
  });

  it("lets the node's kubelet probe a pod whatever the policies say", () => {
    assert.equal(evaluate(world(deny("b")), { name: "probe", from: { kubelet: true }, to: { pod: b, port: 8080 } }).allowed, true);
    assert.equal(evaluate(world(deny("b")), { name: "node", from: { ip: "10.10.16.5", what: "a node" }, to: { pod: b, port: 8080 } }).allowed, false);
  });
});

describeRendered("models: network flows against the rendered charts", () => {
  for (const env of ENVS) {
    describe(env, () => {
      it("every chart pod the flow tables name is rendered with those labels and ports", async () => {
        assert.deepEqual((await netOf(env)).problems, []);
      });

      it("the control plane reaches every admission webhook the charts register, on its Service's target port", async () => {
        const m = await stackModel(env);
        const pods = podsOf(m.objects);
        const hooks = m.objects.filter((o) => o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration")
          .flatMap((o) => (o.object.webhooks ?? []).map((w: any) => ({ config: o.object.metadata.name, svc: w.clientConfig?.service })))
          .filter((h) => h.svc);
        assert.ok(hooks.length >= 2, "expected the cert-manager and load balancer controller webhooks");
        const blocked: string[] = [];
        for (const h of hooks) {
          const ref = `${h.svc.namespace}/${h.svc.name}`;
          const svc = m.world.services.find((s) => `${s.namespace}/${s.name}` === ref);
          if (!svc?.selector) { blocked.push(`${h.config}: Service ${ref} not rendered or has no selector`); continue; }
          const backends = pods.filter((p) => p.namespace === svc.namespace && matches({ matchLabels: svc.selector }, p.labels));
          if (!backends.length) blocked.push(`${h.config}: no pod behind ${ref}`);
          for (const backend of backends) {
            const v = evaluate(m.world, { name: `control plane -> ${h.config} (${ref})`, from: { ip: m.world.controlPlaneIp, what: "control plane" }, to: { service: ref, port: Number(h.svc.port ?? 443), backend } });
            if (!v.allowed) blocked.push(v.detail);
          }
        }
        assert.deepEqual([...new Set(blocked)], []);
      });
    });
  }
});
