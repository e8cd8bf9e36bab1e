import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { podWith, workload } from "./fixtures";
import { runCli } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const NS = { apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } };
const DENY = { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "default-deny", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } };
const docs = (...objs: unknown[]) => objs.map((o) => stringify(o)).join("---\n");

const run = runCli;

describe("policy CLI (npm run policy -- check)", () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
    return p;
  };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-cli-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("exits 0 on compliant manifests and counts objects", () => {
    const f = file("ok.yaml", docs(NS, DENY, workload("Deployment")));
    const r = run(["check", f]);
    assert.strictEqual(r.code, 0, r.out);
    assert.match(r.out, /3 objects: 0 mandatory, 0 advisory/);
  });

  it("exits 1 on a mandatory violation and prints object, rule, level and fix", () => {
    const bad = workload("StatefulSet", podWith((s) => (s.containers[0].image = "registry:5000/app")));
    const f = file("bad.yaml", docs(NS, DENY, bad));
    const r = run(["check", f]);
    assert.strictEqual(r.code, 1);
    assert.match(r.out, /^MANDATORY k8s-image-pinned StatefulSet\/apps\/api \(.*bad\.yaml:\d+\)\n  spec\.template\.spec\.containers\[0\]\.image: .*Fix: /m);
  });

  it("exits 0 when dev only has advisory violations, 1 for the same input in prod", () => {
    const f = file("probes.yaml", docs(NS, DENY, workload("Deployment", podWith((s) => delete s.containers[0].livenessProbe))));
    const dev = run(["check", f, "--env", "dev"]);
    assert.strictEqual(dev.code, 0);
    assert.match(dev.out, /ADVISORY k8s-probes-set/);
    assert.strictEqual(run(["check", f, "--env", "prod"]).code, 1);
  });

  it("--json prints {objects, violations[{policy, level, object, file, document, line, fieldLine, message}]}", () => {
    const f = file("j.yaml", docs(NS, workload("Deployment")));
    const r = run(["check", f, "--json"]);
    const j = JSON.parse(r.out);
    assert.strictEqual(j.objects, 2);
    assert.deepStrictEqual(Object.keys(j.violations[0]), ["policy", "level", "object", "file", "document", "line", "fieldLine", "message"]);
    assert.deepStrictEqual([j.violations[0].policy, j.violations[0].level, j.violations[0].object, j.violations[0].file], ["k8s-namespace-default-deny", "mandatory", "Namespace/apps", f]);
  });

  it("expands List kinds and walks directories recursively (helm template output, app repos)", () => {
    file("chart/templates/all.yaml", docs({ apiVersion: "v1", kind: "List", items: [NS, DENY, workload("CronJob")] }));
    file("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");
    file("chart/notes.txt", "not yaml at all: [");
    const r = run(["check", path.join(dir, "chart"), "--json"]);
    assert.strictEqual(r.code, 0, r.out);
    assert.strictEqual(JSON.parse(r.out).objects, 3);
    assert.match(r.err, /Chart\.yaml: document 1: skipped, not a Kubernetes object/);
  });

  it("runs stack-level rules over the whole set: a NetworkPolicy in another file counts", () => {
    const a = file("a.yaml", docs(NS, workload("Deployment")));
    assert.strictEqual(run(["check", a]).code, 1);
    const b = file("b.yaml", docs(DENY));
    assert.strictEqual(run(["check", a, b]).code, 0);
  });

  it("exits 2 on unreadable input, naming the file and the document", () => {
    const f = file("broken.yaml", docs(NS) + "---\nkind: Deployment\n  metadata: [\n");
    const r = run(["check", f]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /broken\.yaml: document 2 \(index 1\): invalid YAML/);
    const s = run(["check", file("scalar.yaml", docs(NS) + "---\njust a string\n")]);
    assert.strictEqual(s.code, 2);
    assert.match(s.err, /scalar\.yaml: document 2 .*expected a Kubernetes object/);
    const missing = run(["check", path.join(dir, "nope.yaml")]);
    assert.strictEqual(missing.code, 2);
    assert.match(missing.err, /nope\.yaml: cannot read \(ENOENT\)/);
  });

  it("exits 2 on bad usage or an unknown env", () => {
    assert.strictEqual(run([]).code, 2);
    assert.strictEqual(run(["lint", "x"]).code, 2);
    assert.strictEqual(run(["check", "x", "--bogus"]).code, 2);
    const r = run(["check", file("ok.yaml", docs(NS)), "--env", "qa"]);
    assert.strictEqual(r.code, 2);
    assert.match(r.err, /unknown environment "qa"/);
  });

  it("reads stdin with `-` as a real process (npm run policy entry point)", function () {
    this.timeout(30000);
    const input = docs(NS, DENY, workload("Deployment", podWith((s) => (s.hostNetwork = true))));
    const p = spawnSync(process.execPath, ["-r", "./tools/register.js", "policies/cli.ts", "check", "-", "--json"], { cwd: ROOT, input, encoding: "utf8" });
    assert.strictEqual(p.status, 1, p.stderr);
    const j = JSON.parse(p.stdout);
    assert.deepStrictEqual(j.violations.map((v: any) => [v.policy, v.object, v.file]), [["k8s-no-host-namespaces", "Deployment/apps/api", "<stdin>"]]);
  });
});
