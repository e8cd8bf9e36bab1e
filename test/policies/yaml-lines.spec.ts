// policies/lib/yaml-lines: the line a violation points at, for each way a key can be written (quoted,
// tagged, anchored, plain; block, flow, JSON) and for missing fields (their deepest existing parent).
// parsePath memoizes per process, so each test loads its own copy of the module (`fresh`) and the
// path split is computed, not remembered.
import * as assert from "assert";
import { parseEvents } from "js-yaml";
import type * as Lines from "../../policies/lib/yaml-lines";
import { freshModule } from "./harness";

const fresh = () => freshModule<typeof Lines>("../../policies/lib/yaml-lines");

const BLOCK = `metadata:
  annotations:
    "x.y/z": 1
    !!str tagged: 2
    &anc anchored: 3
    'single': 4
    plain: 5
spec:
  list:
  - a
  -
  - c: 1
  key:
    deep: 1
`;
const JSON_TEXT = `{
  "a": {
    "b": [
      1,
      {"c": 2}
    ]
  },
  "d": !!map {e: 1}
}`;

describe("policies/lib/yaml-lines (fresh module per test)", () => {
  it("splits paths: dotted keys, [n] indexes, quoted keys with escapes", () => {
    const { parsePath } = fresh();
    assert.deepStrictEqual(parsePath('a.b[0]["x.y/z"]'), ["a", "b", 0, "x.y/z"]);
    assert.deepStrictEqual(parsePath('["a\\"b"][12]'), ['a"b', 12]);
    assert.deepStrictEqual(parsePath("a..b"), ["a", "b"]);
    assert.deepStrictEqual(parsePath("spec.containers[10].image"), ["spec", "containers", 10, "image"]);
    assert.deepStrictEqual(parsePath(""), []);
  });
  it("block style: quoted, tagged, anchored and plain keys; sequence items; missing fields go to their parent", () => {
    const { lineOfPath } = fresh();
    const want: [string, number][] = [
      ['metadata.annotations["x.y/z"]', 2], ["metadata.annotations.tagged", 3], ["metadata.annotations.anchored", 4], ["metadata.annotations.single", 5],
      ["metadata.annotations.plain", 6], ["metadata.annotations.plai", 1], ["metadata.annotations.missing", 1], ["spec.list[0]", 9],
      ["spec.list[1]", 8], ["spec.list[2].c", 11], ["spec.list[5]", 8], ["spec.key.deep", 13], ["spec.list.x", 8], ["metadata[0]", 0], ["spec.key.deep.x", 13],
    ];
    assert.deepStrictEqual(want.map(([p]) => [p, lineOfPath(BLOCK, p)]), want);
  });
  it("JSON and flow style, a tagged flow mapping", () => {
    const { lineOfPath } = fresh();
    const want: [string, number][] = [["a.b[1].c", 4], ["a.b[0]", 3], ["d.e", 7], ["d", 7], ["a", 1], ["", 0]];
    assert.deepStrictEqual(want.map(([p]) => [p, lineOfPath(JSON_TEXT, p)]), want);
  });
  it("remembers the last walk without changing an answer: shared prefixes, a failed walk, another document in between", () => {
    const { YamlLines, LineIndex } = fresh();
    const text = `${BLOCK}---\n${JSON_TEXT}\n`;
    const events = parseEvents(text, {});
    const lines = new YamlLines(new LineIndex(text), events);
    const [a, b] = lines.documents;
    const asked: [number, string][] = [
      [a, "spec.list[2].c"], [a, "spec.list[2]"], [a, "spec.list[2].c"], [a, "spec.list[1]"], [a, "spec.key.deep"], [a, "spec.key.missing.x"],
      [a, "spec.key.deep"], [b, "a.b[1].c"], [a, "spec.list[2].c"], [b, "a.b[0]"], [b, "a.b[1].c"], [a, 'metadata.annotations["x.y/z"]'],
      [a, "metadata.annotations.plain"], [a, ""], [a, "spec"], [a, "spec.list[9].x"], [a, "spec.list[0]"],
    ];
    const once = (root: number, p: string) => new YamlLines(new LineIndex(text), events).lineOf(root, p); // nothing remembered
    const got = asked.map(([r, p]) => lines.lineOf(r, p));
    assert.deepStrictEqual(got, asked.map(([r, p]) => once(r, p)));
    assert.deepStrictEqual(got.slice(0, 8), [12, 12, 12, 9, 14, 13, 14, 20]); // 1-based; the JSON document starts at line 16
    // every field of both documents, asked in an order that keeps changing prefix and document
    const all: [number, string][] = [];
    for (const p of ["metadata", "metadata.annotations.plain", "spec.list[0]", "spec.list[2].c", "spec.key", "spec.key.deep"]) all.push([a, p], [b, p.replace("metadata", "a.b[1]")]);
    for (let k = 0; k < all.length; k += 3) all.push(all[(k * 7) % all.length]);
    assert.deepStrictEqual(all.map(([r, p]) => lines.lineOf(r, p)), all.map(([r, p]) => once(r, p)));
  });
  it("finds the line of any offset, whatever the offset asked before (near, far, back, first, last)", () => {
    const { LineIndex } = fresh();
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    const text = Array.from({ length: 3000 }, () => "x".repeat(rand(40))).join("\n");
    const index = new LineIndex(text);
    const naive = (offset: number) => text.slice(0, offset).split("\n").length;
    const offsets = [0, text.length - 1, 0, text.length, 5, 6, 1000, 999, 1001, 40_000, 3, text.length - 2];
    for (let k = 0; k < 400; k++) offsets.push(k % 3 === 0 ? rand(text.length) : Math.max(0, Math.min(text.length - 1, offsets[offsets.length - 1] + rand(400) - 200)));
    assert.deepStrictEqual(offsets.map((o) => index.lineAt(o)), offsets.map(naive));
  });
  it("a tagged or anchored key at the very start of the text", () => {
    const { lineOfPath } = fresh();
    assert.strictEqual(lineOfPath("!!str a:\n  b: 1\n", "a.b"), 1);
    assert.strictEqual(lineOfPath("&x a:\n  b: 1\n", "a.b"), 1);
    assert.strictEqual(lineOfPath("a:\n  - x\n  - y\n", "a[1]"), 2);
  });
});
