// Kubernetes resource quantities ("250m", "1.5", "512Mi", "2G", "1e3") as plain numbers:
// CPU in cores, memory and storage in bytes.
// upstream: kubernetes/apimachinery pkg/api/resource/quantity.go (suffixes: binary Ki..Ei,
// decimal n u m "" k M G T P E, and decimal exponents e/E).
const SUFFIX: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** The value of a quantity; throws naming the bad value (a number is taken as is). */
export function parseQuantity(q: unknown, what = "quantity"): number {
  if (typeof q === "number" && Number.isFinite(q)) return q;
  const s = typeof q === "string" ? q.trim() : "";
  const m = QUANTITY.exec(s);
  if (!m) throw new Error(`${what}: ${JSON.stringify(q)} is not a Kubernetes quantity. Fix: use a number with an optional suffix, such as 250m, 1, 512Mi or 2Gi.`);
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ""];
}

/** A readable form for reports: cores for cpu, Mi/Gi for bytes. */
export function formatQuantity(resource: string, v: number): string {
  if (resource.endsWith("cpu")) return Number.isInteger(v) ? String(v) : `${Math.round(v * 1000)}m`;
  if (/memory|storage/.test(resource)) {
    if (v >= 2 ** 30 && Number.isInteger(v / 2 ** 30)) return `${v / 2 ** 30}Gi`;
    return `${Math.round((v / 2 ** 20) * 100) / 100}Mi`;
  }
  return String(v);
}
