// What a real preview's policy run sees once the charts are rendered: the program's resources
// and every chart's children, judged together, summarised per chart. A chart that could not be
// rendered is reported as not verified, never as passed.
import type { PolicyConfig, PolicyReport, PolicyResource } from "../policies/engine";
import { workloadKind } from "../policies/lib/podspec";
import type { ClusterObject } from "./objects";
import type { ChartRender, StackRender } from "./render";

/** A rendered object as the engine hands it to a policy: its URN under its Chart, its manifest as props. */
export function asPolicyResource(o: ClusterObject): PolicyResource {
  return { urn: o.urn, type: o.type, name: o.name, parent: o.parent, props: o.object, dependencies: o.dependsOn, custom: true };
}

export const renderedPolicyResources = (render: StackRender): PolicyResource[] => render.objects.map(asPolicyResource);

export interface ChartSummary {
  chart: string;
  ref: string;
  namespace: string;
  status: ChartRender["status"];
  reason?: string;
  objects: number;
  workloads: number;
  mandatory: number;
  advisory: number;
  exempted: number;
}


export function chartSummaries(render: StackRender, report: PolicyReport): ChartSummary[] {
  return render.charts.map((c) => {
    const urns = new Set(c.objects.map((o) => o.urn));
    const mine = (urn: string | undefined) => urn !== undefined && urns.has(urn);
    const violations = report.violations.filter((v) => mine(v.urn));
    return {
      chart: c.spec.name,
      ref: `${c.spec.chart.split("/").pop()} ${c.spec.version}`,
      namespace: c.spec.namespace,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      objects: c.objects.length,
      workloads: c.objects.filter((o) => workloadKind(o.type)).length,
      mandatory: violations.filter((v) => v.level === "mandatory").length,
      advisory: violations.filter((v) => v.level === "advisory").length,
      exempted: report.exempted.filter((v) => mine(v.urn)).length,
    };
  });
}

export function formatChartSummaries(rows: ChartSummary[]): string[] {
  const lines = rows.map((r) =>
    r.status === "rendered"
      ? `  ${r.chart.padEnd(30)} ${r.ref.padEnd(34)} ${String(r.objects).padStart(3)} objects, ${r.workloads} workloads: ${r.mandatory} mandatory, ${r.advisory} advisory, ${r.exempted} exempted`
      : `  ${r.chart.padEnd(30)} ${r.ref.padEnd(34)} NOT VERIFIED: ${(r.reason ?? "").split("\n").join(" | ")}`,
  );
  const unverified = rows.filter((r) => r.status !== "rendered").length;
  return [`Charts rendered as the cluster receives them (${rows.length - unverified} rendered, ${unverified} not verified):`, ...lines];
}

/** Exemptions in the config that matched nothing: stale, or hiding a typo. */
export function unusedExemptions(config: PolicyConfig, report: PolicyReport): { pack: string; policy: string; resource: string }[] {
  const used = new Set(report.exempted.map((e) => `${e.pack}\0${e.policy}\0${e.exemption}`));
  const out: { pack: string; policy: string; resource: string }[] = [];
  for (const [pack, packConfig] of Object.entries(config.packs) as [string, Record<string, unknown>][]) {
    for (const [policy, v] of Object.entries(packConfig ?? {})) {
      const exemptions = (v && typeof v === "object" ? (v as { exemptions?: { resource: string }[] }).exemptions : undefined) ?? [];
      for (const e of exemptions) if (!used.has(`${pack}\0${policy}\0${e.resource}`)) out.push({ pack, policy, resource: e.resource });
    }
  }
  return out;
}
