// `npm run policy:pack -- <kubernetes|aws> [--out <dir>]`: a self-contained copy of a policy
// pack for `pulumi policy publish`, which packs only the pack's own directory (npm pack) while
// the packs import the shared policies/lib. The copy holds the pack and every lib module it
// reaches, compiled to JavaScript with imports rewritten inside the copy, and a package.json
// whose dependencies are exactly the packages those files import (versions from the root
// package.json). Prints the directory to publish and the tarball npm pack made of it.
import { execFileSync } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./stacks";

export const POLICY_PACKS = ["kubernetes", "aws"] as const;
export type PackName = (typeof POLICY_PACKS)[number];

const POLICIES = path.join(ROOT, "policies");
const REQUIRE = /require\((["'])([^"']+)\1\)/g;

/** Where a source file lands in the copy: the pack's files at the top, shared modules under lib/. */
function stagedPath(src: string, packDir: string): string {
  const rel = path.relative(packDir, src);
  if (!rel.startsWith("..")) return rel;
  const fromPolicies = path.relative(POLICIES, src);
  if (fromPolicies.startsWith("..") || !fromPolicies.startsWith(`lib${path.sep}`)) throw new Error(`${path.relative(ROOT, src)} is outside the pack and policies/lib: a published pack cannot reach it`);
  return fromPolicies;
}

function resolveTs(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [`${base}.ts`, path.join(base, "index.ts")]) if (fs.existsSync(c)) return c;
  throw new Error(`${path.relative(ROOT, from)}: cannot resolve ${spec}`);
}

const packageName = (spec: string) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

/** Compiles the pack and what it reaches into `outDir`; returns the bare packages imported. */
function compileInto(pack: PackName, outDir: string): Set<string> {
  const ts = require("typescript") as typeof import("typescript");
  const packDir = path.join(POLICIES, pack);
  const packages = new Set<string>();
  const queue = [path.join(packDir, "index.ts")];
  const seen = new Set<string>();
  while (queue.length) {
    const src = queue.pop()!;
    if (seen.has(src)) continue;
    seen.add(src);
    const out = path.join(outDir, stagedPath(src, packDir).replace(/\.ts$/, ".js"));
    let js = ts.transpileModule(fs.readFileSync(src, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true }, fileName: src }).outputText;
    js = js.replace(REQUIRE, (all, q: string, spec: string) => {
      if (!spec.startsWith(".")) {
        if (!builtinModules.includes(spec.replace(/^node:/, ""))) packages.add(packageName(spec));
        return all;
      }
      const target = resolveTs(src, spec);
      queue.push(target);
      let rel = path.relative(path.dirname(out), path.join(outDir, stagedPath(target, packDir).replace(/\.ts$/, ""))).split(path.sep).join("/");
      if (!rel.startsWith(".")) rel = `./${rel}`;
      return `require(${q}${rel}${q})`;
    });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, js);
  }
  return packages;
}

/** Builds the publishable copy of one pack; returns its directory and its npm pack tarball. */
export function packPolicy(pack: PackName, outRoot = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-"))): { dir: string; tarball: string } {
  const dir = path.join(outRoot, pack);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const packages = compileInto(pack, dir);
  const own = JSON.parse(fs.readFileSync(path.join(POLICIES, pack, "package.json"), "utf8"));
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  // What the pack declares (the SDK @pulumi/policy runs against) plus what its files import.
  const dependencies: Record<string, string> = { ...(own.dependencies ?? {}) };
  for (const p of [...packages].sort()) {
    if (dependencies[p]) continue;
    const v = root.dependencies?.[p];
    if (!v) throw new Error(`policies/${pack} imports ${p}, which the root package.json does not list in dependencies. Fix: npm install ${p}@<exact version>.`);
    dependencies[p] = v;
  }
  const sorted = Object.fromEntries(Object.keys(dependencies).sort().map((k) => [k, dependencies[k]]));
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify({ name: own.name, version: own.version, description: own.description, main: "index.js", license: root.license, dependencies: sorted }, null, 2)}\n`);
  const yaml = fs.readFileSync(path.join(POLICIES, pack, "PulumiPolicy.yaml"), "utf8").replace(/^main: .*$/m, "main: index.js");
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), yaml);
  fs.cpSync(path.join(POLICIES, pack, "config"), path.join(dir, "config"), { recursive: true });
  const out = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", outRoot], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
  return { dir, tarball: path.join(outRoot, out[0].filename) };
}

if (require.main === module) {
  const [pack, flag, out] = process.argv.slice(2);
  if (!POLICY_PACKS.includes(pack as PackName) || (flag !== undefined && (flag !== "--out" || !out))) {
    process.stderr.write(`usage: npm run policy:pack -- <${POLICY_PACKS.join("|")}> [--out <dir>]\n`);
    process.exit(2);
  }
  const r = packPolicy(pack as PackName, out ? (fs.mkdirSync(out, { recursive: true }), path.resolve(out)) : undefined);
  process.stdout.write(`publish:  pulumi policy publish ${r.dir}\ntarball:  ${r.tarball}\n`);
}
