// Every output format of the checker over one hand-made report, compared whole: text (formatReport),
// JSON (toJson), SARIF, GitHub workflow commands and Markdown, plus the exit code. The report holds
// each shape a violation can take: a field line, only an object line, no line, no file, stdin, an
// advisory level, text that needs escaping; and an exemption and both kinds of skipped check.
import * as assert from "assert";
import * as path from "path";
import { formatReport, PACKS, PolicyReport, Violation } from "../../policies/engine";
import { exitCode, toJson } from "../../policies/cli";
import { toGithub, toMarkdown, toSarif } from "../../policies/formats";
import { ruleMeta } from "../../policies/lib/rule";

const ABS = path.join(process.cwd(), "deploy", "app.yaml");
const V: Violation[] = [
  { policy: "k8s-no-privileged", pack: "kubernetes", level: "mandatory", object: "Deployment/apps/api", urn: "urn:a", file: ABS, document: 0, line: 1, fieldLine: 20, message: "spec.x: a|b\nc. Fix: f" },
  { policy: "k8s-probes-set", pack: "kubernetes", level: "advisory", object: "Deployment/apps/api", file: ABS, document: 0, line: 1, message: "m2" },
  { policy: "aws-s3-versioning", pack: "aws", level: "mandatory", object: "a:b,c", message: "50% done\r\nx" },
  { policy: "k8s-image-pinned", pack: "kubernetes", level: "mandatory", object: "Pod/p/q", file: "<stdin>", line: 3, message: "m4" },
  { policy: "k8s-resources-set", pack: "kubernetes", level: "advisory", object: "Pod/p/r", file: "x.yaml", message: "m5" },
];
const REPORT: PolicyReport = {
  objects: 6,
  violations: V,
  exempted: [{ ...V[1], policy: "k8s-no-host-path", reason: "node agent", exemption: "DaemonSet/*" }],
  skipped: [
    { policy: "k8s-x", pack: "kubernetes", object: "Pod/a/b", reason: "policy threw: boom", error: true },
    { policy: "aws-y", pack: "aws", object: "Bucket/b", file: "b.yaml", reason: "can't run during preview: z", error: false },
  ],
};
const EMPTY: PolicyReport = { objects: 1, violations: [], exempted: [], skipped: [] };

describe("checker output formats over one report", () => {
  it("text: one block per violation, exemption and skipped check, then the counts", () => {
    assert.deepStrictEqual(formatReport(REPORT), [
      `MANDATORY k8s-no-privileged Deployment/apps/api (${ABS}:20)\n  spec.x: a|b\nc. Fix: f`,
      `ADVISORY k8s-probes-set Deployment/apps/api (${ABS}:1)\n  m2`,
      "MANDATORY aws-s3-versioning a:b,c\n  50% done\r\nx",
      "MANDATORY k8s-image-pinned Pod/p/q (<stdin>:3)\n  m4",
      "ADVISORY k8s-resources-set Pod/p/r (x.yaml)\n  m5",
      `EXEMPTED k8s-no-host-path Deployment/apps/api (${ABS}:1)\n  m2\n  reason: node agent`,
      "ERROR k8s-x Pod/a/b\n  policy threw: boom",
      "SKIPPED aws-y Bucket/b (b.yaml)\n  can't run during preview: z",
      "6 objects: 3 mandatory, 2 advisory, 1 exempted, 2 skipped",
    ]);
    assert.deepStrictEqual(formatReport(EMPTY), ["1 objects: 0 mandatory, 0 advisory, 0 exempted, 0 skipped"]);
  });

  it("json: every field present, null where unknown; exit code 1 for a mandatory violation or a crashed rule", () => {
    const j = toJson(REPORT) as any;
    assert.strictEqual(j.objects, 6);
    assert.deepStrictEqual(j.violations[0], { policy: "k8s-no-privileged", level: "mandatory", object: "Deployment/apps/api", file: ABS, document: 0, line: 1, fieldLine: 20, message: "spec.x: a|b\nc. Fix: f" });
    assert.deepStrictEqual(j.violations[2], { policy: "aws-s3-versioning", level: "mandatory", object: "a:b,c", file: null, document: null, line: null, fieldLine: null, message: "50% done\r\nx" });
    assert.deepStrictEqual(j.exempted, [{ policy: "k8s-no-host-path", level: "advisory", object: "Deployment/apps/api", file: ABS, document: 0, line: 1, fieldLine: null, message: "m2", reason: "node agent" }]);
    assert.deepStrictEqual(j.skipped, [
      { policy: "k8s-x", object: "Pod/a/b", file: null, reason: "policy threw: boom", error: true },
      { policy: "aws-y", object: "Bucket/b", file: "b.yaml", reason: "can't run during preview: z", error: false },
    ]);
    assert.strictEqual(exitCode(REPORT), 1);
    assert.strictEqual(exitCode(EMPTY), 0);
    assert.strictEqual(exitCode({ ...EMPTY, violations: [V[1]] }), 0, "advisory only");
    assert.strictEqual(exitCode({ ...EMPTY, skipped: [REPORT.skipped[1]] }), 0, "skipped during preview");
    assert.strictEqual(exitCode({ ...EMPTY, skipped: [REPORT.skipped[0]] }), 1, "a rule crashed");
  });

  it("sarif: one rule per policy with its metadata, results with level, message and location", () => {
    const s = toSarif(REPORT) as any;
    assert.strictEqual(s.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
    assert.strictEqual(s.version, "2.1.0");
    assert.strictEqual(s.runs.length, 1);
    const { driver } = s.runs[0].tool;
    assert.strictEqual(driver.name, "platform-policy");
    const all = [...PACKS.kubernetes, ...PACKS.aws];
    assert.deepStrictEqual(driver.rules.map((r: any) => r.id), all.map((p) => p.name));
    for (const [i, p] of all.entries()) {
      const meta = ruleMeta(p)!;
      assert.deepStrictEqual(driver.rules[i], { id: p.name, shortDescription: { text: meta.summary }, help: { text: meta.fix }, properties: { pack: meta.pack, item: meta.item } });
    }
    const idx = (name: string) => all.findIndex((p) => p.name === name);
    const loc = (uri: string, startLine?: number) => [{ physicalLocation: { artifactLocation: { uri }, ...(startLine === undefined ? {} : { region: { startLine } }) } }];
    assert.deepStrictEqual(s.runs[0].results, [
      { ruleId: "k8s-no-privileged", ruleIndex: idx("k8s-no-privileged"), level: "error", message: { text: "Deployment/apps/api: spec.x: a|b\nc. Fix: f" }, locations: loc("deploy/app.yaml", 20) },
      { ruleId: "k8s-probes-set", ruleIndex: idx("k8s-probes-set"), level: "warning", message: { text: "Deployment/apps/api: m2" }, locations: loc("deploy/app.yaml", 1) },
      { ruleId: "aws-s3-versioning", ruleIndex: idx("aws-s3-versioning"), level: "error", message: { text: "a:b,c: 50% done\r\nx" } },
      { ruleId: "k8s-image-pinned", ruleIndex: idx("k8s-image-pinned"), level: "error", message: { text: "Pod/p/q: m4" } },
      { ruleId: "k8s-resources-set", ruleIndex: idx("k8s-resources-set"), level: "warning", message: { text: "Pod/p/r: m5" }, locations: loc("x.yaml") },
    ]);
  });

  it("github: ::error/::warning with file, line and title as properties, escaped", () => {
    assert.deepStrictEqual(toGithub(REPORT), [
      "::error file=deploy/app.yaml,line=20,title=k8s-no-privileged Deployment/apps/api::spec.x: a|b%0Ac. Fix: f",
      "::warning file=deploy/app.yaml,line=1,title=k8s-probes-set Deployment/apps/api::m2",
      "::error title=aws-s3-versioning a%3Ab%2Cc::50%25 done%0D%0Ax",
      "::error line=3,title=k8s-image-pinned Pod/p/q::m4",
      "::warning file=x.yaml,title=k8s-resources-set Pod/p/r::m5",
    ]);
    assert.deepStrictEqual(toGithub(EMPTY), []);
  });

  it("markdown: the verdict and counts, a table row per violation (cells escaped), the skipped checks", () => {
    assert.deepStrictEqual(toMarkdown(REPORT), [
      "**Policy check: failed.** 6 objects: 3 mandatory, 2 advisory, 1 exempted, 2 skipped.",
      "",
      "| Level | Rule | Object | Where | Finding |",
      "|---|---|---|---|---|",
      "| mandatory | `k8s-no-privileged` | `Deployment/apps/api` | `deploy/app.yaml:20` | spec.x: a\\|b c. Fix: f |",
      "| advisory | `k8s-probes-set` | `Deployment/apps/api` | `deploy/app.yaml:1` | m2 |",
      "| mandatory | `aws-s3-versioning` | `a:b,c` |  | 50% done x |",
      "| mandatory | `k8s-image-pinned` | `Pod/p/q` | `<stdin>:3` | m4 |",
      "| advisory | `k8s-resources-set` | `Pod/p/r` | `x.yaml` | m5 |",
      "",
      "Skipped checks: `k8s-x` on `Pod/a/b` (policy threw: boom); `aws-y` on `Bucket/b` (can't run during preview: z).",
    ]);
    assert.deepStrictEqual(toMarkdown(EMPTY), ["**Policy check: passed.** 1 objects: 0 mandatory, 0 advisory, 0 exempted, 0 skipped."]);
    assert.deepStrictEqual(toMarkdown({ ...EMPTY, violations: [V[1]] }).slice(0, 1), ["**Policy check: passed.** 1 objects: 0 mandatory, 1 advisory, 0 exempted, 0 skipped."]);
  });
});
