import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { HardenedBucket, bucketAccess } from "../core/buckets";
import { pinnedChart } from "../chart";
import { WorkloadIdentity } from "../core/iam";
import { ObjectStoreArgs, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const LOKI_SERVICE_ACCOUNT = "loki";

export type LokiArgs = ObjectStoreArgs;

/**
 * Loki in Monolithic mode (the chart's default; SimpleScalable is deprecated) on S3: one
 * replica in dev, three with replication factor 3 elsewhere. Chunks and rules live in
 * buckets only Loki's IRSA role can reach.
 */
export class Loki extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly buckets: { chunks: HardenedBucket; ruler: HardenedBucket };
  /** In-cluster base URL (the single-binary Service; the nginx gateway is off). */
  public readonly url: string;

  constructor(name: string, args: LokiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:observability:Loki", name, {}, opts);
    const s = args.sizing;
    this.url = `http://loki.${args.namespace}.svc.cluster.local:3100`;
    this.buckets = {
      chunks: new HardenedBucket(`${name}-chunks`, { purpose: "loki-chunks", retentionDays: args.retentionDays + 7, protect: args.protect }, { parent: this }),
      ruler: new HardenedBucket(`${name}-ruler`, { purpose: "loki-ruler", protect: args.protect }, { parent: this }),
    };
    // IRSA: Loki's S3 client only moved to aws-sdk-go-v2 in 3.6; IRSA is the documented path.
    const identity = new WorkloadIdentity(`${name}`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: LOKI_SERVICE_ACCOUNT,
      mode: "irsa",
      statements: bucketAccess([this.buckets.chunks, this.buckets.ruler]),
    }, { parent: this });

    this.chart = pinnedChart(name, CHARTS.loki, {
      namespace: args.namespace,
      releaseName: "loki",
      values: {
        deploymentMode: "Monolithic",
        loki: {
          // Single tenant: clients need no X-Scope-OrgID; the NetworkPolicies bound who can write.
          auth_enabled: false,
          commonConfig: { replication_factor: s.ring },
          schemaConfig: {
            configs: [{ from: "2026-01-01", store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "loki_index_", period: "24h" } }],
          },
          storage: {
            type: "s3",
            bucketNames: { chunks: this.buckets.chunks.name, ruler: this.buckets.ruler.name },
            s3: { region: args.region },
          },
          limits_config: { retention_period: `${args.retentionDays * 24}h` },
          compactor: { retention_enabled: true, delete_request_store: "s3" },
          podSecurityContext: podSecurity(10001),
          containerSecurityContext: containerSecurity(),
        },
        serviceAccount: { create: true, name: LOKI_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": identity.roleArn } },
        singleBinary: {
          replicas: s.ring,
          resources: resources(times("250m", s.scale), times("1Gi", s.scale), times("2Gi", s.scale)),
          persistence: { enabled: true, size: s.environment === "dev" ? "10Gi" : "50Gi" },
          podDisruptionBudget: { enabled: s.ha },
        },
        write: { replicas: 0 },
        read: { replicas: 0 },
        backend: { replicas: 0 },
        podDisruptionBudget: { enabled: s.ha },
        // Clients talk to the Loki Service directly; an nginx gateway adds nothing here.
        gateway: { enabled: false },
        // Memcached caches pay off at volume; off until measured (they also need their own sizing).
        chunksCache: { enabled: false },
        resultsCache: { enabled: false },
        // The canary DaemonSet and the helm test hook are test tooling.
        lokiCanary: { enabled: false },
        test: { enabled: false },
        minio: { enabled: false },
        // The rules sidecar (kiwigrid/k8s-sidecar) loads ruler rules from ConfigMaps and Secrets
        // in every namespace, through a ClusterRole that reads all Secrets. The platform ships
        // no Loki rules that way; the ruler reads its bucket.
        sidecar: { rules: { enabled: false } },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });
    this.registerOutputs({ url: this.url });
  }
}
