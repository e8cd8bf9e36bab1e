// Shared by every program test: one run per stack and mode, cached, because the runs
// share Pulumi's global mock state and cost about a second each.
import { RecordedResource, RunResult, StackConfig, loadStackConfig, runProgram } from "../tools/harness";

const cache = new Map<string, Promise<RunResult>>();

export function runStack(stack: string, preview = false): Promise<RunResult> {
  const key = `${stack}:${preview}`;
  if (!cache.has(key)) cache.set(key, runProgram({ stack, config: loadStackConfig(stack), preview }));
  return cache.get(key)!;
}

/** Runs a stack's config with some keys replaced (values as they would sit in the YAML). */
export function runWith(stack: string, overrides: Record<string, unknown>, harness: { zones?: number } = {}): Promise<RunResult> {
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
