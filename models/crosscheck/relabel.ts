// Prometheus relabelling, as Alloy's discovery.relabel and prometheus.scrape apply it.
// upstream: prometheus/prometheus model/relabel/relabel.go (defaults: separator ";", regex
// "(.*)" anchored as ^(?:regex)$, replacement "$1", action "replace"); Alloy's
// discovery.relabel wraps the same package (grafana/alloy internal/component/discovery/relabel).
export interface RelabelRule {
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
  action?: string;
  modulus?: number;
}

export type Labels = Record<string, string>;

/** The target after the rules, or undefined when a keep/drop rule removes it. */
export function relabel(labels: Labels, rules: RelabelRule[]): Labels | undefined {
  let lb: Labels = { ...labels };
  for (const r of rules) {
    const out = applyRule(lb, r);
    if (!out) return undefined;
    lb = out;
  }
  return lb;
}

function applyRule(lb: Labels, r: RelabelRule): Labels | undefined {
  const action = (r.action ?? "replace").toLowerCase();
  const re = new RegExp(`^(?:${goRegex(r.regex ?? "(.*)")})$`);
  const val = (r.source_labels ?? []).map((l) => lb[l] ?? "").join(r.separator ?? ";");
  switch (action) {
    case "keep": return re.test(val) ? lb : undefined;
    case "drop": return re.test(val) ? undefined : lb;
    case "replace": {
      const m = re.exec(val);
      if (!m || !r.target_label) return lb;
      const res = expand(r.replacement ?? "$1", m);
      const out = { ...lb };
      if (res === "") delete out[r.target_label]; else out[r.target_label] = res;
      return out;
    }
    case "labeldrop": return Object.fromEntries(Object.entries(lb).filter(([k]) => !re.test(k)));
    case "labelkeep": return Object.fromEntries(Object.entries(lb).filter(([k]) => re.test(k)));
    default: throw new Error(`relabel action "${r.action}" is not modelled: use keep, drop, replace, labeldrop or labelkeep`);
  }
}

/** Go's regexp.Expand: $1, ${1}, $name; an unknown group expands to "". */
function expand(tpl: string, m: RegExpExecArray): string {
  return tpl.replace(/\$(?:\{(\w+)\}|(\d+)|(\$))/g, (_s, braced, num, dollar) => (dollar ? "$" : m[Number(braced ?? num)] ?? ""));
}

/** RE2 and JavaScript agree on the constructs these rules use; refuse the ones where they differ. */
function goRegex(re: string): string {
  if (/\(\?[imsU]/.test(re) || /\\[pPQ]/.test(re)) throw new Error(`relabel regex "${re}": flags, \\p and \\Q are not modelled`);
  return re;
}
