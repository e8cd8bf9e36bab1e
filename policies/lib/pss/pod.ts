// The pod as pod-security-admission reads it: metadata (annotations) plus the pod spec, with every
// container visited in upstream's order (init, regular, ephemeral).
// upstream: kubernetes/pod-security-admission policy/visitor.go (visitContainers), policy/helpers.go
import { Obj, asArray, asObject, asString } from "../util";

export type PssLevel = "privileged" | "baseline" | "restricted";

export interface PssFinding {
  /** The upstream check ID this finding mirrors, e.g. "runAsNonRoot", "seLinuxOptions", "capabilities_restricted". */
  control: string;
  /** The lowest profile that refuses it. */
  level: "baseline" | "restricted";
  /** Dotted path of the offending (or missing) field, from the object root when a base path is given. */
  path: string;
  message: string;
  /** The container's name (`#<index>` when unset), when the finding is about one container. */
  container?: string;
  /** The offending value (a capability, a sysctl name, a volume type...), for rules that filter. */
  value?: unknown;
}

export interface PssOptions {
  /** Dotted path of the pod spec inside the object (default "spec", as in a Pod). */
  specPath?: string;
  /** Dotted path of the pod metadata inside the object (default "metadata"). */
  metaPath?: string;
}

export interface PssContainer {
  c: Obj;
  /** securityContext, or {} when unset. */
  sc: Obj;
  name: string;
  label: string;
  path: string;
}

export interface PssPod {
  meta: Obj;
  spec: Obj;
  /** Pod-level securityContext, or {} when unset. */
  psc: Obj;
  specPath: string;
  metaPath: string;
  containers: PssContainer[];
  /** spec.os.name: windows. Several restricted checks exempt Windows pods (v1.25+). */
  windows: boolean;
  /** spec.hostUsers: false (a user namespace). Some checks relax for it (v1.35+). */
  userNamespace: boolean;
}

const KINDS = [
  ["initContainers", "init container"],
  ["containers", "container"],
  ["ephemeralContainers", "ephemeral container"],
] as const;

export function podView(podMeta: Obj | undefined, podSpec: Obj, opts: PssOptions = {}): PssPod {
  const specPath = opts.specPath ?? "spec";
  const containers: PssContainer[] = [];
  for (const [key, label] of KINDS) {
    asArray(podSpec[key]).forEach((raw, i) => {
      const c = asObject(raw);
      if (!c) return;
      const name = asString(c.name) || `#${i}`;
      containers.push({ c, sc: asObject(c.securityContext) ?? {}, name, label: `${label} "${name}"`, path: `${specPath}.${key}[${i}]` });
    });
  }
  return {
    meta: podMeta ?? {},
    spec: podSpec,
    psc: asObject(podSpec.securityContext) ?? {},
    specPath,
    metaPath: opts.metaPath ?? "metadata",
    containers,
    windows: asString(asObject(podSpec.os)?.name) === "windows",
    userNamespace: podSpec.hostUsers === false,
  };
}

/** A JSON path segment for a map key that is not an identifier (annotation keys). */
export function keyPath(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
