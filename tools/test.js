// `npm test`: the type-check (tsc -b over tsconfig.json, noEmit) and the mocha suite, run side by side. With no
// arguments the suite is split into two shards (two mocha processes), so that both cores
// work while tsc's incremental check is warm: one shard holds the specs that mostly wait on
// child processes (policy packs, CLIs, workflows, the example app, packaging), the other the
// program, render and model specs, and every spec that imports test/support.ts, since they
// share its one cached program run and render per stack.
// Shard outputs are printed whole, one after the other; a single `N passed, N failed` line
// (a failed type-check counted as one more failure) closes the run.
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const SUMMARY = /^(\d+) passed, (\d+) failed(, (\d+) skipped)?$/;
const PROCESS_SHARD = ["test/policies", "test/workflows", "test/examples", "test/contract", "test/packaging"];
// test/support.ts caches one program run per stack per process: a spec that uses it runs beside
// the others that do, in the program shard, so no stack is run twice (about a second each).
const USES_SHARED_RUNS = /from "(\.\.\/)+support"/;

function run(cmd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let pending = "";
    child.stdout.on("data", (chunk) => {
      if (!onLine) return void (out += chunk);
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      lines.forEach(onLine);
    });
    child.stderr.on("data", (chunk) => (onLine ? process.stderr.write(chunk) : (out += chunk)));
    child.on("close", (code) => {
      if (onLine && pending) onLine(pending);
      resolve({ code: code ?? 1, out });
    });
  });
}

function specs(dir) {
  const out = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...specs(rel));
    else if (e.name.endsWith(".spec.ts")) out.push(rel);
  }
  return out.sort();
}

function shards() {
  const all = specs("test");
  const heavy = all.filter((f) => PROCESS_SHARD.some((d) => f.startsWith(`${d}/`)) && !USES_SHARED_RUNS.test(fs.readFileSync(path.join(root, f), "utf8")));
  return [heavy, all.filter((f) => !heavy.includes(f))].filter((s) => s.length > 0);
}

/**
 * The type-check as a build-mode project over tsconfig.json (same options, noEmit, incremental;
 * its build info in node_modules/.cache): when no input changed since a clean check, `tsc -b`
 * answers from the build info in half a second instead of loading the whole program (~10 s of
 * CPU); after an edit it re-checks what changed, as `tsc --incremental` did. Errors are kept in
 * the build info, so an unchanged broken tree fails again.
 */
function typeCheckProject() {
  const dir = path.join(root, "node_modules", ".cache", "tsc");
  const file = path.join(dir, "tsconfig.json");
  const config = { extends: path.relative(dir, path.join(root, "tsconfig.json")), compilerOptions: { noEmit: true, incremental: true, tsBuildInfoFile: "./build.tsbuildinfo" } };
  const text = `${JSON.stringify(config, null, 2)}\n`;
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) fs.writeFileSync(file, text);
  return file;
}

/** One mocha process; its closing summary line is taken out of its output. */
function mocha(args, stream) {
  const held = [];
  let summary;
  return run(bin("mocha"), args, (line) => {
    if (SUMMARY.test(line)) summary = line;
    else if (stream) process.stdout.write(`${line}\n`);
    else held.push(line);
  }).then((r) => ({ ...r, summary, held }));
}

async function main() {
  const argv = process.argv.slice(2);
  const tsc = run(bin("tsc"), ["-b", typeCheckProject()]);
  const runs = argv.length > 0 ? [mocha(argv, true)] : shards().map((files, i) => mocha(files, i === 0));
  const [t, ...ms] = await Promise.all([tsc, ...runs]);
  for (const m of ms.slice(1)) process.stdout.write(`${m.held.join("\n")}\n`);
  if (t.code !== 0) process.stdout.write(`\ntsc --noEmit failed:\n${t.out}\n`);
  let passed = 0;
  let failed = t.code === 0 ? 0 : 1;
  let skipped = 0;
  for (const m of ms) {
    const match = m.summary && SUMMARY.exec(m.summary);
    passed += match ? Number(match[1]) : 0;
    failed += match ? Number(match[2]) : m.code === 0 ? 0 : 1;
    skipped += match && match[4] ? Number(match[4]) : 0;
  }
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
  process.exitCode = t.code !== 0 || ms.some((m) => m.code !== 0) || failed > 0 ? 1 : 0;
}

main();
