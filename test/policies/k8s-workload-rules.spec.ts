import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as k from "../../policies/kubernetes/rules";
import { looksSecret } from "../../policies/kubernetes/rules/k8s-no-secrets-in-env";
import { ALL_KINDS, goodContainer, LONG_RUNNING, POD_PATH, podWith, TOKENS, workload, WorkloadKind } from "./fixtures";
import { runResource } from "./harness";

type Spec = Record<string, any>;
const run = (p: ResourceValidationPolicy, kind: WorkloadKind, spec: Spec, config?: Record<string, unknown>) =>
  runResource(p, TOKENS[kind], workload(kind, spec), { config });
const msgs = (p: ResourceValidationPolicy, spec: Spec, kind: WorkloadKind = "Deployment", config?: Record<string, unknown>) =>
  run(p, kind, spec, config).messages;

const WORKLOAD_RULES = [
  k.runAsNonRoot, k.imagePinned, k.imageAllowedRegistry, k.noSecretsInEnv, k.noPrivileged, k.noPrivilegeEscalation,
  k.dropAllCapabilities, k.seccompRuntimeDefault, k.noHostNamespaces, k.noHostPorts, k.noHostPath, k.resourcesSet, k.probesSet,
  k.pssRestrictedVolumes, k.pssSeLinuxOptions, k.pssProcMount, k.pssSysctls, k.pssAppArmorProfile, k.pssHostProbesAndLifecycle,
] as ResourceValidationPolicy[];

describe("kubernetes workload rules", () => {
  describe("compliant fixture", () => {
    for (const p of WORKLOAD_RULES) {
      for (const kind of ALL_KINDS) {
        it(`${p.name} passes a compliant ${kind}`, () => {
          const r = run(p, kind, podWith(() => {}));
          assert.strictEqual(r.notApplicable, undefined);
          assert.deepStrictEqual(r.messages, []);
        });
      }
      it(`${p.name} is not applicable to a Service, a helm Chart component or an AWS bucket`, () => {
        for (const t of ["kubernetes:core/v1:Service", "kubernetes:helm.sh/v4:Chart", "aws:s3/bucket:Bucket", "platform:index:Cluster"]) {
          assert.ok(runResource(p, t, { spec: {} }).notApplicable !== undefined, t);
        }
      });
    }
    it("old API groups (extensions/v1beta1 Deployment, batch/v1beta1 CronJob) are checked too", () => {
      const d = workload("Deployment", podWith((s) => delete s.securityContext));
      assert.ok(runResource(k.runAsNonRoot, "kubernetes:extensions/v1beta1:Deployment", d).messages.length > 0);
      const c = workload("CronJob", podWith((s) => delete s.securityContext));
      assert.ok(runResource(k.runAsNonRoot, "kubernetes:batch/v1beta1:CronJob", c).messages.length > 0);
      assert.ok(runResource(k.runAsNonRoot, "kubernetes:example.com/v1:Deployment", d).notApplicable !== undefined);
    });
  });

  describe("k8s-run-as-non-root", () => {
    for (const kind of ALL_KINDS) {
      it(`fails a ${kind} with no runAsNonRoot/runAsUser, naming the path`, () => {
        const m = msgs(k.runAsNonRoot, podWith((s) => delete s.securityContext), kind);
        assert.strictEqual(m.length, 2); // init + app
        assert.ok(m[0].startsWith(`${POD_PATH[kind]}.initContainers[0].securityContext.runAsNonRoot:`), m[0]);
        assert.match(m[0], /Fix: /);
      });
    }
    it("fails runAsUser > 0 alone: PSS restricted requires runAsNonRoot: true", () => {
      const m = msgs(k.runAsNonRoot, podWith((s) => (s.securityContext = { runAsUser: 1000 })));
      assert.strictEqual(m.length, 2); // init + app
      assert.match(m[1], /containers\[0\]\.securityContext\.runAsNonRoot: .*PSS runAsNonRoot/);
    });
    it("passes with only container-level settings", () => {
      const spec = podWith((s) => {
        delete s.securityContext;
        for (const c of [...s.initContainers, ...s.containers]) c.securityContext.runAsNonRoot = true;
      });
      assert.deepStrictEqual(msgs(k.runAsNonRoot, spec), []);
    });
    it("container runAsUser 0 overrides the pod's non-root settings", () => {
      const m = msgs(k.runAsNonRoot, podWith((s) => (s.containers[0].securityContext.runAsUser = 0)));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /containers\[0\]\.securityContext\.runAsUser: .*UID 0.*PSS runAsUser/);
    });
    it("container runAsNonRoot false overrides pod true when no UID is set", () => {
      const m = msgs(k.runAsNonRoot, podWith((s) => {
        delete s.securityContext.runAsUser;
        s.containers[0].securityContext.runAsNonRoot = false;
      }));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /runAsNonRoot false/);
    });
    it("pod-level runAsUser 0 is reported at the pod path", () => {
      const m = msgs(k.runAsNonRoot, podWith((s) => (s.securityContext.runAsUser = 0)));
      assert.ok(m.every((x) => x.startsWith("spec.template.spec.securityContext.runAsUser")), m.join("\n"));
    });
    it("checks ephemeral containers", () => {
      const m = msgs(k.runAsNonRoot, podWith((s) => (s.ephemeralContainers = [{ name: "debug", image: "x:1", securityContext: { runAsUser: 0 } }])));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /ephemeralContainers\[0\].*ephemeral container "debug"/);
    });
    it("flags runAsGroup 0 unless allowRootGroup", () => {
      const spec = podWith((s) => (s.securityContext.runAsGroup = 0));
      assert.strictEqual(msgs(k.runAsNonRoot, spec).length, 2);
      assert.match(msgs(k.runAsNonRoot, spec)[0], /GID 0/);
      assert.deepStrictEqual(msgs(k.runAsNonRoot, spec, "Deployment", { allowRootGroup: true }), []);
    });
    it("a numeric string UID from YAML counts", () => {
      assert.strictEqual(msgs(k.runAsNonRoot, podWith((s) => (s.securityContext = { runAsUser: "0" }))).length, 2);
    });
  });

  describe("k8s-image-pinned", () => {
    const withImage = (image: unknown, where: "containers" | "initContainers" = "containers") => podWith((s) => (s[where][0].image = image));
    for (const good of ["nginx:1.27.0", "registry:5000/app:2.0", "ghcr.io/org/app@sha256:" + "a".repeat(64), "app:latest@sha256:" + "b".repeat(64)]) {
      it(`passes ${good}`, () => assert.deepStrictEqual(msgs(k.imagePinned, withImage(good)), []));
    }
    const bad: [unknown, RegExp][] = [
      ["registry:5000/app", /no tag/],
      ["nginx", /no tag/],
      ["nginx:latest", /:latest/],
      ["quay.io/org/app:LATEST", /:latest/],
      ["", /not a valid reference/],
      ["Nginx:1.0", /not a valid reference/],
      ["app@sha256:short", /not a valid reference/],
      [42, /non-string image/],
      [undefined, /has no image/],
    ];
    for (const [image, re] of bad) {
      it(`fails ${JSON.stringify(image)}`, () => {
        const m = msgs(k.imagePinned, withImage(image));
        assert.strictEqual(m.length, 1);
        assert.match(m[0], re);
        assert.ok(m[0].startsWith("spec.template.spec.containers[0].image:"));
      });
    }
    it("checks init containers and CronJob templates", () => {
      const m = msgs(k.imagePinned, withImage("busybox", "initContainers"), "CronJob");
      assert.strictEqual(m.length, 1);
      assert.ok(m[0].startsWith("spec.jobTemplate.spec.template.spec.initContainers[0].image"));
    });
    it("requireDigest refuses tag-only references", () => {
      assert.strictEqual(msgs(k.imagePinned, withImage("nginx:1.27.0"), "Deployment", { requireDigest: true }).length, 2); // init + app
      assert.deepStrictEqual(msgs(k.imagePinned, podWith((s) => { for (const c of [...s.containers, ...s.initContainers]) c.image = "nginx@sha256:" + "c".repeat(64); }), "Deployment", { requireDigest: true }), []);
    });
  });

  describe("k8s-image-allowed-registry", () => {
    const withImage = (image: string) => podWith((s) => (s.containers[0].image = image));
    it("allows the platform ECR and chart registries", () => {
      for (const i of [GOOD(), "quay.io/jetstack/cert-manager-controller:v1.21.1", "docker.io/grafana/loki:3.7.6", "grafana/alloy:v1.18.1", "registry.k8s.io/metrics-server/metrics-server:v0.8.0"]) {
        assert.deepStrictEqual(msgs(k.imageAllowedRegistry, withImage(i)), [], i);
      }
    });
    it("refuses Docker Hub library images not listed, and lookalike prefixes", () => {
      for (const i of ["nginx:1.27", "quay.io/jetstackx/evil:1", "evil.com/quay.io/jetstack/x:1", "ghcr.io/other/app:1"]) {
        const m = msgs(k.imageAllowedRegistry, withImage(i));
        assert.strictEqual(m.length, 1, i);
        assert.match(m[0], /not in allowedRegistries/);
      }
    });
    it("honours allowedRegistries from config (entries without a host mean Docker Hub)", () => {
      assert.deepStrictEqual(msgs(k.imageAllowedRegistry, podWith((s) => { for (const c of [...s.containers, ...s.initContainers]) c.image = "nginx:1.27"; }), "Deployment", { allowedRegistries: ["library/nginx"] }), []);
      assert.strictEqual(msgs(k.imageAllowedRegistry, withImage(GOOD()), "Deployment", { allowedRegistries: ["ghcr.io/acme"] }).length, 2); // init + app
    });
    it("reports invalid config instead of throwing", () => {
      const m = msgs(k.imageAllowedRegistry, withImage(GOOD()), "Deployment", { allowedRegistries: "ghcr.io" });
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /invalid config for policy k8s-image-allowed-registry: k8s-image-allowed-registry.allowedRegistries/);
    });
  });

  describe("k8s-no-secrets-in-env", () => {
    const withEnv = (env: unknown, where = "containers") => podWith((s) => (s[where][0].env = env));
    it("looksSecret recognises secret names and not their metadata", () => {
      for (const n of ["DB_PASSWORD", "API_KEY", "GITHUB_TOKEN", "client-secret", "AWS_SECRET_ACCESS_KEY", "DBPASSWORD", "SMTP_PASS", "ENCRYPTION_KEY", "oauth2_credentials"]) assert.ok(looksSecret(n), n);
      for (const n of ["LOG_LEVEL", "PWD", "KEY_PREFIX", "TOKEN_URL", "PASSWORD_FILE", "SECRET_NAME", "AWS_ACCESS_KEY_ID", "MONKEY", "HOME"]) assert.ok(!looksSecret(n), n);
    });
    it("fails a plain value on a secret-looking name", () => {
      const m = msgs(k.noSecretsInEnv, withEnv([{ name: "LOG_LEVEL", value: "info" }, { name: "DB_PASSWORD", value: "hunter2" }]));
      assert.strictEqual(m.length, 1);
      assert.ok(m[0].startsWith("spec.template.spec.containers[0].env[1].value:"));
      assert.match(m[0], /secretKeyRef/);
    });
    it("fails numbers too (YAML `API_TOKEN: 1234`), in init containers", () => {
      assert.strictEqual(msgs(k.noSecretsInEnv, withEnv([{ name: "API_TOKEN", value: 1234 }], "initContainers")).length, 1);
    });
    it("passes secretKeyRef, empty values and allowlisted names", () => {
      assert.deepStrictEqual(msgs(k.noSecretsInEnv, withEnv([{ name: "API_KEY", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }, { name: "X_TOKEN", value: "" }])), []);
      assert.deepStrictEqual(msgs(k.noSecretsInEnv, withEnv([{ name: "GF_AUTH_TOKEN", value: "x" }]), "Deployment", { allowedNames: ["GF_AUTH_*"] }), []);
    });
  });

  describe("k8s-no-privileged", () => {
    it("fails privileged containers, init included", () => {
      const m = msgs(k.noPrivileged, podWith((s) => (s.initContainers[0].securityContext.privileged = true)));
      assert.strictEqual(m.length, 1);
      assert.ok(m[0].startsWith("spec.template.spec.initContainers[0].securityContext.privileged"));
    });
    it("fails Windows hostProcess at pod or container level", () => {
      assert.strictEqual(msgs(k.noPrivileged, podWith((s) => (s.securityContext.windowsOptions = { hostProcess: true }))).length, 1);
      assert.strictEqual(msgs(k.noPrivileged, podWith((s) => (s.containers[0].securityContext.windowsOptions = { hostProcess: true }))).length, 1);
    });
  });

  describe("k8s-no-privilege-escalation", () => {
    it("fails when unset (default true) or true, on every container kind", () => {
      const m = msgs(k.noPrivilegeEscalation, podWith((s) => {
        delete s.containers[0].securityContext.allowPrivilegeEscalation;
        s.initContainers[0].securityContext.allowPrivilegeEscalation = true;
        s.ephemeralContainers = [{ name: "dbg", image: "x:1" }];
      }));
      assert.strictEqual(m.length, 3);
      assert.match(m[1], /containers\[0\].*does not set allowPrivilegeEscalation: false \(it defaults to true\)/);
      assert.match(m[0], /initContainers\[0\].*sets allowPrivilegeEscalation true/);
      assert.match(m[2], /ephemeralContainers\[0\]/);
    });
    it("skips Windows pods", () => {
      assert.deepStrictEqual(msgs(k.noPrivilegeEscalation, podWith((s) => { s.os = { name: "windows" }; delete s.containers[0].securityContext.allowPrivilegeEscalation; })), []);
    });
  });

  describe("k8s-drop-all-capabilities", () => {
    it("fails when ALL is not dropped", () => {
      const m = msgs(k.dropAllCapabilities, podWith((s) => (s.containers[0].securityContext.capabilities = { drop: ["NET_RAW"] })));
      assert.strictEqual(m.length, 1);
      assert.ok(m[0].startsWith("spec.template.spec.containers[0].securityContext.capabilities.drop"));
    });
    it("fails added capabilities other than NET_BIND_SERVICE, compared exactly as admission does", () => {
      const cap = msgs(k.dropAllCapabilities, podWith((s) => (s.containers[0].securityContext.capabilities.add = ["CAP_NET_BIND_SERVICE"])));
      assert.strictEqual(cap.length, 1, "CAP_NET_BIND_SERVICE is not NET_BIND_SERVICE to pod-security-admission");
      const m = msgs(k.dropAllCapabilities, podWith((s) => (s.containers[0].securityContext.capabilities.add = ["NET_BIND_SERVICE", "CAP_SYS_ADMIN"])));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /add\[1\].*SYS_ADMIN/);
    });
    it("allowedAdd config widens the list", () => {
      assert.deepStrictEqual(msgs(k.dropAllCapabilities, podWith((s) => (s.containers[0].securityContext.capabilities.add = ["NET_ADMIN"])), "Deployment", { allowedAdd: ["NET_ADMIN"] }), []);
    });
  });

  describe("k8s-seccomp-runtime-default", () => {
    it("fails when neither pod nor container sets a profile", () => {
      const m = msgs(k.seccompRuntimeDefault, podWith((s) => delete s.securityContext.seccompProfile));
      assert.strictEqual(m.length, 2);
      assert.ok(m[0].startsWith("spec.template.spec.securityContext.seccompProfile"));
    });
    it("container Unconfined overrides the pod's RuntimeDefault", () => {
      const m = msgs(k.seccompRuntimeDefault, podWith((s) => (s.containers[0].securityContext.seccompProfile = { type: "Unconfined" })));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /containers\[0\]\.securityContext\.seccompProfile\.type.*"Unconfined"/);
    });
    it("Localhost needs localhostProfile", () => {
      const m = msgs(k.seccompRuntimeDefault, podWith((s) => (s.securityContext.seccompProfile = { type: "Localhost" })));
      assert.deepStrictEqual(m.map((x) => x.split(":")[0]), ["spec.template.spec.securityContext.seccompProfile.localhostProfile"]);
      assert.deepStrictEqual(msgs(k.seccompRuntimeDefault, podWith((s) => (s.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/app.json" }))), []);
    });
    it("container-level profile alone passes", () => {
      assert.deepStrictEqual(msgs(k.seccompRuntimeDefault, podWith((s) => {
        delete s.securityContext.seccompProfile;
        for (const c of [...s.containers, ...s.initContainers]) c.securityContext.seccompProfile = { type: "RuntimeDefault" };
      })), []);
    });
  });

  describe("host access", () => {
    for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
      it(`k8s-no-host-namespaces fails ${f}: true`, () => {
        const m = msgs(k.noHostNamespaces, podWith((s) => (s[f] = true)), "DaemonSet");
        assert.deepStrictEqual(m.map((x) => x.split(":")[0]), [`spec.template.spec.${f}`]);
      });
    }
    it("k8s-no-host-namespaces passes explicit false", () => {
      assert.deepStrictEqual(msgs(k.noHostNamespaces, podWith((s) => Object.assign(s, { hostNetwork: false, hostPID: false }))), []);
    });
    it("k8s-no-host-ports fails hostPort and passes containerPort only / hostPort 0", () => {
      assert.strictEqual(msgs(k.noHostPorts, podWith((s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]))).length, 1);
      assert.deepStrictEqual(msgs(k.noHostPorts, podWith((s) => (s.containers[0].ports = [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }]))), []);
    });
    it("k8s-no-host-ports checks init and ephemeral containers too, in every workload kind", () => {
      for (const kind of ALL_KINDS) {
        const m = msgs(k.noHostPorts, podWith((s) => {
          s.initContainers[0].ports = [{ containerPort: 53, hostPort: 53 }];
          s.ephemeralContainers = [{ name: "dbg", image: "x:1", ports: [{ containerPort: 9000, hostPort: 9000 }] }];
        }), kind);
        assert.deepStrictEqual(m.map((x) => x.split(":")[0]), [`${POD_PATH[kind]}.initContainers[0].ports[0].hostPort`, `${POD_PATH[kind]}.ephemeralContainers[0].ports[0].hostPort`], kind);
      }
    });
    it("k8s-no-host-path fails a hostPath volume and names it", () => {
      const m = msgs(k.noHostPath, podWith((s) => s.volumes.push({ name: "docker", hostPath: { path: "/var/run/docker.sock" } })));
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /^spec\.template\.spec\.volumes\[1\]\.hostPath: volume "docker" mounts the node path "\/var\/run\/docker.sock"/);
    });
  });

  describe("k8s-resources-set", () => {
    it("fails each missing field separately", () => {
      const cases: [(c: Spec) => void, string[]][] = [
        [(c) => delete c.resources.requests.cpu, ["requests.cpu"]],
        [(c) => (c.resources = { requests: { cpu: "1" } }), ["requests.memory", "limits.memory"]],
        [(c) => delete c.resources.limits, ["limits.memory"]],
        [(c) => delete c.resources, ["requests.cpu", "requests.memory", "limits.memory"]],
      ];
      for (const [mut, fields] of cases) {
        const m = msgs(k.resourcesSet, podWith((s) => mut(s.containers[0])));
        assert.deepStrictEqual(m.map((x) => x.split(":")[0]), fields.map((f) => `spec.template.spec.containers[0].resources.${f}`));
      }
    });
    it("checks init containers, not ephemeral ones", () => {
      assert.strictEqual(msgs(k.resourcesSet, podWith((s) => delete s.initContainers[0].resources)).length, 3);
      assert.deepStrictEqual(msgs(k.resourcesSet, podWith((s) => (s.ephemeralContainers = [{ name: "dbg", image: "x:1" }]))), []);
    });
    it("requests default to limits, as in Kubernetes", () => {
      assert.deepStrictEqual(msgs(k.resourcesSet, podWith((s) => (s.containers[0].resources = { limits: { cpu: "1", memory: "1Gi" } }))), []);
    });
    it("refuses zero and malformed quantities", () => {
      assert.match(msgs(k.resourcesSet, podWith((s) => (s.containers[0].resources.limits.memory = "0")))[0], /is zero/);
      assert.match(msgs(k.resourcesSet, podWith((s) => (s.containers[0].resources.requests.cpu = "lots")))[0], /not a valid quantity/);
      assert.deepStrictEqual(msgs(k.resourcesSet, podWith((s) => (s.containers[0].resources.requests.cpu = 0.5))), []);
    });
    it("requireCpuLimit adds limits.cpu", () => {
      assert.strictEqual(msgs(k.resourcesSet, podWith(() => {}), "Deployment", { requireCpuLimit: true }).length, 2);
    });
  });

  describe("k8s-probes-set", () => {
    for (const kind of LONG_RUNNING) {
      it(`fails a ${kind} container without probes`, () => {
        const m = msgs(k.probesSet, podWith((s) => delete s.containers[0].readinessProbe), kind);
        assert.deepStrictEqual(m.map((x) => x.split(":")[0]), [`${POD_PATH[kind]}.containers[0].readinessProbe`]);
      });
    }
    it("does not require probes on Jobs, CronJobs, init containers or run-once Pods", () => {
      const spec = podWith((s) => { delete s.containers[0].livenessProbe; delete s.containers[0].readinessProbe; });
      assert.deepStrictEqual(msgs(k.probesSet, spec, "Job"), []);
      assert.deepStrictEqual(msgs(k.probesSet, spec, "CronJob"), []);
      assert.deepStrictEqual(msgs(k.probesSet, { ...spec, restartPolicy: "Never" }, "Pod"), []);
      assert.deepStrictEqual(msgs(k.probesSet, podWith(() => {})), []); // the init container has none
    });
    it("fails a probe without a handler and a malformed probe", () => {
      assert.match(msgs(k.probesSet, podWith((s) => (s.containers[0].livenessProbe = { periodSeconds: 10 })))[0], /no handler/);
      assert.match(msgs(k.probesSet, podWith((s) => (s.containers[0].livenessProbe = "yes")))[0], /malformed livenessProbe/);
    });
    it("every container is checked (sidecars)", () => {
      assert.strictEqual(msgs(k.probesSet, podWith((s) => s.containers.push({ ...goodContainer("sidecar"), livenessProbe: undefined }))).length, 1);
    });
  });
});

function GOOD() {
  return "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2";
}
