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
  /** On the node's network: not behind a pod veth, so no policy polices it and peers see a node address. */
  hostNetwork?: boolean;
  /** Short text for reports, e.g. "traefik". */
  what: string;
}

export interface ServicePort { name?: string; port: number; targetPort: number | string; protocol: Protocol }

/** A Service as its object declares it; the world gives it its ClusterIP. */
export interface ServiceDecl {
  namespace: string;
  name: string;
  /** Undefined for a Service without a selector (e.g. `default/kubernetes`). */
  selector?: Record<string, string>;
  ports: ServicePort[];
  headless: boolean;
}

export interface NetService extends ServiceDecl { clusterIP: string }

export interface PolicyPort { protocol: Protocol; port?: number | string; endPort?: number }
export interface PolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: { cidr: string; except?: string[] } }
export interface PolicyRule { peers?: PolicyPeer[]; ports?: PolicyPort[] }

export interface NetPolicy {
  /** `namespace/name` and where it comes from (program or chart). */
  key: string;
  /** metadata.name, for reports. */
  name: string;
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

/**
 * Services no object of the stack makes: `kubernetes` (kube-apiserver's own; upstream: kubernetes
 * pkg/controlplane/controller/kubernetesservice) and the EKS CoreDNS add-on's `kube-dns`, at
 * their fixed offsets in the service CIDR.
 */
export const EKS_SERVICES: (ServiceDecl & { hostOffset: number })[] = [
  { namespace: "default", name: "kubernetes", hostOffset: 1, ports: [{ name: "https", port: 443, targetPort: 443, protocol: "TCP" }], headless: false },
  { namespace: "kube-system", name: "kube-dns", hostOffset: 10, selector: { "k8s-app": "kube-dns" }, headless: false,
    ports: [{ name: "dns", port: 53, targetPort: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" }, { name: "metrics", port: 9153, targetPort: 9153, protocol: "TCP" }] },
];

export function hostAt(cidr: string, offset: number): string {
  const n = new Netmask(cidr);
  if (offset >= n.size) throw new Error(`${cidr} has no address at offset ${offset}`);
  return long2ip(ip2long(n.base) + offset);
}

export function buildWorld(objects: readonly ClusterObject[], net: { vpcCidr: string; serviceCidr: string }): World {
  const namespaces = namespacesOf(objects);
  const services: NetService[] = EKS_SERVICES.map(({ hostOffset, ...s }) => ({ ...s, clusterIP: hostAt(net.serviceCidr, hostOffset) }));
  servicesOf(objects).forEach((s, i) => services.push({ ...s, clusterIP: s.headless ? "None" : hostAt(net.serviceCidr, 100 + i) }));
  const policies = policiesOf(objects);
  return {
    ...net, namespaces, services, policies,
    podIp: hostAt(net.vpcCidr, 30), nodeIp: hostAt(net.vpcCidr, 20), controlPlaneIp: hostAt(net.vpcCidr, 10),
  };
}

/** Namespaces with their labels: EKS's own, and every Namespace object. */
export function namespacesOf(objects: readonly ClusterObject[]): Map<string, Record<string, string>> {
  const namespaces = new Map<string, Record<string, string>>();
  for (const n of BUILTIN_NAMESPACES) namespaces.set(n, { "kubernetes.io/metadata.name": n });
  for (const o of objects.filter((x) => x.kind === "Namespace")) {
    const name = String(o.object.metadata.name);
    // The API server sets this label on every namespace (NamespaceDefaultLabelName, 1.22+).
    namespaces.set(name, { ...(o.object.metadata.labels ?? {}), "kubernetes.io/metadata.name": name });
  }
  return namespaces;
}

export const policiesOf = (objects: readonly ClusterObject[]): NetPolicy[] => objects.filter((o) => o.kind === "NetworkPolicy").map(toPolicy);

/** The stack's own Services (not EKS's), as declared. */
export const servicesOf = (objects: readonly ClusterObject[]): ServiceDecl[] => objects.filter((o) => o.kind === "Service").map(toService);

function toService(o: ClusterObject): ServiceDecl {
  const spec = o.object.spec ?? {};
  return {
    namespace: objNamespace(o)!, name: String(o.object.metadata.name),
    selector: spec.selector && Object.keys(spec.selector).length ? spec.selector : undefined, headless: spec.clusterIP === "None",
    ports: (spec.ports ?? []).map((p: any) => ({ name: p.name, port: Number(p.port), targetPort: p.targetPort ?? Number(p.port), protocol: p.protocol ?? "TCP" })),
  };
}

/**
 * policyTypes default: Ingress, plus Egress when the spec has egress rules; an empty list is
 * defaulted too. upstream: kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicySpec.
 */
function toPolicy(o: ClusterObject): NetPolicy {
  const spec = o.object.spec ?? {};
  const rules = (rs: any[] | undefined, key: "from" | "to") => rs?.map((r) => ({
    peers: r[key],
    ports: r.ports?.map((p: any) => ({ protocol: p.protocol ?? "TCP", port: p.port, endPort: p.endPort })),
  }));
  const types = spec.policyTypes?.length ? spec.policyTypes : ["Ingress", ...(spec.egress ? ["Egress"] : [])];
  const where = o.source.kind === "chart" ? ` (chart ${o.source.chart})` : "";
  return { key: `${objNamespace(o)}/${o.object.metadata.name}${where}`, name: String(o.object.metadata.name), namespace: objNamespace(o)!, podSelector: spec.podSelector ?? {}, ingress: rules(spec.ingress, "from"), egress: rules(spec.egress, "to"), types };
}
