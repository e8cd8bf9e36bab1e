// Pulumi type tokens for Kubernetes objects, and the `kind/namespace/name` keys used in reports.
import { asObject, asString } from "./util";
import { memoize, memoTable } from "./memo";

export interface K8sToken {
  group: string; // "core" for the core API group, as Pulumi spells it
  version: string;
  kind: string;
}

/** apiVersion + kind -> `kubernetes:<group>/<version>:<Kind>` (core group is `core`). */
export function k8sTypeToken(apiVersion: string, kind: string): string {
  // One string per token: every rule's type test then compares one object, not 30 characters.
  let byKind = tokens.get(apiVersion);
  if (byKind === undefined) {
    if (tokens.size >= 1000) return makeToken(apiVersion, kind);
    tokens.set(apiVersion, (byKind = new Map()));
  }
  let token = byKind.get(kind);
  if (token === undefined) {
    token = makeToken(apiVersion, kind);
    if (byKind.size < 1000) byKind.set(kind, token);
  }
  return token;
}
const tokens = memoTable<string, Map<string, string>>();

function makeToken(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf("/");
  const group = slash < 0 ? "core" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  return `kubernetes:${group}/${version}:${kind}`;
}

/** Parses a Kubernetes type token; undefined for anything else (AWS, components like helm Chart). */
export function parseK8sToken(type: unknown): K8sToken | undefined {
  return typeof type === "string" ? (tokenOf(type) ?? undefined) : undefined;
}
const tokenOf = memoize((type: string): K8sToken | null => {
  const m = /^kubernetes:([^/:]+)\/([^/:]+):([A-Za-z0-9]+)$/.exec(type);
  return m ? { group: m[1], version: m[2], kind: m[3] } : null;
});

// Kinds without a namespace (the set a platform program or a chart realistically ships).
const CLUSTER_SCOPED = new Set([
  "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
  "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "PriorityClass", "RuntimeClass", "IngressClass",
  "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CertificateSigningRequest",
  "ClusterIssuer", "GatewayClass", "NodePool", "EC2NodeClass", "ComponentStatus",
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The namespace a namespaced object lands in (`default` when metadata.namespace is absent). */
export function namespaceOf(props: unknown): string {
  const ns = asString(asObject(asObject(props)?.metadata)?.namespace);
  return ns && ns.length > 0 ? ns : "default";
}

/** `Kind/namespace/name` (namespaced) or `Kind/name` (cluster-scoped). */
export function k8sObjectKey(kind: string, props: unknown, fallbackName: string): string {
  const name = asString(asObject(asObject(props)?.metadata)?.name) || fallbackName;
  return isClusterScoped(kind) ? `${kind}/${name}` : `${kind}/${namespaceOf(props)}/${name}`;
}

/** Report key for any resource: k8s objects as `Kind/ns/name`, others as `type::name`. */
export function objectKey(type: string, name: string, props: unknown): string {
  const t = parseK8sToken(type);
  return t ? k8sObjectKey(t.kind, props, name) : `${type}::${name}`;
}
