// Platform services on the cluster (issue 3): secure namespaces, cert-manager, ingress,
// external-dns, Argo CD, and the LGTM observability stack. Composed from platform.ts.
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "./cluster";
import { PlatformConfig } from "./config";
import { Network } from "./network";

export interface ServicesContext {
  cfg: PlatformConfig;
  cluster: EksCluster;
  network: Network;
  awsProvider: aws.Provider;
  k8sProvider: k8s.Provider;
  /** Nodes and core addons: charts need somewhere to run. */
  dependsOn: pulumi.Resource[];
}

export function platformServices(_ctx: ServicesContext): { outputs: Record<string, unknown> } {
  return { outputs: {} };
}
