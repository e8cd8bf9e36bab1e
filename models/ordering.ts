// Ordering: what a first `pulumi up` on an empty cluster creates before what. Mocks create
// everything at once; the API server refuses an object in a namespace that does not exist
// yet, a custom resource whose CRD is not installed, and any object its admission webhook
// cannot answer for (no Ready endpoints: "connection refused"); a pod whose Secret is missing
// never starts, so the chart's await times out; and a plain create of an object a controller
// made itself fails with AlreadyExists.
// upstream: Pulumi waits for every resource in `dependsOn` (and, for a component, for all its
// children: @pulumi/pulumi runtime/resource.ts getAllTransitivelyReferencedResourceURNs);
// a helm.v4.Chart passes its own dependsOn to every object it renders (pulumi-kubernetes
// provider/pkg/provider/helm/v4) and registers a release's Namespaces and CRDs before its
// other objects (provider/pkg/provider/yaml/v2); admission webhooks are called on create
// (kubernetes apiserver/pkg/admission/plugin/webhook, failurePolicy Fail); pulumi-kubernetes
// >= 4.29 creates without upsert unless the provider sets upsertExistingObjects.
import { matches } from "./network/selectors";
import type { RunResult } from "../tools/harness";
import { isClusterScoped } from "../policies/lib/tokens";
import { ClusterObject, objKey, objName, restResource } from "./objects";

/** Namespaces that exist on every cluster before anything is installed. */
const BUILTIN_NAMESPACES = new Set(["default", "kube-system", "kube-public", "kube-node-lease"]);

/** Objects a controller creates by itself: the program may patch them, never plainly create them. */
export const CONTROLLER_CREATED: { kind: string; name: string; by: string }[] = [
  { kind: "AppProject", name: "default", by: "argocd-server at startup (argo-cd server/server.go initializeDefaultProject)" },
  { kind: "ServiceAccount", name: "default", by: "kube-controller-manager's serviceaccount controller, in every namespace" },
  { kind: "ConfigMap", name: "kube-root-ca.crt", by: "kube-controller-manager's root-ca-cert-publisher, in every namespace" },
  { kind: "Namespace", name: "kube-system", by: "kube-apiserver" },
  { kind: "Namespace", name: "default", by: "kube-apiserver" },
];

export type OrderingRule = "namespace" | "crd" | "webhook" | "secret" | "controller-created";
export interface OrderingProblem { rule: OrderingRule; object: string; problem: string }

export interface OrderingInput {
  run: RunResult;
  /** The program's objects and every rendered chart's objects (models/render.ts). */
  objects: ClusterObject[];
  /** URNs of charts that could not be rendered here: their contents are unknown, not empty. */
  unrendered?: string[];
}

/** The kind an object is (a `XPatch` resource's `kind` is already the patched `X`: models/objects.ts). */
const patchedKind = (o: ClusterObject) => o.kind;
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");
const chartOf = (o: ClusterObject) => (o.source.kind === "chart" ? o.parent : undefined);

/** Reachability over dependsOn edges, where waiting for a component means waiting for all its children. */
export class DependencyGraph {
  private readonly deps = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private readonly memo = new Map<string, Set<string>>();

  constructor(run: RunResult, objects: ClusterObject[]) {
    const add = (urn: string, dependsOn: string[], parent: string) => {
      this.deps.set(urn, [...(this.deps.get(urn) ?? []), ...dependsOn]);
      if (parent) this.children.set(parent, [...(this.children.get(parent) ?? []), urn]);
    };
    for (const r of run.resources) add(r.urn, r.dependsOn, r.parent);
    for (const o of objects) if (o.source.kind === "chart") add(o.urn, o.dependsOn, o.parent);
  }

  /** Every URN `urn` waits for before it is created. */
  before(urn: string): Set<string> {
    const hit = this.memo.get(urn);
    if (hit) return hit;
    const seen = new Set<string>();
    const stack = [...(this.deps.get(urn) ?? [])];
    while (stack.length) {
      const u = stack.pop()!;
      if (seen.has(u)) continue;
      seen.add(u);
      stack.push(...(this.deps.get(u) ?? []), ...(this.children.get(u) ?? []));
    }
    this.memo.set(urn, seen);
    return seen;
  }

  waitsFor(urn: string, target: string): boolean {
    return this.before(urn).has(target);
  }
}

/** Every ordering problem of a stack's objects on a first `pulumi up`. */
export function orderingProblems(input: OrderingInput): OrderingProblem[] {
  const graph = new DependencyGraph(input.run, input.objects);
  const webhooks = input.objects.filter((c) => /^(Validating|Mutating)WebhookConfiguration$/.test(c.kind));
  const ctx: Ctx = { run: input.run, objects: input.objects, graph, unrendered: new Set(input.unrendered ?? []), webhooks };
  return [...namespaceProblems(ctx), ...crdProblems(ctx), ...webhookProblems(ctx), ...secretProblems(ctx), ...controllerCreatedProblems(input.objects)];
}

type Ctx = { run: RunResult; objects: ClusterObject[]; graph: DependencyGraph; unrendered: Set<string>; webhooks: ClusterObject[] };

/** Ordered: `o` waits for `target`, or both come from one chart (Helm's own install order). */
function ordered(ctx: Ctx, o: ClusterObject, target: ClusterObject): boolean {
  if (chartOf(o) && chartOf(o) === chartOf(target)) return true;
  return ctx.graph.waitsFor(o.urn, target.urn);
}

function namespaceProblems(ctx: Ctx): OrderingProblem[] {
  const namespaces = new Map(ctx.objects.filter((o) => o.kind === "Namespace" && !o.patch).map((o) => [objName(o), o]));
  const out: OrderingProblem[] = [];
  for (const o of ctx.objects) {
    const ns = namespaced(ctx, o) ? String(o.object.metadata?.namespace ?? "default") : undefined;
    if (ns === undefined || BUILTIN_NAMESPACES.has(ns)) continue;
    const nsObj = namespaces.get(ns);
    if (!nsObj) out.push({ rule: "namespace", object: objKey(o), problem: `namespace ${ns} is created by nothing in the stack` });
    else if (!ordered(ctx, o, nsObj)) out.push({ rule: "namespace", object: objKey(o), problem: `does not wait for Namespace ${ns} (${nsObj.name}); add it to dependsOn, directly or through its chart` });
  }
  return out;
}

/** Namespaced per the CRD's scope when one defines the kind, else per the built-in table. */
function namespaced(ctx: Ctx, o: ClusterObject): boolean {
  const crd = crdFor(ctx.objects, o);
  if (crd) return crd.object.spec?.scope === "Namespaced";
  return !isClusterScoped(patchedKind(o));
}

const crdIndex = new WeakMap<ClusterObject[], Map<string, ClusterObject>>();
/** The CRD that defines `o`'s kind, by group and kind (indexed once per object list). */
function crdFor(objects: ClusterObject[], o: ClusterObject): ClusterObject | undefined {
  if (!isCustom(o)) return undefined;
  let index = crdIndex.get(objects);
  if (!index) {
    index = new Map(objects.filter((c) => c.kind === "CustomResourceDefinition").map((c) => [`${c.object.spec?.group}/${c.object.spec?.names?.kind}`, c]));
    crdIndex.set(objects, index);
  }
  return index.get(`${groupOf(o.apiVersion)}/${patchedKind(o)}`);
}

/** A custom resource's group is not one of Kubernetes' own API groups. */
const isCustom = (o: ClusterObject) => {
  const g = groupOf(o.apiVersion);
  return g.includes(".") && !g.endsWith(".k8s.io") && o.kind !== "CustomResourceDefinition";
};

function crdProblems(ctx: Ctx): OrderingProblem[] {
  const out: OrderingProblem[] = [];
  for (const o of ctx.objects.filter((x) => x.source.kind === "program" && isCustom(x))) {
    const crd = crdFor(ctx.objects, o);
    const kind = `${groupOf(o.apiVersion)}/${patchedKind(o)}`;
    if (!crd) {
      if (ctx.unrendered.size === 0) out.push({ rule: "crd", object: objKey(o), problem: `no chart in the stack renders the CRD of ${kind}` });
      continue;
    }
    if (!ordered(ctx, o, crd)) out.push({ rule: "crd", object: objKey(o), problem: `does not wait for the chart that installs the CRD of ${kind} (${crd.name})` });
  }
  return out;
}

/** Admission webhooks that must answer for `o` (failurePolicy Fail, rules and selectors matching). */
function webhooksFor(ctx: Ctx, o: ClusterObject): { webhook: string; config: ClusterObject }[] {
  const out: { webhook: string; config: ClusterObject }[] = [];
  const nsLabels = namespaceLabels(ctx.objects, String(o.object.metadata?.namespace ?? ""));
  for (const cfg of ctx.webhooks) {
    for (const w of cfg.object.webhooks ?? []) {
      if ((w.failurePolicy ?? "Fail") === "Ignore") continue;
      if (!(w.rules ?? []).some((r: any) => ruleMatches(r, o, ctx.objects))) continue;
      if (!selects(w.objectSelector, o.object.metadata?.labels ?? {})) continue;
      if (namespaced(ctx, o) && !selects(w.namespaceSelector, nsLabels)) continue;
      out.push({ webhook: String(w.name), config: cfg });
    }
  }
  return out;
}

function ruleMatches(rule: any, o: ClusterObject, objects: ClusterObject[]): boolean {
  const has = (list: unknown, v: string) => Array.isArray(list) && (list.includes("*") || list.includes(v));
  const resource = String(crdFor(objects, o)?.object.spec?.names?.plural ?? restResource(patchedKind(o)));
  const [, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : ["", o.apiVersion];
  return has(rule.operations, "CREATE") && has(rule.apiGroups, groupOf(o.apiVersion)) && has(rule.apiVersions, version) && has(rule.resources, resource);
}

function namespaceLabels(objects: ClusterObject[], ns: string): Record<string, string> {
  const o = objects.find((x) => x.kind === "Namespace" && objName(x) === ns);
  // The API server sets kubernetes.io/metadata.name on every namespace.
  return { ...(o?.object.metadata?.labels ?? {}), "kubernetes.io/metadata.name": ns };
}

/** Webhook object and namespace selectors are LabelSelectors, matched as NetworkPolicy's are. */
export const selects = matches;

function webhookProblems(ctx: Ctx): OrderingProblem[] {
  const out: OrderingProblem[] = [];
  for (const o of ctx.objects) {
    for (const { webhook, config } of webhooksFor(ctx, o)) {
      if (chartOf(o) && chartOf(o) === chartOf(config)) continue;
      if (ctx.graph.waitsFor(o.urn, chartOf(config) ?? config.urn)) continue;
      out.push({ rule: "webhook", object: objKey(o), problem: `admission webhook ${webhook} (${config.name}, failurePolicy Fail) must answer for it: wait for its chart` });
    }
  }
  return out;
}

/** Secrets the pods of a chart mount or read (optional references left out). */
export function secretsRead(o: ClusterObject): string[] {
  const spec = podSpec(o.object);
  if (!spec) return [];
  const names: string[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) names.push(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef && !e.secretRef.optional) names.push(e.secretRef.name);
  }
  for (const v of spec.volumes ?? []) {
    if (v.secret && !v.secret.optional) names.push(v.secret.secretName);
    for (const s of v.projected?.sources ?? []) if (s.secret && !s.secret.optional) names.push(s.secret.name);
  }
  return [...new Set(names.filter(Boolean).map(String))];
}

function podSpec(obj: any): any {
  if (obj.kind === "Pod") return obj.spec;
  if (obj.kind === "CronJob") return obj.spec?.jobTemplate?.spec?.template?.spec;
  return obj.spec?.template?.spec;
}

function secretProblems(ctx: Ctx): OrderingProblem[] {
  const out: OrderingProblem[] = [];
  const secrets = ctx.objects.filter((o) => o.kind === "Secret");
  // cert-manager writes a Certificate's Secret; the pod waits for it (kubelet retries the mount).
  const issued = new Set(ctx.objects.filter((o) => o.kind === "Certificate").map((o) => `${o.object.metadata?.namespace}/${o.object.spec?.secretName}`));
  for (const o of ctx.objects.filter((x) => x.source.kind === "chart")) {
    const ns = String(o.object.metadata?.namespace ?? "default");
    for (const name of secretsRead(o)) {
      const s = secrets.find((x) => objName(x) === name && x.object.metadata?.namespace === ns);
      if (s ? ordered(ctx, o, s) : issued.has(`${ns}/${name}`)) continue;
      out.push({ rule: "secret", object: objKey(o), problem: s ? `reads Secret ${ns}/${name} (${s.name}) but its chart does not wait for it` : `reads Secret ${ns}/${name}, which nothing in the stack creates` });
    }
  }
  return out;
}

function controllerCreatedProblems(objects: ClusterObject[]): OrderingProblem[] {
  const out: OrderingProblem[] = [];
  for (const o of objects.filter((x) => x.source.kind === "program" && !x.patch)) {
    const owner = CONTROLLER_CREATED.find((c) => c.kind === o.kind && c.name === objName(o));
    if (owner) out.push({ rule: "controller-created", object: objKey(o), problem: `created by ${owner.by}; a plain create fails with AlreadyExists: patch it (${o.kind}Patch, server-side apply) or leave it alone` });
  }
  return out;
}
