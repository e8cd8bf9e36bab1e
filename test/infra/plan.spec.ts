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
  // Eight plan processes start at once; on a busy 2-core machine they queue.
  this.timeout(180000);
  type Result = Awaited<ReturnType<typeof plan>>;
  let tmp: string;
  let json: Result;
  let text: Result;
  let bad: Result;
  let usage: Result[];
  let help: Result;
  let preview: Result;
  let diff: Result;
  let old: any;
  // Every invocation starts at once: the processes overlap instead of queueing.
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const badFile = path.join(tmp, "Pulumi.bad.yaml");
    fs.writeFileSync(badFile, "config:\n  platform:environment: prod\n  platform:region: eu-west-1\n  platform:domain: x.example.com\n  platform:hostedZoneId: Z123\n  platform:vpcCidr: 10.0.1.0/16\n  platform:kubernetesVersion: '1.30'\n");
    const broken = path.join(tmp, "Pulumi.broken.yaml");
    fs.writeFileSync(broken, "config:\n  platform:region: [unclosed\n");
    // An earlier dev plan: one resource more, one less, one input different from today's.
    const r = await runStack("dev");
    old = JSON.parse(JSON.stringify(planDocument(r, policyReport(r, "dev"))));
    const vpc = old.resources.find((x: any) => x.type === "aws:ec2/vpc:Vpc");
    vpc.inputs.cidrBlock = "10.99.0.0/16";
    const dropped = old.resources.splice(old.resources.findIndex((x: any) => x.type === "aws:kms/alias:Alias"), 1)[0];
    old.resources.push({ ...dropped, urn: "urn:pulumi:dev::platform::aws:s3/bucket:Bucket::retired", type: "aws:s3/bucket:Bucket", name: "retired" });
    old.droppedUrn = dropped.urn;
    old.vpcUrn = vpc.urn;
    const oldFile = path.join(tmp, "old-plan.json");
    fs.writeFileSync(oldFile, JSON.stringify(old));
    const [h, pv, df, a, t, x, ...u] = await Promise.all([
      plan("--help"),
      plan("--stack", "dev", "--preview"),
      plan("--stack", "dev", "--diff", oldFile),
      plan("--stack", "prod", "--json"),
      plan("--stack", "prod"),
      plan("--stack", "bad", "--stack-file", badFile),
      plan("--stack", "nope"),
      plan("--stack", "x", "--stack-file", broken),
      plan(),
      plan("--stack", "dev", "--bogus"),
      plan("--stack", "dev", "--diff", path.join(tmp, "missing.json")),
    ]);
    [help, preview, diff, json, text, bad, usage] = [h, pv, df, a, t, x, u];
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

  it("exits 2 on an unknown stack, a broken YAML file, a missing flag or a missing diff base", () => {
    for (const r of usage) assert.strictEqual(r.code, 2, r.stderr);
    assert.match(usage[0].stderr, /stacks: dev, prod, staging/);
    assert.match(usage[1].stderr, /Pulumi\.broken\.yaml is not valid YAML/);
    assert.match(usage[2].stderr, /--stack is required/);
    assert.match(usage[3].stderr, /bogus/);
    assert.match(usage[4].stderr, /--diff: .*missing\.json does not exist/);
  });

  it("--help prints every flag and the exit codes, and exits 0", () => {
    assert.strictEqual(help.code, 0, help.stderr);
    for (const flag of ["--stack", "--stack-file", "--json", "--diff", "--preview", "--help", "Exit codes"]) assert.ok(help.stdout.includes(flag), flag);
  });

  // Defect: a --preview that silently ran a normal plan would print known values and a verdict.
  it("--preview runs a first preview: provider outputs unknown, no policy verdict", () => {
    assert.strictEqual(preview.code, 0, preview.stderr);
    assert.match(preview.stdout, /Policy packs: not run in --preview/);
    assert.doesNotMatch(preview.stdout, /eks\.amazonaws\.com/, "the cluster endpoint is known, so this was no preview");
    assert.doesNotMatch(preview.stdout, /mandatory/);
    assert.match(preview.stdout, /platform:eks:Cluster eks/);
  });

  it("--diff prints, by URN, what was added, removed and which inputs changed, as Markdown", () => {
    assert.strictEqual(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, /^### Plan diff for dev: 1 added, 1 removed, 1 changed/);
    assert.ok(diff.stdout.includes(`#### Added\n\n- \`${old.droppedUrn}\``), "the resource missing from the old plan is not listed as added");
    assert.match(diff.stdout, /#### Removed\n\n- `urn:pulumi:dev::platform::aws:s3\/bucket:Bucket::retired`/);
    assert.ok(diff.stdout.includes(`- \`${old.vpcUrn}\``), "the VPC is not listed as changed");
    assert.match(diff.stdout, /\| inputs\.cidrBlock \| `"10\.99\.0\.0\/16"` \| `"10\.10\.0\.0\/16"` \|/);
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

describe("plan: the diff of two plan documents", () => {
  const { diffPlans, diffMarkdown, readPlan, valueChanges } = require("../../tools/plan-diff") as typeof import("../../tools/plan-diff");
  const res = (urn: string, inputs: Record<string, unknown>, extra = {}) => ({ urn, type: "t:m:T", name: urn, parent: "", custom: true, inputs, protect: false, retainOnDelete: false, dependsOn: [], ...extra });
  const doc = (resources: any[]) => ({ stack: "dev", resources, outputs: {} });

  it("lists nested input changes by path, and option changes", () => {
    const d = diffPlans(doc([res("a", { spec: { ports: [80, 443] }, keep: 1 })]), doc([res("a", { spec: { ports: [80, 8443] }, keep: 1 }, { protect: true })]));
    assert.deepStrictEqual(d.changed, [{ urn: "a", type: "t:m:T", changes: [{ path: "inputs.spec.ports[1]", old: 443, new: 8443 }, { path: "protect", old: false, new: true }] }]);
    assert.deepStrictEqual([d.added, d.removed], [[], []]);
  });

  it("an identical plan: no change", () => {
    const a = doc([res("a", { x: 1 })]);
    assert.match(diffMarkdown(diffPlans(a, a), "dev"), /0 added, 0 removed, 0 changed\n\nNo change\./);
    assert.deepStrictEqual(valueChanges({ a: [1] }, { a: [1] }), []);
  });

  it("flags a removed protected resource and escapes table cells", () => {
    const md = diffMarkdown(diffPlans(doc([res("p", {}, { protect: true }), res("c", { v: "a|b" })]), doc([res("c", { v: "a|c" })])), "prod");
    assert.match(md, /- `p` \(protected: the update will refuse\)/);
    assert.match(md, /\| inputs\.v \| `"a\\\|b"` \| `"a\\\|c"` \|/);
  });

  it("refuses a file that is not a plan document, naming it and the fix", () => {
    assert.throws(() => readPlan("{", "x.json"), /x\.json is not JSON .*Fix: pass a file written by npm run plan -- --stack <env> --json/);
    assert.throws(() => readPlan('{"stack": "dev"}', "y.json"), /y\.json is not a plan document/);
  });
});
