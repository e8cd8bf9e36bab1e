// The pods the flow tables talk about: namespace, pod labels and container ports as each
// pinned chart renders them by default (chart templates' selector labels), the EKS add-ons,
// and app teams' pods. With rendered charts, test/models/network.spec.ts checks every chart
// actor against the rendered pod templates, so this table cannot drift from the charts.
import type { PodRef, Protocol } from "./world";

const pod = (what: string, namespace: string, labels: Record<string, string>, ports: [string, number, Protocol?][]): PodRef =>
  ({ what, namespace, labels, ports: ports.map(([name, port, protocol]) => ({ name, port, protocol: protocol ?? "TCP" })) });
const name = (n: string, component?: string) => ({ "app.kubernetes.io/name": n, ...(component ? { "app.kubernetes.io/component": component } : {}) });

/** Pods of the platform, by the chart (or add-on) that makes them. */
export const ACTORS = {
  // EKS coredns add-on: label k8s-app=kube-dns.
  coredns: pod("coredns", "kube-system", { "k8s-app": "kube-dns" }, [["dns", 53, "UDP"], ["dns-tcp", 53, "TCP"], ["metrics", 9153]]),
  certManager: pod("cert-manager controller", "cert-manager", name("cert-manager", "controller"), [["http-metrics", 9402]]),
  certManagerWebhook: pod("cert-manager webhook", "cert-manager", name("webhook", "webhook"), [["https", 10250]]),
  loadBalancerController: pod("aws-load-balancer-controller", "aws-load-balancer", name("aws-load-balancer-controller"), [["webhook-server", 9443], ["metrics-server", 8080]]),
  traefik: pod("traefik", "ingress", name("traefik"), [["web", 8000], ["websecure", 8443], ["metrics", 9100]]),
  externalDns: pod("external-dns", "external-dns", name("external-dns"), [["http", 7979]]),
  argocdServer: pod("argocd-server", "argocd", name("argocd-server"), [["server", 8080], ["metrics", 8083]]),
  argocdRepoServer: pod("argocd-repo-server", "argocd", name("argocd-repo-server"), [["server", 8081], ["metrics", 8084]]),
  argocdController: pod("argocd-application-controller", "argocd", name("argocd-application-controller"), [["metrics", 8082]]),
  loki: pod("loki", "observability", name("loki", "single-binary"), [["http-metrics", 3100], ["grpc", 9095], ["http-memberlist", 7946]]),
  mimirDistributor: pod("mimir distributor", "observability", name("mimir", "distributor"), [["http-metrics", 8080], ["grpc", 9095], ["memberlist", 7946]]),
  mimirIngester: pod("mimir ingester", "observability", name("mimir", "ingester"), [["http-metrics", 8080], ["grpc", 9095], ["memberlist", 7946]]),
  mimirQueryFrontend: pod("mimir query-frontend", "observability", name("mimir", "query-frontend"), [["http-metrics", 8080], ["grpc", 9095]]),
  tempo: pod("tempo", "observability", name("tempo"), [["tempo-prom-metrics", 3200], ["otlp-grpc", 4317], ["otlp-http", 4318]]),
  grafana: pod("grafana", "observability", name("grafana"), [["grafana", 3000]]),
  alloy: pod("alloy", "observability", { ...name("alloy"), "app.kubernetes.io/instance": "alloy" }, [["http-metrics", 12345], ["otlp-grpc", 4317], ["otlp-http", 4318]]),
} as const;

export type Actors = Record<keyof typeof ACTORS, PodRef>;

/**
 * The actors as the charts render them: each chart actor takes the full labels of the one
 * rendered pod template its labels pick (chart policies often select on more labels, such as
 * app.kubernetes.io/instance). Problems (no match, several, a missing port) are returned, not
 * guessed around; actors of an unrendered chart or an EKS add-on stay as the table has them.
 */
export function resolveActors(pods: readonly PodRef[], unrendered: ReadonlySet<string>): { actors: Actors; problems: string[] } {
  const actors = { ...ACTORS } as Actors;
  const problems: string[] = [];
  for (const key of Object.keys(ACTORS) as (keyof typeof ACTORS)[]) {
    const actor = ACTORS[key];
    const chart = ACTOR_CHARTS[key];
    if (!chart || unrendered.has(chart)) continue;
    const hits = pods.filter((p) => p.namespace === actor.namespace && Object.entries(actor.labels).every(([k, v]) => p.labels[k] === v));
    if (hits.length !== 1) { problems.push(`${actor.what}: ${hits.length} rendered pod templates match ${JSON.stringify(actor.labels)} in ${actor.namespace}`); continue; }
    for (const port of actor.ports ?? []) {
      if (!hits[0].ports?.some((x) => x.port === port.port && x.protocol === port.protocol)) problems.push(`${actor.what}: ${hits[0].what} declares no ${port.protocol}/${port.port}`);
    }
    actors[key] = { ...actor, labels: hits[0].labels };
  }
  return { actors, problems };
}

/** An app team's pod: whatever labels the team picks, listening on its app port. */
export const teamPod = (team: string, appPort: number): PodRef => pod(`${team} app`, team, { app: `${team}-app` }, [["http", appPort]]);

/** Addresses outside the pod network (documentation and well-known public ranges). */
export const OUTSIDE = {
  internetClient: { ip: "198.51.100.7", what: "an internet client (NLB IP targets keep its address)" },
  awsApi: { ip: "52.94.76.10", what: "an AWS API endpoint (STS, Route 53, ELB, EC2, S3)" },
  letsEncrypt: { ip: "172.65.32.248", what: "Let's Encrypt's ACME API" },
  gitHost: { ip: "140.82.121.3", what: "the GitOps repository's host" },
  podIdentityAgent: { ip: "169.254.170.23", what: "the EKS Pod Identity agent" },
  publicResolver: { ip: "9.9.9.9", what: "a public DNS resolver no policy names" },
} as const;

/** The Chart resource that makes each actor (undefined: an EKS add-on), to check the table against its render. */
export const ACTOR_CHARTS: Record<keyof typeof ACTORS, string | undefined> = {
  coredns: undefined,
  certManager: "cert-manager", certManagerWebhook: "cert-manager",
  loadBalancerController: "aws-load-balancer-controller", traefik: "traefik", externalDns: "external-dns",
  argocdServer: "argocd", argocdRepoServer: "argocd", argocdController: "argocd",
  loki: "loki", mimirDistributor: "mimir", mimirIngester: "mimir", mimirQueryFrontend: "mimir",
  tempo: "tempo", grafana: "grafana", alloy: "alloy",
};
