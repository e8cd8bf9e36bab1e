import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { ClusterIdentityInfo, PolicyStatement, WorkloadIdentity } from "../core/iam";
import { Sizing, containerSecurity, podSecurity, resources } from "../workload";
import { CHARTS } from "../versions";

const SERVICE_ACCOUNT = "external-dns";

export interface ExternalDnsArgs {
  namespace: string;
  cluster: ClusterIdentityInfo;
  region: string;
  domain: string;
  hostedZoneId: string;
  /** TXT-registry owner: one per environment, so stacks sharing a zone never delete each other's records. */
  ownerId: string;
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** external-dns: Route53 records for Ingress hosts, in the platform's zone only. */
export class ExternalDns extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;

  constructor(name: string, args: ExternalDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:dns:ExternalDns", name, {}, opts);
    const identity = new WorkloadIdentity(`${name}`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: SERVICE_ACCOUNT,
      mode: "podIdentity", // external-dns uses aws-sdk-go-v2 (config v1.32), which reads Pod Identity credentials.
      statements: externalDnsStatements(args.cluster.partition, args.hostedZoneId),
    }, { parent: this });

    this.chart = pinnedChart(name, CHARTS.externalDns, {
      namespace: args.namespace,
      releaseName: "external-dns",
      values: {
        // The chart's schema caps replicaCount at 1: external-dns is a single writer by design.
        replicaCount: 1,
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        provider: { name: "aws" },
        env: [{ name: "AWS_DEFAULT_REGION", value: args.region }],
        sources: ["ingress", "service"],
        domainFilters: [args.domain],
        extraArgs: [`--zone-id-filter=${args.hostedZoneId}`, "--aws-zone-type=public"],
        policy: "sync",
        registry: "txt",
        txtOwnerId: args.ownerId,
        resources: resources("20m", "64Mi", "128Mi"),
        // Alloy's "annotated" job scrapes /metrics on the chart's http port (7979), which the
        // namespace's allow-scraping NetworkPolicy opens (infra/services/index.ts).
        podAnnotations: { "prometheus.io/scrape": "true", "prometheus.io/port": "7979" },
        podSecurityContext: { ...podSecurity(65532), fsGroup: 65534 },
        securityContext: { ...containerSecurity({ user: 65532 }), privileged: false },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });
    this.registerOutputs({});
  }
}

/** Records in one zone; listing zones takes no ARN (external-dns lists, then filters by id). */
export function externalDnsStatements(partition: pulumi.Input<string>, hostedZoneId: string): PolicyStatement[] {
  const zone = pulumi.interpolate`arn:${partition}:route53:::hostedzone/${hostedZoneId}`;
  return [
    { Sid: "ChangeZoneRecords", Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets", "route53:ListTagsForResources"], Resource: zone },
    // ListHostedZones has no resource-level permissions in Route53.
    { Sid: "ListZones", Effect: "Allow", Action: "route53:ListHostedZones", Resource: "*" },
  ];
}
