// The whole platform as a real preview's policy run sees it: the program's resources and
// every object the 14 charts render, judged by both packs at each environment's levels.
import * as assert from "assert";
import { unusedExemptions } from "../../models/rendered-report";
import { loadPolicyConfig } from "../../policies/engine";
import { renderedReport } from "../../tools/render";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";

describeRendered("rendered platform: every resource, really", () => {
  for (const env of ENVS) {
    describe(env, () => {
      it("every chart renders (none left unverified)", async () => {
        const r = await renderedStack(env);
        assert.deepStrictEqual(r.charts.filter((c) => c.status !== "rendered").map((c) => `${c.spec.name}: ${c.reason}`), []);
        assert.ok(r.charts.length >= 14 && r.charts.every((c) => c.objects.length > 0));
      });

      it("zero unexempted mandatory violations over the program and every rendered object", async () => {
        const report = renderedReport(await runStack(env), await renderedStack(env));
        const mandatory = report.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.object}: ${v.message}`);
        assert.deepStrictEqual(mandatory, []);
        assert.deepStrictEqual(report.skipped.filter((s) => s.error).map((s) => `${s.policy} ${s.object}: ${s.reason}`), [], "no rule crashed");
      });

      it("every exemption in the pack config is still used by some object", async () => {
        const report = renderedReport(await runStack(env), await renderedStack(env));
        assert.deepStrictEqual(unusedExemptions(loadPolicyConfig(env), report), []);
      });
    });
  }
});
