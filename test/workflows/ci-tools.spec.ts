// The tools the workflows run: the Pulumi invocation (both packs, never --skip-preview) and
// the preview comment, which must exist for a failed preview as much as for a passing one.
import * as assert from "assert";
import { MAX_BODY, commentBody, marker, policyViolations, resourceSummary } from "../../tools/ci/preview-comment";
import { pulumiArgs } from "../../tools/ci/pulumi";

// Shaped like the Pulumi CLI's output for a preview a mandatory policy stopped.
const FAILED_LOG = [
  "Previewing update (acme/platform/prod)",
  "\u001b[32m+ \u001b[0mkubernetes:apps/v1:Deployment  orders  create",
  "Policy Violations:",
  "    [mandatory]  platform-kubernetes v0.1.0  k8s-no-privileged (kubernetes:apps/v1:Deployment: orders)",
  "    Container app is privileged.",
  "    [advisory]  platform-kubernetes v0.1.0  k8s-probes-set (kubernetes:apps/v1:Deployment: orders)",
  "error: preview failed",
].join("\n");
const PASSED_LOG = ["Previewing update (acme/platform/dev)", "Resources:", "    + 2 to create", "    ~ 1 to update", "    310 unchanged", "", "Duration: 40s"].join("\n");

describe("ci tools: the preview comment", () => {
  it("a failed preview still gets its comment: status, violations and output, summary first", () => {
    const body = commentBody({ stack: "prod", exitCode: 255, log: FAILED_LOG, policyMarkdown: "| rule | object |\n|---|---|\n| k8s-no-privileged | rendered.yaml:12 |" });
    assert.ok(body.startsWith(`${marker("prod")}\n`), "the marker must open the body (the workflow finds the comment by it)");
    assert.match(body, /on \*\*prod\*\*: FAILED \(exit 255\)/);
    assert.match(body, /policy violations: 1 mandatory, 1 advisory/);
    assert.match(body, /\| mandatory \| platform-kubernetes v0\.1\.0  k8s-no-privileged/);
    assert.match(body, /Offline policy check[\s\S]*rendered\.yaml:12/);
    assert.ok(body.indexOf("policy violations") < body.indexOf("Preview output"));
    assert.ok(!body.includes("\u001b["), "ANSI colour codes reached the comment");
    assert.match(body, /error: preview failed/);
  });

  it("a passing preview reports its change counts", () => {
    assert.deepStrictEqual(resourceSummary(PASSED_LOG), ["+ 2 to create", "~ 1 to update", "310 unchanged"]);
    assert.match(commentBody({ stack: "dev", exitCode: 0, log: PASSED_LOG }), /passed\n\n- changes: \+ 2 to create, ~ 1 to update, 310 unchanged/);
    assert.deepStrictEqual(policyViolations(PASSED_LOG), []);
  });

  it("stays under GitHub's comment limit by trimming the output from the front, keeping the summary and the end", () => {
    const huge = `${"x".repeat(200_000)}\n${FAILED_LOG}`;
    const body = commentBody({ stack: "prod", exitCode: 1, log: huge });
    assert.ok(body.length <= MAX_BODY, `${body.length} characters`);
    assert.match(body, /FAILED \(exit 1\)/);
    assert.match(body, /characters trimmed from the front/);
    assert.match(body, /error: preview failed\n```/);
  });

  it("a code fence in the output cannot close the comment's block", () => {
    const body = commentBody({ stack: "dev", exitCode: 1, log: "```\n## injected heading" });
    assert.strictEqual(body.split("```").length - 1, 2);
  });
});

describe("ci tools: the Pulumi invocation", () => {
  it("up never skips its preview, so the packs stop it before any change", () => {
    const up = pulumiArgs("up", { stack: "prod", org: "acme" });
    assert.ok(!up.includes("--skip-preview"));
    assert.deepStrictEqual(up.slice(0, 3), ["up", "--stack", "acme/platform/prod"]);
    assert.ok(up.includes("--yes"));
    assert.ok(!pulumiArgs("preview", { stack: "prod", org: "acme" }).includes("--yes"));
  });

  it("refuses a stack without a config file", () => {
    assert.throws(() => pulumiArgs("preview", { stack: "qa", org: "acme" }), /unknown stack qa \(stacks: dev, prod, staging\)/);
  });
});
