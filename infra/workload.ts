// Shared shapes for chart values: the security checklist's pod and container settings,
// resources, and how replica counts scale with the environment.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Environment } from "./config";
import { ClusterIdentityInfo } from "./core/iam";

/** Restricted PSS at pod level: non-root, RuntimeDefault seccomp. */
export function podSecurity(user?: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    ...(user !== undefined ? { runAsUser: user, runAsGroup: user, fsGroup: user } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Restricted PSS at container level: no escalation, no capabilities, read-only root. */
export function containerSecurity(opts: { user?: number; readOnlyRootFilesystem?: boolean } = {}): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    ...(opts.user !== undefined ? { runAsUser: opts.user, runAsGroup: opts.user } : {}),
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Requests for scheduling, a memory limit against leaks; no CPU limit (throttling hurts latency). */
export function resources(cpu: string, memory: string, memoryLimit: string): Record<string, unknown> {
  return { requests: { cpu, memory }, limits: { memory: memoryLimit } };
}

export interface Sizing {
  environment: Environment;
  /** Stateless controllers and frontends: 1 in dev, 2 elsewhere. */
  replicas: number;
  /** Quorum-replicated rings (Loki, Mimir ingesters): 1 in dev, 3 elsewhere. */
  ring: number;
  /** Whether PodDisruptionBudgets make sense (more than one replica). */
  ha: boolean;
  /** Multiplier for requests/limits: dev small, prod large. */
  scale: number;
}

export function sizing(environment: Environment): Sizing {
  switch (environment) {
    case "dev":
      return { environment, replicas: 1, ring: 1, ha: false, scale: 1 };
    case "staging":
      return { environment, replicas: 2, ring: 3, ha: true, scale: 1 };
    case "prod":
      return { environment, replicas: 2, ring: 3, ha: true, scale: 2 };
  }
}

/** Scales a quantity such as "256Mi" or "100m" by an integer factor. */
export function times(q: string, factor: number): string {
  const m = /^(\d+)([A-Za-z]*)$/.exec(q);
  if (!m) throw new Error(`cannot scale quantity ${q}`);
  return `${Number(m[1]) * factor}${m[2]}`;
}

/** Spread replicas over zones, softly, so a single-zone shortage never blocks scheduling. */
export function zoneSpread(labels: Record<string, string>): Record<string, unknown>[] {
  return [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels } }];
}

/** What Loki, Mimir and Tempo share: a namespace, S3 buckets reached through IRSA, retention and sizing. */
export interface ObjectStoreArgs {
  namespace: string;
  cluster: ClusterIdentityInfo;
  region: string;
  retentionDays: number;
  /** Protect and retain the buckets (prod). */
  protect: boolean;
  sizing: Sizing;
  provider: k8s.Provider;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}
