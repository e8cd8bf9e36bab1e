// The architecture, top to bottom: config in, components composed, outputs out.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DefaultStorageClass, EksAddons, addonSpecs } from "./core/addons";
import { EksCluster } from "./core/cluster";
import { ConfigError, PlatformConfig, loadConfig } from "./config";
import { Karpenter } from "./core/karpenter";
import { MetricsServer } from "./core/metrics-server";
import { Network } from "./core/network";
import { NodeGroups } from "./core/nodes";
import { CONTRACT_VERSION } from "../contract/contract";
import { OTLP_PORTS } from "./observability/alloy";
import { NAMESPACES, platformServices } from "./services";
import { Team } from "./teams/team";
import { CiAccess } from "./core/ci-access";
import { GRAFANA_ADMIN_SECRET } from "./observability/grafana";

/** The Kubernetes Secrets the program creates (argocd.ts, grafana.ts): drift may read these back, nothing else. */
export const PROGRAM_SECRET_NAMES = ["argocd-redis", "argocd-notifications-secret", "argocd-oidc", "gitops-repository", GRAFANA_ADMIN_SECRET];

export async function platform(cfg: PlatformConfig = loadConfig()): Promise<Record<string, unknown>> {
  const provider = new aws.Provider("aws", { region: cfg.region as aws.Region, defaultTags: { tags: cfg.tags } });
  const withAws = { providers: [provider] };
  const ha = cfg.environment === "prod";

  // Facts from the account, read before anything is created (invokes run in preview too).
  const [zones, caller, partition] = await Promise.all([
    aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }, { provider }),
    aws.getCallerIdentity({}, { provider }),
    aws.getPartition({}, { provider }),
  ]);
  if (zones.names.length < cfg.availabilityZoneCount) {
    throw new ConfigError([
      `${cfg.project}:availabilityZoneCount: ${cfg.availabilityZoneCount} zones requested but ${cfg.region} offers ${zones.names.length} (${zones.names.join(", ")}). Fix: lower availabilityZoneCount or pick another region.`,
    ]);
  }
  const availabilityZones = [...zones.names].sort().slice(0, cfg.availabilityZoneCount);

  // The identity running `pulumi up` needs cluster access to install the charts; resolve
  // an assumed-role session to its role so the access entry survives new sessions.
  const admins = [...cfg.clusterAdmins];
  if (cfg.deployerAccess) {
    const session = await aws.iam.getSessionContext({ arn: caller.arn }, { provider });
    if (!admins.includes(session.issuerArn) && !cfg.clusterViewers.includes(session.issuerArn)) admins.push(session.issuerArn);
  }

  const network = new Network("network", {
    clusterName: cfg.clusterName,
    vpcCidr: cfg.vpcCidr,
    privateSubnetCidrs: cfg.subnets.private,
    publicSubnetCidrs: cfg.subnets.public,
    availabilityZones,
    natGateways: cfg.natGateways,
    flowLogRetentionDays: cfg.logRetentionDays,
    statefulOpts: { protect: cfg.protect, retainOnDelete: cfg.protect },
  }, withAws);

  const cluster = new EksCluster("eks", {
    clusterName: cfg.clusterName,
    kubernetesVersion: cfg.kubernetesVersion,
    region: cfg.region,
    accountId: caller.accountId,
    partition: partition.partition,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    serviceCidr: cfg.serviceCidr,
    endpoint: cfg.endpoint,
    logTypes: cfg.controlPlaneLogTypes,
    logRetentionDays: cfg.logRetentionDays,
    admins,
    viewers: cfg.clusterViewers,
    protect: cfg.protect,
    zonalShift: cfg.availabilityZoneCount >= 3,
  }, withAws);

  const specs = addonSpecs(cfg.environment);
  const coreAddons = new EksAddons("addons-core", { cluster: cluster.identity, kubernetesVersion: cfg.kubernetesVersion, phase: "pre-compute", addons: specs.preCompute }, withAws);
  const nodes = new NodeGroups("nodes", {
    clusterName: cluster.name,
    kubernetesVersion: cluster.version,
    partition: partition.partition,
    subnetIds: network.privateSubnetIds,
    groups: cfg.nodeGroups,
  }, { ...withAws, dependsOn: [coreAddons] });
  const addons = new EksAddons("addons", { cluster: cluster.identity, kubernetesVersion: cfg.kubernetesVersion, phase: "post-compute", addons: specs.postCompute }, { ...withAws, dependsOn: [nodes] });
  const storage = new DefaultStorageClass("storage", { provider: cluster.provider, dependsOn: [addons] });

  const karpenter = new Karpenter("karpenter", {
    cluster: cluster.identity,
    clusterName: cfg.clusterName,
    clusterEndpoint: cluster.endpoint,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    region: cfg.region,
    provider: cluster.provider,
    capacityTypes: cfg.karpenter.capacityTypes,
    architectures: cfg.karpenter.architectures,
    cpuLimit: cfg.karpenter.cpuLimit,
    replicas: ha ? 2 : 1,
    dependsOn: [nodes, addons],
  }, withAws);
  new MetricsServer("metrics-server", { provider: cluster.provider, replicas: ha ? 2 : 1, dependsOn: [nodes, addons] });

  const services = platformServices({ cfg, cluster, network, awsProvider: provider, k8sProvider: cluster.provider, dependsOn: [nodes, addons, storage] });

  // App teams: one component each, named after the team, so onboarding one touches nothing else.
  const teams = cfg.teams.map((team) => new Team(`team-${team.name}`, {
    team,
    clusterName: cluster.name,
    platformDomain: cfg.dns.domain,
    vpcCidr: cfg.vpcCidr,
    ingressNamespace: NAMESPACES.ingress,
    observabilityNamespace: NAMESPACES.observability,
    otlpPorts: [OTLP_PORTS.grpc, OTLP_PORTS.http],
    argocdNamespace: NAMESPACES.argocd,
    argocdChart: services.argocdChart,
    provider: cluster.provider,
    protect: cfg.protect,
    dependsOn: [nodes, addons],
  }, withAws));

  // GitHub Actions' preview and drift identities (read and Kubernetes dry-run only).
  const ci = cfg.ci && new CiAccess("ci-access", {
    repository: cfg.ci.repository,
    defaultBranch: cfg.ci.defaultBranch,
    oidcProviderArn: cfg.ci.oidcProviderArn,
    clusterName: cluster.name,
    secretArns: [services.outputs.argocdAdminSecretArn, services.outputs.grafanaAdminSecretArn] as pulumi.Output<string>[],
    kubernetesSecretNames: PROGRAM_SECRET_NAMES,
    provider: cluster.provider,
    dependsOn: [nodes, addons],
  }, withAws);

  // Outputs app repos rely on are the contract (contract/contract.ts); the rest are for operators.
  return {
    contractVersion: CONTRACT_VERSION,
    environment: cfg.environment,
    region: cfg.region,
    availabilityZones,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    publicSubnetIds: network.publicSubnetIds,
    clusterName: cluster.name,
    clusterEndpoint: cluster.endpoint,
    clusterCertificateAuthority: cluster.certificateAuthority,
    clusterVersion: cluster.version,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    oidcProviderArn: cluster.oidcProviderArn,
    oidcIssuerUrl: cluster.oidcIssuer,
    kmsKeyArn: cluster.kmsKeyArn,
    nodeRoleArn: nodes.roleArn,
    karpenterNodeRoleName: karpenter.nodeRoleName,
    karpenterInterruptionQueue: karpenter.queueName,
    defaultStorageClass: storage.name,
    kubeconfig: cluster.kubeconfig,
    ...(ci ? { ciPreviewRoleArn: ci.roleArns.preview, ciDriftRoleArn: ci.roleArns.drift } : {}),
    ...services.outputs,
    teams: Object.fromEntries(teams.map((t) => [t.namespace, {
      namespace: t.namespace,
      appProject: t.appProject,
      kubernetesGroup: t.kubernetesGroup,
      appPort: t.appPort,
      ecrRepositories: t.ecrRepositories,
      domain: t.domain,
    }])),
  };
}
