// Offline policy engine: runs both packs' rules over a set of resources the way the Pulumi engine
// does (ResourceValidationArgs / StackValidationArgs, enforcement levels, notApplicable, getConfig),
// for `npm run plan` and the YAML checker (`npm run policy -- check`).
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import type {
  EnforcementLevel,
  Policies,
  PolicyResource as PulumiPolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { awsPolicies } from "./aws/rules";
import { kubernetesPolicies } from "./kubernetes/rules";
import { formatIssues, Level, levelSchema } from "./lib/config";
import { APPLIES_TO, EXEMPTION_SINK, ExemptionSink, ruleMeta } from "./lib/rule";
import { objectKey } from "./lib/tokens";
import { asObject, closest, isUnknownValueError, show } from "./lib/util";

export type PackName = "kubernetes" | "aws";
export const PACK_NAMES: readonly PackName[] = ["kubernetes", "aws"];
export const PACKS: Record<PackName, Policies> = { kubernetes: kubernetesPolicies, aws: awsPolicies };

export interface PolicyResource {
  urn: string;
  type: string;
  name: string;
  props: Record<string, any>;
  parent?: string;
  file?: string;
  /** 0-based index of the YAML document the object came from (offline checker). */
  document?: number;
  /** 1-based line where the object starts in `file`. */
  line?: number;
  /** 1-based line of a field path of the object in `file` (offline checker). */
  lineOf?: (path: string) => number;
  /** URNs this resource depends on (optional; the plan may fill it). */
  dependencies?: string[];
  /** Property name -> URNs it depends on (links S3 settings to their bucket when names are unknown). */
  propertyDependencies?: Record<string, string[]>;
  /** Accepted for convenience (components are custom=false); rules ignore component types anyway. */
  custom?: boolean;
}

export interface Violation {
  policy: string;
  pack: PackName;
  level: "mandatory" | "advisory";
  object: string;
  urn?: string;
  file?: string;
  /** 0-based document index in `file`. */
  document?: number;
  /** 1-based line of the object in `file`. */
  line?: number;
  /** 1-based line of the violating field (or its deepest existing parent) in `file`. */
  fieldLine?: number;
  message: string;
}

/** A rule that could not run on an object: a value unknown during preview, or a crash (a bug). */
export interface SkippedCheck {
  policy: string;
  pack: PackName;
  object: string;
  urn?: string;
  file?: string;
  reason: string;
  error: boolean;
}

export interface PolicyReport {
  objects: number;
  violations: Violation[];
  /** Each carries the exemption that matched (its `resource` pattern), so unused exemptions can be found. */
  exempted: (Violation & { reason: string; exemption: string })[];
  skipped: SkippedCheck[];
}

/** A pack's config in Pulumi's `--policy-pack-config` format: `{"all": level, "<policy>": level | {enforcementLevel?, ...}}`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface PolicyConfig {
  env: string;
  packs: Record<PackName, PackConfig>;
}

export class PolicyConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`invalid policy config:\n  ${issues.join("\n  ")}`);
    this.name = "PolicyConfigError";
  }
}

export const POLICIES_DIR = __dirname;

export function configPath(pack: PackName, env: string, dir = POLICIES_DIR): string {
  return path.join(dir, pack, "config", `${env}.json`);
}

/** Environments that have a config file for every pack. */
export function availableEnvs(dir = POLICIES_DIR): string[] {
  const sets = PACK_NAMES.map((p) => {
    try {
      return fs.readdirSync(path.join(dir, p, "config")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -5));
    } catch {
      return [];
    }
  });
  return sets[0].filter((e) => sets.every((s) => s.includes(e))).sort();
}

/** Validates one pack's config (Pulumi format); throws PolicyConfigError naming each bad key and its fix. */
export function validatePackConfig(pack: PackName, raw: unknown, source = `${pack} config`): PackConfig {
  const obj = asObject(raw);
  if (!obj) throw new PolicyConfigError([`${source}: must be a JSON object of {"all": <level>, "<policy-name>": <level or settings>}`]);
  const policies = PACKS[pack];
  const names = policies.map((p) => p.name);
  const other = PACK_NAMES.filter((p) => p !== pack);
  const issues: string[] = [];
  for (const [key, value] of Object.entries(obj)) {
    if (key === "all") {
      const r = levelSchema.safeParse(value);
      if (!r.success) issues.push(`${source}: all: must be one of advisory, mandatory, remediate, disabled (got ${JSON.stringify(value)})`);
      continue;
    }
    const policy = policies.find((p) => p.name === key);
    if (!policy) {
      const elsewhere = other.find((o) => PACKS[o].some((p) => p.name === key));
      const hint = elsewhere
        ? `it belongs to the ${elsewhere} pack: move it to policies/${elsewhere}/config`
        : closest(key, names)
          ? `did you mean "${closest(key, names)}"?`
          : `use one of: ${names.join(", ")}`;
      issues.push(`${source}: unknown policy "${key}" in the ${pack} pack; ${hint}`);
      continue;
    }
    if (typeof value === "string") {
      if (!levelSchema.safeParse(value).success) issues.push(`${source}: ${key}: level must be one of advisory, mandatory, remediate, disabled (got ${JSON.stringify(value)})`);
      continue;
    }
    const meta = ruleMeta(policy);
    const schema = (meta?.configSchema ?? z.object({}).strict()).extend({ enforcementLevel: levelSchema.optional() }).strict();
    const r = schema.safeParse(value);
    if (!r.success) {
      issues.push(...formatIssues(r.error.issues, key).map((m) => `${source}: ${m}`));
      continue;
    }
    const exemptions = (r.data as { exemptions?: { rule?: string }[] }).exemptions ?? [];
    exemptions.forEach((e, i) => {
      if (e.rule !== undefined && e.rule !== key) {
        issues.push(`${source}: ${key}.exemptions.${i}.rule: names "${e.rule}" but sits under "${key}"; move it under "${e.rule}" or fix the name`);
      }
    });
  }
  if (issues.length > 0) throw new PolicyConfigError(issues);
  return obj as PackConfig;
}

/** Reads and validates policies/<pack>/config/<env>.json for both packs. */
export function loadPolicyConfig(env: string, dir = POLICIES_DIR): PolicyConfig {
  const envs = availableEnvs(dir);
  if (!envs.includes(env)) {
    throw new PolicyConfigError([`unknown environment "${env}": no policy config for it; use one of ${envs.join(", ")} (files policies/<pack>/config/<env>.json)`]);
  }
  const packs = {} as Record<PackName, PackConfig>;
  const issues: string[] = [];
  for (const pack of PACK_NAMES) {
    const file = configPath(pack, env, dir);
    const rel = path.relative(process.cwd(), file) || file;
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      issues.push(`${rel}: cannot read or parse JSON (${(e as Error).message})`);
      continue;
    }
    try {
      packs[pack] = validatePackConfig(pack, raw, rel);
    } catch (e) {
      if (e instanceof PolicyConfigError) issues.push(...e.issues);
      else throw e;
    }
  }
  if (issues.length > 0) throw new PolicyConfigError(issues);
  return { env, packs };
}

/** Effective level: the policy's own entry, then `all`, then the policy default, then the pack default (mandatory). */
export function effectiveLevel(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PackConfig): Level {
  const entry = config[policy.name];
  const own = typeof entry === "string" ? entry : entry?.enforcementLevel;
  const all = typeof config.all === "string" ? config.all : undefined;
  return (own ?? all ?? policy.enforcementLevel ?? "mandatory") as Level;
}

/** What `args.getConfig()` returns: the policy's entry minus enforcementLevel, like the Pulumi analyzer. */
function policySettings(config: PackConfig, name: string): Record<string, unknown> {
  const entry = config[name];
  if (!entry || typeof entry === "string") return Object.freeze({});
  const { enforcementLevel: _level, ...rest } = entry;
  return Object.freeze(rest);
}

// Thrown by args.notApplicable(); not an Error, so throwing it is cheap (it happens per resource x policy).
class NotApplicable {
  constructor(readonly reason?: string) {}
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

type ResourceClass = { __pulumiType?: unknown; isInstance?: (o: unknown) => boolean };

/** Same check as the Pulumi analyzer: the class's type token, else its isInstance. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as ResourceClass | undefined;
  const token = cls?.__pulumiType;
  if (typeof token === "string" && token.length > 0) return type === token;
  return typeof cls?.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

const EMPTY_OPTS: PolicyResourceOptions = Object.freeze({
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
}) as PolicyResourceOptions;

let unknownProxy: ((v: unknown) => any) | undefined;
let unknownSentinels: Set<string> | undefined;
function loadProxy() {
  if (!unknownProxy) {
    // Lazy: @pulumi/policy pulls in gRPC; only the plan (with possibly unknown values) needs it.
    const proxy = require("@pulumi/policy/proxy");
    unknownProxy = proxy.unknownCheckingProxy;
    unknownSentinels = new Set(
      ["unknownBooleanValue", "unknownNumberValue", "unknownStringValue", "unknownArrayValue", "unknownAssetValue", "unknownArchiveValue", "unknownObjectValue"].map((k) => proxy[k]),
    );
  }
}

// Pulumi's serialized secret wrapper: policies see the plain value (the analyzer deserializes secrets).
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const isSecretWrapper = (v: Record<string, unknown>) => v[SECRET_SIG] === SECRET_VALUE && "value" in v;

/** Scans props for unknown sentinels and secret wrappers (both only occur in plan input). */
function scan(v: unknown, found: { unknown: boolean; secret: boolean }, depth = 0): void {
  if (typeof v === "string") {
    if (unknownSentinels!.has(v)) found.unknown = true;
    return;
  }
  if (v === null || typeof v !== "object" || depth > 64) return;
  if (!Array.isArray(v) && isSecretWrapper(v as Record<string, unknown>)) found.secret = true;
  for (const x of Array.isArray(v) ? v : Object.values(v)) scan(x, found, depth + 1);
}

function unwrapSecrets(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== "object" || depth > 64) return v;
  if (Array.isArray(v)) return v.map((x) => unwrapSecrets(x, depth + 1));
  const o = v as Record<string, unknown>;
  if (isSecretWrapper(o)) return unwrapSecrets(o.value, depth + 1);
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x, depth + 1)]));
}

/** Props as the Pulumi analyzer hands them to policies: secrets unwrapped, unknowns behind the proxy. */
function analyzerProps(raw: Record<string, any>): Record<string, any> {
  const found = { unknown: false, secret: false };
  scan(raw, found);
  const props = found.secret ? (unwrapSecrets(raw) as Record<string, any>) : raw;
  return found.unknown ? unknownProxy!(props) : props;
}

export interface EvaluateOptions {
  env: string;
  /** Defaults to loadPolicyConfig(env). */
  config?: PolicyConfig;
  packs?: readonly PackName[];
  /** Replaces a pack's policies (tests and extensions); defaults to the packs' exported arrays. */
  policies?: Partial<Record<PackName, Policies>>;
  stackTags?: ReadonlyMap<string, string>;
  /**
   * Plan input may hold Pulumi's unknown sentinels and serialized secrets: unwrap secrets and put props
   * with unknowns behind @pulumi/policy's unknown-checking proxy, so a rule reading one is skipped as in a
   * real preview (default true; the YAML checker, whose input has neither, turns it off).
   */
  unknowns?: boolean;
}

/** ResourceValidationArgs as one class: a fixed shape, cheap to make once per (object, policy). */
class ValidationArgs implements ResourceValidationArgs {
  readonly notApplicable = throwNotApplicable;
  readonly [EXEMPTION_SINK]: ExemptionSink;
  constructor(
    readonly type: string,
    readonly props: Record<string, any>,
    readonly urn: string,
    readonly name: string,
    readonly opts: PolicyResourceOptions,
    readonly stackTags: ReadonlyMap<string, string>,
    readonly isType: ResourceValidationArgs["isType"],
    readonly asType: ResourceValidationArgs["asType"],
    readonly getConfig: ResourceValidationArgs["getConfig"],
    sink: ExemptionSink,
  ) {
    this[EXEMPTION_SINK] = sink;
  }
}

export function evaluatePolicies(resources: PolicyResource[], options: EvaluateOptions): PolicyReport {
  const config = options.config ?? loadPolicyConfig(options.env);
  const packs = options.packs ?? PACK_NAMES;
  const stackTags: ReadonlyMap<string, string> = options.stackTags ?? new Map([["environment", options.env]]);
  const report: PolicyReport = { objects: resources.length, violations: [], exempted: [], skipped: [] };

  if (options.unknowns !== false) loadProxy();
  const viewProps = resources.map((r) => {
    const props = asObject(r.props) ?? {};
    return options.unknowns !== false ? analyzerProps(props) : props;
  });
  const byUrn = new Map<string, number>();
  resources.forEach((r, i) => {
    if (!byUrn.has(r.urn)) byUrn.set(r.urn, i);
  });
  const keyCache: (string | undefined)[] = new Array(resources.length);
  const objectOf = (i: number) => {
    const r = resources[i];
    return (keyCache[i] ??= objectKey(r.type, r.name, asObject(r.props) ?? {}));
  };
  const describe = (urn: string | undefined) => {
    const i = urn === undefined ? undefined : byUrn.get(urn);
    if (i === undefined) return { object: urn ?? "stack", file: undefined };
    return { object: objectOf(i), file: resources[i].file };
  };
  /** A violation of resource `i` (undefined: the stack, or a URN not among the resources). */
  const violation = (pack: PackName, policy: string, level: "mandatory" | "advisory", i: number | undefined, urn: string | undefined, message: string): Violation => {
    const r = i === undefined ? undefined : resources[i];
    const v: Violation = { policy, pack, level, object: i === undefined ? (urn ?? "stack") : objectOf(i), message };
    if (urn !== undefined) v.urn = urn;
    if (r === undefined) return v;
    if (r.file !== undefined) v.file = r.file;
    if (r.document !== undefined) v.document = r.document;
    if (r.line !== undefined) v.line = r.line;
    if (r.lineOf) {
      // a message starting with a field path (`spec.x.y: problem`) gets that field's line
      const cut = message.indexOf(": ");
      const path = cut < 0 ? message : message.slice(0, cut);
      const c = path.charCodeAt(0) | 32;
      if (c >= 97 && c <= 122 && !path.includes(" ")) v.fieldLine = r.lineOf(path);
    }
    return v;
  };
  const record = (pack: PackName, policy: string, level: "mandatory" | "advisory", urn: string | undefined, message: string): Violation =>
    violation(pack, policy, level, urn === undefined ? undefined : byUrn.get(urn), urn, message);
  const skip = (pack: PackName, policy: string, urn: string | undefined, e: unknown) => {
    const unknown = isUnknownValueError(e);
    const { object, file } = describe(urn);
    const s: SkippedCheck = {
      policy,
      pack,
      object,
      reason: unknown ? `can't run during preview: ${(e as Error).message}` : `policy threw: ${e instanceof Error ? e.message : show(e)}`,
      error: !unknown,
    };
    if (urn !== undefined) s.urn = urn;
    if (file !== undefined) s.file = file;
    report.skipped.push(s);
  };

  // Resource-level policies, resource by resource (the order `pulumi preview` analyzes them in).
  const active: { pack: PackName; policy: ResourceValidationPolicy; level: "mandatory" | "advisory"; settings: Record<string, unknown>; validations: Function[] }[] = [];
  const stackPolicies: { pack: PackName; policy: StackValidationPolicy; level: "mandatory" | "advisory"; settings: Record<string, unknown> }[] = [];
  for (const pack of packs) {
    const packConfig = config.packs[pack] ?? {};
    for (const p of options.policies?.[pack] ?? PACKS[pack]) {
      const lvl = effectiveLevel(p, packConfig);
      if (lvl === "disabled") continue;
      const level = lvl === "advisory" ? "advisory" : "mandatory"; // remediate is reported as mandatory
      const settings = policySettings(packConfig, p.name);
      const v = (p as ResourceValidationPolicy).validateResource;
      if (typeof v === "function" || Array.isArray(v)) {
        active.push({ pack, policy: p as ResourceValidationPolicy, level, settings, validations: Array.isArray(v) ? v : [v] });
      } else if (typeof (p as StackValidationPolicy).validateStack === "function") {
        stackPolicies.push({ pack, policy: p as StackValidationPolicy, level, settings });
      }
    }
  }

  // Callbacks made once per policy, not per (object, policy): `cur` is the object being validated (the
  // engine runs validations synchronously; an async one is reported as skipped).
  let cur = 0;
  const calls = active.map((a) => ({
    ...a,
    getConfig: (() => a.settings) as ResourceValidationArgs["getConfig"],
    report: (message: string) => void report.violations.push(violation(a.pack, a.policy.name, a.level, cur, resources[cur].urn, message)),
    sink: ((message, exemption) =>
      void report.exempted.push({ ...violation(a.pack, a.policy.name, a.level, cur, resources[cur].urn, message), reason: exemption.reason, exemption: exemption.resource })) as ExemptionSink,
    tests: a.validations.map((validate) => ({
      validate,
      fast: (validate as unknown as Record<string, unknown>)[APPLIES_TO] as ((t: string) => boolean) | undefined,
      token: (validate as unknown as ResourceClass).__pulumiType,
    })),
  }));
  // The validations that apply to a type, in policy order: a handful of types recur across thousands of
  // objects, so each type's filter (APPLIES_TO, __pulumiType) is run once per type, not once per object.
  const byType = new Map<string, { a: (typeof calls)[number]; validate: Function }[]>();
  const applicable = (type: string) => {
    let list = byType.get(type);
    if (!list) {
      const applies = ({ fast, token }: (typeof calls)[number]["tests"][number]) => (!fast || fast(type)) && (typeof token !== "string" || token === type);
      list = calls.flatMap((a) => a.tests.filter(applies).map(({ validate }) => ({ a, validate })));
      byType.set(type, list);
    }
    return list;
  };
  resources.forEach((r, i) => {
    cur = i;
    const type = r.type;
    const props = viewProps[i];
    const isType = (cls: unknown) => isTypeOf(type, cls);
    const asType = ((cls: unknown) => (isTypeOf(type, cls) ? props : undefined)) as ResourceValidationArgs["asType"];
    const opts = r.parent ? { ...EMPTY_OPTS, parent: r.parent } : EMPTY_OPTS;
    for (const { a, validate } of applicable(type)) {
      const args = new ValidationArgs(type, props, r.urn, r.name, opts, stackTags, isType, asType, a.getConfig, a.sink);
      try {
        const out = validate(args, a.report);
        if (out && typeof (out as Promise<void>).then === "function") {
          skip(a.pack, a.policy.name, r.urn, new Error("asynchronous validations are not supported by the offline engine"));
        }
      } catch (e) {
        if (e instanceof NotApplicable) continue;
        skip(a.pack, a.policy.name, r.urn, e);
      }
    }
  });

  if (stackPolicies.length > 0) {
    // PolicyResource views for stack policies, with parent/dependencies resolved to objects as Pulumi does.
    const views: PulumiPolicyResource[] = resources.map((r, i) => {
      const props = viewProps[i];
      const type = r.type;
      return {
        type,
        props,
        urn: r.urn,
        name: r.name,
        opts: r.parent ? { ...EMPTY_OPTS, parent: r.parent } : EMPTY_OPTS,
        dependencies: [],
        propertyDependencies: {},
        isType: (cls: unknown) => isTypeOf(type, cls),
        asType: ((cls: unknown) => (isTypeOf(type, cls) ? props : undefined)) as PulumiPolicyResource["asType"],
      } as PulumiPolicyResource;
    });
    const viewOf = (urn: string) => {
      const i = byUrn.get(urn);
      return i === undefined ? undefined : views[i];
    };
    resources.forEach((r, i) => {
      const v = views[i];
      if (r.parent) v.parent = viewOf(r.parent);
      v.dependencies = (r.dependencies ?? []).map(viewOf).filter((x): x is PulumiPolicyResource => x !== undefined);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        v.propertyDependencies[k] = (Array.isArray(urns) ? urns : []).map(viewOf).filter((x): x is PulumiPolicyResource => x !== undefined);
      }
    });
    for (const s of stackPolicies) {
      const sink: ExemptionSink = (message, exemption, urn) =>
        report.exempted.push({ ...record(s.pack, s.policy.name, s.level, urn, message), reason: exemption.reason, exemption: exemption.resource });
      const args: StackValidationArgs & { [EXEMPTION_SINK]: ExemptionSink } = {
        resources: views,
        stackTags,
        getConfig: (() => s.settings) as StackValidationArgs["getConfig"],
        notApplicable: throwNotApplicable,
        [EXEMPTION_SINK]: sink,
      };
      try {
        const out = s.policy.validateStack(args, (message: string, urn?: string) => report.violations.push(record(s.pack, s.policy.name, s.level, urn, message)));
        if (out && typeof (out as Promise<void>).then === "function") {
          skip(s.pack, s.policy.name, undefined, new Error("asynchronous validations are not supported by the offline engine"));
        }
      } catch (e) {
        if (e instanceof NotApplicable) continue;
        skip(s.pack, s.policy.name, undefined, e);
      }
    }
  }
  return report;
}

/** Human-readable report lines (used by the CLI and the plan). */
export function formatReport(report: PolicyReport): string[] {
  const lines: string[] = [];
  const where = (v: { object: string; file?: string; line?: number; fieldLine?: number }) => {
    const line = v.fieldLine ?? v.line;
    return v.file ? `${v.object} (${v.file}${line !== undefined ? `:${line}` : ""})` : v.object;
  };
  for (const v of report.violations) lines.push(`${v.level.toUpperCase()} ${v.policy} ${where(v)}\n  ${v.message}`);
  for (const v of report.exempted) lines.push(`EXEMPTED ${v.policy} ${where(v)}\n  ${v.message}\n  reason: ${v.reason}`);
  for (const s of report.skipped) lines.push(`${s.error ? "ERROR" : "SKIPPED"} ${s.policy} ${where(s)}\n  ${s.reason}`);
  const mandatory = report.violations.filter((v) => v.level === "mandatory").length;
  lines.push(
    `${report.objects} objects: ${mandatory} mandatory, ${report.violations.length - mandatory} advisory, ${report.exempted.length} exempted, ${report.skipped.length} skipped`,
  );
  return lines;
}
