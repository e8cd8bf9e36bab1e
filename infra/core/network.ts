import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, iamPolicy } from "./iam";

export interface NetworkArgs {
  clusterName: string;
  vpcCidr: string;
  /** One entry per AZ, in the order of `availabilityZones`. */
  privateSubnetCidrs: string[];
  publicSubnetCidrs: string[];
  availabilityZones: string[];
  natGateways: "single" | "perAz";
  flowLogRetentionDays: number;
  /** Options for the stateful flow-log group (retain/protect in prod). */
  statefulOpts: pulumi.CustomResourceOptions;
}

/**
 * A VPC with public subnets (load balancers, NAT) and private subnets (nodes, pods) in
 * every AZ, NAT egress (one gateway, or one per AZ so an AZ outage does not cut the
 * others off), flow logs and an S3 gateway endpoint (S3 traffic stays off the NAT bill).
 */
export class Network extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly privateSubnetIds: pulumi.Output<string>[];
  public readonly publicSubnetIds: pulumi.Output<string>[];
  public readonly privateRouteTableIds: pulumi.Output<string>[];
  public readonly s3EndpointId: pulumi.Output<string>;
  public readonly natGatewayCount: number;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:network:Vpc", name, {}, opts);
    const parent = { parent: this };
    const clusterTag = `kubernetes.io/cluster/${args.clusterName}`;

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
      cidrBlock: args.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${args.clusterName}-vpc` },
    }, parent);

    // CIS: the default security group allows all traffic between its members; empty it.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, tags: { Name: `${args.clusterName}-default-locked` } }, parent);

    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: { Name: `${args.clusterName}-igw` } }, parent);
    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { Name: `${args.clusterName}-public` },
    }, parent);

    const publicSubnets = args.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-public-${i}`, {
        vpcId: vpc.id,
        cidrBlock: args.publicSubnetCidrs[i],
        availabilityZone: az,
        mapPublicIpOnLaunch: false,
        tags: { Name: `${args.clusterName}-public-${az}`, "kubernetes.io/role/elb": "1", [clusterTag]: "shared" },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: subnet.id, routeTableId: publicRt.id }, parent);
      return subnet;
    });

    this.natGatewayCount = args.natGateways === "perAz" ? args.availabilityZones.length : 1;
    const nats = Array.from({ length: this.natGatewayCount }, (_, i) => {
      const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${args.clusterName}-nat-${i}` } }, { parent: this, dependsOn: [igw] });
      return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
        allocationId: eip.id,
        subnetId: publicSubnets[i].id,
        tags: { Name: `${args.clusterName}-nat-${args.availabilityZones[i]}` },
      }, parent);
    });

    const privateRts: aws.ec2.RouteTable[] = [];
    const privateSubnets = args.availabilityZones.map((az, i) => {
      const subnet = new aws.ec2.Subnet(`${name}-private-${i}`, {
        vpcId: vpc.id,
        cidrBlock: args.privateSubnetCidrs[i],
        availabilityZone: az,
        tags: {
          Name: `${args.clusterName}-private-${az}`,
          "kubernetes.io/role/internal-elb": "1",
          [clusterTag]: "shared",
          // Karpenter's EC2NodeClass selects subnets by this tag.
          "karpenter.sh/discovery": args.clusterName,
        },
      }, parent);
      const nat = nats[Math.min(i, nats.length - 1)];
      const rt = new aws.ec2.RouteTable(`${name}-private-rt-${i}`, {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: { Name: `${args.clusterName}-private-${az}` },
      }, parent);
      new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: rt.id }, parent);
      privateRts.push(rt);
      return subnet;
    });

    const region = aws.getRegionOutput({}, parent).region;
    const s3Endpoint = new aws.ec2.VpcEndpoint(`${name}-s3`, {
      vpcId: vpc.id,
      serviceName: pulumi.interpolate`com.amazonaws.${region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: privateRts.map((rt) => rt.id),
      tags: { Name: `${args.clusterName}-s3` },
    }, parent);

    // Flow logs to a log group the program owns, so its retention is ours to set.
    const flowLogGroup = new aws.cloudwatch.LogGroup(`${name}-flow-logs`, {
      name: `/aws/vpc/${args.clusterName}/flow-logs`,
      retentionInDays: args.flowLogRetentionDays,
    }, { ...args.statefulOpts, parent: this });
    const flowLogRole = new aws.iam.Role(`${name}-flow-logs`, {
      assumeRolePolicy: assumeRolePolicy({ Service: "vpc-flow-logs.amazonaws.com" }),
    }, parent);
    new aws.iam.RolePolicy(`${name}-flow-logs`, {
      role: flowLogRole.id,
      policy: iamPolicy([{
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        Resource: [flowLogGroup.arn, pulumi.interpolate`${flowLogGroup.arn}:*`],
      }]),
    }, parent);
    new aws.ec2.FlowLog(`${name}-flow-logs`, {
      vpcId: vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
    }, parent);

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateRouteTableIds = privateRts.map((rt) => rt.id);
    this.s3EndpointId = s3Endpoint.id;
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
      s3EndpointId: this.s3EndpointId,
    });
  }
}
