import { z } from "zod";
import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { show } from "../../lib/util";

export const ecrImmutableTags = resourceRule("aws", {
  name: "aws-ecr-immutable-tags",
  item: "Checklist 6: images scanned for CVEs (immutable tags)",
  summary: "Every ECR repository has imageTagMutability IMMUTABLE (IMMUTABLE_WITH_EXCLUSION only when allowExclusions is set), so a scanned tag cannot be overwritten.",
  fix: 'set imageTagMutability: "IMMUTABLE" on the repository',
  config: {
    allowExclusions: z.boolean().default(false).describe("Accept IMMUTABLE_WITH_EXCLUSION (some tags stay mutable)"),
  },
  appliesTo: (t) => t === T.ecrRepository,
  appliesToText: `'${T.ecrRepository}'`,
  check(ctx) {
    const m = ctx.props.imageTagMutability;
    if (m === "IMMUTABLE" || (m === "IMMUTABLE_WITH_EXCLUSION" && ctx.config.allowExclusions)) return;
    ctx.report("imageTagMutability", `tags are mutable (${m === undefined ? "MUTABLE by default" : show(m)})`);
  },
});
