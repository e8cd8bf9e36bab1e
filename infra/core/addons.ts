import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterIdentityInfo, WorkloadIdentity, awsManagedPolicy } from "./iam";

export interface AddonSpec {
  name: string;
  configuration?: Record<string, unknown>;
  /** The addon's service account gets its own role through Pod Identity. */
  identity?: { serviceAccount: string; managedPolicies: string[] };
}

export interface EksAddonsArgs {
  cluster: ClusterIdentityInfo;
  kubernetesVersion: string;
  /**
   * pre-compute: what nodes need to become Ready (networking, kube-proxy, the Pod
   * Identity agent). post-compute: what needs Ready nodes to report healthy.
   */
  phase: "pre-compute" | "post-compute";
  addons: AddonSpec[];
}

/** EKS managed addons at the default version EKS pairs with the cluster version. */
export class EksAddons extends pulumi.ComponentResource {
  public readonly addons: Record<string, aws.eks.Addon> = {};
  public readonly identities: Record<string, WorkloadIdentity> = {};

  constructor(name: string, args: EksAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:eks:Addons", name, { phase: args.phase }, opts);
    for (const spec of args.addons) {
      const identity = spec.identity
        ? new WorkloadIdentity(`${name}-${spec.name}`, {
            cluster: args.cluster,
            namespace: "kube-system",
            serviceAccount: spec.identity.serviceAccount,
            mode: "addon",
            managedPolicyArns: spec.identity.managedPolicies.map((p) => awsManagedPolicy(p, args.cluster.partition)),
          }, { parent: this })
        : undefined;
      if (identity) this.identities[spec.name] = identity;

      // The default (not newest) version for this Kubernetes version: stable across ups.
      const version = aws.eks.getAddonVersionOutput({ addonName: spec.name, kubernetesVersion: args.kubernetesVersion, mostRecent: false }, { parent: this });
      this.addons[spec.name] = new aws.eks.Addon(`${name}-${spec.name}`, {
        clusterName: args.cluster.name,
        addonName: spec.name,
        addonVersion: version.version,
        configurationValues: spec.configuration ? JSON.stringify(spec.configuration) : undefined,
        podIdentityAssociations: identity ? [{ roleArn: identity.roleArn, serviceAccount: identity.serviceAccount }] : undefined,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        // Component dependsOn does not reach children: post-compute addons wait for nodes.
      }, { parent: this, dependsOn: opts?.dependsOn });
    }
    this.registerOutputs({ addons: Object.keys(this.addons) });
  }
}

/** The managed addons, split by when they can install. */
export function addonSpecs(environment: string): { preCompute: AddonSpec[]; postCompute: AddonSpec[] } {
  const ha = environment === "prod";
  return {
    preCompute: [
      {
        name: "vpc-cni",
        // enableNetworkPolicy: the CNI's node agent enforces NetworkPolicy objects, which
        // the platform's default-deny namespaces rely on. Prefix delegation raises pod density.
        configuration: { enableNetworkPolicy: "true", env: { ENABLE_PREFIX_DELEGATION: "true", WARM_PREFIX_TARGET: "1" } },
        identity: { serviceAccount: "aws-node", managedPolicies: ["AmazonEKS_CNI_Policy"] },
      },
      { name: "kube-proxy" },
      { name: "eks-pod-identity-agent" },
    ],
    postCompute: [
      { name: "coredns", configuration: { replicaCount: ha ? 3 : 2 } },
      {
        name: "aws-ebs-csi-driver",
        identity: { serviceAccount: "ebs-csi-controller-sa", managedPolicies: ["service-role/AmazonEBSCSIDriverPolicy"] },
      },
    ],
  };
}

/** Encrypted gp3 as the cluster's default StorageClass. */
export class DefaultStorageClass extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  constructor(name: string, args: { provider: k8s.Provider; dependsOn: pulumi.Resource[] }, opts?: pulumi.ComponentResourceOptions) {
    super("platform:eks:StorageClass", name, {}, opts);
    const sc = new k8s.storage.v1.StorageClass(`${name}-gp3`, {
      metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      reclaimPolicy: "Delete",
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });
    this.name = sc.metadata.name;
    this.registerOutputs({ name: this.name });
  }
}
