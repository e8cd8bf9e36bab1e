// Defensive readers: policy inputs may be partial, malformed or of the wrong type.
import { memoize } from "./memo";

export type Obj = Record<string, unknown>;

export function asObject(v: unknown): Obj | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  // Kubernetes/AWS values sometimes arrive as numeric strings (YAML, JSON-encoded inputs).
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A string or an array of strings (IAM Action/Resource); anything else gives []. */
export function stringList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  return asArray(v).filter((x): x is string => typeof x === "string");
}

/** Reads obj.a.b.c without throwing on non-objects. */
export function dig(v: unknown, ...keys: string[]): unknown {
  let cur: unknown = v;
  for (const k of keys) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[k];
  }
  return cur;
}

/** True if `e` is @pulumi/policy's UnknownValueError (read of a value unknown during preview). */
export function isUnknownValueError(e: unknown): boolean {
  return e instanceof Error && "unknownTypeSentinel" in e;
}

/** Runs `read`; an unknown-during-preview value yields undefined instead of throwing. */
export function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return undefined;
    throw e;
  }
}

/** Anchored glob: `*` matches any run of characters (including `/`), `?` one character. */
export const globToRegExp = memoize((glob: string): RegExp => {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
});

export function globMatch(glob: string, value: string): boolean {
  return glob === value || globToRegExp(glob).test(value);
}

/** Levenshtein distance, for "did you mean" hints on typo'd names. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(3, Math.floor(name.length / 3)) ? best : undefined;
}

/** Renders a value for a message, bounded so a huge or odd value cannot blow up the output. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  } catch {
    try {
      s = String(v);
    } catch {
      s = "<unprintable>";
    }
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export const UNKNOWN: unique symbol = Symbol("unknown during preview");
/** Runs `read`; returns UNKNOWN (instead of throwing) when it touches a value unknown during preview. */
export function readKnown<T>(read: () => T): T | typeof UNKNOWN {
  try {
    return read();
  } catch (e) {
    if (isUnknownValueError(e)) return UNKNOWN;
    throw e;
  }
}
