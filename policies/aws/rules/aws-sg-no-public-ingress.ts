import { z } from "zod";
import { isWorldCidr, T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray, asNumber, asObject, asString, show } from "../../lib/util";

interface IngressView {
  path: string;
  cidrs: { field: string; value: string }[];
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
}

/** Protocol as a lowercase string ("tcp", "6", "-1"...); "" for anything malformed. */
function protocolName(v: unknown): string {
  return typeof v === "string" ? v.trim().toLowerCase() : typeof v === "number" ? `${v}` : "";
}

/** Is a rule open to the world acceptable? Only TCP on exactly allowed ports (load-balancer 80/443). */
function allowedOpen(r: IngressView, ports: number[]): boolean {
  const proto = protocolName(r.protocol);
  if (proto !== "tcp" && proto !== "6") return false;
  const from = asNumber(r.fromPort);
  const to = asNumber(r.toPort);
  if (from === undefined || to === undefined || to < from || to - from > 65535) return false;
  for (let p = from; p <= to; p++) if (!ports.includes(p)) return false;
  return true;
}

/** `ports 80-443`, `port 22`, or what is missing: a message never prints `undefined`. */
function portRange(from: unknown, to: unknown): string {
  if (from === undefined && to === undefined) return "(no ports set)";
  if (from === undefined || to === undefined) return `port ${show(from ?? to)} (${from === undefined ? "fromPort" : "toPort"} not set)`;
  return from === to ? `port ${show(from)}` : `ports ${show(from)}-${show(to)}`;
}

function worldCidrs(list: unknown, field: string): { field: string; value: string }[] {
  return asArray(list).flatMap((c, i) => (isWorldCidr(c) ? [{ field: `${field}[${i}]`, value: c as string }] : []));
}

export const sgNoPublicIngress = resourceRule("aws", {
  name: "aws-sg-no-public-ingress",
  item: "AWS hygiene: no security group ingress from the world",
  summary:
    "No security group ingress (inline ingress of SecurityGroup/DefaultSecurityGroup, SecurityGroupRule of type ingress, vpc.SecurityGroupIngressRule) is open to 0.0.0.0/0 or ::/0, except TCP on the load-balancer ports in allowedPorts (80, 443).",
  fix: "restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
  severity: "critical",
  config: {
    allowedPorts: z.array(z.number().int().min(0).max(65535)).default([80, 443]).describe("TCP ports that may be open to the world"),
  },
  appliesTo: (t) => t === T.securityGroup || t === T.defaultSecurityGroup || t === T.securityGroupRule || t === T.sgIngressRule,
  appliesToText: "security groups and their ingress rules",
  check(ctx) {
    const views: IngressView[] = [];
    const p = ctx.props;
    if (ctx.type === T.securityGroup || ctx.type === T.defaultSecurityGroup) {
      asArray(p.ingress).forEach((r, i) => {
        const o = asObject(r);
        if (!o) return;
        const path = `ingress[${i}]`;
        views.push({ path, cidrs: [...worldCidrs(o.cidrBlocks, `${path}.cidrBlocks`), ...worldCidrs(o.ipv6CidrBlocks, `${path}.ipv6CidrBlocks`)], protocol: o.protocol, fromPort: o.fromPort, toPort: o.toPort });
      });
    } else if (ctx.type === T.securityGroupRule) {
      if (asString(p.type) !== "ingress") return;
      views.push({ path: "", cidrs: [...worldCidrs(p.cidrBlocks, "cidrBlocks"), ...worldCidrs(p.ipv6CidrBlocks, "ipv6CidrBlocks")], protocol: p.protocol, fromPort: p.fromPort, toPort: p.toPort });
    } else {
      const cidrs = [
        ...(isWorldCidr(p.cidrIpv4) ? [{ field: "cidrIpv4", value: p.cidrIpv4 as string }] : []),
        ...(isWorldCidr(p.cidrIpv6) ? [{ field: "cidrIpv6", value: p.cidrIpv6 as string }] : []),
      ];
      views.push({ path: "", cidrs, protocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort });
    }
    const ports: number[] = ctx.config.allowedPorts;
    for (const v of views) {
      if (v.cidrs.length === 0 || allowedOpen(v, ports)) continue;
      const proto = protocolName(v.protocol);
      const range = proto === "-1" || proto === "all" ? "all traffic" : `${show(v.protocol)} ${portRange(v.fromPort, v.toPort)}`;
      for (const c of v.cidrs) ctx.report(c.field, `ingress allows ${range} from ${c.value}`);
    }
  },
});
