import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket, bucketAccess } from "../core/buckets";
import { pinnedChart } from "../chart";
import { WorkloadIdentity } from "../core/iam";
import { ObjectStoreArgs, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const TEMPO_SERVICE_ACCOUNT = "tempo";

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
    this.url = `http://tempo.${args.namespace}.svc.cluster.local:3200`;
    this.otlpGrpc = `tempo.${args.namespace}.svc.cluster.local:4317`;
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
        tempo: {
          resources: resources(times("200m", s.scale), times("1Gi", s.scale), times("2Gi", s.scale)),
          reportingEnabled: false,
          retention: `${args.retentionDays * 24}h`,
          storage: {
            trace: {
              backend: "s3",
              s3: { bucket: this.bucket.name, endpoint: `s3.${args.region}.amazonaws.com`, region: args.region },
              wal: { path: "/var/tempo/wal" },
            },
          },
          // OTLP only (Alloy forwards everything as OTLP); null drops the default Jaeger receivers.
          receivers: {
            otlp: { protocols: { grpc: { endpoint: "0.0.0.0:4317" }, http: { endpoint: "0.0.0.0:4318" } } },
            jaeger: null,
          },
          // Span metrics and service graphs feed Grafana's trace-to-metrics links and service map.
          metricsGenerator: { enabled: true, remoteWriteUrl: args.remoteWriteUrl },
          overrides: { defaults: { metrics_generator: { processors: ["service-graphs", "span-metrics"] } } },
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
