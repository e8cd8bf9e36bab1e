import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NodeGroupConfig } from "../config";
import { assumeRolePolicy, awsManagedPolicy } from "./iam";

export interface NodeGroupsArgs {
  clusterName: pulumi.Input<string>;
  kubernetesVersion: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  groups: NodeGroupConfig[];
}

/** The AWS-managed policies every EKS node role carries (CNI rights live on the vpc-cni addon's own role). */
export const NODE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"];

/** An IAM role for EC2 nodes with the worker policies attached. */
export function nodeRole(name: string, partition: pulumi.Input<string>, parent: pulumi.Resource): aws.iam.Role {
  const role = new aws.iam.Role(name, { assumeRolePolicy: assumeRolePolicy({ Service: "ec2.amazonaws.com" }) }, { parent });
  NODE_POLICIES.forEach((p) => new aws.iam.RolePolicyAttachment(`${name}-${p}`, { role: role.name, policyArn: awsManagedPolicy(p, partition) }, { parent }));
  return role;
}

/** Root (AL2023) or data (Bottlerocket) volume device that holds images and pod storage. */
const DATA_DEVICE = { AL2023: "/dev/xvda", Bottlerocket: "/dev/xvdb" } as const;

export function amiType(g: Pick<NodeGroupConfig, "amiFamily" | "architecture">): string {
  if (g.amiFamily === "Bottlerocket") return g.architecture === "arm64" ? "BOTTLEROCKET_ARM_64" : "BOTTLEROCKET_x86_64";
  return g.architecture === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/**
 * Managed node groups for system pods (Karpenter provisions the rest). Each has a launch
 * template that requires IMDSv2 with a hop limit of 1, so pods cannot borrow the node's
 * credentials (they get their own through Pod Identity), and encrypted gp3 volumes.
 */
export class NodeGroups extends pulumi.ComponentResource {
  public readonly roleArn: pulumi.Output<string>;
  public readonly nodeGroups: aws.eks.NodeGroup[];

  constructor(name: string, args: NodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:eks:NodeGroups", name, {}, opts);
    const parent = { parent: this };
    const role = nodeRole(`${name}-node`, args.partition, this);

    this.nodeGroups = args.groups.map((g) => {
      const lt = new aws.ec2.LaunchTemplate(`${name}-${g.name}`, {
        description: `EKS managed node group ${g.name}`,
        updateDefaultVersion: true,
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
        blockDeviceMappings: [{
          deviceName: DATA_DEVICE[g.amiFamily],
          ebs: { volumeSize: g.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        }],
        monitoring: { enabled: true },
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags: { Name: pulumi.interpolate`${args.clusterName}-${g.name}` },
        })),
      }, parent);

      return new aws.eks.NodeGroup(`${name}-${g.name}`, {
        clusterName: args.clusterName,
        nodeGroupNamePrefix: `${g.name}-`,
        version: args.kubernetesVersion,
        nodeRoleArn: role.arn,
        subnetIds: args.subnetIds,
        amiType: amiType(g),
        capacityType: g.capacityType,
        instanceTypes: g.instanceTypes,
        scalingConfig: { minSize: g.minSize, desiredSize: g.desiredSize, maxSize: g.maxSize },
        updateConfig: { maxUnavailablePercentage: 33 },
        nodeRepairConfig: { enabled: true },
        launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
        labels: { ...g.labels, "platform.io/node-group": g.name },
      }, {
        parent: this,
        // Component dependsOn does not reach children: nodes wait for the CNI themselves.
        dependsOn: opts?.dependsOn,
        // The desired size drifts with manual scaling; do not fight it on every up.
        ignoreChanges: ["scalingConfig.desiredSize"],
        // A prefix name lets a replacement come up before the old group goes.
        deleteBeforeReplace: false,
      });
    });

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
