// The checker's command line in-process: what each misuse prints and returns, and checkManifests'
// own contract (the config it is given, an injected reader, values taken literally).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { checkManifests, main } from "../../policies/cli";
import { loadPolicyConfig, PolicyConfig } from "../../policies/engine";

function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out, err };
}
const USAGE = /^usage: npm run policy -- check <file\|dir\|->\.\.\. \[--env <env>\] \[--format text\|json\|sarif\|github\|markdown\]\n/;
const POD = (image: string) => `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: apps}\nspec:\n  containers:\n  - name: app\n    image: "${image}"\n`;

describe("policy CLI usage and checkManifests", () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-usage-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it("--help prints the usage on stdout and exits 0", () => {
    const r = run(["--help"]);
    assert.strictEqual(r.code, 0);
    assert.strictEqual(r.out.length, 1);
    assert.match(r.out[0], USAGE);
    assert.deepStrictEqual(r.err, []);
  });
  it("no command, a wrong command, no input, an unknown option or format: usage on stderr, exit 2", () => {
    for (const args of [[], ["check"]]) {
      const r = run(args);
      assert.deepStrictEqual([r.code, r.out, r.err.length], [2, [], 1], args.join(" "));
      assert.match(r.err[0], USAGE, args.join(" "));
    }
    const wrong = run(["lint", "x"]);
    assert.strictEqual(wrong.code, 2);
    assert.match(wrong.err[0], /^unknown command "lint"\nusage: /);
    const opt = run(["check", "x", "--bogus"]);
    assert.strictEqual(opt.code, 2);
    assert.match(opt.err[0], /'--bogus'.*\nusage: /s);
    const fmt = run(["check", "x", "--format", "xml"]);
    assert.strictEqual(fmt.code, 2);
    assert.match(fmt.err[0], /^unknown --format "xml": use one of text, json, sarif, github, markdown\nusage: /);
  });
  it("input with nothing to check is an error, not a pass: no file found, no Kubernetes object (one file or several)", () => {
    const empty = path.join(dir, "empty");
    fs.mkdirSync(empty);
    assert.deepStrictEqual(run(["check", empty]), { code: 2, out: [], err: [`error: ${empty}: no .yaml, .yml or .json file found: nothing to check (a typo in the path, or the wrong directory?)`] });
    const chart = file("Chart.yaml", "apiVersion: v2\nname: c\n");
    const values = file("values.yaml", "replicas: 1\n");
    const NO_OBJECT = "no Kubernetes object (a mapping with apiVersion and kind) in the input: nothing was checked, so this is not a pass";
    assert.deepStrictEqual(run(["check", chart]), { code: 2, out: [], err: [`warning: ${chart}: document 1: skipped, not a Kubernetes object (no apiVersion/kind)`, `error: ${chart}: ${NO_OBJECT}`] });
    assert.strictEqual(run(["check", chart, values]).err.pop(), `error: 2 files: ${NO_OBJECT}`);
  });
  it("--json and --format json print the same report; the default is text", () => {
    const f = file("pod.yaml", POD("nginx:latest"));
    const a = run(["check", f, "--json"]);
    const b = run(["check", f, "--format", "json"]);
    assert.strictEqual(a.code, 1);
    assert.deepStrictEqual(a.out, b.out);
    assert.strictEqual(JSON.parse(a.out[0]).objects, 1);
    const text = run(["check", f]);
    assert.match(text.out[text.out.length - 1], /^1 objects: \d+ mandatory, \d+ advisory, 0 exempted, 0 skipped$/);
    assert.match(run(["check", f, "--format", "sarif"]).out[0], /"version": "2\.1\.0"/);
    assert.match(run(["check", f, "--format", "github"]).out[0], /^::error file=/);
    assert.match(run(["check", f, "--format", "markdown"]).out[0], /^\*\*Policy check: failed\.\*\*/);
  });
  it("checkManifests uses the config it is given, reads through the injected reader, and takes values literally", () => {
    const read = (f: string) => ({ "a.yaml": POD("nginx:latest"), "b.yaml": POD("04da6b54-80e4-46f7-96ec-b56ff0331ba9") })[f]!;
    const prod = checkManifests(["a.yaml"], "prod", undefined, read);
    assert.strictEqual(prod.report.objects, 1);
    assert.ok(prod.report.violations.some((v) => v.policy === "k8s-image-pinned"));
    const off: PolicyConfig = { env: "prod", packs: { kubernetes: { all: "disabled" }, aws: { all: "disabled" } } };
    assert.deepStrictEqual(checkManifests(["a.yaml"], "prod", off, read).report.violations, []);
    // Pulumi's "unknown string" sentinel in a YAML file is just a string: checked, never skipped as unknown.
    const sentinel = checkManifests(["b.yaml"], "prod", loadPolicyConfig("prod"), read).report;
    assert.deepStrictEqual(sentinel.skipped, []);
    assert.ok(sentinel.violations.some((v) => v.policy === "k8s-image-pinned" && /no tag/.test(v.message)));
    const two = checkManifests(["a.yaml", "a.yaml"], "prod", off, read);
    assert.deepStrictEqual([two.report.objects, two.warnings], [2, []]);
  });
});
