// Would the cluster's NetworkPolicies let one endpoint reach another on a port?
// upstream: kubernetes/api networking/v1 types.go and the NetworkPolicy concept page: a pod is
// isolated for a direction once any policy selecting it lists that policyType (unset policyTypes:
// Ingress, plus Egress when the spec has egress rules); then traffic passes if any rule of any such
// policy admits the peer and the port. Traffic needs the source's egress and the destination's ingress.
// Host-network pods and nodes are not subject to pod policies; as peers they are node addresses,
// which only ipBlock rules match (the VPC CNI's policy agent: aws/aws-network-policy-agent).
import { Netmask } from "netmask";
import type { RunResult } from "../../tools/harness";
import { objName, objNamespace } from "../objects";
import { ClusterIndex, PodTemplate, namespaceLabels, resolvePort } from "./cluster-index";
import { matches } from "../network/selectors";

/** A pod (by template), or a node address (kubelet, host-network pods). */
export type Endpoint = { pod: PodTemplate } | { node: true; namespace?: string };

const isNodeAddress = (e: Endpoint): boolean => "node" in e || !!e.pod.spec.hostNetwork;

function policyTypes(spec: any): string[] {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length) return spec.policyTypes;
  return ["Ingress", ...(spec.egress ? ["Egress"] : [])];
}

/** Policies that isolate this pod for a direction. */
function isolating(idx: ClusterIndex, pod: PodTemplate, dir: "Ingress" | "Egress") {
  return idx.networkPolicies.filter((np) => objNamespace(np) === pod.namespace && policyTypes(np.object.spec ?? {}).includes(dir)
    && matches(np.object.spec?.podSelector, pod.labels));
}

function peerMatches(idx: ClusterIndex, peer: any, policyNs: string, other: Endpoint, vpcCidr: string): boolean {
  if (isNodeAddress(other)) return !!peer.ipBlock && cidrCovers(peer.ipBlock, vpcCidr);
  return podPeerMatches(idx, peer, policyNs, (other as { pod: PodTemplate }).pod);
}

/** A peer's namespaceSelector (else the policy's own namespace) and podSelector both select the pod; ipBlocks select no pod here (conservative). */
export function podPeerMatches(idx: ClusterIndex, peer: any, policyNs: string, pod: PodTemplate): boolean {
  if (peer.ipBlock) return false;
  const nsOk = peer.namespaceSelector ? matches(peer.namespaceSelector, namespaceLabels(idx, pod.namespace)) : pod.namespace === policyNs;
  return nsOk && matches(peer.podSelector, pod.labels);
}

/** The stack's VPC range: node addresses (kubelet, host-network pods) lie in it. */
export function vpcCidr(run: RunResult): string {
  const cidr = run.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")?.inputs.cidrBlock;
  if (typeof cidr !== "string") throw new Error(`stack ${run.stack} registers no aws:ec2/vpc:Vpc with a cidrBlock, so traffic to node addresses cannot be judged`);
  return cidr;
}

/** The ipBlock admits every address of the VPC (node addresses), less its exceptions. */
function cidrCovers(block: { cidr: string; except?: string[] }, vpcCidr: string): boolean {
  const vpc = new Netmask(vpcCidr);
  if (!new Netmask(block.cidr).contains(vpc)) return false;
  return !(block.except ?? []).some((e) => new Netmask(e).contains(vpc.base) || vpc.contains(new Netmask(e).base));
}

function portMatches(rulePorts: any[] | undefined, dst: Endpoint, port: number): boolean {
  if (!rulePorts?.length) return true;
  return rulePorts.some((p) => {
    if (p.port === undefined) return (p.protocol ?? "TCP") === "TCP";
    const n = "pod" in dst ? resolvePort(dst.pod, p.port) : typeof p.port === "number" ? p.port : undefined;
    return (p.protocol ?? "TCP") === "TCP" && n !== undefined && port >= n && port <= (p.endPort ?? n);
  });
}

/** Undefined when allowed; otherwise the names of the policies that isolate the blocked side. */
export function blockedBy(idx: ClusterIndex, src: Endpoint, dst: Endpoint, port: number, vpcCidr: string): { side: "egress" | "ingress"; policies: string[] } | undefined {
  if ("pod" in src && !src.pod.spec.hostNetwork) {
    const egress = isolating(idx, src.pod, "Egress");
    const ok = !egress.length || egress.some((np) => (np.object.spec.egress ?? []).some((r: any) =>
      (!r.to?.length || r.to.some((peer: any) => peerMatches(idx, peer, src.pod.namespace, dst, vpcCidr))) && portMatches(r.ports, dst, port)));
    if (!ok) return { side: "egress", policies: egress.map(objName) };
  }
  if ("pod" in dst && !dst.pod.spec.hostNetwork) {
    const ingress = isolating(idx, dst.pod, "Ingress");
    const ok = !ingress.length || ingress.some((np) => (np.object.spec.ingress ?? []).some((r: any) =>
      (!r.from?.length || r.from.some((peer: any) => peerMatches(idx, peer, dst.pod.namespace, src, vpcCidr))) && portMatches(r.ports, dst, port)));
    if (!ok) return { side: "ingress", policies: ingress.map(objName) };
  }
  return undefined;
}
