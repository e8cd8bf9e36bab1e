import { T } from "../../lib/aws";
import { stackRule } from "../../lib/rule";
import { indexS3 } from "../../lib/s3";
import { asArray, asObject, readKnown, show, UNKNOWN } from "../../lib/util";

export const s3Versioning = stackRule("aws", {
  name: "aws-s3-versioning",
  item: "AWS hygiene: S3 versioning",
  summary: 'Every S3 bucket has versioning enabled: a BucketVersioning for it with versioningConfiguration.status "Enabled" (or the deprecated inline setting).',
  fix: 'add an aws.s3.BucketVersioning for the bucket with versioningConfiguration: {status: "Enabled"}',
  severity: "medium",
  check(ctx) {
    const s3 = indexS3(ctx.resources);
    for (const b of s3.buckets) {
      const inline = readKnown(() => {
        const p = asObject(b.resource.props) ?? {};
        return b.resource.type === T.bucket
          ? asObject(p.versioning)?.enabled === true
          : asArray(p.versionings).some((v) => asObject(v)?.enabled === true);
      });
      if (inline === UNKNOWN || inline) continue;
      const settings = s3.settingsOf(b, [T.versioning, T.versioningV2]);
      const statuses = settings.map((s) => readKnown(() => asObject(asObject(s.props)?.versioningConfiguration)?.status));
      if (statuses.includes(UNKNOWN) || statuses.includes("Enabled")) continue;
      if (settings.length === 0) {
        ctx.report(b.resource.urn, "BucketVersioning", `bucket "${b.label}" has no versioning configuration`);
      } else {
        ctx.report(b.resource.urn, `${settings[0].name}.versioningConfiguration.status`, `bucket "${b.label}" versioning status is ${show(statuses[0])}, not "Enabled"`);
      }
    }
  },
});
