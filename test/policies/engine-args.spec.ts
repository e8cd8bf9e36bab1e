// What the offline engine hands a policy, seen from inside one (a spy policy): props with secrets
// unwrapped and unknowns behind the analyzer's proxy, types, parents, dependencies, and how each
// kind of failure is reported. The engine loads the analyzer's unknown sentinels once per process,
// so each test here loads its own copy of policies/engine.ts (`freshEngine`): the load is part of
// what is tested, not something an earlier test did.
import * as assert from "assert";
import * as path from "path";
import * as aws from "@pulumi/aws";
import type * as EngineLib from "../../policies/engine";
import { freshModule } from "./harness";

const proxy = require("@pulumi/policy/proxy");
const SECRET = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const CONFIG = { env: "x", packs: { kubernetes: {}, aws: {} } } as EngineLib.PolicyConfig;

const freshEngine = () => freshModule<typeof EngineLib>("../../policies/engine");
type Res = EngineLib.PolicyResource;
const res = (name: string, props: Record<string, any> = {}, extra: Partial<Res> = {}): Res => ({ urn: `urn:${name}`, type: "test:index:Thing", name, props, ...extra });

/** Runs one resource policy `validate` over `resources`; returns the report. */
function runSpy(resources: Res[], validate: (args: any, report: (m: string) => void) => unknown, opts: Partial<EngineLib.EvaluateOptions> = {}) {
  const policy = { name: "spy", description: "t", enforcementLevel: "mandatory", validateResource: validate };
  return freshEngine().evaluatePolicies(resources, { env: "x", config: CONFIG, packs: ["aws"], policies: { aws: [policy as any] }, ...opts });
}

describe("offline engine: what a policy receives and how its failures are reported", () => {
  it("each of the analyzer's unknown sentinels makes a read throw, so the rule is skipped as during preview", () => {
    const kinds = ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"];
    const r = runSpy(kinds.map((k) => res(k, { spec: { deep: [{ v: proxy[k] }] } })), (args) => void args.props.spec.deep[0].v);
    assert.deepStrictEqual(r.skipped.map((s) => [s.policy, s.error, s.urn, s.object]), kinds.map((k) => ["spy", false, `urn:${k}`, `test:index:Thing::${k}`]));
    for (const s of r.skipped) assert.match(s.reason, /^can't run during preview: /);
  });
  it("without unknowns (the YAML checker) props reach the rule as they are", () => {
    let seen: unknown;
    const wrapped = SECRET("s");
    const r = runSpy([res("a", { x: proxy.unknownStringValue, y: wrapped })], (args) => void (seen = args.props), { unknowns: false });
    assert.deepStrictEqual(r.skipped, []);
    assert.deepStrictEqual(seen, { x: proxy.unknownStringValue, y: wrapped });
  });
  it("secrets are unwrapped at any depth, in arrays and inside other secrets; other values are kept", () => {
    let seen: unknown;
    runSpy([res("a", { top: SECRET("t"), list: [SECRET(1), { k: SECRET(SECRET({ n: SECRET(true) })) }], plain: { n: null, s: "x", a: [1] } })], (args) => void (seen = args.props));
    assert.deepStrictEqual(seen, { top: "t", list: [1, { k: { n: true } }], plain: { n: null, s: "x", a: [1] } });
    let untouched: unknown;
    const props = { a: { value: 1 }, b: ["x"] };
    runSpy([res("b", props)], (args) => void (untouched = args.props));
    assert.strictEqual(untouched, props, "no secret, no unknown: the same object");
  });
  it("args: type, name, urn, parent, stack tags, isType/asType by token or isInstance", () => {
    const seen: any[] = [];
    const byInstance = { isInstance: (o: any) => o?.__pulumiType === "test:index:Thing" };
    runSpy([res("p"), res("c", { v: 1 }, { parent: "urn:p" })], (args) => {
      seen.push([args.name, args.urn, args.type, args.opts.parent, args.stackTags.get("environment"), args.isType(byInstance), args.isType(aws.s3.Bucket), args.asType(byInstance), args.asType({ __pulumiType: "" })]);
    });
    assert.deepStrictEqual(seen, [
      ["p", "urn:p", "test:index:Thing", undefined, "x", true, false, {}, undefined],
      ["c", "urn:c", "test:index:Thing", "urn:p", "x", true, false, { v: 1 }, undefined],
    ]);
  });
  it("a violation gets the line of the field its message starts with, when that is a field path", () => {
    const asked: string[] = [];
    const lineOf = (p: string) => (asked.push(p), 40 + asked.length);
    const messages = ["spec.a: x", "Spec.b: y", "Internal error: z", "no field here", 'metadata.labels["a b"]: w', "1st: v", "plain"];
    const r = runSpy([res("a", {}, { file: "f.yaml", document: 2, line: 7, lineOf })], (_args, report) => messages.forEach((m) => report(m)));
    assert.deepStrictEqual(asked, ["spec.a", "Spec.b", "plain"]);
    assert.deepStrictEqual(r.violations.map((v) => [v.file, v.document, v.line, v.fieldLine]), [
      ["f.yaml", 2, 7, 41], ["f.yaml", 2, 7, 42], ["f.yaml", 2, 7, undefined], ["f.yaml", 2, 7, undefined], ["f.yaml", 2, 7, undefined], ["f.yaml", 2, 7, undefined], ["f.yaml", 2, 7, 43],
    ]);
    const bare = runSpy([res("b")], (_a, report) => report("spec.a: x")).violations[0];
    assert.deepStrictEqual(bare, { policy: "spy", pack: "aws", level: "mandatory", object: "test:index:Thing::b", urn: "urn:b", message: "spec.a: x" });
  });
  it("a throw, a non-Error throw and an async validation are skipped checks; notApplicable is not", () => {
    const r1 = runSpy([res("a", {}, { file: "f.yaml" })], () => { throw new Error("boom"); });
    assert.deepStrictEqual(r1.skipped, [{ policy: "spy", pack: "aws", object: "test:index:Thing::a", reason: "policy threw: boom", error: true, urn: "urn:a", file: "f.yaml" }]);
    assert.deepStrictEqual(runSpy([res("a")], () => { throw "str"; }).skipped.map((s) => s.reason), ['policy threw: "str"']);
    const r3 = runSpy([res("a")], () => Promise.resolve());
    assert.deepStrictEqual(r3.skipped.map((s) => [s.reason, s.error]), [["policy threw: asynchronous validations are not supported by the offline engine", true]]);
    assert.deepStrictEqual(runSpy([res("a")], (args) => args.notApplicable("no")).skipped, []);
    assert.deepStrictEqual(runSpy([res("a")], () => ({ then: 1 })).skipped, [], "a result that is not a promise");
  });
  it("a validation with a type token only sees resources of that type", () => {
    const seen: string[] = [];
    const validate = Object.assign((args: any) => void seen.push(args.name), { __pulumiType: "test:index:Other" });
    runSpy([res("a"), { ...res("b"), type: "test:index:Other" }], validate);
    assert.deepStrictEqual(seen, ["b"]);
  });
  it("type filters (a type token, the rule builder's APPLIES_TO, none) hold for every object when types interleave, in policy order", () => {
    const seen: string[] = [];
    const spy = (tag: string) => (args: any) => void seen.push(`${args.name}:${tag}`);
    const policies = [
      { name: "other-only", description: "t", validateResource: Object.assign(spy("token"), { __pulumiType: "test:index:Other" }) },
      { name: "thing-only", description: "t", validateResource: Object.assign(spy("applies"), { __appliesTo: (t: string) => t === "test:index:Thing" }) },
      { name: "all", description: "t", validateResource: [spy("all1"), spy("all2")] },
    ];
    const other = (name: string) => ({ ...res(name), type: "test:index:Other" });
    freshEngine().evaluatePolicies([res("a"), other("b"), res("c"), other("d"), other("e")], { env: "x", config: CONFIG, packs: ["aws"], policies: { aws: policies as any } });
    assert.deepStrictEqual(seen, [
      "a:applies", "a:all1", "a:all2", "b:token", "b:all1", "b:all2", "c:applies", "c:all1", "c:all2",
      "d:token", "d:all1", "d:all2", "e:token", "e:all1", "e:all2",
    ]);
  });
  it("stack policies: parents, dependencies and property dependencies as views; unknown URNs dropped; reports by URN", () => {
    let views: any[] = [];
    const stack = {
      name: "stack-spy",
      description: "t",
      validateStack: (args: any, report: (m: string, urn?: string) => void) => {
        views = args.resources;
        report("whole stack");
        report("one", "urn:b");
        report("elsewhere", "urn:gone");
      },
    };
    const resources = [res("a"), res("b", {}, { parent: "urn:a", dependencies: ["urn:a", "urn:gone"], propertyDependencies: { bucket: ["urn:a", "urn:gone"], odd: "urn:a" as any } })];
    const r = freshEngine().evaluatePolicies(resources, { env: "x", config: CONFIG, packs: ["aws"], policies: { aws: [stack as any] } });
    assert.strictEqual(views[1].parent, views[0]);
    assert.strictEqual(views[0].parent, undefined);
    assert.deepStrictEqual(views[1].dependencies, [views[0]]);
    assert.deepStrictEqual(views[0].dependencies, []);
    assert.strictEqual(views[1].propertyDependencies.bucket[0], views[0]);
    assert.deepStrictEqual([views[1].propertyDependencies.bucket.length, views[1].propertyDependencies.odd], [1, []]);
    assert.deepStrictEqual([views[1].opts.parent, views[0].opts.parent], ["urn:a", undefined]);
    assert.ok(views[0].isType({ __pulumiType: "test:index:Thing" }) && !views[0].isType({ __pulumiType: "x" }));
    assert.deepStrictEqual(r.violations.map((v) => [v.object, v.urn]), [["stack", undefined], ["test:index:Thing::b", "urn:b"], ["urn:gone", "urn:gone"]]);
    const asyncStack = { name: "s", description: "t", validateStack: () => Promise.resolve() };
    const r2 = freshEngine().evaluatePolicies([res("a")], { env: "x", config: CONFIG, packs: ["aws"], policies: { aws: [asyncStack as any] } });
    assert.deepStrictEqual(r2.skipped, [{ policy: "s", pack: "aws", object: "stack", reason: "policy threw: asynchronous validations are not supported by the offline engine", error: true }]);
  });
  it("config files: environments need a file for every pack; an entry in both forms gives the level", () => {
    const e = freshEngine();
    assert.strictEqual(e.configPath("aws", "dev", "/p"), path.join("/p", "aws", "config", "dev.json"));
    assert.deepStrictEqual(e.availableEnvs("/nonexistent"), []);
    assert.strictEqual(e.effectiveLevel({ name: "a" }, {}), "mandatory");
    assert.strictEqual(e.effectiveLevel({ name: "a", enforcementLevel: "advisory" }, {}), "advisory");
    assert.strictEqual(e.effectiveLevel({ name: "a", enforcementLevel: "advisory" }, { all: "disabled" }), "disabled");
    assert.strictEqual(e.effectiveLevel({ name: "a" }, { all: "disabled", a: { enforcementLevel: "advisory" } }), "advisory");
    assert.strictEqual(e.effectiveLevel({ name: "a" }, { all: "disabled", a: {} }), "disabled");
    assert.throws(() => e.validatePackConfig("aws", []), /aws config: must be a JSON object/);
    assert.throws(() => e.validatePackConfig("aws", { zzzzzzzzzzzzzz: "advisory" }), (err: any) => /unknown policy "zzzzzzzzzzzzzz" in the aws pack; use one of: aws-eks-secrets-encryption, /.test(err.issues[0]));
  });
});
