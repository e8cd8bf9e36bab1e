// `npm run mutate:report [-- --survivors]`: the mutation score of the last `npm run mutate`,
// per area (policies/, contract/, infra/config.ts), from Stryker's JSON report. Score as
// Stryker counts it: (killed + timeout) / (killed + timeout + survived + no coverage);
// mutants the type-checker rejects never ran and do not count.
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "node_modules", ".cache", "stryker");
/** The whole run's report and any per-area run's (MUTATE_AREA), newest last. */
export const reports = (): string[] =>
  fs.existsSync(DIR) ? fs.readdirSync(DIR).filter((f) => /^mutation(-\w+)?\.json$/.test(f)).map((f) => path.join(DIR, f)).sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs) : [];
const AREAS = ["policies/", "contract/", "infra/config.ts"];
const AREA_NAMES: Record<string, string> = { "policies/": "policies", "contract/": "contract", "infra/config.ts": "config" };

interface Mutant {
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
}

export interface Tally {
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  /** Static mutants (ignoreStatic): never run, not scored. */
  ignored: number;
  /** Rejected by the type-checker, or broke the module: never a real defect, not scored. */
  invalid: number;
}

export function tally(mutants: Mutant[]): Tally {
  const t: Tally = { killed: 0, survived: 0, noCoverage: 0, timeout: 0, ignored: 0, invalid: 0 };
  for (const m of mutants) {
    if (m.status === "Killed") t.killed++;
    else if (m.status === "Survived") t.survived++;
    else if (m.status === "NoCoverage") t.noCoverage++;
    else if (m.status === "Timeout") t.timeout++;
    else if (m.status === "Ignored") t.ignored++;
    else t.invalid++;
  }
  return t;
}

export function score(t: Tally): number {
  const detected = t.killed + t.timeout;
  const valid = detected + t.survived + t.noCoverage;
  return valid === 0 ? NaN : (100 * detected) / valid;
}

/** Prints the score per area (and the survivors) of one or more reports (runs over parts of
 * the code, merged by file); false when there is no report yet. */
export function printReport(files: string[] = reports(), survivors = false): boolean {
  const present = files.filter((f) => fs.existsSync(f));
  if (!present.length) return false;
  const report: Report = { files: {} };
  for (const f of present) Object.assign(report.files, (JSON.parse(fs.readFileSync(f, "utf8")) as Report).files);
  const when = present.map((f) => fs.statSync(f).mtime.toISOString()).sort().pop();
  console.log(`mutation score (npm run mutate, report of ${when}):`);
  for (const area of AREAS) {
    const files = Object.entries(report.files).filter(([f]) => f.startsWith(area));
    const t = tally(files.flatMap(([, f]) => f.mutants));
    if (files.length === 0) {
      console.log(`  ${area.padEnd(16)} not run (MUTATE_AREA=${AREA_NAMES[area] ?? area} npm run mutate)`);
      continue;
    }
    console.log(`  ${area.padEnd(16)} ${score(t).toFixed(1).padStart(5)} %   killed ${t.killed}, timeout ${t.timeout}, survived ${t.survived}, no coverage ${t.noCoverage} (not scored: ${t.ignored} static, ${t.invalid} rejected by tsc)`);
    if (!survivors) continue;
    for (const [f, { mutants }] of files) {
      for (const m of mutants.filter((x) => x.status === "Survived" || x.status === "NoCoverage")) {
        console.log(`    ${f}:${m.location.start.line}:${m.location.start.column} ${m.status} ${m.mutatorName} -> ${JSON.stringify(m.replacement ?? "").slice(0, 80)}`);
      }
    }
  }
  return true;
}

function main(): void {
  const { values } = parseArgs({ options: { survivors: { type: "boolean" }, file: { type: "string", multiple: true } } });
  if (!printReport(values.file ?? reports(), values.survivors)) {
    console.error(`mutate:report: no report in ${path.relative(ROOT, DIR)}. Fix: run \`npm run mutate\` first.`);
    process.exitCode = 1;
  }
}

if (require.main === module) main();
