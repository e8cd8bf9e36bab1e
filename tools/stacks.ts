// Stack config files as Pulumi reads them. Kept apart from the harness so that the plan
// command can answer a usage error without loading the Pulumi SDKs.
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export const ROOT = path.resolve(__dirname, "..");

export interface StackConfig {
  /** Pulumi's flat config map: `platform:key` -> string (objects JSON-encoded). */
  config: Record<string, string>;
  secretKeys: string[];
}

/** Lists the stacks that have a config file. */
export function listStacks(): string[] {
  return fs
    .readdirSync(path.join(ROOT, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => !!s)
    .sort();
}

/**
 * Reads stacks/Pulumi.<stack>.yaml the way Pulumi does: project-level defaults from
 * Pulumi.yaml under the stack's own values, objects JSON-encoded, `secure:` values
 * replaced by a placeholder and marked secret (they cannot be decrypted offline).
 */
export function loadStackConfig(stack: string, file = path.join(ROOT, "stacks", `Pulumi.${stack}.yaml`)): StackConfig {
  if (!fs.existsSync(file)) {
    throw new Error(`no stack config ${path.relative(process.cwd(), file)}; stacks: ${listStacks().join(", ")}`);
  }
  const project = parseYaml(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as { name: string; config?: Record<string, any> };
  let doc: { config?: Record<string, unknown> };
  try {
    doc = (parseYaml(fs.readFileSync(file, "utf8")) ?? {}) as typeof doc;
  } catch (e) {
    throw new Error(`${path.relative(process.cwd(), file)} is not valid YAML: ${(e as Error).message}`);
  }
  if (typeof doc !== "object" || Array.isArray(doc) || (doc.config !== undefined && (typeof doc.config !== "object" || doc.config === null || Array.isArray(doc.config)))) {
    throw new Error(`${path.relative(process.cwd(), file)}: expected a map with a 'config:' map of keys`);
  }
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [k, decl] of Object.entries(project.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl) config[`${project.name}:${k}`] = encode(decl.default);
  }
  for (const [k, v] of Object.entries(doc.config ?? {})) {
    if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
      config[k] = `offline-placeholder-for-${k}`;
      secretKeys.push(k);
    } else {
      config[k] = encode(v);
    }
  }
  return { config, secretKeys };
}

function encode(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}
