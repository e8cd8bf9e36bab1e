import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { pinnedChart } from "../chart";
import { Sizing, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const GRAFANA_ADMIN_SECRET = "grafana-admin";

export interface GrafanaArgs {
  namespace: string;
  host: string;
  ingressClass: string;
  clusterIssuer: string;
  datasources: { mimir: string; loki: string; tempo: string };
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Grafana over HTTPS (cert-manager certificate on the ingress), admin credentials from a
 * Secret generated here, and the Mimir, Loki and Tempo datasources provisioned with
 * trace-to-logs, trace-to-metrics, exemplar and service-map links.
 */
export class Grafana extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly url: string;
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: GrafanaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Grafana", name, {}, opts);
    const s = args.sizing;
    this.url = `https://${args.host}`;

    const password = new random.RandomPassword(`${name}-admin`, { length: 32, special: false }, { parent: this });
    this.adminPassword = pulumi.secret(password.result);
    const adminSecret = new k8s.core.v1.Secret(`${name}-admin`, {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace: args.namespace },
      type: "Opaque",
      stringData: { "admin-user": "admin", "admin-password": this.adminPassword },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn }); // its Namespace first

    this.chart = pinnedChart(name, CHARTS.grafana, {
      namespace: args.namespace,
      releaseName: "grafana",
      values: {
        // Stateless replicas: datasources come from provisioning, so the per-pod SQLite holds
        // only sessions; the ingress pins a browser to one pod (sticky cookie) in HA.
        replicas: s.replicas,
        podDisruptionBudget: s.ha ? { minAvailable: 1 } : {},
        admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
        "grafana.ini": { server: { root_url: this.url }, analytics: { reporting_enabled: false, check_for_updates: false } },
        ingress: {
          enabled: true,
          ingressClassName: args.ingressClass,
          annotations: { "cert-manager.io/cluster-issuer": args.clusterIssuer },
          hosts: [args.host],
          path: "/",
          pathType: "Prefix",
          tls: [{ secretName: "grafana-tls", hosts: [args.host] }],
        },
        service: s.ha ? { annotations: { "traefik.ingress.kubernetes.io/service.sticky.cookie": "true" } } : {},
        resources: resources("100m", times("256Mi", s.scale), times("512Mi", s.scale)),
        securityContext: podSecurity(472),
        containerSecurityContext: containerSecurity({ readOnlyRootFilesystem: false }),
        persistence: { enabled: false },
        // Runs as root to chown a PVC; no PVC here.
        initChownData: { enabled: false },
        testFramework: { enabled: false },
        datasources: { "datasources.yaml": datasources(args.datasources) },
      },
    }, { parent: this, provider: args.provider, dependsOn: [adminSecret, ...args.dependsOn] });
    this.registerOutputs({ url: this.url });
  }
}

/** Provisioned datasources; `$$` escapes Grafana's own env expansion in provisioning files. */
export function datasources(url: { mimir: string; loki: string; tempo: string }): Record<string, unknown> {
  return {
    apiVersion: 1,
    datasources: [
      {
        name: "Mimir",
        type: "prometheus",
        uid: "mimir",
        url: url.mimir,
        access: "proxy",
        isDefault: true,
        jsonData: { prometheusType: "Mimir", exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "tempo" }] },
      },
      {
        name: "Loki",
        type: "loki",
        uid: "loki",
        url: url.loki,
        access: "proxy",
        jsonData: { derivedFields: [{ name: "TraceID", matcherRegex: "(?:trace_id|traceID)=(\\w+)", url: "$${__value.raw}", datasourceUid: "tempo" }] },
      },
      {
        name: "Tempo",
        type: "tempo",
        uid: "tempo",
        url: url.tempo,
        access: "proxy",
        jsonData: {
          tracesToLogsV2: { datasourceUid: "loki", spanStartTimeShift: "-1h", spanEndTimeShift: "1h", filterByTraceID: true, tags: [{ key: "k8s.namespace.name", value: "namespace" }] },
          tracesToMetrics: {
            datasourceUid: "mimir",
            tags: [{ key: "service.name", value: "service" }],
            queries: [{ name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))" }],
          },
          serviceMap: { datasourceUid: "mimir" },
          nodeGraph: { enabled: true },
          lokiSearch: { datasourceUid: "loki" },
        },
      },
    ],
  };
}
