// Reachability: a URL or Ingress backend that names the right Service and port still fails if
// the NetworkPolicies drop the traffic. Clients: the pods of the chart whose values carry the
// URL (each of these charts runs one client workload), and for an Ingress the pods of the
// chart that renders its IngressClass (the controller). Servers: the pods the Service selects,
// on the Service port's targetPort. upstream: core/v1 ServicePort (targetPort defaults to port;
// a name resolves against each selected pod's container ports); NetworkPolicy via netpol-eval.ts.
import type { RunResult } from "../../tools/harness";
import { ClusterObject, objKey, objName, objNamespace } from "../objects";
import { ClusterIndex, PodTemplate, resolvePort } from "./cluster-index";
import { Finding } from "./finding";
import { ingressBackends } from "./ingress-backends";
import { blockedBy, vpcCidr } from "./netpol-eval";
import { serviceSelects } from "../network/selectors";
import { ServiceRef } from "./services";
import { inClusterUrls } from "./urls";

export function checkReachability(run: RunResult, idx: ClusterIndex): Finding[] {
  const vpc = vpcCidr(run);
  const out: Finding[] = [];
  for (const u of inClusterUrls(run, idx)) {
    const clients = idx.pods.filter((p) => u.chart && p.chart === u.chart);
    const bad = clients.length ? unreachable(idx, clients, u.ref, vpc) : undefined;
    if (bad) out.push({ check: "reachability", object: u.where, problem: `"${u.text}": ${bad.problem}`, fix: bad.fix });
  }
  for (const ing of idx.objects.filter((o) => o.kind === "Ingress")) {
    const clients = controllerPods(idx, ing);
    for (const b of ingressBackends(ing)) {
      const bad = clients.length ? unreachable(idx, clients, { service: b.name, namespace: objNamespace(ing)!, port: b.port }, vpc) : undefined;
      if (bad) out.push({ check: "reachability", object: objKey(ing), problem: `backend ${b.name}: ${bad.problem}`, fix: bad.fix });
    }
  }
  return out;
}

/** Undefined when some client reaches some selected pod on the target port (or the Service cannot be judged). */
function unreachable(idx: ClusterIndex, clients: PodTemplate[], ref: ServiceRef, vpc: string): { problem: string; fix: string } | undefined {
  const svc = idx.services.find((s) => objNamespace(s) === ref.namespace && objName(s) === ref.service);
  const sp = (svc?.object.spec?.ports ?? []).find((p: any) => p.port === ref.port || p.name === ref.port);
  if (!svc || !sp) return undefined; // the url and ingress-backend checks report these
  const servers = idx.pods.filter((p) => p.namespace === ref.namespace && serviceSelects(svc.object.spec?.selector, p.labels));
  if (!servers.length) return { problem: `Service ${ref.namespace}/${ref.service} selects no pod.`, fix: "make the Service's selector match the workload's pod labels." };
  const reasons: string[] = [];
  for (const c of clients) for (const s of servers) {
    const port = resolvePort(s, sp.targetPort ?? sp.port);
    if (port === undefined) { reasons.push(`${s.owner} has no port named ${sp.targetPort}`); continue; }
    const blocked = blockedBy(idx, { pod: c }, { pod: s }, port, vpc);
    if (!blocked) return undefined;
    reasons.push(`${c.owner} -> ${s.owner}:${port} blocked by ${blocked.side === "egress" ? c.namespace : s.namespace}'s ${blocked.side} policies (${blocked.policies.join(", ")})`);
  }
  return {
    problem: `no client reaches Service ${ref.namespace}/${ref.service}: ${[...new Set(reasons)].join("; ")}.`,
    fix: "allow that port between the two namespaces (SecureNamespace fromNamespaces/toNamespaces in infra/services/index.ts).",
  };
}

/** The pods of the chart that renders the Ingress's IngressClass. */
function controllerPods(idx: ClusterIndex, ing: ClusterObject): PodTemplate[] {
  const cls = idx.objects.find((o) => o.kind === "IngressClass" && objName(o) === ing.object.spec?.ingressClassName);
  return cls?.source.kind === "chart" ? idx.pods.filter((p) => p.chart === (cls.source as { chart: string }).chart) : [];
}
