// policies/lib/pss findings compared whole (control, level, path, message, container, value): the
// message is what a developer reads in the policy report, so each check's wording, the value it
// names and the edge values upstream lets through (hostPort "0", an empty SELinux user, a null
// procMount...) are pinned here, one pod per case.
// upstream: kubernetes/pod-security-admission policy/check_*.go (as cited in policies/lib/pss)
import * as assert from "assert";
import { checkPodSecurity, checksFor, PssFinding, runPssChecks } from "../../policies/lib/pss";
import { describeContainer, effectiveSecurityField, findPodSpec, isLongRunning } from "../../policies/lib/podspec";

type Spec = Record<string, any>;
const base = (): Spec => ({ containers: [{ name: "app", image: "x:1" }] });
const at = (level: "baseline" | "restricted", m: (s: Spec, meta: Spec) => void): PssFinding[] => {
  const s = base();
  const meta: Spec = {};
  m(s, meta);
  return checkPodSecurity(meta, s, level).filter((f) => level === "baseline" || f.level === "restricted");
};
const sc = (s: Spec) => (s.containers[0].securityContext ??= {});
const F = (control: string, path: string, message: string, extra: Partial<PssFinding> = {}, level: "baseline" | "restricted" = "baseline"): PssFinding => ({ control, level, path, message, ...extra });
const APP = { container: "app" };

describe("policies/lib/pss: each finding as the report shows it", () => {
  const BASELINE: [string, (s: Spec, meta: Spec) => void, PssFinding[]][] = [
    ["hostNetwork", (s) => (s.hostNetwork = true), [F("hostNamespaces", "spec.hostNetwork", "the pod sets hostNetwork: true (shares the node's namespace)")]],
    ["privileged", (s) => (sc(s).privileged = true), [F("privileged", "spec.containers[0].securityContext.privileged", 'container "app" is privileged (full access to the node)', APP)]],
    ["a capability outside the default set, and a non-string one", (s) => (sc(s).capabilities = { add: ["CHOWN", "SYS_ADMIN", 5] }), [
      F("capabilities_baseline", "spec.containers[0].securityContext.capabilities.add[1]", 'container "app" adds capability "SYS_ADMIN", outside the default set', { ...APP, value: "SYS_ADMIN" }),
      F("capabilities_baseline", "spec.containers[0].securityContext.capabilities.add[2]", 'container "app" adds capability 5, outside the default set', { ...APP, value: 5 }),
    ]],
    ["hostPath volumes, named and not, with and without a path", (s) => (s.volumes = [{ name: "ok", emptyDir: {} }, { name: "h", hostPath: { path: "/var/log" } }, { hostPath: {} }, { name: "n", hostPath: null }]), [
      F("hostPathVolumes", "spec.volumes[1].hostPath", 'volume "h" mounts the node path "/var/log"', { value: "hostPath" }),
      F("hostPathVolumes", "spec.volumes[2].hostPath", "volume 2 mounts the node path (unspecified)", { value: "hostPath" }),
    ]],
    ["host ports: a number and a string; 0, \"0\" and null are unset", (s) => (s.containers[0].ports = [{ hostPort: 0 }, { hostPort: "0" }, { hostPort: null }, { hostPort: 8080 }, { hostPort: "9090" }, "junk"]), [
      F("hostPorts", "spec.containers[0].ports[3].hostPort", 'container "app" binds host port 8080', { ...APP, value: 8080 }),
      F("hostPorts", "spec.containers[0].ports[4].hostPort", 'container "app" binds host port "9090"', { ...APP, value: "9090" }),
    ]],
    ["AppArmor: pod and container types, annotations", (s, meta) => {
      s.securityContext = { appArmorProfile: { type: "Unconfined" } };
      sc(s).appArmorProfile = {};
      meta.annotations = {
        "container.apparmor.security.beta.kubernetes.io/app": "unconfined",
        "container.apparmor.security.beta.kubernetes.io/a": "runtime/default",
        "container.apparmor.security.beta.kubernetes.io/b": "localhost/p",
        "container.apparmor.security.beta.kubernetes.io/c": "",
        "container.apparmor.security.beta.kubernetes.io/d": 5,
        "other.example.com/app": "unconfined",
      };
    }, [
      F("appArmorProfile", "spec.securityContext.appArmorProfile.type", 'the pod sets AppArmor profile type "Unconfined"'),
      F("appArmorProfile", "spec.containers[0].securityContext.appArmorProfile.type", 'container "app" sets AppArmor profile type undefined', APP),
      F("appArmorProfile", 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/app"]', 'annotation container.apparmor.security.beta.kubernetes.io/app sets AppArmor profile "unconfined"', { value: "unconfined" }),
    ]],
    ["SELinux: a bad or non-string type, a user, a role; empty user and null role are unset", (s) => {
      s.securityContext = { seLinuxOptions: { type: 7, user: "", role: null } };
      sc(s).seLinuxOptions = { type: "spc_t", user: "u", role: "r" };
    }, [
      F("seLinuxOptions", "spec.securityContext.seLinuxOptions.type", "the pod sets SELinux type 7"),
      F("seLinuxOptions", "spec.containers[0].securityContext.seLinuxOptions.type", 'container "app" sets SELinux type "spc_t"', APP),
      F("seLinuxOptions", "spec.containers[0].securityContext.seLinuxOptions.user", 'container "app" sets a custom SELinux user ("u")', APP),
      F("seLinuxOptions", "spec.containers[0].securityContext.seLinuxOptions.role", 'container "app" sets a custom SELinux role ("r")', APP),
    ]],
    ["procMount Unmasked; Default and null are fine", (s) => {
      sc(s).procMount = "Unmasked";
      s.containers.push({ name: "b", securityContext: { procMount: "Default" } }, { name: "c", securityContext: { procMount: null } });
    }, [F("procMount", "spec.containers[0].securityContext.procMount", 'container "app" sets procMount "Unmasked" (unmasks /proc)', { ...APP, value: "Unmasked" })]],
    ["seccomp: a pod profile that is not an object, a container Unconfined, a null one", (s) => {
      s.securityContext = { seccompProfile: "Unconfined" };
      sc(s).seccompProfile = { type: "Unconfined" };
      s.containers.push({ name: "b", securityContext: { seccompProfile: null } });
    }, [
      F("seccompProfile_baseline", "spec.securityContext.seccompProfile.type", 'the pod sets seccomp profile type "Unconfined"'),
      F("seccompProfile_baseline", "spec.containers[0].securityContext.seccompProfile.type", 'container "app" sets seccomp profile type "Unconfined"', APP),
    ]],
    ["sysctls: an unsafe one, one without a name, a non-object", (s) => (s.securityContext = { sysctls: [{ name: "kernel.shm_rmid_forced" }, { name: "kernel.msgmax" }, { value: "1" }, "x"] }), [
      F("sysctls", "spec.securityContext.sysctls[1].name", 'the pod sets the unsafe sysctl "kernel.msgmax"', { value: "kernel.msgmax" }),
      F("sysctls", "spec.securityContext.sysctls[2].name", "the pod sets the unsafe sysctl undefined"),
      F("sysctls", "spec.securityContext.sysctls[3].name", "the pod sets the unsafe sysctl undefined"),
    ]],
    ["Windows host process, pod and container", (s) => {
      s.securityContext = { windowsOptions: { hostProcess: true } };
      sc(s).windowsOptions = { hostProcess: true };
    }, [
      F("windowsHostProcess", "spec.securityContext.windowsOptions.hostProcess", "the pod runs as a Windows host process"),
      F("windowsHostProcess", "spec.containers[0].securityContext.windowsOptions.hostProcess", 'container "app" runs as a Windows host process', APP),
    ]],
    ["hosts in probes and lifecycle handlers; empty and null hosts are unset", (s) => {
      Object.assign(s.containers[0], {
        livenessProbe: { httpGet: { host: "", port: 80 } },
        readinessProbe: { tcpSocket: { host: null, port: 80 } },
        startupProbe: { tcpSocket: { host: "db", port: 5432 } },
        lifecycle: { postStart: { httpGet: { host: "10.0.0.1", port: 80 } } },
      });
    }, [
      F("hostProbesAndHostLifecycle", "spec.containers[0].startupProbe.tcpSocket.host", 'container "app" startupProbe targets host "db"', { ...APP, value: "db" }),
      F("hostProbesAndHostLifecycle", "spec.containers[0].lifecycle.postStart.httpGet.host", 'container "app" lifecycle.postStart targets host "10.0.0.1"', { ...APP, value: "10.0.0.1" }),
    ]],
  ];
  for (const [name, m, want] of BASELINE) it(`baseline: ${name}`, () => assert.deepStrictEqual(at("baseline", m), want));

  it("baseline: RuntimeDefault and Localhost AppArmor types pass at pod and container level", () => {
    assert.deepStrictEqual(at("baseline", (s) => { s.securityContext = { appArmorProfile: { type: "RuntimeDefault" } }; sc(s).appArmorProfile = { type: "Localhost", localhostProfile: "p" }; }), []);
    assert.deepStrictEqual(at("baseline", (s) => { s.securityContext = { appArmorProfile: { type: "Localhost", localhostProfile: "p" } }; sc(s).appArmorProfile = { type: "RuntimeDefault" }; }), []);
  });
  it("baseline: a user namespace relaxes procMount", () => {
    assert.deepStrictEqual(at("baseline", (s) => { s.hostUsers = false; sc(s).procMount = "Unmasked"; }), []);
  });

  const R = (control: string, path: string, message: string, extra: Partial<PssFinding> = {}) => F(control, path, message, extra, "restricted");
  const SAFE = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  const RESTRICTED: [string, (s: Spec) => void, PssFinding[]][] = [
    ["a volume type outside the list, named and not", (s) => {
      s.securityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };
      Object.assign(sc(s), SAFE);
      s.volumes = [{ name: "n", nfs: { server: "s" }, emptyDir: null }, { awsElasticBlockStore: {} }, "junk", { name: "bare", secret: null }];
    }, [
      R("restrictedVolumes", "spec.volumes[0].nfs", 'volume "n" uses the restricted volume type nfs (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret)', { value: "nfs" }),
      R("restrictedVolumes", "spec.volumes[1].awsElasticBlockStore", "volume 1 uses the restricted volume type awsElasticBlockStore (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret)", { value: "awsElasticBlockStore" }),
    ]],
    ["escalation, root, seccomp and capabilities of a bare container", () => {}, [
      R("allowPrivilegeEscalation", "spec.containers[0].securityContext.allowPrivilegeEscalation", 'container "app" does not set allowPrivilegeEscalation: false (it defaults to true)', APP),
      R("runAsNonRoot", "spec.containers[0].securityContext.runAsNonRoot", 'container "app" may run as root: runAsNonRoot: true is set on neither the container nor the pod (a runAsUser > 0 does not count)', APP),
      R("seccompProfile_restricted", "spec.securityContext.seccompProfile", 'container "app" has no seccomp profile on the container or the pod (runs Unconfined)', APP),
      R("capabilities_restricted", "spec.containers[0].securityContext.capabilities.drop", 'container "app" does not drop ALL capabilities', APP),
    ]],
    ["explicit bad values at both levels", (s) => {
      s.securityContext = { runAsNonRoot: "yes", runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } };
      Object.assign(sc(s), { allowPrivilegeEscalation: "false", runAsNonRoot: false, runAsUser: 0, capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "NET_RAW"] } });
    }, [
      R("allowPrivilegeEscalation", "spec.containers[0].securityContext.allowPrivilegeEscalation", 'container "app" sets allowPrivilegeEscalation "false"', { ...APP, value: "false" }),
      R("runAsNonRoot", "spec.securityContext.runAsNonRoot", 'the pod sets runAsNonRoot "yes" (a container-level true does not excuse it)', { value: "yes" }),
      R("runAsNonRoot", "spec.containers[0].securityContext.runAsNonRoot", 'container "app" sets runAsNonRoot false', { ...APP, value: false }),
      R("runAsUser", "spec.securityContext.runAsUser", "the pod sets runAsUser 0 (UID 0, root; a container override does not excuse it)", { value: 0 }),
      R("runAsUser", "spec.containers[0].securityContext.runAsUser", 'container "app" runs as UID 0 (root)', { ...APP, value: 0 }),
      R("capabilities_restricted", "spec.containers[0].securityContext.capabilities.add[1]", 'container "app" adds capability "NET_RAW" (only NET_BIND_SERVICE may be added)', { ...APP, value: "NET_RAW" }),
    ]],
    ["a null pod runAsNonRoot is unset, the container's true suffices; a null seccomp needs the pod's", (s) => {
      s.securityContext = { runAsNonRoot: null, seccompProfile: { type: "Localhost" } };
      Object.assign(sc(s), SAFE, { runAsNonRoot: true, seccompProfile: null });
    }, []],
  ];
  for (const [name, m, want] of RESTRICTED) it(`restricted: ${name}`, () => assert.deepStrictEqual(at("restricted", m), want));

  it("levels: privileged checks nothing; an unknown check ID is a bug named with the known ones", () => {
    assert.deepStrictEqual(checksFor("privileged"), []);
    assert.deepStrictEqual(checkPodSecurity({}, { containers: [{ name: "a", securityContext: { privileged: true } }] }, "privileged"), []);
    assert.throws(() => runPssChecks(["hostPort"], {}, base()), /^Error: unknown PSS check "hostPort"; known: hostNamespaces, privileged, /);
  });
  it("the same pod spec read at two paths reports each path (the view cache keys on the paths)", () => {
    const s: Spec = { hostPID: true, containers: [] };
    const meta = {};
    assert.deepStrictEqual(runPssChecks(["hostNamespaces"], meta, s, { specPath: "spec.template.spec" }).map((f) => f.path), ["spec.template.spec.hostPID"]);
    assert.deepStrictEqual(runPssChecks(["hostNamespaces"], meta, s).map((f) => f.path), ["spec.hostPID"]);
    const annotated = { annotations: { "container.apparmor.security.beta.kubernetes.io/a": "unconfined" } };
    assert.deepStrictEqual(runPssChecks(["appArmorProfile"], annotated, s, { metaPath: "spec.template.metadata" }).map((f) => f.path), ['spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/a"]']);
    assert.deepStrictEqual(runPssChecks(["appArmorProfile"], annotated, s).map((f) => f.path), ['metadata.annotations["container.apparmor.security.beta.kubernetes.io/a"]']);
    assert.deepStrictEqual(runPssChecks(["appArmorProfile"], {}, s), [], "other metadata, same spec");
  });
});

describe("policies/lib/podspec: kinds, long-running pods, effective security fields", () => {
  it("a Pod or PodTemplate is long-running unless its restartPolicy says otherwise; Jobs never are", () => {
    for (const [kind, rp, want] of [["Pod", undefined, true], ["Pod", "Always", true], ["Pod", "Never", false], ["PodTemplate", "OnFailure", false], ["PodTemplate", undefined, true], ["Deployment", "Never", true], ["Job", undefined, false], ["CronJob", "Always", false]] as const) {
      assert.strictEqual(isLongRunning(kind, rp === undefined ? {} : { restartPolicy: rp }), want, `${kind} ${rp}`);
    }
    assert.strictEqual(isLongRunning("Pod", undefined), true);
  });
  it("finds the pod by kind for each call, even on an object already read as another kind", () => {
    const obj = { spec: { containers: [{ name: "a" }], template: { metadata: { annotations: { x: "1" } }, spec: { containers: [{ name: "b" }] } } } };
    assert.deepStrictEqual(findPodSpec("Deployment", obj)!.containers.map((c) => c.path), ["spec.template.spec.containers[0]"]);
    assert.deepStrictEqual(findPodSpec("Deployment", obj)!.meta, { annotations: { x: "1" } });
    assert.deepStrictEqual(findPodSpec("Pod", obj)!.containers.map((c) => c.path), ["spec.containers[0]"]);
    assert.strictEqual(findPodSpec("Pod", obj)!.metaPath, "metadata");
    assert.deepStrictEqual(findPodSpec("Pod", obj)!.meta, {});
    assert.strictEqual(findPodSpec("Pod", null), undefined);
    assert.strictEqual(findPodSpec("Pod", "spec"), undefined);
    assert.strictEqual(findPodSpec("Pod", { spec: { os: { name: "windows" }, containers: [] } })!.windows, true);
  });
  it("a container's securityContext field wins over the pod's; null counts as unset", () => {
    const pod = { securityContext: { runAsGroup: 0, runAsUser: null } };
    assert.deepStrictEqual(effectiveSecurityField(pod, { securityContext: { runAsGroup: 5 } }, "runAsGroup"), { value: 5, from: "container" });
    assert.deepStrictEqual(effectiveSecurityField(pod, { securityContext: { runAsGroup: null } }, "runAsGroup"), { value: 0, from: "pod" });
    assert.deepStrictEqual(effectiveSecurityField(pod, {}, "runAsUser"), { value: undefined, from: "unset" });
    assert.deepStrictEqual(effectiveSecurityField({}, { securityContext: { runAsUser: null } }, "runAsUser"), { value: undefined, from: "unset" });
  });
  it("containers are described by kind and name", () => {
    const ref = (kind: any, name: string) => ({ container: {}, kind, index: 0, name, path: "" });
    assert.deepStrictEqual([describeContainer(ref("initContainers", "i")), describeContainer(ref("containers", "c")), describeContainer(ref("ephemeralContainers", "e"))], ['init container "i"', 'container "c"', 'ephemeral container "e"']);
  });
});
