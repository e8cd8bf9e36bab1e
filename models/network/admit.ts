// "Would the policies let A reach B on port P?": the question the cross-checks put to a stack's
// NetworkPolicies (URL clients and Ingress controllers to their backends, Alloy to what it
// scrapes). It is one flow through evaluate.ts, answered the other way round: which side
// refuses it and which policies isolate that side. "The nodes" are every address of the VPC
// (a kubelet or host-network pod can sit on any node), so an ipBlock admits them only if it
// covers the whole VPC. upstream: aws/aws-network-policy-agent (policies enforced on pod veths).
import { evaluate, Source, Target } from "./evaluate";
import type { PodRef, Protocol, World } from "./world";

/** A pod, every node, or a Service's ClusterIP (`namespace/name`) with the backend pod it lands on. */
export type Party = { pod: PodRef } | { nodes: true } | { service: string; backend: PodRef };

export interface Refusal { side: "egress" | "ingress"; policies: string[] }

/** Undefined when the policies admit the flow; otherwise the refusing side and its isolating policies. */
export function refusal(world: World, from: { pod: PodRef } | { nodes: true }, to: Party, port: number, protocol: Protocol = "TCP"): Refusal | undefined {
  const nodes = { ip: world.vpcCidr, what: "the nodes" };
  const src: Source = "pod" in from ? { pod: from.pod } : nodes;
  const dst: Target = "pod" in to ? { pod: to.pod, port, protocol } : "service" in to ? { ...to, port, protocol } : { ...nodes, port, protocol };
  const v = evaluate(world, { name: "admit", from: src, to: dst });
  if (v.egress && !v.egress.allowed) return { side: "egress", policies: v.egress.isolatedBy };
  if (v.ingress && !v.ingress.allowed) return { side: "ingress", policies: v.ingress.isolatedBy };
  return undefined;
}
