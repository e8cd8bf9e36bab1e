// Links S3 buckets to their separate settings resources (@pulumi/aws 7 splits them out), in linear time.
import type { PolicyResource } from "@pulumi/policy";
import { T } from "./aws";
import { asArray, asObject, asString, known } from "./util";

export interface BucketInfo {
  resource: PolicyResource;
  label: string; // bucket name if known, else the Pulumi name
}

export interface S3Index {
  buckets: BucketInfo[];
  /** Settings resources of a bucket, by settings type token. */
  settingsOf(bucket: BucketInfo, types: readonly string[]): PolicyResource[];
  accountPublicAccessBlocks: PolicyResource[];
}

const SETTINGS_TYPES = new Set<string>([T.sse, T.sseV2, T.versioning, T.versioningV2, T.publicAccessBlock]);

export function indexS3(resources: readonly PolicyResource[]): S3Index {
  const buckets: BucketInfo[] = [];
  const byKey = new Map<string, PolicyResource[]>(); // bucket name/id or bucket URN -> settings
  const accountPublicAccessBlocks: PolicyResource[] = [];
  const add = (key: string, r: PolicyResource) => {
    const l = byKey.get(key);
    if (l) l.push(r);
    else byKey.set(key, [r]);
  };
  for (const r of resources) {
    const type = r?.type;
    if (type === T.bucket || type === T.bucketV2) {
      const name = known(() => asString(asObject(r.props)?.bucket));
      buckets.push({ resource: r, label: name ?? r.name });
    } else if (type && SETTINGS_TYPES.has(type)) {
      const b = known(() => asString(asObject(r.props)?.bucket));
      if (b) add(`name:${b}`, r);
      // Dependencies link the two even when the bucket name is unknown during preview.
      const deps = asObject(r.propertyDependencies)?.bucket;
      for (const d of asArray(deps)) {
        const urn = asString(asObject(d)?.urn);
        if (urn) add(`urn:${urn}`, r);
      }
    } else if (type === T.accountPublicAccessBlock) {
      accountPublicAccessBlocks.push(r);
    }
  }
  return {
    buckets,
    accountPublicAccessBlocks,
    settingsOf(bucket, types) {
      const keys = new Set<string>([`urn:${bucket.resource.urn}`]);
      for (const f of ["bucket", "id"]) {
        const v = known(() => asString(asObject(bucket.resource.props)?.[f]));
        if (v) keys.add(`name:${v}`);
      }
      const out = new Set<PolicyResource>();
      for (const k of keys) for (const r of byKey.get(k) ?? []) if (types.includes(r.type)) out.add(r);
      return [...out];
    },
  };
}
