// The address ranges of a stack's network, read from its run: the VPC (pods and nodes take
// their addresses from it under the VPC CNI) and the cluster's service CIDR (ClusterIPs).
// upstream: EKS API KubernetesNetworkConfigRequest.serviceIpv4Cidr: when unset, EKS assigns
// 10.100.0.0/16, or 172.20.0.0/16 when the VPC lies in 10.0.0.0/8 (so the two never overlap).
import { Netmask } from "netmask";
import type { RunResult } from "../../tools/harness";

export interface StackNetwork { vpcCidr: string; serviceCidr: string }

export function stackNetwork(run: RunResult): StackNetwork {
  const vpcCidr = (run.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")?.inputs as any)?.cidrBlock;
  if (typeof vpcCidr !== "string") throw new Error(`stack ${run.stack} registers no aws:ec2/vpc:Vpc with a cidrBlock, so traffic to pod and node addresses cannot be judged. Fix: give the VPC a cidrBlock.`);
  const cluster = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster")?.inputs as any;
  const set = cluster?.kubernetesNetworkConfig?.serviceIpv4Cidr;
  const serviceCidr = typeof set === "string" ? set : new Netmask("10.0.0.0/8").contains(new Netmask(vpcCidr)) ? "172.20.0.0/16" : "10.100.0.0/16";
  return { vpcCidr, serviceCidr };
}
