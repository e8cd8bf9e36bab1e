import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { MOCK_SECRET_PREFIX, ROOT, loadStackConfig, runProgram } from "../../tools/harness";
import { planDocument, policyReport } from "../../tools/plan";
import { SECRET_CONTRACT_OUTPUTS } from "../../contract/contract";
import { ENVS, runStack, runWith } from "../support";

const run = promisify(execFile);

/** Runs `npm run plan` as a user would (same node, same register hook). */
async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["-r", "./tools/register.js", "tools/plan.ts", ...args], { cwd: ROOT, maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("plan: policy packs over everything the program registers", () => {
  for (const env of ENVS) {
    it(`${env}: zero mandatory violations, nothing skipped`, async () => {
      const report = policyReport(await runStack(env), env);
      const mandatory = report.violations.filter((v) => v.level === "mandatory");
      assert.deepStrictEqual(mandatory.map((v) => `${v.policy} ${v.object}: ${v.message}`), []);
      assert.deepStrictEqual(report.skipped.filter((s) => s.error), []);
      assert.ok(report.objects > 80);
    });
  }

  it("catches a violation the config allows outside prod (world-open endpoint in staging)", async () => {
    const report = policyReport(await runWith("staging", { endpointPublicAccessCidrs: ["0.0.0.0/0"] }), "staging");
    const hits = report.violations.filter((v) => v.policy === "aws-eks-endpoint-not-public");
    assert.strictEqual(hits.length, 1);
    assert.strictEqual(hits[0].level, "mandatory");
  });

  it("puts the policy verdict of the stack in the JSON document, and a violation shows there", async () => {
    const r = await runWith("staging", { endpointPublicAccessCidrs: ["0.0.0.0/0"] });
    const doc = JSON.parse(JSON.stringify(planDocument(r, policyReport(r, "staging"))));
    assert.deepStrictEqual(doc.policy.violations.filter((v: any) => v.level === "mandatory").map((v: any) => v.policy), ["aws-eks-endpoint-not-public"]);
    assert.ok(doc.policy.objects > 80, "the report did not count the stack's objects");
    assert.ok(!("policy" in planDocument(r)), "a plan without a report claims one");
  });
});

describe("plan: the command", function () {
  this.timeout(60000);
  type Result = Awaited<ReturnType<typeof plan>>;
  let tmp: string;
  let json: Result;
  let text: Result;
  let bad: Result;
  let usage: Result[];
  // Every invocation starts at once: the processes overlap instead of queueing.
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const badFile = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(badFile, "config:\n  platform:environment: prod\n  platform:region: eu-west-1\n  platform:domain: x.example.com\n  platform:hostedZoneId: Z123\n  platform:vpcCidr: 10.0.1.0/16\n  platform:kubernetesVersion: '1.30'\n");
    const broken = path.join(tmp, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, "config:\n  platform:region: [unclosed\n");
    const [a, t, x, ...u] = await Promise.all([
      plan("--stack", "prod", "--json"),
      plan("--stack", "prod"),
      plan("--stack", "bad", "--stack-file", badFile),
      plan("--stack", "nope"),
      plan("--stack", "x", "--stack-file", broken),
      plan(),
      plan("--stack", "dev", "--bogus"),
    ]);
    [json, text, bad, usage] = [a, t, x, u];
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("prints the same JSON document as an independent run, sorted, with secrets hidden", async () => {
    const a = json;
    assert.strictEqual(a.code, 0, a.stderr);
    // Another process, another run: byte for byte the same document.
    const r = await runStack("prod");
    assert.strictEqual(a.stdout, `${JSON.stringify(planDocument(r, policyReport(r, "prod")), null, 2)}\n`);
    const doc = JSON.parse(a.stdout);
    assert.deepStrictEqual(Object.keys(doc).sort(), ["outputs", "policy", "resources", "stack"]);
    assert.deepStrictEqual(Object.keys(doc.resources[0]).sort(), ["custom", "dependsOn", "inputs", "name", "parent", "protect", "retainOnDelete", "type", "urn"]);
    const urns = doc.resources.map((x: any) => x.urn);
    assert.deepStrictEqual(urns, [...urns].sort());
    assert.strictEqual(doc.outputs.kubeconfig, "[secret]");
    assert.ok(!a.stdout.includes("get-token"), "kubeconfig content leaked into the plan");
  });

  it("prints the tree, the key facts and the policy verdict as text", () => {
    assert.strictEqual(text.code, 0);
    for (const want of ["platform:eks:Cluster eks", "3 NAT gateway(s)", "IMDSv2 required", "secrets encryption: KMS (rotation on)", "0 mandatory"]) {
      assert.ok(text.stdout.includes(want), `missing "${want}"`);
    }
  });

  it("exits 1 on bad config with every problem named and no stack trace", () => {
    assert.strictEqual(bad.code, 1);
    assert.strictEqual(bad.stdout, "");
    assert.match(bad.stderr, /platform:vpcCidr: .*Fix: use 10\.0\.0\.0\/16/);
    assert.match(bad.stderr, /platform:kubernetesVersion:/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, "stack trace printed");
  });

  it("exits 2 on an unknown stack, a broken YAML file or a missing flag", () => {
    for (const r of usage) assert.strictEqual(r.code, 2, r.stderr);
    assert.match(usage[0].stderr, /stacks: dev, prod, staging/);
    assert.match(usage[1].stderr, /Pulumi\.broken\.yaml is not valid YAML/);
    assert.match(usage[2].stderr, /--stack is required/);
    assert.match(usage[3].stderr, /bogus/);
  });
});

describe("plan: no secret in a plain input or output", () => {
  for (const env of ["dev", "prod"]) {
    it(`${env}: generated passwords and secret config appear only as [secret]`, async () => {
      const r = await runStack(env);
      const doc = JSON.stringify(planDocument(r));
      assert.ok(!doc.includes(MOCK_SECRET_PREFIX), "a generated secret reached a plain input or output");
      assert.ok(!doc.includes("offline-placeholder-for-"), "secret config reached a plain input or output");
      assert.strictEqual(r.outputs.kubeconfig, "[secret]");
    });

    // Defect: a StackReference hands every reader all outputs, secret ones included
    // (getOutputDetails().secretValue), so a secret output is readable by every app repo.
    it(`${env}: no stack output is secret unless the contract means it for app teams`, async () => {
      const r = await runStack(env);
      assert.deepStrictEqual(r.secretOutputs.filter((k) => !SECRET_CONTRACT_OUTPUTS.includes(k as never)), []);
      // The admin passwords went to Secrets Manager: the outputs carry ARNs, never a password.
      const passwords = r.resources.filter((x) => x.type === "random:index/randomPassword:RandomPassword").map((x) => String(x.outputs.result));
      assert.ok(passwords.length >= 2);
      const plainOutputs = JSON.stringify(Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !r.secretOutputs.includes(k))));
      for (const p of passwords) {
        for (const form of [p, Buffer.from(p).toString("base64"), encodeURIComponent(p)]) assert.ok(!plainOutputs.includes(form), `a password reached an output`);
      }
    });
  }

  it("with secret config set, its values stay secret too", async () => {
    const base = loadStackConfig("dev");
    const config = {
      config: { ...base.config, "platform:slackChannel": "platform-alerts", "platform:slackToken": "xoxb-secret-token-value", "platform:gitopsRepoUsername": "bot", "platform:gitopsRepoPassword": "repo-secret-value" },
      secretKeys: [...base.secretKeys, "platform:slackToken", "platform:gitopsRepoPassword"],
    };
    const r = await runProgram({ stack: "dev", config });
    const doc = JSON.stringify(planDocument(r));
    for (const secret of ["xoxb-secret-token-value", "repo-secret-value"]) assert.ok(!doc.includes(secret), `${secret} leaked`);
    assert.ok(r.resources.some((x) => JSON.stringify(x.inputs).includes("[secret]") && x.type === "kubernetes:core/v1:Secret"), "no Secret carries the token");
  });
});
