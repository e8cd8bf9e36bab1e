import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PolicyStatement } from "./iam";

export interface HardenedBucketArgs {
  /** What the bucket holds, for its tags (e.g. "loki-chunks"). */
  purpose: string;
  /**
   * Objects expire after this many days: a backstop behind the application's own retention
   * (compactors delete on schedule; S3 expiry alone would pull blocks from under an index).
   * Unset for buckets holding state rather than history (rules, alertmanager config).
   */
  retentionDays?: number;
  /** Protect and retain on delete (prod): telemetry history outlives a stack teardown. */
  protect: boolean;
}

/**
 * An S3 bucket hardened the way the policy pack checks it: SSE (KMS-managed S3 key, bucket
 * key on), versioning, all four public-access-block flags, TLS-only bucket policy, owner-
 * enforced object ownership (no ACLs), and lifecycle retention. @pulumi/aws 7 models each
 * setting as its own resource.
 */
export class HardenedBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;

  constructor(name: string, args: HardenedBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:storage:HardenedBucket", name, {}, opts);
    const stateful = { parent: this, protect: args.protect, retainOnDelete: args.protect };
    const parent = { parent: this };

    // A generated name (prefix + suffix): bucket names are global, and a replace never collides.
    this.bucket = new aws.s3.Bucket(name, {
      bucketPrefix: `${name}-`.slice(0, 37),
      forceDestroy: !args.protect,
      tags: { purpose: args.purpose },
    }, stateful);
    const bucket = this.bucket.id;

    new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    const block = new aws.s3.BucketPublicAccessBlock(name, {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
      bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
    }, parent);
    const versioning = new aws.s3.BucketVersioning(name, { bucket, versioningConfiguration: { status: "Enabled" } }, parent);
    new aws.s3.BucketPolicy(name, {
      bucket,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [{
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [this.bucket.arn, pulumi.interpolate`${this.bucket.arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }],
      }),
    }, { parent: this, dependsOn: [block] });
    new aws.s3.BucketLifecycleConfiguration(name, {
      bucket,
      rules: [{
        id: "retention",
        status: "Enabled",
        filter: { prefix: "" },
        expiration: args.retentionDays ? { days: args.retentionDays } : undefined,
        // Versioning keeps deleted objects as noncurrent versions: expire those too.
        noncurrentVersionExpiration: { noncurrentDays: 7 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
      }],
    }, { parent: this, dependsOn: [versioning] });

    this.name = this.bucket.id;
    this.arn = this.bucket.arn;
    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}

/** Read/write on exactly these buckets and their objects: what Loki, Tempo and Mimir need. */
export function bucketAccess(buckets: HardenedBucket[]): PolicyStatement[] {
  return [
    { Sid: "ListOwnBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: buckets.map((b) => b.arn) },
    {
      Sid: "ReadWriteOwnObjects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: buckets.map((b) => pulumi.interpolate`${b.arn}/*`),
    },
  ];
}
