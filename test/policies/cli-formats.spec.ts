// The offline checker's locations (file, document, line), YAML 1.1 reading, CI formats and empty input.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument, stringify } from "yaml";
import { parseManifestText } from "../../policies/lib/manifests";
import { lineOfPath } from "../../policies/lib/yaml-lines";
import { CHUNK_SIZE } from "../../policies/lib/yaml-stream";
import { makeObject } from "../../tools/bench/policy";
import { podWith, workload } from "./fixtures";
import { runCli } from "./harness";

const NS = { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } };
const DENY = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };

const run = runCli;

describe("policy checker: locations, YAML 1.1, formats", () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-fmt-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  // Document 2 (index 1) starts after a comment; its privileged field is on a known line.
  const PRIVILEGED = workload("Deployment", podWith((s) => (s.containers[0].securityContext.privileged = true)));
  const text = () => `# leading comment\n${stringify(NS)}---\n# the app\n${stringify(DENY)}---\n${stringify(PRIVILEGED)}`;
  const lineOf = (t: string, needle: string, from = 0) => t.slice(0, t.indexOf(needle, from)).split("\n").length;

  it("each violation carries the file, the document index, the object's line and the field's line", () => {
    const t = text();
    const f = file("app.yaml", t);
    const j = JSON.parse(run(["check", f, "--json"]).out);
    const v = j.violations.find((x: any) => x.policy === "k8s-no-privileged");
    const docStart = t.lastIndexOf("---\n") + 4;
    assert.deepStrictEqual([v.file, v.document, v.line, v.fieldLine], [f, 2, lineOf(t, "apiVersion", docStart), lineOf(t, "privileged: true")]);
  });

  it("finds lines inside List items, in flow style and in JSON (all from the same event stream)", () => {
    const list = { apiVersion: "v1", kind: "List", items: [NS, PRIVILEGED] };
    const t = stringify(list);
    const j = JSON.parse(run(["check", file("list.yaml", t), "--json"]).out);
    const v = j.violations.find((x: any) => x.policy === "k8s-no-privileged");
    assert.strictEqual(v.fieldLine, lineOf(t, "privileged: true"));
    const json = JSON.stringify(PRIVILEGED, null, 1);
    const jj = JSON.parse(run(["check", file("d.json", json), "--json"]).out);
    assert.strictEqual(jj.violations.find((x: any) => x.policy === "k8s-no-privileged").fieldLine, lineOf(json, '"privileged": true'));
  });

  it("reads YAML 1.1 as Kubernetes does: privileged: yes and allowPrivilegeEscalation: on are caught, 0755 is octal", () => {
    const y = stringify(workload("Pod")).replace(/( *)allowPrivilegeEscalation: false/, "$1allowPrivilegeEscalation: on\n$1privileged: yes");
    assert.match(y, /privileged: yes/);
    const j = JSON.parse(run(["check", file("y.yaml", y), "--json"]).out);
    const policies = j.violations.map((v: any) => v.policy);
    assert.ok(policies.includes("k8s-no-privileged") && policies.includes("k8s-no-privilege-escalation"), policies.join());
    const parsed = parseManifestText("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata: {mode: 0755, on: off, when: 2024-01-02}\n", "m.yaml");
    assert.deepStrictEqual(parsed.resources[0].props.data, { mode: 493, true: false, when: "2024-01-02" });
  });

  it("a file read in chunks keeps YAML 1.1 and locations: privileged: yes in its last document is caught at its line", () => {
    const filler = Array.from({ length: 120 }, (_, i) => stringify(makeObject(i, 4)));
    const pod = stringify({ ...workload("Pod"), metadata: { name: "late", namespace: "apps" } }).replace(/( *)allowPrivilegeEscalation: false/, "$1allowPrivilegeEscalation: false\n$1privileged: yes");
    const text = [...filler, pod].join("---\n");
    assert.ok(text.length > 2 * CHUNK_SIZE, `${text.length} characters`);
    const j = JSON.parse(run(["check", file("big.yaml", text), "--json"]).out);
    const late = j.violations.filter((v: any) => v.policy === "k8s-no-privileged" && v.object.endsWith("/late"));
    const line = text.split("\n").findIndex((l) => l.trim() === "privileged: yes") + 1;
    assert.deepStrictEqual(late.map((v: any) => [v.document, v.fieldLine]), [[120, line]]);
  });

  it("the fast parser gives the same objects as the yaml package's YAML 1.1 composer", () => {
    const tricky = [
      "base: &b {cpu: 100m}\nobj:\n  <<: *b\n  memory: 1Gi\n",
      "script: |\n  ---\n  echo yes\nfolded: >-\n  a\n  b\nq: 'it''s'\n\"k: x\": \"v\\n\"\n",
      "list: [a, {b: c}, 0x1F, 1_000, .5, ~, Off]\n",
    ];
    const all = [...Array.from({ length: 40 }, (_, i) => stringify(makeObject(i, 3))), ...tricky.map((t) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\n${t}`)];
    const fast = parseManifestText(all.join("---\n"), "x.yaml").resources.map((r) => r.props);
    const exact = all.map((t) => parseDocument(t, { version: "1.1", customTags: [] }).toJS());
    assert.deepStrictEqual(fast, exact);
  });

  it("the line finder handles k8s-style and indented sequences, quoted keys, inline maps and missing fields", () => {
    const t = 'kind: Pod\nmetadata:\n  annotations:\n    "a.b/c": "x: y"\nspec:\n  containers:\n  - name: a # c: d\n    ports: [{containerPort: 1}]\n  - name: b\n    securityContext:\n        privileged: true\n  volumes:\n    - name: v\n      hostPath: {path: /}\n';
    const at = (p: string) => lineOfPath(t, p) + 1;
    assert.deepStrictEqual(
      [at('metadata.annotations["a.b/c"]'), at("spec.containers[1].securityContext.privileged"), at("spec.containers[0].ports[0].hostPort"), at("spec.containers[0].securityContext.runAsNonRoot"), at("spec.volumes[0].hostPath.path"), at("spec.securityContext.seccompProfile")],
      [4, 11, 8, 7, 14, 5],
    );
  });

  it("numbers documents as the stream does: comment-only and `...`-ended documents count, directives do not", () => {
    const broken = (t: string) => {
      try {
        parseManifestText(t, "b.yaml");
      } catch (e) {
        return (e as Error).message;
      }
      return "parsed";
    };
    const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n";
    assert.match(broken(`# head\n---\n${cm}---\nkind: [\n`), /document 2 \(index 1\): invalid YAML: line 8:/);
    assert.match(broken(`${cm}...\n---\n${cm}---\n# empty\n---\nkind: [\n`), /document 4 \(index 3\): invalid YAML: line 1[0-9]:/);
    assert.match(broken(`${cm}...\nkind: [\n`), /document 2 \(index 1\)/);
    assert.match(broken(`kind: [\n`), /document 1 \(index 0\)/);
    // a %YAML directive is read (YAML 1.1 booleans still apply), and the object's line is its first key's
    const r = parseManifestText(`%YAML 1.1\n---\n${cm}data: {on: yes}\n---\n# c\n---\n${cm}`, "d.yaml");
    assert.deepStrictEqual(r.resources.map((x) => [x.document, x.line, x.props.data]), [[0, 3, { true: true }], [2, 10, undefined]]);
  });

  it("finds field lines through aliases, quoted and tagged keys, and empty sequence items", () => {
    const t = [
      "apiVersion: v1",
      "kind: Pod",
      "metadata: {name: p}",
      "spec:",
      "  securityContext: &sc",
      "    runAsNonRoot: true",
      "  'containers':",
      "  - name: a",
      "    securityContext: *sc",
      "  - ",
      '  - name: "c"',
      '    !!str "image": x',
      "",
    ].join("\n");
    const r = parseManifestText(t, "p.yaml").resources[0];
    assert.deepStrictEqual(
      ["spec.securityContext.runAsNonRoot", "spec.containers[0].securityContext.privileged", "spec.containers[1].name", "spec.containers[2].image", "spec.containers[5]", "metadata.name"].map((p) => r.lineOf!(p)),
      [6, 9, 7, 12, 7, 3],
    );
  });

  it("--format sarif prints SARIF 2.1.0 with rule metadata and file/line locations", () => {
    const t = text();
    const r = run(["check", file("app.yaml", t), "--format", "sarif"]);
    assert.strictEqual(r.code, 1);
    const s = JSON.parse(r.out);
    assert.strictEqual(s.version, "2.1.0");
    const rules = s.runs[0].tool.driver.rules;
    const res = s.runs[0].results.find((x: any) => x.ruleId === "k8s-no-privileged");
    assert.strictEqual(rules[res.ruleIndex].id, "k8s-no-privileged");
    assert.strictEqual(res.level, "error");
    assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /app\.yaml$/);
    assert.strictEqual(res.locations[0].physicalLocation.region.startLine, lineOf(t, "privileged: true"));
  });

  it("--format github prints ::error/::warning workflow commands at the field's line, escaped", () => {
    const t = text();
    const r = run(["check", file("app.yaml", t), "--format", "github", "--env", "dev"]);
    const lines = r.out.split("\n");
    const priv = lines.find((l) => l.includes("title=k8s-no-privileged"))!;
    assert.match(priv, new RegExp(`^::error file=[^,]*app\\.yaml,line=${lineOf(t, "privileged: true")},title=k8s-no-privileged Deployment/apps/api::spec\\.template`));
    assert.ok(lines.every((l) => /^::(error|warning) /.test(l)), r.out);
    assert.ok(!lines.some((l) => /::.*\n/.test(l)));
  });

  it("--format markdown puts the summary first, then one table row per violation", () => {
    const r = run(["check", file("app.yaml", text()), "--format", "markdown"]);
    const lines = r.out.split("\n");
    assert.match(lines[0], /^\*\*Policy check: failed\.\*\* 3 objects: \d+ mandatory/);
    assert.ok(lines.some((l) => /^\| mandatory \| `k8s-no-privileged` \| `Deployment\/apps\/api` \| `.*app\.yaml:\d+` \|/.test(l)), r.out);
  });

  it("exits 2 with the reason on empty input or input without Kubernetes objects, and on an unknown format", () => {
    for (const [name, body] of [["empty.yaml", ""], ["comments.yaml", "# nothing\n---\n"], ["Chart.yaml", "apiVersion: v2\nname: app\n"], ["values.yaml", "replicas: 2\n"]]) {
      const r = run(["check", file(name, body)]);
      assert.strictEqual(r.code, 2, name);
      assert.match(r.err, /no Kubernetes object .*not a pass/, name);
    }
    const sub = path.join(dir, "none");
    fs.mkdirSync(sub);
    file("none-readme.txt", "x");
    assert.match(run(["check", sub]).err, /no \.yaml, \.yml or \.json file found/);
    assert.strictEqual(run(["check", file("ok.yaml", stringify(NS)), "--format", "xml"]).code, 2);
  });
});
