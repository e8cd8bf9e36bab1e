// `npm run bench`: the speed figures the project promises, printed, never asserted in a
// test (timings flake). Each figure is the median of several runs in fresh processes.
//   plan:   `npm run plan -- --stack prod` against the floor (start Node, load the SDKs); target <= 2x
//   render: `npm run render` per stack, cold (no cache) and warm (cached by content hash)
//   tests:  the whole `npm test` (type-check + mocha, rendered charts and models included); target < 40 s
//   policy: tools/bench/policy.ts (offline checker vs YAML parsing), when present
//   mutation: the last `npm run mutate` score (it is too slow to run here), when present
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { printReport } from "./mutation-report";

const ROOT = path.resolve(__dirname, "..");
const NODE = process.execPath;

interface Timing {
  ms: number;
  maxRssMb: number;
}

/** Runs a command in a fresh process and measures wall time and its peak RSS (via /proc when GNU time is absent). */
function timeOnce(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Timing {
  const start = process.hrtime.bigint();
  const useTime = fs.existsSync("/usr/bin/time");
  const res = useTime
    ? spawnSync("/usr/bin/time", ["-f", "%M", cmd, ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${res.status}:\n${res.stderr}`);
  const kb = useTime ? Number(res.stderr.trim().split("\n").pop()) : NaN;
  return { ms, maxRssMb: kb / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(label: string, runs: number, cmd: string, args: string[]): Timing {
  timeOnce(cmd, args); // warm the file cache
  const ts = Array.from({ length: runs }, () => timeOnce(cmd, args));
  const t = { ms: median(ts.map((x) => x.ms)), maxRssMb: median(ts.map((x) => x.maxRssMb)) };
  console.log(`${label.padEnd(34)} ${(t.ms / 1000).toFixed(2).padStart(6)} s   peak RSS ${t.maxRssMb.toFixed(0).padStart(4)} MB   (median of ${runs})`);
  return t;
}

/** Render figures: each stack's 14 charts through `helm template`, cold and from the cache. */
function benchRender(runs: number): void {
  const { findHelm } = require("../models/render") as typeof import("../models/render");
  const helm = findHelm();
  if (!helm) return void console.log("render: skipped, no `helm` on PATH (PATH=../shared/bin:$PATH offline)");
  const render = (stack: string, cold: boolean): [string, string[]] => [NODE, ["-r", "./tools/register.js", "tools/render.ts", "--stack", stack, ...(cold ? ["--no-cache"] : [])]];
  const planOnly = measure("plan --stack prod (program alone)", runs, NODE, ["-r", "./tools/register.js", "tools/plan.ts", "--stack", "prod", "--json"]);
  for (const stack of ["dev", "staging", "prod"]) {
    const cold = measure(`render --stack ${stack}, cold`, Math.min(runs, 3), ...render(stack, true));
    const warm = measure(`render --stack ${stack}, cached`, Math.min(runs, 3), ...render(stack, false));
    console.log(`  ${stack}: rendering adds ${((cold.ms - planOnly.ms) / 1000).toFixed(2)} s cold, ${((warm.ms - planOnly.ms) / 1000).toFixed(2)} s cached (${helm})`);
  }
}

function main() {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, skip: { type: "string", multiple: true, default: [] } } });
  const runs = Math.max(1, Number(values.runs));
  const skip = new Set(values.skip);
  console.log(`bench on ${process.version}, ${require("os").cpus().length} cores`);

  if (!skip.has("plan")) {
    const sdks = "require('@pulumi/pulumi');require('@pulumi/aws');require('@pulumi/kubernetes');require('@pulumi/random')";
    const floor = measure("floor: node + Pulumi SDKs", runs, NODE, ["-e", sdks]);
    // The plan runs with V8's compile cache (tools/register.js); this floor has it too, so
    // the second ratio shows what the plan itself costs beyond loading.
    const cachedFloor = measure("floor, with the plan's compile cache", runs, NODE, ["-r", "./tools/register.js", "-e", sdks]);
    const plan = measure("plan --stack prod", runs, NODE, ["-r", "./tools/register.js", "tools/plan.ts", "--stack", "prod"]);
    const json = measure("plan --stack prod --json", runs, NODE, ["-r", "./tools/register.js", "tools/plan.ts", "--stack", "prod", "--json"]);
    const ratio = plan.ms / floor.ms;
    console.log(`plan / floor: ${ratio.toFixed(2)}x (json ${(json.ms / floor.ms).toFixed(2)}x); target <= 2x: ${ratio <= 2 ? "met" : "MISSED"}`);
    console.log(`plan / floor with the same compile cache: ${(plan.ms / cachedFloor.ms).toFixed(2)}x (json ${(json.ms / cachedFloor.ms).toFixed(2)}x)`);
  }
  if (!skip.has("render")) benchRender(runs);
  if (!skip.has("tests")) {
    const npmCli = path.join(path.dirname(NODE), "..", "lib", "node_modules", "npm", "bin", "npm-cli.js");
    const npm = fs.existsSync(npmCli) ? [NODE, npmCli] : ["npm"];
    const t = measure("npm test (tsc + mocha)", Math.min(runs, 2), npm[0], [...npm.slice(1), "test", "--silent"]);
    console.log(`npm test: ${(t.ms / 1000).toFixed(1)} s; target < 40 s: ${t.ms < 40000 ? "met" : "MISSED"}`);
  }
  const policyBench = path.join(ROOT, "tools", "bench", "policy.ts");
  if (!skip.has("policy") && fs.existsSync(policyBench)) {
    const res = spawnSync(NODE, ["-r", "./tools/register.js", policyBench], { cwd: ROOT, stdio: "inherit" });
    if (res.status !== 0) process.exitCode = 1;
  }
  if (!skip.has("mutation") && !printReport()) console.log("mutation score: no report yet (npm run mutate)");
}

main();
