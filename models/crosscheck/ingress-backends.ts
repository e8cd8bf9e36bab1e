// Ingress backends: each path of each Ingress (Argo CD's and Grafana's come from their charts)
// sends traffic to a Service of its own namespace and a port that Service exposes.
// upstream: kubernetes/api networking/v1 types.go IngressServiceBackend (name, port.number | port.name,
// resolved in the Ingress's namespace).
import { ClusterObject, objKey, objNamespace } from "../objects";
import { ClusterIndex } from "./cluster-index";
import { Finding } from "./finding";
import { resolveService } from "./services";

export function checkIngressBackends(idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const ing of idx.objects.filter((o) => o.kind === "Ingress")) {
    for (const b of ingressBackends(ing)) {
      const bad = resolveService(idx, { service: b.name, namespace: objNamespace(ing)!, port: b.port });
      if (bad) out.push({ check: "ingress-backend", object: objKey(ing), problem: `backend ${bad.problem}`, fix: `${bad.fix} (the chart's ingress/service values)` });
    }
  }
  return out;
}

/** The Service backends of an Ingress: its default backend and every rule path's. */
export function ingressBackends(ing: ClusterObject): { name: string; port: number | string }[] {
  const spec = ing.object.spec ?? {};
  return [spec.defaultBackend, ...(spec.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))]
    .filter((b) => b?.service).map((b) => ({ name: b.service.name, port: b.service.port?.number ?? b.service.port?.name }));
}
