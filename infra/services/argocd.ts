import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { pinnedChart } from "../chart";
import { PlatformConfig } from "../config";
import { Sizing, containerSecurity, podSecurity, resources, times } from "../workload";
import { CHARTS } from "../versions";

export const ROOT_PROJECT = "platform-root";
export const APPS_PROJECT = "apps";
const IN_CLUSTER = "https://kubernetes.default.svc";

export interface ArgoCdArgs {
  namespace: string;
  host: string;
  ingressClass: string;
  clusterIssuer: string;
  gitops: PlatformConfig["gitops"];
  slack?: PlatformConfig["slack"];
  oidc?: PlatformConfig["oidc"];
  sizing: Sizing;
  provider: k8s.Provider;
  /** cert-manager (the ingress certificate) and the ingress controller. */
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Argo CD: HA in prod (redis-ha, replicated server/repo-server/controllers), served over
 * HTTPS through the ingress with a cert-manager certificate, admin password generated here,
 * an app-of-apps root Application with AppProjects that bound what it may deploy, optional
 * repository credentials, Slack notifications and OIDC SSO.
 */
export class ArgoCd extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  public readonly url: string;
  /** Plaintext admin password, secret: for the stack's secret output only. */
  public readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: ArgoCdArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:gitops:ArgoCd", name, {}, opts);
    const s = args.sizing;
    const ns = args.namespace;
    const k8sOpts = { parent: this, provider: args.provider };
    // The Secrets go into the namespace (args.dependsOn): without it they race a Namespace that
    // waits minutes for nodes and addons, and the provider gives up on NotFound after ~30 s.
    const secretOpts = { ...k8sOpts, dependsOn: args.dependsOn };
    this.url = `https://${args.host}`;

    const admin = new random.RandomPassword(`${name}-admin`, { length: 32, special: false }, { parent: this });
    this.adminPassword = pulumi.secret(admin.result);

    // The chart's redis-secret-init is a pre-install hook Job (helm.v4.Chart does not run hooks
    // as hooks): the Secret it would create is made here instead, under the same name and key.
    const redisAuth = new random.RandomPassword(`${name}-redis`, { length: 32, special: false }, { parent: this });
    const redisSecret = new k8s.core.v1.Secret(`${name}-redis`, {
      metadata: { name: "argocd-redis", namespace: ns, labels: { "app.kubernetes.io/part-of": "argocd" } },
      type: "Opaque",
      stringData: { auth: pulumi.secret(redisAuth.result) },
    }, secretOpts);

    const secrets: pulumi.Resource[] = [redisSecret];
    if (args.slack) {
      secrets.push(new k8s.core.v1.Secret(`${name}-notifications`, {
        metadata: { name: "argocd-notifications-secret", namespace: ns, labels: { "app.kubernetes.io/part-of": "argocd" } },
        type: "Opaque",
        stringData: { "slack-token": pulumi.secret(args.slack.token) },
      }, secretOpts));
    }
    if (args.oidc) {
      // Referenced from argocd-cm as $argocd-oidc:clientSecret (the part-of label makes it readable).
      secrets.push(new k8s.core.v1.Secret(`${name}-oidc`, {
        metadata: { name: "argocd-oidc", namespace: ns, labels: { "app.kubernetes.io/part-of": "argocd" } },
        type: "Opaque",
        stringData: { clientSecret: pulumi.secret(args.oidc.clientSecret) },
      }, secretOpts));
    }
    if (args.gitops.repoUrl && args.gitops.credentials) {
      secrets.push(new k8s.core.v1.Secret(`${name}-repo`, {
        metadata: { name: "gitops-repository", namespace: ns, labels: { "argocd.argoproj.io/secret-type": "repository" } },
        type: "Opaque",
        stringData: {
          type: "git",
          url: args.gitops.repoUrl,
          username: args.gitops.credentials.username,
          password: pulumi.secret(args.gitops.credentials.password),
        },
      }, secretOpts));
    }

    const pdb = { enabled: s.ha, minAvailable: 1 };
    const component = (cpu: string, mem: string, limit: string, extra: Record<string, unknown> = {}) => ({
      resources: resources(cpu, times(mem, s.scale), times(limit, s.scale)),
      containerSecurityContext: containerSecurity(),
      ...extra,
    });

    const cm: Record<string, unknown> = {
      url: this.url,
      "admin.enabled": true,
      "exec.enabled": false,
    };
    if (args.oidc) {
      cm["oidc.config"] = [
        "name: SSO",
        `issuer: ${args.oidc.issuer}`,
        `clientID: ${args.oidc.clientId}`,
        "clientSecret: $argocd-oidc:clientSecret",
        "requestedScopes: [openid, profile, email, groups]",
      ].join("\n");
    }

    this.chart = pinnedChart(name, CHARTS.argoCd, {
      namespace: ns,
      releaseName: "argocd",
      values: {
        crds: { install: true, keep: true },
        global: {
          domain: args.host,
          securityContext: podSecurity(999),
          // Off: the namespace's default-deny and explicit allows (SecureNamespace) already cover
          // Argo CD, and policies add up, so the chart's own would only widen them: its
          // argocd-server policy admits every source on every port (`ingress: [{}]`), which the
          // network model (test/models/network.spec.ts) flags as a path around the ingress.
          networkPolicy: { create: false },
        },
        configs: {
          cm,
          // TLS ends at the ingress controller; the server speaks HTTP inside the cluster.
          params: { "server.insecure": true },
          rbac: { "policy.default": args.oidc ? "role:readonly" : "", scopes: "[groups]" },
          secret: {
            createSecret: true,
            // The chart takes the bcrypt hash; the plaintext leaves only as a secret stack output.
            argocdServerAdminPassword: pulumi.secret(admin.bcryptHash),
            // Fixed: an empty value renders `now` and would change on every preview.
            argocdServerAdminPasswordMtime: "2026-01-01T00:00:00Z",
          },
        },
        // SSO goes straight to the OIDC issuer; Dex is not needed.
        dex: { enabled: false },
        redisSecretInit: { enabled: false },
        // Metrics ports carry the annotations Alloy's "annotated" job discovers (infra/observability/alloy.ts).
        // The chart offers the controller no liveness probe (upstream ships none: a long
        // reconciliation must not get it killed); its exemption is in policies/kubernetes/config.
        controller: { replicas: s.replicas, pdb, podAnnotations: scrape(8082), ...component("250m", "512Mi", "1Gi") },
        server: {
          replicas: s.replicas,
          pdb,
          podAnnotations: scrape(8083),
          ...component("50m", "128Mi", "256Mi"),
          ingress: {
            enabled: true,
            ingressClassName: args.ingressClass,
            hostname: args.host,
            annotations: { "cert-manager.io/cluster-issuer": args.clusterIssuer },
            tls: true,
          },
        },
        repoServer: { replicas: s.replicas, pdb, podAnnotations: scrape(8084), ...component("100m", "256Mi", "512Mi") },
        // The chart leaves both probes off by default; /healthz on the probe port (8081).
        applicationSet: {
          replicas: s.replicas, pdb, ...component("50m", "128Mi", "256Mi"),
          readinessProbe: { enabled: true }, livenessProbe: { enabled: true },
        },
        // Single Redis (dev): the chart's redis-cli health scripts, off by default.
        redis: {
          ...component("50m", "64Mi", "256Mi"), securityContext: podSecurity(999), image: { repository: REDIS_IMAGE },
          readinessProbe: { enabled: true }, livenessProbe: { enabled: true },
        },
        // Redis with Sentinel and HAProxy in prod-shaped environments (Argo CD HA guide).
        "redis-ha": redisHa(s),
        notifications: args.slack
          ? {
              enabled: true,
              ...component("50m", "64Mi", "128Mi"),
              // The Secret above holds the token; the chart must not create its own.
              secret: { create: false },
              notifiers: { "service.slack": "token: $slack-token" },
              subscriptions: [{
                recipients: [`slack:${args.slack.channel}`],
                triggers: ["on-sync-succeeded", "on-sync-failed", "on-health-degraded"],
              }],
              templates: notificationTemplates(),
              triggers: notificationTriggers(),
            }
          : { enabled: false },
      },
    }, { parent: this, provider: args.provider, dependsOn: [...secrets, ...args.dependsOn] });

    const after = { ...k8sOpts, dependsOn: [this.chart] };
    // argocd-server creates the `default` project at startup (and recreates it if deleted), so
    // a plain create fails with AlreadyExists (@pulumi/kubernetes >= 4.29 creates without
    // upsert). A server-side-apply patch takes over its rules instead: it allows nothing, so an
    // Application cannot escape its AppProject by naming `default`. patchForce takes the fields
    // from argocd-server's field manager. upstream: argo-cd server/server.go initializeDefaultProject.
    new k8s.apiextensions.CustomResourcePatch(`${name}-default-project`, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: "default", namespace: ns, annotations: { "pulumi.com/patchForce": "true" } },
      spec: { description: "Locked: use the apps project.", sourceRepos: [], destinations: [], clusterResourceWhitelist: [] },
    }, after);

    if (args.gitops.repoUrl) {
      const repo = args.gitops.repoUrl;
      // Root project: may only create Application objects in Argo CD's own namespace.
      const rootProject = new k8s.apiextensions.CustomResource(`${name}-root-project`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: ROOT_PROJECT, namespace: ns },
        spec: {
          description: "The app-of-apps root: Applications only.",
          sourceRepos: [repo],
          destinations: [{ server: IN_CLUSTER, namespace: ns }],
          clusterResourceWhitelist: [],
          namespaceResourceWhitelist: [{ group: "argoproj.io", kind: "Application" }],
        },
      }, after);
      // Apps project: app teams' namespaces only, no cluster-scoped objects but Namespaces,
      // and never the guard rails the platform owns.
      const appsProject = new k8s.apiextensions.CustomResource(`${name}-apps-project`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "AppProject",
        metadata: { name: APPS_PROJECT, namespace: ns },
        spec: {
          description: "Applications of the app teams.",
          sourceRepos: [repo],
          destinations: args.gitops.namespaces.map((n) => ({ server: IN_CLUSTER, namespace: n })),
          clusterResourceWhitelist: [{ group: "", kind: "Namespace" }],
          namespaceResourceBlacklist: [
            { group: "", kind: "ResourceQuota" },
            { group: "", kind: "LimitRange" },
          ],
        },
      }, after);
      new k8s.apiextensions.CustomResource(`${name}-root-app`, {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "Application",
        metadata: { name: "root", namespace: ns, finalizers: ["resources-finalizer.argocd.argoproj.io"] },
        spec: {
          project: ROOT_PROJECT,
          source: { repoURL: repo, path: args.gitops.path, targetRevision: args.gitops.revision, directory: { recurse: true } },
          destination: { server: IN_CLUSTER, namespace: ns },
          syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ApplyOutOfSyncOnly=true"] },
        },
      }, { ...k8sOpts, dependsOn: [this.chart, rootProject, appsProject, ...secrets] });
    }

    this.registerOutputs({ url: this.url });
  }
}

/**
 * The argo-cd chart names ECR Public's mirror of the Docker official images by a second host,
 * `ecr-public.aws.com` (argo-helm#3328; argo-helm#3401 shows both hosts serve the same images),
 * while its redis-ha subchart uses `public.ecr.aws`. One host, the one the allow-list accepts
 * for exactly these two repositories (docs/services.md, "Images and registries").
 */
const REDIS_IMAGE = "public.ecr.aws/docker/library/redis";
const HAPROXY_IMAGE = "public.ecr.aws/docker/library/haproxy";

/** Pod annotations for Alloy's "annotated" scrape job (prometheus.io/*, path /metrics). */
function scrape(port: number): Record<string, string> {
  return { "prometheus.io/scrape": "true", "prometheus.io/port": String(port) };
}

/**
 * The redis-ha subchart (argo-cd 10.1.1 charts/redis-ha values.yaml): every container gets
 * requests and a memory limit, init containers included; HAProxy's metrics listener is off
 * (nothing scrapes 9101, and argocd's NetworkPolicy does not open it).
 */
function redisHa(s: Sizing): Record<string, unknown> {
  const small = resources("20m", "32Mi", "64Mi");
  return {
    enabled: s.ha,
    image: { repository: REDIS_IMAGE },
    init: { resources: small },
    redis: { resources: resources("50m", times("128Mi", s.scale), times("256Mi", s.scale)) },
    sentinel: { resources: resources("20m", "32Mi", "64Mi") },
    splitBrainDetection: { resources: small },
    haproxy: {
      image: { repository: HAPROXY_IMAGE },
      metrics: { enabled: false },
      init: { resources: small },
      resources: resources("50m", times("64Mi", s.scale), times("128Mi", s.scale)),
    },
  };
}

/** Slack messages for the three events the platform reports. */
function notificationTemplates(): Record<string, string> {
  const msg = (icon: string, text: string) =>
    `message: |\n  ${icon} Application {{.app.metadata.name}} ${text}.\n  {{.context.argocdUrl}}/applications/{{.app.metadata.name}}\n`;
  return {
    "template.app-sync-succeeded": msg(":white_check_mark:", "synced revision {{.app.status.sync.revision}}"),
    "template.app-sync-failed": msg(":x:", "failed to sync: {{.app.status.operationState.message}}"),
    "template.app-health-degraded": msg(":warning:", "is degraded"),
  };
}

/** The upstream default triggers for those events (Argo CD notifications catalog). */
function notificationTriggers(): Record<string, string> {
  return {
    "trigger.on-sync-succeeded": "- description: Application syncing has succeeded\n  send: [app-sync-succeeded]\n  when: app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']\n",
    "trigger.on-sync-failed": "- description: Application syncing has failed\n  send: [app-sync-failed]\n  when: app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']\n",
    "trigger.on-health-degraded": "- description: Application has degraded\n  send: [app-health-degraded]\n  when: app.status.health.status == 'Degraded'\n",
  };
}
