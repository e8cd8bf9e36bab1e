import { T } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { indexS3 } from "../../lib/s3";
import { asObject, readKnown, UNKNOWN } from "../../lib/util";

export const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** Flags of a public access block that are not true; UNKNOWN if any is unknown during preview. */
function missingFlags(props: unknown): string[] | typeof UNKNOWN {
  return readKnown(() => PAB_FLAGS.filter((f) => asObject(props)?.[f] !== true));
}

export const s3PublicAccessBlock = stackRule("aws", {
  name: "aws-s3-public-access-block",
  item: "AWS hygiene: S3 public access block",
  summary:
    "Every S3 bucket has a BucketPublicAccessBlock with all four flags true (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets), or the account has an AccountPublicAccessBlock with all four.",
  fix: "add an aws.s3.BucketPublicAccessBlock for the bucket with all four flags set to true",
  severity: "critical",
  check(ctx) {
    const s3 = indexS3(ctx.resources);
    const accountWide = s3.accountPublicAccessBlocks.some((r) => {
      const m = missingFlags(r.props);
      return m !== UNKNOWN && m.length === 0;
    });
    if (accountWide) return;
    for (const b of s3.buckets) {
      const settings = s3.settingsOf(b, [T.publicAccessBlock]);
      if (settings.length === 0) {
        ctx.report(b.resource.urn, "BucketPublicAccessBlock", `bucket "${b.label}" has no public access block`);
        continue;
      }
      const missing = settings.map((s) => missingFlags(s.props));
      if (missing.some((m) => m === UNKNOWN || m.length === 0)) continue;
      const first = missing[0] as string[];
      ctx.report(b.resource.urn, `${settings[0].name}.${first[0]}`, `bucket "${b.label}" public access block does not set ${first.join(", ")} to true`);
    }
  },
});
