// `npm run -s ci:comment -- --stack <env> --exit <code> --log <preview.log> [--policy <policy.md>] [--run-url <url>]`:
// the pull-request comment (and job summary) for one stack's preview, built whether the
// preview passed or failed: status and counts first, then the policy findings, then the
// preview output, trimmed from the front to GitHub's 65,536-character limit. The marker
// line lets the workflow find and update this stack's comment in place.
import * as fs from "fs";
import { parseArgs } from "util";

/** GitHub's limit on a comment body, less room for the marker and markup. */
export const MAX_BODY = 65_000;
export const marker = (stack: string) => `<!-- platform-preview:${stack} -->`;

export interface CommentInput {
  stack: string;
  exitCode: number;
  /** Everything `pulumi preview` printed (ANSI colours are stripped). */
  log: string;
  /** The offline checker's Markdown (`npm run policy -- check --format markdown`), if it ran. */
  policyMarkdown?: string;
  runUrl?: string;
}

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Pulumi's "Resources:" block, one change kind per line ("+ 2 to create", "12 unchanged"). */
export function resourceSummary(log: string): string[] {
  const lines = log.replace(ANSI, "").split("\n");
  const at = lines.findIndex((l) => /^Resources:\s*$/.test(l.trim()));
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!/^\s+([+~-]|\+-|-\+)?\s*\d+ /.test(l)) break;
    out.push(l.trim());
  }
  return out;
}

/** Policy violations as Pulumi prints them: `[mandatory]  <pack> <version>  <policy> (<resource>)`. */
export function policyViolations(log: string): { level: string; line: string }[] {
  return log
    .replace(ANSI, "")
    .split("\n")
    .map((l) => /^\s*\[(mandatory|advisory|remediate)\]\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ level: m[1], line: m[2].trim() }));
}

export function commentBody(i: CommentInput): string {
  const ok = i.exitCode === 0;
  const violations = policyViolations(i.log);
  const count = (lvl: string) => violations.filter((v) => v.level === lvl).length;
  const head = [
    marker(i.stack),
    `### \`pulumi preview\` on **${i.stack}**: ${ok ? "passed" : `FAILED (exit ${i.exitCode})`}`,
    "",
    `- changes: ${resourceSummary(i.log).join(", ") || (ok ? "none reported" : "not computed (the preview stopped)")}`,
    `- policy violations: ${count("mandatory")} mandatory, ${count("advisory")} advisory`,
    ...(i.runUrl ? [`- run: ${i.runUrl}`] : []),
    "",
    ...(violations.length ? ["| level | violation |", "|---|---|", ...violations.map((v) => `| ${v.level} | ${v.line.replace(/\|/g, "\\|")} |`), ""] : []),
    ...(i.policyMarkdown?.trim() ? ["#### Offline policy check of the rendered objects", "", i.policyMarkdown.trim(), ""] : []),
  ].join("\n");
  const open = "<details><summary>Preview output</summary>\n\n```text\n";
  const close = "\n```\n</details>\n";
  const room = MAX_BODY - head.length - 1 - open.length - close.length;
  let log = i.log.replace(ANSI, "").replace(/```/g, "'''");
  if (log.length > room) {
    const note = (n: number) => `... (${n} characters trimmed from the front)\n`;
    const keep = room - note(log.length).length;
    log = `${note(log.length - keep)}${log.slice(log.length - keep)}`;
  }
  return `${head}\n${open}${log}${close}`;
}

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { stack: { type: "string" }, exit: { type: "string" }, log: { type: "string" }, policy: { type: "string" }, "run-url": { type: "string" } } });
  if (!values.stack || values.exit === undefined || !values.log) {
    process.stderr.write("usage: npm run -s ci:comment -- --stack <env> --exit <code> --log <file> [--policy <file>] [--run-url <url>]\n");
    return 2;
  }
  const read = (f?: string) => (f && fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  process.stdout.write(commentBody({ stack: values.stack, exitCode: Number(values.exit), log: read(values.log) || "(no output: the preview did not start)", policyMarkdown: read(values.policy), runUrl: values["run-url"] }));
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
