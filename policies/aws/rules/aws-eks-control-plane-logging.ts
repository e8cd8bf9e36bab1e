import { z } from "zod";
import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray } from "../../lib/util";

export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

export const eksControlPlaneLogging = resourceRule("aws", {
  name: "aws-eks-control-plane-logging",
  item: "AWS hygiene: EKS control-plane logging",
  summary: "Every EKS cluster sends the required control-plane log types to CloudWatch (api, audit, authenticator by default; all five in prod).",
  fix: "add the missing types to enabledClusterLogTypes",
  severity: "medium",
  config: {
    requiredLogTypes: z.array(z.enum(EKS_LOG_TYPES)).default(["api", "audit", "authenticator"]).describe("Log types that must be enabled"),
  },
  appliesTo: (t) => t === T.eksCluster,
  appliesToText: `'${T.eksCluster}'`,
  check(ctx) {
    const enabled = asArray(ctx.props.enabledClusterLogTypes);
    const missing = (ctx.config.requiredLogTypes as string[]).filter((t) => !enabled.includes(t));
    if (missing.length > 0) {
      ctx.report("enabledClusterLogTypes", `control-plane log types not enabled: ${missing.join(", ")}`, `add ${missing.map((m) => JSON.stringify(m)).join(", ")} to enabledClusterLogTypes`);
    }
  },
});
