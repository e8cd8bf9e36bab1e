// Platform services (issue 3): secure namespaces, cert-manager, ingress, external-dns,
// Argo CD, and the LGTM observability stack. Composed from platform.ts.
//
// Ordering: components that do not need each other install in parallel (each only waits
// for its namespace and the nodes). Hard edges: ClusterIssuers/AppProjects/Applications wait
// for their charts (CRDs, webhooks); the load balancer controller waits for cert-manager (its
// webhook certificate); Traefik waits for the controller, so on destroy Traefik's
// LoadBalancer Service goes first and the controller deletes the NLB before it goes itself.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Alloy, ClusterExporters, OTLP_PORTS } from "../observability/alloy";
import { AdminCredentials } from "./admin-credentials";
import { ArgoCd } from "./argocd";
import { CLUSTER_ISSUERS, CertManager } from "./cert-manager";
import { EksCluster } from "../core/cluster";
import { PlatformConfig } from "../config";
import { ExternalDns } from "./external-dns";
import { Grafana } from "../observability/grafana";
import { LoadBalancerController, Traefik } from "./ingress";
import { Loki } from "../observability/loki";
import { Mimir } from "../observability/mimir";
import { SCRAPE_LABEL, SecureNamespace, SecureNamespaceArgs, TENANT_LABEL } from "./namespace";
import { Network } from "../core/network";
import { Tempo } from "../observability/tempo";
import { sizing } from "../workload";

export interface ServicesContext {
  cfg: PlatformConfig;
  cluster: EksCluster;
  network: Network;
  awsProvider: aws.Provider;
  k8sProvider: k8s.Provider;
  /** Nodes and core addons: charts need somewhere to run. */
  dependsOn: pulumi.Resource[];
}

/** The platform's namespaces. */
export const NAMESPACES = {
  certManager: "cert-manager",
  loadBalancer: "aws-load-balancer",
  ingress: "ingress",
  externalDns: "external-dns",
  argocd: "argocd",
  observability: "observability",
} as const;

/**
 * node-exporter reads the host's network, PID namespace and root filesystem (hostNetwork,
 * hostPID, hostPath), which the restricted and baseline profiles forbid. It runs in
 * kube-system next to the other node agents (aws-node, kube-proxy, ebs-csi-node), the one
 * namespace EKS runs privileged; no platform namespace is relaxed for it.
 */
export const NODE_EXPORTER_NAMESPACE = "kube-system";

const PUBLIC_DNS = ["1.1.1.1/32", "8.8.8.8/32"];

export interface PlatformServices {
  outputs: Record<string, unknown>;
  /** Argo CD's chart: AppProjects (teams') wait for its CRDs. */
  argocdChart: k8s.helm.v4.Chart;
}

export function platformServices(ctx: ServicesContext): PlatformServices {
  const { cfg, cluster } = ctx;
  const s = sizing(cfg.environment);
  const provider = ctx.k8sProvider;
  const withAws = { providers: [ctx.awsProvider, provider] };
  const N = NAMESPACES;
  const domain = cfg.dns.domain;
  const issuer = CLUSTER_ISSUERS.prod;
  const q = (cpu: number, memGi: number, pods: number, extra: Partial<SecureNamespaceArgs["quota"]> = {}) => ({
    requestsCpu: String(cpu * s.scale),
    requestsMemory: `${memGi * s.scale}Gi`,
    limitsMemory: `${memGi * 2 * s.scale}Gi`,
    pods: pods * s.scale,
    ...extra,
  });

  const ns = (key: keyof typeof NAMESPACES, args: Omit<SecureNamespaceArgs, "name" | "vpcCidr" | "scraperNamespace" | "provider" | "dependsOn">) =>
    new SecureNamespace(`ns-${N[key]}`, { name: N[key], vpcCidr: cfg.vpcCidr, scraperNamespace: N.observability, provider, dependsOn: ctx.dependsOn, ...args });
  const aws443 = (what: string) => `HTTPS to ${what} (public endpoints; S3 goes through the VPC gateway endpoint).`;

  const namespaces = {
    certManager: ns("certManager", {
      podSecurity: "restricted",
      allow: {
        apiServer: true, podIdentityAgent: true, webhookPorts: [10250], metricsPorts: [9402],
        publicHttps: aws443("Route53 and STS, and Let's Encrypt's ACME API"),
        egressTo: PUBLIC_DNS.map((cidr, i) => ({ name: `public-dns-${i}`, cidr, ports: [{ port: 53, protocol: "UDP" as const }, { port: 53 }], reason: "DNS-01 propagation checks against public resolvers." })),
      },
      quota: q(1, 1, 10),
    }),
    loadBalancer: ns("loadBalancer", {
      podSecurity: "restricted",
      allow: { apiServer: true, podIdentityAgent: true, webhookPorts: [9443], metricsPorts: [8080], publicHttps: aws443("the ELB, EC2 and STS APIs") },
      quota: q(1, 1, 6),
    }),
    ingress: ns("ingress", {
      podSecurity: "restricted",
      allow: {
        apiServer: true, metricsPorts: [9100],
        fromInternet: [{ port: 8000 }, { port: 8443 }],
        toNamespaces: [
          { namespace: N.argocd, ports: [{ port: 8080 }], reason: "Route to the Argo CD server." },
          { namespace: N.observability, ports: [{ port: 3000 }], reason: "Route to Grafana." },
        ],
        toLabelledNamespaces: [{ label: TENANT_LABEL, reason: "Route to app teams' services; each team namespace admits only its app port from here." }],
      },
      quota: q(2, 2, 10, { loadBalancers: 1 }),
    }),
    externalDns: ns("externalDns", {
      podSecurity: "restricted",
      allow: { apiServer: true, podIdentityAgent: true, metricsPorts: [7979], publicHttps: aws443("Route53 and STS") },
      quota: q(1, 1, 4),
    }),
    argocd: ns("argocd", {
      podSecurity: "restricted",
      allow: {
        apiServer: true, metricsPorts: [8082, 8083, 8084, 9001],
        publicHttps: "HTTPS to the GitOps repository, Slack and the OIDC issuer.",
        egressTo: [{ name: "git-ssh", cidr: "0.0.0.0/0", ports: [{ port: 22 }], reason: "Git over SSH when the GitOps repository uses an ssh:// URL." }],
        fromNamespaces: [{ namespace: N.ingress, ports: [{ port: 8080 }], reason: "The Argo CD UI and API through Traefik." }],
      },
      quota: q(4, 6, 30),
    }),
    observability: ns("observability", {
      podSecurity: "restricted",
      allow: {
        apiServer: true,
        publicHttps: aws443("S3 and STS (IRSA)"),
        toNodes: [{ port: 10250 }, { port: 9100 }],
        toLabelledNamespaces: [{ label: SCRAPE_LABEL, reason: "Alloy scrapes the metrics ports those namespaces open to it." }],
        fromNamespaces: [{ namespace: N.ingress, ports: [{ port: 3000 }], reason: "Grafana through Traefik." }],
        fromAnyNamespace: { ports: [{ port: OTLP_PORTS.grpc }, { port: OTLP_PORTS.http }], reason: "Applications send OTLP to Alloy." },
      },
      quota: q(8, 24, 60, { pvcs: 20 }),
    }),
  };

  const certManager = new CertManager("cert-manager", {
    namespace: N.certManager,
    cluster: cluster.identity,
    region: cfg.region,
    domain,
    hostedZoneId: cfg.dns.hostedZoneId,
    acmeEmail: cfg.acmeEmail,
    sizing: s,
    provider,
    dependsOn: [namespaces.certManager],
  }, withAws);

  const lbc = new LoadBalancerController("aws-load-balancer-controller", {
    namespace: N.loadBalancer,
    cluster: cluster.identity,
    clusterName: cfg.clusterName,
    region: cfg.region,
    vpcId: ctx.network.vpcId,
    sizing: s,
    provider,
    dependsOn: [namespaces.loadBalancer, certManager.chart],
  }, withAws);

  const traefik = new Traefik("traefik", {
    namespace: N.ingress,
    sizing: s,
    provider,
    loadBalancerController: lbc,
    dependsOn: [namespaces.ingress],
  }, withAws);

  new ExternalDns("external-dns", {
    namespace: N.externalDns,
    cluster: cluster.identity,
    region: cfg.region,
    domain,
    hostedZoneId: cfg.dns.hostedZoneId,
    ownerId: cfg.clusterName,
    sizing: s,
    provider,
    dependsOn: [namespaces.externalDns],
  }, withAws);

  const argocd = new ArgoCd("argocd", {
    namespace: N.argocd,
    host: `argocd.${domain}`,
    ingressClass: traefik.ingressClass,
    clusterIssuer: issuer,
    gitops: cfg.gitops,
    slack: cfg.slack,
    oidc: cfg.oidc,
    sizing: s,
    provider,
    dependsOn: [namespaces.argocd],
  }, withAws);

  const obs = {
    namespace: N.observability,
    cluster: cluster.identity,
    region: cfg.region,
    retentionDays: cfg.observability.retentionDays,
    protect: cfg.protect,
    sizing: s,
    provider,
    dependsOn: [namespaces.observability],
  };
  const loki = new Loki("loki", obs, withAws);
  const mimir = new Mimir("mimir", obs, withAws);
  const tempo = new Tempo("tempo", { ...obs, remoteWriteUrl: mimir.remoteWriteUrl }, withAws);
  const grafana = new Grafana("grafana", {
    namespace: N.observability,
    host: `grafana.${domain}`,
    ingressClass: traefik.ingressClass,
    clusterIssuer: issuer,
    datasources: { mimir: mimir.queryUrl, loki: loki.url, tempo: tempo.url },
    sizing: s,
    provider,
    dependsOn: [namespaces.observability],
  }, withAws);
  const alloy = new Alloy("alloy", {
    namespace: N.observability,
    lokiPushUrl: `${loki.url}/loki/api/v1/push`,
    mimirRemoteWriteUrl: mimir.remoteWriteUrl,
    tempoOtlpGrpc: tempo.otlpGrpc,
    sizing: s,
    provider,
    dependsOn: [namespaces.observability],
  }, withAws);
  new ClusterExporters("exporters", {
    namespace: N.observability,
    nodeExporterNamespace: NODE_EXPORTER_NAMESPACE,
    sizing: s,
    provider,
    dependsOn: [namespaces.observability],
  }, withAws);

  // Admin passwords go to Secrets Manager; the stack (which app repos read) holds only ARNs.
  const admin = new AdminCredentials("admin-credentials", {
    clusterName: cfg.clusterName,
    passwords: { argocd: argocd.adminPassword, grafana: grafana.adminPassword },
    protect: cfg.protect,
  }, { providers: [ctx.awsProvider] });

  return {
    argocdChart: argocd.chart,
    outputs: {
      argocdUrl: argocd.url,
      argocdAdminSecretArn: admin.arns.argocd,
      grafanaUrl: grafana.url,
      grafanaAdminSecretArn: admin.arns.grafana,
      clusterIssuers: certManager.issuerNames,
      ingressClass: traefik.ingressClass,
      otlpGrpcEndpoint: alloy.otlpGrpc,
      otlpHttpEndpoint: alloy.otlpHttp,
      observabilityBuckets: {
        lokiChunks: loki.buckets.chunks.name,
        lokiRuler: loki.buckets.ruler.name,
        tempoTraces: tempo.bucket.name,
        mimirBlocks: mimir.buckets.blocks.name,
        mimirRuler: mimir.buckets.ruler.name,
        mimirAlertmanager: mimir.buckets.alertmanager.name,
      },
      platformNamespaces: Object.values(NAMESPACES),
    },
  };
}
