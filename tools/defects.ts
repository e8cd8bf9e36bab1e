// `npm run defects [-- --only 7,10] [--markdown]`: proves the suite catches the defects of
// issue 12. Copies the repository once to a temporary directory (node_modules linked), then
// for each defect applies its edits, runs the spec files that must catch it, and restores the
// files. A defect counts as caught when at least one test fails; a load error (the edit broke
// the code) is reported as such, never as caught. Not part of `npm test`: it takes minutes.
// The rendered-chart models call `helm` by name: put the offline stand-in on PATH first.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { DEFECTS, Defect } from "./defects/catalogue";

const ROOT = path.resolve(__dirname, "..");
const SKIP = new Set(["node_modules", ".git", ".stryker-tmp", "reports", "bench-results"]);

interface Outcome {
  defect: Defect;
  status: "caught" | "missed" | "not applicable" | "error";
  failing: string[];
  specs: string[];
  missingSpecs: string[];
  detail?: string;
  seconds: number;
}

function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (SKIP.has(e.name)) continue;
    const src = path.join(from, e.name);
    if (e.isDirectory()) copyTree(src, path.join(to, e.name));
    else if (e.isFile()) fs.copyFileSync(src, path.join(to, e.name));
  }
}

/** Spec files under each entry (a file, or a folder searched for *.spec.ts). */
function expandSpecs(root: string, entries: string[]): { files: string[]; missing: string[] } {
  const files: string[] = [];
  const missing: string[] = [];
  const walk = (p: string) => {
    for (const e of fs.readdirSync(p, { withFileTypes: true })) {
      const q = path.join(p, e.name);
      if (e.isDirectory()) walk(q);
      else if (e.name.endsWith(".spec.ts")) files.push(path.relative(root, q));
    }
  };
  for (const entry of entries) {
    if (entry.endsWith("*")) {
      const dir = path.dirname(entry);
      const hits = fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir)).filter((f) => f.startsWith(path.basename(entry, "*"))) : [];
      if (!hits.length) missing.push(entry);
      for (const h of hits) {
        const abs = path.join(root, dir, h);
        if (fs.statSync(abs).isDirectory()) walk(abs);
        else if (h.endsWith(".spec.ts")) files.push(path.join(dir, h));
      }
      continue;
    }
    const abs = path.join(root, entry);
    if (!fs.existsSync(abs)) missing.push(entry);
    else if (fs.statSync(abs).isDirectory()) walk(abs);
    else files.push(entry);
  }
  return { files: [...new Set(files)].sort(), missing };
}

function applyEdits(root: string, d: Defect): string | undefined {
  for (const e of d.edits) {
    const file = path.join(root, e.file);
    if (!fs.existsSync(file)) return `${e.file} does not exist`;
    const text = fs.readFileSync(file, "utf8");
    const at = text.indexOf(e.find);
    if (at < 0 || text.indexOf(e.find, at + 1) >= 0) return `${e.file}: the text to change is ${at < 0 ? "gone" : "not unique"} (update tools/defects/catalogue.ts)`;
    fs.writeFileSync(file, text.slice(0, at) + e.replace + text.slice(at + e.find.length));
  }
  return undefined;
}

function runMocha(root: string, files: string[]): { failures: string[]; passes: number; loadError?: string } {
  const out = path.join(root, ".defect-report.json");
  fs.rmSync(out, { force: true });
  const mocha = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
  const res = spawnSync(process.execPath, [mocha, "--no-config", "-r", "./tools/register.js", "--timeout", "120000", "--reporter", "json", "--reporter-option", `output=${out}`, ...files], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  if (!fs.existsSync(out)) return { failures: [], passes: 0, loadError: (res.stderr || res.stdout).trim().split("\n").slice(-5).join(" | ") };
  const report = JSON.parse(fs.readFileSync(out, "utf8"));
  return { failures: report.failures.map((f: { fullTitle: string; file?: string }) => `${path.relative(root, f.file ?? "")}: ${f.fullTitle}`), passes: report.stats.passes };
}

function runOne(root: string, d: Defect): Outcome {
  const start = Date.now();
  const { files, missing } = expandSpecs(root, d.specs);
  const backup = new Map(d.edits.map((e) => [e.file, fs.existsSync(path.join(root, e.file)) ? fs.readFileSync(path.join(root, e.file), "utf8") : undefined]));
  const base = { defect: d, specs: files, missingSpecs: missing, failing: [] as string[] };
  try {
    const err = applyEdits(root, d);
    if (err) return { ...base, status: "not applicable", detail: err, seconds: 0 };
    const r = runMocha(root, files);
    const seconds = Math.round((Date.now() - start) / 1000);
    if (r.loadError && r.failures.length === 0) return { ...base, status: "error", detail: r.loadError, seconds };
    return { ...base, status: r.failures.length ? "caught" : "missed", failing: r.failures, detail: `${r.passes} passed`, seconds };
  } finally {
    for (const [f, text] of backup) if (text !== undefined) fs.writeFileSync(path.join(root, f), text);
  }
}

function print(outcomes: Outcome[], markdown: boolean): void {
  if (markdown) {
    console.log("| # | defect | result | first failing tests |\n|---|---|---|---|");
    for (const o of outcomes) console.log(`| ${o.defect.id} | ${o.defect.title} | ${o.status} | ${o.failing.slice(0, 3).join("<br>") || o.detail || ""} |`);
  } else {
    for (const o of outcomes) {
      console.log(`${String(o.defect.id).padStart(2)} ${o.status.padEnd(14)} ${o.defect.title}  (${o.seconds} s, ${o.specs.length} spec files${o.missingSpecs.length ? `; absent: ${o.missingSpecs.join(", ")}` : ""})`);
      for (const f of o.failing.slice(0, 5)) console.log(`     x ${f}`);
      if (o.failing.length > 5) console.log(`     ... ${o.failing.length - 5} more`);
      if (o.status !== "caught" && o.detail) console.log(`     ${o.detail}`);
    }
  }
  const caught = outcomes.filter((o) => o.status === "caught").length;
  console.log(`\n${caught}/${outcomes.length} defects caught`);
}

function main(): void {
  const { values } = parseArgs({ options: { only: { type: "string" }, markdown: { type: "boolean" } } });
  const only = values.only ? new Set(values.only.split(",").map(Number)) : undefined;
  const chosen = DEFECTS.filter((d) => !only || only.has(d.id));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "platform-defects-"));
  try {
    copyTree(ROOT, root);
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"), "dir");
    const outcomes: Outcome[] = [];
    for (const d of chosen) {
      const o = runOne(root, d);
      outcomes.push(o);
      if (!values.markdown) console.log(`${d.id}: ${o.status} (${o.seconds} s)`);
    }
    print(outcomes, values.markdown ?? false);
    process.exitCode = outcomes.every((o) => o.status === "caught") ? 0 : 1;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main();
