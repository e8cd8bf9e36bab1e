// Resolving "<service>.<namespace>:<port>" against the Services on the cluster: the rendered
// and program Services, plus the two EKS brings itself (models/network/world.ts EKS_SERVICES).
import { EKS_SERVICES, ServiceDecl } from "../network/world";
import { ClusterIndex } from "./cluster-index";

export interface ServiceRef { service: string; namespace: string; port?: number | string }

/** Undefined when the reference resolves; otherwise what is wrong and what would fix it. */
export function resolveService(idx: ClusterIndex, ref: ServiceRef): { problem: string; fix: string } | undefined {
  const key = `${ref.namespace}/${ref.service}`;
  const ports = findService(idx, ref)?.ports ?? EKS_SERVICES.find((s) => `${s.namespace}/${s.name}` === key)?.ports;
  if (!ports) {
    const names = idx.services.filter((s) => s.namespace === ref.namespace).map((s) => s.name).sort();
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

/** The stack's Service a reference names. */
export const findService = (idx: ClusterIndex, ref: ServiceRef): ServiceDecl | undefined =>
  idx.services.find((s) => s.namespace === ref.namespace && s.name === ref.service);
