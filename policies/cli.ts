// Offline checker: `npm run policy -- check <file|dir|->... [--env <env>] [--json]`.
// Exit codes: 0 no mandatory violation, 1 mandatory violation (or a rule crashed), 2 unreadable input or bad usage/config.
import { parseArgs } from "node:util";
import { evaluatePolicies, formatReport, loadPolicyConfig, PolicyConfig, PolicyConfigError, PolicyReport, Violation } from "./engine";
import { Format, FORMATS, toGithub, toMarkdown, toSarif } from "./formats";
import { expandInputs, InputError, parseManifestText, ParsedManifests, readInput, uniqueUrns } from "./lib/manifests";

const USAGE = `usage: npm run policy -- check <file|dir|->... [--env <env>] [--format text|json|sarif|github|markdown]
  Evaluates Kubernetes manifests (multi-document YAML, List kinds, helm template output) with the
  kubernetes and aws policy packs, including the stack-level rules over the whole set.
  --env <env>        policy config to use: policies/<pack>/config/<env>.json (default: prod)
  --format text      one finding per line with file:line (default)
  --format json      {"objects": N, "violations": [{policy, level, object, file, document, line, fieldLine, message}], ...}
  --format sarif     SARIF 2.1.0 for GitHub code scanning (upload-sarif)
  --format github    ::error file=...,line=...:: workflow commands (annotations on the PR's files)
  --format markdown  a summary line and a table, for a pull-request comment or the job summary
  --json             same as --format json
exit codes: 0 ok, 1 a mandatory violation, 2 unreadable input, no Kubernetes object in the input, or bad usage`;

export interface CheckResult {
  report: PolicyReport;
  warnings: string[];
}

/** The whole offline check, in-process (the bench times this same function). */
export function checkManifests(files: readonly string[], env: string, config?: PolicyConfig, read: (f: string) => string = readInput): CheckResult {
  const parsed: ParsedManifests = { resources: [], warnings: [] };
  for (const f of files) parseManifestText(read(f), f, parsed);
  const report = evaluatePolicies(uniqueUrns(parsed.resources), { env, config: config ?? loadPolicyConfig(env), unknowns: false });
  return { report, warnings: parsed.warnings };
}

export function exitCode(report: PolicyReport): number {
  return report.violations.some((v) => v.level === "mandatory") || report.skipped.some((s) => s.error) ? 1 : 0;
}

export function toJson(report: PolicyReport): object {
  const pick = (v: Violation) => ({
    policy: v.policy,
    level: v.level,
    object: v.object,
    file: v.file ?? null,
    document: v.document ?? null,
    line: v.line ?? null,
    fieldLine: v.fieldLine ?? null,
    message: v.message,
  });
  return {
    objects: report.objects,
    violations: report.violations.map(pick),
    exempted: report.exempted.map((v) => ({ ...pick(v), reason: v.reason })),
    skipped: report.skipped.map((s) => ({ policy: s.policy, object: s.object, file: s.file ?? null, reason: s.reason, error: s.error })),
  };
}

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + "\n"), err: (s: string) => void = (s) => process.stderr.write(s + "\n")): number {
  let values: { env?: string; json?: boolean; format?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        env: { type: "string", default: "prod" },
        json: { type: "boolean", default: false },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    err(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  const [command, ...inputs] = positionals;
  if (command !== "check" || inputs.length === 0) {
    err(command && command !== "check" ? `unknown command "${command}"\n${USAGE}` : USAGE);
    return 2;
  }
  const format = (values.format ?? (values.json ? "json" : "text")) as Format;
  if (!FORMATS.includes(format)) {
    err(`unknown --format "${values.format}": use one of ${FORMATS.join(", ")}\n${USAGE}`);
    return 2;
  }
  const env = values.env ?? "prod";
  try {
    const config = loadPolicyConfig(env);
    const files = expandInputs(inputs);
    if (files.length === 0) throw new InputError(inputs.join(" "), undefined, "no .yaml, .yml or .json file found: nothing to check (a typo in the path, or the wrong directory?)");
    const { report, warnings } = checkManifests(files, env, config);
    for (const w of warnings) err(`warning: ${w}`);
    if (report.objects === 0) {
      throw new InputError(files.length === 1 ? files[0] : `${files.length} files`, undefined, "no Kubernetes object (a mapping with apiVersion and kind) in the input: nothing was checked, so this is not a pass");
    }
    emit(format, report, out);
    return exitCode(report);
  } catch (e) {
    if (e instanceof InputError || e instanceof PolicyConfigError) {
      err(`error: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function emit(format: Format, report: PolicyReport, out: (s: string) => void): void {
  if (format === "json") out(JSON.stringify(toJson(report), null, 2));
  else if (format === "sarif") out(JSON.stringify(toSarif(report), null, 2));
  else for (const line of format === "github" ? toGithub(report) : format === "markdown" ? toMarkdown(report) : formatReport(report)) out(line);
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
