import { z } from "zod";
import { isK8sKind } from "../../lib/k8s";
import { workloadKind } from "../../lib/podspec";
import { stackRule } from "../../lib/rule";
import { namespaceOf } from "../../lib/tokens";
import { asArray, asObject, asString, known } from "../../lib/util";

interface NsState {
  workloadUrn?: string;
  namespaceUrn?: string;
  denyIngress: boolean;
  denyEgress: boolean;
}

/** Which directions a NetworkPolicy denies by default for every pod of its namespace. */
export function defaultDenies(props: unknown): { ingress: boolean; egress: boolean } {
  const spec = asObject(asObject(props)?.spec);
  if (!spec) return { ingress: false, egress: false };
  const sel = spec.podSelector === undefined ? {} : asObject(spec.podSelector);
  const selectsAll =
    sel !== undefined &&
    Object.keys(asObject(sel.matchLabels) ?? {}).length === 0 &&
    asArray(sel.matchExpressions).length === 0;
  if (!selectsAll) return { ingress: false, egress: false };
  // Kubernetes default for policyTypes: Ingress always, Egress only when egress rules are present.
  const types = Array.isArray(spec.policyTypes)
    ? spec.policyTypes
    : ["Ingress", ...(spec.egress !== undefined && spec.egress !== null ? ["Egress"] : [])];
  const empty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  return {
    ingress: types.includes("Ingress") && empty(spec.ingress),
    egress: types.includes("Egress") && empty(spec.egress),
  };
}

export const namespaceDefaultDeny = stackRule("kubernetes", {
  name: "k8s-namespace-default-deny",
  item: "Checklist 4: network policies restrict pod-to-pod traffic",
  summary:
    "Every namespace that runs workloads (namespace of each workload object; `default` when unset) has a default-deny NetworkPolicy: podSelector {} denying Ingress and Egress (one policy with both policyTypes, or two policies).",
  fix: "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies",
  config: {
    requireEgress: z.boolean().default(true).describe("Require egress to be denied by default too (not only ingress)"),
    ignoreNamespaces: z.array(z.string()).default([]).describe("Namespaces not checked (prefer exemptions, which carry a reason)"),
  },
  check(ctx) {
    const byNs = new Map<string, NsState>();
    const state = (ns: string) => {
      let s = byNs.get(ns);
      if (!s) byNs.set(ns, (s = { denyIngress: false, denyEgress: false }));
      return s;
    };
    for (const r of ctx.resources) {
      const type = asString(r?.type);
      if (!type || !type.startsWith("kubernetes:")) continue;
      // A value unknown during preview only skips that object, not the whole rule.
      if (workloadKind(type)) {
        const ns = known(() => namespaceOf(r.props));
        if (ns !== undefined) state(ns).workloadUrn ??= r.urn;
      } else if (isK8sKind(type, ["networking.k8s.io"], "NetworkPolicy")) {
        const ns = known(() => namespaceOf(r.props));
        const d = known(() => defaultDenies(r.props));
        if (ns === undefined || d === undefined) continue;
        const s = state(ns);
        s.denyIngress ||= d.ingress;
        s.denyEgress ||= d.egress;
      } else if (isK8sKind(type, ["core"], "Namespace")) {
        const name = known(() => asString(asObject(asObject(r.props)?.metadata)?.name)) || r.name;
        state(name).namespaceUrn ??= r.urn;
      }
    }
    const ignored = new Set<string>(ctx.config.ignoreNamespaces);
    for (const [ns, s] of byNs) {
      if (!s.workloadUrn || ignored.has(ns)) continue;
      const missing = [!s.denyIngress ? "Ingress" : undefined, ctx.config.requireEgress && !s.denyEgress ? "Egress" : undefined].filter(Boolean);
      if (missing.length === 0) continue;
      ctx.report(
        s.namespaceUrn ?? s.workloadUrn,
        `namespace "${ns}"`,
        `runs workloads but has no default-deny NetworkPolicy for ${missing.join(" and ")} (podSelector: {} with policyTypes [${missing.join(", ")}] and no rules)`,
      );
    }
  },
});
