// Reachability: a URL or Ingress backend that names the right Service and port still fails if
// the NetworkPolicies drop the traffic. Clients: the pods of the chart whose values carry the
// URL (each of these charts runs one client workload), and for an Ingress the pods of the
// chart that renders its IngressClass (the controller). Servers: the pods the Service selects,
// on the Service port's targetPort. upstream: core/v1 ServicePort (targetPort defaults to port;
// a name resolves against each selected pod's container ports); NetworkPolicy by the network
// model (models/network/admit.ts): a URL client connects to the ClusterIP, so its egress is
// judged on the Service (the EKS agent sees the flow before kube-proxy's DNAT; a headless
// Service's DNS gives pod addresses); an Ingress controller sends to the endpoints (pod IPs:
// upstream traefik pkg/provider/kubernetes/ingress loads servers from the Service's endpoints).
import type { RunResult } from "../../tools/harness";
import { ClusterObject, objKey, objName, objNamespace } from "../objects";
import { refusal } from "../network/admit";
import { podPort } from "../network/evaluate";
import type { StackPod } from "../network/pods";
import { serviceSelects } from "../network/selectors";
import type { World } from "../network/world";
import { ClusterIndex, worldOf } from "./cluster-index";
import { Finding } from "./finding";
import { ingressBackends } from "./ingress-backends";
import { ServiceRef, findService } from "./services";
import { inClusterUrls } from "./urls";

export function checkReachability(run: RunResult, idx: ClusterIndex): Finding[] {
  const world = worldOf(run, idx);
  const out: Finding[] = [];
  for (const u of inClusterUrls(run, idx)) {
    const clients = idx.pods.filter((p) => u.chart && p.chart === u.chart);
    const bad = clients.length ? unreachable(idx, world, clients, u.ref, true) : undefined;
    if (bad) out.push({ check: "reachability", object: u.where, problem: `"${u.text}": ${bad.problem}`, fix: bad.fix });
  }
  for (const ing of idx.objects.filter((o) => o.kind === "Ingress")) {
    const clients = controllerPods(idx, ing);
    for (const b of ingressBackends(ing)) {
      const bad = clients.length ? unreachable(idx, world, clients, { service: b.name, namespace: objNamespace(ing)!, port: b.port }, false) : undefined;
      if (bad) out.push({ check: "reachability", object: objKey(ing), problem: `backend ${b.name}: ${bad.problem}`, fix: bad.fix });
    }
  }
  return out;
}

/** Undefined when some client reaches some selected pod on the target port (or the Service cannot be judged). */
function unreachable(idx: ClusterIndex, world: World, clients: StackPod[], ref: ServiceRef, viaClusterIP: boolean): { problem: string; fix: string } | undefined {
  const svc = findService(idx, ref);
  const sp = svc?.ports.find((p) => p.port === ref.port || p.name === ref.port);
  if (!svc || !sp) return undefined; // the url and ingress-backend checks report these
  const servers = idx.pods.filter((p) => p.namespace === ref.namespace && serviceSelects(svc.selector, p.labels));
  if (!servers.length) return { problem: `Service ${ref.namespace}/${ref.service} selects no pod.`, fix: "make the Service's selector match the workload's pod labels." };
  const reasons: string[] = [];
  for (const c of clients) for (const s of servers) {
    const port = podPort(s, sp.targetPort, sp.protocol);
    if (port === undefined) { reasons.push(`${s.what} has no port named ${sp.targetPort}`); continue; }
    const blocked = viaClusterIP && !svc.headless
      ? refusal(world, { pod: c }, { service: `${svc.namespace}/${svc.name}`, backend: s }, sp.port, sp.protocol)
      : refusal(world, { pod: c }, { pod: s }, port, sp.protocol);
    if (!blocked) return undefined;
    reasons.push(`${c.what} -> ${s.what}:${port} blocked by ${blocked.side === "egress" ? c.namespace : s.namespace}'s ${blocked.side} policies (${blocked.policies.join(", ")})`);
  }
  return {
    problem: `no client reaches Service ${ref.namespace}/${ref.service}: ${[...new Set(reasons)].join("; ")}.`,
    fix: "allow that port between the two namespaces (SecureNamespace fromNamespaces/toNamespaces in infra/services/index.ts).",
  };
}

/** The pods of the chart that renders the Ingress's IngressClass. */
function controllerPods(idx: ClusterIndex, ing: ClusterObject): StackPod[] {
  const cls = idx.objects.find((o) => o.kind === "IngressClass" && objName(o) === ing.object.spec?.ingressClassName);
  return cls?.source.kind === "chart" ? idx.pods.filter((p) => p.chart === (cls.source as { chart: string }).chart) : [];
}
