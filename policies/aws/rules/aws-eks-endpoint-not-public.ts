import { isWorldCidr, T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject } from "../../lib/util";

export const eksEndpointNotPublic = resourceRule("aws", {
  name: "aws-eks-endpoint-not-public",
  item: "AWS hygiene: no EKS public endpoint open to the world",
  summary:
    "An EKS cluster's API endpoint is private, or public only to listed CIDRs: endpointPublicAccess false, or publicAccessCidrs set without 0.0.0.0/0 or ::/0 (AWS defaults are public to 0.0.0.0/0).",
  fix: "set vpcConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or restrict vpcConfig.publicAccessCidrs to known CIDRs",
  severity: "critical",
  appliesTo: (t) => t === T.eksCluster,
  appliesToText: `'${T.eksCluster}'`,
  check(ctx) {
    const vpc = asObject(ctx.props.vpcConfig) ?? {};
    if (vpc.endpointPublicAccess === false) return;
    const cidrs = asArray(vpc.publicAccessCidrs);
    if (cidrs.length === 0) {
      ctx.report("vpcConfig.publicAccessCidrs", "the public endpoint is open to 0.0.0.0/0 (public access is on by default and no CIDRs restrict it)");
      return;
    }
    cidrs.forEach((c, i) => {
      if (isWorldCidr(c)) ctx.report(`vpcConfig.publicAccessCidrs[${i}]`, `the public endpoint is open to ${c}`);
    });
  },
});
