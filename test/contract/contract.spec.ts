import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type * as Contract from "../../contract/index";
import { CONTRACT_OUTPUTS, CONTRACT_VERSION, SECRET_CONTRACT_OUTPUTS, hostInDomain, isCompatible, parseVersion } from "../../contract/index";
import { ROOT, RunResult, runProgram } from "../../tools/harness";
import { PLATFORM_OUTPUTS, PLATFORM_STACK } from "../fixtures/platform";

const STACK = PLATFORM_STACK;

/** Runs `body` with a fresh contract module against a mocked platform stack. */
function withPlatform(
  outputs: object,
  body: (c: typeof Contract, p: Contract.PlatformReference) => Record<string, unknown>,
  contractVersion?: string,
): Promise<RunResult> {
  return runProgram({
    stack: "dev",
    project: "contract-test",
    config: { config: {}, secretKeys: [] },
    stackReferences: { [STACK]: { outputs: outputs as Record<string, unknown>, secretOutputNames: [...SECRET_CONTRACT_OUTPUTS] } },
    program: async () => {
      // The harness reloads contract/ per run; load it inside the run, as an app program does.
      const c = require(path.join(ROOT, "contract", "index")) as typeof Contract;
      return body(c, new c.PlatformReference("platform", { stack: STACK, contractVersion }));
    },
  });
}

async function failure(p: Promise<unknown>, ...patterns: RegExp[]): Promise<Error> {
  const e = await p.then(
    () => assert.fail("expected the run to fail"),
    (err: Error) => err,
  );
  for (const re of patterns) assert.match(e.message, re);
  return e;
}

async function rejects(p: Promise<unknown>, ...patterns: RegExp[]): Promise<Error> {
  const e = await failure(p, ...patterns);
  assert.strictEqual(e.name, "ContractError", `not a ContractError: ${e.message}`);
  return e;
}

const without = (key: string) => Object.fromEntries(Object.entries(PLATFORM_OUTPUTS).filter(([k]) => k !== key));

describe("contract: versions", () => {
  const table: [string, string, boolean][] = [
    ["1.0.0", "1.0.0", true],
    ["1.1.0", "1.0.0", true], // newer minor platform: outputs only added
    ["1.0.7", "1.0.0", true],
    ["1.0.0", "1.0.9", true], // patches never change outputs
    ["1.1.0", "1.2.0", false], // older platform lacks outputs the app reads
    ["2.0.0", "1.0.0", false],
    ["1.0.0", "2.0.0", false],
    ["0.9.0", "1.0.0", false],
    ["v1.0.0", "1.0.0", false],
    ["1.0", "1.0.0", false],
    ["", "1.0.0", false],
  ];
  for (const [producer, consumer, ok] of table) {
    it(`platform ${JSON.stringify(producer)} ${ok ? "serves" : "does not serve"} an app on ${consumer}`, () => {
      assert.strictEqual(isCompatible(producer, consumer), ok);
    });
  }

  it("compares against this module's version by default", () => {
    assert.strictEqual(isCompatible(CONTRACT_VERSION), true);
    const [major, minor] = parseVersion(CONTRACT_VERSION)!;
    assert.strictEqual(isCompatible(`${major + 1}.0.0`), false);
    assert.strictEqual(isCompatible(`${major}.${minor + 1}.0`), true);
  });

  it("parses only plain MAJOR.MINOR.PATCH strings", () => {
    assert.deepStrictEqual(parseVersion("1.2.3"), [1, 2, 3]);
    assert.deepStrictEqual(parseVersion("10.20.30"), [10, 20, 30]);
    for (const bad of ["v1.2.3", "1.2", "1.2.3-rc.1", "1.2.3 ", "a.b.c", "", 1, null, undefined, { major: 1 }]) {
      assert.strictEqual(parseVersion(bad), undefined, `parsed ${JSON.stringify(bad)}`);
    }
  });

  it("the package's version is the contract version", () => {
    const pkg = require(path.join(ROOT, "contract", "package.json")) as { version: string; name: string };
    assert.strictEqual(pkg.version, CONTRACT_VERSION);
    assert.ok(parseVersion(CONTRACT_VERSION), "CONTRACT_VERSION is not MAJOR.MINOR.PATCH");
  });

  // What the real program publishes against this list is checked in test/infra/teams.spec.ts.
  it("lists every output once, each secret one among them", () => {
    assert.strictEqual(new Set(CONTRACT_OUTPUTS).size, CONTRACT_OUTPUTS.length);
    for (const k of SECRET_CONTRACT_OUTPUTS) assert.ok(CONTRACT_OUTPUTS.includes(k), k);
  });

  const domains: [string, string, boolean][] = [
    ["orders-api.orders.dev.platform.example.com", "orders.dev.platform.example.com", true],
    ["ORDERS-API.orders.dev.platform.example.com", "orders.dev.platform.example.com", true],
    ["orders.dev.platform.example.com", "orders.dev.platform.example.com", true],
    ["orders.dev.example.com", "orders.dev.platform.example.com", false],
    ["evilorders.dev.platform.example.com", "orders.dev.platform.example.com", false],
    ["orders.dev.platform.example.com.evil.com", "orders.dev.platform.example.com", false],
    ["x.payments.dev.platform.example.com", "orders.dev.platform.example.com", false],
    ["anything.example.com", "", false],
  ];
  for (const [host, domain, ok] of domains) {
    it(`host ${host} ${ok ? "lies" : "does not lie"} inside ${JSON.stringify(domain)}`, () => assert.strictEqual(hostInDomain(host, domain), ok));
  }
});

// Each test makes its own run (about 0.1 s): a `before` hook's work is attributed by Stryker's
// per-test coverage to the test that ran before it, so mutants reached only there would never
// meet these assertions (docs/testing.md, "Static mutants").
describe("contract: PlatformReference under mocks", () => {
  const GETTERS = ["clusterName", "kubeconfig", "ingressClass", "clusterIssuers", "otlpGrpcEndpoint", "otlpHttpEndpoint"] as const;
  const readAll = () =>
    withPlatform(PLATFORM_OUTPUTS, (_c, p) => ({
      ...Object.fromEntries(CONTRACT_OUTPUTS.map((k) => [k, p.output(k)])),
      ...Object.fromEntries(GETTERS.map((k) => [`get:${k}`, p[k]])),
      // The harness shows a secret as "[secret]": unsecret copies show the kubeconfig's value too.
      ...Object.fromEntries(GETTERS.map((k) => [`value:${k}`, pulumi.unsecret(p[k] as pulumi.Output<unknown>)])),
      team: p.team("orders"),
    }));

  it("reads every contract output with its value", async () => {
    const r = await readAll();
    for (const k of CONTRACT_OUTPUTS) {
      if (k === "kubeconfig") continue;
      assert.deepStrictEqual(r.outputs[k], PLATFORM_OUTPUTS[k], k);
    }
    assert.deepStrictEqual(r.outputs.team, PLATFORM_OUTPUTS.teams.orders);
  });

  it("each convenience getter reads its own output", async () => {
    const r = await readAll();
    for (const k of GETTERS) {
      assert.deepStrictEqual(r.outputs[`value:${k}`], PLATFORM_OUTPUTS[k], k);
      assert.deepStrictEqual(r.outputs[`get:${k}`], r.outputs[k], `getter ${k} differs from output("${k}")`);
    }
  });

  it("keeps the kubeconfig secret, and only the kubeconfig", async () => {
    const r = await readAll();
    assert.strictEqual(r.outputs.kubeconfig, "[secret]");
    // The version gate reads the whole output map (kubeconfig included) but taints nothing.
    assert.deepStrictEqual(r.secretOutputs, ["get:kubeconfig", "kubeconfig"]);
  });

  it("reads a stack reference, registers nothing", async () => {
    const r = await readAll();
    assert.deepStrictEqual(r.resources.filter((x) => x.custom).map((x) => x.type), []);
  });
});

describe("contract: failures name the output, the version or the team, and the fix", () => {
  it("a missing output names it and the stack", async () => {
    await failure(withPlatform(without("otlpGrpcEndpoint"), (_c, p) => ({ otlp: p.otlpGrpcEndpoint })), /otlpGrpcEndpoint/, new RegExp(STACK));
  });

  it("a missing output fails as a ContractError with the fix", async () => {
    await rejects(
      withPlatform(without("otlpGrpcEndpoint"), (_c, p) => ({ otlp: p.otlpGrpcEndpoint })),
      /has no output "otlpGrpcEndpoint"/,
      new RegExp(`platform stack ${STACK}`),
      /Fix: pulumi up the platform stack/,
    );
  });

  it("no contractVersion: not a platform stack (yet)", async () => {
    await rejects(withPlatform(without("contractVersion"), (_c, p) => ({ name: p.clusterName })), /publishes no contractVersion output/, /Fix:/);
  });

  it("a newer major platform: upgrade the contract module in the app", async () => {
    await rejects(
      withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: "2.0.0" }, (_c, p) => ({ name: p.clusterName }), "1.0.0"),
      /publishes contract 2\.0\.0, this app reads contract 1\.0\.0/,
      /Fix: upgrade the contract module in this app repo/,
    );
  });

  it("an older minor platform: upgrade the platform (or pin the app)", async () => {
    await rejects(
      withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: "1.1.0" }, (_c, p) => ({ name: p.clusterName }), "1.2.0"),
      /publishes contract 1\.1\.0, this app reads contract 1\.2\.0/,
      /Fix: upgrade the platform stack/,
    );
  });

  // Defect: a reader that hands values out before the version check lets an app build
  // resources from an incompatible platform's outputs.
  it("hands out no value, and open() never resolves, against an incompatible platform", async () => {
    const seen: unknown[] = [];
    let opened = false;
    await rejects(
      withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: "2.0.0" }, (c, p) => {
        for (const k of CONTRACT_OUTPUTS) p.output(k).apply((v) => seen.push([k, v]));
        p.team("orders").apply((v) => seen.push(["team", v]));
        c.PlatformReference.open("platform-2", { stack: STACK }).then(() => (opened = true), () => undefined);
        return { name: p.clusterName };
      }, "1.0.0"),
      /contract 2\.0\.0/,
    );
    assert.deepStrictEqual(seen, []);
    assert.strictEqual(opened, false);
  });

  it("open() resolves on a compatible platform, before any value is read", async () => {
    const r = await withPlatform(PLATFORM_OUTPUTS, (c) => ({ name: c.PlatformReference.open("platform-2", { stack: STACK }).then((p) => p.clusterName) }));
    assert.strictEqual(r.outputs.name, PLATFORM_OUTPUTS.clusterName);
  });

  it("a host outside the team's domain is refused, a label is placed under it", async () => {
    const r = await withPlatform(PLATFORM_OUTPUTS, (_c, p) => ({ label: p.host("orders", "api"), full: p.host("orders", "web.orders.dev.platform.example.com") }));
    assert.strictEqual(r.outputs.label, "api.orders.dev.platform.example.com");
    assert.strictEqual(r.outputs.full, "web.orders.dev.platform.example.com");
    await rejects(withPlatform(PLATFORM_OUTPUTS, (_c, p) => ({ h: p.host("orders", "orders.dev.example.com") })), /outside team "orders"'s domain orders\.dev\.platform\.example\.com/, /Fix:/);
    await rejects(withPlatform(PLATFORM_OUTPUTS, (_c, p) => ({ h: p.host("orders", "api.payments.dev.platform.example.com") })), /outside team "orders"/);
  });

  it("gates every value, not just the first read", async () => {
    await rejects(withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: "2.0.0" }, (_c, p) => ({ team: p.team("orders") }), "1.0.0"), /contract 2\.0\.0/);
  });

  it("a newer minor platform is read as usual", async () => {
    const r = await withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: "1.3.0", someFutureOutput: "x" }, (_c, p) => ({ name: p.clusterName }), "1.0.0");
    assert.strictEqual(r.outputs.name, "platform-dev");
  });

  it("a team that is not onboarded is named, with the teams that are, sorted", async () => {
    // Published in reverse order, the list is sorted all the same. (The SDK's protobuf Struct
    // already hands map keys over sorted, so this holds with or without team()'s own sort.)
    const { orders, payments } = PLATFORM_OUTPUTS.teams;
    await rejects(
      withPlatform({ ...PLATFORM_OUTPUTS, teams: { payments, orders } }, (_c, p) => ({ team: p.team("billing") })),
      /team "billing" is not onboarded on platform stack acme\/platform\/dev/,
      /\(onboarded: orders, payments\)/,
      /Fix: add it to platform:teams/,
    );
  });

  it("a platform with no teams says so (an empty map, or none published as null)", async () => {
    for (const teams of [{}, null]) {
      await rejects(withPlatform({ ...PLATFORM_OUTPUTS, teams }, (_c, p) => ({ team: p.team("orders") })), /team "orders" is not onboarded .*\(onboarded: none\)/);
    }
  });

  it("a contract 1.0 platform (no team domains): host() names the missing domain and the fix", async () => {
    const teams = Object.fromEntries(Object.entries(PLATFORM_OUTPUTS.teams).map(([k, { domain: _, ...t }]) => [k, t]));
    const v10 = { ...PLATFORM_OUTPUTS, contractVersion: "1.0.0", teams };
    // An app on contract 1.0 reads such a platform, team() included; only host() needs the domain.
    const r = await withPlatform(v10, (_c, p) => ({ ns: p.team("orders").namespace }), "1.0.0");
    assert.strictEqual(r.outputs.ns, "orders");
    await rejects(
      withPlatform(v10, (_c, p) => ({ h: p.host("orders", "api") }), "1.0.0"),
      /platform stack acme\/platform\/dev publishes no domain for team "orders" \(contract 1\.1\.0 added it\)/,
      /Fix: pulumi up the platform stack\./,
    );
  });

  it("a host outside the domain gets a suggestion with its first label under the team's domain", async () => {
    await rejects(
      withPlatform(PLATFORM_OUTPUTS, (_c, p) => ({ h: p.host("orders", "shop.payments.dev.platform.example.com") })),
      /Fix: use a name under orders\.dev\.platform\.example\.com, such as shop\.orders\.dev\.platform\.example\.com\.(\s|$)/,
    );
  });

  // Which side to upgrade follows from the majors read as numbers (10 > 9), not as their first digit.
  const fixes: [string, string, "app" | "platform"][] = [
    ["2.0.0", "1.5.0", "app"],
    ["10.0.0", "9.0.0", "app"],
    ["9.0.0", "10.0.0", "platform"],
    ["1.0.0", "2.3.0", "platform"],
  ];
  const FIX = { app: /Fix: upgrade the contract module in this app repo/, platform: /Fix: upgrade the platform stack, or pin this app/ };
  for (const [producer, consumer, side] of fixes) {
    it(`platform ${producer}, app on ${consumer}: upgrade the ${side === "app" ? "app's contract module" : "platform"}`, async () => {
      const e = await rejects(withPlatform({ ...PLATFORM_OUTPUTS, contractVersion: producer }, (_c, p) => ({ name: p.clusterName }), consumer), FIX[side]);
      assert.ok(e.message.includes(`publishes contract ${producer}, this app reads contract ${consumer}.`), e.message);
    });
  }
});
