// Resolving "<service>.<namespace>:<port>" against the Services on the cluster: the rendered
// and program Services, plus the two EKS brings itself (models/network/world.ts EKS_SERVICES).
import { ClusterObject, objName, objNamespace } from "../objects";
import { EKS_SERVICES } from "../network/world";
import { ClusterIndex } from "./cluster-index";

export interface ServiceRef { service: string; namespace: string; port?: number | string }

/** Undefined when the reference resolves; otherwise what is wrong and what would fix it. */
export function resolveService(idx: ClusterIndex, ref: ServiceRef): { problem: string; fix: string } | undefined {
  const key = `${ref.namespace}/${ref.service}`;
  const svc = idx.services.find((s) => objNamespace(s) === ref.namespace && objName(s) === ref.service);
  const ports = svc ? servicePorts(svc) : EKS_SERVICES.find((s) => `${s.namespace}/${s.name}` === key)?.ports.map((p) => ({ port: p.port, name: p.name ?? "" }));
  if (!ports) {
    const names = idx.services.filter((s) => objNamespace(s) === ref.namespace).map(objName).sort();
    return {
      problem: `names Service ${key}, which nothing on the cluster creates.`,
      fix: `use one of the Services in ${ref.namespace} (${names.join(", ") || "none"}) or make the chart render ${ref.service}.`,
    };
  }
  if (ref.port === undefined) return undefined;
  if (ports.some((p) => p.port === ref.port || p.name === ref.port)) return undefined;
  return {
    problem: `uses port ${ref.port} of Service ${key}, which exposes only ${ports.map((p) => `${p.port}${p.name ? ` (${p.name})` : ""}`).join(", ")}.`,
    fix: `use one of those ports, or expose ${ref.port} on the Service.`,
  };
}

const servicePorts = (s: ClusterObject): { port: number; name: string }[] =>
  (s.object.spec?.ports ?? []).map((p: any) => ({ port: Number(p.port), name: String(p.name ?? "") }));
