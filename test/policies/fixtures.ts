// Compliant Kubernetes fixtures, wrapped into every workload kind; tests break one thing at a time.

export const TOKENS = {
  Pod: "kubernetes:core/v1:Pod",
  Deployment: "kubernetes:apps/v1:Deployment",
  StatefulSet: "kubernetes:apps/v1:StatefulSet",
  DaemonSet: "kubernetes:apps/v1:DaemonSet",
  ReplicaSet: "kubernetes:apps/v1:ReplicaSet",
  Job: "kubernetes:batch/v1:Job",
  CronJob: "kubernetes:batch/v1:CronJob",
  ReplicationController: "kubernetes:core/v1:ReplicationController",
  PodTemplate: "kubernetes:core/v1:PodTemplate",
} as const;
export type WorkloadKind = keyof typeof TOKENS;
export const ALL_KINDS = Object.keys(TOKENS) as WorkloadKind[];
export const LONG_RUNNING: WorkloadKind[] = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "PodTemplate"];

export const GOOD_IMAGE = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2";

export function goodContainer(name = "app", extra: Record<string, any> = {}): Record<string, any> {
  return {
    name,
    image: GOOD_IMAGE,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
    env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } }, { name: "LOG_LEVEL", value: "info" }],
    ...extra,
  };
}

export function goodPodSpec(extra: Record<string, any> = {}): Record<string, any> {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [goodContainer("init", { livenessProbe: undefined, readinessProbe: undefined })],
    containers: [goodContainer("app")],
    volumes: [{ name: "tmp", emptyDir: {} }],
    ...extra,
  };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Wraps a pod spec into `kind`, with the spec at the kind's real path. */
export function workload(kind: WorkloadKind, podSpec: Record<string, any> = goodPodSpec(), namespace = "apps", name = "api"): Record<string, any> {
  const spec = clone(podSpec);
  const [group] = TOKENS[kind].split(":")[1].split("/");
  const apiVersion = group === "core" ? "v1" : `${group}/v1`;
  const metadata = { name, namespace };
  switch (kind) {
    case "Pod":
      return { apiVersion, kind, metadata, spec };
    case "CronJob":
      return { apiVersion, kind, metadata, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "OnFailure", ...spec } } } } } };
    case "Job":
      return { apiVersion, kind, metadata, spec: { template: { spec: { restartPolicy: "Never", ...spec } } } };
    case "PodTemplate":
      return { apiVersion, kind, metadata, template: { metadata: { labels: { app: name } }, spec } };
    case "ReplicationController":
      return { apiVersion, kind, metadata, spec: { selector: { app: name }, template: { metadata: { labels: { app: name } }, spec } } };
    default:
      return { apiVersion, kind, metadata, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } } };
  }
}

/** The pod spec inside a workload built by `workload` (mutable, for breaking it). */
export function podSpecOf(obj: Record<string, any>): Record<string, any> {
  switch (obj.kind) {
    case "Pod":
      return obj.spec;
    case "CronJob":
      return obj.spec.jobTemplate.spec.template.spec;
    case "PodTemplate":
      return obj.template.spec;
    default:
      return obj.spec.template.spec;
  }
}

/** Pod spec with one change applied to a deep copy of the good spec. */
export function podWith(mutate: (spec: Record<string, any>) => void): Record<string, any> {
  const s = clone(goodPodSpec());
  mutate(s);
  return s;
}

export const POD_PATH: Record<WorkloadKind, string> = {
  Pod: "spec",
  Deployment: "spec.template.spec",
  StatefulSet: "spec.template.spec",
  DaemonSet: "spec.template.spec",
  ReplicaSet: "spec.template.spec",
  Job: "spec.template.spec",
  CronJob: "spec.jobTemplate.spec.template.spec",
  ReplicationController: "spec.template.spec",
  PodTemplate: "template.spec",
};
