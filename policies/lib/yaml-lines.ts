// Line of a field path (`spec.template.spec.containers[0].securityContext.privileged`) in a YAML file, for
// violations. It walks js-yaml's event stream (the one the objects were built from, kept per file), whose
// events carry source offsets: exact for block style, flow style and JSON alike, with no second parse. A
// missing field resolves to its deepest existing parent (where the fix goes); a key's line is the key's,
// also when its value starts on the next line.
import { EVENT_ID, Event, getScalarValue, parseEvents, SCALAR_STYLE, ScalarEvent } from "js-yaml";
import { memoize } from "./memo";

export type PathSeg = string | number;

/** `a.b[0]["x.y/z"]` -> ["a", "b", 0, "x.y/z"] (memoized: the same paths recur across objects). */
export const parsePath: (path: string) => PathSeg[] = memoize((path: string) => splitPath(path));

function splitPath(path: string): PathSeg[] {
  const out: PathSeg[] = [];
  const re = /\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(JSON.parse(`"${m[1]}"`) as string);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}

/** The fields of js-yaml's node events this reads (DOCUMENT and POP events carry none of them). */
interface RawEvent {
  type: number;
  tagStart: number;
  anchorStart: number;
  valueStart: number;
  valueEnd: number;
  start: number;
  style: number;
  chomping: number;
  indent: number;
  fast: boolean;
}

const { MAPPING, SEQUENCE, SCALAR, POP } = EVENT_ID;
const PLAIN = SCALAR_STYLE.PLAIN;
/** Path depth the last-walk memo keeps (deeper segments are walked each time). */
const MEMO_DEPTH = 32;

/** A file's text and where its lines start (computed on the first lookup), shared by its chunks' YamlLines. */
export class LineIndex {
  private starts?: Uint32Array;
  /** The last answer's line (0-based): lookups come object by object, a few lines apart. */
  private last = 0;

  constructor(readonly text: string) {}

  /** 1-based line of a source offset. */
  lineAt(offset: number): number {
    const starts = (this.starts ??= lineStarts(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    // gallop from the last answer to a small range holding the line, then bisect it
    const last = this.last;
    let step = 8;
    if (starts[last] <= offset) {
      lo = last;
      while (lo + step <= hi && starts[lo + step] <= offset) {
        lo += step;
        step *= 2;
      }
      hi = Math.min(hi, lo + step - 1);
    } else {
      hi = last - 1;
      for (let q = hi + 1 - step; q > lo; q = hi + 1 - step) {
        if (starts[q] <= offset) {
          lo = q;
          break;
        }
        hi = q - 1;
        step *= 2;
      }
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo + 1;
  }
}

/**
 * Lines and paths of the events of one file, or of one chunk of it starting at offset `base`. The event
 * stream is copied into typed arrays (type, offset, value range, style, and the index after each
 * collection's subtree), so the event objects can be freed right after the objects are built, and a path
 * lookup jumps over siblings in one step. Offsets are stored file-absolute.
 */
export class YamlLines {
  // The copy of the events, read here and by policies/lib/yaml-construct.ts (which builds plain
  // documents from it rather than from the event objects).
  /** The whole file's text (offsets below are into it). */
  readonly text: string;
  /** js-yaml's EVENT_ID of each event. */
  readonly type: Uint8Array;
  /** Scalars: style (bits 0-2), chomping (3-4), js-yaml's `fast` (5); any node: tagged or anchored (6). */
  readonly flags: Uint8Array;
  readonly indent: Int32Array;
  readonly pos: Int32Array;
  /** Scalars: the value's range (-1: no value, an empty scalar). */
  readonly valueStart: Int32Array;
  readonly valueEnd: Int32Array;
  /** For each node: the index of the event after it (for a mapping or sequence, after its POP). */
  readonly next: Int32Array;
  // The last lookup's walk (lookups come object by object, and an object's fields share prefixes such
  // as `spec.template.spec.containers[0]`): its root, segments, and the node and offset after each.
  private lastRoot = -1;
  private lastSegs: readonly PathSeg[] = [];
  private lastDepth = 0;
  private readonly lastNode = new Int32Array(MEMO_DEPTH);
  private readonly lastAt = new Int32Array(MEMO_DEPTH);
  /** Index of each document's root node event, in stream order (js-yaml builds one value per document). */
  readonly documents: number[] = [];

  constructor(
    private readonly index: LineIndex,
    events: readonly Event[],
    base = 0,
  ) {
    this.text = index.text;
    const n = events.length;
    const type = (this.type = new Uint8Array(n));
    const flags = (this.flags = new Uint8Array(n));
    const indent = (this.indent = new Int32Array(n));
    const pos = (this.pos = new Int32Array(n));
    const valueStart = (this.valueStart = new Int32Array(n));
    const valueEnd = (this.valueEnd = new Int32Array(n));
    const next = (this.next = new Int32Array(n));
    const open: number[] = [];
    for (let i = 0; i < n; i++) {
      const e = events[i] as unknown as RawEvent;
      const t = e.type;
      type[i] = t;
      next[i] = i + 1;
      if (t === POP) {
        const o = open.pop();
        if (o !== undefined) next[o] = i + 1;
      } else if (t === SCALAR) {
        const marked = e.tagStart >= 0 || e.anchorStart >= 0;
        // js-yaml's own node position: tag, then anchor, then value
        const p = e.tagStart >= 0 ? e.tagStart : e.anchorStart >= 0 ? e.anchorStart : e.valueStart;
        pos[i] = p < 0 ? -1 : base + p; // an offset of -1 (none) stays -1
        valueStart[i] = e.valueStart < 0 ? -1 : base + e.valueStart;
        valueEnd[i] = e.valueEnd < 0 ? -1 : base + e.valueEnd;
        indent[i] = e.indent;
        flags[i] = e.style | (e.chomping << 3) | (e.fast ? 32 : 0) | (marked ? 64 : 0);
      } else if (t === MAPPING || t === SEQUENCE) {
        const p = e.tagStart >= 0 ? e.tagStart : e.anchorStart >= 0 ? e.anchorStart : e.start;
        pos[i] = p < 0 ? -1 : base + p;
        if (e.tagStart >= 0 || e.anchorStart >= 0) flags[i] = 64;
        open.push(i);
      } else if (t === EVENT_ID.DOCUMENT) {
        this.documents.push(i + 1);
      } else {
        pos[i] = e.anchorStart < 0 ? -1 : base + e.anchorStart; // an alias: where `*name` is
      }
    }
  }

  /** 1-based line of `path` (or of its deepest existing parent) below the node event at `root`. */
  lineOf(root: number, path: string): number {
    const { type, pos, next, lastNode, lastAt } = this;
    const segs = parsePath(path);
    let node = root;
    let at = pos[root];
    let d = 0; // segments resolved
    if (root === this.lastRoot) {
      const same = Math.min(this.lastDepth, segs.length);
      while (d < same && segs[d] === this.lastSegs[d]) d++;
      if (d > 0) {
        node = lastNode[d - 1];
        at = lastAt[d - 1];
      }
    }
    for (; d < segs.length; d++) {
      const seg = segs[d];
      let found = -1;
      if (type[node] === MAPPING && typeof seg === "string") {
        for (let k = node + 1; type[k] !== POP; k = next[next[k]]) {
          if (this.isKey(k, seg)) {
            if (pos[k] >= 0) at = pos[k];
            found = next[k];
            break;
          }
        }
      } else if (type[node] === SEQUENCE && typeof seg === "number") {
        let k = node + 1;
        for (let i = 0; i < seg && type[k] !== POP; i++) k = next[k];
        if (type[k] !== POP) {
          at = Math.max(at, pos[k]); // an empty item (`- `) has no offset of its own
          found = k;
        }
      }
      if (found < 0) break;
      node = found;
      if (d < MEMO_DEPTH) {
        lastNode[d] = node;
        lastAt[d] = at;
      }
    }
    this.lastRoot = root;
    this.lastSegs = segs;
    this.lastDepth = Math.min(d, MEMO_DEPTH);
    return this.index.lineAt(at);
  }

  private isKey(i: number, key: string): boolean {
    if (this.type[i] !== SCALAR) return false;
    const f = this.flags[i];
    if ((f & 7) === PLAIN && (f & 64) === 0) {
      const start = this.valueStart[i];
      const n = key.length;
      if (this.valueEnd[i] - start !== n) return false;
      const text = this.text;
      for (let j = 0; j < n; j++) if (text.charCodeAt(start + j) !== key.charCodeAt(j)) return false; // inlined, unlike startsWith
      return true;
    }
    return this.scalar(i) === key; // quoted, block, tagged or anchored: decoded as js-yaml does
  }

  /** The scalar at `i`'s value, as js-yaml's getScalarValue gives it: a `fast` scalar is its source text. */
  scalar(i: number): string {
    const start = this.valueStart[i];
    if (start < 0) return "";
    const f = this.flags[i];
    if (f & 32) return this.text.slice(start, this.valueEnd[i]);
    const e = { type: SCALAR, valueStart: start, valueEnd: this.valueEnd[i], style: f & 7, chomping: (f >> 3) & 3, indent: this.indent[i], fast: false, tagStart: -1, tagEnd: -1, anchorStart: -1, anchorEnd: -1 };
    return getScalarValue(this.text, e as unknown as ScalarEvent);
  }
}

function lineStarts(text: string): Uint32Array {
  let out = new Uint32Array(Math.max(16, text.length >> 5));
  let k = 1;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    if (k === out.length) {
      const grown = new Uint32Array(out.length * 2);
      grown.set(out);
      out = grown;
    }
    out[k++] = i + 1;
  }
  return out.subarray(0, k);
}

/** 0-based line of `path` within a single document's text (tests and one-off lookups). */
export function lineOfPath(docText: string, path: string): number {
  const events = parseEvents(docText, {});
  return new YamlLines(new LineIndex(docText), events).lineOf(1, path) - 1;
}
