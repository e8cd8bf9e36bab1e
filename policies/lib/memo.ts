// Memo tables for the pure functions the rules call on every object (type tokens, image references,
// globs, env names, field paths, pod views): at 10,000 objects the same few hundred inputs recur.
// Every table is registered here so clearMemos() can empty them all: the test run does so before
// each test (test/memo-reset.js), because a long-lived runner (Stryker's mocha runner switches
// mutants in one process) would otherwise answer from a table filled under other code.

const resets: (() => void)[] = [];

/** Empties every memo table (tests; never needed by the product, whose inputs do not change code). */
export function clearMemos(): void {
  for (const reset of resets) reset();
}

/** `compute` remembered per key, up to `limit` keys (beyond that, computed each time). */
export function memoize<K, V>(compute: (key: K) => V, limit = 10_000): (key: K) => V {
  const table = new Map<K, V | typeof NONE>();
  resets.push(() => table.clear());
  return (key) => {
    // one lookup per call (these run a few hundred thousand times at 10k objects)
    const hit = table.get(key);
    if (hit !== undefined) return hit === NONE ? (undefined as V) : hit;
    const value = compute(key);
    if (table.size < limit) table.set(key, value === undefined ? NONE : value);
    return value;
  };
}
/** Stands for a remembered `undefined` (a Map's get cannot tell it from a miss). */
const NONE: unique symbol = Symbol("none");

/** A plain Map, registered: for memo tables whose key is not the whole input (rule configs by JSON). */
export function memoTable<K, V>(): Map<K, V> {
  const table = new Map<K, V>();
  resets.push(() => table.clear());
  return table;
}

/** A WeakMap-like table keyed by objects (parsed manifests, config objects), emptied with the rest. */
export class WeakMemo<K extends object, V> {
  private table = new WeakMap<K, V>();

  constructor() {
    resets.push(() => (this.table = new WeakMap()));
  }

  get(key: K): V | undefined {
    return this.table.get(key);
  }

  set(key: K, value: V): void {
    this.table.set(key, value);
  }
}

/**
 * The last key's value only. The engine runs every rule on one object before the next, so a per-object
 * derivation (the pod spec found, the PSS view) is asked for the same object many times in a row and
 * never again after: kept here, it dies young with its object's turn instead of surviving in a table
 * the garbage collector copies and promotes.
 */
export class LastMemo<K extends object, V> {
  private key: K | undefined;
  private value: V | undefined;

  constructor() {
    resets.push(() => {
      this.key = undefined;
      this.value = undefined;
    });
  }

  get(key: K): V | undefined {
    return key === this.key ? this.value : undefined;
  }

  set(key: K, value: V): void {
    this.key = key;
    this.value = value;
  }
}
