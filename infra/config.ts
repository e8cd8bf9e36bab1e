// The one module that reads raw configuration. Everything else receives a typed,
// validated PlatformConfig. Validation reports every problem at once, each naming the
// key, the bad value and the fix, before a single resource is registered.
import { Netmask } from "netmask";
import { z } from "zod";
import * as pulumi from "@pulumi/pulumi";

export const PROJECT = "platform";
export const ENVIRONMENTS = ["dev", "staging", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** EKS standard-support end dates (AWS EKS Kubernetes version calendar). */
export const EKS_STANDARD_SUPPORT_END: Readonly<Record<string, string>> = {
  "1.33": "2026-07-29",
  "1.34": "2026-12-02",
  "1.35": "2027-03-27",
};
export const DEFAULT_KUBERNETES_VERSION = "1.35";

export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
/** Values CloudWatch Logs accepts for retentionInDays. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const IAM_ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,32}$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const CLUSTER_NAME = /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/;
const NODE_GROUP_NAME = /^[a-z][a-z0-9-]{0,37}$/;
// Platform services (issue 3).
const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/;
const GIT_URL = /^(https:\/\/[^\s@]+|ssh:\/\/[^\s]+|git@[^\s:]+:[^\s]+)$/;
const GIT_PATH = /^(?!\/)(?!.*\.\.)[A-Za-z0-9._\/-]+$/;
const GIT_REVISION = /^[A-Za-z0-9._\/-]{1,255}$/;
const SLACK_CHANNEL = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const NAMESPACE_GLOB = /^[a-z0-9*]([-a-z0-9*]{0,61}[a-z0-9*])?$/;
// GitHub owner/repository names: https://docs.github.com/en/repositories (alphanumerics, '-', '_', '.').
const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const OIDC_PROVIDER_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;
/** Days before the end of EKS standard support from which every run warns. */
export const SUPPORT_WARNING_DAYS = 60;
/** Keys whose values are credentials: they must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["gitopsRepoPassword", "slackToken", "oidcClientSecret"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"].map((c) => new Netmask(c));

// ---------------------------------------------------------------------------------------
// Schema of the raw keys (under the `platform:` namespace). Every field is optional here;
// per-environment profiles fill the gaps, so a stack file only states what it changes.

const cidrString = z.string().refine((s) => parseCidr(s) !== undefined, {
  message: "must be an IPv4 CIDR such as 10.0.0.0/16",
});

const nodeGroupSchema = z
  .object({
    name: z.string().regex(NODE_GROUP_NAME, "must be lowercase letters, digits and '-', starting with a letter, at most 38 characters"),
    instanceTypes: z
      .array(z.string().regex(INSTANCE_TYPE, "must be an EC2 instance type such as m7i.large"))
      .min(1, "must list at least one instance type"),
    minSize: z.coerce.number().int("must be a whole number").min(0, "must be >= 0"),
    desiredSize: z.coerce.number().int("must be a whole number").min(0, "must be >= 0"),
    maxSize: z.coerce.number().int("must be a whole number").min(1, "must be >= 1").max(1000, "must be <= 1000"),
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { message: "must be ON_DEMAND or SPOT" }).default("ON_DEMAND"),
    amiFamily: z.enum(["AL2023", "Bottlerocket"], { message: "must be AL2023 or Bottlerocket" }).default("AL2023"),
    diskSizeGiB: z.coerce.number().int("must be a whole number").min(20, "must be >= 20 GiB").max(16384, "must be <= 16384 GiB").default(50),
    labels: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,30}[a-z0-9])?$/;
/** Namespaces a team may not take: the platform's own and Kubernetes'. */
export const RESERVED_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease", "cert-manager", "aws-load-balancer", "ingress", "external-dns", "argocd", "observability", "apps"];

const teamSchema = z
  .object({
    name: z.string().regex(DNS_LABEL, "must be a DNS label: lowercase letters, digits and '-', at most 32 characters"),
    iamRoleArn: z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/team-orders"),
    /** Optional CI role that deploys with Pulumi into the namespace (EKS edit policy, namespace-scoped). */
    deployRoleArn: z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/orders-deployer").optional(),
    repositories: z.array(z.string().regex(GIT_URL, "must be an https:// or ssh:// git URL (or git@host:org/repo.git); * globs allowed")).min(1, "must list at least one git repository Argo CD may sync from"),
    apps: z.array(z.string().regex(DNS_LABEL, "must be a DNS label such as orders-api")).default([]),
    appPort: z.coerce.number().int("must be a whole number").min(1024, "must be >= 1024 (containers run as non-root)").max(65535, "must be <= 65535").default(8080),
    egressPublicHttps: z.boolean({ message: "must be true or false" }).default(false),
    quota: z
      .object({
        requestsCpu: z.coerce.number().positive("must be > 0").default(4),
        requestsMemoryGi: z.coerce.number().positive("must be > 0").default(8),
        limitsMemoryGi: z.coerce.number().positive("must be > 0").default(16),
        pods: z.coerce.number().int("must be a whole number").min(1, "must be >= 1").default(40),
      })
      .strict()
      .default({ requestsCpu: 4, requestsMemoryGi: 8, limitsMemoryGi: 16, pods: 40 }),
  })
  .strict();

const rawSchema = z
  .object({
    environment: z.enum(ENVIRONMENTS, { message: `must be one of ${ENVIRONMENTS.join(", ")}` }),
    region: z.string().regex(REGION, "must be an AWS region such as eu-west-1"),
    clusterName: z.string().regex(CLUSTER_NAME, "must start with a letter and hold only letters, digits and '-', at most 63 characters").optional(),
    availabilityZoneCount: z.coerce.number().int("must be a whole number").min(2, "must be at least 2 (EKS needs subnets in two zones)").max(4, "must be at most 4").optional(),
    vpcCidr: cidrString.optional(),
    serviceCidr: cidrString.optional(),
    natGateways: z.enum(["single", "perAz"], { message: "must be single or perAz" }).optional(),
    kubernetesVersion: z.string().optional(),
    nodeGroups: z.array(nodeGroupSchema).min(1, "must list at least one node group for system pods").optional(),
    endpointPrivateAccess: z.boolean({ message: "must be true or false" }).optional(),
    endpointPublicAccessCidrs: z.array(cidrString).optional(),
    clusterAdmins: z.array(z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin")).optional(),
    clusterViewers: z.array(z.string().regex(IAM_ROLE_ARN, "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-viewer")).optional(),
    deployerAccess: z.boolean({ message: "must be true or false" }).optional(),
    domain: z.string().regex(DNS_NAME, "must be a lowercase DNS name such as dev.example.com"),
    hostedZoneId: z.string().regex(HOSTED_ZONE_ID, "must be a Route53 hosted zone id such as Z0123456789ABCDEFGHIJ"),
    tags: z
      .record(
        z.string().min(1).max(128, "tag keys are at most 128 characters").refine((k) => !k.toLowerCase().startsWith("aws:"), "the aws: prefix is reserved by AWS"),
        z.string().max(256, "tag values are at most 256 characters"),
      )
      .optional(),
    controlPlaneLogTypes: z.array(z.enum(CONTROL_PLANE_LOG_TYPES, { message: `must be among ${CONTROL_PLANE_LOG_TYPES.join(", ")}` })).optional(),
    logRetentionDays: z.coerce
      .number()
      .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(", ")}`)
      .optional(),
    karpenterCapacityTypes: z.array(z.enum(["spot", "on-demand"], { message: "must be spot or on-demand" })).min(1).optional(),
    karpenterArchitectures: z.array(z.enum(["amd64", "arm64"], { message: "must be amd64 or arm64" })).min(1).optional(),
    karpenterCpuLimit: z.coerce.number().int("must be a whole number").min(1, "must be >= 1").optional(),
    protectStatefulResources: z.boolean({ message: "must be true or false" }).optional(),
    // Platform services (issue 3).
    acmeEmail: z.string().regex(EMAIL, "must be an email address Let's Encrypt can write to, such as platform-team@example.com").optional(),
    gitopsRepoUrl: z.string().regex(GIT_URL, "must be an https:// or ssh:// git URL (or git@host:org/repo.git)").optional(),
    gitopsPath: z.string().regex(GIT_PATH, "must be a relative path inside the repository, such as clusters/dev (no leading '/', no '..')").optional(),
    gitopsRevision: z.string().regex(GIT_REVISION, "must be a branch, tag or commit such as main").optional(),
    gitopsNamespaces: z.array(z.string().regex(NAMESPACE_GLOB, "must be a namespace name or glob such as apps-*")).min(1, "list at least one namespace").optional(),
    gitopsRepoUsername: z.string().min(1, "must not be empty").optional(),
    gitopsRepoPassword: z.string().min(1, "must not be empty").optional(),
    slackChannel: z.string().regex(SLACK_CHANNEL, "must be a Slack channel name without '#', such as platform-alerts").optional(),
    slackToken: z.string().min(1, "must not be empty (a Slack bot token, xoxb-...)").optional(),
    oidcIssuer: z.string().url("must be the issuer URL, such as https://login.example.com").refine((u) => u.startsWith("https://"), "must use https").optional(),
    oidcClientId: z.string().min(1, "must not be empty").optional(),
    oidcClientSecret: z.string().min(1, "must not be empty").optional(),
    observabilityRetentionDays: z.coerce.number().int("must be a whole number").min(1, "must be >= 1").max(3650, "must be <= 3650").optional(),
    // App teams (issue 5).
    teams: z.array(teamSchema).optional(),
    // CI access (issue 10): the preview and drift roles GitHub Actions assume.
    githubRepository: z.string().regex(GITHUB_REPOSITORY, "must be the GitHub repository of this program as owner/name, such as acme/platform").optional(),
    githubOidcProviderArn: z.string().regex(OIDC_PROVIDER_ARN, "must be the ARN of the account's IAM OIDC provider for token.actions.githubusercontent.com").optional(),
    githubDefaultBranch: z.string().regex(GIT_REVISION, "must be a branch name such as main").optional(),
    // The EKS support tripwire's hotfix override: the reason, logged on every run.
    kubernetesSupportOverride: z.string().min(15, "must state the reason (at least 15 characters), e.g. \"hotfix INC-123 before the 1.36 upgrade\"").optional(),
  })
  .strict();

type RawConfig = z.infer<typeof rawSchema>;
type NodeGroupInput = z.infer<typeof nodeGroupSchema>;
export type TeamConfig = z.infer<typeof teamSchema>;

export interface NodeGroupConfig {
  name: string;
  instanceTypes: string[];
  minSize: number;
  desiredSize: number;
  maxSize: number;
  capacityType: "ON_DEMAND" | "SPOT";
  amiFamily: "AL2023" | "Bottlerocket";
  architecture: "x86_64" | "arm64";
  diskSizeGiB: number;
  labels: Record<string, string>;
}

export interface PlatformConfig {
  project: string;
  stack: string;
  environment: Environment;
  region: string;
  clusterName: string;
  availabilityZoneCount: number;
  vpcCidr: string;
  serviceCidr: string;
  natGateways: "single" | "perAz";
  kubernetesVersion: string;
  nodeGroups: NodeGroupConfig[];
  endpoint: { privateAccess: boolean; publicAccess: boolean; publicAccessCidrs: string[] };
  clusterAdmins: string[];
  clusterViewers: string[];
  deployerAccess: boolean;
  dns: { domain: string; hostedZoneId: string };
  tags: Record<string, string>;
  controlPlaneLogTypes: (typeof CONTROL_PLANE_LOG_TYPES)[number][];
  logRetentionDays: number;
  karpenter: { capacityTypes: ("spot" | "on-demand")[]; architectures: ("amd64" | "arm64")[]; cpuLimit: number };
  /** Protect stateful resources (keys, buckets, log groups, the cluster) from deletion. */
  protect: boolean;
  /** Derived, non-overlapping subnet plan. */
  subnets: { private: string[]; public: string[] };
  /** Let's Encrypt account email (default hostmaster@<domain>, RFC 2142). */
  acmeEmail: string;
  /** Argo CD's root Application; `repoUrl` unset means no root Application yet. */
  gitops: {
    repoUrl?: string;
    path: string;
    revision: string;
    /** Namespaces (globs) the root project may deploy into. */
    namespaces: string[];
    credentials?: { username: string; password: pulumi.Output<string> };
  };
  /** Argo CD notifications; unset means none. */
  slack?: { channel: string; token: pulumi.Output<string> };
  /** Argo CD SSO; unset means local admin only. */
  oidc?: { issuer: string; clientId: string; clientSecret: pulumi.Output<string> };
  observability: { retentionDays: number };
  /** Onboarded app teams: each gets a namespace, RBAC, an AppProject and ECR repositories. */
  teams: TeamConfig[];
  /** GitHub Actions' preview and drift roles; unset means none are created. */
  ci?: { repository: string; oidcProviderArn?: string; defaultBranch: string };
  /** Non-fatal findings (EKS support ending, an override in use): logged by loadConfig. */
  warnings: string[];
}

/** Service keys without a per-environment default (optional, or derived from other keys). */
type NoProfileKey = "acmeEmail" | "gitopsRepoUrl" | "gitopsRepoUsername" | SecretKey | "slackChannel" | "oidcIssuer" | "oidcClientId" | "teams" | "githubRepository" | "githubOidcProviderArn" | "githubDefaultBranch" | "kubernetesSupportOverride";
type Profile = Required<Omit<RawConfig, "environment" | "region" | "domain" | "hostedZoneId" | "clusterName" | "tags" | NoProfileKey>>;

/** Defaults every environment shares. */
const COMMON = {
  serviceCidr: "172.20.0.0/16",
  kubernetesVersion: DEFAULT_KUBERNETES_VERSION,
  endpointPrivateAccess: true,
  endpointPublicAccessCidrs: [],
  clusterAdmins: [],
  clusterViewers: [],
  deployerAccess: true,
  karpenterArchitectures: ["amd64", "arm64"],
  gitopsRevision: "main",
  gitopsNamespaces: ["apps", "apps-*"],
} satisfies Partial<Profile>;

/** Per-environment defaults: dev cheap, staging prod-shaped but smaller, prod highly available. */
export const PROFILES: Record<Environment, Profile> = {
  dev: {
    ...COMMON,
    availabilityZoneCount: 2,
    vpcCidr: "10.10.0.0/16",
    natGateways: "single",
    nodeGroups: [
      { name: "system", instanceTypes: ["t3.large", "t3a.large", "m5.large"], minSize: 1, desiredSize: 2, maxSize: 3, capacityType: "SPOT", amiFamily: "AL2023", diskSizeGiB: 30, labels: {} },
    ],
    controlPlaneLogTypes: ["api", "audit", "authenticator"],
    logRetentionDays: 7,
    karpenterCapacityTypes: ["spot"],
    karpenterCpuLimit: 32,
    protectStatefulResources: false,
    gitopsPath: "clusters/dev",
    observabilityRetentionDays: 7,
  },
  staging: {
    ...COMMON,
    availabilityZoneCount: 3,
    vpcCidr: "10.20.0.0/16",
    natGateways: "perAz",
    nodeGroups: [
      { name: "system", instanceTypes: ["m6i.large", "m7i.large"], minSize: 2, desiredSize: 3, maxSize: 4, capacityType: "ON_DEMAND", amiFamily: "AL2023", diskSizeGiB: 50, labels: {} },
    ],
    controlPlaneLogTypes: ["api", "audit", "authenticator"],
    logRetentionDays: 30,
    karpenterCapacityTypes: ["spot", "on-demand"],
    karpenterCpuLimit: 64,
    protectStatefulResources: false,
    gitopsPath: "clusters/staging",
    observabilityRetentionDays: 30,
  },
  prod: {
    ...COMMON,
    availabilityZoneCount: 3,
    vpcCidr: "10.30.0.0/16",
    natGateways: "perAz",
    nodeGroups: [
      { name: "system", instanceTypes: ["m6i.xlarge", "m7i.xlarge"], minSize: 3, desiredSize: 3, maxSize: 6, capacityType: "ON_DEMAND", amiFamily: "AL2023", diskSizeGiB: 80, labels: {} },
    ],
    controlPlaneLogTypes: [...CONTROL_PLANE_LOG_TYPES],
    logRetentionDays: 365,
    karpenterCapacityTypes: ["on-demand", "spot"],
    karpenterCpuLimit: 256,
    protectStatefulResources: true,
    gitopsPath: "clusters/prod",
    observabilityRetentionDays: 90,
  },
};

/** Keys that are objects or lists of objects; Pulumi's project-config schema cannot type them. */
export const OBJECT_KEYS = ["nodeGroups", "tags", "teams"] as const;
export const CONFIG_KEYS = Object.keys(rawSchema.shape) as (keyof RawConfig)[];

// ---------------------------------------------------------------------------------------

export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface ParseOptions {
  project?: string;
  stack?: string;
  /** The date against which EKS standard support is judged (tests pin it). */
  now?: Date;
  /** Running in CI (default: env CI=true): a version past standard support fails only there. */
  ci?: boolean;
}

/**
 * Validates raw config (keys without the `platform:` prefix, values already decoded)
 * and returns the typed config, or throws ConfigError listing every problem.
 */
export function parseConfig(raw: Record<string, unknown>, opts: ParseOptions = {}): PlatformConfig {
  const project = opts.project ?? PROJECT;
  const problems: string[] = [];
  const key = (path: PropertyKey[]) => `${project}:${formatPath(path)}`;

  // Each key (and each node group) is parsed on its own, so one bad value does not
  // hide the problems of the others; cross-key checks run on what did parse.
  const r: Partial<RawConfig> = {};
  const rawObj = raw !== null && typeof raw === "object" ? raw : {};
  for (const k of Object.keys(rawObj)) {
    if (!(k in rawSchema.shape)) {
      const hint = closest(k, CONFIG_KEYS as string[]);
      problems.push(`${key([k])}: unknown key.${hint ? ` Did you mean '${hint}'?` : ""} Fix: rename or remove it.`);
    }
  }
  for (const k of CONFIG_KEYS) {
    if (k === "nodeGroups" && Array.isArray(rawObj[k])) {
      const groups: NodeGroupInput[] = [];
      (rawObj[k] as unknown[]).forEach((g, i) => {
        const res = nodeGroupSchema.safeParse(g);
        if (res.success) groups.push(res.data);
        else reportIssues(res.error.issues, [k, i], g, key, problems);
      });
      if ((rawObj[k] as unknown[]).length === 0) problems.push(`${key([k])}: must list at least one node group for system pods (got []).`);
      else if (groups.length === (rawObj[k] as unknown[]).length) r.nodeGroups = groups;
      continue;
    }
    const res = (rawSchema.shape[k] as z.ZodTypeAny).safeParse(rawObj[k]);
    if (res.success) (r as any)[k] = res.data;
    else reportIssues(res.error.issues, [k], rawObj[k], key, problems);
  }
  if (!r.environment || !r.region || !r.domain || !r.hostedZoneId) throw new ConfigError(problems);

  const p = PROFILES[r.environment];
  const pick = <K extends keyof typeof p>(k: K): NonNullable<(typeof p)[K]> => (r[k as keyof RawConfig] ?? p[k]) as NonNullable<(typeof p)[K]>;

  const warnings: string[] = [];
  const kubernetesVersion = pick("kubernetesVersion");
  checkSupport(kubernetesVersion, r.kubernetesSupportOverride, { now: opts.now ?? new Date(), ci: opts.ci ?? process.env.CI === "true" }, key, problems, warnings);

  const vpcCidr = pick("vpcCidr");
  const serviceCidr = pick("serviceCidr");
  const azCount = pick("availabilityZoneCount");
  checkNetwork(vpcCidr, "vpcCidr", 16, 20, key, problems);
  checkNetwork(serviceCidr, "serviceCidr", 12, 24, key, problems);
  const vpc = parseCidr(vpcCidr);
  const svc = parseCidr(serviceCidr);
  if (vpc && svc && overlaps(vpc, svc)) {
    problems.push(`${key(["serviceCidr"])}: ${serviceCidr} overlaps vpcCidr ${vpcCidr}. Fix: pick a service range outside the VPC, such as 172.20.0.0/16.`);
  }

  const nodeGroups: NodeGroupConfig[] = [];
  const groups = pick("nodeGroups");
  const groupPath = r.nodeGroups ? "nodeGroups" : "nodeGroups (profile default)";
  const seen = new Set<string>();
  groups.forEach((g, i) => {
    const k = (f: string) => `${project}:${groupPath}[${i}].${f}`;
    if (seen.has(g.name)) problems.push(`${k("name")}: duplicate node group name ${JSON.stringify(g.name)}. Fix: give each node group a unique name.`);
    seen.add(g.name);
    if (g.minSize > g.desiredSize) problems.push(`${k("minSize")}: ${g.minSize} is above desiredSize ${g.desiredSize}. Fix: keep minSize <= desiredSize <= maxSize.`);
    if (g.desiredSize > g.maxSize) problems.push(`${k("maxSize")}: ${g.maxSize} is below desiredSize ${g.desiredSize}. Fix: keep minSize <= desiredSize <= maxSize.`);
    const arches = new Set(g.instanceTypes.map(architectureOf));
    if (arches.size > 1) problems.push(`${k("instanceTypes")}: mixes x86_64 and arm64 types (${g.instanceTypes.join(", ")}); one AMI serves one architecture. Fix: split them into two node groups.`);
    nodeGroups.push({ ...g, architecture: architectureOf(g.instanceTypes[0]) });
  });
  if (r.environment === "prod" && !nodeGroups.some((g) => g.capacityType === "ON_DEMAND" && g.minSize >= 2)) {
    problems.push(`${key(["nodeGroups"])}: prod needs at least one ON_DEMAND node group with minSize >= 2 so system pods survive a node loss. Fix: set capacityType ON_DEMAND and minSize 2 or more on one group.`);
  }

  const publicAccessCidrs = pick("endpointPublicAccessCidrs");
  const privateAccess = pick("endpointPrivateAccess");
  publicAccessCidrs.forEach((c, i) => {
    const n = parseCidr(c);
    if (n && n.bitmask === 0 && r.environment === "prod") {
      problems.push(`${key(["endpointPublicAccessCidrs", i])}: ${c} opens the prod API endpoint to the whole internet. Fix: list your office and CI egress ranges, or leave the list empty for a private-only endpoint.`);
    }
    if (n && `${n.base}/${n.bitmask}` !== c) problems.push(`${key(["endpointPublicAccessCidrs", i])}: ${c} is not a network address. Fix: use ${n.base}/${n.bitmask}.`);
  });
  if (!privateAccess && publicAccessCidrs.length === 0) {
    problems.push(`${key(["endpointPrivateAccess"])}: false with no endpointPublicAccessCidrs leaves the API server unreachable. Fix: enable private access or list public CIDRs.`);
  }

  for (const listKey of ["clusterAdmins", "clusterViewers"] as const) {
    const list = pick(listKey);
    const dup = list.find((a, i) => list.indexOf(a) !== i);
    if (dup) problems.push(`${key([listKey])}: ${dup} is listed twice. Fix: list each principal once.`);
  }
  const both = pick("clusterAdmins").filter((a) => pick("clusterViewers").includes(a));
  if (both.length) problems.push(`${key(["clusterViewers"])}: ${both[0]} is also a cluster admin; one principal has one access entry. Fix: keep it in one list.`);

  // Teams: each owns a namespace and an access entry, so names and roles are unique and
  // clear of the platform's own namespaces and principals.
  const teams = r.teams ?? [];
  const gitopsGlobs = pick("gitopsNamespaces");
  teams.forEach((t, i) => {
    const k = (f: string) => key(["teams", i, f]);
    if (teams.findIndex((o) => o.name === t.name) !== i) problems.push(`${k("name")}: team ${JSON.stringify(t.name)} is listed twice. Fix: give each team a unique name.`);
    if (RESERVED_NAMESPACES.includes(t.name) || t.name.startsWith("kube-")) problems.push(`${k("name")}: ${JSON.stringify(t.name)} is a platform or Kubernetes namespace. Fix: pick another team name.`);
    else if (gitopsGlobs.some((g) => globMatch(g, t.name))) problems.push(`${k("name")}: namespace ${JSON.stringify(t.name)} is also a destination of the shared apps project (gitopsNamespaces ${gitopsGlobs.join(", ")}). Fix: rename the team or narrow gitopsNamespaces.`);
    if (teams.findIndex((o) => o.iamRoleArn === t.iamRoleArn) !== i) problems.push(`${k("iamRoleArn")}: ${t.iamRoleArn} already belongs to team ${JSON.stringify(teams.find((o) => o.iamRoleArn === t.iamRoleArn)!.name)}; one role has one access entry. Fix: give each team its own role.`);
    const allRoles = teams.flatMap((o, j) => [{ arn: o.iamRoleArn, where: ["teams", j, "iamRoleArn"] }, ...(o.deployRoleArn ? [{ arn: o.deployRoleArn, where: ["teams", j, "deployRoleArn"] }] : [])]);
    if (t.deployRoleArn) {
      const first = allRoles.find((x) => x.arn === t.deployRoleArn)!;
      if (first.where[1] !== i || first.where[2] !== "deployRoleArn") problems.push(`${k("deployRoleArn")}: ${t.deployRoleArn} is already ${key(first.where)}; one role has one access entry. Fix: use a dedicated deploy role.`);
      if ([...pick("clusterAdmins"), ...pick("clusterViewers")].includes(t.deployRoleArn)) problems.push(`${k("deployRoleArn")}: ${t.deployRoleArn} is also a cluster admin or viewer. Fix: use a dedicated deploy role.`);
    }
    if ([...pick("clusterAdmins"), ...pick("clusterViewers")].includes(t.iamRoleArn)) problems.push(`${k("iamRoleArn")}: ${t.iamRoleArn} is also a cluster admin or viewer. Fix: give the team a role of its own.`);
    const dupApp = t.apps.find((a, j) => t.apps.indexOf(a) !== j);
    if (dupApp) problems.push(`${k("apps")}: app ${JSON.stringify(dupApp)} is listed twice. Fix: list each app once.`);
    if (t.quota.limitsMemoryGi < t.quota.requestsMemoryGi) problems.push(`${key(["teams", i, "quota", "limitsMemoryGi"])}: ${t.quota.limitsMemoryGi} is below requestsMemoryGi ${t.quota.requestsMemoryGi}. Fix: raise limitsMemoryGi.`);
  });

  const tags = r.tags ?? {};
  for (const reserved of ["environment", "managed-by", "platform:stack"]) {
    if (reserved in tags) problems.push(`${key(["tags", reserved])}: is set by the program. Fix: remove it from tags.`);
  }

  const logTypes = pick("controlPlaneLogTypes");
  for (const required of ["api", "audit", "authenticator"] as const) {
    if (!logTypes.includes(required)) problems.push(`${key(["controlPlaneLogTypes"])}: must include ${required} (audit trail). Fix: add "${required}".`);
  }
  if (r.environment === "prod" && logTypes.length < CONTROL_PLANE_LOG_TYPES.length) {
    problems.push(`${key(["controlPlaneLogTypes"])}: prod keeps all five control-plane log types. Fix: list ${CONTROL_PLANE_LOG_TYPES.join(", ")}.`);
  }

  // Platform services: keys that only make sense together.
  const together = (keys: (keyof RawConfig)[], what: string) => {
    const set = keys.filter((k) => r[k] !== undefined);
    if (set.length > 0 && set.length < keys.length) {
      const missing = keys.filter((k) => r[k] === undefined);
      problems.push(`${key([missing[0]])}: ${what} needs ${keys.join(", ")} together, but only ${set.join(", ")} ${set.length === 1 ? "is" : "are"} set. Fix: set ${missing.join(", ")} (secrets with \`pulumi config set --secret\`), or remove ${set.join(", ")}.`);
    }
  };
  together(["gitopsRepoUsername", "gitopsRepoPassword"], "GitOps repository credentials");
  together(["slackChannel", "slackToken"], "Slack notifications");
  together(["oidcIssuer", "oidcClientId", "oidcClientSecret"], "OIDC single sign-on");
  if (r.gitopsRepoPassword !== undefined && r.gitopsRepoUrl === undefined) {
    problems.push(`${key(["gitopsRepoUrl"])}: repository credentials are set but no repository. Fix: set gitopsRepoUrl, or remove gitopsRepoUsername/gitopsRepoPassword.`);
  }
  if (r.gitopsRepoPassword !== undefined && r.gitopsRepoUrl !== undefined && !r.gitopsRepoUrl.startsWith("https://")) {
    problems.push(`${key(["gitopsRepoUrl"])}: username/password credentials work over https only (got ${JSON.stringify(r.gitopsRepoUrl)}). Fix: use the https:// URL of the repository.`);
  }
  const retentionDays = pick("observabilityRetentionDays");
  if (r.environment === "prod" && retentionDays < 30) {
    problems.push(`${key(["observabilityRetentionDays"])}: prod keeps logs, metrics and traces at least 30 days (got ${retentionDays}). Fix: set 30 or more.`);
  }

  let subnets = { private: [] as string[], public: [] as string[] };
  if (vpc && svc && problems.length === 0) subnets = planSubnets(vpcCidr, azCount);

  if (problems.length) throw new ConfigError(problems);

  return {
    project,
    stack: opts.stack ?? r.environment,
    environment: r.environment,
    region: r.region,
    clusterName: r.clusterName ?? `${project}-${r.environment}`,
    availabilityZoneCount: azCount,
    vpcCidr,
    serviceCidr,
    natGateways: pick("natGateways"),
    kubernetesVersion,
    nodeGroups,
    endpoint: { privateAccess, publicAccess: publicAccessCidrs.length > 0, publicAccessCidrs },
    clusterAdmins: pick("clusterAdmins"),
    clusterViewers: pick("clusterViewers"),
    deployerAccess: pick("deployerAccess"),
    dns: { domain: r.domain, hostedZoneId: r.hostedZoneId },
    tags: { ...tags, environment: r.environment, "managed-by": "pulumi", "platform:stack": opts.stack ?? r.environment },
    controlPlaneLogTypes: logTypes,
    logRetentionDays: pick("logRetentionDays"),
    karpenter: { capacityTypes: pick("karpenterCapacityTypes"), architectures: pick("karpenterArchitectures"), cpuLimit: pick("karpenterCpuLimit") },
    protect: pick("protectStatefulResources"),
    subnets,
    acmeEmail: r.acmeEmail ?? `hostmaster@${r.domain}`,
    gitops: {
      repoUrl: r.gitopsRepoUrl,
      path: pick("gitopsPath"),
      revision: pick("gitopsRevision"),
      namespaces: pick("gitopsNamespaces"),
      credentials: r.gitopsRepoUsername && r.gitopsRepoPassword ? { username: r.gitopsRepoUsername, password: pulumi.secret(r.gitopsRepoPassword) } : undefined,
    },
    slack: r.slackChannel && r.slackToken ? { channel: r.slackChannel, token: pulumi.secret(r.slackToken) } : undefined,
    oidc: r.oidcIssuer && r.oidcClientId && r.oidcClientSecret ? { issuer: r.oidcIssuer, clientId: r.oidcClientId, clientSecret: pulumi.secret(r.oidcClientSecret) } : undefined,
    observability: { retentionDays },
    teams: r.teams ?? [],
    ci: r.githubRepository ? { repository: r.githubRepository, oidcProviderArn: r.githubOidcProviderArn, defaultBranch: r.githubDefaultBranch ?? "main" } : undefined,
    warnings,
  };
}

/**
 * The EKS support tripwire. A version past standard support fails in CI only (env CI=true),
 * so a deploy cannot slide into paid extended support unnoticed, while an operator's local
 * run still works; `kubernetesSupportOverride` (a reason, logged on every run) lets a hotfix
 * through CI. From SUPPORT_WARNING_DAYS before the end, every run warns.
 */
function checkSupport(version: string, override: string | undefined, when: { now: Date; ci: boolean }, key: (p: PropertyKey[]) => string, problems: string[], warnings: string[]) {
  const end = EKS_STANDARD_SUPPORT_END[version];
  const endOf = (d: string) => new Date(`${d}T23:59:59Z`);
  const supported = Object.entries(EKS_STANDARD_SUPPORT_END).filter(([, d]) => endOf(d) >= when.now).map(([v]) => v);
  if (!end) {
    problems.push(`${key(["kubernetesVersion"])}: ${JSON.stringify(version)} is not an EKS version this program knows. Fix: use one in standard support: ${supported.join(", ")}.`);
    return;
  }
  const daysLeft = Math.floor((endOf(end).getTime() - when.now.getTime()) / 86_400_000);
  const upgrade = `upgrade to ${supported.join(" or ") || "a newer version (add it to EKS_STANDARD_SUPPORT_END)"}`;
  if (endOf(end) < when.now) {
    const msg = `${key(["kubernetesVersion"])}: ${version} left EKS standard support on ${end}`;
    if (override) warnings.push(`${msg}; allowed by ${key(["kubernetesSupportOverride"])}: ${JSON.stringify(override)}. Remove the override once you ${upgrade}.`);
    else if (when.ci) problems.push(`${msg}. Fix: ${upgrade}; for an urgent fix meanwhile, set ${key(["kubernetesSupportOverride"])} to the reason (it is logged on every run).`);
    else warnings.push(`${msg}; CI (CI=true) refuses it. Fix: ${upgrade}.`);
    return;
  }
  if (override) warnings.push(`${key(["kubernetesSupportOverride"])}: is set but ${version} is still in standard support (until ${end}). Fix: remove it.`);
  if (daysLeft <= SUPPORT_WARNING_DAYS) warnings.push(`${key(["kubernetesVersion"])}: ${version} leaves EKS standard support on ${end} (${daysLeft} days). Fix: ${upgrade.replace(`${version} or `, "")} before then; CI refuses ${version} after that date.`);
}

/**
 * Decodes Pulumi's flat config map (`platform:key` -> string) into raw values: objects
 * and lists arrive JSON-encoded, booleans as "true"/"false"; strings stay strings, so
 * a version such as "1.30" is never read as the number 1.3.
 */
export function decodeConfigMap(all: Record<string, string>, project = PROJECT): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  const prefix = `${project}:`;
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(prefix)) continue;
    const name = k.slice(prefix.length);
    const t = v.trim();
    if (t.startsWith("{") || t.startsWith("[") || t === "true" || t === "false") {
      try {
        raw[name] = JSON.parse(t);
        continue;
      } catch {
        // fall through: the schema reports the bad value under its key
      }
    }
    raw[name] = v;
  }
  return raw;
}

/** Reads and validates the current stack's config; the only reader of raw config. */
export function loadConfig(opts: ParseOptions = {}): PlatformConfig {
  const project = opts.project ?? PROJECT;
  const all = pulumi.runtime.allConfig();
  // Credentials stored in plain text would sit unencrypted in the stack file: refuse them.
  const plainSecrets = SECRET_KEYS.filter((k) => `${project}:${k}` in all && isConfigSecret(`${project}:${k}`) === false);
  if (plainSecrets.length) {
    throw new ConfigError(plainSecrets.map((k) => `${project}:${k}: is a credential but is stored in plain text. Fix: \`pulumi config set --secret ${k} <value>\`.`));
  }
  const cfg = parseConfig(decodeConfigMap(all, project), { stack: pulumi.getStack(), ...opts });
  for (const w of cfg.warnings) void pulumi.log.warn(w);
  // Secret values come from Pulumi's own secret reader, so they stay secret end to end.
  const config = new pulumi.Config(project);
  if (cfg.gitops.credentials) cfg.gitops.credentials.password = config.requireSecret("gitopsRepoPassword");
  if (cfg.slack) cfg.slack.token = config.requireSecret("slackToken");
  if (cfg.oidc) cfg.oidc.clientSecret = config.requireSecret("oidcClientSecret");
  return cfg;
}

/** Whether the engine marked a key secret; undefined where the SDK does not say. */
function isConfigSecret(fullKey: string): boolean | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const fn = require("@pulumi/pulumi/runtime/config").isConfigSecret as ((k: string) => boolean) | undefined;
    return typeof fn === "function" ? fn(fullKey) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Network math (netmask does the CIDR arithmetic).

export function parseCidr(s: string): Netmask | undefined {
  if (typeof s !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(s)) return undefined;
  try {
    return new Netmask(s);
  } catch {
    return undefined;
  }
}

function overlaps(a: Netmask, b: Netmask): boolean {
  return a.contains(b.base) || b.contains(a.base);
}

function checkNetwork(cidr: string, name: string, minPrefix: number, maxPrefix: number, key: (p: PropertyKey[]) => string, problems: string[]) {
  const n = parseCidr(cidr);
  if (!n) return; // the schema already reported it
  if (`${n.base}/${n.bitmask}` !== cidr) problems.push(`${key([name])}: ${cidr} is not a network address. Fix: use ${n.base}/${n.bitmask}.`);
  if (n.bitmask < minPrefix || n.bitmask > maxPrefix) problems.push(`${key([name])}: prefix /${n.bitmask} is outside /${minPrefix}../${maxPrefix}. Fix: use a prefix in that range.`);
  if (!PRIVATE_RANGES.some((r) => r.contains(n.base) && r.contains(n.broadcast ?? n.last))) {
    problems.push(`${key([name])}: ${cidr} is not a private range. Fix: use a range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or 100.64.0.0/10.`);
  }
}

/**
 * Splits the VPC into 2^k equal blocks (k the smallest with 2^k > azCount): one large
 * private subnet per AZ (pods take VPC addresses under the VPC CNI), and the last block
 * split again into small public subnets for load balancers and NAT gateways.
 */
export function planSubnets(vpcCidr: string, azCount: number): { private: string[]; public: string[] } {
  const vpc = new Netmask(vpcCidr);
  const k = Math.ceil(Math.log2(azCount + 1));
  const privateBits = vpc.bitmask + k;
  const blocks: Netmask[] = [];
  let block = new Netmask(`${vpc.base}/${privateBits}`);
  for (let i = 0; i < 2 ** k; i++) {
    blocks.push(block);
    block = block.next();
  }
  const spare = blocks[blocks.length - 1];
  const publicBits = spare.bitmask + Math.ceil(Math.log2(azCount));
  const pub: string[] = [];
  let p = new Netmask(`${spare.base}/${publicBits}`);
  for (let i = 0; i < azCount; i++) {
    pub.push(`${p.base}/${p.bitmask}`);
    p = p.next();
  }
  return { private: blocks.slice(0, azCount).map((b) => `${b.base}/${b.bitmask}`), public: pub };
}

/** Graviton families carry a `g` after the generation digit (m7g, c6gn, t4g, r8gd...). */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
  const family = instanceType.split(".")[0];
  return /^[a-z]+\d+g/.test(family) ? "arm64" : "x86_64";
}

const TYPE_NAMES: Record<string, string> = { number: "a number", array: "a list", object: "a map", string: "a string", boolean: "true or false" };

function reportIssues(issues: z.core.$ZodIssue[], base: PropertyKey[], value: unknown, key: (p: PropertyKey[]) => string, problems: string[]) {
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const got = lookup(value, issue.path);
    const shown = got === undefined ? "it is missing" : `got ${JSON.stringify(got)}`;
    if (issue.code === "unrecognized_keys") {
      for (const k of issue.keys) {
        // Objects nest only in node groups, teams and a team's quota: suggest from those keys.
        const hint = closest(k, [...Object.keys(nodeGroupSchema.shape), ...Object.keys(teamSchema.shape), "requestsCpu", "requestsMemoryGi", "limitsMemoryGi", "pods"]);
        problems.push(`${key([...path, k])}: unknown key.${hint ? ` Did you mean '${hint}'?` : ""} Fix: rename or remove it.`);
      }
    } else if (issue.code === "invalid_key") {
      // A record key failed: report the key's own message under the key's path.
      const k = issue.path[issue.path.length - 1];
      for (const inner of issue.issues) problems.push(`${key(path)}: ${inner.message} (key ${JSON.stringify(k)}). Fix: rename the key.`);
    } else if (issue.code === "invalid_type" && got === undefined) {
      problems.push(`${key(path)}: is required (it is missing). Fix: set it in stacks/Pulumi.<stack>.yaml; Pulumi.yaml describes it.`);
    } else if (issue.code === "invalid_type") {
      problems.push(`${key(path)}: must be ${TYPE_NAMES[issue.expected] ?? issue.expected} (${shown}).`);
    } else {
      problems.push(`${key(path)}: ${issue.message} (${shown}).`);
    }
  }
}

/** `*` matches any run of characters, as in Argo CD destination namespaces. */
function globMatch(glob: string, name: string): boolean {
  return new RegExp(`^${glob.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(name);
}

function formatPath(path: PropertyKey[]): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}

function lookup(obj: unknown, path: PropertyKey[]): unknown {
  let cur: any = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[seg as any];
  }
  return cur;
}

function closest(word: string, candidates: string[]): string | undefined {
  // An abbreviation ("repos" for "repositories") is a typo too far for edit distance.
  const prefixed = word.length >= 3 ? candidates.find((c) => c.toLowerCase().startsWith(word.toLowerCase())) : undefined;
  if (prefixed) return prefixed;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
