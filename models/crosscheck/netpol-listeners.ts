// NetworkPolicy ports: a port a policy opens where no selected pod listens is either a dead
// rule (an open door to nothing, which a later workload silently inherits) or a sign the
// policy and the chart disagree on the port, so the traffic it was meant for is dropped.
// A listener is a declared containerPort (a named policy port resolved against the pod's
// named ports), or the numeric targetPort of a Service selecting the pod. Declaring a
// containerPort is informational in Kubernetes, so this holds the charts to declaring theirs.
// upstream: kubernetes/api networking/v1 types.go (NetworkPolicyPort: port number or named port,
// protocol defaults to TCP, endPort; NetworkPolicyPeer; an empty podSelector selects every pod).
import { peerMatchesPod, podPort } from "../network/evaluate";
import type { StackPod } from "../network/pods";
import { matches } from "../network/selectors";
import type { NetPolicy, PolicyPeer, PolicyPort } from "../network/world";
import { ClusterIndex, listeners, podsIn } from "./cluster-index";
import { Finding } from "./finding";

/** The policy as a finding names it. */
export const policyObject = (p: NetPolicy): string => `NetworkPolicy/${p.namespace}/${p.name}`;

export function checkPolicyListeners(idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const np of idx.policies) {
    const ns = np.namespace;
    // Namespaces with no workload on record (app teams' namespaces, filled later by Argo CD) cannot be judged here.
    if (!podsIn(idx, ns).length) continue;
    const selected = podsIn(idx, ns).filter((p) => matches(np.podSelector, p.labels));
    for (const rule of np.ingress ?? []) {
      for (const port of rule.ports ?? []) {
        if (port.port === undefined) continue;
        if (!selected.some((p) => listensOn(idx, p, port))) out.push(noListener(policyObject(np), "opens ingress", port, selected));
      }
    }
    for (const rule of np.egress ?? []) {
      const targets = egressTargets(idx, ns, rule.peers ?? []);
      if (!targets.length) continue; // ipBlocks, or pods this stack does not run (CoreDNS, app teams)
      for (const port of rule.ports ?? []) {
        if (port.port === undefined) continue;
        if (!targets.some((p) => listensOn(idx, p, port))) out.push(noListener(policyObject(np), "opens egress", port, targets));
      }
    }
  }
  return out;
}

export function listensOn(idx: ClusterIndex, pod: StackPod, port: PolicyPort): boolean {
  const proto = port.protocol;
  const want = podPort(pod, port.port!, proto);
  if (want === undefined) return false;
  const hi = port.endPort ?? want;
  return listeners(idx, pod).some((l) => l.protocol === proto && l.port >= want && l.port <= hi);
}

/** Pods an egress rule's peers select: namespaceSelector and/or podSelector (ipBlock peers select no pod). */
function egressTargets(idx: ClusterIndex, ns: string, peers: PolicyPeer[]): StackPod[] {
  return idx.pods.filter((p) => peers.some((peer) => (peer.namespaceSelector || peer.podSelector) && peerMatchesPod(idx, ns, peer, p)));
}

function noListener(policy: string, verb: string, port: PolicyPort, pods: StackPod[]): Finding {
  const range = `${port.protocol} ${port.port}${port.endPort ? `-${port.endPort}` : ""}`;
  const owners = [...new Set(pods.map((p) => p.what))];
  return {
    check: "netpol-listener", object: policy,
    problem: `${verb} ${range}, but no pod it selects listens there (selected: ${owners.join(", ") || "no pods"}).`,
    fix: `remove ${port.port} from the policy (for program policies: the SecureNamespace allow list in infra/services/index.ts), or correct it to the port the workload declares.`,
  };
}
