import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { ClusterIdentityInfo, PolicyStatement, WorkloadIdentity } from "../core/iam";
import { Sizing, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const CLUSTER_ISSUERS = { staging: "letsencrypt-staging", prod: "letsencrypt-prod" } as const;
const ACME = {
  [CLUSTER_ISSUERS.staging]: "https://acme-staging-v02.api.letsencrypt.org/directory",
  [CLUSTER_ISSUERS.prod]: "https://acme-v02.api.letsencrypt.org/directory",
};
const SERVICE_ACCOUNT = "cert-manager";

export interface CertManagerArgs {
  namespace: string;
  cluster: ClusterIdentityInfo;
  region: string;
  domain: string;
  hostedZoneId: string;
  acmeEmail: string;
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * cert-manager with its CRDs from the chart, and two ClusterIssuers (Let's Encrypt staging
 * and prod) solving DNS-01 in the platform's Route53 zone through a Pod Identity role that
 * may change TXT records of that zone only.
 */
export class CertManager extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly issuers: k8s.apiextensions.CustomResource[];
  public readonly issuerNames = [CLUSTER_ISSUERS.staging, CLUSTER_ISSUERS.prod];
  public readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:tls:CertManager", name, {}, opts);
    const s = args.sizing;

    const identity = new WorkloadIdentity(`${name}-dns01`, {
      cluster: args.cluster,
      namespace: args.namespace,
      serviceAccount: SERVICE_ACCOUNT,
      // cert-manager >= 1.15 uses aws-sdk-go-v2, whose default chain reads Pod Identity credentials.
      mode: "podIdentity",
      statements: dns01Statements(args.cluster.partition, args.hostedZoneId),
    }, { parent: this });

    const pdb = { enabled: s.ha, minAvailable: 1 };
    this.chart = pinnedChart(name, CHARTS.certManager, {
      namespace: args.namespace,
      releaseName: "cert-manager",
      values: {
        crds: { enabled: true, keep: true },
        replicaCount: s.replicas,
        podDisruptionBudget: pdb,
        serviceAccount: { create: true, name: SERVICE_ACCOUNT },
        resources: resources("50m", times("128Mi", s.scale), times("256Mi", s.scale)),
        securityContext: podSecurity(),
        containerSecurityContext: containerSecurity(),
        // Check DNS-01 propagation against public resolvers, not the VPC's split-horizon view.
        dns01RecursiveNameservers: "1.1.1.1:53,8.8.8.8:53",
        dns01RecursiveNameserversOnly: true,
        prometheus: { enabled: true, servicemonitor: { enabled: false } },
        webhook: {
          replicaCount: s.replicas,
          podDisruptionBudget: pdb,
          resources: resources("20m", "64Mi", "128Mi"),
          securityContext: podSecurity(),
          containerSecurityContext: containerSecurity(),
        },
        cainjector: {
          replicaCount: s.replicas,
          podDisruptionBudget: pdb,
          resources: resources("20m", times("128Mi", s.scale), times("256Mi", s.scale)),
          securityContext: podSecurity(),
          containerSecurityContext: containerSecurity(),
        },
        // A post-install hook Job; helm.v4.Chart would run it as a plain Job. The ClusterIssuers'
        // dependsOn on the chart (which waits for the webhook Deployment) does its job.
        startupapicheck: { enabled: false },
      },
    }, { parent: this, provider: args.provider, dependsOn: [identity, ...args.dependsOn] });

    this.issuers = Object.entries(ACME).map(([issuer, server]) =>
      new k8s.apiextensions.CustomResource(`${name}-${issuer}`, {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: issuer },
        spec: {
          acme: {
            server,
            email: args.acmeEmail,
            privateKeySecretRef: { name: `${issuer}-account-key` },
            solvers: [{
              selector: { dnsZones: [args.domain] },
              // Ambient credentials (the Pod Identity role) are allowed for ClusterIssuers by default.
              dns01: { route53: { region: args.region, hostedZoneID: args.hostedZoneId } },
            }],
          },
        },
      }, { parent: this, provider: args.provider, dependsOn: [this.chart] }));

    this.roleArn = identity.roleArn;
    this.registerOutputs({ issuers: this.issuerNames, roleArn: this.roleArn });
  }
}

/** DNS-01 in one zone: TXT records under _acme-challenge only (cert-manager Route53 docs). */
export function dns01Statements(partition: pulumi.Input<string>, hostedZoneId: string): PolicyStatement[] {
  const zone = pulumi.interpolate`arn:${partition}:route53:::hostedzone/${hostedZoneId}`;
  return [
    { Sid: "ReadChangeStatus", Effect: "Allow", Action: "route53:GetChange", Resource: pulumi.interpolate`arn:${partition}:route53:::change/*` },
    { Sid: "ListZoneRecords", Effect: "Allow", Action: "route53:ListResourceRecordSets", Resource: zone },
    {
      Sid: "ChangeChallengeRecords",
      Effect: "Allow",
      Action: "route53:ChangeResourceRecordSets",
      Resource: zone,
      Condition: {
        "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["TXT"] },
        "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["_acme-challenge.*"] },
      },
    },
  ];
}
