// `npm run ci:pulumi -- <preview|up> --stack <env> [--refresh] [--expect-no-changes] [--log <file>]`:
// the one way CI runs the Pulumi CLI on a platform stack. Both policy packs always run at the
// stack's levels; the output is kept in a file (a failed preview included) so later steps
// can comment and summarise it; the exit code is Pulumi's.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { ROOT, listStacks } from "../stacks";

export const PACKS = ["kubernetes", "aws"] as const;
export type Command = "preview" | "up";

export interface PulumiOptions {
  stack: string;
  /** Pulumi Cloud organization (vars.PULUMI_ORG); the project comes from Pulumi.yaml. */
  org: string;
  refresh?: boolean;
  expectNoChanges?: boolean;
}

/** The CLI arguments for one command: both packs with that stack's config, never --skip-preview. */
export function pulumiArgs(command: Command, o: PulumiOptions): string[] {
  if (!listStacks().includes(o.stack)) throw new Error(`unknown stack ${o.stack} (stacks: ${listStacks().join(", ")})`);
  const args = [command, "--stack", `${o.org}/platform/${o.stack}`, "--non-interactive", "--diff"];
  for (const pack of PACKS) args.push("--policy-pack", `policies/${pack}`, "--policy-pack-config", `policies/${pack}/config/${o.stack}.json`);
  if (o.refresh) args.push("--refresh");
  if (o.expectNoChanges) args.push("--expect-no-changes");
  // `up` previews first (policies run there too) and stops before any change on a
  // mandatory violation; --yes only skips the confirmation prompt.
  if (command === "up") args.push("--yes");
  return args;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, org: { type: "string" }, refresh: { type: "boolean" }, "expect-no-changes": { type: "boolean" }, log: { type: "string" } } });
  const command = positionals[0] as Command;
  if (!["preview", "up"].includes(command) || !values.stack) {
    process.stderr.write("usage: npm run ci:pulumi -- <preview|up> --stack <env> [--org <org>] [--refresh] [--expect-no-changes] [--log <file>]\n");
    return 2;
  }
  const org = values.org ?? process.env.PULUMI_ORG;
  if (!org) {
    process.stderr.write("ci:pulumi: --org or env PULUMI_ORG is required (the Pulumi Cloud organization)\n");
    return 2;
  }
  const args = pulumiArgs(command, { stack: values.stack, org, refresh: values.refresh, expectNoChanges: values["expect-no-changes"] });
  const log = values.log ? fs.createWriteStream(path.resolve(values.log)) : undefined;
  process.stdout.write(`$ pulumi ${args.join(" ")}\n`);
  const child = spawn("pulumi", args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  for (const s of [child.stdout, child.stderr]) s.on("data", (c) => (process.stdout.write(c), log?.write(c)));
  const code = await new Promise<number>((resolve) => child.on("close", (c) => resolve(c ?? 1)).on("error", () => resolve(127)));
  await new Promise<void>((resolve) => (log ? log.end(resolve) : resolve()));
  return code;
}

if (require.main === module) main(process.argv.slice(2)).then((c) => process.exit(c));
