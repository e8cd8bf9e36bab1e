// Output formats of the offline checker for CI: SARIF 2.1.0 (GitHub code scanning), GitHub Actions
// workflow commands (`::error file=,line=::`), and Markdown (a pull-request comment).
// upstream: OASIS SARIF 2.1.0 (sarif-schema-2.1.0.json); GitHub docs "Workflow commands for GitHub Actions"
import * as path from "path";
import { PACKS, PolicyReport, Violation } from "./engine";
import { ruleMeta } from "./lib/rule";

export const FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
export type Format = (typeof FORMATS)[number];

const where = (v: Violation) => v.fieldLine ?? v.line;
const relative = (file: string) => (path.isAbsolute(file) ? path.relative(process.cwd(), file) : file).split(path.sep).join("/");

export function toSarif(report: PolicyReport): object {
  const rules = [...Object.values(PACKS).flat()].map((p) => {
    const meta = ruleMeta(p);
    return { id: p.name, shortDescription: { text: meta?.summary ?? p.description }, help: { text: meta?.fix ?? p.remediationSteps ?? "" }, properties: { pack: meta?.pack, item: meta?.item } };
  });
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.violations.map((v) => {
    const result: Record<string, unknown> = {
      ruleId: v.policy,
      ruleIndex: index.get(v.policy),
      level: v.level === "mandatory" ? "error" : "warning",
      message: { text: `${v.object}: ${v.message}` },
    };
    if (v.file && v.file !== "<stdin>") {
      const region = where(v) !== undefined ? { region: { startLine: where(v) } } : {};
      result.locations = [{ physicalLocation: { artifactLocation: { uri: relative(v.file) }, ...region } }];
    }
    return result;
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "platform-policy", rules } }, results }],
  };
}

// Workflow-command escaping: data escapes %, CR, LF; properties also `:` and `,`.
const escData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escProp = (s: string) => escData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function toGithub(report: PolicyReport): string[] {
  return report.violations.map((v) => {
    const props = [v.file && v.file !== "<stdin>" ? `file=${escProp(relative(v.file))}` : "", where(v) !== undefined ? `line=${where(v)}` : "", `title=${escProp(`${v.policy} ${v.object}`)}`];
    return `::${v.level === "mandatory" ? "error" : "warning"} ${props.filter(Boolean).join(",")}::${escData(v.message)}`;
  });
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");

export function toMarkdown(report: PolicyReport): string[] {
  const mandatory = report.violations.filter((v) => v.level === "mandatory").length;
  const lines = [
    `**Policy check: ${mandatory > 0 ? "failed" : "passed"}.** ${report.objects} objects: ${mandatory} mandatory, ${report.violations.length - mandatory} advisory, ${report.exempted.length} exempted, ${report.skipped.length} skipped.`,
  ];
  if (report.violations.length > 0) {
    lines.push("", "| Level | Rule | Object | Where | Finding |", "|---|---|---|---|---|");
    for (const v of report.violations) {
      const at = v.file ? `\`${relative(v.file)}${where(v) !== undefined ? `:${where(v)}` : ""}\`` : "";
      lines.push(`| ${v.level} | \`${v.policy}\` | \`${cell(v.object)}\` | ${at} | ${cell(v.message)} |`);
    }
  }
  if (report.skipped.length > 0) lines.push("", `Skipped checks: ${report.skipped.map((s) => `\`${s.policy}\` on \`${cell(s.object)}\` (${cell(s.reason)})`).join("; ")}.`);
  return lines;
}
