// Feeds thousands of randomly malformed objects to every rule (seeded, deterministic): none may throw,
// and none may fall back to the "internal error" report (which would mean a rule tripped on a value).
import * as assert from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, PACKS, PolicyResource } from "../../policies/engine";
import { T } from "../../policies/lib/aws";
import { goodPodSpec, TOKENS, workload, WorkloadKind } from "./fixtures";
import { runResource, runStack, StackInput } from "./harness";

function mulberry32(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASES: [string, () => unknown][] = [
  ...(Object.keys(TOKENS) as WorkloadKind[]).map((k): [string, () => unknown] => [TOKENS[k], () => workload(k, { ...goodPodSpec(), ephemeralContainers: [{ name: "dbg", image: "busybox:1", env: [{ name: "TOKEN", value: "x" }] }] })]),
  ["kubernetes:core/v1:Namespace", () => ({ metadata: { name: "a", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } })],
  ["kubernetes:networking.k8s.io/v1:NetworkPolicy", () => ({ metadata: { name: "d", namespace: "a" }, spec: { podSelector: { matchLabels: {} }, policyTypes: ["Ingress", "Egress"], ingress: [] } })],
  ["kubernetes:networking.k8s.io/v1:Ingress", () => ({ metadata: { name: "i", annotations: { "cert-manager.io/cluster-issuer": "le" } }, spec: { tls: [{ hosts: ["a.b.c", "*.b.c"], secretName: "s" }], rules: [{ host: "a.b.c" }] } })],
  ["kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", () => ({ metadata: { name: "r" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["x"] }] })],
  ["kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", () => ({ metadata: { name: "b" }, roleRef: { kind: "ClusterRole", name: "cluster-admin" } })],
  [T.eksCluster, () => ({ encryptionConfig: { provider: { keyArn: "k" }, resources: ["secrets"] }, enabledClusterLogTypes: ["api"], vpcConfig: { publicAccessCidrs: ["1.2.3.4/32"] } })],
  [T.launchTemplate, () => ({ metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } })],
  [T.kmsKey, () => ({ enableKeyRotation: true, customerMasterKeySpec: "SYMMETRIC_DEFAULT" })],
  [T.iamPolicy, () => ({ policy: { Statement: [{ Effect: "Allow", Action: ["*"], Resource: "*", NotAction: "x" }] } })],
  [T.iamRole, () => ({ inlinePolicies: [{ policy: JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "*" } }) }] })],
  [T.securityGroup, () => ({ ingress: [{ fromPort: 80, toPort: 90, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] })],
  [T.securityGroupRule, () => ({ type: "ingress", fromPort: 0, toPort: 65535, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] })],
  [T.sgIngressRule, () => ({ ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" })],
  [T.ecrRepository, () => ({ name: "r", imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } })],
  [T.ecrRegistryScanning, () => ({ rules: [{ scanFrequency: "SCAN_ON_PUSH", repositoryFilters: [{ filter: "*" }] }] })],
  [T.bucket, () => ({ bucket: "b", versioning: { enabled: true }, serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } } } })],
  [T.sse, () => ({ bucket: "b", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } }] })],
  [T.versioning, () => ({ bucket: "b", versioningConfiguration: { status: "Enabled" } })],
  [T.publicAccessBlock, () => ({ bucket: "b", blockPublicAcls: true })],
  [T.accountPublicAccessBlock, () => ({ blockPublicAcls: true })],
];

describe("robustness: malformed values never make a rule throw", () => {
  const rand = mulberry32(Number(process.env.POLICY_FUZZ_SEED ?? 20260826)); // override to explore; default is fixed
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rand() * xs.length)];
  const junk = (depth = 0): unknown => {
    const atoms: (() => unknown)[] = [
      () => null, () => undefined, () => true, () => false, () => 0, () => -1, () => 1.5, () => NaN, () => Infinity, () => 2 ** 53,
      () => "", () => "x", () => "*", () => "0.0.0.0/0", () => "::/0", () => "latest", () => "ALL", () => "secrets", () => "cluster-admin",
      () => "Allow", () => "{not json", () => "x".repeat(5000), () => "-1", () => "123", () => "a:b@c/d:e",
      () => Object.create(null), () => [], () => ({}), () => [null, undefined, 3],
    ];
    if (depth < 3 && rand() < 0.3) {
      return rand() < 0.5
        ? Array.from({ length: Math.floor(rand() * 4) }, () => junk(depth + 1))
        : Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, () => [pick(["name", "image", "spec", "value", "rules", "type", "hosts", "0", "securityContext"]), junk(depth + 1)]));
    }
    return pick(atoms)();
  };
  // Every (object, key) slot in a tree, so mutations can hit any depth.
  const slots = (v: unknown, out: [Record<string, unknown>, string][] = []): [Record<string, unknown>, string][] => {
    if (v && typeof v === "object") {
      for (const k of Object.keys(v)) {
        out.push([v as Record<string, unknown>, k]);
        slots((v as Record<string, unknown>)[k], out);
      }
    }
    return out;
  };
  const mutated = (): { type: string; props: unknown } => {
    const [type, base] = pick(BASES);
    if (rand() < 0.05) return { type, props: junk() };
    const props = base() as Record<string, unknown>;
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const all = slots(props);
      if (all.length === 0) break;
      const [obj, key] = pick(all);
      if (rand() < 0.2) delete obj[key];
      else obj[key] = junk();
    }
    return { type, props };
  };

  const N = 4000;
  const objects = Array.from({ length: N }, mutated);
  const resourcePolicies = [...PACKS.kubernetes, ...PACKS.aws].filter((p): p is ResourceValidationPolicy => "validateResource" in p);
  const stackPolicies = [...PACKS.kubernetes, ...PACKS.aws].filter((p): p is StackValidationPolicy => "validateStack" in p);
  const junkConfigs: Record<string, unknown>[] = [{}, { exemptions: [{ resource: "*", reason: "r" }] }, { exemptions: "all" }, { allowedRegistries: 3 }, { bogus: true }];

  it(`${N} mutated objects x ${resourcePolicies.length} resource rules`, () => {
    let checked = 0;
    let reported = 0;
    for (const { type, props } of objects) {
      for (const p of resourcePolicies) {
        const config = rand() < 0.1 ? pick(junkConfigs) : undefined;
        let r;
        try {
          r = runResource(p, type, props, { config });
        } catch (e) {
          assert.fail(`${p.name} threw on ${type} ${safe(props)}: ${(e as Error).stack}`);
        }
        if (r.notApplicable === undefined) checked++;
        reported += r.messages.length;
        for (const m of [...r.messages, ...r.exempted.map((x) => x.message)]) {
          assert.ok(!m.startsWith("internal error"), `${p.name} on ${type}: ${m}\n${safe(props)}`);
          assert.ok(m.length < 20000);
        }
      }
    }
    assert.ok(checked > N * 2, `rules actually ran (${checked})`);
    assert.ok(reported > N / 2, `malformed objects produce reports (${reported})`);
  });

  it("stack rules over batches of malformed objects", () => {
    for (let i = 0; i < N; i += 250) {
      const batch: StackInput[] = objects.slice(i, i + 250).map((o, j) => ({ ...o, name: `r${i + j}`, propertyDependencies: rand() < 0.1 ? { bucket: [`urn:pulumi:test::proj::${T.bucket}::r${i}`] } : undefined }));
      for (const p of stackPolicies) {
        const out = runStack(p, batch, rand() < 0.2 ? pick(junkConfigs) : {});
        for (const v of out.violations) assert.ok(!v.message.startsWith("internal error"), `${p.name}: ${v.message}`);
      }
    }
  });

  it("the engine over all of them: no skipped rule, no error", () => {
    const resources: PolicyResource[] = objects.map((o, i) => ({ urn: `urn:${i}`, type: o.type, name: `r${i}`, props: o.props as Record<string, any> }));
    const r = evaluatePolicies(resources, { env: "prod" });
    assert.strictEqual(r.objects, N);
    assert.deepStrictEqual(r.skipped, []);
    assert.ok(r.violations.length > 0);
  });

  it("the engine reports the same findings when run twice over the same objects (no state leaks between runs)", () => {
    const resources: PolicyResource[] = objects.slice(0, 500).map((o, i) => ({ urn: `urn:${i}`, type: o.type, name: `r${i}`, props: o.props as Record<string, any> }));
    const first = evaluatePolicies(resources, { env: "prod" });
    assert.ok(first.violations.length > 0);
    assert.deepStrictEqual(evaluatePolicies(resources, { env: "prod" }), first);
  });
});

function safe(v: unknown): string {
  try {
    return JSON.stringify(v)?.slice(0, 500) ?? String(v);
  } catch {
    return "<unserialisable>";
  }
}
