// The platform's stack outputs that app repos read: a versioned contract. The producer
// (infra/platform.ts) and the consumer module (contract/index.ts) both import this file,
// so renaming an output breaks the build here, not an app team's deploy.

/**
 * Semver of the contract. Bump the minor for added outputs, the major for a removed or
 * renamed output or a changed shape, the patch for documentation only. A consumer reads
 * a platform of the same major whose minor is at least its own.
 */
export const CONTRACT_VERSION = "1.1.0";

/** What one onboarded team gets. */
export interface TeamContract {
  /** The team's namespace (Pod Security restricted, default-deny NetworkPolicy). */
  namespace: string;
  /** The Argo CD AppProject limited to that namespace and the team's repositories. */
  appProject: string;
  /** ECR repository URL per app (scan on push, immutable tags). */
  ecrRepositories: Record<string, string>;
  /** The Kubernetes group the team's IAM role is mapped to by its EKS access entry. */
  kubernetesGroup: string;
  /** The port the team's namespace admits from the ingress controller; serve on it. */
  appPort: number;
  /**
   * The team's DNS domain (`<team>.<platform domain>`, since contract 1.1.0). external-dns
   * publishes records and cert-manager issues certificates only inside the platform's domain,
   * so every Ingress host of the team sits under this name.
   */
  domain: string;
}

export interface PlatformContract {
  contractVersion: string;
  environment: string;
  region: string;
  clusterName: string;
  clusterEndpoint: string;
  /** Base64 PEM, as a kubeconfig's certificate-authority-data wants it. */
  clusterCertificateAuthority: string;
  /** Exec-based kubeconfig (aws eks get-token); secret. */
  kubeconfig: string;
  vpcId: string;
  privateSubnetIds: string[];
  /** For IRSA roles; Pod Identity needs only clusterName (trust pods.eks.amazonaws.com). */
  oidcProviderArn: string;
  oidcIssuerUrl: string;
  ingressClass: string;
  clusterIssuers: string[];
  otlpGrpcEndpoint: string;
  otlpHttpEndpoint: string;
  argocdUrl: string;
  grafanaUrl: string;
  teams: Record<string, TeamContract>;
}

export type ContractKey = keyof PlatformContract;

/** Every output the contract promises, in documentation order. */
export const CONTRACT_OUTPUTS: readonly ContractKey[] = [
  "contractVersion",
  "environment",
  "region",
  "clusterName",
  "clusterEndpoint",
  "clusterCertificateAuthority",
  "kubeconfig",
  "vpcId",
  "privateSubnetIds",
  "oidcProviderArn",
  "oidcIssuerUrl",
  "ingressClass",
  "clusterIssuers",
  "otlpGrpcEndpoint",
  "otlpHttpEndpoint",
  "argocdUrl",
  "grafanaUrl",
  "teams",
];

/**
 * Outputs that are secret and meant for app teams; everything else stays plain so consumers
 * need no secrets access. The platform publishes no other secret output at all: a
 * StackReference hands a reader every output, so an operator credential in the outputs
 * would reach every app repo (admin passwords live in Secrets Manager; see README).
 */
export const SECRET_CONTRACT_OUTPUTS: readonly ContractKey[] = ["kubeconfig"];

/** Whether `host` is the team domain itself or a name under it (case-insensitive, no trailing dot). */
export function hostInDomain(host: string, domain: string): boolean {
  const h = host.toLowerCase();
  const d = domain.toLowerCase();
  return d.length > 0 && (h === d || h.endsWith(`.${d}`));
}

/** Whether a consumer built for `consumer` can read a platform that publishes `producer`. */
export function isCompatible(producer: string, consumer: string = CONTRACT_VERSION): boolean {
  const p = parseVersion(producer);
  const c = parseVersion(consumer);
  if (!p || !c) return false;
  // Patch releases never change outputs, so only major and minor matter.
  return p[0] === c[0] && p[1] >= c[1];
}

export function parseVersion(v: unknown): [number, number, number] | undefined {
  const m = typeof v === "string" ? /^(\d+)\.(\d+)\.(\d+)$/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}
