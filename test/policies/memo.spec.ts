// policies/lib/memo: the memo tables behind the rules' hot paths remember, stay bounded, and are all
// emptied before each test by the root hook (test/memo-reset.js), so no test reads another's answers.
import * as assert from "assert";
import { clearMemos, LastMemo, memoize, memoTable, WeakMemo } from "../../policies/lib/memo";

let loadCalls = 0;
const probe = memoize((k: string) => `${k}${++loadCalls}`);
probe("x"); // filled while mocha loads this file, before any test

describe("policy memo tables", () => {
  it("the root hook empties them before each test (an answer from file load is not reused)", () => {
    assert.strictEqual(probe("x"), "x2");
    assert.strictEqual(probe("x"), "x2");
  });

  it("memoize computes a key once, undefined and null answers included, and stops storing at its limit", () => {
    const seen: string[] = [];
    const f = memoize((k: string) => (seen.push(k), k === "u" ? undefined : k === "n" ? null : k.length), 2);
    for (const k of ["u", "u", "n", "n", "abc", "abc"]) f(k);
    assert.deepStrictEqual(seen, ["u", "n", "abc", "abc"]); // the third key is past the limit of 2
    clearMemos();
    f("u");
    assert.deepStrictEqual(seen.slice(4), ["u"]);
  });

  it("WeakMemo and memoTable forget everything on clearMemos", () => {
    const w = new WeakMemo<object, number>();
    const t = memoTable<string, number>();
    const key = {};
    w.set(key, 1);
    t.set("k", 1);
    assert.deepStrictEqual([w.get(key), t.get("k")], [1, 1]);
    clearMemos();
    assert.deepStrictEqual([w.get(key), t.get("k"), t.size], [undefined, undefined, 0]);
  });

  it("LastMemo answers for the last key only (the object whose rules are running), and forgets on clearMemos", () => {
    const m = new LastMemo<object, string>();
    const [a, b] = [{}, {}];
    m.set(a, "a");
    assert.deepStrictEqual([m.get(a), m.get(b)], ["a", undefined]);
    m.set(b, "b");
    assert.deepStrictEqual([m.get(a), m.get(b)], [undefined, "b"]); // a's turn is over
    clearMemos();
    assert.strictEqual(m.get(b), undefined);
  });
});
