// The checker reads a file in chunks of whole documents (policies/lib/yaml-stream.ts). Cut at every
// `---` marker (chunkSize 1), a stream must give exactly what reading it whole gives: the same values,
// document numbers, field lines and errors; and a stream it cannot cut safely is read whole.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadAll } from "js-yaml";
import { stringify } from "yaml";
import { K8S_YAML_SCHEMA } from "../../policies/lib/manifests";
import { CHUNK_SIZE, LoadedStream, loadStream } from "../../policies/lib/yaml-stream";
import { makeObject } from "../../tools/bench/policy";

const read = (text: string, chunkSize: number): LoadedStream | string => {
  try {
    return loadStream(text, { schema: K8S_YAML_SCHEMA, chunkSize });
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};
const whole = (text: string) => read(text, Number.MAX_SAFE_INTEGER);
const cut = (text: string) => read(text, 1);

/** Every field path of a value, in the checker's path syntax (`a.b[0]["x.y"]`). */
function paths(v: unknown, prefix = ""): string[] {
  if (v === null || typeof v !== "object") return [];
  const entries: [string, unknown][] = Array.isArray(v)
    ? v.map((x, i) => [`${prefix}[${i}]`, x])
    : Object.entries(v).map(([k, x]) => [/^[A-Za-z0-9_-]+$/.test(k) ? `${prefix}${prefix ? "." : ""}${k}` : `${prefix}[${JSON.stringify(k)}]`, x]);
  return entries.flatMap(([p, x]) => [p, ...paths(x, p)]);
}

/** What a reader's result says about each document: its number, value, and the line of every field. */
function view(r: LoadedStream | string) {
  if (typeof r === "string") return r;
  return r.docs.map((d, i) => ({
    index: d.index,
    value: r.values[i],
    line: d.lines.lineOf(d.root, ""),
    fields: Object.fromEntries(paths(r.values[i]).map((p) => [p, d.lines.lineOf(d.root, p)])),
  }));
}

// Streams with a `---` at column 0 where a parser might take it for content: block scalars, quoted and
// flow scalars, comments, empty and `...`-ended documents, CRLF line ends, markers with tabs.
const CUT_PRONE = [
  "--- |\nfoo\n---\nbar\n",
  "a: |\n  x\n---\nb: 1\n",
  "--- |\n  x\n---\n  y\n",
  "--- >\nfolded\n---\nz: 1\n",
  "a: |\n---\n",
  "--- |\n---\n",
  "a: x\n---\n",
  "? a\n---\n: b\n",
  "- a\n---\n- b\n",
  "a: b\n  c\n---\nd: e\n",
  "# c\n---\n# d\n---\na: 1\n...\n---\nb: 2\n",
  "a: 1\r\n---\r\nb: 2\r\n---\tc\r\n",
  "a: x\n---a: 1\n", // not a marker: `---a` (an error read whole)
  "a: \"x\n---\n y\"\n", // errors read whole: the chunked read must not accept them
  "a: 'x\n---\n y'\n",
  "a: [1,\n---\n]\n",
  "a: {b: 1,\n---\n}\n",
  "a: 1\n---\nb: [\n---\nc: 1\n",
  '--- "x\n---\ny"\n', // a root-level quoted scalar across a marker: an error read whole
  "--- plain\ntext\n---\nmore\n", // a root-level multi-line plain scalar ends at the marker
  "a: &x 1\n---\nb: *x\n", // anchors do not cross documents, cut or not
  "spec:\n  containers:\n  - name: a\n    image: x\n---\nkind: Pod\nspec:\n  containers:\n  - {name: b, image: y}\n",
];

describe("policy checker: reading a stream in chunks of whole documents", () => {
  it("gives what a whole read gives on streams with markers where a parser might take them for content", () => {
    for (const text of CUT_PRONE) {
      const w = whole(text);
      const c = cut(text);
      assert.deepStrictEqual(view(c), view(w), JSON.stringify(text));
      if (typeof w !== "string") {
        assert.deepStrictEqual(w.values, loadAll(text, { schema: K8S_YAML_SCHEMA }), JSON.stringify(text));
        assert.strictEqual((c as LoadedStream).chunks, (text.match(/^---(?=[ \t\r\n]|$)/gm) ?? []).length + (text.startsWith("---") ? 0 : 1), JSON.stringify(text));
      }
    }
  });

  it("really cuts: a stream of many documents is read in chunks of about CHUNK_SIZE characters, in order", () => {
    const text = Array.from({ length: 400 }, (_, i) => stringify(makeObject(i, 9))).join("---\n");
    const r = read(text, CHUNK_SIZE) as LoadedStream;
    assert.ok(r.chunks >= Math.floor(text.length / CHUNK_SIZE) && r.chunks <= Math.ceil(text.length / CHUNK_SIZE), `${r.chunks} chunks for ${text.length} characters`);
    const [ours, theirs] = [view(r), view(whole(text))];
    assert.strictEqual(ours.length, theirs.length);
    for (let i = 0; i < ours.length; i++) assert.deepStrictEqual(ours[i], theirs[i], `document ${i}`); // one document's diff, not 400
    assert.deepStrictEqual(r.docs.map((d) => d.index), [...Array(400).keys()]);
    // the last object's `kind` is on the second line of its document, wherever its chunk starts
    const last = r.docs[399];
    const start = text.lastIndexOf("---\n") + 4;
    assert.strictEqual(last.lines.lineOf(last.root, "kind"), text.slice(0, start).split("\n").length + 1);
  });

  it("reads a stream with a directive whole (directives are per-document parser state)", () => {
    const text = "a: 1\n...\n%YAML 1.1\n---\nb: yes\n---\nc: 2\n";
    const r = cut(text) as LoadedStream;
    assert.strictEqual(r.chunks, 1);
    assert.deepStrictEqual(r.values, [{ a: 1 }, { b: true }, { c: 2 }]);
  });

  it("raises js-yaml's exact error, with its position in the whole file, when a chunk does not parse", () => {
    const text = "a: 1\n---\nb: 2\n---\nc: [1,\n---\n]\n";
    assert.match(cut(text) as string, /^error: /);
    assert.strictEqual(cut(text), whole(text));
    assert.match(cut(text) as string, /\(6:1\)/); // the whole file's line 6, not the chunk's
  });

  it("gives what a whole read gives on every external pod-security fixture, cut between each (when ../shared/conformance is present)", function () {
    const dir = path.resolve(__dirname, "../../../shared/conformance/fixtures");
    if (!fs.existsSync(dir)) this.skip();
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
    assert.ok(files.length > 1000, `${files.length} fixtures`);
    const texts = files.map((f) => fs.readFileSync(path.join(dir, f), "utf8"));
    for (let i = 0; i < texts.length; i += 50) {
      const text = texts.slice(i, i + 50).map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("---\n");
      const c = cut(text);
      assert.deepStrictEqual(view(c), view(whole(text)), files[i]);
      if (typeof c !== "string" && !/^%/m.test(text)) assert.ok(c.chunks > 1, files[i]);
    }
  });
});
