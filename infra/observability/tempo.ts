import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket, bucketAccess } from "../core/buckets";
import { pinnedChart } from "../chart";
import { WorkloadIdentity } from "../core/iam";
import { ObjectStoreArgs, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const TEMPO_SERVICE_ACCOUNT = "tempo";
/** Tempo's HTTP API and its OTLP receivers (the only receivers this platform runs). */
export const TEMPO_PORTS = { http: 3200, otlpGrpc: 4317, otlpHttp: 4318 } as const;
const JAEGER_PROTOCOLS = ["grpc", "thrift_binary", "thrift_compact", "thrift_http"];

export interface TempoArgs extends ObjectStoreArgs {
  /** Prometheus remote-write URL for span metrics and service graphs (Mimir). */
  remoteWriteUrl: string;
}

/**
 * Tempo, single binary, traces on S3. One replica in every environment: tempo-distributed 3
 * requires Kafka, which this platform does not run, and the single binary does not replicate
 * (see docs/services.md). The WAL sits on a PVC so a restart loses no acknowledged spans.
 */
export class Tempo extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly bucket: HardenedBucket;
  public readonly url: string;
  public readonly otlpGrpc: string;

  constructor(name: string, args: TempoArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Tempo", name, {}, opts);
    const s = args.sizing;
    this.url = `http://tempo.${args.namespace}.svc.cluster.local:${TEMPO_PORTS.http}`;
    this.otlpGrpc = `tempo.${args.namespace}.svc.cluster.local:${TEMPO_PORTS.otlpGrpc}`;
    this.bucket = new HardenedBucket(`${name}-traces`, { purpose: "tempo-traces", retentionDays: args.retentionDays + 7, protect: args.protect }, { parent: this });
    // IRSA: Tempo's S3 backend is minio-go, whose Pod Identity support is unverified.
    const identity = new WorkloadIdentity(`${name}`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: TEMPO_SERVICE_ACCOUNT,
      mode: "irsa",
      statements: bucketAccess([this.bucket]),
    }, { parent: this });

    this.chart = pinnedChart(name, CHARTS.tempo, {
      namespace: args.namespace,
      releaseName: "tempo",
      values: {
        replicas: 1,
        // The whole Tempo config is the program's (tempoConfig below): the chart's default
        // template copies `tempo.receivers` verbatim, Jaeger included.
        config: pulumi.output(this.bucket.name).apply((bucket) => tempoConfig({ ...args, bucket })),
        tempo: {
          resources: resources(times("200m", s.scale), times("1Gi", s.scale), times("2Gi", s.scale)),
          // Read only by the chart's Service/port templates (tempo 2.2.4 templates/_ports.tpl),
          // which dereference every Jaeger protocol and skip a port whose endpoint is empty.
          // A null `jaeger` breaks them (nil pointer), so each endpoint is blanked instead:
          // the Service then exposes OTLP and the HTTP API only.
          receivers: {
            otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpHttp}` } } },
            jaeger: { protocols: Object.fromEntries(JAEGER_PROTOCOLS.map((p) => [p, { endpoint: "" }])) },
          },
          metricsGenerator: { enabled: true, remoteWriteUrl: args.remoteWriteUrl },
          securityContext: containerSecurity(),
        },
        securityContext: podSecurity(10001),
        serviceAccount: { create: true, name: TEMPO_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": identity.roleArn } },
        persistence: { enabled: true, size: "10Gi" },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });
    this.registerOutputs({ url: this.url });
  }
}

/**
 * Tempo's configuration file: the chart's default template (tempo 2.2.4 values.yaml `config`)
 * with OTLP as the only receiver, S3 storage, retention and the metrics generator (span
 * metrics and service graphs for Grafana's trace-to-metrics links and service map) writing to
 * Mimir. Paths match the chart's mounts: /var/tempo (PVC) and /tmp (emptyDir).
 */
export function tempoConfig(a: { namespace: string; region: string; retentionDays: number; remoteWriteUrl: string; bucket: string }): string {
  const config = {
    stream_over_http_enabled: false,
    memberlist: { cluster_label: `tempo.${a.namespace}` },
    multitenancy_enabled: false,
    usage_report: { reporting_enabled: false },
    compactor: { compaction: { block_retention: `${a.retentionDays * 24}h` } },
    distributor: {
      receivers: {
        otlp: { protocols: { grpc: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpGrpc}` }, http: { endpoint: `0.0.0.0:${TEMPO_PORTS.otlpHttp}` } } },
      },
    },
    server: { http_listen_port: TEMPO_PORTS.http },
    storage: {
      trace: {
        backend: "s3",
        s3: { bucket: a.bucket, endpoint: `s3.${a.region}.amazonaws.com`, region: a.region },
        wal: { path: "/var/tempo/wal" },
      },
    },
    overrides: {
      defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } },
      per_tenant_override_config: "/conf/overrides.yaml",
    },
    metrics_generator: {
      storage: { path: "/tmp/tempo", remote_write: [{ url: a.remoteWriteUrl }] },
      traces_storage: { path: "/tmp/traces" },
    },
  };
  // JSON is YAML; the chart passes this through `tpl`, which leaves it unchanged ({{ never occurs).
  return JSON.stringify(config, null, 2);
}
