// Label selector semantics, as the API server applies them to NetworkPolicy and Service selectors.
// upstream: kubernetes/apimachinery pkg/apis/meta/v1/helpers.go (LabelSelectorAsSelector):
// matchLabels and every matchExpressions entry must all hold; an empty selector matches everything.
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  return (sel.matchExpressions ?? []).every((e) => expressionHolds(e, labels));
}

function expressionHolds(e: { key: string; operator: string; values?: string[] }, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, e.key);
  const values = (e.values ?? []).map(String);
  switch (e.operator) {
    case "In": return has && values.includes(labels[e.key]);
    case "NotIn": return !has || !values.includes(labels[e.key]);
    case "Exists": return has;
    case "DoesNotExist": return !has;
    default: throw new Error(`label selector operator ${e.operator} on ${e.key}: expected In, NotIn, Exists or DoesNotExist`);
  }
}

/** A Service's `spec.selector` is a plain map; a Service without one selects no pods (its Endpoints are managed by hand). */
export const serviceSelects = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  !!selector && Object.keys(selector).length > 0 && selectorMatches({ matchLabels: selector }, labels);
