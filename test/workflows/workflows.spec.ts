// The delivery pipelines as code (docs/pipelines.md): every GitHub Actions workflow of the
// platform (.github/workflows) and of the app-repo template (templates/app-repo/.github/workflows)
// is parsed and checked for structure. The workflows cannot run here, so the checks are the
// contract: triggers, least-privilege permissions, pinned actions, both policy packs with each
// environment's config, environment chaining, drift, the image pipeline's order, and secrets
// only from the secrets store. The checks are plain functions returning problems, and the last
// block runs them on mutated copies of the real files to prove each one can fail.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { pulumiArgs } from "../../tools/ci/pulumi";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = [".github/workflows", "templates/app-repo/.github/workflows"];
const ENVS = ["dev", "staging", "prod"] as const;
const PACKS = ["policies/kubernetes", "policies/aws"];
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const PROJECT = (YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string }).name;

/**
 * Every third-party action the workflows may use, pinned to the commit its release tag points
 * to, from the checked-in lock file. The file records for each action its tag, SHA and where
 * the link was verified (the upstream repository's own tag, read in a clone); this test cannot
 * reach GitHub, so what it proves is that every workflow uses exactly the recorded pins.
 */
const LOCK = JSON.parse(fs.readFileSync(path.join(ROOT, ".github/actions-lock.json"), "utf8")) as { actions: Record<string, { tag: string; sha: string; verified: string }> };
const VERIFIED_PINS: Record<string, { sha: string; version: string }> = Object.fromEntries(Object.entries(LOCK.actions).map(([k, v]) => [k, { sha: v.sha, version: v.tag }]));

// ---------------------------------------------------------------------------------------------
// Loading

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
interface Workflow { file: string; raw: string; doc: Any }

function parse(file: string, raw: string): Workflow {
  const d = YAML.parseDocument(raw, { uniqueKeys: true, prettyErrors: true });
  if (d.errors.length) throw new Error(`${file}: ${d.errors.map((e) => e.message).join("; ")}`);
  return { file, raw, doc: d.toJS() };
}

/** Parse errors are collected, not thrown: one broken file fails its test, not the whole run. */
const LOAD_ERRORS: string[] = [];
function loadAll(): Workflow[] {
  const out: Workflow[] = [];
  for (const dir of DIRS) {
    const abs = path.join(ROOT, dir);
    for (const f of fs.readdirSync(abs).filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const rel = `${dir}/${f}`;
      try {
        out.push(parse(rel, fs.readFileSync(path.join(ROOT, rel), "utf8")));
      } catch (e) {
        LOAD_ERRORS.push((e as Error).message);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const isObj = (v: unknown): v is Record<string, Any> => typeof v === "object" && v !== null && !Array.isArray(v);
const jobsOf = (wf: Workflow): [string, Any][] => Object.entries(isObj(wf.doc?.jobs) ? wf.doc.jobs : {});
const stepsOf = (job: Any): Any[] => (Array.isArray(job?.steps) ? job.steps : []);
const action = (step: Any): string => (typeof step?.uses === "string" ? step.uses.split("@")[0] : "");
const stepsUsing = (job: Any, name: string): Any[] => stepsOf(job).filter((s) => action(s) === name);
const needsOf = (job: Any): string[] => (job?.needs === undefined ? [] : [job.needs].flat());
const envName = (job: Any): string | undefined => (isObj(job?.environment) ? job.environment.name : job?.environment);
const lines = (v: unknown): string[] => (typeof v === "string" ? v.split(/[\n,]/).map((s) => s.trim()).filter(Boolean) : []);
const bool = (v: unknown): boolean => v === true || v === "true";
const expr = (v: unknown): string | undefined => (typeof v === "string" ? /^\$\{\{\s*(.*?)\s*\}\}$/.exec(v.trim())?.[1] : undefined);
const subst = (s: string, stack: string): string => s.replace(/\$\{\{\s*matrix\.stack\s*\}\}/g, stack);
const base = (wf: Workflow): string => path.basename(wf.file);
const where = (wf: Workflow, job?: string, extra?: string): string => `${wf.file}${job ? ` jobs.${job}` : ""}${extra ? ` ${extra}` : ""}`;

/** Every string in a value, with a dotted path. */
function strings(v: unknown, at: string[] = [], out: [string[], string][] = []): [string[], string][] {
  if (typeof v === "string") out.push([at, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, [...at, String(i)], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) strings(x, [...at, k], out);
  return out;
}

function transitiveNeeds(jobs: Record<string, Any>, id: string, seen = new Set<string>()): Set<string> {
  for (const n of needsOf(jobs[id])) if (!seen.has(n)) { seen.add(n); transitiveNeeds(jobs, n, seen); }
  return seen;
}

/** The stacks a job acts on: its matrix, or the environment it deploys. */
function stacksOf(job: Any): string[] {
  const m = job?.strategy?.matrix?.stack;
  if (Array.isArray(m)) return m.map(String);
  const e = envName(job);
  return e && !e.includes("${{") ? [e] : [];
}

// ---------------------------------------------------------------------------------------------
// Checks that hold for every workflow

const WRITE_RULES: Record<string, { why: string; allowed: (job: Any) => boolean }> = {
  "id-token": { why: "only jobs that assume an AWS role through OIDC", allowed: (j) => stepsUsing(j, "aws-actions/configure-aws-credentials").length > 0 },
  "pull-requests": { why: "only the job that comments on the pull request", allowed: (j) => stepsOf(j).some((s) => /\bgh api\b[\s\S]*\/comments/.test(s.run ?? "")) },
  "security-events": { why: "only the job that uploads SARIF to code scanning", allowed: (j) => stepsUsing(j, "github/codeql-action/upload-sarif").length > 0 },
  issues: { why: "only the job that opens the drift issue", allowed: (j) => stepsOf(j).some((s) => /\bgh issue\b/.test(s.run ?? "")) },
};

const SECRET_LITERALS: [string, RegExp][] = [
  ["an AWS access key id", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  ["a GitHub token", /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/],
  ["a Pulumi access token", /\bpul-[0-9a-f]{40}\b/],
  ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ["a Slack token", /\bxox[abprs]-[A-Za-z0-9-]{10,}/],
];
const SENSITIVE_KEY = /(token|secret|password|private[-_]?key|access[-_]?key|credential)/i;

function checkPermissions(wf: Workflow): string[] {
  const p: string[] = [];
  const top = wf.doc.permissions;
  const topOk = isObj(top) && Object.entries(top).every(([k, v]) => k === "contents" && v === "read");
  if (!topOk) p.push(`${where(wf)}: top-level permissions must be {} or {contents: read}, found ${JSON.stringify(top)}`);
  for (const [id, job] of jobsOf(wf)) {
    const perms = job.permissions;
    if (!isObj(perms)) {
      p.push(`${where(wf, id)}: permissions must be an explicit map (found ${JSON.stringify(perms)}; write-all/read-all are refused)`);
      continue;
    }
    for (const [scope, level] of Object.entries(perms)) {
      if (!["read", "write", "none"].includes(level)) p.push(`${where(wf, id)}: permissions.${scope}: ${level} is not read/write/none`);
      if (level !== "write") continue;
      const rule = WRITE_RULES[scope];
      if (!rule) p.push(`${where(wf, id)}: permissions.${scope}: write is not allowed in any job`);
      else if (job.uses) p.push(`${where(wf, id)}: permissions.${scope}: write on a reusable workflow call; the called job needs read only`);
      else if (!rule.allowed(job)) p.push(`${where(wf, id)}: permissions.${scope}: write is for ${rule.why}`);
    }
    if (stepsUsing(job, "aws-actions/configure-aws-credentials").length && perms["id-token"] !== "write") {
      p.push(`${where(wf, id)}: assumes an AWS role but lacks id-token: write`);
    }
  }
  return p;
}

function checkPins(wf: Workflow): string[] {
  const p: string[] = [];
  const all: [string, Any][] = [];
  for (const [id, job] of jobsOf(wf)) {
    if (typeof job.uses === "string") all.push([id, job]);
    for (const s of stepsOf(job)) if (s.uses !== undefined) all.push([id, s]);
  }
  for (const [id, s] of all) {
    const uses = String(s.uses);
    if (uses.startsWith("./")) {
      const target = path.join(ROOT, path.dirname(path.dirname(path.dirname(wf.file))), uses);
      if (!fs.existsSync(target)) p.push(`${where(wf, id)}: local ${uses} does not exist (${path.relative(ROOT, target)})`);
      continue;
    }
    if (uses.startsWith("docker://")) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) p.push(`${where(wf, id)}: ${uses} must be pinned by digest`);
      continue;
    }
    const m = /^([^@\s]+)@([0-9a-f]{40})$/.exec(uses);
    if (!m) { p.push(`${where(wf, id)}: ${uses} is not pinned to a full 40-hex commit SHA`); continue; }
    const [, name, sha] = m;
    const line = new RegExp(`uses:\\s*${uses.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\s+#\\s*(v\\d+\\.\\d+\\.\\d+)\\s*$`, "m").exec(wf.raw);
    if (!line) { p.push(`${where(wf, id)}: ${uses} needs a "# vX.Y.Z" comment naming its release`); continue; }
    const known = VERIFIED_PINS[name.split("/").slice(0, 2).join("/")];
    if (!known) p.push(`${where(wf, id)}: ${name} is not in the verified pins (add it with its release's commit SHA)`);
    else if (known.sha !== sha || known.version !== line[1]) p.push(`${where(wf, id)}: ${name}@${sha} # ${line[1]} differs from the verified pin ${known.sha} # ${known.version}`);
  }
  return p;
}

function checkSecrets(wf: Workflow): string[] {
  const p: string[] = [];
  for (const [label, re] of SECRET_LITERALS) if (re.test(wf.raw)) p.push(`${wf.file}: contains what looks like ${label} literal`);
  // 40 characters of base64 with upper, lower and digits: an AWS secret access key.
  for (const m of wf.raw.matchAll(/(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g)) {
    const s = m[0];
    if (/[A-Z]/.test(s) && /[a-z]/.test(s) && /[0-9]/.test(s)) p.push(`${wf.file}: ${s.slice(0, 6)}... looks like an AWS secret key literal`);
  }
  for (const [at, value] of strings(wf.doc)) {
    const key = at.join(".");
    for (const m of value.matchAll(/\$\{\{([\s\S]*?)\}\}/g)) {
      const inner = m[1].trim();
      if (!/\bsecrets\b/.test(inner)) continue;
      if (!/^secrets\.[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) p.push(`${wf.file} ${key}: secrets only as \${{ secrets.NAME }}, found \${{ ${inner} }}`);
      const ok = /^jobs\.[^.]+\.(steps\.\d+\.(env|with)\.[^.]+|secrets\.[^.]+)$/.test(key);
      if (!ok) p.push(`${wf.file} ${key}: a secret may only be passed to one step (step env/with) or a reusable workflow's secrets`);
    }
    const last = at[at.length - 1] ?? "";
    if (SENSITIVE_KEY.test(last) && /\.(env|with)\.[^.]+$/.test(`.${key}`) && value.trim() !== "" && !/^\$\{\{[\s\S]*\}\}$/.test(value.trim())) {
      p.push(`${wf.file} ${key}: a credential must come from an expression (secrets, a step's token output), not a literal`);
    }
  }
  for (const [id, job] of jobsOf(wf)) {
    if (job.secrets === "inherit") p.push(`${where(wf, id)}: secrets: inherit passes every secret; pass the ones needed`);
    for (const s of stepsUsing(job, "aws-actions/configure-aws-credentials")) {
      for (const k of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) {
        if (s.with?.[k] !== undefined) p.push(`${where(wf, id)}: ${k}: long-lived AWS keys are refused; assume a role through OIDC`);
      }
      const role = expr(s.with?.["role-to-assume"]);
      if (!role || !/^(vars|secrets|matrix)\.[A-Za-z_][A-Za-z0-9_]*$/.test(role)) {
        p.push(`${where(wf, id)}: role-to-assume must be \${{ vars.X }}, \${{ secrets.X }} or a matrix value, found ${JSON.stringify(s.with?.["role-to-assume"])}`);
      }
    }
  }
  return p;
}

function checkJobs(wf: Workflow): string[] {
  const p: string[] = [];
  const on = isObj(wf.doc.on) ? Object.keys(wf.doc.on) : [wf.doc.on].flat().map(String);
  for (const t of ["pull_request_target", "workflow_run"]) if (on.includes(t)) p.push(`${wf.file}: the ${t} trigger runs untrusted code with secrets; refused`);
  const jobs = isObj(wf.doc.jobs) ? wf.doc.jobs : {};
  if (!Object.keys(jobs).length) p.push(`${wf.file}: no jobs`);
  for (const [id, job] of jobsOf(wf)) {
    for (const n of needsOf(job)) if (!jobs[n]) p.push(`${where(wf, id)}: needs unknown job ${n}`);
    if (job.uses) continue; // a reusable workflow call: its own jobs carry the timeouts
    const t = job["timeout-minutes"];
    if (typeof t !== "number" || t <= 0 || t > 120) p.push(`${where(wf, id)}: timeout-minutes must be set (1..120), found ${t}`);
    if (typeof job["runs-on"] !== "string" || /latest/.test(job["runs-on"])) p.push(`${where(wf, id)}: runs-on must name a runner image version, found ${JSON.stringify(job["runs-on"])}`);
    for (const [i, s] of stepsOf(job).entries()) {
      if (typeof s.run === "string" && s.run.includes("${{")) p.push(`${where(wf, id, `steps[${i}]`)}: no \${{ }} inside run scripts (script injection); pass values through env`);
      if (action(s) === "actions/checkout") {
        const pc = s.with?.["persist-credentials"];
        const pushes = stepsOf(job).some((x) => /\bgit push\b/.test(x.run ?? ""));
        if (pc === undefined) p.push(`${where(wf, id, `steps[${i}]`)}: actions/checkout must set persist-credentials (false unless the job pushes)`);
        else if (bool(pc) && !pushes) p.push(`${where(wf, id, `steps[${i}]`)}: persist-credentials: true in a job that never pushes`);
      }
      const roleSecs = Number(s.with?.["role-duration-seconds"] ?? 3600);
      if (action(s) === "aws-actions/configure-aws-credentials" && typeof t === "number" && t * 60 > roleSecs) {
        p.push(`${where(wf, id)}: timeout-minutes ${t} outlives the AWS session (${roleSecs} s)`);
      }
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Checks for the Pulumi steps (pr, deploy, drift)

function policyProblems(at: string, w: Any, stack: string): string[] {
  const p: string[] = [];
  const packs = lines(w?.policyPacks);
  const configs = lines(w?.policyPackConfigs).map((c) => subst(c, stack));
  if (packs.length !== PACKS.length || !PACKS.every((x) => packs.includes(x))) p.push(`${at}: policyPacks must be both policy packs (${PACKS.join(", ")}), found [${packs.join(", ")}]`);
  if (configs.length !== packs.length) p.push(`${at}: policyPackConfigs needs one config per policy pack, in order (${configs.length} for ${packs.length})`);
  packs.forEach((pack, i) => {
    if (!fs.existsSync(path.join(ROOT, pack, "PulumiPolicy.yaml"))) p.push(`${at}: policy pack ${pack} does not exist`);
    const c = configs[i];
    if (c === undefined) return;
    if (c !== `${pack}/config/${stack}.json`) p.push(`${at}: ${pack} on ${stack} must use ${pack}/config/${stack}.json, found ${c}`);
    else if (!fs.existsSync(path.join(ROOT, c))) p.push(`${at}: policy config ${c} does not exist`);
  });
  return p;
}

/** The packs and configs `npm run ci:pulumi` passes for a stack, read from its real argument list. */
function argsPolicyProblems(at: string, args: string[], stack: string): string[] {
  const after = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
  return policyProblems(at, { policyPacks: after("--policy-pack").join("\n"), policyPackConfigs: after("--policy-pack-config").join("\n") }, stack);
}

const CI_PULUMI = /npm run -s ci:pulumi -- (preview|up) --stack "\$STACK"([^\n]*)/;
/** Steps that run `npm run ci:pulumi -- <command>`, with the flags after the stack. */
const pulumiRuns = (job: Any) => stepsOf(job).map((s, i) => ({ s, i, m: CI_PULUMI.exec(s.run ?? "") })).filter((x) => x.m);

function pulumiProblems(wf: Workflow, id: string, job: Any, command: string, flags: string[] = []): string[] {
  const p: string[] = [];
  const stacks = stacksOf(job);
  const steps = stepsOf(job);
  const install = steps.findIndex((s) => action(s) === "pulumi/actions");
  const run = pulumiRuns(job).find((x) => x.m![1] === command);
  if (install < 0) return [`${where(wf, id)}: no pulumi/actions step installing the CLI`];
  if (!run) return [`${where(wf, id)}: no step runs npm run -s ci:pulumi -- ${command} --stack "$STACK"`];
  if (!stacks.length) p.push(`${where(wf, id)}: cannot tell which stack the job acts on (matrix.stack or environment)`);
  const w = steps[install].with ?? {};
  if (w.command !== undefined) p.push(`${where(wf, id)}: pulumi/actions must only install the CLI (no command): it comments and summarises only when the command succeeds`);
  if (String(w["pulumi-version"]) !== PKG.dependencies["@pulumi/pulumi"]) p.push(`${where(wf, id)}: pulumi-version ${w["pulumi-version"]} should match @pulumi/pulumi ${PKG.dependencies["@pulumi/pulumi"]}`);
  const env = run.s.env ?? {};
  if (env.PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}") p.push(`${where(wf, id)}: PULUMI_ACCESS_TOKEN must come from secrets.PULUMI_ACCESS_TOKEN on the pulumi ${command} step`);
  if (env.PULUMI_ORG !== "${{ vars.PULUMI_ORG }}") p.push(`${where(wf, id)}: PULUMI_ORG must be vars.PULUMI_ORG on the pulumi ${command} step`);
  const stackEnv = String(env.STACK ?? "");
  for (const f of flags) if (!run.m![2].split(/\s+/).includes(f)) p.push(`${where(wf, id)}: pulumi ${command} needs ${f}`);
  if (/--skip-preview/.test(wf.raw.split("\n").filter((l) => !/^\s*#/.test(l)).join("\n"))) p.push(`${wf.file}: --skip-preview runs an update without the preview in which the policy packs stop it`);
  const aws = steps.findIndex((x) => action(x) === "aws-actions/configure-aws-credentials");
  if (aws < 0 || aws > run.i) p.push(`${where(wf, id)}: AWS credentials (OIDC) must be configured before pulumi ${command}`);
  if (install > run.i) p.push(`${where(wf, id)}: the CLI must be installed before pulumi ${command}`);
  if (!steps.slice(0, run.i).some((x) => /\bnpm ci\b|\.ci\/run/.test(x.run ?? ""))) p.push(`${where(wf, id)}: npm ci must run before pulumi (the program and the packs load from node_modules)`);
  for (const stack of stacks) {
    if (subst(stackEnv, stack) !== stack) p.push(`${where(wf, id)}: the pulumi ${command} step's STACK must be ${stack}, found ${stackEnv}`);
    const args = pulumiArgs(command as "preview" | "up", { stack, org: "org" });
    if (args[2] !== `org/${PROJECT}/${stack}`) p.push(`${where(wf, id)}: ci:pulumi targets ${args[2]}, not org/${PROJECT}/${stack}`);
    p.push(...argsPolicyProblems(where(wf, id, `(${stack})`), args, stack));
  }
  return p;
}

function matrixRoleProblems(wf: Workflow, id: string, job: Any, prefix: string): string[] {
  const p: string[] = [];
  const inc: Any[] = job?.strategy?.matrix?.include ?? [];
  for (const stack of ENVS) {
    const row = inc.find((r) => r.stack === stack);
    if (row?.role !== `\${{ vars.${prefix}_${stack.toUpperCase()} }}`) p.push(`${where(wf, id)}: matrix.include for ${stack} must set role: \${{ vars.${prefix}_${stack.toUpperCase()} }}`);
  }
  const roleArg = stepsUsing(job, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"];
  if (roleArg !== "${{ matrix.role }}") p.push(`${where(wf, id)}: role-to-assume must be the matrix row's role`);
  return p;
}

/**
 * A failed preview is seen: the pulumi step records its exit code instead of failing, the
 * comment and summary run always and read its output, and only then does a step fail the job.
 */
function visiblePreviewProblems(wf: Workflow, id: string, job: Any): string[] {
  const p: string[] = [];
  const steps = stepsOf(job);
  const run = pulumiRuns(job).find((x) => x.m![1] === "preview");
  if (!run) return [`${where(wf, id)}: no pulumi preview step`];
  const sid = run.s.id;
  const log = /--log (\S+)/.exec(run.m![2])?.[1];
  if (!sid || !/set \+e/.test(run.s.run) || !/echo "exit=\$\?" >> "\$GITHUB_OUTPUT"/.test(run.s.run) || !log) p.push(`${where(wf, id)}: the preview step must keep going on failure (set +e), record exit=$? and --log its output`);
  const comment = steps.findIndex((s) => /ci:comment/.test(s.run ?? ""));
  const c = steps[comment];
  if (comment < 0 || c.if !== "always()") p.push(`${where(wf, id)}: the comment/summary step must run always(), a failed preview included`);
  else {
    if (!c.run.includes(`--log ${log}`) || c.env?.EXIT !== `\${{ steps.${sid}.outputs.exit }}`) p.push(`${where(wf, id)}: the comment must read the preview's log and exit code`);
    if (!/GITHUB_STEP_SUMMARY/.test(c.run)) p.push(`${where(wf, id)}: the comment must go to the job summary too`);
  }
  const fail = steps.findIndex((s) => s.if === `steps.${sid}.outputs.exit != '0'` && /exit 1/.test(s.run ?? ""));
  if (fail < 0 || fail < comment) p.push(`${where(wf, id)}: after the comment, a step must fail the job when the preview failed`);
  return p;
}

/** The required check: one non-matrix job that passes on success, or on a skip where no credentials exist. */
function previewResultProblems(wf: Workflow): string[] {
  const r = wf.doc.jobs?.["preview-result"];
  if (!r) return [`${wf.file}: no preview-result job (a skipped matrix job leaves its required checks pending forever)`];
  const p: string[] = [];
  if (r.if !== "always()" || !needsOf(r).includes("preview") || r.strategy) p.push(`${where(wf, "preview-result")}: must need preview, run always() and not be a matrix`);
  const step = stepsOf(r).find((s) => /\$RESULT/.test(s.run ?? ""));
  if (step?.env?.RESULT !== "${{ needs.preview.result }}" || !/success\)/.test(step.run) || !/skipped\)/.test(step.run) || !/\*\)[\s\S]*exit 1/.test(step.run)) p.push(`${where(wf, "preview-result")}: must pass on success, explain a skip, and fail otherwise`);
  return p;
}

const sameList = (a: unknown, b: readonly string[]) => Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);

function checkNode(wf: Workflow): string[] {
  const major = String(PKG.devDependencies.node).split(".")[0];
  const p: string[] = [];
  for (const [id, job] of jobsOf(wf)) {
    for (const s of stepsUsing(job, "actions/setup-node")) {
      if (String(s.with?.["node-version"]).split(".")[0] !== major) p.push(`${where(wf, id)}: setup-node must use Node ${major} (package.json pins node ${PKG.devDependencies.node})`);
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------
// Per-workflow checks

const SPECIFIC: Record<string, (wf: Workflow, all: Workflow[]) => string[]> = {
  "pr.yml": (wf) => {
    const p = [...checkNode(wf)];
    const on = wf.doc.on ?? {};
    if (!sameList(Object.keys(on), ["pull_request"])) p.push(`${wf.file}: triggers must be pull_request only, found ${Object.keys(on)}`);
    if (!sameList(on.pull_request?.branches, ["main"])) p.push(`${wf.file}: pull_request.branches must be [main]`);
    const jobs = wf.doc.jobs ?? {};
    if (!stepsOf(jobs.test).some((s) => s.run === "bash .ci/run" || /\bnpm test\b/.test(s.run ?? ""))) p.push(`${where(wf, "test")}: must run bash .ci/run (or npm test)`);
    const planSteps = stepsOf(jobs.plan);
    const planRun = planSteps.map((s) => s.run ?? "").join("\n");
    for (const e of ENVS) if (!new RegExp(`npm run (-s )?plan -- --stack ${e} --json > plan/${e}\\.json`).test(planRun)) p.push(`${where(wf, "plan")}: must write the offline plan of ${e} with --json to plan/${e}.json`);
    const up = planSteps.findIndex((s) => action(s) === "actions/upload-artifact");
    if (up < 0 || planSteps[up].with?.path?.replace(/\/$/, "") !== "plan") p.push(`${where(wf, "plan")}: the plans must be uploaded as an artifact (path plan/)`);
    const pv = jobs.preview;
    if (!pv) return [...p, `${wf.file}: no preview job`];
    if (!sameList(pv.strategy?.matrix?.stack, ENVS)) p.push(`${where(wf, "preview")}: matrix.stack must be [dev, staging, prod]`);
    if (pv.strategy?.["fail-fast"] !== false) p.push(`${where(wf, "preview")}: fail-fast: false, so one stack's failure does not hide the others' previews`);
    if (!needsOf(pv).includes("test")) p.push(`${where(wf, "preview")}: must need test`);
    if (!/head\.repo\.full_name\s*==\s*github\.repository/.test(pv.if ?? "")) p.push(`${where(wf, "preview")}: must skip fork pull requests (no secrets or OIDC there)`);
    if (!/github\.actor\s*!=\s*'dependabot\[bot\]'/.test(pv.if ?? "")) p.push(`${where(wf, "preview")}: must skip Dependabot pull requests (no Actions secrets there)`);
    p.push(...visiblePreviewProblems(wf, "preview", pv), ...previewResultProblems(wf));
    p.push(...pulumiProblems(wf, "preview", pv, "preview"), ...matrixRoleProblems(wf, "preview", pv, "AWS_PREVIEW_ROLE_ARN"));
    return p;
  },

  "deploy.yml": (wf) => {
    const p = [...checkNode(wf)];
    const on = wf.doc.on ?? {};
    if (!sameList(on.push?.branches, ["main"])) p.push(`${wf.file}: must run on push to main`);
    for (const t of Object.keys(on)) if (!["push", "workflow_dispatch"].includes(t)) p.push(`${wf.file}: unexpected trigger ${t}`);
    const jobs = wf.doc.jobs ?? {};
    if (!stepsOf(jobs.verify).some((s) => s.run === "bash .ci/run")) p.push(`${where(wf, "verify")}: must run bash .ci/run on the merged commit`);
    const order = ["verify", "up-dev", "up-staging", "up-prod"];
    const groups = new Set<string>();
    ENVS.forEach((env, i) => {
      const id = `up-${env}`;
      const job = jobs[id];
      if (!job) { p.push(`${wf.file}: no job ${id}`); return; }
      if (envName(job) !== env) p.push(`${where(wf, id)}: environment must be ${env} (approvals and the environment's deploy role)`);
      if (!sameList(needsOf(job), [order[i]])) p.push(`${where(wf, id)}: needs must be [${order[i]}] (dev -> staging -> prod), found [${needsOf(job)}]`);
      const c = job.concurrency;
      if (!isObj(c) || typeof c.group !== "string" || !c.group.includes(env)) p.push(`${where(wf, id)}: concurrency group per stack required`);
      else groups.add(c.group);
      if (!isObj(c) || c["cancel-in-progress"] !== false) p.push(`${where(wf, id)}: cancel-in-progress must be false (never cancel a running pulumi up)`);
      const role = stepsUsing(job, "aws-actions/configure-aws-credentials")[0]?.with?.["role-to-assume"];
      if (role !== "${{ vars.AWS_DEPLOY_ROLE_ARN }}") p.push(`${where(wf, id)}: role-to-assume must be the environment's vars.AWS_DEPLOY_ROLE_ARN`);
      p.push(...pulumiProblems(wf, id, job, "up"), ...pulumiProblems(wf, id, job, "preview"));
      const runs = pulumiRuns(job);
      const gate = runs.find((x) => x.m![1] === "preview");
      const up = runs.find((x) => x.m![1] === "up");
      if (gate && up && (gate.i > up.i || gate.s["continue-on-error"] || gate.s.if || up.s.if)) p.push(`${where(wf, id)}: the gate preview must run before up, and a failed gate must stop the job (no continue-on-error, no if)`);
    });
    if (groups.size !== 3) p.push(`${wf.file}: the three stacks need three distinct concurrency groups`);
    return p;
  },

  "drift.yml": (wf) => {
    const p = [...checkNode(wf)];
    const on = wf.doc.on ?? {};
    const crons: string[] = (on.schedule ?? []).map((s: Any) => s.cron);
    if (!crons.length || !crons.every((c) => typeof c === "string" && c.trim().split(/\s+/).length === 5)) p.push(`${wf.file}: needs a schedule with a 5-field cron`);
    if (!("workflow_dispatch" in on)) p.push(`${wf.file}: needs workflow_dispatch for an on-demand check`);
    for (const t of Object.keys(on)) if (!["schedule", "workflow_dispatch"].includes(t)) p.push(`${wf.file}: unexpected trigger ${t}`);
    const job = wf.doc.jobs?.drift;
    if (!job) return [...p, `${wf.file}: no drift job`];
    if (!sameList(job.strategy?.matrix?.stack, ENVS)) p.push(`${where(wf, "drift")}: matrix.stack must be [dev, staging, prod]`);
    if (job.strategy?.["fail-fast"] !== false) p.push(`${where(wf, "drift")}: fail-fast: false, so every stack is checked`);
    if (envName(job)) p.push(`${where(wf, "drift")}: no environment (an approval gate would stall the schedule)`);
    const flags = pulumiRuns(job).find((x) => x.m![1] === "preview")?.m![2] ?? "";
    if (!/--expect-no-changes\b/.test(flags)) p.push(`${where(wf, "drift")}: expect-no-changes must be set (drift fails the job)`);
    if (!/--refresh\b/.test(flags)) p.push(`${where(wf, "drift")}: refresh must be set (read the real resources before comparing)`);
    p.push(...visiblePreviewProblems(wf, "drift", job));
    p.push(...pulumiProblems(wf, "drift", job, "preview"), ...matrixRoleProblems(wf, "drift", job, "AWS_DRIFT_ROLE_ARN"));
    const rep = wf.doc.jobs?.report;
    if (!rep || !needsOf(rep).includes("drift") || !/failure\(\)/.test(rep.if ?? "")) p.push(`${wf.file}: a report job must run on the drift job's failure`);
    return p;
  },

  "delivery.yml": (wf, all) => {
    const p: string[] = [];
    const on = wf.doc.on ?? {};
    if (!sameList(on.push?.branches, ["main"]) || !on.pull_request) p.push(`${wf.file}: triggers must be pull_request and push to main`);
    for (const t of Object.keys(on)) if (!["push", "pull_request"].includes(t)) p.push(`${wf.file}: unexpected trigger ${t}`);
    const jobs = wf.doc.jobs ?? {};
    if (!stepsOf(jobs.test).some((s) => /\btest\b/.test(s.run ?? ""))) p.push(`${where(wf, "test")}: must run the tests`);
    if (jobs.test?.if) p.push(`${where(wf, "test")}: tests run on pull requests and on main`);
    const img = jobs.image;
    if (!img) return [...p, `${wf.file}: no image job`];
    if (!/github\.event_name == 'push'/.test(img.if ?? "") || !/refs\/heads\/main/.test(img.if ?? "")) p.push(`${where(wf, "image")}: build and push only on push to main`);
    if (!needsOf(img).includes("test")) p.push(`${where(wf, "image")}: must need test`);
    const steps = stepsOf(img);
    const at = (pred: (s: Any) => boolean) => steps.findIndex(pred);
    const awsI = at((s) => action(s) === "aws-actions/configure-aws-credentials");
    const loginI = at((s) => action(s) === "aws-actions/amazon-ecr-login");
    const buildI = at((s) => action(s) === "docker/build-push-action");
    const scanI = at((s) => action(s) === "aquasecurity/trivy-action");
    const pushI = at((s) => /\bdocker push\b/.test(s.run ?? "") || (action(s) === "docker/build-push-action" && bool(s.with?.push)));
    const refI = at((s) => s.id === "ref");
    if (awsI < 0 || loginI < 0 || awsI > loginI) p.push(`${where(wf, "image")}: OIDC credentials, then ECR login`);
    if (buildI < 0 || scanI < 0 || pushI < 0) return [...p, `${where(wf, "image")}: needs build, Trivy scan and push steps`];
    if (!(buildI < scanI && scanI < pushI)) p.push(`${where(wf, "image")}: order must be build -> Trivy scan -> push (found build ${buildI}, scan ${scanI}, push ${pushI}); nothing is pushed before the scan`);
    if (loginI > pushI) p.push(`${where(wf, "image")}: ECR login must come before the push`);
    const build = steps[buildI].with ?? {};
    if (bool(build.push) || !bool(build.load)) p.push(`${where(wf, "image")}: the build loads the image locally (load: true, push: false) so the scan sees it first`);
    const scan = steps[scanI].with ?? {};
    const sev = lines(scan.severity).sort();
    if (!sameList(sev, ["CRITICAL", "HIGH"])) p.push(`${where(wf, "image")}: Trivy severity must be CRITICAL,HIGH, found ${scan.severity}`);
    if (String(scan["exit-code"]) !== "1") p.push(`${where(wf, "image")}: Trivy exit-code must be 1 (a finding fails the job), found ${scan["exit-code"]}`);
    if (!bool(scan["ignore-unfixed"])) p.push(`${where(wf, "image")}: Trivy ignore-unfixed must be true`);
    if (scan["image-ref"] !== build.tags) p.push(`${where(wf, "image")}: Trivy must scan the image just built (${build.tags}), found ${scan["image-ref"]}`);
    if (build.tags !== "${{ steps.ref.outputs.image }}:${{ steps.ref.outputs.tag }}") p.push(`${where(wf, "image")}: the build's tag must be the image reference with the commit SHA`);
    if (refI < 0 || steps[refI].env?.TAG !== "${{ github.sha }}" || !/tag=\$\{TAG\}/.test(steps[refI].run ?? "")) p.push(`${where(wf, "image")}: the image tag must be the commit SHA (github.sha), never a moving tag`);
    if (img.outputs?.tag !== "${{ steps.ref.outputs.tag }}") p.push(`${where(wf, "image")}: outputs.tag must be the commit SHA tag`);
    const promote = ["promote-dev", "promote-staging", "promote-prod"];
    promote.forEach((id, i) => {
      const job = jobs[id];
      if (!job) { p.push(`${wf.file}: no job ${id}`); return; }
      const env = ENVS[i];
      if (job.uses !== "./.github/workflows/gitops-promote.yml") p.push(`${where(wf, id)}: must call ./.github/workflows/gitops-promote.yml`);
      if (job.with?.environment !== env) p.push(`${where(wf, id)}: environment must be ${env}`);
      if (!transitiveNeeds(jobs, id).has("image")) p.push(`${where(wf, id)}: the GitOps bump must happen after the push (needs image)`);
      if (i > 0 && !needsOf(job).includes(promote[i - 1])) p.push(`${where(wf, id)}: must need ${promote[i - 1]} (dev -> staging -> prod)`);
      if (job.with?.tag !== "${{ needs.image.outputs.tag }}") p.push(`${where(wf, id)}: must promote the pushed tag (needs.image.outputs.tag)`);
      if (bool(job.with?.["pull-request"]) !== (env === "prod")) p.push(`${where(wf, id)}: prod opens a GitOps pull request, dev and staging commit`);
      if (job.secrets?.GITOPS_APP_PRIVATE_KEY !== "${{ secrets.GITOPS_APP_PRIVATE_KEY }}") p.push(`${where(wf, id)}: pass secrets.GITOPS_APP_PRIVATE_KEY explicitly`);
    });
    if (!all.some((w) => w.file === `${path.dirname(wf.file)}/gitops-promote.yml`)) p.push(`${wf.file}: gitops-promote.yml missing beside it`);
    return p;
  },

  "gitops-promote.yml": (wf) => {
    const p: string[] = [];
    const on = wf.doc.on ?? {};
    if (!sameList(Object.keys(on), ["workflow_call"])) p.push(`${wf.file}: must be a reusable workflow (workflow_call only)`);
    for (const k of ["environment", "image", "tag"]) if (!on.workflow_call?.inputs?.[k]?.required) p.push(`${wf.file}: input ${k} must be required`);
    if (!on.workflow_call?.secrets?.GITOPS_APP_PRIVATE_KEY?.required) p.push(`${wf.file}: secret GITOPS_APP_PRIVATE_KEY must be declared and required`);
    const job = wf.doc.jobs?.promote;
    if (!job) return [...p, `${wf.file}: no promote job`];
    if (envName(job) !== "${{ inputs.environment }}") p.push(`${where(wf, "promote")}: environment must be inputs.environment (approvals per environment)`);
    if (!isObj(job.concurrency) || job.concurrency["cancel-in-progress"] !== false || !String(job.concurrency.group).includes("inputs.environment")) p.push(`${where(wf, "promote")}: one bump per environment at a time, never cancelled`);
    const steps = stepsOf(job);
    const tokenI = steps.findIndex((s) => action(s) === "actions/create-github-app-token");
    const tok = steps[tokenI]?.with ?? {};
    if (tokenI < 0 || tok["private-key"] !== "${{ secrets.GITOPS_APP_PRIVATE_KEY }}") p.push(`${where(wf, "promote")}: the GitOps token comes from the GitHub App key in secrets`);
    const perms = Object.keys(tok).filter((k) => k.startsWith("permission-")).sort();
    if (!sameList(perms, ["permission-contents", "permission-pull-requests"])) p.push(`${where(wf, "promote")}: the App token must be limited to contents and pull-requests, found ${perms}`);
    if (!tok.repositories) p.push(`${where(wf, "promote")}: the App token must be limited to the GitOps repository`);
    const co = steps.findIndex((s) => action(s) === "actions/checkout" && s.with?.repository === "${{ vars.GITOPS_REPOSITORY }}");
    if (co < 0 || co < tokenI || steps[co].with?.token !== `\${{ steps.${steps[tokenI]?.id}.outputs.token }}`) p.push(`${where(wf, "promote")}: check out vars.GITOPS_REPOSITORY with the App token`);
    const bump = steps.find((s) => /yq -i/.test(s.run ?? ""))?.run ?? "";
    if (!/apps\/\$\{APP\}\/overlays\/\$\{TARGET_ENV\}\/kustomization\.yaml/.test(bump)) p.push(`${where(wf, "promote")}: must edit apps/<app>/overlays/<env>/kustomization.yaml`);
    if (!/\.newTag = strenv\(TAG\)/.test(bump) || !/git push/.test(bump) || !/gh pr create/.test(bump)) p.push(`${where(wf, "promote")}: must set newTag to the tag, then push (or open a pull request)`);
    return p;
  },
};

function checkAll(wfs: Workflow[]): string[] {
  const p: string[] = [];
  const seen = new Map<string, string>();
  for (const wf of wfs) {
    p.push(...checkPermissions(wf), ...checkPins(wf), ...checkSecrets(wf), ...checkJobs(wf));
    const specific = SPECIFIC[base(wf)];
    if (!specific) p.push(`${wf.file}: no structural checks for this workflow: add them to ${path.relative(ROOT, __filename)}`);
    else p.push(...specific(wf, wfs));
    for (const m of wf.raw.matchAll(/uses:\s*([^@\s]+)@([0-9a-f]{40})/g)) {
      const prev = seen.get(m[1]);
      if (prev && prev !== m[2]) p.push(`${wf.file}: ${m[1]} is pinned to ${m[2]} here and ${prev} elsewhere`);
      seen.set(m[1], m[2]);
    }
  }
  return p;
}

// ---------------------------------------------------------------------------------------------

const WORKFLOWS = loadAll();
const byName = (name: string): Workflow => {
  const wf = WORKFLOWS.find((w) => base(w) === name);
  if (!wf) throw new Error(`no workflow ${name}`);
  return wf;
};

describe("workflows: the delivery pipelines", () => {
  it("finds the platform's and the app template's workflows, all valid YAML without duplicate keys", () => {
    assert.deepStrictEqual(LOAD_ERRORS, []);
    assert.deepStrictEqual(WORKFLOWS.map((w) => w.file), [
      ".github/workflows/deploy.yml",
      ".github/workflows/drift.yml",
      ".github/workflows/pr.yml",
      "templates/app-repo/.github/workflows/delivery.yml",
      "templates/app-repo/.github/workflows/gitops-promote.yml",
    ]);
  });

  for (const wf of WORKFLOWS) {
    describe(wf.file, () => {
      it("parses as YAML without duplicate keys and has a name", () => assert.ok(typeof wf.doc.name === "string" && wf.doc.name.length > 0));
      it("permissions: minimal at the top, explicit and least-privilege per job", () => assert.deepStrictEqual(checkPermissions(wf), []));
      it("every action pinned to a verified 40-hex commit SHA with its release in a comment", () => assert.deepStrictEqual(checkPins(wf), []));
      it("secrets only as ${{ secrets.NAME }} on the step that needs them; no credential literals; OIDC roles", () => assert.deepStrictEqual(checkSecrets(wf), []));
      it("jobs: timeouts, pinned runner images, no expressions in scripts, checkout credentials, safe triggers", () => assert.deepStrictEqual(checkJobs(wf), []));
      it("its structure (triggers, jobs, order)", () => assert.deepStrictEqual(SPECIFIC[base(wf)]?.(wf, WORKFLOWS) ?? ["no specific checks"], []));
      it("documents every secret and variable it reads, in its header and in docs/pipelines.md", () => {
        const header = wf.raw.split(/^name:/m)[0];
        const docs = fs.readFileSync(path.join(ROOT, "docs/pipelines.md"), "utf8");
        const names = new Set([...wf.raw.matchAll(/\$\{\{[^}]*?\b(secrets|vars)\.([A-Z0-9_]+)/g)].map((m) => `${m[1]}.${m[2]}`));
        const missing = [...names].filter((n) => !header.includes(n.split(".")[1]) || !docs.includes(n.split(".")[1]));
        assert.deepStrictEqual(missing, []);
      });
    });
  }

  it("all workflows together pass every check; one SHA per action across files", () => assert.deepStrictEqual(checkAll(WORKFLOWS), []));

  it("pull requests: each stack previewed with both packs and its own configs, one comment per stack", () => {
    for (const env of ENVS) {
      const args = pulumiArgs("preview", { stack: env, org: "acme" });
      const after = (flag: string) => args.flatMap((a, i) => (a === flag ? [args[i + 1]] : []));
      assert.deepStrictEqual(after("--policy-pack"), ["policies/kubernetes", "policies/aws"]);
      assert.deepStrictEqual(after("--policy-pack-config"), [`policies/kubernetes/config/${env}.json`, `policies/aws/config/${env}.json`]);
      for (const c of after("--policy-pack-config")) assert.ok(fs.existsSync(path.join(ROOT, c)), c);
      assert.strictEqual(args[2], `acme/${PROJECT}/${env}`);
    }
    const pv = byName("pr.yml").doc.jobs.preview;
    // The comment's marker names the stack, so each matrix job updates its own comment.
    const comment = pv.steps.find((s: Any) => /ci:comment/.test(s.run ?? ""));
    assert.strictEqual(comment.env.STACK, "${{ matrix.stack }}");
    assert.match(comment.run, /marker="<!-- platform-preview:\$\{STACK\} -->"/);
    assert.strictEqual(pv.permissions["pull-requests"], "write");
    for (const [id, job] of jobsOf(byName("pr.yml"))) if (id !== "preview") assert.ok(!job.permissions["pull-requests"], id);
  });

  it("pull requests: the comment marker the workflow looks for is the one the comment tool writes", () => {
    const { marker } = require("../../tools/ci/preview-comment") as typeof import("../../tools/ci/preview-comment");
    const run = byName("pr.yml").doc.jobs.preview.steps.find((s: Any) => /ci:comment/.test(s.run ?? "")).run as string;
    assert.ok(run.includes(marker("${STACK}")), `${marker("${STACK}")} not in the comment step`);
  });

  it("merge: pulumi up dev -> staging -> prod, each in its GitHub environment", () => {
    const jobs = byName("deploy.yml").doc.jobs;
    assert.deepStrictEqual(["up-dev", "up-staging", "up-prod"].map((j) => [envName(jobs[j]), needsOf(jobs[j])]), [["dev", ["verify"]], ["staging", ["up-dev"]], ["prod", ["up-staging"]]]);
    assert.deepStrictEqual([...transitiveNeeds(jobs, "up-prod")].sort(), ["up-dev", "up-staging", "verify"]);
  });

  it("drift: a scheduled preview per stack that fails on any change", () => {
    const wf = byName("drift.yml");
    assert.ok(Array.isArray(wf.doc.on.schedule) && "workflow_dispatch" in wf.doc.on);
    const run = wf.doc.jobs.drift.steps.find((s: Any) => /ci:pulumi/.test(s.run ?? "")).run;
    assert.match(run, /ci:pulumi -- preview --stack "\$STACK" --refresh --expect-no-changes/);
    assert.deepStrictEqual(pulumiArgs("preview", { stack: "prod", org: "o", refresh: true, expectNoChanges: true }).slice(-2), ["--refresh", "--expect-no-changes"]);
  });

  it("app template: scan before push, SHA tag, GitOps bump after the push, prod by pull request", () => {
    const jobs = byName("delivery.yml").doc.jobs;
    const names = jobs.image.steps.map((s: Any) => s.name ?? action(s) ?? s.id);
    assert.ok(names.indexOf("build") < names.indexOf("scan") && names.indexOf("scan") < names.indexOf("push"), names.join(", "));
    assert.deepStrictEqual(needsOf(jobs["promote-dev"]), ["image"]);
    assert.deepStrictEqual(["promote-dev", "promote-staging", "promote-prod"].map((j) => jobs[j].with["pull-request"]), [false, false, true]);
  });

  it("the verified pins cover every action used, and every pin is used", () => {
    const used = new Set(WORKFLOWS.flatMap((w) => [...w.raw.matchAll(/uses:\s*([^@\s]+)@/g)].map((m) => m[1].split("/").slice(0, 2).join("/"))).filter((u) => !u.startsWith(".")));
    assert.deepStrictEqual([...used].sort(), Object.keys(VERIFIED_PINS).sort());
  });
});

// ---------------------------------------------------------------------------------------------
// The checks are real: each mutation of a real workflow must be reported.

function replaceOnce(raw: string, from: string | RegExp, to: string): string {
  const out = raw.replace(from, to);
  if (out === raw) throw new Error(`mutation did not apply: ${from}`);
  return out;
}

function problemsAfterRaw(name: string, mutate: (raw: string) => string): string[] {
  const wf = byName(name);
  return checkAll(WORKFLOWS.map((w) => (w === wf ? parse(w.file, mutate(w.raw)) : w)));
}

function problemsAfterDoc(name: string, mutate: (doc: Any) => void): string[] {
  const wf = byName(name);
  const copy = parse(wf.file, wf.raw);
  mutate(copy.doc);
  return checkAll(WORKFLOWS.map((w) => (w === wf ? copy : w)));
}

const CHECKOUT = `actions/checkout@${VERIFIED_PINS["actions/checkout"].sha}`;
const MUTATIONS: { what: string; expect: RegExp; run: () => string[] }[] = [
  { what: "an action pinned to a tag", expect: /not pinned to a full 40-hex commit SHA/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, CHECKOUT, "actions/checkout@v7")) },
  { what: "an action pinned to a branch in the template", expect: /aquasecurity\/trivy-action@master is not pinned/, run: () => problemsAfterRaw("delivery.yml", (r) => replaceOnce(r, /aquasecurity\/trivy-action@[0-9a-f]{40}/, "aquasecurity/trivy-action@master")) },
  { what: "a pinned SHA without its release comment", expect: /needs a "# vX.Y.Z" comment/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, `${CHECKOUT} # v7.0.1`, CHECKOUT)) },
  { what: "a SHA that is not the verified one", expect: /differs from the verified pin/, run: () => problemsAfterRaw("deploy.yml", (r) => replaceOnce(r, CHECKOUT, `actions/checkout@${"0".repeat(40)}`)) },
  { what: "permissions: write-all at the top", expect: /top-level permissions must be/, run: () => problemsAfterRaw("deploy.yml", (r) => replaceOnce(r, /^permissions: \{\}$/m, "permissions: write-all")) },
  { what: "permissions: write-all on a job", expect: /jobs\.test: permissions must be an explicit map/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.test.permissions = "write-all"; }) },
  { what: "id-token: write on a job without AWS credentials", expect: /jobs\.test: permissions\.id-token: write is for only jobs that assume an AWS role/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.test.permissions["id-token"] = "write"; }) },
  { what: "pull-requests: write on a job that does not comment", expect: /jobs\.plan: permissions\.pull-requests: write is for only the job that comments/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.plan.permissions["pull-requests"] = "write"; }) },
  { what: "contents: write anywhere", expect: /permissions\.contents: write is not allowed/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs.image.permissions.contents = "write"; }) },
  { what: "an AWS job without id-token: write", expect: /lacks id-token: write/, run: () => problemsAfterDoc("deploy.yml", (d) => { delete d.jobs["up-prod"].permissions["id-token"]; }) },
  { what: "the policy checks on a tool that drops a pack", expect: /policyPacks must be both policy packs/, run: () => argsPolicyProblems("x", pulumiArgs("up", { stack: "prod", org: "o" }).filter((a, i, all) => a !== "policies/aws" && all[i - 1] !== "--policy-pack-config" || a === "policies/kubernetes/config/prod.json"), "prod") },
  { what: "the policy checks on prod with dev's config", expect: /policies\/aws on prod must use policies\/aws\/config\/prod\.json/, run: () => argsPolicyProblems("x", pulumiArgs("up", { stack: "prod", org: "o" }).map((a) => a.replace("aws/config/prod.json", "aws/config/dev.json")), "prod") },
  { what: "the PR comment only when the preview passed", expect: /comment\/summary step must run always\(\)/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.steps.find((s: Any) => /ci:comment/.test(s.run ?? "")).if = "success()"; }) },
  { what: "a preview step that fails before the comment", expect: /must keep going on failure/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, "          set +e\n          npm run -s ci:pulumi -- preview", "          npm run -s ci:pulumi -- preview")) },
  { what: "a failed preview that passes the job", expect: /a step must fail the job when the preview failed/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.steps = d.jobs.preview.steps.filter((s: Any) => !/^steps\.preview\.outputs\.exit/.test(s.if ?? "")); }) },
  { what: "the PR preview through pulumi/actions' own command (no comment on failure)", expect: /must only install the CLI/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.steps.find((s: Any) => action(s) === "pulumi/actions").with.command = "preview"; }) },
  { what: "Dependabot previews that can never pass", expect: /must skip Dependabot pull requests/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.if = "github.event.pull_request.head.repo.full_name == github.repository"; }) },
  { what: "required checks only on the matrix jobs", expect: /no preview-result job/, run: () => problemsAfterDoc("pr.yml", (d) => { delete d.jobs["preview-result"]; }) },
  { what: "a preview result that passes a failed preview", expect: /must pass on success, explain a skip, and fail otherwise/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, '              echo "::error::a preview failed (${RESULT}); see the pull request comments"\n              exit 1', '              echo "a preview failed"')) },
  { what: "pulumi up without the gate preview", expect: /up-staging: no step runs npm run -s ci:pulumi -- preview/, run: () => problemsAfterDoc("deploy.yml", (d) => { d.jobs["up-staging"].steps = d.jobs["up-staging"].steps.filter((s: Any) => !/ci:pulumi -- preview/.test(s.run ?? "")); }) },
  { what: "a gate preview allowed to fail", expect: /a failed gate must stop the job/, run: () => problemsAfterDoc("deploy.yml", (d) => { d.jobs["up-prod"].steps.find((s: Any) => /ci:pulumi -- preview/.test(s.run ?? ""))["continue-on-error"] = true; }) },
  { what: "an up that skips its own preview", expect: /--skip-preview runs an update without the preview/, run: () => problemsAfterRaw("deploy.yml", (r) => replaceOnce(r, '-- up --stack "$STACK" --log up.log', '-- up --stack "$STACK" --log up.log --skip-preview')) },
  { what: "a token as a literal", expect: /a credential must come from an expression/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.steps.find((s: Any) => s.id === "preview").env.PULUMI_ACCESS_TOKEN = "hunter2"; }) },
  { what: "drift without expect-no-changes", expect: /expect-no-changes must be set/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, '"$STACK" --refresh --expect-no-changes', '"$STACK" --refresh')) },
  { what: "drift whose summary only shows a passing check", expect: /comment\/summary step must run always\(\)/, run: () => problemsAfterDoc("drift.yml", (d) => { delete d.jobs.drift.steps.find((s: Any) => /ci:comment/.test(s.run ?? "")).if; }) },
  { what: "drift on the preview role", expect: /matrix\.include for dev must set role: \$\{\{ vars\.AWS_DRIFT_ROLE_ARN_DEV \}\}/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, "role: ${{ vars.AWS_DRIFT_ROLE_ARN_DEV }}", "role: ${{ vars.AWS_PREVIEW_ROLE_ARN_DEV }}")) },
  { what: "a preview matrix without prod", expect: /matrix\.stack must be \[dev, staging, prod\]/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.preview.strategy.matrix.stack = ["dev", "staging"]; }) },
  { what: "a pull_request_target trigger", expect: /pull_request_target trigger runs untrusted code/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, "on:\n  pull_request:", "on:\n  pull_request_target:\n  pull_request:")) },
  { what: "an AWS access key literal", expect: /looks like an AWS access key id literal/, run: () => problemsAfterRaw("deploy.yml", (r) => replaceOnce(r, "          STACK: dev\n", "          STACK: dev\n          AWS_KEY_ID: AKIAIOSFODNN7EXAMPLE\n")) },
  { what: "an AWS secret key literal", expect: /looks like an AWS secret key literal/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, "          STACK: ${{ matrix.stack }}\n", "          STACK: ${{ matrix.stack }}\n          X: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")) },
  { what: "long-lived AWS keys from secrets", expect: /aws-access-key-id: long-lived AWS keys are refused/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs.image.steps.find((s: Any) => action(s) === "aws-actions/configure-aws-credentials").with["aws-access-key-id"] = "${{ secrets.AWS_ACCESS_KEY_ID }}"; }) },
  { what: "a secret in job-level env", expect: /a secret may only be passed to one step/, run: () => problemsAfterDoc("deploy.yml", (d) => { d.jobs["up-dev"].env = { PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" }; }) },
  { what: "every secret as JSON", expect: /secrets only as \$\{\{ secrets\.NAME \}\}/, run: () => problemsAfterDoc("drift.yml", (d) => { d.jobs.drift.steps[0].env = { ALL: "${{ toJSON(secrets) }}" }; }) },
  { what: "secrets: inherit", expect: /secrets: inherit passes every secret/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs["promote-dev"].secrets = "inherit"; }) },
  { what: "an expression inside a run script", expect: /no \$\{\{ \}\} inside run scripts/, run: () => problemsAfterDoc("pr.yml", (d) => { d.jobs.test.steps.push({ run: "echo ${{ github.event.pull_request.title }}" }); }) },
  { what: "a job without timeout-minutes", expect: /jobs\.plan: timeout-minutes must be set/, run: () => problemsAfterDoc("pr.yml", (d) => { delete d.jobs.plan["timeout-minutes"]; }) },
  { what: "ubuntu-latest", expect: /runs-on must name a runner image version/, run: () => problemsAfterDoc("drift.yml", (d) => { d.jobs.report["runs-on"] = "ubuntu-latest"; }) },
  { what: "checkout without persist-credentials", expect: /must set persist-credentials/, run: () => problemsAfterDoc("deploy.yml", (d) => { delete d.jobs.verify.steps[0].with["persist-credentials"]; }) },
  { what: "a session shorter than the job", expect: /outlives the AWS session/, run: () => problemsAfterDoc("deploy.yml", (d) => { delete d.jobs["up-prod"].steps.find((s: Any) => action(s) === "aws-actions/configure-aws-credentials").with["role-duration-seconds"]; }) },
  { what: "a role ARN written in the workflow", expect: /role-to-assume must be/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs.image.steps.find((s: Any) => action(s) === "aws-actions/configure-aws-credentials").with["role-to-assume"] = "arn:aws:iam::123456789012:role/push"; }) },
  { what: "setup-node on Node 20", expect: /setup-node must use Node 22/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, 'node-version: "22"', 'node-version: "20"')) },
  { what: "a Pulumi CLI that differs from the SDK", expect: /pulumi-version 3\.1\.0 should match/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, /pulumi-version: [\d.]+/, "pulumi-version: 3.1.0")) },
  { what: "prod deployed straight after dev", expect: /up-prod: needs must be \[up-staging\]/, run: () => problemsAfterDoc("deploy.yml", (d) => { d.jobs["up-prod"].needs = "up-dev"; }) },
  { what: "prod without its environment", expect: /up-prod: environment must be prod/, run: () => problemsAfterDoc("deploy.yml", (d) => { delete d.jobs["up-prod"].environment; }) },
  { what: "a cancellable pulumi up", expect: /cancel-in-progress must be false/, run: () => problemsAfterRaw("deploy.yml", (r) => replaceOnce(r, "group: pulumi-up-staging\n      cancel-in-progress: false", "group: pulumi-up-staging\n      cancel-in-progress: true")) },
  { what: "deploy on pull requests", expect: /unexpected trigger pull_request/, run: () => problemsAfterDoc("deploy.yml", (d) => { d.on.pull_request = null; }) },
  { what: "drift without a schedule", expect: /needs a schedule/, run: () => problemsAfterDoc("drift.yml", (d) => { delete d.on.schedule; }) },
  { what: "drift behind an approval gate", expect: /no environment/, run: () => problemsAfterDoc("drift.yml", (d) => { d.jobs.drift.environment = "prod"; }) },
  { what: "Trivy that never fails", expect: /Trivy exit-code must be 1/, run: () => problemsAfterRaw("delivery.yml", (r) => replaceOnce(r, 'exit-code: "1"', 'exit-code: "0"')) },
  { what: "Trivy on CRITICAL only", expect: /Trivy severity must be CRITICAL,HIGH/, run: () => problemsAfterRaw("delivery.yml", (r) => replaceOnce(r, "severity: CRITICAL,HIGH", "severity: CRITICAL")) },
  { what: "the push before the scan", expect: /order must be build -> Trivy scan -> push/, run: () => problemsAfterDoc("delivery.yml", (d) => {
    const s = d.jobs.image.steps; const scan = s.findIndex((x: Any) => x.name === "scan"); const push = s.findIndex((x: Any) => x.name === "push");
    [s[scan], s[push]] = [s[push], s[scan]];
  }) },
  { what: "a build that pushes before the scan", expect: /load: true, push: false/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs.image.steps.find((x: Any) => x.name === "build").with.push = true; }) },
  { what: "a moving tag", expect: /the image tag must be the commit SHA/, run: () => problemsAfterRaw("delivery.yml", (r) => replaceOnce(r, "TAG: ${{ github.sha }}", "TAG: latest")) },
  { what: "the GitOps bump not waiting for the push", expect: /GitOps bump must happen after the push/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs["promote-dev"].needs = "test"; }) },
  { what: "prod promoted by a direct commit", expect: /prod opens a GitOps pull request/, run: () => problemsAfterDoc("delivery.yml", (d) => { d.jobs["promote-prod"].with["pull-request"] = false; }) },
  { what: "a GitOps token with admin rights", expect: /limited to contents and pull-requests/, run: () => problemsAfterDoc("gitops-promote.yml", (d) => { d.jobs.promote.steps.find((s: Any) => s.id === "app").with["permission-administration"] = "write"; }) },
  { what: "persisted credentials in a job that never pushes", expect: /persist-credentials: true in a job that never pushes/, run: () => problemsAfterRaw("pr.yml", (r) => replaceOnce(r, "persist-credentials: false", "persist-credentials: true")) },
  { what: "an undocumented workflow", expect: /no structural checks for this workflow/, run: () => checkAll([...WORKFLOWS, parse(".github/workflows/extra.yml", byName("pr.yml").raw)]) },
  { what: "two SHAs for one action", expect: /is pinned to .* here and .* elsewhere/, run: () => problemsAfterRaw("drift.yml", (r) => replaceOnce(r, CHECKOUT, `actions/checkout@${"a".repeat(40)}`)) },
];

describe("workflows: each check catches its mutation", () => {
  for (const m of MUTATIONS) {
    it(m.what, () => {
      const problems = m.run();
      assert.ok(problems.some((p) => m.expect.test(p)), `expected a problem matching ${m.expect}, got:\n${problems.join("\n") || "(none)"}`);
    });
  }
});
