// Shared by every program test: one run per stack and mode, cached, because the runs
// share Pulumi's global mock state and cost about a second each.
import type { StackRender } from "../models/render";
import { RecordedResource, RunResult, StackConfig, loadStackConfig, runProgram } from "../tools/harness";

const cache = new Map<string, Promise<RunResult>>();

export function runStack(stack: string, preview = false): Promise<RunResult> {
  const key = `${stack}:${preview}`;
  if (!cache.has(key)) cache.set(key, runProgram({ stack, config: loadStackConfig(stack), preview }));
  return cache.get(key)!;
}

const variants = new Map<string, Promise<RunResult>>();

/** Runs a stack's config with some keys replaced (values as they would sit in the YAML); two tests
 * asking for the same config share one run (results are read, never changed, by the tests). */
export function runWith(stack: string, overrides: Record<string, unknown>, harness: { zones?: number } = {}): Promise<RunResult> {
  // undefined (a deleted key) must not read as an absent override
  const key = JSON.stringify([stack, overrides, harness], (_k, v) => (v === undefined ? "\0undefined" : v));
  if (!variants.has(key)) variants.set(key, runVariant(stack, overrides, harness));
  return variants.get(key)!;
}

function runVariant(stack: string, overrides: Record<string, unknown>, harness: { zones?: number }): Promise<RunResult> {
  const base = loadStackConfig(stack);
  const config: StackConfig = { config: { ...base.config }, secretKeys: base.secretKeys };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete config.config[`platform:${k}`];
    else config.config[`platform:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return runProgram({ stack, config, ...harness });
}

export const ofType = (r: RunResult, type: string): RecordedResource[] => r.resources.filter((x) => x.type === type);

export function one(r: RunResult, type: string, name?: string): RecordedResource {
  const found = ofType(r, type).filter((x) => name === undefined || x.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
}

export const inputs = (x: RecordedResource): any => x.inputs;
export const ENVS = ["dev", "staging", "prod"] as const;

// Rendered charts: each stack's charts rendered once per test run (and cached on disk by
// content hash), as a real preview would register them. Without a `helm` on PATH the
// rendered suites skip, saying so once.
const renders = new Map<string, Promise<StackRender>>();

export const HELM = (require("../models/render") as typeof import("../models/render")).findHelm();

export function renderedStack(stack: string): Promise<StackRender> {
  if (!renders.has(stack)) {
    const { renderStack } = require("../models/render") as typeof import("../models/render");
    renders.set(stack, runStack(stack).then((run) => renderStack(run)));
  }
  return renders.get(stack)!;
}

let skipNoted = false;
/** `describe` for suites that need rendered charts; with no helm on PATH, one visible skip line. */
export function describeRendered(title: string, fn: () => void): void {
  if (HELM) return void describe(title, fn);
  if (!skipNoted) {
    skipNoted = true;
    console.log("  SKIPPED rendered-chart suites: no `helm` on PATH (CI puts ../shared/bin on PATH; install Helm 3 to run them)");
  }
  describe.skip(title, fn);
}
