// The stack-level AWS rules (S3 settings, ECR scanning) compared whole: which settings resource a bucket
// is judged by, the wording and field of each finding, and values unknown during preview (skipped, as
// the real preview skips them). upstream: @pulumi/aws 7 splits S3 settings into separate resources.
import * as assert from "assert";
import type { PolicyResource } from "@pulumi/policy";
import * as a from "../../policies/aws/rules";
import { T } from "../../policies/lib/aws";
import { indexS3 } from "../../policies/lib/s3";
import { runStack, StackInput, urnOf } from "./harness";

const { unknownCheckingProxy, unknownArrayValue, unknownStringValue, unknownBooleanValue } = require("@pulumi/policy/proxy");
const found = (p: any, inputs: StackInput[], config?: Record<string, unknown>) => runStack(p, inputs, config).violations.map((v) => `${v.urn} ${v.message.split(". Fix: ")[0]}`);
const bucket = (name: string, props: Record<string, unknown> = { bucket: name }, type: string = T.bucket): StackInput => ({ type, name, props });
const sse = (b: string, alg: unknown = "aws:kms", name = `${b}-sse`): StackInput => ({ type: T.sse, name, props: { bucket: b, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: alg } }] } });
const ver = (b: string, status: unknown = "Enabled", name = `${b}-ver`): StackInput => ({ type: T.versioning, name, props: { bucket: b, versioningConfiguration: { status } } });
const FLAGS = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const pab = (b: string, over: Record<string, unknown> = {}, name = `${b}-pab`): StackInput => ({ type: T.publicAccessBlock, name, props: { bucket: b, ...FLAGS, ...over } });
const U = (i: StackInput, props: Record<string, unknown>): StackInput => ({ ...i, props: unknownCheckingProxy(props) });

describe("S3 and ECR stack rules: findings, whole", () => {
  it("aws-s3-encryption: no configuration, a wrong algorithm, KMS required, any good rule of several", () => {
    const x = bucket("x");
    assert.deepStrictEqual(found(a.s3Encryption, [x]), [`${urnOf(x)} BucketServerSideEncryptionConfiguration: bucket "x" has no default server-side encryption configuration`]);
    assert.deepStrictEqual(found(a.s3Encryption, [x, sse("x", "none")]), [`${urnOf(x)} x-sse.rules[].applyServerSideEncryptionByDefault.sseAlgorithm: bucket "x" is encrypted with none, but AES256 or aws:kms is required`]);
    assert.deepStrictEqual(found(a.s3Encryption, [x, sse("x", "AES256")], { requireKms: true }), [`${urnOf(x)} x-sse.rules[].applyServerSideEncryptionByDefault.sseAlgorithm: bucket "x" is encrypted with AES256, but aws:kms is required`]);
    assert.deepStrictEqual(found(a.s3Encryption, [x, sse("x", "aws:kms:dsse")], { requireKms: true }), []);
    assert.deepStrictEqual(found(a.s3Encryption, [x, sse("x", "none"), sse("x", "AES256", "x-sse2")]), []);
    assert.deepStrictEqual(found(a.s3Encryption, [x, sse("x", 5)]), [`${urnOf(x)} x-sse.rules[].applyServerSideEncryptionByDefault.sseAlgorithm: bucket "x" has no default server-side encryption configuration`]);
  });
  it("aws-s3-encryption: inline settings of Bucket and BucketV2, and the bucket's Pulumi name when it has no bucket name", () => {
    const v2 = bucket("v2", { bucket: "v2", serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }] }, T.bucketV2);
    assert.deepStrictEqual(found(a.s3Encryption, [v2]), []);
    const v2bad = bucket("v2", { serverSideEncryptionConfigurations: [{ rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "none" } }] }, "x"] }, T.bucketV2);
    assert.deepStrictEqual(found(a.s3Encryption, [v2bad]), [`${urnOf(v2bad)} BucketServerSideEncryptionConfiguration: bucket "v2" is encrypted with none, but AES256 or aws:kms is required`]);
    const v1 = bucket("old", { bucket: "legacy-name", serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "none" } } } });
    assert.deepStrictEqual(found(a.s3Encryption, [v1]), [`${urnOf(v1)} BucketServerSideEncryptionConfiguration: bucket "legacy-name" is encrypted with none, but AES256 or aws:kms is required`]);
  });
  it("aws-s3-encryption and -versioning: values unknown during preview skip the bucket", () => {
    const x = bucket("x");
    assert.deepStrictEqual(found(a.s3Encryption, [x, U(sse("x"), { bucket: "x", rules: unknownArrayValue })]), []);
    assert.deepStrictEqual(found(a.s3Encryption, [U(x, { bucket: "x", serverSideEncryptionConfiguration: unknownStringValue })]), []);
    assert.deepStrictEqual(found(a.s3Versioning, [x, U(ver("x"), { bucket: "x", versioningConfiguration: unknownStringValue })]), []);
    assert.deepStrictEqual(found(a.s3Versioning, [U(x, { bucket: "x", versioning: unknownBooleanValue })]), []);
    assert.deepStrictEqual(found(a.s3PublicAccessBlock, [x, U(pab("x"), { bucket: "x", blockPublicAcls: unknownBooleanValue })]), []);
  });
  it("aws-s3-versioning: missing, suspended, inline on Bucket and BucketV2, any Enabled setting of several", () => {
    const x = bucket("x");
    assert.deepStrictEqual(found(a.s3Versioning, [x]), [`${urnOf(x)} BucketVersioning: bucket "x" has no versioning configuration`]);
    assert.deepStrictEqual(found(a.s3Versioning, [x, ver("x", "Suspended")]), [`${urnOf(x)} x-ver.versioningConfiguration.status: bucket "x" versioning status is "Suspended", not "Enabled"`]);
    assert.deepStrictEqual(found(a.s3Versioning, [x, ver("x", "Suspended"), ver("x", "Enabled", "x-ver2")]), []);
    const v2 = (versionings: unknown) => bucket("v2", { bucket: "v2", versionings }, T.bucketV2);
    assert.deepStrictEqual(found(a.s3Versioning, [v2([{ enabled: false }, { enabled: true }])]), []);
    assert.strictEqual(found(a.s3Versioning, [v2([{ enabled: false }, "x"])]).length, 1);
    assert.strictEqual(found(a.s3Versioning, [bucket("o", { bucket: "o", versioning: { enabled: "true" } })]).length, 1);
  });
  it("aws-s3-public-access-block: the flags not set, the first block named; any complete block of several", () => {
    const x = bucket("x");
    assert.deepStrictEqual(found(a.s3PublicAccessBlock, [x]), [`${urnOf(x)} BucketPublicAccessBlock: bucket "x" has no public access block`]);
    assert.deepStrictEqual(found(a.s3PublicAccessBlock, [x, pab("x", { blockPublicAcls: false, restrictPublicBuckets: "true" })]), [`${urnOf(x)} x-pab.blockPublicAcls: bucket "x" public access block does not set blockPublicAcls, restrictPublicBuckets to true`]);
    assert.deepStrictEqual(found(a.s3PublicAccessBlock, [x, pab("x", { ignorePublicAcls: false }), pab("x", {}, "x-pab2")]), []);
    const acct = (props: Record<string, unknown>): StackInput => ({ type: T.accountPublicAccessBlock, name: "acct", props });
    assert.deepStrictEqual(found(a.s3PublicAccessBlock, [x, U(acct(FLAGS), { ...FLAGS, blockPublicPolicy: unknownBooleanValue })]).length, 1, "an account block still unknown covers nothing yet");
  });
  it("indexS3: buckets by name or URN, settings once each, account blocks; null entries skipped", () => {
    const res = (type: string, name: string, props: unknown, propertyDependencies: Record<string, unknown> = {}) => ({ type, name, urn: `urn:${name}`, props, propertyDependencies } as unknown as PolicyResource);
    const b = res(T.bucket, "pulumi-b", { bucket: "real-b" });
    const byId = res(T.bucketV2, "v2", { id: "by-id" });
    const s1 = res(T.sse, "s1", { bucket: "real-b" }, { bucket: [{ urn: "urn:pulumi-b" }, "junk", {}] });
    const s2 = res(T.versioning, "s2", { bucket: "by-id" });
    const acct = res(T.accountPublicAccessBlock, "acct", {});
    const idx = indexS3([null as any, b, byId, s1, s2, acct, res(T.kmsKey, "k", {})]);
    assert.deepStrictEqual(idx.buckets.map((x) => [x.resource.name, x.label]), [["pulumi-b", "real-b"], ["v2", "v2"]]);
    assert.deepStrictEqual(idx.accountPublicAccessBlocks.map((r) => r.name), ["acct"]);
    assert.deepStrictEqual(idx.settingsOf(idx.buckets[0], [T.sse]).map((r) => r.name), ["s1"], "linked by name and by URN, listed once");
    assert.deepStrictEqual(idx.settingsOf(idx.buckets[0], [T.versioning]), []);
    assert.deepStrictEqual(idx.settingsOf(idx.buckets[1], [T.versioning, T.sse]).map((r) => r.name), ["s2"]);
    assert.deepStrictEqual(indexS3([]).accountPublicAccessBlocks, []);
  });
  it("aws-ecr-scan-on-push: the repository's own name, scanning rules by frequency and filter, unknown settings", () => {
    const repo = (name: string, props: Record<string, unknown>): StackInput => ({ type: T.ecrRepository, name, props });
    const registry = (rules: unknown): StackInput => ({ type: T.ecrRegistryScanning, name: "scan", props: { rules } });
    const r = repo("res-name", { name: "platform/api" });
    assert.deepStrictEqual(found(a.ecrScanOnPush, [r]), [`${urnOf(r)} imageScanningConfiguration.scanOnPush: repository "platform/api" is not scanned on push and no registry scanning rule covers it`]);
    assert.deepStrictEqual(found(a.ecrScanOnPush, [r, registry([{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "platform/*" }] }])]), []);
    assert.strictEqual(found(a.ecrScanOnPush, [r, registry([{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "res-*" }] }])]).length, 1, "the filter matches the repository name, not the Pulumi name");
    assert.strictEqual(found(a.ecrScanOnPush, [r, registry(["x", { repositoryFilters: [{ filter: "*" }] }, { scanFrequency: "CONTINUOUS_SCAN", repositoryFilters: ["y", { filter: "" }] }])]).length, 1);
    const noName = repo("res-only", {});
    assert.deepStrictEqual(found(a.ecrScanOnPush, [noName]).map((m) => m.split(" ").slice(1).join(" ")), ['imageScanningConfiguration.scanOnPush: repository "res-only" is not scanned on push and no registry scanning rule covers it']);
    assert.deepStrictEqual(found(a.ecrScanOnPush, [U(repo("u", { name: "u" }), { name: "u", imageScanningConfiguration: unknownStringValue })]), []);
    assert.strictEqual(found(a.ecrScanOnPush, [repo("t", { name: "t", imageScanningConfiguration: { scanOnPush: "true" } })]).length, 1);
  });
});
