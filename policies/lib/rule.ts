// Rule builders shared by both packs: type filtering, config parsing, exemptions, and a guard so
// a rule reports (never throws) when an object is malformed.
import { z } from "zod";
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { ConfigShape, Exemption, formatIssues, ruleConfigSchema, toPulumiConfigSchema } from "./config";
import { memoTable, WeakMemo } from "./memo";
import { objectKey } from "./tokens";
import { Obj, asObject, globMatch, isUnknownValueError, known, show } from "./util";

export type Pack = "kubernetes" | "aws";

export interface RuleInfo {
  name: string;
  pack: Pack;
  /** The checklist item served, e.g. "1 Containers run as non-root" or "AWS hygiene". */
  item: string;
  /** What the rule checks (one sentence). */
  summary: string;
  /** How to fix a violation (one sentence). */
  fix: string;
  severity?: Severity;
}

export interface RuleMeta extends RuleInfo {
  kind: "resource" | "stack";
  configSchema: z.ZodObject;
}

const metas = new WeakMap<object, RuleMeta>();
export function ruleMeta(policy: object): RuleMeta | undefined {
  return metas.get(policy);
}

/**
 * Non-standard hook the offline engine puts on the args so exempted violations are listed in its
 * report; under `pulumi preview` it is absent and exempted violations are simply not reported.
 */
export const EXEMPTION_SINK = Symbol.for("platform.policy.exemptionSink");
export type ExemptionSink = (message: string, exemption: Exemption, urn: string | undefined) => void;

type ParsedConfig = { ok: true; value: Record<string, any> } | { ok: false; error: string };

function configParser(name: string, schema: z.ZodObject) {
  const byObject = new WeakMemo<object, ParsedConfig>();
  const byJson = memoTable<string, ParsedConfig>();
  return (raw: unknown): ParsedConfig => {
    const o = asObject(raw) ?? {};
    const hit = byObject.get(o);
    if (hit) return hit;
    let key: string;
    try {
      key = JSON.stringify(o);
    } catch {
      key = "";
    }
    let res = byJson.get(key);
    if (!res) {
      const r = schema.safeParse(o);
      res = r.success
        ? { ok: true, value: r.data as Record<string, any> }
        : { ok: false, error: `invalid config for policy ${name}: ${formatIssues(r.error.issues, name).join("; ")}` };
      if (byJson.size < 100) byJson.set(key, res);
    }
    byObject.set(o, res);
    return res;
  };
}

function exemptionFor(exemptions: readonly Exemption[], urn: string | undefined, key: string, typeName: string): Exemption | undefined {
  for (const ex of exemptions) {
    const r = ex.resource;
    if (r === urn || globMatch(r, key) || globMatch(r, typeName) || (urn !== undefined && globMatch(r, urn))) return ex;
  }
  return undefined;
}

export function message(path: string, problem: string, fix: string): string {
  return `${path}: ${problem}. Fix: ${fix}`;
}

export interface ResourceCheckCtx<C> {
  type: string;
  name: string;
  urn: string;
  props: Obj;
  config: C;
  /** Reports a violation at a field path; the fix defaults to the rule's fix. */
  report(path: string, problem: string, fix?: string): void;
}

export interface ResourceRuleDef<S extends ConfigShape> extends Omit<RuleInfo, "pack"> {
  config?: S;
  /** Which type tokens the rule applies to (others are marked not applicable). */
  appliesTo(type: string): boolean;
  appliesToText: string;
  check(ctx: ResourceCheckCtx<z.output<z.ZodObject<S>>>): void;
}

function describe(info: Omit<RuleInfo, "pack">): string {
  return `[${info.item}] ${info.summary}`;
}

/** What every rule declares to the engine, resource- or stack-level alike. */
function policyBase(def: Omit<RuleInfo, "pack">, schema: Parameters<typeof toPulumiConfigSchema>[0]) {
  return {
    name: def.name,
    description: describe(def),
    enforcementLevel: "mandatory" as const,
    severity: def.severity ?? ("high" as const),
    remediationSteps: def.fix,
    configSchema: toPulumiConfigSchema(schema),
  };
}

/** Like @pulumi/policy's `__pulumiType`: lets the offline engine skip non-matching types without a call. */
export const APPLIES_TO = "__appliesTo";

const NO_EXEMPTIONS: readonly Exemption[] = Object.freeze([]);

/**
 * One rule's run on one object: the check's context and where its violations go (the engine's report,
 * or the exemption sink when an exemption matches). One object per run: rules run 100,000+ times on a
 * big manifest set.
 */
class ResourceRun<C> implements ResourceCheckCtx<C> {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Obj;
  private exemption: Exemption | undefined | null = null; // null: not looked up yet

  constructor(
    private readonly args: ResourceValidationArgs,
    readonly config: C,
    private readonly fix: string,
    private readonly reportViolation: ReportViolation,
  ) {
    this.type = args.type;
    this.name = args.name;
    this.urn = args.urn;
    this.props = asObject(args.props) ?? {};
  }

  /** A bound function (rules pass it on as a callback). */
  readonly report = (path: string, problem: string, fix?: string): void => this.emit(message(path, problem, fix ?? this.fix));

  emit(msg: string): void {
    const exemptions = (this.config as { exemptions?: readonly Exemption[] }).exemptions ?? NO_EXEMPTIONS;
    if (exemptions.length > 0) {
      const args = this.args;
      if (this.exemption === null) {
        const key = known(() => objectKey(args.type, args.name, args.props)) ?? `${args.type}::${args.name}`;
        this.exemption = exemptionFor(exemptions, args.urn, key, `${args.type}::${args.name}`);
      }
      if (this.exemption) {
        (args as unknown as Record<symbol, ExemptionSink | undefined>)[EXEMPTION_SINK]?.(msg, this.exemption, args.urn);
        return;
      }
    }
    this.reportViolation(msg);
  }
}

export function resourceRule<S extends ConfigShape>(pack: Pack, def: ResourceRuleDef<S>): ResourceValidationPolicy {
  const schema = ruleConfigSchema(def.config ?? ({} as S));
  const parse = configParser(def.name, schema);
  const policy: ResourceValidationPolicy = {
    ...policyBase(def, schema),
    validateResource: (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!def.appliesTo(args.type)) args.notApplicable(`Policy only applies to ${def.appliesToText}`);
      const cfg = parse(args.getConfig());
      if (!cfg.ok) {
        reportViolation(cfg.error);
        return;
      }
      const ctx = new ResourceRun(args, cfg.value as z.output<z.ZodObject<S>>, def.fix, reportViolation);
      try {
        def.check(ctx);
      } catch (e) {
        if (isUnknownValueError(e)) throw e; // the engine reports it as "can't run during preview"
        ctx.emit(`internal error while checking this object (${e instanceof Error ? e.message : show(e)}); it is probably malformed. Fix: ${def.fix}`);
      }
    },
  };
  Object.defineProperty(policy.validateResource, APPLIES_TO, { value: def.appliesTo });
  metas.set(policy, { ...def, pack, kind: "resource", configSchema: schema });
  return policy;
}

export interface StackCheckCtx<C> {
  resources: PolicyResource[];
  config: C;
  /** Reports a violation against a resource (by URN), or against the stack when urn is undefined. */
  report(urn: string | undefined, path: string, problem: string, fix?: string): void;
}

export interface StackRuleDef<S extends ConfigShape> extends Omit<RuleInfo, "pack"> {
  config?: S;
  check(ctx: StackCheckCtx<z.output<z.ZodObject<S>>>): void;
}

export function stackRule<S extends ConfigShape>(pack: Pack, def: StackRuleDef<S>): StackValidationPolicy {
  const schema = ruleConfigSchema(def.config ?? ({} as S));
  const parse = configParser(def.name, schema);
  const policy: StackValidationPolicy = {
    ...policyBase(def, schema),
    validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
      const cfg = parse(args.getConfig());
      if (!cfg.ok) {
        reportViolation(cfg.error);
        return;
      }
      const exemptions: Exemption[] = cfg.value.exemptions ?? [];
      const sink = (args as unknown as Record<symbol, ExemptionSink | undefined>)[EXEMPTION_SINK];
      const resources = Array.isArray(args.resources) ? args.resources : [];
      let byUrn: Map<string, PolicyResource> | undefined;
      const emit = (urn: string | undefined, msg: string) => {
        if (exemptions.length > 0) {
          byUrn ??= new Map(resources.map((r) => [r.urn, r]));
          const r = urn === undefined ? undefined : byUrn.get(urn);
          const key = r ? (known(() => objectKey(r.type, r.name, r.props)) ?? `${r.type}::${r.name}`) : "stack";
          const ex = exemptionFor(exemptions, urn, key, r ? `${r.type}::${r.name}` : "stack");
          if (ex) {
            sink?.(msg, ex, urn);
            return;
          }
        }
        reportViolation(msg, urn);
      };
      try {
        def.check({
          resources,
          config: cfg.value,
          report: (urn, path, problem, fix) => emit(urn, message(path, problem, fix ?? def.fix)),
        } as StackCheckCtx<any>);
      } catch (e) {
        if (isUnknownValueError(e)) throw e;
        emit(undefined, `internal error while checking the stack (${e instanceof Error ? e.message : show(e)}). Fix: ${def.fix}`);
      }
    },
  };
  metas.set(policy, { ...def, pack, kind: "stack", configSchema: schema });
  return policy;
}
