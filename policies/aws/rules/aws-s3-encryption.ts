import { z } from "zod";
import { T } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { indexS3 } from "../../lib/s3";
import { asArray, asObject, asString, readKnown, UNKNOWN } from "../../lib/util";

const ALGORITHMS = ["AES256", "aws:kms", "aws:kms:dsse"];

/** sseAlgorithm values of a list of SSE rules. */
function algorithms(rules: unknown): string[] {
  return asArray(rules).flatMap((r) => {
    const a = asString(asObject(asObject(r)?.applyServerSideEncryptionByDefault)?.sseAlgorithm);
    return a ? [a] : [];
  });
}

export const s3Encryption = stackRule("aws", {
  name: "aws-s3-encryption",
  item: "AWS hygiene: S3 encryption",
  summary:
    "Every S3 bucket has default server-side encryption configured (a BucketServerSideEncryptionConfiguration for it, or the deprecated inline setting) with AES256 or aws:kms (aws:kms only when requireKms).",
  fix: "add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket with applyServerSideEncryptionByDefault.sseAlgorithm aws:kms (or AES256)",
  config: {
    requireKms: z.boolean().default(false).describe("Require aws:kms / aws:kms:dsse rather than AES256"),
  },
  check(ctx) {
    const s3 = indexS3(ctx.resources);
    const ok = (algs: string[]) => algs.some((a) => (ctx.config.requireKms ? a.startsWith("aws:kms") : ALGORITHMS.includes(a)));
    for (const b of s3.buckets) {
      const inline = readKnown(() => {
        const p = asObject(b.resource.props) ?? {};
        return b.resource.type === T.bucket
          ? algorithms([asObject(p.serverSideEncryptionConfiguration)?.rule])
          : asArray(p.serverSideEncryptionConfigurations).flatMap((c) => algorithms(asObject(c)?.rules));
      });
      if (inline === UNKNOWN) continue;
      if (ok(inline)) continue;
      const settings = s3.settingsOf(b, [T.sse, T.sseV2]);
      const algs = settings.map((s) => readKnown(() => algorithms(asObject(s.props)?.rules)));
      if (algs.includes(UNKNOWN)) continue;
      if (algs.some((a) => a !== UNKNOWN && ok(a))) continue;
      const found = [...inline, ...algs.flatMap((a) => (a === UNKNOWN ? [] : a))];
      const problem =
        found.length > 0
          ? `bucket "${b.label}" is encrypted with ${found.join(", ")}, but ${ctx.config.requireKms ? "aws:kms" : "AES256 or aws:kms"} is required`
          : `bucket "${b.label}" has no default server-side encryption configuration`;
      ctx.report(b.resource.urn, settings.length > 0 ? `${settings[0].name}.rules[].applyServerSideEncryptionByDefault.sseAlgorithm` : "BucketServerSideEncryptionConfiguration", problem);
    }
  },
});
