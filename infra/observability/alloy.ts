import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { Sizing, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const OTLP_PORTS = { grpc: 4317, http: 4318 } as const;
/** Labels of Alloy's pods (the chart's selector labels): the only pods that receive OTLP from apps and scrape metrics ports. */
export const ALLOY_POD_LABELS = { "app.kubernetes.io/name": "alloy", "app.kubernetes.io/instance": "alloy" };
/** UID of the `alloy` user in the grafana/alloy image (Alloy docs: run as non-root). */
const ALLOY_UID = 473;

export interface AlloyArgs {
  namespace: string;
  lokiPushUrl: string;
  mimirRemoteWriteUrl: string;
  tempoOtlpGrpc: string;
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Grafana Alloy (Promtail and Grafana Agent are end of life) as a clustered Deployment:
 * pod logs through the Kubernetes API (no hostPath, so the namespace stays `restricted`)
 * to Loki; kubelet, cAdvisor, kube-state-metrics, node-exporter and annotated pods to Mimir;
 * OTLP from apps (the in-cluster endpoint) to Tempo, Mimir and Loki.
 */
export class Alloy extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly otlpGrpc: string;
  public readonly otlpHttp: string;

  constructor(name: string, args: AlloyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Alloy", name, {}, opts);
    const s = args.sizing;
    const host = `alloy.${args.namespace}.svc.cluster.local`;
    this.otlpGrpc = `http://${host}:${OTLP_PORTS.grpc}`;
    this.otlpHttp = `http://${host}:${OTLP_PORTS.http}`;
    const clustered = s.replicas > 1;
    const content = alloyConfig(args, clustered);

    this.chart = pinnedChart(name, CHARTS.alloy, {
      namespace: args.namespace,
      releaseName: "alloy",
      values: {
        controller: {
          type: "deployment",
          replicas: s.replicas,
          podDisruptionBudget: { enabled: s.ha, minAvailable: s.ha ? 1 : null },
        },
        global: { podSecurityContext: podSecurity(ALLOY_UID) },
        alloy: {
          configMap: { create: true, content },
          clustering: { enabled: clustered },
          enableReporting: false,
          extraPorts: [
            { name: "otlp-grpc", port: OTLP_PORTS.grpc, targetPort: OTLP_PORTS.grpc, protocol: "TCP" },
            { name: "otlp-http", port: OTLP_PORTS.http, targetPort: OTLP_PORTS.http, protocol: "TCP" },
          ],
          // The image runs as root unless told otherwise; /tmp/alloy (storagePath) stays writable.
          securityContext: containerSecurity({ user: ALLOY_UID, readOnlyRootFilesystem: false }),
          resources: resources(times("100m", s.scale), times("256Mi", s.scale), times("1Gi", s.scale)),
          livenessProbe: { httpGet: { path: "/-/ready", port: 12345 }, initialDelaySeconds: 30, periodSeconds: 15, failureThreshold: 5 },
        },
        // The chart's config-reloader sidecar has no probe settings (alloy 1.11.1 values.yaml
        // `configReloader`), so it could never pass the probes rule. Without it the chart
        // stamps the pod with a checksum of the config (templates/controllers/_pod.yaml), so a
        // config change from Pulumi rolls the pods instead of being reloaded in place.
        configReloader: { enabled: false },
        // The chart's default Role grants secrets and configmaps (for operator CRDs this setup
        // does not use); service discovery and the log API need only these.
        rbac: {
          create: true,
          rules: [
            { apiGroups: ["", "discovery.k8s.io"], resources: ["endpoints", "endpointslices", "pods", "services", "namespaces"], verbs: ["get", "list", "watch"] },
            { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list", "watch"] },
          ],
        },
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });
    this.registerOutputs({ otlpGrpc: this.otlpGrpc, otlpHttp: this.otlpHttp });
  }
}

/** The Alloy pipeline, in Alloy's configuration syntax. */
export function alloyConfig(args: Pick<AlloyArgs, "lokiPushUrl" | "mimirRemoteWriteUrl" | "tempoOtlpGrpc">, clustered: boolean): string {
  const cluster = `clustering {\n    enabled = ${clustered}\n  }`;
  const sa = "/var/run/secrets/kubernetes.io/serviceaccount";
  const kubeletScrape = (job: string, path: string) => `
prometheus.scrape "${job}" {
  targets         = discovery.kubernetes.nodes.targets
  job_name        = "${job}"
  metrics_path    = "${path}"
  scheme          = "https"
  bearer_token_file = "${sa}/token"
  // EKS kubelets serve self-signed certificates unless serverTLSBootstrap is on.
  tls_config {
    ca_file              = "${sa}/ca.crt"
    insecure_skip_verify = true
  }
  forward_to = [prometheus.remote_write.mimir.receiver]
  ${cluster}
}`;
  return `// Managed by Pulumi (infra/observability/alloy.ts).
logging {
  level  = "info"
  format = "json"
}

discovery.kubernetes "pods" {
  role = "pod"
}

discovery.kubernetes "nodes" {
  role = "node"
}

// ---- Logs: every pod's containers, read through the API server.
discovery.relabel "pod_logs" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "app"
  }
}

loki.source.kubernetes "pods" {
  targets    = discovery.relabel.pod_logs.output
  forward_to = [loki.write.default.receiver]
  ${cluster}
}

loki.write "default" {
  endpoint {
    url = "${args.lokiPushUrl}"
  }
}

// ---- Metrics.
prometheus.remote_write "mimir" {
  endpoint {
    url = "${args.mimirRemoteWriteUrl}"
  }
}
${kubeletScrape("kubelet", "/metrics")}
${kubeletScrape("cadvisor", "/metrics/cadvisor")}

discovery.relabel "exporters" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name", "__meta_kubernetes_pod_container_port_name"]
    regex         = "(kube-state-metrics;http|prometheus-node-exporter;metrics)"
    action        = "keep"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "job"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_node_name"]
    target_label  = "node"
  }
}

prometheus.scrape "exporters" {
  targets    = discovery.relabel.exporters.output
  forward_to = [prometheus.remote_write.mimir.receiver]
  ${cluster}
}

// Pods that opt in with prometheus.io/scrape: "true" (and optional port/path annotations).
discovery.relabel "annotated" {
  targets = discovery.kubernetes.pods.targets
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"]
    regex         = "true"
    action        = "keep"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_phase"]
    regex         = "Succeeded|Failed"
    action        = "drop"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_annotation_prometheus_io_path"]
    regex         = "(.+)"
    target_label  = "__metrics_path__"
  }
  rule {
    source_labels = ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"]
    regex         = "([^:]+)(?::\\\\d+)?;(\\\\d+)"
    replacement   = "$1:$2"
    target_label  = "__address__"
  }
  rule {
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }
  rule {
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }
}

prometheus.scrape "annotated" {
  targets    = discovery.relabel.annotated.output
  job_name   = "annotated-pods"
  forward_to = [prometheus.remote_write.mimir.receiver]
  ${cluster}
}

// ---- OTLP from applications: traces to Tempo, metrics to Mimir, logs to Loki.
otelcol.receiver.otlp "apps" {
  grpc {
    endpoint = "0.0.0.0:${OTLP_PORTS.grpc}"
  }
  http {
    endpoint = "0.0.0.0:${OTLP_PORTS.http}"
  }
  output {
    traces  = [otelcol.processor.batch.default.input]
    metrics = [otelcol.processor.batch.default.input]
    logs    = [otelcol.processor.batch.default.input]
  }
}

otelcol.processor.batch "default" {
  output {
    traces  = [otelcol.exporter.otlp.tempo.input]
    metrics = [otelcol.exporter.prometheus.mimir.input]
    logs    = [otelcol.exporter.loki.default.input]
  }
}

otelcol.exporter.otlp "tempo" {
  client {
    endpoint = "${args.tempoOtlpGrpc}"
    tls {
      insecure = true
    }
  }
}

otelcol.exporter.prometheus "mimir" {
  forward_to = [prometheus.remote_write.mimir.receiver]
}

otelcol.exporter.loki "default" {
  forward_to = [loki.write.default.receiver]
}
`;
}

export interface ClusterExportersArgs {
  /** kube-state-metrics' namespace (restricted). */
  namespace: string;
  /** node-exporter's namespace (kube-system: it needs host network, PID and filesystem). */
  nodeExporterNamespace: string;
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** kube-state-metrics (object state) and node-exporter (node OS metrics), scraped by Alloy. */
export class ClusterExporters extends pulumi.ComponentResource {
  constructor(name: string, args: ClusterExportersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:ClusterExporters", name, {}, opts);
    const s = args.sizing;
    pinnedChart(`${name}-kube-state-metrics`, CHARTS.kubeStateMetrics, {
      namespace: args.namespace,
      releaseName: "kube-state-metrics",
      values: {
        // One replica: two unsharded replicas would export every series twice.
        replicas: 1,
        // No secrets collector: it would need list/watch on every Secret in the cluster.
        collectorsExclude: ["secrets"],
        resources: resources("20m", times("128Mi", s.scale), times("256Mi", s.scale)),
        securityContext: { enabled: true, ...podSecurity(65534) },
        containerSecurityContext: containerSecurity({ user: 65534 }),
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });

    pinnedChart(`${name}-node-exporter`, CHARTS.nodeExporter, {
      namespace: args.nodeExporterNamespace,
      releaseName: "node-exporter",
      values: {
        // Needs the host's network, PID namespace and root filesystem (read-only) to report
        // node metrics: that is why it runs in kube-system, not a restricted namespace (docs/services.md).
        hostNetwork: true,
        hostPID: true,
        hostRootFsMount: { enabled: true, mountPropagation: "HostToContainer" },
        resources: resources("20m", "32Mi", "64Mi"),
        securityContext: podSecurity(65534),
        containerSecurityContext: containerSecurity({ user: 65534 }),
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });
    this.registerOutputs({});
  }
}
