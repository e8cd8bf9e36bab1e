// Line of a field path (`spec.template.spec.containers[0].securityContext.privileged`) inside one YAML
// document, for violations. Fast path: an indentation scan of block-style YAML (what kubectl and helm
// print). Flow style and JSON fall back to the `yaml` package's exact source ranges. A missing field
// resolves to its deepest existing parent (where the fix goes).
import { LineCounter, parseDocument } from "yaml";

export type PathSeg = string | number;

const pathCache = new Map<string, PathSeg[]>();

/** `a.b[0]["x.y/z"]` -> ["a", "b", 0, "x.y/z"] (cached: the same paths recur across objects). */
export function parsePath(path: string): PathSeg[] {
  let segs = pathCache.get(path);
  if (!segs) {
    segs = splitPath(path);
    if (pathCache.size < 10_000) pathCache.set(path, segs);
  }
  return segs;
}

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

interface Line {
  n: number; // 0-based line within the document
  col: number; // column of the first non-space character
  dash: boolean; // a sequence entry ("- ...")
  keyCol: number; // column of the key after any "- " prefixes
  key?: string;
  flow: boolean; // the value starts a flow collection
  closed: boolean; // ... and closes on the same line (`{}`, `[a, b]`, `{cpu: 1}`)
}

const KEY = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s#'"{[][^#]*?))\s*:(?:\s+(.*))?$/;

/** [key, value] of a `key: value` line (plain keys by a cheap search; quoted keys by the regex). */
function keyValue(rest: string): [string, string] | undefined {
  const q = rest.charCodeAt(0);
  if (q === 34 || q === 39) {
    const m = KEY.exec(rest);
    return m ? [m[1] ?? m[2] ?? m[3], (m[4] ?? "").trim()] : undefined;
  }
  if (q === 123 || q === 91 || q === 35) return undefined; // flow collection or comment
  for (let i = rest.indexOf(":"); i !== -1; i = rest.indexOf(":", i + 1)) {
    const next = rest.charCodeAt(i + 1);
    if (i + 1 === rest.length || next === 32 || next === 9) {
      const key = rest.slice(0, i).trimEnd();
      return key.includes(" #") ? undefined : [key, rest.slice(i + 1).trim()];
    }
  }
  return undefined;
}

function scan(text: string): Line[] {
  const out: Line[] = [];
  const raw = text.split("\n");
  for (let n = 0; n < raw.length; n++) {
    const s = raw[n].endsWith("\r") ? raw[n].slice(0, -1) : raw[n];
    const col = s.search(/\S/);
    if (col < 0 || s[col] === "#") continue;
    let rest = s.slice(col);
    let keyCol = col;
    const isDashAt = (t: string) => t.charCodeAt(0) === 45 && (t.length === 1 || t.charCodeAt(1) === 32 || t.charCodeAt(1) === 9);
    const dash = isDashAt(rest);
    while (isDashAt(rest)) {
      const skip = rest.match(/^-\s*/)![0].length;
      rest = rest.slice(skip);
      keyCol += skip;
    }
    const kv = keyValue(rest);
    const flowText = kv ? kv[1] : rest;
    const flow = flowText.charCodeAt(0) === 123 || flowText.charCodeAt(0) === 91; // { [
    out.push({ n, col, dash, keyCol, key: kv?.[0], flow, closed: flow && balanced(flowText) });
  }
  return out;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s.replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, "")) {
    if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") depth--;
  }
  return depth === 0;
}

/** Block-style scan; undefined when the document is not plain block style along the path. */
function blockLine(lines: Line[], segs: PathSeg[]): number | undefined {
  if (lines.length === 0 || lines[0].flow) return undefined;
  let lo = 0;
  let hi = lines.length;
  let found = lines[0].n;
  let item = -1; // the sequence entry entered last: its dash is consumed, its first key follows it
  const isDash = (i: number) => i !== item && lines[i].dash;
  const colOf = (i: number) => (isDash(i) ? lines[i].col : lines[i].keyCol);
  for (const seg of segs) {
    if (lo >= hi) return found;
    if (typeof seg === "number") {
      let d = Infinity;
      for (let i = lo; i < hi; i++) if (isDash(i) && lines[i].col < d) d = lines[i].col;
      let k = -1;
      let start = -1;
      let end = hi;
      for (let i = lo; i < hi; i++) {
        if (!isDash(i) || lines[i].col !== d) continue;
        k++;
        if (k === seg) start = i;
        else if (k === seg + 1) {
          end = i;
          break;
        }
      }
      if (start < 0) return found;
      found = lines[start].n;
      lo = start;
      hi = end;
      item = start;
      continue;
    }
    let c = Infinity;
    for (let i = lo; i < hi; i++) c = Math.min(c, colOf(i));
    let at = -1;
    for (let i = lo; i < hi && at < 0; i++) if (!isDash(i) && lines[i].keyCol === c && lines[i].key === seg) at = i;
    if (at < 0) return found;
    found = lines[at].n;
    // an inline collection on one line: the field (or where it would go) is on this line
    if (lines[at].flow) return lines[at].closed ? found : undefined;
    let end = at + 1;
    while (end < hi && (lines[end].col > c || (lines[end].col === c && lines[end].dash))) end++;
    lo = at + 1;
    hi = end;
  }
  return found;
}

/** Exact fallback: the yaml package's node ranges (slower; flow style, JSON). */
function exactLine(text: string, segs: PathSeg[]): number {
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: "1.1", lineCounter: lc, prettyErrors: false });
  for (let k = segs.length; k >= 0; k--) {
    const node = doc.getIn(segs.slice(0, k), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      // for a key's value, report the key's line when the value starts on the next line
      return lc.linePos(node.range[0]).line - 1;
    }
  }
  return 0;
}

/** 0-based line of `path` (or of its deepest existing parent) within one document's text. */
export function lineOfPath(docText: string, path: string): number {
  return documentLines(docText)(path);
}

/** A line finder for one document: scans it once, then answers each path (a document often has several findings). */
export function documentLines(docText: string): (path: string) => number {
  let scanned: Line[] | undefined;
  return (path) => {
    const segs = parsePath(path);
    scanned ??= scan(docText);
    return blockLine(scanned, segs) ?? exactLine(docText, segs);
  };
}
