// Objects from js-yaml's event stream, faster than its generic constructor for the documents
// Kubernetes manifests are made of. js-yaml's constructFromEvents serves every tag, anchor, alias,
// merge key and custom mapping type through per-event frames and tag callbacks; a plain document
// (untagged, unanchored mappings, sequences and scalars) needs none of that. Such documents are built
// here with js-yaml's own scalar decoding (getScalarValue) and the schema's own implicit resolution
// (YAML 1.1: `yes` is true, `0755` octal), so values are the same; any other document (a tag, an
// anchor or alias, a `<<` merge key, a complex or duplicated key, `__proto__`) is handed whole to
// js-yaml's constructor, which also raises its exact errors. Measured by `npm run bench` and checked
// against js-yaml's own output by test/policies/yaml-construct.spec.ts.
// upstream: nodeca/js-yaml src/constructor (constructFromEvents, addValue, addMappingValue)
import { constructFromEvents, Event, EVENT_ID, Schema, SCALAR_STYLE } from "js-yaml";
import { LineIndex, YamlLines } from "./yaml-lines";

const { MAPPING, SEQUENCE, SCALAR, POP, ALIAS } = EVENT_ID;
const PLAIN = SCALAR_STYLE.PLAIN;
const MERGE = "tag:yaml.org,2002:merge";

/** A document this builder leaves to js-yaml. */
const BAIL = Symbol("bail");

export interface ConstructOptions {
  source: string;
  schema: Schema;
  filename?: string;
  maxTotalMergeKeys?: number;
}

/** How many documents each path built (tests check the fast path is taken). */
export interface ConstructStats {
  plain: number;
  jsYaml: number;
}

/** The documents of an event stream, as js-yaml's constructFromEvents returns them. */
export function constructDocuments(events: readonly Event[], options: ConstructOptions, stats?: ConstructStats): unknown[] {
  return constructFromCopy(new YamlLines(new LineIndex(options.source), events), events, options, stats);
}

/**
 * The same, from the events' typed-array copy (policies/lib/yaml-lines.ts) made for field lines: plain
 * documents are built from the copy (one pass over compact arrays, not a second pass over 1.6M event
 * objects of six shapes); the rest from the events, by js-yaml. `options.source` is the events' text,
 * which may be a chunk of the copy's text.
 */
export function constructFromCopy(copy: YamlLines, events: readonly Event[], options: ConstructOptions, stats?: ConstructStats): unknown[] {
  const resolve = plainResolver(options.schema);
  const out: unknown[] = [];
  for (const root of copy.documents) {
    const end = copy.next[root]; // the document's POP
    const fast = plainDocument(copy, root, end, resolve);
    if (fast !== BAIL) {
      if (stats) stats.plain++;
      out.push(fast);
      continue;
    }
    if (stats) stats.jsYaml++;
    out.push(...constructFromEvents(events.slice(root - 1, end + 1) as Event[], options));
  }
  return out;
}

type Resolve = (source: string) => unknown;

/**
 * The schema's implicit resolution of a plain scalar (js-yaml's own, pinned with js-yaml's version);
 * BAIL for a merge key (`<<`). Implicit scalars resolve to primitives, so the few thousand distinct
 * keys and values of a manifest set are resolved once each.
 */
function plainResolver(schema: Schema): Resolve {
  const seen = new Map<string, unknown>();
  return (source) => {
    let value = seen.get(source);
    if (value === undefined && !seen.has(source)) {
      const r = schema.resolveImplicitScalarTag(source);
      value = r.tag.tagName === MERGE ? BAIL : r.value;
      if (seen.size < 100_000 && (value === null || typeof value !== "object")) seen.set(source, value);
    }
    return value;
  };
}

/** Builds the plain document whose root node is at `from` and whose POP is at `end`; BAIL when it is not plain. */
function plainDocument(copy: YamlLines, from: number, end: number, resolve: Resolve): unknown {
  const { type, flags } = copy;
  const containers: (Record<string, unknown> | unknown[])[] = [];
  const keys: (string | undefined)[] = []; // per open mapping: the key waiting for its value
  let root: unknown = null;
  for (let i = from; i < end; i++) {
    const t = type[i];
    const f = flags[i];
    let value: unknown;
    if (t === POP) {
      if (keys[containers.length - 1] !== undefined) return BAIL; // a key without a value
      keys.pop();
      value = containers.pop();
    } else if (f & 64 || t === ALIAS) {
      return BAIL; // tagged, anchored, or an alias
    } else if (t === MAPPING || t === SEQUENCE) {
      containers.push(t === MAPPING ? {} : []);
      keys.push(undefined);
      continue;
    } else if (t === SCALAR) {
      const source = copy.scalar(i);
      value = (f & 7) === PLAIN ? resolve(source) : source;
      if (value === BAIL) return BAIL;
    } else {
      return BAIL;
    }
    const depth = containers.length;
    if (depth === 0) {
      root = value;
      continue;
    }
    const parent = containers[depth - 1];
    if (Array.isArray(parent)) {
      parent.push(value);
      continue;
    }
    const key = keys[depth - 1];
    if (key === undefined) {
      if (value !== null && typeof value === "object") return BAIL; // a complex key
      const k = String(value);
      if (k === "__proto__" || Object.prototype.hasOwnProperty.call(parent, k)) return BAIL; // js-yaml's special case, or its duplicate-key error
      keys[depth - 1] = k;
    } else {
      parent[key] = value;
      keys[depth - 1] = undefined;
    }
  }
  return containers.length === 0 ? root : BAIL;
}
