// Everything a pod may send or receive, as the full set of (peer, ports) its selecting
// policies allow: what a test that says "only these flows" compares, so a widened peer (a
// 0.0.0.0/0, a namespaceSelector {}) or an extra port cannot hide behind a flow that still passes.
import { matches, showSelector } from "./selectors";
import { PodRef, PolicyPeer, PolicyPort, World } from "./world";

/** One allowed (peer, ports) pair, e.g. `ns(kubernetes.io/metadata.name=ingress) pods(*) TCP/8080`. */
export function showPeer(peer: PolicyPeer | undefined, policyNs: string): string {
  if (!peer) return "anywhere";
  if (peer.ipBlock) return `ip(${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` except ${[...peer.ipBlock.except].sort().join(",")}` : ""})`;
  const ns = peer.namespaceSelector ? `ns(${showSelector(peer.namespaceSelector)})` : `ns(=${policyNs})`;
  return `${ns} pods(${showSelector(peer.podSelector)})`;
}

export const showPorts = (ports: PolicyPort[] | undefined): string =>
  !ports?.length ? "all ports" : ports.map((p) => `${p.protocol}/${p.port ?? "*"}${p.endPort ? `-${p.endPort}` : ""}`).sort().join(" ");

/** The sorted set of `peer on ports` a pod's selecting policies allow in one direction; undefined if not isolated. */
export function allowedPeers(world: World, pod: PodRef, direction: "Ingress" | "Egress"): string[] | undefined {
  const selecting = world.policies.filter((p) => p.namespace === pod.namespace && p.types.includes(direction) && matches(p.podSelector, pod.labels));
  if (!selecting.length) return undefined;
  const out = new Set<string>();
  for (const p of selecting) {
    for (const r of (direction === "Ingress" ? p.ingress : p.egress) ?? []) {
      for (const peer of r.peers?.length ? r.peers : [undefined]) out.add(`${showPeer(peer, p.namespace)} on ${showPorts(r.ports)}`);
    }
  }
  return [...out].sort();
}
