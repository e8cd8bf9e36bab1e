// The checker's object builder (policies/lib/yaml-construct.ts) against js-yaml's own constructor:
// the same values for every document, plain or not, the same errors, and the fast path really taken.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { constructFromEvents, parseEvents } from "js-yaml";
import { stringify } from "yaml";
import { K8S_YAML_SCHEMA } from "../../policies/lib/manifests";
import { constructDocuments, ConstructStats } from "../../policies/lib/yaml-construct";
import { makeObject } from "../../tools/bench/policy";

const build = (text: string) => {
  const events = parseEvents(text, {});
  const stats: ConstructStats = { plain: 0, jsYaml: 0 };
  const options = { source: text, schema: K8S_YAML_SCHEMA };
  return { ours: constructDocuments(events, options, stats), theirs: constructFromEvents(events, options), stats };
};

const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

// Documents js-yaml's generic constructor must build: each breaks the plain shape one way.
const NOT_PLAIN = [
  "base: &b {cpu: 100m}\nobj:\n  <<: *b\n  memory: 1Gi\n", // anchor, alias, merge key
  "a: !!str 0755\nb: !!int '12'\n", // explicit tags
  "bin: !!binary aGVsbG8=\n", // a non-primitive tag
  "? [a, b]\n: complex\n", // a complex key
  "__proto__: {polluted: true}\n", // js-yaml defines it as an own property
  "list: &l [1, 2]\nagain: *l\n", // an anchored sequence
  "set: !!set {a, b}\n", // YAML 1.1 set
  "x: !custom-local 1\n", // an unknown local tag: js-yaml's error
  "a: 1\na: 2\n", // a duplicated key: js-yaml's error
  "!!str 0755\n", // a tag at offset 0 (a string, where the plain scalar would be octal 493)
  "<<: {a: 1}\nb: 2\n", // a merge key without anchors: js-yaml merges it
];

// Plain documents with every scalar form Kubernetes YAML uses, read as YAML 1.1.
const PLAIN = [
  "a: yes\nb: no\nc: on\nd: Off\ne: y\nf: n\ng: ~\nh: Null\nyes: key\n~: null key\n",
  "oct: 0755\nint: 1_000\nhex: 0x1F\nsexa: 1:20\nfloat: .5\nexp: 6.02e+23\nnan: .nan\ninf: -.inf\nbin: 0b101\n",
  'q: "it\'s \\"quoted\\"\\n"\ns: \'it\'\'s\'\n"k: x": "v"\nwhen: 2024-01-02\nempty:\nport: "8080"\n',
  "script: |\n  ---\n  echo yes\nfolded: >-\n  a\n  b\nkeep: |+\n  x\n\nplain: multi\n  line\n",
  "list: [a, {b: c}, 0x1F, 1_000, .5, ~, Off, '']\nflow: {x: [1, {y: [2]}]}\nnested:\n- - a\n  - b\n- {}\n- []\n",
  "1: one\n2.0: two\nfalse: f\n",
];

describe("policy checker: building objects from js-yaml's events", () => {
  it("builds plain documents itself, with exactly js-yaml's values (YAML 1.1 scalars, quoting, block scalars, flow)", () => {
    const text = PLAIN.join("---\n");
    const { ours, theirs, stats } = build(text);
    assert.deepStrictEqual(ours, theirs);
    assert.deepStrictEqual(stats, { plain: PLAIN.length, jsYaml: 0 });
    assert.deepStrictEqual(ours[0], { a: true, b: false, c: true, d: false, e: true, f: false, g: null, h: null, true: "key", null: "null key" });
    assert.ok(Number.isNaN((ours[1] as Record<string, number>).nan));
  });

  it("hands every other document, whole, to js-yaml's constructor: same values, same errors", () => {
    for (const doc of NOT_PLAIN) {
      const events = parseEvents(doc, {});
      const stats: ConstructStats = { plain: 0, jsYaml: 0 };
      const options = { source: doc, schema: K8S_YAML_SCHEMA };
      const theirs = errorOf(() => constructFromEvents(events, options));
      const ours = errorOf(() => constructDocuments(events, options, stats));
      assert.strictEqual(ours, theirs, doc);
      if (theirs === "no error") assert.deepStrictEqual(constructDocuments(events, options), constructFromEvents(events, options), doc);
      assert.deepStrictEqual(stats, { plain: 0, jsYaml: 1 }, doc);
    }
  });

  it("mixes both paths in one stream, keeping document order and empty documents", () => {
    const docs = [PLAIN[0], NOT_PLAIN[0], "# only a comment\n", PLAIN[4], NOT_PLAIN[1], ""];
    const { ours, theirs, stats } = build(docs.join("---\n"));
    assert.deepStrictEqual(ours, theirs);
    assert.strictEqual(ours.length, 6);
    assert.deepStrictEqual(stats, { plain: 4, jsYaml: 2 });
  });

  it("matches js-yaml on 130 generated manifests of every kind the bench uses", () => {
    const text = Array.from({ length: 130 }, (_, i) => stringify(makeObject(i, 7))).join("---\n");
    const { ours, theirs, stats } = build(text);
    assert.deepStrictEqual(ours, theirs);
    assert.deepStrictEqual(stats, { plain: 130, jsYaml: 0 });
  });

  it("matches js-yaml on every external pod-security fixture (when ../shared/conformance is present)", function () {
    const dir = path.resolve(__dirname, "../../../shared/conformance/fixtures");
    if (!fs.existsSync(dir)) this.skip();
    const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    assert.ok(files.length > 1000, `${files.length} fixtures`);
    for (const f of files) {
      const { ours, theirs } = build(fs.readFileSync(path.join(dir, f), "utf8"));
      assert.deepStrictEqual(ours, theirs, f);
    }
  });
});
