// policies/lib/manifests: how the offline checker turns files into objects (URNs, names, documents,
// lines, List items) and how it names unreadable input (the file, the 1-based document, the line).
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expandInputs, InputError, parseManifestText, readInput, uniqueUrns } from "../../policies/lib/manifests";

const MULTI = `# comment
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: ns}
---
---
# only comment
---
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {generateName: gen-}
- apiVersion: v1
  kind: Secret
---
apiVersion: v2
name: chart
`;
const errorOf = (text: string, file = "f.yaml") => {
  try {
    parseManifestText(text, file);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  return assert.fail("no error");
};

describe("policies/lib/manifests", () => {
  it("objects of a multi-document file: URN, name (generateName, then kind-file-document), document index and lines", () => {
    const r = parseManifestText(MULTI, "f.yaml");
    assert.deepStrictEqual(r.resources.map((x) => [x.urn, x.name, x.document, x.line, x.lineOf!("metadata")]), [
      ["urn:pulumi:offline::manifests::kubernetes:core/v1:ConfigMap::ns/a", "a", 0, 2, 4],
      ["urn:pulumi:offline::manifests::kubernetes:apps/v1:Deployment::gen-", "gen-", 3, 12, 14],
      ["urn:pulumi:offline::manifests::kubernetes:core/v1:Secret::secret-f.yaml-4", "secret-f.yaml-4", 3, 15, 15],
    ]);
    assert.deepStrictEqual(r.warnings, ["f.yaml: document 5: skipped, not a Kubernetes object (no apiVersion/kind)"]);
    assert.deepStrictEqual(Object.keys(r.resources[0]), ["urn", "type", "name", "props", "file", "document", "line"], "lineOf is not enumerable (reports serialize resources)");
    assert.strictEqual(parseManifestText("apiVersion: v1\nkind: Pod\n", "-").resources[0].file, "<stdin>");
  });
  it("List kinds are unwrapped (any *List with items), other kinds are objects even with items", () => {
    const kinds = (t: string) => parseManifestText(t, "f.yaml").resources.map((x) => x.type);
    assert.deepStrictEqual(kinds("apiVersion: v1\nkind: ConfigMapList\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n"), ["kubernetes:core/v1:ConfigMap"]);
    assert.deepStrictEqual(kinds("apiVersion: v1\nkind: ListThing\nitems:\n- {apiVersion: v1, kind: ConfigMap}\n"), ["kubernetes:core/v1:ListThing"]);
    assert.deepStrictEqual(kinds("apiVersion: v1\nkind: List\nitems: {}\n"), ["kubernetes:core/v1:List"]);
    assert.deepStrictEqual(kinds("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items: [{apiVersion: v1, kind: Pod}]\n"), ["kubernetes:core/v1:Pod"], "nested");
  });
  it("unreadable documents are named by file and 1-based document; --- after a comment or directive starts no new one", () => {
    assert.strictEqual(errorOf("a: 1\n---\nb: 2\n---\n  c: d\n e: f\n"), "f.yaml: document 3 (index 2): invalid YAML: line 6: end of the stream or a document separator is expected");
    assert.match(errorOf("a: 1\n...\n---\nb: [\n"), /^f\.yaml: document 2 \(index 1\): invalid YAML: line \d+: /);
    assert.match(errorOf("x: 1\n...\nx: [\n"), /^f\.yaml: document 2 \(index 1\): /);
    assert.match(errorOf("%YAML 1.1\n---\nx: [\n"), /^f\.yaml: document 1 \(index 0\): /);
    assert.match(errorOf("# c\n---\nx: [\n"), /^f\.yaml: document 1 \(index 0\): /);
    assert.match(errorOf("---\nx: [\n", "-"), /^<stdin>: document 1 \(index 0\): /);
    assert.strictEqual(errorOf("- a\n"), "f.yaml: document 1 (index 0): expected a Kubernetes object (a mapping), got a sequence");
    assert.strictEqual(errorOf("a: 1\n---\n42\n"), "f.yaml: document 2 (index 1): expected a Kubernetes object (a mapping), got number");
    assert.strictEqual(errorOf("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: Pod}, 1]\n"), "f.yaml: document 1 (index 0): items[1] of the List is not a mapping");
  });
  it("the same object in two files gets distinct URNs", () => {
    const r = (urn: string) => ({ urn, type: "t", name: "n", props: {}, file: "f.yaml", document: 0, line: 1 });
    assert.deepStrictEqual(uniqueUrns([r("u"), r("v"), r("u"), r("u")]).map((x) => x.urn), ["u", "v", "u#2", "u#3"]);
  });
  it("inputs: files as given, directories walked sorted by name (YAML/JSON only, no dot-dirs or node_modules), - for stdin", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "manifests-"));
    for (const f of ["b.YML", "a.yaml", "c.json", "d.txt", ".hidden/x.yaml", "node_modules/y.yaml", "sub/z.yaml", "sub.d/w.yml"]) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), "{}");
    }
    assert.deepStrictEqual(expandInputs([path.join(dir, "d.txt"), dir, "-"]).map((f) => (f === "-" ? f : path.relative(dir, f))), ["d.txt", "a.yaml", "b.YML", "c.json", "sub/z.yaml", "sub.d/w.yml", "-"]);
    assert.throws(() => expandInputs([path.join(dir, "nope")]), (e: unknown) => e instanceof InputError && e.message === `${path.join(dir, "nope")}: cannot read (ENOENT)`);
    assert.throws(() => readInput(path.join(dir, "nope.yaml")), (e: unknown) => e instanceof InputError && e.message === `${path.join(dir, "nope.yaml")}: cannot read (ENOENT)`);
    assert.strictEqual(readInput(path.join(dir, "a.yaml")), "{}");
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
