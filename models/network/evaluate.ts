// Whether a flow gets through, as the EKS VPC CNI network policy agent decides it.
// upstream: aws/amazon-network-policy-controller-k8s pkg/resolvers/endpoints.go and
// aws/aws-network-policy-agent (eBPF on the pod's veth, TC hook):
//   - policies are additive allows; a pod selected by a policy of a type is denied
//     everything of that direction that no selecting policy allows (networking/v1 semantics);
//   - egress is judged at the source pod BEFORE kube-proxy's DNAT: a flow to a Service is seen
//     with the ClusterIP and the Service port. An ipBlock peer matches the ClusterIP only if its
//     CIDR covers it; a pod/namespace selector peer matches it only when the Service (not
//     headless) is in a selected namespace and its spec.selector is matched by the peer's
//     podSelector (getMatchingServiceClusterIPs), with the rule's port mapped through targetPort;
//     `default/kubernetes` has no selector, so only an ipBlock on the service CIDR reaches it;
//   - ingress is judged at the destination pod after DNAT (source: the client's address);
//   - ipBlock peers are address ranges, so they match pod IPs too (pods have VPC addresses);
//     named ports are dropped for ipBlock peers, and a rule whose ports are all named then
//     allows nothing there (convertToPolicyInfoPortForCIDRs);
//   - kubelet probes from the pod's own node are always allowed (the agent's node-IP allow);
//   - host-network pods sit on no pod veth: nothing polices them, and they are node addresses.
// An address may be a whole range (e.g. the VPC: "any node"): an ipBlock then matches it only
// if it covers every address of the range and no exception cuts into it.
import { Netmask } from "netmask";
import { matches, serviceSelects } from "./selectors";
import { NetPolicy, NetService, PodRef, PolicyPeer, PolicyPort, PolicyRule, Protocol, World } from "./world";

export type Source = { pod: PodRef } | { ip: string; what: string } | { kubelet: true };
export type Target =
  | { pod: PodRef; port: number | string; protocol?: Protocol }
  | { service: string; port: number; protocol?: Protocol; backend?: PodRef }
  | { ip: string; what: string; port: number; protocol?: Protocol };

export interface Flow { name: string; from: Source; to: Target }

export interface Decision {
  /** Whether some policy selects the pod for this direction (else: allowed, not isolated). */
  isolated: boolean;
  allowed: boolean;
  /** Policies whose rules allow it. */
  by: string[];
  /** metadata.name of every policy that selects the pod for this direction. */
  isolatedBy: string[];
}

export interface Verdict { allowed: boolean; egress?: Decision; ingress?: Decision; detail: string }

function inCidr(addr: string, cidr: string, except: string[] = []): boolean {
  const a = new Netmask(addr);
  return new Netmask(cidr).contains(a) && !except.map((e) => new Netmask(e)).some((e) => e.contains(a.base) || a.contains(e.base));
}

export function service(world: World, ref: string): NetService {
  const [ns, name] = ref.split("/");
  const s = world.services.find((x) => x.namespace === ns && x.name === name);
  if (!s) throw new Error(`flow names Service ${ref}, which nothing creates. Fix: name an existing Service (namespace/name).`);
  return s;
}

/** The pod-side port number of a named or numeric port. */
export function podPort(pod: PodRef, port: number | string, protocol: Protocol): number | undefined {
  if (typeof port === "number") return port;
  return pod.ports?.find((p) => p.name === port && p.protocol === protocol)?.port;
}

export function evaluate(world: World, flow: Flow): Verdict {
  flow = { ...flow, from: onHost(world, flow.from), to: onHost(world, flow.to) };
  const proto = flow.to.protocol ?? "TCP";
  const egress = "pod" in flow.from ? decide(world, flow.from.pod, "Egress", (rule, p) => egressRuleAllows(world, p, rule, flow.to, proto)) : undefined;
  const backend = "pod" in flow.to ? flow.to.pod : "service" in flow.to ? serviceBackend(world, flow.to) : undefined;
  let ingress: Decision | undefined;
  if (backend && !("kubelet" in flow.from)) {
    const port = "pod" in flow.to ? podPort(backend, flow.to.port, proto) : targetPort(world, flow.to as { service: string; port: number }, backend, proto);
    const srcIp = "pod" in flow.from ? world.podIp : (flow.from as { ip: string }).ip;
    const srcPod = "pod" in flow.from ? flow.from.pod : undefined;
    ingress = decide(world, backend, "Ingress", (rule, p) => port !== undefined && ingressRuleAllows(world, p, rule, srcIp, srcPod, backend, port, proto));
  }
  const allowed = (egress?.allowed ?? true) && (ingress?.allowed ?? true);
  return { allowed, egress, ingress, detail: `${flow.name}: egress ${show(egress)}, ingress ${show(ingress)}` };
}

/** A host-network pod, as the agent sees it: any node's address, with no policy of its own. */
function onHost<T extends Source | Target>(world: World, end: T): T {
  if (!("pod" in end) || !end.pod.hostNetwork) return end;
  const { pod, ...rest } = end;
  return { ...rest, ip: world.vpcCidr, what: `${pod.what} (host network)` } as T;
}

const show = (d?: Decision) => (!d ? "n/a" : !d.isolated ? "not isolated" : d.allowed ? `allowed by ${d.by.join(", ")}` : "denied");

function decide(world: World, pod: PodRef, type: "Ingress" | "Egress", allows: (rule: PolicyRule, p: NetPolicy) => boolean): Decision {
  const selecting = world.policies.filter((p) => p.namespace === pod.namespace && p.types.includes(type) && matches(p.podSelector, pod.labels));
  const rules = (p: NetPolicy) => (type === "Ingress" ? p.ingress : p.egress) ?? [];
  const by = selecting.filter((p) => rules(p).some((r) => allows(r, p))).map((p) => p.key);
  return { isolated: selecting.length > 0, allowed: selecting.length === 0 || by.length > 0, by, isolatedBy: selecting.map((p) => p.name) };
}

function serviceBackend(world: World, to: { service: string; backend?: PodRef }): PodRef | undefined {
  const s = service(world, to.service);
  if (!s.selector) return undefined; // e.g. the API server: not a pod, no policy at the far end
  if (!to.backend) throw new Error(`flow to Service ${to.service} names no backend pod. Fix: give the pod its selector picks.`);
  if (!serviceSelects(s.selector, to.backend.labels)) throw new Error(`Service ${to.service} selector does not pick the flow's backend ${to.backend.what}. Fix: correct the flow table's labels.`);
  return to.backend;
}

function targetPort(world: World, to: { service: string; port: number }, backend: PodRef, proto: Protocol): number | undefined {
  const sp = service(world, to.service).ports.find((p) => p.port === to.port && p.protocol === proto);
  return sp ? podPort(backend, sp.targetPort, proto) : undefined;
}

/** Numeric rule ports against a port number (named ports skipped): for CIDR peers and ClusterIPs. */
function numericPortMatch(ports: PolicyPort[] | undefined, port: number, proto: Protocol): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => p.protocol === proto && (p.port === undefined || (typeof p.port === "number" && port >= p.port && port <= (p.endPort ?? p.port))));
}

/** Rule ports against a pod's port, resolving named ports on that pod. */
function podPortMatch(ports: PolicyPort[] | undefined, pod: PodRef, port: number, proto: Protocol): boolean {
  if (!ports?.length) return true;
  return ports.some((p) => {
    if (p.protocol !== proto) return false;
    if (p.port === undefined) return true;
    const n = podPort(pod, p.port, proto);
    return n !== undefined && port >= n && port <= (p.endPort ?? n);
  });
}

/** A namespace's labels; one the stack does not create still carries its name label (NamespaceDefaultLabelName). */
const namespaceLabels = (world: Pick<World, "namespaces">, ns: string): Record<string, string> =>
  world.namespaces.get(ns) ?? { "kubernetes.io/metadata.name": ns };

/** The peer's namespaceSelector (else the policy's own namespace) picks `ns`. */
const peerSelectsNamespace = (world: Pick<World, "namespaces">, policyNs: string, peer: PolicyPeer, ns: string) =>
  peer.namespaceSelector ? matches(peer.namespaceSelector, namespaceLabels(world, ns)) : ns === policyNs;

/** A pod/namespace selector peer (not an ipBlock) selects the pod. */
export const peerMatchesPod = (world: Pick<World, "namespaces">, policyNs: string, peer: PolicyPeer, pod: PodRef) =>
  !peer.ipBlock && peerSelectsNamespace(world, policyNs, peer, pod.namespace) && matches(peer.podSelector, pod.labels);

interface Destination { ip: string; port: number; pod?: PodRef; service?: NetService }

/** What the source's eBPF program sees: the pod IP and port, or the ClusterIP and Service port. */
function destination(world: World, to: Target, proto: Protocol): Destination {
  if ("pod" in to) {
    const port = podPort(to.pod, to.port, proto);
    if (port === undefined) throw new Error(`flow to ${to.pod.what}: port ${to.port}/${proto} is not a port of that pod. Fix: list it in the pod's ports.`);
    return { ip: world.podIp, port, pod: to.pod };
  }
  if ("service" in to) {
    const s = service(world, to.service);
    if (s.headless) throw new Error(`Service ${to.service} is headless: clients reach its pods directly. Fix: make the flow go to the pod.`);
    return { ip: s.clusterIP, port: to.port, service: s };
  }
  return { ip: to.ip, port: to.port };
}

function egressRuleAllows(world: World, p: NetPolicy, rule: PolicyRule, to: Target, proto: Protocol): boolean {
  const dst = destination(world, to, proto);
  if (!rule.peers?.length) return dst.pod ? podPortMatch(rule.ports, dst.pod, dst.port, proto) : numericPortMatch(rule.ports, dst.port, proto);
  return rule.peers.some((peer) => {
    if (peer.ipBlock) return inCidr(dst.ip, peer.ipBlock.cidr, peer.ipBlock.except) && numericPortMatch(rule.ports, dst.port, proto);
    if (dst.pod) return peerMatchesPod(world, p.namespace, peer, dst.pod) && podPortMatch(rule.ports, dst.pod, dst.port, proto);
    if (dst.service) return serviceMatches(world, p.namespace, peer, rule.ports, dst.service, "backend" in to ? to.backend : undefined, dst.port, proto);
    return false;
  });
}

/**
 * getMatchingServiceClusterIPs: the peer's podSelector against the Service's selector; each rule
 * port becomes the Service port serving it (getMatchingServicePort: a targetPort equal to the
 * rule port, else the backend pod's container port of that number or name behind a targetPort),
 * kept with the rule's endPort. upstream: amazon-network-policy-controller-k8s pkg/k8s/service_utils.go.
 */
function serviceMatches(world: World, policyNs: string, peer: PolicyPeer, ports: PolicyPort[] | undefined, s: NetService, backend: PodRef | undefined, port: number, proto: Protocol): boolean {
  if (!peerSelectsNamespace(world, policyNs, peer, s.namespace)) return false;
  if (!matches(peer.podSelector ?? {}, s.selector ?? {})) return false;
  if (!ports?.length) return true;
  return ports.some((rp) => {
    if (rp.protocol !== proto) return false;
    if (rp.port === undefined) return true;
    const listen = servicePortFor(s, rp.port, proto, backend);
    return listen !== undefined && port >= listen && port <= (rp.endPort ?? listen);
  });
}

function servicePortFor(s: NetService, rulePort: number | string, proto: Protocol, backend: PodRef | undefined): number | undefined {
  const sps = s.ports.filter((sp) => sp.protocol === proto);
  const direct = sps.find((sp) => sp.targetPort === rulePort);
  if (direct || !backend) return direct?.port;
  const cp = backend.ports?.find((c) => c.protocol === proto && (typeof rulePort === "string" ? c.name === rulePort : c.port === rulePort));
  const number = cp?.port ?? (typeof rulePort === "number" ? rulePort : undefined);
  return sps.find((sp) => (typeof sp.targetPort === "string" ? sp.targetPort === cp?.name : sp.targetPort === number))?.port;
}

function ingressRuleAllows(world: World, p: NetPolicy, rule: PolicyRule, srcIp: string, srcPod: PodRef | undefined, dst: PodRef, port: number, proto: Protocol): boolean {
  if (!podPortMatch(rule.ports, dst, port, proto)) return false;
  if (!rule.peers?.length) return true;
  return rule.peers.some((peer) => {
    if (peer.ipBlock) return inCidr(srcIp, peer.ipBlock.cidr, peer.ipBlock.except) && numericPortMatch(rule.ports, port, proto);
    return srcPod !== undefined && peerMatchesPod(world, p.namespace, peer, srcPod);
  });
}
