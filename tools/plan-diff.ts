// `npm run plan -- --stack <env> --diff <old-plan.json>`: what changed between two plan
// documents, by URN (added, removed, changed inputs and options), as Markdown for a PR comment.
import type { PlanDocument } from "./plan";

type Resource = PlanDocument["resources"][number];

export interface InputChange {
  path: string;
  old: unknown;
  new: unknown;
}

export interface PlanDiff {
  added: Resource[];
  removed: Resource[];
  changed: { urn: string; type: string; changes: InputChange[] }[];
}

/** Leaf-level differences between two JSON values, as dotted paths (list items by index). */
export function valueChanges(a: unknown, b: unknown, at = ""): InputChange[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
  if (!isMap(a) || !isMap(b) || Array.isArray(a) !== Array.isArray(b)) return [{ path: at || "(root)", old: a, new: b }];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => valueChanges(a[k], b[k], Array.isArray(a) ? `${at}[${k}]` : at ? `${at}.${k}` : k));
}

export function diffPlans(before: PlanDocument, after: PlanDocument): PlanDiff {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const now = new Map(after.resources.map((r) => [r.urn, r]));
  const changed: PlanDiff["changed"] = [];
  for (const [urn, r] of now) {
    const o = old.get(urn);
    if (!o) continue;
    const changes = [
      ...valueChanges(o.inputs, r.inputs).map((c) => ({ ...c, path: `inputs.${c.path}` })),
      ...(["protect", "retainOnDelete", "dependsOn", "parent"] as const).flatMap((k) => valueChanges(o[k], r[k], k)),
    ];
    if (changes.length) changed.push({ urn, type: r.type, changes });
  }
  return {
    added: after.resources.filter((r) => !old.has(r.urn)),
    removed: before.resources.filter((r) => !now.has(r.urn)),
    changed,
  };
}

const show = (v: unknown) => {
  const s = v === undefined ? "(unset)" : JSON.stringify(v);
  return `\`${(s.length > 80 ? `${s.slice(0, 77)}...` : s).replace(/`/g, "'").replace(/\|/g, "\\|")}\``;
};

export function diffMarkdown(d: PlanDiff, stack: string): string {
  const out = [`### Plan diff for ${stack}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`, ""];
  if (!d.added.length && !d.removed.length && !d.changed.length) return `${out.join("\n")}\nNo change.\n`;
  if (d.added.length) out.push("#### Added", "", ...d.added.map((r) => `- \`${r.urn}\``), "");
  if (d.removed.length) out.push("#### Removed", "", ...d.removed.map((r) => `- \`${r.urn}\`${r.protect ? " (protected: the update will refuse)" : ""}`), "");
  if (d.changed.length) {
    out.push("#### Changed", "");
    for (const c of d.changed) out.push(`- \`${c.urn}\``, "", "  | path | old | new |", "  |---|---|---|", ...c.changes.map((x) => `  | ${x.path} | ${show(x.old)} | ${show(x.new)} |`), "");
  }
  return `${out.join("\n")}`;
}

/** A plan document from disk, or a clear error naming the file and what is wrong. */
export function readPlan(text: string, file: string): PlanDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not JSON (${(e as Error).message}). Fix: pass a file written by npm run plan -- --stack <env> --json.`);
  }
  const d = doc as PlanDocument;
  if (!d || typeof d.stack !== "string" || !Array.isArray(d.resources) || d.resources.some((r) => typeof r?.urn !== "string")) {
    throw new Error(`${file} is not a plan document (needs stack and resources[].urn). Fix: pass a file written by npm run plan -- --stack <env> --json.`);
  }
  return d;
}
