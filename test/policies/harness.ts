// Test harness: runs one policy the way the Pulumi analyzer does (faithful ResourceValidationArgs /
// StackValidationArgs), without constructing a PolicyPack.
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { EXEMPTION_SINK, ExemptionSink } from "../../policies/lib/rule";

export class NotApplicableSignal {
  constructor(readonly reason?: string) {}
}

export interface ResourceResult {
  messages: string[];
  exempted: { message: string; reason: string }[];
  notApplicable?: string;
}

function isTypeOf(type: string, cls: any): boolean {
  const t = cls?.__pulumiType;
  if (typeof t === "string" && t) return t === type;
  return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

export function runResource(
  policy: ResourceValidationPolicy,
  type: string,
  props: unknown,
  opts: { config?: Record<string, unknown>; name?: string; urn?: string } = {},
): ResourceResult {
  const name = opts.name ?? "res";
  const result: ResourceResult = { messages: [], exempted: [] };
  const sink: ExemptionSink = (message, ex) => result.exempted.push({ message, reason: ex.reason });
  const args = {
    type,
    props: props as Record<string, any>,
    urn: opts.urn ?? `urn:pulumi:test::proj::${type}::${name}`,
    name,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    stackTags: new Map<string, string>(),
    isType: (cls: any) => isTypeOf(type, cls),
    asType: (cls: any) => (isTypeOf(type, cls) ? props : undefined),
    getConfig: () => opts.config ?? {},
    notApplicable: (reason?: string): never => {
      throw new NotApplicableSignal(reason);
    },
    [EXEMPTION_SINK]: sink,
  } as unknown as ResourceValidationArgs;
  const fns = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
  for (const fn of fns) {
    try {
      const out = fn(args, (m) => result.messages.push(m));
      if (out && typeof (out as Promise<void>).then === "function") throw new Error("async validation");
    } catch (e) {
      if (e instanceof NotApplicableSignal) result.notApplicable = e.reason ?? "";
      else throw e;
    }
  }
  return result;
}

export interface StackInput {
  type: string;
  props: unknown;
  name?: string;
  urn?: string;
  propertyDependencies?: Record<string, string[]>;
}

export function urnOf(r: StackInput, i = 0): string {
  return r.urn ?? `urn:pulumi:test::proj::${r.type}::${r.name ?? `r${i}`}`;
}

export function runStack(
  policy: StackValidationPolicy,
  inputs: StackInput[],
  config: Record<string, unknown> = {},
): { violations: { message: string; urn?: string }[]; exempted: { message: string; urn?: string; reason: string }[] } {
  const views: PolicyResource[] = inputs.map((r, i) => ({
    type: r.type,
    props: r.props as Record<string, any>,
    urn: urnOf(r, i),
    name: r.name ?? `r${i}`,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
    dependencies: [],
    propertyDependencies: {},
    isType: (cls: any) => isTypeOf(r.type, cls),
    asType: (cls: any) => (isTypeOf(r.type, cls) ? (r.props as any) : undefined),
  }));
  const byUrn = new Map(views.map((v) => [v.urn, v]));
  inputs.forEach((r, i) => {
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
      views[i].propertyDependencies[k] = urns.map((u) => byUrn.get(u)!).filter(Boolean);
    }
  });
  const out = { violations: [] as { message: string; urn?: string }[], exempted: [] as { message: string; urn?: string; reason: string }[] };
  const sink: ExemptionSink = (message, ex, urn) => out.exempted.push({ message, urn, reason: ex.reason });
  const args = {
    resources: views,
    stackTags: new Map<string, string>(),
    getConfig: () => config,
    notApplicable: (reason?: string): never => {
      throw new NotApplicableSignal(reason);
    },
    [EXEMPTION_SINK]: sink,
  } as unknown as StackValidationArgs;
  policy.validateStack(args, (message, urn) => out.violations.push({ message, urn }));
  return out;
}

/**
 * A fresh copy of a module (`request` relative to test/policies), the cached one left in place: a test
 * of code behind a module-level table or sentinel then runs that code, not a remembered answer.
 */
export function freshModule<T>(request: string): T {
  const id = require.resolve(request);
  const saved = require.cache[id];
  delete require.cache[id];
  try {
    return require(id) as T;
  } finally {
    if (saved) require.cache[id] = saved;
  }
}

/** The policy CLI run in-process: its exit code and what it printed to stdout and stderr. */
export function runCli(args: string[]): { code: number; out: string; err: string } {
  const { main } = require("../../policies/cli") as typeof import("../../policies/cli");
  const out: string[] = [];
  const err: string[] = [];
  const code = main(args, (s) => out.push(s), (s) => err.push(s));
  return { code, out: out.join("\n"), err: err.join("\n") };
}
