// `npm test`: the type-check (tsc --noEmit) and mocha run side by side, one per core.
// Mocha's output streams through; its closing `N passed, N failed` line is held back and
// printed last, with a failed type-check counted as one more failure.
"use strict";
const { spawn } = require("child_process");
const path = require("path");

const root = path.resolve(__dirname, "..");
const bin = (name) => path.join(root, "node_modules", ".bin", name);
const SUMMARY = /^(\d+) passed, (\d+) failed(, (\d+) skipped)?$/;

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

async function main() {
  let summary;
  // Incremental: a warm run re-checks only what changed (the build info lives in node_modules/.cache).
  const tsc = run(bin("tsc"), ["--noEmit", "-p", ".", "--incremental", "--tsBuildInfoFile", path.join(root, "node_modules", ".cache", "tsc", "tsbuildinfo")]);
  const mocha = run(bin("mocha"), process.argv.slice(2), (line) => {
    if (SUMMARY.test(line)) summary = line;
    else process.stdout.write(`${line}\n`);
  });
  const [t, m] = await Promise.all([tsc, mocha]);
  if (t.code !== 0) process.stdout.write(`\ntsc --noEmit failed:\n${t.out}\n`);
  const match = summary && SUMMARY.exec(summary);
  const passed = match ? Number(match[1]) : 0;
  const failed = (match ? Number(match[2]) : m.code === 0 ? 0 : 1) + (t.code === 0 ? 0 : 1);
  const skipped = match && match[4] ? `, ${match[4]} skipped` : "";
  process.stdout.write(`${passed} passed, ${failed} failed${skipped}\n`);
  process.exitCode = t.code !== 0 || m.code !== 0 || failed > 0 ? 1 : 0;
}

main();
