import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Netmask } from "netmask";
import { parse as parseYaml } from "yaml";
import {
  CONFIG_KEYS,
  ConfigError,
  OBJECT_KEYS,
  PROFILES,
  architectureOf,
  decodeConfigMap,
  parseConfig,
  planSubnets,
} from "../../infra/config";
import { ROOT, loadStackConfig } from "../../tools/harness";
import { ENVS } from "../support";

const NOW = new Date("2026-11-27T12:00:00Z");
const BASE = { environment: "dev", region: "eu-west-1", domain: "dev.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };
const GROUP = { name: "system", instanceTypes: ["m7i.large"], minSize: 1, desiredSize: 2, maxSize: 3 };

function problems(raw: Record<string, unknown>, ci = true): string[] {
  try {
    parseConfig(raw, { now: NOW, ci });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
    return (e as ConfigError).problems;
  }
  assert.fail("config was accepted");
}

/** Asserts exactly one problem, naming `key`, and that it mentions each of `words`. */
function rejects(raw: Record<string, unknown>, key: string, ...words: string[]) {
  const p = problems(raw);
  const hit = p.filter((m) => m.startsWith(`${key}:`));
  assert.strictEqual(hit.length, 1, `no single problem for ${key} in:\n${p.join("\n")}`);
  for (const w of words) assert.ok(hit[0].includes(w), `"${hit[0]}" lacks "${w}"`);
  assert.ok(/Fix:|must|Did you mean/.test(hit[0]), `"${hit[0]}" says no fix`);
}

describe("config: the real stack files", () => {
  for (const env of ENVS) {
    it(`${env} parses and gets its profile`, () => {
      const cfg = parseConfig(decodeConfigMap(loadStackConfig(env).config), { now: NOW, stack: env });
      assert.strictEqual(cfg.environment, env);
      assert.strictEqual(cfg.kubernetesVersion, "1.35");
      assert.strictEqual(cfg.subnets.private.length, cfg.availabilityZoneCount);
    });
  }

  it("dev is cheap and prod highly available", () => {
    const dev = parseConfig(decodeConfigMap(loadStackConfig("dev").config), { now: NOW });
    const prod = parseConfig(decodeConfigMap(loadStackConfig("prod").config), { now: NOW });
    assert.deepStrictEqual([dev.availabilityZoneCount, dev.natGateways, dev.nodeGroups[0].capacityType, dev.protect], [2, "single", "SPOT", false]);
    assert.deepStrictEqual([prod.availabilityZoneCount, prod.natGateways, prod.nodeGroups[0].capacityType, prod.protect], [3, "perAz", "ON_DEMAND", true]);
    assert.strictEqual(prod.controlPlaneLogTypes.length, 5);
    assert.ok(!prod.endpoint.publicAccessCidrs.includes("0.0.0.0/0"));
  });
});

describe("config: malformed input is rejected with the key named", () => {
  it("node group with maxSize below desiredSize", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, maxSize: 1 }] }, "platform:nodeGroups[0].maxSize", "desiredSize"));
  it("node group with minSize above desiredSize", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, minSize: 3, maxSize: 5 }] }, "platform:nodeGroups[0].minSize", "desiredSize"));
  it("non-numeric node group size", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, desiredSize: "two" }] }, "platform:nodeGroups[0].desiredSize"));
  it("lowercase capacity type", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, capacityType: "spot" }] }, "platform:nodeGroups[0].capacityType", "ON_DEMAND or SPOT", '"spot"'));
  it("unsupported AMI family", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, amiFamily: "AL2" }] }, "platform:nodeGroups[0].amiFamily", "AL2023"));
  it("disk below 20 GiB", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, diskSizeGiB: 8 }] }, "platform:nodeGroups[0].diskSizeGiB", "20"));
  it("instance types of two architectures in one group", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, instanceTypes: ["m7i.large", "m7g.large"] }] }, "platform:nodeGroups[0].instanceTypes", "split"));
  it("duplicate node group names", () => rejects({ ...BASE, nodeGroups: [GROUP, GROUP] }, "platform:nodeGroups[1].name", "duplicate"));
  it("a typo in a node group key", () => rejects({ ...BASE, nodeGroups: [{ ...GROUP, maxsize: 3 }] }, "platform:nodeGroups[0].maxsize", "maxSize"));
  it("an empty node group list", () => rejects({ ...BASE, nodeGroups: [] }, "platform:nodeGroups", "at least one"));
  it("a VPC CIDR that does not parse", () => rejects({ ...BASE, vpcCidr: "10.0.0.0/33" }, "platform:vpcCidr", "IPv4 CIDR"));
  it("a VPC CIDR that is not a network address", () => rejects({ ...BASE, vpcCidr: "10.0.1.0/16" }, "platform:vpcCidr", "10.0.0.0/16"));
  it("a public VPC range", () => rejects({ ...BASE, vpcCidr: "8.8.0.0/16" }, "platform:vpcCidr", "private"));
  it("a VPC too small for the subnet plan", () => rejects({ ...BASE, vpcCidr: "10.0.0.0/24" }, "platform:vpcCidr", "/16../20"));
  it("a service CIDR inside the VPC", () => rejects({ ...BASE, vpcCidr: "10.0.0.0/16", serviceCidr: "10.0.0.0/20" }, "platform:serviceCidr", "overlaps"));
  it("an unknown Kubernetes version", () => rejects({ ...BASE, kubernetesVersion: "1.30" }, "platform:kubernetesVersion", "1.35"));
  it("a version past EKS standard support, in CI", () => rejects({ ...BASE, kubernetesVersion: "1.33" }, "platform:kubernetesVersion", "2026-07-29", "upgrade", "kubernetesSupportOverride"));
  it("the whole internet on prod's public endpoint", () =>
    rejects({ ...BASE, environment: "prod", endpointPublicAccessCidrs: ["0.0.0.0/0"] }, "platform:endpointPublicAccessCidrs[0]", "whole internet"));
  it("a malformed allowlist entry", () => rejects({ ...BASE, endpointPublicAccessCidrs: ["203.0.113.0"] }, "platform:endpointPublicAccessCidrs[0]", "CIDR"));
  it("an allow-list entry that is not a network address, with the network address as the fix", () =>
    rejects({ ...BASE, endpointPublicAccessCidrs: ["198.51.100.0/24", "203.0.113.7/24"] }, "platform:endpointPublicAccessCidrs[1]", "not a network address", "203.0.113.0/24"));
  it("accepts allow-list entries that are network addresses, host routes included", () => {
    const cidrs = ["203.0.113.0/24", "198.51.100.7/32"];
    assert.deepStrictEqual(parseConfig({ ...BASE, endpointPublicAccessCidrs: cidrs }, { now: NOW }).endpoint.publicAccessCidrs, cidrs);
  });
  it("no way to reach the API server", () => rejects({ ...BASE, endpointPrivateAccess: false, endpointPublicAccessCidrs: [] }, "platform:endpointPrivateAccess", "unreachable"));
  it("an IAM user instead of a role", () => rejects({ ...BASE, clusterAdmins: ["arn:aws:iam::123456789012:user/alice"] }, "platform:clusterAdmins[0]", "IAM role ARN"));
  it("a principal both admin and viewer", () => {
    const arn = "arn:aws:iam::123456789012:role/ops";
    rejects({ ...BASE, clusterAdmins: [arn], clusterViewers: [arn] }, "platform:clusterViewers", "one list");
  });
  for (const list of ["clusterAdmins", "clusterViewers"]) {
    it(`a principal listed twice in ${list}`, () => {
      const arn = "arn:aws:iam::123456789012:role/ops";
      rejects({ ...BASE, [list]: [arn, "arn:aws:iam::123456789012:role/other", arn] }, `platform:${list}`, "listed twice", arn, "once");
    });
  }
  it("distinct principals in each list are accepted", () => {
    const cfg = parseConfig({ ...BASE, clusterAdmins: ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"], clusterViewers: ["arn:aws:iam::123456789012:role/c"] }, { now: NOW });
    assert.deepStrictEqual([cfg.clusterAdmins.length, cfg.clusterViewers.length], [2, 1]);
  });
  it("an unknown environment", () => rejects({ ...BASE, environment: "production" }, "platform:environment", "dev, staging, prod"));
  it("a missing region", () => rejects({ ...BASE, region: undefined }, "platform:region", "missing"));
  it("a malformed hosted zone id", () => rejects({ ...BASE, hostedZoneId: "example.com" }, "platform:hostedZoneId", "Route53"));
  it("an uppercase domain", () => rejects({ ...BASE, domain: "Dev.Example.com" }, "platform:domain", "lowercase"));
  it("one availability zone", () => rejects({ ...BASE, availabilityZoneCount: 1 }, "platform:availabilityZoneCount", "at least 2"));
  it("a retention CloudWatch does not offer", () => rejects({ ...BASE, logRetentionDays: 10 }, "platform:logRetentionDays", "CloudWatch"));
  it("control-plane logs without audit", () => rejects({ ...BASE, controlPlaneLogTypes: ["api", "authenticator"] }, "platform:controlPlaneLogTypes", "audit"));
  it("prod without all five log types", () => rejects({ ...BASE, environment: "prod", controlPlaneLogTypes: ["api", "audit", "authenticator"] }, "platform:controlPlaneLogTypes", "all five"));
  it("prod with spot-only system nodes", () =>
    rejects({ ...BASE, environment: "prod", nodeGroups: [{ ...GROUP, capacityType: "SPOT", minSize: 3, desiredSize: 3 }] }, "platform:nodeGroups", "ON_DEMAND"));
  it("a tag with the reserved aws: prefix", () => rejects({ ...BASE, tags: { "aws:owner": "x" } }, "platform:tags.aws:owner", "reserved"));
  it("a tag the program sets itself", () => rejects({ ...BASE, tags: { environment: "x" } }, "platform:tags.environment", "set by the program"));
  it("a typo in a top-level key, with a suggestion", () => rejects({ ...BASE, nodegroups: [GROUP] }, "platform:nodegroups", "Did you mean 'nodeGroups'"));

  it("reports every problem at once, not just the first", () => {
    const p = problems({ ...BASE, vpcCidr: "10.0.1.0/16", kubernetesVersion: "1.30", clusterAdmins: ["nope"], nodeGroups: [{ ...GROUP, capacityType: "x" }], extra: 1 });
    for (const key of ["vpcCidr", "kubernetesVersion", "clusterAdmins[0]", "nodeGroups[0].capacityType", "extra"]) {
      assert.ok(p.some((m) => m.startsWith(`platform:${key}:`)), `${key} missing from\n${p.join("\n")}`);
    }
  });

  it("accepts 0.0.0.0/0 outside prod (the policy pack flags it there)", () => {
    assert.deepStrictEqual(parseConfig({ ...BASE, endpointPublicAccessCidrs: ["0.0.0.0/0"] }, { now: NOW }).endpoint.publicAccessCidrs, ["0.0.0.0/0"]);
  });
});

describe("config: decoding Pulumi's flat map", () => {
  it("keeps version strings as strings and decodes JSON lists and booleans", () => {
    const raw = decodeConfigMap({ "platform:kubernetesVersion": "1.30", "platform:clusterAdmins": "[\"a\"]", "platform:deployerAccess": "false", "aws:region": "x" });
    assert.deepStrictEqual(raw, { kubernetesVersion: "1.30", clusterAdmins: ["a"], deployerAccess: false });
  });
  it("leaves broken JSON as a string for the schema to name", () => {
    const raw = decodeConfigMap({ "platform:nodeGroups": "[{broken" });
    assert.strictEqual(raw.nodeGroups, "[{broken");
    rejects({ ...BASE, nodeGroups: raw.nodeGroups }, "platform:nodeGroups", "[{broken");
  });
});

describe("config: subnet plan", () => {
  for (const [cidr, zones] of [["10.0.0.0/16", 2], ["10.0.0.0/16", 3], ["10.20.0.0/18", 4], ["192.168.0.0/20", 3]] as const) {
    it(`${cidr} over ${zones} zones: inside the VPC, disjoint, one of each per zone`, () => {
      const plan = planSubnets(cidr, zones);
      const vpc = new Netmask(cidr);
      const all = [...plan.private, ...plan.public].map((c) => new Netmask(c));
      assert.strictEqual(plan.private.length, zones);
      assert.strictEqual(plan.public.length, zones);
      for (const n of all) assert.ok(vpc.contains(n), `${n} outside ${cidr}`);
      for (let i = 0; i < all.length; i++) {
        for (let j = i + 1; j < all.length; j++) assert.ok(!all[i].contains(all[j].base) && !all[j].contains(all[i].base), `${all[i]} overlaps ${all[j]}`);
      }
      // Private subnets hold pods (VPC CNI): each is larger than a public one.
      assert.ok(new Netmask(plan.private[0]).size > new Netmask(plan.public[0]).size);
    });
  }
  it("tells Graviton instance types from x86", () => {
    assert.deepStrictEqual(["m7g.large", "c6gn.xlarge", "t4g.small", "m7i.large", "g5.xlarge", "r8gd.2xlarge"].map(architectureOf), ["arm64", "arm64", "arm64", "x86_64", "x86_64", "arm64"]);
  });
});

describe("config: the EKS support tripwire", () => {
  const at = (day: string, raw: Record<string, unknown>, ci: boolean) => parseConfig({ ...BASE, ...raw }, { now: new Date(`${day}T12:00:00Z`), ci });
  // 1.34 leaves standard support on 2026-12-02 (EKS_STANDARD_SUPPORT_END).
  it("warns from 60 days before the end, in CI and out, without failing", () => {
    for (const ci of [true, false]) {
      const w = at("2026-11-30", { kubernetesVersion: "1.34" }, ci).warnings;
      assert.strictEqual(w.length, 1, w.join("\n"));
      assert.match(w[0], /platform:kubernetesVersion: 1\.34 leaves EKS standard support on 2026-12-02 \(2 days\)/);
    }
    assert.strictEqual(at("2026-10-03", { kubernetesVersion: "1.34" }, true).warnings.length, 1, "60 days before");
    assert.deepStrictEqual(at("2026-10-02", { kubernetesVersion: "1.34" }, true).warnings, [], "61 days before");
  });

  it("past the end: fails in CI, only warns outside it", () => {
    assert.throws(() => at("2026-12-03", { kubernetesVersion: "1.34" }, true), (e: ConfigError) => e.problems.some((p) => /1\.34 left EKS standard support on 2026-12-02\. Fix: upgrade to 1\.35/.test(p)));
    const w = at("2026-12-03", { kubernetesVersion: "1.34" }, false).warnings;
    assert.deepStrictEqual(w.length, 1);
    assert.match(w[0], /left EKS standard support.*CI \(CI=true\) refuses it/);
  });

  it("a hotfix override lets CI through, and says so with its reason", () => {
    const reason = "hotfix INC-4711 before the 1.35 upgrade";
    const cfg = at("2026-12-03", { kubernetesVersion: "1.34", kubernetesSupportOverride: reason }, true);
    assert.strictEqual(cfg.kubernetesVersion, "1.34");
    assert.strictEqual(cfg.warnings.length, 1);
    assert.ok(cfg.warnings[0].includes(reason) && cfg.warnings[0].includes("platform:kubernetesSupportOverride"), cfg.warnings[0]);
  });

  it("an override without a reason, or one left behind, is named", () => {
    rejects({ ...BASE, kubernetesSupportOverride: "hotfix" }, "platform:kubernetesSupportOverride", "reason");
    assert.match(at("2026-11-30", { kubernetesSupportOverride: "hotfix INC-4711 leftover" }, true).warnings.join("\n"), /is set but 1\.35 is still in standard support.*Fix: remove it/);
  });

  it("the stacks run clean today (2026-11-30): the default 1.35 is far from its end", () => {
    for (const env of ENVS) assert.deepStrictEqual(parseConfig(decodeConfigMap(loadStackConfig(env).config), { now: new Date("2026-11-30T12:00:00Z"), ci: true }).warnings, [], env);
  });
});

describe("config: CI access keys", () => {
  it("a repository that is not owner/name", () => rejects({ ...BASE, githubRepository: "https://github.com/acme/platform" }, "platform:githubRepository", "owner/name"));
  it("an OIDC provider for another issuer", () => rejects({ ...BASE, githubOidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" }, "platform:githubOidcProviderArn", "token.actions.githubusercontent.com"));
  it("unset: no CI roles; set: the repository and main by default", () => {
    assert.strictEqual(parseConfig(BASE, { now: NOW }).ci, undefined);
    assert.deepStrictEqual(parseConfig({ ...BASE, githubRepository: "acme/platform" }, { now: NOW }).ci, { repository: "acme/platform", oidcProviderArn: undefined, defaultBranch: "main" });
  });
});

describe("config: Pulumi.yaml declares every key, in step with the schema", () => {
  const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
  const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
  const declared = project.config as Record<string, { type: string; default?: unknown; description?: string }>;

  it("declares each schema key (objects in the comment block) and nothing else", () => {
    for (const k of CONFIG_KEYS) {
      if ((OBJECT_KEYS as readonly string[]).includes(k)) assert.ok(new RegExp(`^#\\s+${k}:`, "m").test(text), `${k} not documented in Pulumi.yaml`);
      else assert.ok(declared[k], `${k} not declared in Pulumi.yaml`);
    }
    for (const k of Object.keys(declared)) assert.ok((CONFIG_KEYS as string[]).includes(k), `Pulumi.yaml declares unknown key ${k}`);
  });

  it("gives every declaration a type and a description", () => {
    for (const [k, d] of Object.entries(declared)) {
      assert.ok(["string", "integer", "boolean", "array"].includes(d.type), `${k}: bad type ${d.type}`);
      assert.ok(d.description && d.description.length > 10, `${k}: no description`);
    }
  });

  it("declares a default only where every environment's profile agrees with it", () => {
    for (const [k, d] of Object.entries(declared)) {
      if (!("default" in d)) continue;
      for (const env of ENVS) {
        const profile = (PROFILES[env] as Record<string, unknown>)[k];
        if (profile !== undefined) assert.deepStrictEqual(d.default, profile, `${k}: Pulumi.yaml default differs from the ${env} profile`);
      }
      // The declared default must itself pass validation.
      parseConfig({ ...BASE, [k]: d.default }, { now: NOW });
    }
  });
});
