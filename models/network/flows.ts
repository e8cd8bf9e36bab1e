// The platform's network contract as tables: flows that must get through (each one a thing
// the platform needs to work) and flows that must not (each one a boundary it promises).
// Issue 9 lists both; test/models/network.spec.ts asserts each row on every stack.
import { ACTORS, Actors, OUTSIDE, teamPod } from "./actors";
import type { Flow, Source, Target } from "./evaluate";
import type { PodRef, Protocol, World } from "./world";

export interface TeamInfo { name: string; appPort: number }

const platformPodsOf = (A: Actors): PodRef[] => Object.values(A).filter((p) => p.namespace !== "kube-system");
const podPorts = (p: PodRef) => (p.ports ?? []).map((x) => x.port);
const f = (name: string, from: Source, to: Target): Flow => ({ name, from, to });
const toPod = (pod: PodRef, port: number, protocol?: Protocol): Target => ({ pod, port, protocol });
const out = (o: { ip: string; what: string }, port: number, protocol?: Protocol): Target => ({ ...o, port, protocol });
const dns = (A: Actors) => (p: PodRef): Flow[] => (["UDP", "TCP"] as const).map((protocol) =>
  f(`${p.what} -> kube-dns ${protocol}/53`, { pod: p }, { service: "kube-system/kube-dns", port: 53, protocol, backend: A.coredns }));

/**
 * The flows the platform needs. API clients: controllers, Traefik's providers, Argo CD, Alloy's
 * discovery. Pod Identity: the components not on IRSA. AWS clients: STS, Route 53, ELB/EC2, S3.
 * Alloy scrapes every metrics port the platform opens to it. `A`: the pods (with rendered
 * charts, as rendered: see resolveActors).
 */
export function requiredFlows(world: World, teams: readonly TeamInfo[], A: Actors = ACTORS): Flow[] {
  const API_CLIENTS = [A.certManager, A.certManagerWebhook, A.loadBalancerController, A.traefik, A.externalDns, A.argocdServer, A.argocdController, A.alloy];
  const POD_IDENTITY = [A.certManager, A.loadBalancerController, A.externalDns];
  const AWS_CLIENTS = [A.certManager, A.loadBalancerController, A.externalDns, A.loki, A.mimirIngester, A.tempo];
  const SCRAPED: [PodRef, number][] = [[A.traefik, 9100], [A.certManager, 9402], [A.loadBalancerController, 8080], [A.externalDns, 7979], [A.argocdController, 8082], [A.argocdServer, 8083], [A.argocdRepoServer, 8084]];
  const platformPods = platformPodsOf(A);
  const cp = { ip: world.controlPlaneIp, what: "the EKS control plane" };
  const node = { ip: world.nodeIp, what: "a node" };
  const tps = teams.map((t) => teamPod(t.name, t.appPort));
  return [
    ...API_CLIENTS.map((p) => f(`${p.what} -> API server (Service IP)`, { pod: p }, { service: "default/kubernetes", port: 443 })),
    ...[...platformPods, ...tps].flatMap(dns(A)),
    f("control plane -> cert-manager webhook", cp, toPod(A.certManagerWebhook, 10250)),
    f("control plane -> load balancer controller webhook", cp, toPod(A.loadBalancerController, 9443)),
    ...[...POD_IDENTITY, ...tps].map((p) => f(`${p.what} -> Pod Identity agent`, { pod: p }, out(OUTSIDE.podIdentityAgent, 80))),
    ...AWS_CLIENTS.map((p) => f(`${p.what} -> AWS APIs`, { pod: p }, out(OUTSIDE.awsApi, 443))),
    f("cert-manager -> ACME", { pod: A.certManager }, out(OUTSIDE.letsEncrypt, 443)),
    f("cert-manager -> public resolver (DNS-01 check)", { pod: A.certManager }, out({ ip: "1.1.1.1", what: "1.1.1.1" }, 53, "UDP")),
    f("argocd-repo-server -> git over HTTPS", { pod: A.argocdRepoServer }, out(OUTSIDE.gitHost, 443)),
    f("argocd-repo-server -> git over SSH", { pod: A.argocdRepoServer }, out(OUTSIDE.gitHost, 22)),
    f("internet -> traefik web", OUTSIDE.internetClient, toPod(A.traefik, 8000)),
    f("internet -> traefik websecure", OUTSIDE.internetClient, toPod(A.traefik, 8443)),
    f("traefik -> argocd-server", { pod: A.traefik }, toPod(A.argocdServer, 8080)),
    f("traefik -> grafana", { pod: A.traefik }, toPod(A.grafana, 3000)),
    ...tps.map((t) => f(`traefik -> ${t.what}`, { pod: A.traefik }, toPod(t, podPorts(t)[0]))),
    f("alloy -> loki push", { pod: A.alloy }, toPod(A.loki, 3100)),
    f("alloy -> mimir remote write", { pod: A.alloy }, toPod(A.mimirDistributor, 8080)),
    f("alloy -> tempo OTLP", { pod: A.alloy }, toPod(A.tempo, 4317)),
    f("grafana -> loki", { pod: A.grafana }, toPod(A.loki, 3100)),
    f("grafana -> mimir query-frontend", { pod: A.grafana }, toPod(A.mimirQueryFrontend, 8080)),
    f("grafana -> tempo", { pod: A.grafana }, toPod(A.tempo, 3200)),
    f("loki memberlist", { pod: A.loki }, toPod(A.loki, 7946)),
    f("loki gRPC", { pod: A.loki }, toPod(A.loki, 9095)),
    f("mimir distributor -> ingester gRPC", { pod: A.mimirDistributor }, toPod(A.mimirIngester, 9095)),
    f("mimir memberlist", { pod: A.mimirIngester }, toPod(A.mimirDistributor, 7946)),
    ...SCRAPED.map(([p, port]) => f(`alloy scrapes ${p.what}`, { pod: A.alloy }, toPod(p, port))),
    ...tps.map((t) => f(`alloy scrapes ${t.what}`, { pod: A.alloy }, toPod(t, podPorts(t)[0]))),
    f("alloy -> kubelet", { pod: A.alloy }, out(node, 10250)),
    f("alloy -> node-exporter (host network)", { pod: A.alloy }, out(node, 9100)),
    ...tps.flatMap((t) => [4317, 4318].map((port) => f(`${t.what} -> alloy OTLP ${port}`, { pod: t }, toPod(A.alloy, port)))),
  ];
}

const OTLP = new Set([4317, 4318]);

export function forbiddenFlows(teams: readonly TeamInfo[], A: Actors = ACTORS): Flow[] {
  const platformPods = platformPodsOf(A);
  const tps = teams.map((t) => teamPod(t.name, t.appPort));
  const flows: Flow[] = [];
  for (const t of tps) {
    // A team reaches no other team, and no platform pod but Alloy's OTLP receivers (webhooks included).
    for (const other of tps.filter((x) => x !== t)) flows.push(f(`${t.what} -> ${other.what}`, { pod: t }, toPod(other, podPorts(other)[0])));
    for (const p of platformPods) {
      for (const port of podPorts(p).filter((x) => !(p === A.alloy && OTLP.has(x)))) flows.push(f(`${t.what} -> ${p.what}:${port}`, { pod: t }, toPod(p, port)));
    }
    // Only the ingress controller (and Alloy, scraping /metrics) reaches a team's app port.
    flows.push(f(`internet -> ${t.what}`, OUTSIDE.internetClient, toPod(t, podPorts(t)[0])));
    for (const p of platformPods.filter((x) => x !== A.traefik && x !== A.alloy)) flows.push(f(`${p.what} -> ${t.what}`, { pod: p }, toPod(t, podPorts(t)[0])));
  }
  // Argo CD's server and Grafana only through the ingress.
  for (const [target, port] of [[A.argocdServer, 8080], [A.grafana, 3000]] as const) {
    flows.push(f(`internet -> ${target.what}`, OUTSIDE.internetClient, toPod(target, port)));
    for (const p of platformPods.filter((x) => x.namespace !== target.namespace && x !== A.traefik)) flows.push(f(`${p.what} -> ${target.what}`, { pod: p }, toPod(target, port)));
  }
  // DNS goes to kube-dns only (cert-manager's two resolvers for DNS-01 checks are named, not 0.0.0.0/0).
  for (const p of [...platformPods, ...tps]) {
    for (const protocol of ["UDP", "TCP"] as const) flows.push(f(`${p.what} -> ${OUTSIDE.publicResolver.ip} ${protocol}/53`, { pod: p }, out(OUTSIDE.publicResolver, 53, protocol)));
  }
  return flows;
}
