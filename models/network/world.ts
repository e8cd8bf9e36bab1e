// The network as the policy model sees it: namespaces with their labels, Services with their
// ClusterIPs and selectors, NetworkPolicies, and the addresses of pods, nodes and the outside.
// Sources: the stack's objects (program and rendered charts) plus what EKS itself runs
// (namespaces default/kube-system, the `kubernetes` and `kube-dns` Services, CoreDNS pods).
// upstream: EKS assigns pod IPs from the VPC subnets (amazon-vpc-cni-k8s), ClusterIPs from
// the cluster's service CIDR, `kubernetes` = the first host address, kube-dns = .10
// (EKS user guide: "kubernetes-network-config").
import { Netmask, ip2long, long2ip } from "netmask";
import { ClusterObject, objNamespace } from "../objects";
import type { LabelSelector } from "./selectors";

export type Protocol = "TCP" | "UDP" | "SCTP";

export interface ContainerPort { name?: string; port: number; protocol: Protocol }

/** A pod as a flow names it: where it runs, its labels and the ports its containers declare. */
export interface PodRef {
  namespace: string;
  labels: Record<string, string>;
  ports?: ContainerPort[];
  /** Short text for reports, e.g. "traefik". */
  what: string;
}

export interface ServicePort { name?: string; port: number; targetPort: number | string; protocol: Protocol }

export interface NetService {
  namespace: string;
  name: string;
  clusterIP: string;
  /** Undefined for a Service without a selector (e.g. `default/kubernetes`). */
  selector?: Record<string, string>;
  ports: ServicePort[];
  headless: boolean;
}

export interface PolicyPort { protocol: Protocol; port?: number | string; endPort?: number }
export interface PolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
export interface PolicyRule { peers?: PolicyPeer[]; ports?: PolicyPort[] }

export interface NetPolicy {
  /** `namespace/name` and where it comes from (program or chart). */
  key: string;
  namespace: string;
  podSelector: LabelSelector;
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
  types: ("Ingress" | "Egress")[];
}

export interface World {
  vpcCidr: string;
  serviceCidr: string;
  namespaces: Map<string, Record<string, string>>;
  services: NetService[];
  policies: NetPolicy[];
  /** Address a pod gets: from the VPC (VPC CNI). */
  podIp: string;
  /** A node's address, also in the VPC. */
  nodeIp: string;
  /** An EKS control-plane ENI (the API server's endpoint, and the caller of webhooks). */
  controlPlaneIp: string;
}

const BUILTIN_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

export function hostAt(cidr: string, offset: number): string {
  const n = new Netmask(cidr);
  if (offset >= n.size) throw new Error(`${cidr} has no address at offset ${offset}`);
  return long2ip(ip2long(n.base) + offset);
}

export function buildWorld(objects: readonly ClusterObject[], net: { vpcCidr: string; serviceCidr: string }): World {
  const namespaces = new Map<string, Record<string, string>>();
  for (const n of BUILTIN_NAMESPACES) namespaces.set(n, { "kubernetes.io/metadata.name": n });
  for (const o of objects.filter((x) => x.kind === "Namespace")) {
    const name = String(o.object.metadata.name);
    // The API server sets this label on every namespace (NamespaceDefaultLabelName, 1.22+).
    namespaces.set(name, { ...(o.object.metadata.labels ?? {}), "kubernetes.io/metadata.name": name });
  }
  const services: NetService[] = [
    { namespace: "default", name: "kubernetes", clusterIP: hostAt(net.serviceCidr, 1), ports: [{ name: "https", port: 443, targetPort: 443, protocol: "TCP" }], headless: false },
    { namespace: "kube-system", name: "kube-dns", clusterIP: hostAt(net.serviceCidr, 10), selector: { "k8s-app": "kube-dns" }, headless: false,
      ports: [{ name: "dns", port: 53, targetPort: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" }, { name: "metrics", port: 9153, targetPort: 9153, protocol: "TCP" }] },
  ];
  objects.filter((o) => o.kind === "Service").forEach((o, i) => services.push(toService(o, hostAt(net.serviceCidr, 100 + i))));
  const policies = objects.filter((o) => o.kind === "NetworkPolicy").map(toPolicy);
  return {
    ...net, namespaces, services, policies,
    podIp: hostAt(net.vpcCidr, 30), nodeIp: hostAt(net.vpcCidr, 20), controlPlaneIp: hostAt(net.vpcCidr, 10),
  };
}

function toService(o: ClusterObject, ip: string): NetService {
  const spec = o.object.spec ?? {};
  const headless = spec.clusterIP === "None";
  return {
    namespace: objNamespace(o)!, name: String(o.object.metadata.name), clusterIP: headless ? "None" : ip,
    selector: spec.selector && Object.keys(spec.selector).length ? spec.selector : undefined, headless,
    ports: (spec.ports ?? []).map((p: any) => ({ name: p.name, port: Number(p.port), targetPort: p.targetPort ?? Number(p.port), protocol: p.protocol ?? "TCP" })),
  };
}

/** policyTypes default: Ingress, plus Egress when the spec has egress rules (networking/v1 defaulting). */
function toPolicy(o: ClusterObject): NetPolicy {
  const spec = o.object.spec ?? {};
  const rules = (rs: any[] | undefined, key: "from" | "to") => rs?.map((r) => ({
    peers: r[key],
    ports: r.ports?.map((p: any) => ({ protocol: p.protocol ?? "TCP", port: p.port, endPort: p.endPort })),
  }));
  const types = spec.policyTypes ?? ["Ingress", ...(spec.egress ? ["Egress"] : [])];
  const where = o.source.kind === "chart" ? ` (chart ${o.source.chart})` : "";
  return { key: `${objNamespace(o)}/${o.object.metadata.name}${where}`, namespace: objNamespace(o)!, podSelector: spec.podSelector ?? {}, ingress: rules(spec.ingress, "from"), egress: rules(spec.egress, "to"), types };
}
