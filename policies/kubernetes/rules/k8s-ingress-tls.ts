import { z } from "zod";
import { annotationsOf, isK8sKind } from "../../lib/k8s";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, asString, show } from "../../lib/util";

/** Does TLS host `pattern` (possibly `*.example.com`) cover rule host `host`? A wildcard covers one label. */
export function hostCovered(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === h) return true;
  if (p.startsWith("*.")) {
    const dot = h.indexOf(".");
    return dot > 0 && h.slice(dot) === p.slice(1);
  }
  return false;
}

export const ingressTls = resourceRule("kubernetes", {
  name: "k8s-ingress-tls",
  item: "Checklist 8: Ingress uses TLS",
  summary:
    "Every Ingress has spec.tls entries with a secretName, every rules[].host is covered by a tls[].hosts entry (wildcards cover one label), and it names a cert-manager issuer in an annotation.",
  fix: 'add spec.tls: [{hosts: [<every rule host>], secretName: <name>}] and the annotation cert-manager.io/cluster-issuer: <issuer>',
  config: {
    issuerAnnotations: z
      .array(z.string().min(1))
      .min(1, "list at least one annotation: an empty list would fail every Ingress")
      .default(["cert-manager.io/cluster-issuer", "cert-manager.io/issuer"])
      .describe("Annotations that name a cert-manager issuer; at least one must be set"),
  },
  appliesTo: (t) => isK8sKind(t, ["networking.k8s.io", "extensions"], "Ingress"),
  appliesToText: "Kubernetes Ingresses",
  check(ctx) {
    const spec = asObject(ctx.props.spec);
    const tls = asArray(spec?.tls);
    const covered: string[] = [];
    if (tls.length === 0) {
      ctx.report("spec.tls", "the Ingress has no TLS section, so it serves plain HTTP");
    }
    tls.forEach((t, i) => {
      const entry = asObject(t);
      if (!entry) {
        ctx.report(`spec.tls[${i}]`, `TLS entry is malformed (${show(t)})`);
        return;
      }
      for (const h of asArray(entry.hosts)) if (typeof h === "string") covered.push(h);
      if (!asString(entry.secretName)) ctx.report(`spec.tls[${i}].secretName`, "TLS entry has no secretName for cert-manager to fill", "set secretName");
    });
    asArray(spec?.rules).forEach((r, i) => {
      const host = asString(asObject(r)?.host);
      if (!host) {
        ctx.report(`spec.rules[${i}].host`, "rule has no host, so no certificate can match it", "set the rule's host (and list it in spec.tls[].hosts)");
      } else if (tls.length > 0 && !covered.some((p) => hostCovered(p, host))) {
        ctx.report(`spec.rules[${i}].host`, `host ${show(host)} is not covered by any spec.tls[].hosts`, `add ${show(host)} to spec.tls[].hosts`);
      }
    });
    const ann = annotationsOf(ctx.props);
    const names: string[] = ctx.config.issuerAnnotations;
    if (!names.some((a) => typeof ann[a] === "string" && (ann[a] as string).length > 0)) {
      ctx.report(`metadata.annotations["${names[0] ?? "cert-manager.io/cluster-issuer"}"]`, `no cert-manager issuer annotation (${names.join(" or ")})`, `annotate the Ingress with ${names[0] ?? "cert-manager.io/cluster-issuer"}: <issuer>`);
    }
  },
});
