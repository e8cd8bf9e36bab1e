// Ingress backends: each path of each Ingress (Argo CD's and Grafana's come from their charts)
// sends traffic to a Service of its own namespace and a port that Service exposes.
// upstream: kubernetes/api networking/v1 types.go IngressServiceBackend (name, port.number | port.name,
// resolved in the Ingress's namespace).
import { objKey, objNamespace } from "../objects";
import { ClusterIndex } from "./cluster-index";
import { Finding } from "./finding";
import { resolveService } from "./services";

export function checkIngressBackends(idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const ing of idx.objects.filter((o) => o.kind === "Ingress")) {
    const spec = ing.object.spec ?? {};
    const backends = [spec.defaultBackend, ...(spec.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))];
    for (const b of backends) {
      if (!b?.service) continue;
      const port = b.service.port?.number ?? b.service.port?.name;
      const bad = resolveService(idx, { service: b.service.name, namespace: objNamespace(ing)!, port });
      if (bad) out.push({ check: "ingress-backend", object: objKey(ing), problem: `backend ${bad.problem}`, fix: `${bad.fix} (the chart's ingress/service values)` });
    }
  }
  return out;
}
