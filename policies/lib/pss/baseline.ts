// The Pod Security Standards *baseline* checks, latest version (v1.37), one function per upstream check.
// Each cites its source: kubernetes/pod-security-admission policy/check_<id>.go (mirror @8f84a87).
import { Obj, asArray, asObject, asString, show } from "../util";
import { keyPath, PssContainer, PssFinding, PssPod } from "./pod";

export interface PssCheck {
  id: string;
  level: "baseline" | "restricted";
  /** Baseline checks this one replaces at the restricted level (upstream OverrideCheckIDs). */
  overrides?: string[];
  run(pod: PssPod): PssFinding[];
}

type Emit = (path: string, message: string, c?: PssContainer, value?: unknown) => void;

/** Builds a check whose body only emits (id/level stamped on every finding). */
export function check(id: string, level: "baseline" | "restricted", body: (pod: PssPod, emit: Emit) => void, overrides?: string[]): PssCheck {
  return {
    id,
    level,
    overrides,
    run(pod) {
      const out: PssFinding[] = [];
      body(pod, (path, message, c, value) => {
        const f: PssFinding = { control: id, level, path, message };
        if (c) f.container = c.name;
        if (value !== undefined) f.value = value;
        out.push(f);
      });
      return out;
    },
  };
}

const scPath = (c: PssContainer, field: string) => `${c.path}.securityContext.${field}`;
const podScPath = (pod: PssPod, field: string) => `${pod.specPath}.securityContext.${field}`;

// upstream: policy/check_hostNamespaces.go — hostNetwork, hostPID, hostIPC must be unset or false.
export const hostNamespaces = check("hostNamespaces", "baseline", (pod, emit) => {
  for (const f of ["hostNetwork", "hostPID", "hostIPC"]) {
    if (pod.spec[f] === true) emit(`${pod.specPath}.${f}`, `the pod sets ${f}: true (shares the node's namespace)`);
  }
});

// upstream: policy/check_privileged.go — securityContext.privileged must be unset or false.
export const privileged = check("privileged", "baseline", (pod, emit) => {
  for (const c of pod.containers) {
    if (c.sc.privileged === true) emit(scPath(c, "privileged"), `${c.label} is privileged (full access to the node)`, c);
  }
});

// upstream: policy/check_capabilities_baseline.go — capabilities.add only from the runtime's default set.
const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
export const capabilitiesBaseline = check("capabilities_baseline", "baseline", (pod, emit) => {
  for (const c of pod.containers) {
    asArray(asObject(c.sc.capabilities)?.add).forEach((cap, i) => {
      if (typeof cap !== "string" || !BASELINE_CAPS.has(cap)) {
        emit(`${scPath(c, "capabilities")}.add[${i}]`, `${c.label} adds capability ${show(cap)}, outside the default set`, c, cap);
      }
    });
  }
});

// upstream: policy/check_hostPathVolumes.go — no hostPath volume.
export const hostPathVolumes = check("hostPathVolumes", "baseline", (pod, emit) => {
  asArray(pod.spec.volumes).forEach((raw, i) => {
    const v = asObject(raw);
    if (v?.hostPath === undefined || v.hostPath === null) return;
    const p = asString(asObject(v.hostPath)?.path);
    emit(`${pod.specPath}.volumes[${i}].hostPath`, `volume ${show(v.name ?? i)} mounts the node path ${p !== undefined ? show(p) : "(unspecified)"}`, undefined, "hostPath");
  });
});

// upstream: policy/check_hostPorts.go — ports[].hostPort must be unset or 0, in every container kind.
export const hostPorts = check("hostPorts", "baseline", (pod, emit) => {
  for (const c of pod.containers) {
    asArray(c.c.ports).forEach((p, i) => {
      const hp = asObject(p)?.hostPort;
      if (hp === undefined || hp === null || hp === 0 || hp === "0") return;
      emit(`${c.path}.ports[${i}].hostPort`, `${c.label} binds host port ${show(hp)}`, c, hp);
    });
  }
});

// upstream: policy/check_appArmorProfile.go — the beta annotations may only say runtime/default or
// localhost/*; appArmorProfile.type (pod or container) may only be RuntimeDefault or Localhost.
const APPARMOR_PREFIX = "container.apparmor.security.beta.kubernetes.io/";
export const appArmorProfile = check("appArmorProfile", "baseline", (pod, emit) => {
  const badType = (p: unknown) => {
    const o = asObject(p);
    return o !== undefined && o.type !== "RuntimeDefault" && o.type !== "Localhost";
  };
  if (badType(pod.psc.appArmorProfile)) emit(podScPath(pod, "appArmorProfile.type"), `the pod sets AppArmor profile type ${show(asObject(pod.psc.appArmorProfile)?.type)}`);
  for (const c of pod.containers) {
    if (badType(c.sc.appArmorProfile)) emit(scPath(c, "appArmorProfile.type"), `${c.label} sets AppArmor profile type ${show(asObject(c.sc.appArmorProfile)?.type)}`, c);
  }
  const annotations = asObject(pod.meta.annotations) ?? {};
  for (const [k, v] of Object.entries(annotations)) {
    if (!k.startsWith(APPARMOR_PREFIX)) continue;
    const s = typeof v === "string" ? v : "";
    if (s === "" || s === "runtime/default" || s.startsWith("localhost/")) continue;
    emit(keyPath(`${pod.metaPath}.annotations`, k), `annotation ${k} sets AppArmor profile ${show(v)}`, undefined, v);
  }
});

// upstream: policy/check_seLinuxOptions.go (v1.31+) — type only "", container_t, container_init_t,
// container_kvm_t or container_engine_t; user and role must be empty. Pod and every container.
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
function seLinuxProblems(o: Obj): [string, string][] {
  const out: [string, string][] = [];
  const type = o.type ?? "";
  if (typeof type !== "string" || !SELINUX_TYPES.has(type)) out.push(["type", `SELinux type ${show(type)}`]);
  for (const f of ["user", "role"]) {
    const v = o[f];
    if (v !== undefined && v !== null && v !== "") out.push([f, `a custom SELinux ${f} (${show(v)})`]);
  }
  return out;
}
export const seLinuxOptions = check("seLinuxOptions", "baseline", (pod, emit) => {
  const o = asObject(pod.psc.seLinuxOptions);
  if (o) for (const [f, what] of seLinuxProblems(o)) emit(podScPath(pod, `seLinuxOptions.${f}`), `the pod sets ${what}`);
  for (const c of pod.containers) {
    const co = asObject(c.sc.seLinuxOptions);
    if (co) for (const [f, what] of seLinuxProblems(co)) emit(scPath(c, `seLinuxOptions.${f}`), `${c.label} sets ${what}`, c);
  }
});

// upstream: policy/check_procMount_baseline.go (v1.35+) — procMount unset or "Default", any value in a
// user namespace (hostUsers: false).
export function procMountFindings(pod: PssPod, emit: Emit): void {
  for (const c of pod.containers) {
    const pm = c.sc.procMount;
    if (pm !== undefined && pm !== null && pm !== "Default") emit(scPath(c, "procMount"), `${c.label} sets procMount ${show(pm)} (unmasks /proc)`, c, pm);
  }
}
export const procMount = check("procMount", "baseline", (pod, emit) => {
  if (!pod.userNamespace) procMountFindings(pod, emit);
});

// upstream: policy/check_seccompProfile_baseline.go (v1.19+) — an explicit seccompProfile.type must be
// RuntimeDefault or Localhost (pod and containers); unset is allowed at baseline.
export const validSeccomp = (p: unknown) => {
  const t = asObject(p)?.type;
  return t === "RuntimeDefault" || t === "Localhost";
};
export function explicitSeccompFindings(pod: PssPod, emit: Emit): void {
  const p = pod.psc.seccompProfile;
  if (p !== undefined && p !== null && !validSeccomp(p)) emit(podScPath(pod, "seccompProfile.type"), `the pod sets seccomp profile type ${show(asObject(p)?.type ?? p)}`);
  for (const c of pod.containers) {
    const cp = c.sc.seccompProfile;
    if (cp !== undefined && cp !== null && !validSeccomp(cp)) emit(scPath(c, "seccompProfile.type"), `${c.label} sets seccomp profile type ${show(asObject(cp)?.type ?? cp)}`, c);
  }
}
export const seccompProfileBaseline = check("seccompProfile_baseline", "baseline", explicitSeccompFindings);

// upstream: policy/check_sysctls.go (v1.37 list) — only the namespaced, isolated "safe" sysctls.
export const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
  "net.ipv4.tcp_wmem", "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
]);
export const sysctls = check("sysctls", "baseline", (pod, emit) => {
  asArray(pod.psc.sysctls).forEach((s, i) => {
    const name = asObject(s)?.name;
    if (typeof name !== "string" || !SAFE_SYSCTLS.has(name)) emit(podScPath(pod, `sysctls[${i}].name`), `the pod sets the unsafe sysctl ${show(name)}`, undefined, name);
  });
});

// upstream: policy/check_windowsHostProcess.go — windowsOptions.hostProcess unset or false (pod and containers).
export const windowsHostProcess = check("windowsHostProcess", "baseline", (pod, emit) => {
  if (asObject(pod.psc.windowsOptions)?.hostProcess === true) emit(podScPath(pod, "windowsOptions.hostProcess"), "the pod runs as a Windows host process");
  for (const c of pod.containers) {
    if (asObject(c.sc.windowsOptions)?.hostProcess === true) emit(scPath(c, "windowsOptions.hostProcess"), `${c.label} runs as a Windows host process`, c);
  }
});

// upstream: policy/check_hostProbesAndhostLifecycle.go (v1.34+) — probes' and lifecycle handlers'
// httpGet.host / tcpSocket.host must be empty (a host lets the kubelet probe any address for the pod).
const HANDLERS: readonly (readonly [string, string | undefined])[] = [
  ["livenessProbe", undefined], ["readinessProbe", undefined], ["startupProbe", undefined],
  ["lifecycle.postStart", "postStart"], ["lifecycle.preStop", "preStop"],
];
const ACTIONS = ["httpGet", "tcpSocket"] as const;
export const hostProbesAndHostLifecycle = check("hostProbesAndHostLifecycle", "baseline", (pod, emit) => {
  for (const c of pod.containers) {
    const lc = asObject(c.c.lifecycle);
    for (const [where, lifecycleKey] of HANDLERS) {
      const handler = asObject(lifecycleKey ? lc?.[lifecycleKey] : c.c[where]);
      if (!handler) continue;
      for (const action of ACTIONS) {
        const host = asObject(handler[action])?.host;
        if (host !== undefined && host !== null && host !== "") emit(`${c.path}.${where}.${action}.host`, `${c.label} ${where} targets host ${show(host)}`, c, host);
      }
    }
  }
});

export const BASELINE_CHECKS: PssCheck[] = [
  hostNamespaces, privileged, capabilitiesBaseline, hostPathVolumes, hostPorts, appArmorProfile, seLinuxOptions, procMount,
  seccompProfileBaseline, sysctls, windowsHostProcess, hostProbesAndHostLifecycle,
];
