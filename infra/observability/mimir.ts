import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket, bucketAccess } from "../core/buckets";
import { pinnedChart } from "../chart";
import { WorkloadIdentity } from "../core/iam";
import { ObjectStoreArgs, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const MIMIR_SERVICE_ACCOUNT = "mimir";

export type MimirArgs = ObjectStoreArgs;

/**
 * The chart sets no liveness probe for most components (mimir-distributed 6.2.0 values.yaml
 * `livenessProbe: null`). `/ready` is the readiness check and stays 503 while an ingester
 * replays its WAL or a store-gateway loads its index, so liveness only asks whether the HTTP
 * server still accepts connections, and tolerates two minutes of failures.
 */
const withoutLiveness = ({ livenessProbe: _, ...rest }: Record<string, unknown>) => rest;
const MIMIR_LIVENESS = { tcpSocket: { port: "http-metrics" }, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 };

/**
 * Mimir (mimir-distributed) in the classic architecture: chart 6.x defaults to ingest storage
 * with a bundled demo Kafka, which the chart's own classic-architecture.yaml turns off; no
 * MinIO. Blocks, ruler and alertmanager state in three S3 buckets. One replica per component
 * in dev; ingesters replicate 3 ways elsewhere.
 */
export class Mimir extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly buckets: { blocks: HardenedBucket; ruler: HardenedBucket; alertmanager: HardenedBucket };
  public readonly remoteWriteUrl: string;
  public readonly queryUrl: string;

  constructor(name: string, args: MimirArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Mimir", name, {}, opts);
    const s = args.sizing;
    const svc = (c: string) => `http://mimir-${c}.${args.namespace}.svc.cluster.local:8080`;
    this.remoteWriteUrl = `${svc("distributor")}/api/v1/push`;
    this.queryUrl = `${svc("query-frontend")}/prometheus`;
    const bucket = (purpose: string, retentionDays?: number) =>
      new HardenedBucket(`${name}-${purpose}`, { purpose: `mimir-${purpose}`, retentionDays, protect: args.protect }, { parent: this });
    this.buckets = { blocks: bucket("blocks", args.retentionDays + 7), ruler: bucket("ruler"), alertmanager: bucket("alertmanager") };
    // IRSA: Mimir's S3 client (Thanos objstore / minio-go) has no verified Pod Identity support.
    const identity = new WorkloadIdentity(`${name}`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: MIMIR_SERVICE_ACCOUNT,
      mode: "irsa",
      statements: bucketAccess([this.buckets.blocks, this.buckets.ruler, this.buckets.alertmanager]),
    }, { parent: this });

    const pdb = s.ha ? { maxUnavailable: 1 } : {};
    const component = (replicas: number, cpu: string, mem: string, limit: string) => ({
      replicas,
      resources: resources(cpu, times(mem, s.scale), times(limit, s.scale)),
      podDisruptionBudget: pdb,
      securityContext: podSecurity(10001),
      containerSecurityContext: containerSecurity(),
      livenessProbe: MIMIR_LIVENESS,
    });
    this.chart = pinnedChart(name, CHARTS.mimir, {
      namespace: args.namespace,
      releaseName: "mimir",
      values: {
        // The chart's classic-architecture.yaml: no Kafka, distributors push to ingesters.
        kafka: { enabled: false },
        minio: { enabled: false },
        // Zone-aware rollouts need the rollout-operator and its webhooks; plain StatefulSets here.
        rollout_operator: { enabled: false },
        serviceAccount: { create: true, name: MIMIR_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": identity.roleArn } },
        mimir: {
          structuredConfig: {
            multitenancy_enabled: false,
            ingest_storage: { enabled: false, kafka: { address: null, topic: null, auto_create_topic_default_partitions: null } },
            distributor: { remote_timeout: null },
            common: { storage: { backend: "s3", s3: { endpoint: `s3.${args.region}.amazonaws.com`, region: args.region } } },
            blocks_storage: { s3: { bucket_name: this.buckets.blocks.name } },
            ruler_storage: { s3: { bucket_name: this.buckets.ruler.name } },
            alertmanager_storage: { s3: { bucket_name: this.buckets.alertmanager.name } },
            ingester: { push_grpc_method_enabled: null, ring: { replication_factor: s.ring } },
            store_gateway: { sharding_ring: { replication_factor: s.ring } },
            limits: { compactor_blocks_retention_period: `${args.retentionDays * 24}h` },
          },
        },
        rbac: { podSecurityContext: podSecurity(10001) },
        distributor: component(s.replicas, "100m", "256Mi", "1Gi"),
        ingester: { ...component(s.ring, "200m", "1Gi", "2Gi"), zoneAwareReplication: { enabled: false } },
        querier: component(s.replicas, "100m", "256Mi", "1Gi"),
        query_frontend: component(s.replicas, "50m", "128Mi", "512Mi"),
        query_scheduler: component(s.replicas, "50m", "64Mi", "256Mi"),
        store_gateway: { ...component(s.ring, "100m", "512Mi", "1Gi"), zoneAwareReplication: { enabled: false } },
        compactor: component(1, "100m", "512Mi", "1Gi"),
        ruler: component(1, "50m", "128Mi", "512Mi"),
        alertmanager: { ...component(s.ring, "20m", "64Mi", "256Mi"), zoneAwareReplication: { enabled: false } },
        // The one component whose chart default has a liveness probe (httpGet /ready); kept.
        overrides_exporter: withoutLiveness(component(1, "20m", "64Mi", "128Mi")),
        // Alloy and Grafana reach the distributor and query-frontend directly (svc() above);
        // the nginx gateway would only add a hop and an image.
        gateway: { enabled: false },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });
    this.registerOutputs({ remoteWriteUrl: this.remoteWriteUrl, queryUrl: this.queryUrl });
  }
}
