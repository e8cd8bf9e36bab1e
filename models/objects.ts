// The Kubernetes objects a stack puts on the cluster, in one shape for every model: the
// program's own objects (from the harness run) and each helm.v4.Chart's rendered children
// (models/render.ts). Policies, admission, network, ordering and cross-check models all
// read `ClusterObject[]`, so a model never cares where an object came from.
import type { RecordedResource, RunResult } from "../tools/harness";
import { isClusterScoped, k8sTypeToken, parseK8sToken } from "../policies/lib/tokens";

export const CHART_TYPE = "kubernetes:helm.sh/v4:Chart";

export interface ClusterObject {
  /** The URN a real preview gives it (rendered: a child of its Chart). */
  urn: string;
  /** Pulumi type token, `kubernetes:<group>/<version>:<Kind>`. */
  type: string;
  /** The Pulumi resource name (rendered: `<chart>:<namespace>/<name>`, as a v4 Chart names children). */
  name: string;
  /** Who registers it: the program itself, or the named Chart resource. */
  source: { kind: "program" } | { kind: "chart"; chart: string; release: string; chartName: string; version: string };
  apiVersion: string;
  kind: string;
  /** The object as the API server receives it (namespace filled in for namespaced kinds). */
  object: Record<string, any>;
  /** A `<Kind>Patch` resource: a server-side apply to an object that may exist already (`kind` is the patched kind). */
  patch?: boolean;
  /** Explicit dependsOn URNs (program objects; a chart's children inherit the chart's). */
  dependsOn: string[];
  parent: string;
}

export const objName = (o: ClusterObject): string => String(o.object?.metadata?.name ?? "");
export const objNamespace = (o: ClusterObject): string | undefined =>
  isClusterScoped(o.kind) ? undefined : String(o.object?.metadata?.namespace ?? "default");
/** `Kind/namespace/name` or `Kind/name`, the key exemptions and reports use. */
export const objKey = (o: ClusterObject): string =>
  isClusterScoped(o.kind) ? `${o.kind}/${objName(o)}` : `${o.kind}/${objNamespace(o)}/${objName(o)}`;

/**
 * The REST resource of a kind when no CRD names its plural: the lowercase English plural the
 * built-in resources use (ingresses, networkpolicies, gateways). A CRD's own plural wins where known.
 */
export function restResource(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

/** The program's own Kubernetes objects (everything `kubernetes:*` but Chart components). */
export function programObjects(run: RunResult): ClusterObject[] {
  const out: ClusterObject[] = [];
  for (const r of run.resources) {
    const t = parseK8sToken(r.type);
    if (!t || !r.custom) continue;
    // A `<Kind>Patch` token (pulumi-kubernetes patch resources) applies to a `<Kind>` object.
    const patch = t.kind.endsWith("Patch");
    out.push(fromProgram(r, t.group === "core" ? t.version : `${t.group}/${t.version}`, patch ? t.kind.slice(0, -"Patch".length) : t.kind, patch));
  }
  return out;
}

function fromProgram(r: RecordedResource, apiVersion: string, kind: string, patch: boolean): ClusterObject {
  const object: Record<string, any> = { ...(r.inputs as Record<string, any>), apiVersion, kind };
  object.metadata = { ...(object.metadata ?? {}) };
  if (!object.metadata.name) object.metadata.name = r.name;
  if (!isClusterScoped(kind) && !object.metadata.namespace) object.metadata.namespace = "default";
  return { urn: r.urn, type: r.type, name: r.name, source: { kind: "program" }, apiVersion, kind, patch, object, dependsOn: r.dependsOn, parent: r.parent };
}

/** The URN and name a v4 Chart gives a rendered child: `<chart>:<ns>/<name>` (cluster-scoped: `<chart>:<name>`). */
export function childIdentity(chartUrn: string, chartName: string, apiVersion: string, kind: string, name: string, namespace?: string) {
  const type = k8sTypeToken(apiVersion, kind);
  const resName = `${chartName}:${namespace ? `${namespace}/` : ""}${name}`;
  // urn:pulumi:<stack>::<project>::<parent type chain>::<name> -> append this type to the chain.
  const m = /^(urn:pulumi:[^:]*::[^:]*::)(.*)::([^:]*(?::.*)?)$/.exec(chartUrn);
  const prefix = m ? m[1] : "urn:pulumi:stack::project::";
  const chain = m ? m[2] : CHART_TYPE;
  return { type, name: resName, urn: `${prefix}${chain}$${type}::${resName}` };
}
