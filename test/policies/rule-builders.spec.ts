// policies/lib/rule: what every rule gets from its builder, tested on rules made here (each test builds
// its own, so no config cache is shared): config errors, exemptions by key, URN, type::name and for the
// stack, the fix appended, crashes reported as violations, and the metadata the packs publish.
import * as assert from "assert";
import { z } from "zod";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { EXEMPTION_SINK, message, resourceRule, ruleMeta, stackRule } from "../../policies/lib/rule";
import { runResource, runStack } from "./harness";

const INFO = { item: "Checklist 9: test", summary: "Says what it checks.", fix: "do the fix" };
const DEP = "kubernetes:apps/v1:Deployment";
function make(check: (ctx: any) => void) {
  return resourceRule("kubernetes", { name: "t-rule", ...INFO, config: { limit: z.number().default(2) }, appliesTo: (t) => t === DEP, appliesToText: "Deployments", check }) as ResourceValidationPolicy;
}
const props = { metadata: { name: "api", namespace: "web" } };

describe("rule builders (policies/lib/rule)", () => {
  it("publishes name, description, fix, severity and a config schema; metadata for the engine", () => {
    const p = make(() => {});
    assert.deepStrictEqual([p.name, p.description, p.enforcementLevel, p.severity, p.remediationSteps], ["t-rule", "[Checklist 9: test] Says what it checks.", "mandatory", "high", "do the fix"]);
    assert.deepStrictEqual(Object.keys(p.configSchema!.properties).sort(), ["exemptions", "limit"]);
    assert.strictEqual(p.configSchema!.required, undefined, "every key has a default");
    assert.deepStrictEqual([ruleMeta(p)?.kind, ruleMeta(p)?.pack], ["resource", "kubernetes"]);
    const req = resourceRule("aws", { name: "r", ...INFO, severity: "low", config: { must: z.string() }, appliesTo: () => true, appliesToText: "x", check: () => {} });
    assert.deepStrictEqual([req.severity, req.configSchema!.required], ["low", ["must"]]);
    assert.strictEqual(message("a.b", "is wrong", "fix it"), "a.b: is wrong. Fix: fix it");
  });
  it("reports with the rule's fix unless the report names its own; not applicable to other types", () => {
    const p = make((ctx) => { ctx.report("spec.a", `limit ${ctx.config.limit}`); ctx.report("spec.b", "other", "own fix"); });
    assert.deepStrictEqual(runResource(p, DEP, props).messages, ["spec.a: limit 2. Fix: do the fix", "spec.b: other. Fix: own fix"]);
    assert.deepStrictEqual(runResource(p, DEP, props, { config: { limit: 5 } }).messages[0], "spec.a: limit 5. Fix: do the fix");
    assert.strictEqual(runResource(p, "kubernetes:core/v1:Service", props).notApplicable, "Policy only applies to Deployments");
  });
  it("a bad config is one violation naming the policy, the key and the problem", () => {
    const p = make(() => assert.fail("must not run"));
    assert.deepStrictEqual(runResource(p, DEP, props, { config: { limit: "x" } }).messages, ["invalid config for policy t-rule: t-rule.limit: Invalid input: expected number, received string"]);
    assert.deepStrictEqual(runResource(p, DEP, props, { config: { limti: 1 } }).messages, ['invalid config for policy t-rule: t-rule: Unrecognized key: "limti"']);
    const cyclic: any = { limit: "x" };
    cyclic.self = cyclic;
    assert.strictEqual(runResource(p, DEP, props, { config: cyclic }).messages.length, 1, "a config JSON cannot print is still checked");
  });
  it("exemptions by Kind/namespace/name glob, by URN (exact or glob), by type::name; others still reported", () => {
    const p = make((ctx) => ctx.report("spec", "bad"));
    const ex = (resource: string, opts: { urn?: string; name?: string } = {}) => runResource(p, DEP, props, { ...opts, config: { exemptions: [{ resource, reason: "because" }] } });
    for (const r of [ex("Deployment/web/*"), ex("urn:x", { urn: "urn:x" }), ex("urn:pulumi:*::api-res", { name: "api-res" }), ex(`${DEP}::res`)]) {
      assert.deepStrictEqual([r.messages, r.exempted], [[], [{ message: "spec: bad. Fix: do the fix", reason: "because" }]]);
    }
    assert.deepStrictEqual(ex("Deployment/other/*").messages, ["spec: bad. Fix: do the fix"]);
  });
  it("without the engine's sink (under pulumi preview) an exempted violation is simply not reported", () => {
    const p = make((ctx) => ctx.report("spec", "bad"));
    const reported: string[] = [];
    const args: any = { type: DEP, name: "res", urn: "urn:x", props, getConfig: () => ({ exemptions: [{ resource: "urn:x", reason: "r" }] }), notApplicable: () => assert.fail("applies") };
    (p.validateResource as any)(args, (m: string) => reported.push(m));
    assert.deepStrictEqual(reported, []);
    assert.strictEqual(EXEMPTION_SINK in args, false);
  });
  it("a crash in a check is reported as a violation with the rule's fix; an unknown value is rethrown", () => {
    assert.deepStrictEqual(runResource(make(() => { throw new Error("boom"); }), DEP, props).messages, ["internal error while checking this object (boom); it is probably malformed. Fix: do the fix"]);
    assert.deepStrictEqual(runResource(make(() => { throw 42; }), DEP, props).messages, ["internal error while checking this object (42); it is probably malformed. Fix: do the fix"]);
    const unknown = Object.assign(new Error("unknown"), { unknownTypeSentinel: true });
    assert.throws(() => runResource(make(() => { throw unknown; }), DEP, props), /unknown/);
  });
  it("stack rules: config errors, reports by URN or for the stack, exemptions by key or 'stack', crashes", () => {
    const s = stackRule("aws", {
      name: "s-rule", ...INFO, config: { on: z.boolean().default(true) },
      check(ctx) {
        ctx.report(undefined, "stack", "whole");
        for (const r of ctx.resources) ctx.report(r.urn, "props", `of ${r.name}`);
      },
    }) as StackValidationPolicy;
    assert.deepStrictEqual(ruleMeta(s)?.kind, "stack");
    const inputs = [{ type: DEP, name: "d", props }, { type: "aws:s3/bucket:Bucket", name: "b", props: {} }];
    assert.deepStrictEqual(runStack(s, inputs).violations.map((v) => v.message), ["stack: whole. Fix: do the fix", "props: of d. Fix: do the fix", "props: of b. Fix: do the fix"]);
    assert.deepStrictEqual(runStack(s, inputs, { on: "x" }).violations.map((v) => v.message), ["invalid config for policy s-rule: s-rule.on: Invalid input: expected boolean, received string"]);
    const exempt = (resource: string) => runStack(s, inputs, { exemptions: [{ resource, reason: "r" }] });
    assert.deepStrictEqual(exempt("Deployment/web/*").exempted.map((e) => e.message), ["props: of d. Fix: do the fix"]);
    assert.deepStrictEqual(exempt("stack").exempted.map((e) => [e.message, e.urn]), [["stack: whole. Fix: do the fix", undefined]]);
    assert.deepStrictEqual(exempt("aws:s3/bucket:Bucket::b").exempted.map((e) => e.message), ["props: of b. Fix: do the fix"]);
    assert.deepStrictEqual(exempt("aws:s3/bucket:Bucket::b").violations.length, 2);
    const crash = stackRule("aws", { name: "c", ...INFO, check: () => { throw new Error("bad"); } }) as StackValidationPolicy;
    assert.deepStrictEqual(runStack(crash, inputs).violations, [{ message: "internal error while checking the stack (bad). Fix: do the fix", urn: undefined }]);
    const crashExempt = runStack(crash, inputs, { exemptions: [{ resource: "stack", reason: "known" }] });
    assert.deepStrictEqual([crashExempt.violations, crashExempt.exempted.map((e) => e.reason)], [[], ["known"]]);
  });
});
