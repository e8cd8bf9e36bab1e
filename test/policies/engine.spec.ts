import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as aws from "@pulumi/aws";
import { validateResourceOfType, validateStackResourcesOfType } from "@pulumi/policy";
import {
  availableEnvs, effectiveLevel, evaluatePolicies, loadPolicyConfig, PACKS, PolicyConfig, PolicyConfigError, PolicyResource, validatePackConfig,
} from "../../policies/engine";
import { ruleMeta } from "../../policies/lib/rule";
import { T } from "../../policies/lib/aws";
import { podWith, TOKENS, workload } from "./fixtures";

const deployment = (spec = podWith(() => {}), ns = "apps", name = "api"): PolicyResource => ({
  urn: `urn:pulumi:dev::platform::${TOKENS.Deployment}::${name}`,
  type: TOKENS.Deployment,
  name,
  props: workload("Deployment", spec, ns, name),
});
const denyAll = (ns = "apps"): PolicyResource => ({
  urn: `urn:pulumi:dev::platform::kubernetes:networking.k8s.io/v1:NetworkPolicy::${ns}-deny`,
  type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  name: `${ns}-deny`,
  props: { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: ns }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
});
const withConfig = (kubernetes: Record<string, unknown>, aws: Record<string, unknown> = { all: "mandatory" }): PolicyConfig => ({ env: "test", packs: { kubernetes, aws } as PolicyConfig["packs"] });
const expectConfigError = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof PolicyConfigError && e.issues.some((i) => re.test(i)) ? true : assert.fail(`no issue matching ${re}: ${(e as Error).message}`));

describe("policy engine", () => {
  describe("packs", () => {
    it("rule names are unique, kebab-case, prefixed by pack, and each description names its checklist item", () => {
      const all = [...PACKS.kubernetes, ...PACKS.aws];
      assert.strictEqual(new Set(all.map((p) => p.name)).size, all.length);
      for (const [pack, prefix] of [["kubernetes", "k8s-"], ["aws", "aws-"]] as const) {
        for (const p of PACKS[pack]) {
          assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
          assert.ok(p.name.startsWith(prefix), p.name);
          assert.match(p.description, /^\[(Checklist \d+|AWS hygiene)[^\]]*\] /, p.name);
          assert.strictEqual(ruleMeta(p)?.pack, pack);
          assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})), "enforcementLevel is reserved");
          assert.ok(p.configSchema?.properties.exemptions, `${p.name} accepts exemptions`);
        }
      }
    });
    it("every checklist item 1-10 is served by at least one rule", () => {
      const items = new Set([...PACKS.kubernetes, ...PACKS.aws].map((p) => /Checklist (\d+)/.exec(p.description)?.[1]).filter(Boolean));
      assert.deepStrictEqual([...items].map(Number).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });
  });

  describe("config", () => {
    it("dev, staging and prod load for both packs, with the documented levels", () => {
      assert.deepStrictEqual(availableEnvs(), ["dev", "prod", "staging"]);
      for (const env of ["dev", "staging", "prod"]) loadPolicyConfig(env);
      // The entries also carry chart exemptions, so read the level as the engine does.
      const probes = { name: "k8s-probes-set" };
      assert.strictEqual(effectiveLevel(probes, loadPolicyConfig("dev").packs.kubernetes), "advisory");
      assert.strictEqual(effectiveLevel(probes, loadPolicyConfig("prod").packs.kubernetes), "mandatory");
    });
    it("rejects an unknown environment, listing the known ones", () => expectConfigError(() => loadPolicyConfig("qa"), /unknown environment "qa".*dev, prod, staging/));
    it("rejects a typo'd rule name with a suggestion, and a rule of the other pack", () => {
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-run-as-nonroot": "advisory" }), /unknown policy "k8s-run-as-nonroot".*did you mean "k8s-run-as-non-root"/);
      expectConfigError(() => validatePackConfig("kubernetes", { "aws-s3-versioning": "advisory" }), /belongs to the aws pack/);
    });
    it("rejects bad levels, in both forms", () => {
      expectConfigError(() => validatePackConfig("aws", { all: "strict" }), /all: must be one of advisory, mandatory/);
      expectConfigError(() => validatePackConfig("aws", { "aws-s3-versioning": "warn" }), /aws-s3-versioning: level must be one of/);
      expectConfigError(() => validatePackConfig("aws", { "aws-s3-versioning": { enforcementLevel: "warn" } }), /aws-s3-versioning\.enforcementLevel/);
    });
    it("rejects exemptions without a reason, without a resource, or under the wrong rule", () => {
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-no-host-path": { exemptions: [{ resource: "DaemonSet/kube-system/*" }] } }), /k8s-no-host-path\.exemptions\.0\.reason: an exemption needs a reason/);
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-no-host-path": { exemptions: [{ resource: "x", reason: "   " }] } }), /needs a reason/);
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-no-host-path": { exemptions: [{ reason: "r" }] } }), /exemptions\.0\.resource: resource is required/);
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-no-host-path": { exemptions: [{ rule: "k8s-no-privileged", resource: "x", reason: "r" }] } }), /move it under "k8s-no-privileged"/);
    });
    it("rejects unknown or mistyped settings of a rule", () => {
      expectConfigError(() => validatePackConfig("kubernetes", { "k8s-image-allowed-registry": { allowedRegistry: ["x"] } }), /Unrecognized key: "allowedRegistry"/);
      expectConfigError(() => validatePackConfig("aws", { "aws-imdsv2-required": { maxHopLimit: "2" } }), /aws-imdsv2-required\.maxHopLimit/);
    });
    it("reads config files from a directory and names the file in errors", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polcfg-"));
      for (const p of ["kubernetes", "aws"]) fs.mkdirSync(path.join(dir, p, "config"), { recursive: true });
      fs.writeFileSync(path.join(dir, "kubernetes", "config", "qa.json"), JSON.stringify({ all: "mandatory" }));
      fs.writeFileSync(path.join(dir, "aws", "config", "qa.json"), "{ nope");
      expectConfigError(() => loadPolicyConfig("qa", dir), /aws[/\\]config[/\\]qa\.json: cannot read or parse JSON/);
    });
  });

  describe("evaluation", () => {
    it("a compliant set gives no violation; counts objects; components are ignored", () => {
      const chart: PolicyResource = { urn: "urn:pulumi:dev::platform::kubernetes:helm.sh/v4:Chart::loki", type: "kubernetes:helm.sh/v4:Chart", name: "loki", props: { chart: "loki", values: { image: "x:latest" } } };
      const comp: PolicyResource = { urn: "urn:pulumi:dev::platform::platform:index:Cluster::c", type: "platform:index:Cluster", name: "c", props: {} };
      const r = evaluatePolicies([deployment(), denyAll(), chart, comp], { env: "prod" });
      assert.strictEqual(r.objects, 4);
      assert.deepStrictEqual(r.violations, []);
      assert.deepStrictEqual(r.skipped, []);
    });
    it("levels come from the env config: advisory in dev, mandatory in prod; disabled skips", () => {
      const noProbes = deployment(podWith((s) => delete s.containers[0].livenessProbe));
      const dev = evaluatePolicies([noProbes, denyAll()], { env: "dev" });
      assert.deepStrictEqual(dev.violations.map((v) => [v.policy, v.level, v.object]), [["k8s-probes-set", "advisory", "Deployment/apps/api"]]);
      assert.strictEqual(evaluatePolicies([noProbes, denyAll()], { env: "prod" }).violations[0].level, "mandatory");
      assert.deepStrictEqual(evaluatePolicies([noProbes, denyAll()], { env: "x", config: withConfig({ all: "mandatory", "k8s-probes-set": "disabled" }) }).violations, []);
      // A policy's own entry beats `all`
      assert.strictEqual(evaluatePolicies([noProbes, denyAll()], { env: "x", config: withConfig({ all: "advisory", "k8s-probes-set": { enforcementLevel: "mandatory" } }) }).violations[0].level, "mandatory");
    });
    it("exempted violations are listed with their reason, not reported", () => {
      const priv = deployment(podWith((s) => (s.containers[0].securityContext.privileged = true)), "kube-system", "cni");
      const cfg = withConfig({ all: "mandatory", "k8s-no-privileged": { exemptions: [{ resource: "Deployment/kube-system/*", reason: "vpc-cni needs it (AWS add-on)" }] }, "k8s-namespace-default-deny": { exemptions: [{ resource: "*/kube-system/*", reason: "managed add-ons" }] } });
      const r = evaluatePolicies([priv], { env: "x", config: cfg });
      assert.deepStrictEqual(r.violations, []);
      assert.deepStrictEqual(r.exempted.map((e) => [e.policy, e.object, e.reason]).sort(), [
        ["k8s-namespace-default-deny", "Deployment/kube-system/cni", "managed add-ons"],
        ["k8s-no-privileged", "Deployment/kube-system/cni", "vpc-cni needs it (AWS add-on)"],
      ]);
      // the same object elsewhere is not exempted
      assert.strictEqual(evaluatePolicies([deployment(podWith((s) => (s.containers[0].securityContext.privileged = true))), denyAll()], { env: "x", config: cfg }).violations.length, 1);
    });
    it("exemptions match a URN or an AWS type::name glob", () => {
      const key = { urn: "urn:pulumi:dev::platform::aws:kms/key:Key::eks", type: T.kmsKey, name: "eks", props: {} };
      const byUrn = evaluatePolicies([key], { env: "x", config: withConfig({}, { "aws-kms-key-rotation": { exemptions: [{ resource: key.urn, reason: "r1" }] } }) });
      const byGlob = evaluatePolicies([key], { env: "x", config: withConfig({}, { "aws-kms-key-rotation": { exemptions: [{ resource: "aws:kms/key:Key::e*", reason: "r2" }] } }) });
      assert.deepStrictEqual([byUrn.violations.length, byUrn.exempted[0].reason, byGlob.violations.length, byGlob.exempted[0].reason], [0, "r1", 0, "r2"]);
    });
    it("values unknown during preview skip the rule (listed), as the Pulumi engine does", () => {
      const { unknownStringValue } = require("@pulumi/policy/proxy");
      const d = deployment(podWith((s) => (s.containers[0].image = unknownStringValue)));
      const r = evaluatePolicies([d, denyAll()], { env: "prod" });
      assert.deepStrictEqual(r.violations, []);
      const skipped = r.skipped.map((s) => s.policy).sort();
      assert.deepStrictEqual(skipped, ["k8s-image-allowed-registry", "k8s-image-pinned"]);
      assert.ok(r.skipped.every((s) => !s.error && /can't run during preview: string value at \..*image/.test(s.reason)));
    });
    it("serialized secrets reach the rules as plain values, as the analyzer deserializes them", () => {
      const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
      const d = deployment(podWith((s) => (s.containers[0].env = [{ name: "API_TOKEN", value: secret("abc") }, { name: "LOG", value: secret("info") }])));
      const r = evaluatePolicies([d, denyAll()], { env: "prod" });
      assert.deepStrictEqual(r.violations.map((v) => [v.policy, v.message.split(":")[0]]), [["k8s-no-secrets-in-env", "spec.template.spec.containers[0].env[0].value"]]);
    });
    it("S3 settings are linked through propertyDependencies when bucket names are unknown", () => {
      const { unknownStringValue } = require("@pulumi/policy/proxy");
      const bucket: PolicyResource = { urn: "urn:b", type: T.bucket, name: "logs", props: { bucket: unknownStringValue } };
      const pab: PolicyResource = { urn: "urn:p", type: T.publicAccessBlock, name: "logs-pab", props: { bucket: unknownStringValue, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, propertyDependencies: { bucket: ["urn:b"] } };
      const r = evaluatePolicies([bucket, pab], { env: "prod", config: withConfig({}, { all: "disabled", "aws-s3-public-access-block": "mandatory" }) });
      assert.deepStrictEqual([r.violations, r.skipped], [[], []]);
    });
    it("emulates isType/asType with real type comparison and notApplicable (validateResourceOfType from @pulumi/policy)", () => {
      const seen: string[] = [];
      const custom = [{
        name: "custom-eks",
        description: "test",
        validateResource: validateResourceOfType(aws.eks.Cluster, (props, args, report) => {
          seen.push(args.name);
          assert.ok(args.isType(aws.eks.Cluster) && !args.isType(aws.s3.Bucket));
          assert.strictEqual(args.asType(aws.s3.Bucket), undefined);
          assert.strictEqual(args.stackTags.get("environment"), "x");
          if (!props.version) report("no version");
        }),
      }, {
        name: "custom-stack",
        description: "test",
        validateStack: validateStackResourcesOfType(aws.s3.Bucket, (buckets, _args, report) => report(`buckets: ${buckets.length}`)),
      }];
      const r = evaluatePolicies([
        { urn: "urn:c", type: T.eksCluster, name: "c", props: {} },
        { urn: "urn:k", type: T.kmsKey, name: "k", props: { enableKeyRotation: true } },
        { urn: "urn:b", type: T.bucket, name: "b", props: {} },
      ], { env: "x", config: withConfig({}, {}), packs: ["aws"], policies: { aws: custom } });
      assert.deepStrictEqual(seen, ["c"]);
      assert.deepStrictEqual(r.violations.map((v) => [v.policy, v.object, v.message]), [["custom-eks", "aws:eks/cluster:Cluster::c", "no version"], ["custom-stack", "stack", "buckets: 1"]]);
    });
    it("getConfig returns the policy's settings without enforcementLevel", () => {
      let got: unknown;
      const spy = [{ name: "spy", description: "t", validateResource: (args: any) => { got = args.getConfig(); } }];
      evaluatePolicies([{ urn: "u", type: "t", name: "n", props: {} }], { env: "x", config: withConfig({}, { spy: { enforcementLevel: "advisory", foo: 1 } }), packs: ["aws"], policies: { aws: spy as any } });
      assert.deepStrictEqual(got, { foo: 1 });
    });
    it("a throwing policy is listed as an error, not silently dropped", () => {
      const bad = [{ name: "bad", description: "t", validateResource: () => { throw new Error("boom"); } }];
      const r = evaluatePolicies([{ urn: "u", type: "t", name: "n", props: {} }], { env: "x", config: withConfig({}, {}), packs: ["aws"], policies: { aws: bad as any } });
      assert.deepStrictEqual(r.skipped.map((s) => [s.policy, s.error, s.reason]), [["bad", true, "policy threw: boom"]]);
    });
    it("AWS resources in a stack: a hardened set passes prod, a bad one fails with object names", () => {
      const good: PolicyResource[] = [
        { urn: "urn:k", type: T.kmsKey, name: "eks", props: { enableKeyRotation: true } },
        { urn: "urn:lt", type: T.launchTemplate, name: "nodes", props: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } } },
        { urn: "urn:r", type: T.ecrRepository, name: "api", props: { name: "api", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } } },
      ];
      assert.deepStrictEqual(evaluatePolicies(good, { env: "prod" }).violations, []);
      const bad = evaluatePolicies([{ ...good[0], props: {} }, { ...good[2], props: { name: "api" } }], { env: "prod" });
      assert.deepStrictEqual(bad.violations.map((v) => `${v.policy} ${v.object}`).sort(), [
        "aws-ecr-immutable-tags aws:ecr/repository:Repository::api",
        "aws-ecr-scan-on-push aws:ecr/repository:Repository::api",
        "aws-kms-key-rotation aws:kms/key:Key::eks",
      ]);
    });
  });
});
