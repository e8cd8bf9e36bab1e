// A reader for the subset of Alloy's configuration syntax the platform's pipeline uses:
// blocks (`name.part "label" { ... }`), attributes (`key = expr`), strings, numbers, bools,
// null, arrays, objects and dotted references (`discovery.relabel.x.output`), with comments.
// upstream: grafana/alloy syntax/ (scanner, parser; docs "Alloy configuration syntax").
// Anything else (function calls, operators) is refused by name, so the scrape model never
// judges a pipeline it has not understood.

export type AlloyValue = string | number | boolean | null | AlloyValue[] | { [k: string]: AlloyValue } | { ref: string };
export interface AlloyBlock { name: string; label?: string; attrs: Record<string, AlloyValue>; blocks: AlloyBlock[] }

type Tok = { t: "ident" | "string" | "number" | "punct"; v: string; at: number };

const TOKEN = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|("(?:[^"\\\n]|\\.)*")|(-?\d+(?:\.\d+)?)|([{}[\]=,()])/y;

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new Error(`Alloy config: cannot read "${src.slice(at, at + 30)}" at offset ${at}`);
    if (m[1]) out.push({ t: "ident", v: m[1], at });
    else if (m[2]) out.push({ t: "string", v: JSON.parse(m[2]), at });
    else if (m[3]) out.push({ t: "number", v: m[3], at });
    else if (m[4]) out.push({ t: "punct", v: m[4], at });
  }
  return out;
}

export function parseAlloy(src: string): AlloyBlock {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i];
  const expect = (v: string) => {
    const k = toks[i++];
    if (!k || k.v !== v) throw new Error(`Alloy config: expected "${v}" at offset ${k?.at ?? src.length}, found "${k?.v ?? "end"}"`);
  };
  const body = (end: string | undefined): AlloyBlock => {
    const b: AlloyBlock = { name: "", attrs: {}, blocks: [] };
    while (peek() && peek().v !== end) {
      const name = toks[i++];
      if (name.t !== "ident") throw new Error(`Alloy config: expected a block or attribute name at offset ${name.at}, found "${name.v}"`);
      if (peek()?.v === "=") { i++; b.attrs[name.v] = value(); continue; }
      const label = peek()?.t === "string" ? toks[i++].v : undefined;
      expect("{");
      b.blocks.push({ ...body("}"), name: name.v, label });
      expect("}");
    }
    return b;
  };
  const value = (): AlloyValue => {
    const k = toks[i++];
    if (!k) throw new Error("Alloy config: value expected at end of input");
    if (k.t === "string") return k.v;
    if (k.t === "number") return Number(k.v);
    if (k.t === "ident") {
      if (k.v === "true" || k.v === "false") return k.v === "true";
      if (k.v === "null") return null;
      if (peek()?.v === "(") throw new Error(`Alloy config: function call ${k.v}() is not modelled`);
      return { ref: k.v };
    }
    if (k.v === "[") return list();
    if (k.v === "{") return object();
    throw new Error(`Alloy config: unexpected "${k.v}" at offset ${k.at}`);
  };
  const list = (): AlloyValue[] => {
    const out: AlloyValue[] = [];
    while (peek()?.v !== "]") { out.push(value()); if (peek()?.v === ",") i++; }
    i++;
    return out;
  };
  const object = (): Record<string, AlloyValue> => {
    const out: Record<string, AlloyValue> = {};
    while (peek()?.v !== "}") {
      const key = toks[i++];
      expect("=");
      out[key.v] = value();
      if (peek()?.v === ",") i++;
    }
    i++;
    return out;
  };
  return body(undefined);
}

/** Top-level components named `kind` (e.g. `discovery.relabel`), by label. */
export const components = (root: AlloyBlock, kind: string): AlloyBlock[] => root.blocks.filter((b) => b.name === kind);
