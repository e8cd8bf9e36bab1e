// Label selectors as NetworkPolicy uses them.
// upstream: kubernetes apimachinery pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector
// (matchLabels AND matchExpressions; `{}` selects everything; operators In, NotIn, Exists,
// DoesNotExist).
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function matches(sel: LabelSelector | undefined | null, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) if (!expression(e, labels)) return false;
  return true;
}

function expression(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  switch (e.operator) {
    case "In": return has && (e.values ?? []).includes(labels[e.key]);
    case "NotIn": return !has || !(e.values ?? []).includes(labels[e.key]);
    case "Exists": return has;
    case "DoesNotExist": return !has;
    default: throw new Error(`label selector operator ${e.operator} on ${e.key} is not valid. Fix: use In, NotIn, Exists or DoesNotExist.`);
  }
}

/** A Service's `spec.selector` is a plain map; a Service without one selects no pods (its endpoints are managed by hand). */
export const serviceSelects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  !!selector && Object.keys(selector).length > 0 && matches({ matchLabels: selector }, labels);

/** A selector as text, for reports and for comparing sets of peers. */
export function showSelector(sel: LabelSelector | undefined | null): string {
  if (!sel) return "*";
  const parts = [
    ...Object.entries(sel.matchLabels ?? {}).sort().map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) => `${e.key} ${e.operator} (${(e.values ?? []).join(",")})`),
  ];
  return parts.length ? parts.join(",") : "{}";
}
