import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { MOCK_SECRET_PREFIX, ROOT, loadStackConfig, runProgram } from "../../tools/harness";
import { planDocument, policyReport } from "../../tools/plan";
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

  it("puts the report in the JSON document under policy.violations", async () => {
    const r = await runStack("dev");
    const doc = planDocument(r, policyReport(r, "dev"));
    assert.ok(Array.isArray(doc.policy?.violations));
  });
});

describe("plan: the command", function () {
  this.timeout(60000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("prints the same JSON document twice, sorted, with secrets hidden", async () => {
    const [a, b] = await Promise.all([plan("--stack", "prod", "--json"), plan("--stack", "prod", "--json")]);
    assert.strictEqual(a.code, 0, a.stderr);
    assert.strictEqual(a.stdout, b.stdout);
    const doc = JSON.parse(a.stdout);
    assert.deepStrictEqual(Object.keys(doc).sort(), ["outputs", "policy", "resources", "stack"]);
    assert.deepStrictEqual(Object.keys(doc.resources[0]).sort(), ["custom", "dependsOn", "inputs", "name", "parent", "protect", "retainOnDelete", "type", "urn"]);
    const urns = doc.resources.map((x: any) => x.urn);
    assert.deepStrictEqual(urns, [...urns].sort());
    assert.strictEqual(doc.outputs.kubeconfig, "[secret]");
    assert.ok(!a.stdout.includes("get-token"), "kubeconfig content leaked into the plan");
  });

  it("prints the tree, the key facts and the policy verdict as text", async () => {
    const { code, stdout } = await plan("--stack", "prod");
    assert.strictEqual(code, 0);
    for (const want of ["platform:eks:Cluster eks", "3 NAT gateway(s)", "IMDSv2 required", "secrets encryption: KMS (rotation on)", "0 mandatory"]) {
      assert.ok(stdout.includes(want), `missing "${want}"`);
    }
  });

  it("exits 1 on bad config with every problem named and no stack trace", async () => {
    const file = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(file, "config:\n  platform:environment: prod\n  platform:region: eu-west-1\n  platform:domain: x.example.com\n  platform:hostedZoneId: Z123\n  platform:vpcCidr: 10.0.1.0/16\n  platform:kubernetesVersion: '1.30'\n");
    const { code, stdout, stderr } = await plan("--stack", "bad", "--stack-file", file);
    assert.strictEqual(code, 1);
    assert.strictEqual(stdout, "");
    assert.match(stderr, /platform:vpcCidr: .*Fix: use 10\.0\.0\.0\/16/);
    assert.match(stderr, /platform:kubernetesVersion:/);
    assert.doesNotMatch(stderr, /\n\s+at /, "stack trace printed");
  });

  it("exits 2 on an unknown stack, a broken YAML file or a missing flag", async () => {
    const broken = path.join(tmp, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, "config:\n  platform:region: [unclosed\n");
    const results = await Promise.all([plan("--stack", "nope"), plan("--stack", "x", "--stack-file", broken), plan(), plan("--stack", "dev", "--bogus")]);
    for (const r of results) assert.strictEqual(r.code, 2, r.stderr);
    assert.match(results[0].stderr, /stacks: dev, prod, staging/);
    assert.match(results[1].stderr, /Pulumi\.broken\.yaml is not valid YAML/);
    assert.match(results[2].stderr, /--stack is required/);
  });
});

describe("plan: no secret in a plain input or output", () => {
  for (const env of ["dev", "prod"]) {
    it(`${env}: generated passwords and secret config appear only as [secret]`, async () => {
      const r = await runStack(env);
      const doc = JSON.stringify(planDocument(r));
      assert.ok(!doc.includes(MOCK_SECRET_PREFIX), "a generated secret reached a plain input or output");
      assert.ok(!doc.includes("offline-placeholder-for-"), "secret config reached a plain input or output");
      for (const k of ["argocdAdminPassword", "grafanaAdminPassword", "kubeconfig"]) assert.strictEqual(r.outputs[k], "[secret]", k);
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
