// The example app stack (examples/app) under mocks, reading a mocked platform stack: every
// property the cloud-native checklist asks of it, both policy packs, and its bad configs.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { PlatformContract } from "../../contract";
import { CONTRACT_OUTPUTS } from "../../contract";
import { PolicyReport, PolicyResource, evaluatePolicies, loadPolicyConfig } from "../../policies/engine";
import { RecordedResource, ROOT, RunResult, StackConfig, runProgram } from "../../tools/harness";
import { runStack } from "../support";
import { ECR, KUBECONFIG, PLATFORM_OUTPUTS, PLATFORM_STACK } from "../fixtures/platform";

const APP_DIR = path.join(ROOT, "examples", "app");
const PROJECT = "orders-app";
const SECRET_VALUE = "db-pa55word-that-must-never-appear";
const SHA = "3f2c1e9b8a7d6c5b4a39281706f5e4d3c2b1a098";
const DIGEST = `sha256:${"ab".repeat(32)}`;

const PLATFORM = PLATFORM_OUTPUTS;

/** examples/app/Pulumi.dev.yaml as Pulumi reads it, plus the secret `pulumi config set --secret` adds. */
function devConfig(overrides: Record<string, string | number | undefined> = {}): StackConfig {
  const doc = parseYaml(fs.readFileSync(path.join(APP_DIR, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(doc.config)) config[k] = typeof v === "string" ? v : JSON.stringify(v);
  config[`${PROJECT}:databasePassword`] = SECRET_VALUE;
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config[`${PROJECT}:${k}`];
    else config[`${PROJECT}:${k}`] = String(v);
  }
  return { config, secretKeys: [`${PROJECT}:databasePassword`] };
}

function runApp(overrides: Record<string, string | number | undefined> = {}, platform: object = PLATFORM): Promise<RunResult> {
  return runProgram({
    stack: "dev",
    project: PROJECT,
    config: devConfig(overrides),
    stackReferences: { [PLATFORM_STACK]: { outputs: platform as Record<string, unknown>, secretOutputNames: ["kubeconfig"] } },
    program: async () => (require(path.join(APP_DIR, "infra", "app")) as typeof import("../../examples/app/infra/app")).main() as unknown as Promise<Record<string, unknown>>,
  });
}

async function fails(p: Promise<unknown>, name: string, ...patterns: RegExp[]): Promise<string> {
  const e = await p.then(
    () => assert.fail("expected the run to fail"),
    (err: Error) => err,
  );
  assert.strictEqual(e.name, name, `${e.name}: ${e.message}`);
  for (const re of patterns) assert.match(e.message, re);
  return e.message;
}

const K = {
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  provider: "pulumi:providers:kubernetes",
};

function only(r: RunResult, type: string): any {
  const found = r.resources.filter((x) => x.type === type);
  assert.strictEqual(found.length, 1, `expected one ${type}, got ${found.length}`);
  return found[0].inputs;
}

/** What `pulumi preview` hands the packs, as tools/plan.ts policyReport builds it, plus context objects. */
function policies(r: RunResult, env: string, context: PolicyResource[] = [], config = loadPolicyConfig(env)): PolicyReport {
  const own: PolicyResource[] = r.resources
    .filter((x) => x.type !== "pulumi:pulumi:Stack")
    .map((x) => ({ urn: x.urn, type: x.type, name: x.name, parent: x.parent, props: { ...x.outputs, ...x.inputs }, dependencies: x.dependsOn, propertyDependencies: x.propertyDependencies }));
  return evaluatePolicies([...own, ...context], { env, config });
}

/** The team namespace's default-deny, as the platform's SecureNamespace creates it (infra/services/namespace.ts). */
const platformDefaultDeny = (ns: string): PolicyResource => ({
  urn: `urn:pulumi:prod::platform::platform:teams:Team$platform:k8s:SecureNamespace$kubernetes:networking.k8s.io/v1:NetworkPolicy::team-${ns}-ns-default-deny`,
  type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  name: `team-${ns}-ns-default-deny`,
  props: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
});

const show = (p: PolicyReport) => [...p.violations, ...p.skipped].map((v) => `${v.policy} ${v.object}: ${"message" in v ? v.message : v.reason}`).join("\n");

describe("examples/app: the orders-api stack", () => {
  let r: RunResult;
  let d: any; // the Deployment's inputs
  let pod: any;
  let c: any; // the app container
  before(async () => {
    r = await runApp();
    d = only(r, K.deployment);
    pod = d.spec.template.spec;
    assert.strictEqual(pod.containers.length, 1);
    c = pod.containers[0];
  });

  it("deploys through a provider built from the platform's secret kubeconfig, into the team's namespace", () => {
    const provider = r.resources.find((x) => x.type === K.provider)!;
    assert.strictEqual(provider.inputs.kubeconfig, "[secret]");
    assert.strictEqual(provider.inputs.namespace, "orders");
    const objects = r.resources.filter((x) => x.type.startsWith("kubernetes:"));
    assert.deepStrictEqual(objects.map((x) => x.type).sort(), [K.deployment, K.hpa, K.pdb, K.configMap, K.secret, K.service, K.serviceAccount, K.ingress].sort());
    for (const o of objects) {
      assert.ok(o.provider.startsWith(`${provider.urn}::`), `${o.type} not deployed through the platform provider`);
      assert.strictEqual((o.inputs as any).metadata.namespace, "orders", `${o.type} outside the team namespace`);
    }
  });

  it("runs the image from the team's ECR repository, pinned to the git SHA", () => {
    assert.strictEqual(c.image, `${ECR}/orders/orders-api:${SHA}`);
    assert.strictEqual(r.outputs.image, c.image);
  });

  it("rolls out one extra pod at a time and never drops below the desired replicas", () => {
    assert.deepStrictEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    // The HPA owns the count: a replicas field would fight it on every `pulumi up`.
    assert.strictEqual(d.spec.replicas, undefined);
    assert.deepStrictEqual(d.spec.selector.matchLabels, { "app.kubernetes.io/name": "orders-api", "app.kubernetes.io/instance": "orders-api" });
    for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) assert.strictEqual(d.spec.template.metadata.labels[k], v);
  });

  it("probes liveness on /health and readiness on /ready, on the container's http port", () => {
    assert.deepStrictEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepStrictEqual(c.livenessProbe.httpGet, { path: "/health", port: "http" });
    assert.deepStrictEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http" });
    assert.deepStrictEqual(c.startupProbe.httpGet, { path: "/health", port: "http" });
    // Readiness reacts faster than liveness: a draining pod leaves the endpoints, it is not restarted.
    assert.ok(c.readinessProbe.periodSeconds * c.readinessProbe.failureThreshold < c.livenessProbe.periodSeconds * c.livenessProbe.failureThreshold);
  });

  it("requests CPU and memory and limits memory", () => {
    assert.deepStrictEqual(c.resources, { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } });
  });

  it("runs non-root (the Dockerfile's user) with a read-only root, no escalation, no capabilities, RuntimeDefault seccomp", () => {
    const user = /^USER\s+(\d+)/m.exec(fs.readFileSync(path.join(APP_DIR, "Dockerfile"), "utf8"))![1];
    assert.deepStrictEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: Number(user), runAsGroup: Number(user), fsGroup: Number(user), seccompProfile: { type: "RuntimeDefault" } });
    assert.deepStrictEqual(c.securityContext, { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    assert.deepStrictEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
    assert.deepStrictEqual(pod.volumes, [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }]);
    assert.strictEqual(pod.automountServiceAccountToken, false);
    const sa = only(r, K.serviceAccount);
    assert.strictEqual(pod.serviceAccountName, sa.metadata.name);
    assert.strictEqual(sa.automountServiceAccountToken, false);
  });

  it("takes settings from an immutable ConfigMap named after its content", () => {
    const cm = only(r, K.configMap);
    assert.strictEqual(cm.immutable, true);
    assert.match(cm.metadata.name, /^orders-api-config-[0-9a-f]{10}$/);
    assert.deepStrictEqual(c.envFrom, [{ configMapRef: { name: cm.metadata.name } }]);
    assert.deepStrictEqual(cm.data, { LOG_LEVEL: "info", PORT: "8080", SHUTDOWN_TIMEOUT_MS: "20000", SHUTDOWN_DELAY_MS: "0" });
  });

  it("passes the secret only through secretKeyRef, and its value appears in no input or output", () => {
    const secret = only(r, K.secret);
    assert.strictEqual(secret.stringData, "[secret]");
    const fromSecret = c.env.filter((e: any) => e.valueFrom?.secretKeyRef);
    assert.deepStrictEqual(fromSecret, [{ name: "DATABASE_PASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "database-password" } } }]);
    const secretish = /SECRET|PASSW|TOKEN|CREDENTIAL|_KEY$|APIKEY/i;
    for (const e of c.env) if (secretish.test(e.name)) assert.ok(e.valueFrom?.secretKeyRef && e.value === undefined, `${e.name} is not a secretKeyRef`);
    for (const k of Object.keys(only(r, K.configMap).data)) assert.doesNotMatch(k, secretish);
    assert.ok(!JSON.stringify(r.resources).includes(SECRET_VALUE), "the secret's value leaked into a resource");
    assert.ok(!JSON.stringify(r.outputs).includes(SECRET_VALUE), "the secret's value leaked into an output");
  });

  it("drains before the kubelet kills it: preStop sleep + the service's shutdown timeout + margin = grace period", () => {
    const preStop = c.lifecycle.preStop.sleep.seconds;
    const shutdown = Number(only(r, K.configMap).data.SHUTDOWN_TIMEOUT_MS) / 1000;
    assert.strictEqual(preStop, 5);
    assert.strictEqual(pod.terminationGracePeriodSeconds, preStop + shutdown + 5);
    assert.ok(pod.terminationGracePeriodSeconds > preStop + shutdown, "SIGKILL would cut the drain");
  });

  it("spreads pods across zones (and nodes)", () => {
    const zone = pod.topologySpreadConstraints.find((t: any) => t.topologyKey === "topology.kubernetes.io/zone");
    assert.ok(zone, "no zone spread");
    assert.strictEqual(zone.maxSkew, 1);
    assert.strictEqual(zone.whenUnsatisfiable, "DoNotSchedule");
    assert.deepStrictEqual(zone.labelSelector.matchLabels, d.spec.selector.matchLabels);
    assert.ok(pod.topologySpreadConstraints.some((t: any) => t.topologyKey === "kubernetes.io/hostname"));
  });

  it("sends telemetry to the platform's OTLP endpoint", () => {
    const env = Object.fromEntries(c.env.filter((e: any) => e.value !== undefined).map((e: any) => [e.name, e.value]));
    assert.strictEqual(env.OTEL_EXPORTER_OTLP_ENDPOINT, PLATFORM.otlpGrpcEndpoint);
    assert.strictEqual(env.OTEL_EXPORTER_OTLP_PROTOCOL, "grpc");
    assert.strictEqual(env.OTEL_SERVICE_NAME, "orders-api");
    assert.match(env.OTEL_RESOURCE_ATTRIBUTES, new RegExp(`service.version=${SHA}`));
    assert.match(env.OTEL_RESOURCE_ATTRIBUTES, /deployment\.environment\.name=dev/);
  });

  it("exposes the pods through a ClusterIP Service on their http port", () => {
    const svc = only(r, K.service);
    assert.strictEqual(svc.spec.type, "ClusterIP");
    assert.deepStrictEqual(svc.spec.selector, d.spec.selector.matchLabels);
    assert.deepStrictEqual(svc.spec.ports, [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
  });

  it("routes the host through an Ingress of the platform's class, with TLS from its production ClusterIssuer", () => {
    const ing = only(r, K.ingress);
    assert.strictEqual(ing.spec.ingressClassName, PLATFORM.ingressClass);
    assert.strictEqual(ing.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
    // The host is the configured label under the domain the platform publishes for the team.
    const host = `orders-api.${PLATFORM.teams.orders.domain}`;
    assert.deepStrictEqual(ing.spec.tls, [{ hosts: [host], secretName: "orders-api-tls" }]);
    assert.deepStrictEqual(ing.spec.rules.map((x: any) => x.host), [host]);
    assert.deepStrictEqual(ing.spec.rules[0].http.paths[0].backend, { service: { name: only(r, K.service).metadata.name, port: { name: "http" } } });
    assert.strictEqual(r.outputs.url, `https://${host}`);
  });

  it("scales on CPU between replicas (2) and maxReplicas (autoscaling/v2)", () => {
    const hpa = only(r, K.hpa);
    assert.deepStrictEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name });
    assert.strictEqual(hpa.spec.minReplicas, 2);
    assert.strictEqual(hpa.spec.maxReplicas, 4);
    assert.deepStrictEqual(hpa.spec.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
  });

  it("keeps all but one pod through voluntary disruptions", () => {
    const pdb = only(r, K.pdb);
    assert.strictEqual(pdb.spec.maxUnavailable, 1);
    assert.strictEqual(pdb.spec.minAvailable, undefined);
    assert.deepStrictEqual(pdb.spec.selector.matchLabels, d.spec.selector.matchLabels);
    assert.ok(only(r, K.hpa).spec.minReplicas >= 2, "a PDB of maxUnavailable 1 over one replica is an outage");
  });

  it("outputs the URL and the deployment's name; none of them secret", () => {
    assert.deepStrictEqual(Object.keys(r.outputs).sort(), ["deploymentName", "image", "namespace", "url"]);
    assert.strictEqual(r.outputs.deploymentName, "orders-api");
    assert.strictEqual(r.outputs.namespace, "orders");
    assert.deepStrictEqual(r.secretOutputs, []);
  });

  describe("policy packs", () => {
    for (const env of ["dev", "staging", "prod"]) {
      it(`${env}: no violation of either pack, mandatory or advisory, with the platform's default-deny in the namespace`, () => {
        const p = policies(r, env, [platformDefaultDeny("orders")]);
        assert.deepStrictEqual(p.violations, [], show(p));
        assert.deepStrictEqual(p.skipped, [], show(p));
        assert.deepStrictEqual(p.exempted, []);
      });
    }

    // A real `pulumi preview` of the app stack sees only the app's resources: the team's
    // namespace and its default-deny belong to the platform stack (team RBAC and the Argo CD
    // AppProject keep NetworkPolicies out of the team's hands). So the stack rule reports,
    // once, on the Deployment; the rest of the checklist passes on the app alone.
    it("alone, only the namespace rule reports, naming the team's namespace", () => {
      const p = policies(r, "prod");
      assert.deepStrictEqual(p.violations.map((v) => [v.policy, v.level, v.object]), [["k8s-namespace-default-deny", "mandatory", "Deployment/orders/orders-api"]]);
      assert.match(p.violations[0].message, /namespace "orders"/);
    });

    it("an app repo's pack config can exempt the platform-managed namespace, with the reason", () => {
      const config = loadPolicyConfig("prod");
      const reason = "orders is a platform team namespace: its default-deny NetworkPolicy is created by the platform stack (infra/teams/team.ts), not by this app stack.";
      config.packs.kubernetes = {
        ...config.packs.kubernetes,
        "k8s-namespace-default-deny": { exemptions: [{ resource: "*/orders/*", reason }] },
      };
      const p = policies(r, "prod", [], config);
      assert.deepStrictEqual(p.violations, [], show(p));
      assert.deepStrictEqual(p.exempted.map((v) => [v.policy, v.object, v.reason]), [["k8s-namespace-default-deny", "Deployment/orders/orders-api", reason]]);
    });
  });
});

describe("examples/app: against the real platform program's outputs", () => {
  let platform: RunResult;
  let app: RunResult;
  before(async () => {
    platform = await runStack("prod");
    // The harness shows secret outputs as "[secret]"; a real stack reference gets the value.
    const outputs = { ...platform.outputs, kubeconfig: KUBECONFIG };
    app = await runApp({ platformStack: PLATFORM_STACK }, outputs);
  });

  it("the platform publishes every contract output, the kubeconfig as a secret", () => {
    for (const k of CONTRACT_OUTPUTS) assert.ok(k in platform.outputs, `platform lacks ${k}`);
    assert.ok(platform.secretOutputs.includes("kubeconfig"));
  });

  it("the app lands in the platform's team namespace with its ECR image and ingress class", () => {
    const c = only(app, K.deployment).spec.template.spec.containers[0];
    const team = (platform.outputs.teams as PlatformContract["teams"]).orders;
    assert.strictEqual(c.image, `${team.ecrRepositories["orders-api"]}:${SHA}`);
    assert.strictEqual(only(app, K.deployment).metadata.namespace, team.namespace);
    assert.strictEqual(only(app, K.ingress).spec.ingressClassName, platform.outputs.ingressClass);
    assert.ok((platform.outputs.clusterIssuers as string[]).includes(only(app, K.ingress).metadata.annotations["cert-manager.io/cluster-issuer"]));
  });

  it("passes both packs at prod together with the platform's NetworkPolicies of that namespace", () => {
    const ns = (platform.outputs.teams as PlatformContract["teams"]).orders.namespace;
    const context = platform.resources
      .filter((x: RecordedResource) => x.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (x.inputs as any).metadata?.namespace === ns)
      .map((x): PolicyResource => ({ urn: x.urn, type: x.type, name: x.name, props: { ...x.outputs, ...x.inputs } }));
    assert.ok(context.some((x) => x.props.metadata.name === "default-deny"), `the platform gives ${ns} no default-deny`);
    const p = policies(app, "prod", context);
    assert.deepStrictEqual(p.violations, [], show(p));
    assert.deepStrictEqual(p.skipped, [], show(p));
  });

  // Defect: the example's host sat outside the platform's domain, so external-dns (domain
  // filter) published no record and the DNS-01 issuer (zone selector) issued no certificate.
  it("the Ingress host lies inside the domain external-dns and the issuer serve", () => {
    const host: string = only(app, K.ingress).spec.rules[0].host;
    const dns = platform.resources.find((x) => x.type === "kubernetes:helm.sh/v4:Chart" && String((x.inputs as any).chart).endsWith("external-dns"))!;
    const filters: string[] = (dns.inputs as any).values.domainFilters;
    assert.ok(filters.length > 0, "external-dns has no domain filter");
    assert.ok(filters.some((d) => host.endsWith(`.${d}`)), `${host} is outside external-dns's domains ${filters.join(", ")}`);
    const issuers = platform.resources.filter((x) => x.type === "kubernetes:cert-manager.io/v1:ClusterIssuer");
    assert.ok(issuers.length > 0);
    for (const i of issuers) {
      const zones: string[] = (i.inputs as any).spec.acme.solvers.flatMap((s: any) => s.selector?.dnsZones ?? []);
      assert.ok(zones.some((z) => host.endsWith(`.${z}`)), `${host} is outside the issuer's zones ${zones.join(", ")}`);
    }
  });

  it("the team namespace admits the ingress controller and allows OTLP egress on the ports the app uses", () => {
    const ns = (platform.outputs.teams as PlatformContract["teams"]).orders.namespace;
    const specs = platform.resources
      .filter((x) => x.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (x.inputs as any).metadata?.namespace === ns)
      .map((x) => (x.inputs as any).spec);
    const ingressPorts = specs.flatMap((s) => (s.ingress ?? []).flatMap((i: any) => (i.ports ?? []).map((p: any) => p.port)));
    const egressPorts = specs.flatMap((s) => (s.egress ?? []).flatMap((e: any) => (e.ports ?? []).map((p: any) => p.port)));
    assert.ok(ingressPorts.includes(8080), "the app's port 8080 is not admitted");
    assert.ok(egressPorts.includes(Number(new URL(String(platform.outputs.otlpGrpcEndpoint)).port)), "no egress to the OTLP gRPC port");
  });
});

describe("examples/app: project files", () => {
  it("Pulumi.yaml names the project the tests run as, a nodejs program whose entry exports main()", () => {
    const project = parseYaml(fs.readFileSync(path.join(APP_DIR, "Pulumi.yaml"), "utf8")) as { name: string; runtime: { name: string }; main: string };
    assert.strictEqual(project.name, PROJECT);
    assert.strictEqual(project.runtime.name, "nodejs");
    assert.strictEqual(project.main, "infra/");
    assert.match(fs.readFileSync(path.join(APP_DIR, "infra", "index.ts"), "utf8"), /^export = main\(\);$/m);
  });

  it("Pulumi.dev.yaml holds no secret and pins a git SHA", () => {
    const cfg = devConfig({ databasePassword: undefined }).config;
    assert.ok(Object.keys(cfg).every((k) => k.startsWith(`${PROJECT}:`)));
    assert.match(cfg[`${PROJECT}:imageTag`], /^[0-9a-f]{40}$/);
    assert.ok(!/secure:|password/i.test(Object.keys(cfg).join(" ")));
  });
});

describe("examples/app: bad config and contract failures are named", () => {
  it("refuses :latest, naming the key and the fix", async () => {
    await fails(runApp({ imageTag: "latest" }), "ConfigError", /orders-app:imageTag: "latest" is mutable/, /git SHA/);
  });

  it("refuses any other mutable-looking tag", async () => {
    await fails(runApp({ imageTag: "v1.2.3" }), "ConfigError", /orders-app:imageTag: "v1\.2\.3" is not immutable/);
    await fails(runApp({ imageTag: SHA.slice(0, 12) }), "ConfigError", /orders-app:imageTag/);
  });

  it("accepts a digest and pins the image by it", async () => {
    const r = await runApp({ imageTag: DIGEST });
    assert.strictEqual(only(r, K.deployment).spec.template.spec.containers[0].image, `${ECR}/orders/orders-api@${DIGEST}`);
  });

  it("refuses one replica (the PDB would allow an outage)", async () => {
    await fails(runApp({ replicas: 1 }), "ConfigError", /orders-app:replicas: "1" must be >= 2: one replica/);
  });

  it("refuses maxReplicas below replicas", async () => {
    await fails(runApp({ replicas: 3, maxReplicas: 2 }), "ConfigError", /orders-app:maxReplicas: 2 is below replicas 3/);
  });

  it("refuses a team name that cannot be a namespace", async () => {
    await fails(runApp({ team: "Orders Team" }), "ConfigError", /orders-app:team: "Orders Team" must be an onboarded team's name/);
  });

  it("names a missing required key and a missing secret, all problems at once", async () => {
    const msg = await fails(runApp({ platformStack: undefined, databasePassword: undefined, imageTag: "latest" }), "ConfigError", /3 problems/);
    assert.match(msg, /orders-app:platformStack: required\. Fix: pulumi config set orders-app:platformStack/);
    assert.match(msg, /orders-app:databasePassword: required \(secret\)\. Fix: pulumi config set --secret/);
    assert.match(msg, /orders-app:imageTag/);
  });

  it("names a misspelt key", async () => {
    await fails(runApp({ replica: 3 }), "ConfigError", /orders-app:replica: unknown key/);
  });

  it("a team not onboarded on the platform: ContractError naming the team and the onboarded ones", async () => {
    await fails(runApp({ team: "billing" }), "ContractError", /team "billing" is not onboarded on platform stack acme\/platform\/dev/, /onboarded: orders, payments/);
  });

  it("an app without an ECR repository in its team: names the key and the team's repositories", async () => {
    await fails(runApp({ app: "orders-frontend" }), "ContractError", /orders-app:app: team "orders" has no ECR repository for app "orders-frontend" \(it has: orders-api, orders-worker\)/);
  });

  it("a team that admits the ingress on another port than the service's", async () => {
    const platform = { ...PLATFORM, teams: { ...PLATFORM.teams, orders: { ...PLATFORM.teams.orders, appPort: 9090 } } };
    await fails(runApp({}, platform), "ContractError", /admits the ingress on port 9090, but this service listens on 8080/);
  });

  it("a ClusterIssuer the platform does not have", async () => {
    await fails(runApp({ clusterIssuer: "vault" }), "ConfigError", /orders-app:clusterIssuer: "vault" is not a ClusterIssuer of the platform \(it has: letsencrypt-staging, letsencrypt-prod\)/);
  });

  it("a platform on another contract major: fails before registering its provider or any object", async () => {
    const e = await runApp({}, { ...PLATFORM, contractVersion: "2.0.0" }).then(() => assert.fail("expected the run to fail"), (err: Error) => err);
    assert.strictEqual(e.name, "ContractError", e.message);
    assert.match(e.message, /publishes contract 2\.0\.0/);
    // Only the stack itself was registered (a StackReference is a read): no provider, no object.
    const registered = (e as Error & { registeredTypes: string[] }).registeredTypes;
    assert.deepStrictEqual(registered, ["pulumi:pulumi:Stack"]);
  });

  it("a host outside the team's domain: ContractError naming the domain (no DNS record, no certificate there)", async () => {
    await fails(runApp({ host: "orders.dev.example.com" }), "ContractError", /host "orders\.dev\.example\.com" is outside team "orders"'s domain orders\.dev\.platform\.example\.com/, /Fix: use a name under/);
  });

  it("a full host inside the team's domain is used as given", async () => {
    const r = await runApp({ host: "api.orders.dev.platform.example.com" });
    assert.strictEqual(only(r, K.ingress).spec.rules[0].host, "api.orders.dev.platform.example.com");
  });
});
