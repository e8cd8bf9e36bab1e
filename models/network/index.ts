// Checks a stack's network against the flow tables and the exact peer sets of the contract.
import { ACTORS, Actors, teamPod } from "./actors";
import { Flow, Verdict, evaluate } from "./evaluate";
import { TeamInfo, forbiddenFlows, requiredFlows } from "./flows";
import { allowedPeers, showPeer, showPorts } from "./rules";
import { matches } from "./selectors";
import { PodRef, World } from "./world";

const verdicts = (world: World, flows: Flow[]): Verdict[] => flows.map((fl) => evaluate(world, fl));

/** Required flows that are denied. */
export const blockedFlows = (world: World, teams: readonly TeamInfo[], actors: Actors = ACTORS): Verdict[] => verdicts(world, requiredFlows(world, teams, actors)).filter((v) => !v.allowed);

/** Forbidden flows that get through. */
export const leakedFlows = (world: World, teams: readonly TeamInfo[], actors: Actors = ACTORS): Verdict[] => verdicts(world, forbiddenFlows(teams, actors)).filter((v) => v.allowed);

const nsPeer = (ns: string, pods = "*") => `ns(kubernetes.io/metadata.name=${ns}) pods(${pods})`;
const alloyPods = "app.kubernetes.io/instance=alloy,app.kubernetes.io/name=alloy";

/** Exactly what a team namespace may receive and send (issue 9: only the ingress in; DNS, OTLP to Alloy, credentials out). */
export function teamContract(team: TeamInfo, publicHttps: boolean): { ingress: string[]; egress: string[] } {
  return {
    ingress: [
      `ns(=${team.name}) pods({}) on all ports`,
      `${nsPeer("ingress")} on TCP/${team.appPort}`,
      `${nsPeer("observability", alloyPods)} on TCP/${team.appPort}`,
    ].sort(),
    egress: [
      `ns(=${team.name}) pods({}) on all ports`,
      `${nsPeer("kube-system", "k8s-app=kube-dns")} on TCP/53 UDP/53`,
      "ip(169.254.170.23/32) on TCP/80",
      `${nsPeer("observability", alloyPods)} on TCP/4317 TCP/4318`,
      ...(publicHttps ? ["ip(0.0.0.0/0 except 10.0.0.0/8,100.64.0.0/10,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16) on TCP/443"] : []),
    ].sort(),
  };
}

/** The team pod's actual peer sets, for comparison with teamContract. */
export function teamPeers(world: World, team: TeamInfo): { ingress?: string[]; egress?: string[] } {
  const pod = teamPod(team.name, team.appPort);
  return { ingress: allowedPeers(world, pod, "Ingress"), egress: allowedPeers(world, pod, "Egress") };
}

/** Named resolvers a pod may query besides kube-dns (cert-manager's DNS-01 propagation checks). */
export const DNS_EXCEPTIONS: Record<string, string[]> = { "cert-manager": ["ip(1.1.1.1/32)", "ip(8.8.8.8/32)"] };

/**
 * Every egress peer through which a pod could send DNS (port 53 named, or an address range on
 * every port) other than kube-dns and the named exceptions. Peers that are pods on every port
 * are left to the far end's ingress policy (the forbidden-flow table probes those).
 */
export function strayDnsPeers(world: World, pods: readonly PodRef[]): string[] {
  const kubeDns = nsPeer("kube-system", "k8s-app=kube-dns");
  const stray: string[] = [];
  for (const pod of pods) {
    for (const p of world.policies.filter((x) => x.namespace === pod.namespace && x.types.includes("Egress") && matches(x.podSelector, pod.labels))) {
      for (const r of p.egress ?? []) {
        const dnsPort = !r.ports?.length || r.ports.some((x) => x.port === undefined || (typeof x.port === "number" && x.port <= 53 && 53 <= (x.endPort ?? x.port)));
        if (!dnsPort) continue;
        for (const peer of r.peers?.length ? r.peers : [undefined]) {
          const shown = showPeer(peer, p.namespace);
          if (!r.ports?.length && peer && !peer.ipBlock) continue;
          if (shown === kubeDns || (DNS_EXCEPTIONS[pod.namespace] ?? []).includes(shown)) continue;
          stray.push(`${pod.what}: ${p.key} allows ${shown} on ${showPorts(r.ports)}`);
        }
      }
    }
  }
  return [...new Set(stray)];
}

export const PLATFORM_PODS: PodRef[] = Object.values(ACTORS).filter((p) => p.namespace !== "kube-system");
