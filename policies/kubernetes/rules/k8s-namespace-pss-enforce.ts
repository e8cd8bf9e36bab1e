import { z } from "zod";
import { isK8sKind, labelsOf } from "../../lib/k8s";
import { resourceRule } from "../../lib/rule";
import { show } from "../../lib/util";

export const PSS_ENFORCE_LABEL = "pod-security.kubernetes.io/enforce";

export const namespacePssEnforce = resourceRule("kubernetes", {
  name: "k8s-namespace-pss-enforce",
  item: "Checklist 7: Pod Security Standards enforced",
  summary: `Every Namespace carries the \`${PSS_ENFORCE_LABEL}\` label set to an allowed level (baseline or restricted).`,
  fix: `label the Namespace \`${PSS_ENFORCE_LABEL}: restricted\` (or baseline, with the reason in a comment next to it)`,
  config: {
    allowedLevels: z
      .array(z.enum(["baseline", "restricted"]))
      .min(1)
      .default(["baseline", "restricted"])
      .describe("Pod Security Standards levels accepted in the enforce label"),
  },
  appliesTo: (t) => isK8sKind(t, ["core"], "Namespace"),
  appliesToText: "Kubernetes Namespaces",
  check(ctx) {
    const level = labelsOf(ctx.props)[PSS_ENFORCE_LABEL];
    const allowed: string[] = ctx.config.allowedLevels;
    const path = `metadata.labels["${PSS_ENFORCE_LABEL}"]`;
    if (level === undefined || level === null || level === "") {
      ctx.report(path, "the Namespace has no Pod Security Standards enforce label, so any pod is admitted");
    } else if (typeof level !== "string" || !allowed.includes(level)) {
      ctx.report(path, `enforce level ${show(level)} is not one of ${allowed.join(", ")}`);
    }
  },
});
