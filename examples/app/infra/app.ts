// The example app stack: reads the platform through its contract module and deploys one
// web service into the team's namespace the way the cloud-native checklist asks.
//
// The contract module: this repository imports it by path. An app repo either copies
// `contract/` next to its program (`import ... from "./contract"`) or installs it as the
// `@platform/contract` package once the platform publishes it (contract/package.json);
// either way it pins the contract version it was written against.
import { createHash } from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ContractError, PlatformReference } from "../../../contract";
import { AppConfig, ConfigError, PRE_STOP_SECONDS, loadConfig } from "./config";

/** The service listens here (service/server.js PORT); the team namespace admits the ingress on it. */
export const APP_PORT = 8080;
/** distroless `nonroot` user and group (the Dockerfile's USER). */
export const APP_UID = 65532;

export interface AppOutputs {
  url: pulumi.Output<string>;
  deploymentName: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  image: pulumi.Output<string>;
}

export async function main(): Promise<AppOutputs> {
  const cfg = loadConfig();
  // Nothing is registered before the platform's contract version is known to be compatible:
  // not the provider, not one object (an incompatible platform fails the run here).
  const platform = await PlatformReference.open("platform", { stack: cfg.platformStack });
  return deploy(cfg, platform);
}

export function deploy(cfg: AppConfig, platform: PlatformReference): AppOutputs {
  const project = pulumi.getProject();
  const team = platform.team(cfg.team);
  // A label (default: the app's name) under the team's domain, or a full name inside it.
  const host = platform.host(cfg.team, cfg.host ?? cfg.app);
  const namespace = team.namespace;

  const image = team.apply((t) => {
    const repo = t.ecrRepositories?.[cfg.app];
    if (!repo) {
      const known = Object.keys(t.ecrRepositories ?? {}).sort();
      throw new ContractError(`${project}:app: team "${cfg.team}" has no ECR repository for app "${cfg.app}" (it has: ${known.join(", ") || "none"}). Fix: set ${project}:app to one of those, or add "${cfg.app}" to the team's apps in the platform's stack config.`);
    }
    // The team's namespace admits the ingress on its appPort only: a mismatch would deploy
    // a service no request can reach.
    if (t.appPort !== undefined && t.appPort !== APP_PORT) {
      throw new ContractError(`team "${cfg.team}" admits the ingress on port ${t.appPort}, but this service listens on ${APP_PORT}. Fix: set the team's appPort to ${APP_PORT} in the platform's stack config, or change APP_PORT and the service's PORT.`);
    }
    return `${repo}${cfg.imageRef}`;
  });
  const issuer = platform.clusterIssuers.apply((issuers) => {
    if (!issuers.includes(cfg.clusterIssuer)) {
      throw new ConfigError([`${project}:clusterIssuer: "${cfg.clusterIssuer}" is not a ClusterIssuer of the platform (it has: ${issuers.join(", ")}). Fix: use one of those.`]);
    }
    return cfg.clusterIssuer;
  });

  // Everything goes through a provider bound to the team's namespace; the kubeconfig stays secret.
  const provider = new k8s.Provider("platform", {
    kubeconfig: platform.kubeconfig,
    namespace,
    enableServerSideApply: true,
  });
  const opts = { provider };

  const name = cfg.app;
  const selector = { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": name };
  const labels = { ...selector, "app.kubernetes.io/part-of": cfg.team, "app.kubernetes.io/managed-by": "pulumi" };
  const meta = (n: pulumi.Input<string>) => ({ name: n, namespace, labels });

  // Non-secret settings. Immutable, and named after their content: a change makes a new
  // ConfigMap and a new pod template, so it rolls out (and rolls back) like an image change.
  const configData = {
    LOG_LEVEL: cfg.logLevel,
    PORT: String(APP_PORT),
    SHUTDOWN_TIMEOUT_MS: String(cfg.shutdownTimeoutSeconds * 1000),
    // preStop already gave the load balancers their time; the service closes at once.
    SHUTDOWN_DELAY_MS: "0",
  };
  const configHash = createHash("sha256").update(JSON.stringify(configData)).digest("hex").slice(0, 10);
  const configMap = new k8s.core.v1.ConfigMap(`${name}-config`, {
    metadata: meta(`${name}-config-${configHash}`),
    immutable: true,
    data: configData,
  }, opts);

  // The value comes from `pulumi config set --secret`: it is encrypted in state and reaches
  // the pod only through secretKeyRef, never as a literal in any spec. Pods read it at start:
  // after rotating it, `kubectl rollout restart deployment/<app>`.
  const secret = new k8s.core.v1.Secret(`${name}-secrets`, {
    metadata: meta(`${name}-secrets`),
    type: "Opaque",
    stringData: { "database-password": cfg.databasePassword },
  }, opts);

  // Its own identity (for Pod Identity later); no API token mounted, the app never calls the API.
  const serviceAccount = new k8s.core.v1.ServiceAccount(name, {
    metadata: meta(name),
    automountServiceAccountToken: false,
  }, opts);

  const environment = platform.output("environment");
  const deployment = new k8s.apps.v1.Deployment(name, {
    metadata: meta(name),
    spec: {
      // No `replicas`: the HPA owns the count (minReplicas = config replicas). Setting it here
      // would reset a scaled-out Deployment on every `pulumi up`, and under server-side apply
      // conflict with the HPA's writes (pulumi-kubernetes#2491). The first rollout starts at
      // one pod and the HPA's first sync (15 s) raises it, before the Ingress has traffic.
      selector: { matchLabels: selector },
      revisionHistoryLimit: 5,
      minReadySeconds: 5,
      progressDeadlineSeconds: 300,
      // One extra pod at a time and never one fewer ready than desired.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: { labels: { ...labels, "app.kubernetes.io/version": cfg.imageTag.replace(/^sha256:/, "").slice(0, 12) } },
        spec: {
          serviceAccountName: serviceAccount.metadata.name,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: APP_UID,
            runAsGroup: APP_UID,
            fsGroup: APP_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          // The kubelet's clock starts at the preStop hook: preStop (5 s) + the service's drain
          // deadline (shutdownTimeoutSeconds) + margin (5 s) <= grace, so SIGKILL never cuts a drain.
          terminationGracePeriodSeconds: cfg.terminationGracePeriodSeconds,
          topologySpreadConstraints: [
            // Survive a zone: DoNotSchedule, Karpenter adds a node in the zone that is short.
            { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"] },
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector }, matchLabelKeys: ["pod-template-hash"] },
          ],
          containers: [{
            name: "app",
            image,
            imagePullPolicy: "IfNotPresent",
            ports: [{ name: "http", containerPort: APP_PORT, protocol: "TCP" }],
            envFrom: [{ configMapRef: { name: configMap.metadata.name } }],
            env: [
              { name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "database-password" } } },
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              // The platform's collector (Alloy); the standard OTel SDK variables.
              { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: platform.otlpGrpcEndpoint },
              { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: "grpc" },
              { name: "OTEL_SERVICE_NAME", value: name },
              { name: "OTEL_RESOURCE_ATTRIBUTES", value: pulumi.interpolate`service.namespace=${cfg.team},service.version=${cfg.imageTag},deployment.environment.name=${environment},k8s.pod.name=$(POD_NAME)` },
            ],
            // Liveness: the process answers. Readiness: it wants traffic (false while draining).
            startupProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
            livenessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
            readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
            // No CPU limit: throttling hurts latency and the HPA scales on the request.
            resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
            securityContext: {
              runAsNonRoot: true,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            // The image has no shell: the kubelet's own sleep action, not `sh -c sleep`.
            lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          }],
          volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
        },
      },
    },
  }, opts);

  const service = new k8s.core.v1.Service(name, {
    metadata: meta(name),
    spec: {
      type: "ClusterIP",
      selector,
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
  }, opts);

  new k8s.networking.v1.Ingress(name, {
    metadata: {
      ...meta(name),
      // cert-manager issues the certificate into spec.tls[0].secretName through this issuer.
      annotations: { "cert-manager.io/cluster-issuer": issuer },
    },
    spec: {
      ingressClassName: platform.ingressClass,
      tls: [{ hosts: [host], secretName: `${name}-tls` }],
      rules: [{
        host,
        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { name: "http" } } } }] },
      }],
    },
  }, opts);

  new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, {
    metadata: meta(name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.metadata.name },
      minReplicas: cfg.replicas,
      maxReplicas: cfg.maxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cfg.cpuTargetPercent } } }],
      // Scale up at once, down slowly: a dip in traffic does not throw pods away.
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
    },
  }, opts);

  // replicas >= 2 (config), so one pod may go during a drain while the rest serve.
  new k8s.policy.v1.PodDisruptionBudget(name, {
    metadata: meta(name),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selector },
      // A pod that never became ready must not block a node drain.
      unhealthyPodEvictionPolicy: "AlwaysAllow",
    },
  }, opts);

  return {
    url: pulumi.interpolate`https://${host}`,
    deploymentName: deployment.metadata.name,
    namespace,
    image,
  };
}
