// `npm run render -- --stack <env> [--stack-file <yaml>] [--out DIR] [--json | --markdown] [--no-cache]`:
// runs the program offline, then renders every helm.v4.Chart it registers as the Kubernetes
// provider would (models/render.ts) and prints what each chart puts on the cluster.
// Exit codes: 0 all charts rendered and every cross-check holds; 1 a chart could not be
// rendered (not verified), a cross-check found a mismatch, or bad config; 2 usage error or
// no `helm` on PATH.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { ChartRender, StackRender } from "../models/render";
import type { PolicyReport } from "../policies/engine";
import { workloadKind } from "../policies/lib/podspec";
import type { RunResult } from "./harness";
import { listStacks, loadStackConfig } from "./stacks";

const USAGE = `usage: npm run render -- --stack <${listStacks().join("|")}> [--stack-file <yaml>] [--out DIR] [--json | --markdown] [--no-cache]`;

/** ServiceAccounts, Services with their ports, and workloads: what a chart contributes. */
export function chartContents(c: ChartRender): { workloads: string[]; serviceAccounts: string[]; services: string[] } {
  const services = c.objects
    .filter((o) => o.kind === "Service")
    .map((o) => `${o.object.metadata?.name}:${((o.object.spec?.ports ?? []) as { port?: number }[]).map((p) => p.port).join("/")}`);
  return {
    workloads: c.objects.filter((o) => workloadKind(o.type)).map((o) => `${o.kind}/${o.object.metadata?.name}`),
    serviceAccounts: c.objects.filter((o) => o.kind === "ServiceAccount").map((o) => String(o.object.metadata?.name)),
    services,
  };
}

export function renderText(r: StackRender): string[] {
  const lines = [`Rendered stack ${r.stack} with ${r.helm} (--kube-version ${r.kubeVersion}): ${r.objects.length} objects from ${r.charts.length} charts`, ""];
  for (const c of r.charts) {
    const head = `${c.spec.name} (${c.spec.chart} ${c.spec.version}) -> namespace ${c.spec.namespace}`;
    if (c.status !== "rendered") {
      lines.push(`${head}: NOT VERIFIED`, ...String(c.reason).split("\n").map((l) => `    ${l}`));
      continue;
    }
    const k = chartContents(c);
    lines.push(`${head}: ${c.objects.length} objects${c.cached ? " (cached)" : ""}, ${c.ms} ms`);
    lines.push(`    workloads: ${k.workloads.join(", ") || "-"}`, `    service accounts: ${k.serviceAccounts.join(", ") || "-"}`, `    services: ${k.services.join(" ") || "-"}`);
  }
  return lines;
}

/**
 * The README's per-chart table: what each chart creates and the exemptions its objects use,
 * from the render and the packs' report over it (a test keeps the README equal to this).
 */
export function chartTable(r: StackRender, report: PolicyReport): string[] {
  const cell = (xs: string[]) => (xs.length ? xs.join(", ") : "-");
  const rows = r.charts.map((c) => {
    if (c.status !== "rendered") return `| ${c.spec.name} | ${c.spec.namespace} | NOT VERIFIED | | | |`;
    const k = chartContents(c);
    const urns = new Set(c.objects.map((o) => o.urn));
    const ex = [...new Set(report.exempted.filter((e) => e.urn && urns.has(e.urn)).map((e) => `${e.policy}: ${e.object}`))].sort();
    return `| ${c.spec.chart.split("/").pop()} ${c.spec.version} | ${c.spec.namespace} | ${cell(k.workloads)} | ${cell(k.serviceAccounts)} | ${cell(k.services)} | ${cell(ex)} |`;
  });
  return ["| chart | namespace | workloads | service accounts | services (ports) | exemptions used |", "|---|---|---|---|---|---|", ...rows];
}

function writeOut(r: StackRender, dir: string): void {
  const jsyaml = require("js-yaml") as typeof import("js-yaml");
  fs.mkdirSync(dir, { recursive: true });
  for (const c of r.charts) {
    if (c.status !== "rendered") continue;
    const body = c.objects.map((o) => `# ${o.urn}\n${jsyaml.dump(o.object, { noRefs: true, lineWidth: -1 })}`).join("---\n");
    fs.writeFileSync(path.join(dir, `${c.spec.name}.yaml`), body);
  }
}

/** Both packs over the program's resources and every rendered object, at the stack's levels. */
export function renderedReport(run: RunResult, r: StackRender): PolicyReport {
  const { policyReport } = require("./plan") as typeof import("./plan");
  const { renderedPolicyResources } = require("../models/rendered-report") as typeof import("../models/rendered-report");
  return policyReport(run, String(run.outputs.environment ?? run.stack), renderedPolicyResources(r));
}

/** Runs the stack's program under mocks; a config error is reported, not thrown. */
export async function runForRender(stack: string, stackFile?: string): Promise<RunResult | string> {
  const { runProgram } = require("./harness") as typeof import("./harness");
  try {
    return await runProgram({ stack, config: loadStackConfig(stack, stackFile) });
  } catch (e) {
    if ((e as Error)?.name === "ConfigError") return `stack ${stack}: ${(e as Error).message}`;
    throw e;
  }
}

async function cli(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" }, "stack-file": { type: "string" }, out: { type: "string" }, json: { type: "boolean" }, markdown: { type: "boolean" }, "no-cache": { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (e) {
    process.stderr.write(`render: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) return void process.stdout.write(`${USAGE}\n`), 0;
  const stack = args.values.stack;
  if (!stack || !listStacks().includes(stack) && !args.values["stack-file"]) {
    process.stderr.write(`render: --stack is required (one of ${listStacks().join(", ")})\n${USAGE}\n`);
    return 2;
  }
  const render = require("../models/render") as typeof import("../models/render");
  if (!render.findHelm()) {
    process.stderr.write(`render: ${new render.HelmNotFoundError().message}\n`);
    return 2;
  }
  const run = await runForRender(stack, args.values["stack-file"]);
  if (typeof run === "string") return void process.stderr.write(`render: ${run}\n`), 1;
  const r = await render.renderStack(run, args.values["no-cache"] ? { cacheDir: false } : {});
  if (args.values.out) writeOut(r, args.values.out);
  const text = args.values.markdown
    ? `${chartTable(r, renderedReport(run, r)).join("\n")}\n`
    : args.values.json
    ? `${JSON.stringify({ stack: r.stack, kubeVersion: r.kubeVersion, charts: r.charts.map((c) => ({ ...c.spec, values: undefined, status: c.status, reason: c.reason, objects: c.objects.map((o) => ({ urn: o.urn, object: o.object })) })) }, null, 2)}\n`
    : `${renderText(r).join("\n")}\n`;
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  const unverified = r.charts.filter((c) => c.status !== "rendered");
  if (unverified.length) process.stderr.write(`render: not verified: ${unverified.map((c) => c.spec.name).join(", ")}\n`);
  // The cross-checks only rendered objects allow (models/crosscheck): identities, URLs, ports.
  const { crossCheck } = require("../models/crosscheck") as typeof import("../models/crosscheck");
  const { formatFinding } = require("../models/crosscheck/finding") as typeof import("../models/crosscheck/finding");
  const { programObjects } = require("../models/objects") as typeof import("../models/objects");
  const findings = crossCheck(run, [...programObjects(run), ...r.objects]);
  for (const f of findings) process.stderr.write(`render: cross-check: ${formatFinding(f)}\n`);
  return unverified.length || findings.length ? 1 : 0;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`render: ${(e as Error)?.stack ?? e}\n`);
      process.exit(3);
    },
  );
}
