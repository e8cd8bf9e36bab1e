// policies/lib/pss against PSS v1.37 (kubernetes/pod-security-admission policy/check_*.go): a compliant pod,
// then one failing pod per way to break each control, with the control, level and field path expected.
import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import * as k from "../../policies/kubernetes/rules";
import { checkPodSecurity, checksFor, PSS_CHECKS, PssLevel } from "../../policies/lib/pss";
import { podWith, TOKENS, workload } from "./fixtures";
import { runResource } from "./harness";

type Spec = Record<string, any>;
const ctr = (name: string) => ({ name, image: "x:1", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } });
function pod(mutate: (s: Spec, meta: Spec) => void = () => {}): [Spec, Spec] {
  const s: Spec = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [ctr("init")],
    containers: [ctr("app")],
    ephemeralContainers: [ctr("dbg")],
    volumes: [{ name: "tmp", emptyDir: {} }, { name: "cfg", configMap: { name: "c" } }, { name: "bare" }],
  };
  const meta: Spec = { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "runtime/default" } };
  mutate(s, meta);
  return [meta, s];
}
const findings = (m: (s: Spec, meta: Spec) => void, level: PssLevel = "restricted") => {
  const [meta, s] = pod(m);
  return checkPodSecurity(meta, s, level).map((f) => `${f.control} ${f.level} ${f.path}`);
};
const sc = (s: Spec, which: "initContainers" | "containers" | "ephemeralContainers" = "containers") => s[which][0].securityContext;

// [case, mutation, expected findings "control level path"]
const BREAKS: [string, (s: Spec, meta: Spec) => void, string[]][] = [
  ["hostNetwork", (s) => (s.hostNetwork = true), ["hostNamespaces baseline spec.hostNetwork"]],
  ["hostPID", (s) => (s.hostPID = true), ["hostNamespaces baseline spec.hostPID"]],
  ["hostIPC", (s) => (s.hostIPC = true), ["hostNamespaces baseline spec.hostIPC"]],
  ["privileged (ephemeral container)", (s) => (sc(s, "ephemeralContainers").privileged = true), ["privileged baseline spec.ephemeralContainers[0].securityContext.privileged"]],
  ["baseline capability add (SYS_ADMIN)", (s) => (sc(s).capabilities.add = ["SYS_ADMIN"]), ["capabilities_restricted restricted spec.containers[0].securityContext.capabilities.add[0]"]],
  ["restricted capability add (CHOWN, fine at baseline)", (s) => (sc(s, "initContainers").capabilities.add = ["CHOWN"]), ["capabilities_restricted restricted spec.initContainers[0].securityContext.capabilities.add[0]"]],
  ["drop ALL missing", (s) => (sc(s).capabilities = { drop: ["NET_RAW"] }), ["capabilities_restricted restricted spec.containers[0].securityContext.capabilities.drop"]],
  ["drop lower-case all", (s) => (sc(s).capabilities = { drop: ["all"] }), ["capabilities_restricted restricted spec.containers[0].securityContext.capabilities.drop"]],
  ["hostPath volume", (s) => s.volumes.push({ name: "h", hostPath: { path: "/" } }), ["restrictedVolumes restricted spec.volumes[3].hostPath"]],
  ["nfs volume", (s) => s.volumes.push({ name: "n", nfs: { server: "s", path: "/" } }), ["restrictedVolumes restricted spec.volumes[3].nfs"]],
  ["gitRepo volume", (s) => s.volumes.push({ name: "g", gitRepo: { repository: "r" } }), ["restrictedVolumes restricted spec.volumes[3].gitRepo"]],
  ["hostPort (init container)", (s) => (s.initContainers[0].ports = [{ containerPort: 53, hostPort: 53 }]), ["hostPorts baseline spec.initContainers[0].ports[0].hostPort"]],
  ["hostPort (ephemeral container)", (s) => (s.ephemeralContainers[0].ports = [{ containerPort: 9, hostPort: 9 }]), ["hostPorts baseline spec.ephemeralContainers[0].ports[0].hostPort"]],
  ["AppArmor annotation unconfined", (_s, m) => (m.annotations["container.apparmor.security.beta.kubernetes.io/app"] = "unconfined"), ['appArmorProfile baseline metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]']],
  ["AppArmor pod field Unconfined", (s) => (s.securityContext.appArmorProfile = { type: "Unconfined" }), ["appArmorProfile baseline spec.securityContext.appArmorProfile.type"]],
  ["AppArmor container field Unconfined", (s) => (sc(s, "ephemeralContainers").appArmorProfile = { type: "Unconfined" }), ["appArmorProfile baseline spec.ephemeralContainers[0].securityContext.appArmorProfile.type"]],
  ["SELinux type spc_t (pod)", (s) => (s.securityContext.seLinuxOptions = { type: "spc_t" }), ["seLinuxOptions baseline spec.securityContext.seLinuxOptions.type"]],
  ["SELinux user (container)", (s) => (sc(s).seLinuxOptions = { type: "container_t", user: "sysadm_u" }), ["seLinuxOptions baseline spec.containers[0].securityContext.seLinuxOptions.user"]],
  ["SELinux role (init container)", (s) => (sc(s, "initContainers").seLinuxOptions = { role: "sysadm_r" }), ["seLinuxOptions baseline spec.initContainers[0].securityContext.seLinuxOptions.role"]],
  ["procMount Unmasked", (s) => (sc(s).procMount = "Unmasked"), ["procMount_restricted restricted spec.containers[0].securityContext.procMount"]],
  ["procMount Unmasked in a user namespace (restricted keeps it)", (s) => { s.hostUsers = false; sc(s).procMount = "Unmasked"; }, ["procMount_restricted restricted spec.containers[0].securityContext.procMount"]],
  ["seccomp pod Unconfined, every container overrides", (s) => { s.securityContext.seccompProfile = { type: "Unconfined" }; for (const k of ["initContainers", "containers", "ephemeralContainers"]) sc(s, k as any).seccompProfile = { type: "RuntimeDefault" }; }, ["seccompProfile_restricted restricted spec.securityContext.seccompProfile.type"]],
  ["seccomp container Unconfined", (s) => (sc(s).seccompProfile = { type: "Unconfined" }), ["seccompProfile_restricted restricted spec.containers[0].securityContext.seccompProfile.type"]],
  ["seccomp unset everywhere", (s) => delete s.securityContext.seccompProfile, ["init", "app", "dbg"].map(() => "seccompProfile_restricted restricted spec.securityContext.seccompProfile")],
  ["unsafe sysctl", (s) => (s.securityContext.sysctls = [{ name: "net.ipv4.tcp_rmem", value: "1" }, { name: "kernel.msgmax", value: "1" }]), ["sysctls baseline spec.securityContext.sysctls[1].name"]],
  ["pod hostProcess", (s) => (s.securityContext.windowsOptions = { hostProcess: true }), ["windowsHostProcess baseline spec.securityContext.windowsOptions.hostProcess"]],
  ["container hostProcess", (s) => (sc(s).windowsOptions = { hostProcess: true }), ["windowsHostProcess baseline spec.containers[0].securityContext.windowsOptions.hostProcess"]],
  ["liveness httpGet.host", (s) => (s.containers[0].livenessProbe = { httpGet: { host: "10.0.0.1", port: 80 } }), ["hostProbesAndHostLifecycle baseline spec.containers[0].livenessProbe.httpGet.host"]],
  ["startup tcpSocket.host", (s) => (s.initContainers[0].startupProbe = { tcpSocket: { host: "db", port: 5432 } }), ["hostProbesAndHostLifecycle baseline spec.initContainers[0].startupProbe.tcpSocket.host"]],
  ["preStop httpGet.host", (s) => (s.containers[0].lifecycle = { preStop: { httpGet: { host: "metadata", port: 80 } } }), ["hostProbesAndHostLifecycle baseline spec.containers[0].lifecycle.preStop.httpGet.host"]],
  ["allowPrivilegeEscalation unset", (s) => delete sc(s).allowPrivilegeEscalation, ["allowPrivilegeEscalation restricted spec.containers[0].securityContext.allowPrivilegeEscalation"]],
  ["allowPrivilegeEscalation true", (s) => (sc(s, "ephemeralContainers").allowPrivilegeEscalation = true), ["allowPrivilegeEscalation restricted spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation"]],
  ["pod runAsNonRoot false, containers true", (s) => { s.securityContext.runAsNonRoot = false; for (const k of ["initContainers", "containers", "ephemeralContainers"]) sc(s, k as any).runAsNonRoot = true; }, ["runAsNonRoot restricted spec.securityContext.runAsNonRoot"]],
  ["container runAsNonRoot false", (s) => (sc(s).runAsNonRoot = false), ["runAsNonRoot restricted spec.containers[0].securityContext.runAsNonRoot"]],
  ["runAsUser 1000 without runAsNonRoot", (s) => (s.securityContext = { runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } }), ["initContainers", "containers", "ephemeralContainers"].map((c) => `runAsNonRoot restricted spec.${c}[0].securityContext.runAsNonRoot`)],
  ["pod runAsUser 0, container overrides", (s) => { s.securityContext.runAsUser = 0; sc(s).runAsUser = 1000; }, ["runAsUser restricted spec.securityContext.runAsUser"]],
  ["container runAsUser 0", (s) => (sc(s, "initContainers").runAsUser = 0), ["runAsUser restricted spec.initContainers[0].securityContext.runAsUser"]],
];

describe("policies/lib/pss: Pod Security Standards v1.37", () => {
  it("passes a compliant pod at every level (volumes without a source default to emptyDir)", () => {
    for (const level of ["privileged", "baseline", "restricted"] as const) assert.deepStrictEqual(findings(() => {}, level), [], level);
  });
  for (const [name, mutate, expected] of BREAKS) {
    it(`refuses: ${name}`, () => assert.deepStrictEqual(findings(mutate), expected));
  }
  it("baseline leaves restricted-only problems alone and keeps its own", () => {
    assert.deepStrictEqual(findings((s) => { delete s.securityContext; s.volumes.push({ name: "n", nfs: {} }); sc(s).capabilities = { add: ["CHOWN"] }; }, "baseline"), []);
    assert.deepStrictEqual(findings((s) => (sc(s).capabilities.add = ["NET_ADMIN"]), "baseline"), ["capabilities_baseline baseline spec.containers[0].securityContext.capabilities.add[0]"]);
    assert.deepStrictEqual(findings((s) => s.volumes.push({ name: "h", hostPath: { path: "/" } }), "baseline"), ["hostPathVolumes baseline spec.volumes[3].hostPath"]);
    assert.deepStrictEqual(findings((s) => (s.securityContext.seccompProfile = { type: "Unconfined" }), "baseline"), ["seccompProfile_baseline baseline spec.securityContext.seccompProfile.type"]);
  });
  it("allows what upstream allows: safe sysctls, container_engine_t, Localhost profiles, NET_BIND_SERVICE, hostPort 0", () => {
    assert.deepStrictEqual(findings((s, m) => {
      s.securityContext.sysctls = [{ name: "net.ipv4.tcp_notsent_lowat" }, { name: "kernel.shm_rmid_forced" }];
      s.securityContext.seLinuxOptions = { type: "container_engine_t", level: "s0:c1" };
      s.securityContext.appArmorProfile = { type: "Localhost", localhostProfile: "p" };
      m.annotations["container.apparmor.security.beta.kubernetes.io/app"] = "localhost/p";
      sc(s).capabilities.add = ["NET_BIND_SERVICE"];
      s.containers[0].ports = [{ containerPort: 80, hostPort: 0 }];
      s.volumes.push({ name: "i", image: { reference: "x:1" } }, { name: "p", persistentVolumeClaim: { claimName: "c" } });
    }), []);
  });
  it("exempts Windows pods from the Linux-only restricted checks, and user-namespaced pods from the root checks", () => {
    assert.deepStrictEqual(findings((s) => { s.os = { name: "windows" }; delete s.securityContext.seccompProfile; delete sc(s).capabilities; delete sc(s).allowPrivilegeEscalation; }), []);
    assert.deepStrictEqual(findings((s) => { s.hostUsers = false; s.securityContext = { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } }; }), []);
  });
  it("names each finding after an upstream check and covers every check at restricted but the replaced ones", () => {
    const ids = checksFor("restricted").map((c) => c.id).sort();
    assert.deepStrictEqual(ids, PSS_CHECKS.map((c) => c.id).filter((id) => !["hostPathVolumes", "seccompProfile_baseline", "capabilities_baseline", "procMount"].includes(id)).sort());
    assert.strictEqual(ids.length, 15); // 19 upstream checks, 4 replaced at restricted
  });
});

describe("kubernetes pack: the PSS rules wrap policies/lib/pss", () => {
  const rules: [ResourceValidationPolicy, (s: Spec) => void][] = [
    [k.pssSeLinuxOptions, (s) => (s.containers[0].securityContext.seLinuxOptions = { type: "spc_t" })],
    [k.pssProcMount, (s) => (s.initContainers[0].securityContext.procMount = "Unmasked")],
    [k.pssSysctls, (s) => (s.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }])],
    [k.pssAppArmorProfile, (s) => (s.securityContext.appArmorProfile = { type: "Unconfined" })],
    [k.pssHostProbesAndLifecycle, (s) => (s.containers[0].readinessProbe = { httpGet: { host: "1.2.3.4", port: 80 } })],
    [k.pssRestrictedVolumes, (s) => s.volumes.push({ name: "e", awsElasticBlockStore: { volumeID: "v" } })],
  ];
  for (const [rule, mutate] of rules) {
    it(`${rule.name} reports its control in every workload kind, at the kind's pod path`, () => {
      for (const kind of Object.keys(TOKENS) as (keyof typeof TOKENS)[]) {
        const m = runResource(rule, TOKENS[kind], workload(kind, podWith(mutate))).messages;
        assert.strictEqual(m.length, 1, `${kind}: ${m.join("\n")}`);
        assert.match(m[0], /\(PSS \w+\)\. Fix: /);
      }
    });
  }
  it("k8s-pss-apparmor-profile reads the pod template's annotations, not the controller's", () => {
    const d = workload("Deployment");
    d.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" };
    assert.deepStrictEqual(runResource(k.pssAppArmorProfile, TOKENS.Deployment, d).messages, []);
    d.spec.template.metadata.annotations = d.metadata.annotations;
    assert.match(runResource(k.pssAppArmorProfile, TOKENS.Deployment, d).messages[0], /^spec\.template\.metadata\.annotations\["container\.apparmor/);
  });
  it("k8s-pss-restricted-volumes leaves hostPath to k8s-no-host-path (one finding, one exemption)", () => {
    const d = workload("DaemonSet", podWith((s) => s.volumes.push({ name: "h", hostPath: { path: "/" } })));
    assert.deepStrictEqual(runResource(k.pssRestrictedVolumes, TOKENS.DaemonSet, d).messages, []);
    assert.strictEqual(runResource(k.noHostPath, TOKENS.DaemonSet, d).messages.length, 1);
  });
});

describe("k8s-workload-shape: unknown shapes are reported, not passed", () => {
  const shape = (type: string, obj: Spec) => runResource(k.workloadShape, type, obj).messages;
  it("names a Deployment at apiVersion v1, which no PSS rule reads", () => {
    const d = { ...workload("Deployment"), apiVersion: "v1" };
    const m = shape("kubernetes:core/v1:Deployment", d);
    assert.strictEqual(m.length, 1);
    assert.match(m[0], /^apiVersion: Deployment at apiVersion v1 is not served \(use apps\/v1\); the PSS rules did not check its pods/);
    assert.ok(runResource(k.noPrivileged, "kubernetes:core/v1:Deployment", d).notApplicable !== undefined);
  });
  it("names an old beta group that the rules still check", () => {
    assert.match(shape("kubernetes:extensions/v1beta1:Deployment", workload("Deployment"))[0], /extensions\/v1beta1 is not served \(use apps\/v1\)\. Fix/);
  });
  it("names an unknown kind carrying a pod template, and passes served workloads and plain objects", () => {
    const rollout = { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", metadata: { name: "r" }, spec: workload("Deployment").spec };
    assert.match(shape("kubernetes:argoproj.io/v1alpha1:Rollout", rollout)[0], /^spec\.template\.spec: argoproj\.io\/v1alpha1 Rollout carries a pod template/);
    for (const kind of Object.keys(TOKENS) as (keyof typeof TOKENS)[]) assert.deepStrictEqual(shape(TOKENS[kind], workload(kind)), [], kind);
    assert.deepStrictEqual(shape("kubernetes:core/v1:ConfigMap", { apiVersion: "v1", kind: "ConfigMap", data: { a: "b" } }), []);
  });
});
