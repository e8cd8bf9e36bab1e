// The Pod Security Standards *restricted* checks, latest version (v1.37), one function per upstream check.
// Each cites its source: kubernetes/pod-security-admission policy/check_<id>.go (mirror @8f84a87).
import { asArray, asObject, show } from "../util";
import { check, explicitSeccompFindings, procMountFindings, PssCheck, validSeccomp } from "./baseline";

// upstream: policy/check_restrictedVolumes.go — inline volume sources only of these types.
export const ALLOWED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret"];
const ALLOWED = new Set(ALLOWED_VOLUME_TYPES);
export const restrictedVolumes = check(
  "restrictedVolumes",
  "restricted",
  (pod, emit) => {
    asArray(pod.spec.volumes).forEach((raw, i) => {
      const v = asObject(raw);
      if (!v) return;
      const sources = Object.keys(v).filter((k) => k !== "name" && v[k] !== null && v[k] !== undefined);
      // A volume with no source is defaulted to emptyDir before admission sees it.
      // upstream: kubernetes/kubernetes pkg/apis/core/v1/defaults.go (SetDefaults_Volume)
      if (sources.length === 0 || sources.some((k) => ALLOWED.has(k))) return;
      const type = sources[0];
      const path = `${pod.specPath}.volumes[${i}].${type}`;
      emit(path, `volume ${show(v.name ?? i)} uses the restricted volume type ${type} (allowed: ${ALLOWED_VOLUME_TYPES.join(", ")})`, undefined, type);
    });
  },
  ["hostPathVolumes"],
);

// upstream: policy/check_allowPrivilegeEscalation.go (v1.25+) — every container sets
// allowPrivilegeEscalation: false explicitly; Windows pods are exempt.
export const allowPrivilegeEscalation = check("allowPrivilegeEscalation", "restricted", (pod, emit) => {
  if (pod.windows) return;
  for (const c of pod.containers) {
    const v = c.sc.allowPrivilegeEscalation;
    if (v === false) continue;
    const problem = v === undefined || v === null ? "does not set allowPrivilegeEscalation: false (it defaults to true)" : `sets allowPrivilegeEscalation ${show(v)}`;
    emit(`${c.path}.securityContext.allowPrivilegeEscalation`, `${c.label} ${problem}`, c, v);
  }
});

// upstream: policy/check_runAsNonRoot.go (v1.35+) — an explicit false anywhere (pod or container) is
// refused even when the other level says true; a container without its own true needs the pod's true.
// A runAsUser > 0 does not count. Relaxed in a user namespace (hostUsers: false).
export const runAsNonRoot = check("runAsNonRoot", "restricted", (pod, emit) => {
  if (pod.userNamespace) return;
  const podValue = pod.psc.runAsNonRoot;
  if (podValue !== undefined && podValue !== null && podValue !== true) {
    emit(`${pod.specPath}.securityContext.runAsNonRoot`, `the pod sets runAsNonRoot ${show(podValue)} (a container-level true does not excuse it)`, undefined, podValue);
  }
  for (const c of pod.containers) {
    const v = c.sc.runAsNonRoot;
    if (v === true) continue;
    if (v !== undefined && v !== null) emit(`${c.path}.securityContext.runAsNonRoot`, `${c.label} sets runAsNonRoot ${show(v)}`, c, v);
    else if (podValue !== true) emit(`${c.path}.securityContext.runAsNonRoot`, `${c.label} may run as root: runAsNonRoot: true is set on neither the container nor the pod (a runAsUser > 0 does not count)`, c);
  }
});

// upstream: policy/check_runAsUser.go (v1.35+) — runAsUser: 0 is refused at the pod level even when every
// container overrides it, and at the container level. Relaxed in a user namespace.
export const runAsUser = check("runAsUser", "restricted", (pod, emit) => {
  if (pod.userNamespace) return;
  if (pod.psc.runAsUser === 0) emit(`${pod.specPath}.securityContext.runAsUser`, "the pod sets runAsUser 0 (UID 0, root; a container override does not excuse it)", undefined, 0);
  for (const c of pod.containers) {
    if (c.sc.runAsUser === 0) emit(`${c.path}.securityContext.runAsUser`, `${c.label} runs as UID 0 (root)`, c, 0);
  }
});

// upstream: policy/check_seccompProfile_restricted.go (v1.25+) — any explicit type other than RuntimeDefault
// or Localhost is refused (a pod-level Unconfined even when every container overrides it); a container
// without its own valid type needs a valid pod-level one. Windows pods are exempt.
export const seccompProfileRestricted = check(
  "seccompProfile_restricted",
  "restricted",
  (pod, emit) => {
    if (pod.windows) return;
    explicitSeccompFindings(pod, emit);
    const podSet = validSeccomp(pod.psc.seccompProfile);
    for (const c of pod.containers) {
      const cp = c.sc.seccompProfile;
      if ((cp === undefined || cp === null) && !podSet) {
        emit(`${pod.specPath}.securityContext.seccompProfile`, `${c.label} has no seccomp profile on the container or the pod (runs Unconfined)`, c);
      }
    }
  },
  ["seccompProfile_baseline"],
);

// upstream: policy/check_capabilities_restricted.go (v1.25+) — every container drops "ALL" (exact string)
// and adds nothing but NET_BIND_SERVICE. Windows pods are exempt.
export const capabilitiesRestricted = check(
  "capabilities_restricted",
  "restricted",
  (pod, emit) => {
    if (pod.windows) return;
    for (const c of pod.containers) {
      const caps = asObject(c.sc.capabilities);
      if (!asArray(caps?.drop).includes("ALL")) emit(`${c.path}.securityContext.capabilities.drop`, `${c.label} does not drop ALL capabilities`, c);
      asArray(caps?.add).forEach((cap, i) => {
        if (cap !== "NET_BIND_SERVICE") emit(`${c.path}.securityContext.capabilities.add[${i}]`, `${c.label} adds capability ${show(cap)} (only NET_BIND_SERVICE may be added)`, c, cap);
      });
    }
  },
  ["capabilities_baseline"],
);

// upstream: policy/check_procMount_restricted.go (v1.35+) — procMount unset or "Default", with no
// user-namespace relaxation.
export const procMountRestricted = check("procMount_restricted", "restricted", procMountFindings, ["procMount"]);

export const RESTRICTED_CHECKS: PssCheck[] = [
  restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser, seccompProfileRestricted, capabilitiesRestricted, procMountRestricted,
];
