// What app repos and `pulumi policy publish` receive: the contract as an npm tarball installed
// into a fresh project, and each policy pack packed on its own and loaded from a temp dir.
// Each artifact is packed once; installs run offline.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { POLICY_PACKS, packPolicy } from "../../tools/pack-policy";
import { ROOT } from "../../tools/stacks";

/**
 * A tarball built by `build` into a directory, reused while every input file is unchanged:
 * the suite packs each artifact once, not on every run (keyed by content, like tools/register.js).
 */
function cachedTarball(name: string, inputs: string[], build: (dir: string) => string): string {
  const hash = require("crypto").createHash("sha256");
  for (const f of inputs.sort()) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(ROOT, "node_modules", ".cache", "platform-artifacts", `${name}-${hash.digest("hex").slice(0, 16)}`);
  const done = path.join(dir, "tarball");
  if (fs.existsSync(done)) return fs.readFileSync(done, "utf8");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tarball = build(dir);
  fs.writeFileSync(done, tarball);
  return tarball;
}

/** Every file under `dir` (recursively) whose name matches. */
const filesUnder = (dir: string, re: RegExp): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), re) : re.test(e.name) ? [path.join(dir, e.name)] : []));

const npm = (cwd: string, ...args: string[]) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

/** Every relative require in the .js files under `dir` stays inside `dir`. */
function escapes(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".js")) {
        for (const m of fs.readFileSync(p, "utf8").matchAll(/require\(["'](\.[^"']*)["']\)/g)) {
          const target = path.resolve(path.dirname(p), m[1]);
          if (path.relative(dir, target).startsWith("..") || ![`${target}.js`, path.join(target, "index.js"), target].some((t) => fs.existsSync(t) && fs.statSync(t).isFile())) out.push(`${path.relative(dir, p)} -> ${m[1]}`);
        }
      }
    }
  };
  walk(dir);
  return out;
}

describe("artifacts: the contract as an npm package", function () {
  this.timeout(120000);
  let tmp: string;
  let files: string[];
  let app: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "contract-pkg-"));
    // prepack compiles contract/ to dist/ (JavaScript + .d.ts) before npm packs it.
    const contractDir = path.join(ROOT, "contract");
    const tarball = cachedTarball("contract", [...filesUnder(contractDir, /\.(ts|json)$/).filter((f) => !f.includes(`${path.sep}dist${path.sep}`))], (dir) => {
      try {
        npm(contractDir, "pack", "--pack-destination", dir, "--silent");
      } finally {
        // prepack's dist/ would shadow the sources: `require("../contract")` resolves package.json's main
        fs.rmSync(path.join(contractDir, "dist"), { recursive: true, force: true });
      }
      return path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith(".tgz"))!);
    });
    files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).trim().split("\n").sort();
    // A fresh app project installs the tarball; its peer @pulumi/pulumi comes from the app's own install.
    app = path.join(tmp, "app");
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
    npm(app, "install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", tarball);
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(app, "node_modules", "@pulumi"), "dir");
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // Defect: main pointed at index.ts with no build, and Pulumi's ts-node skips node_modules.
  it("ships JavaScript and type declarations only, main and types pointing at them", () => {
    assert.deepStrictEqual(files, ["package/dist/contract.d.ts", "package/dist/contract.js", "package/dist/index.d.ts", "package/dist/index.js", "package/package.json"]);
    const pkg = JSON.parse(fs.readFileSync(path.join(app, "node_modules", "@platform", "contract", "package.json"), "utf8"));
    assert.deepStrictEqual([pkg.main, pkg.types], ["dist/index.js", "dist/index.d.ts"]);
  });

  it("imports by its package name in an app project, with the reader and the version check", () => {
    const out = execFileSync(process.execPath, ["-e", [
      "const c = require('@platform/contract');",
      "console.log(JSON.stringify({ ref: typeof c.PlatformReference, open: typeof c.PlatformReference.open, err: new c.ContractError('x').name, v: c.CONTRACT_VERSION, ok: c.isCompatible(c.CONTRACT_VERSION), host: c.hostInDomain('a.orders.example.com', 'orders.example.com'), where: require.resolve('@platform/contract') }));",
    ].join("\n")], { cwd: app, encoding: "utf8" });
    const r = JSON.parse(out);
    const { CONTRACT_VERSION } = require("../../contract/contract") as typeof import("../../contract/contract");
    assert.deepStrictEqual({ ...r, where: undefined }, { ref: "function", open: "function", err: "ContractError", v: CONTRACT_VERSION, ok: true, host: true, where: undefined });
    assert.ok(r.where.startsWith(path.join(app, "node_modules")), r.where);
    assert.match(fs.readFileSync(path.join(app, "node_modules", "@platform", "contract", "dist", "index.d.ts"), "utf8"), /static open\(name: string, args: PlatformReferenceArgs/);
  });
});

describe("artifacts: the policy packs, self-contained for pulumi policy publish", function () {
  this.timeout(120000);
  let tmp: string;
  const loaded: Record<string, { dir: string; names: string[] }> = {};
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pkg-"));
    for (const pack of POLICY_PACKS) {
      const inputs = [...filesUnder(path.join(ROOT, "policies"), /\.(ts|json|yaml)$/), path.join(ROOT, "package.json"), path.join(ROOT, "tools", "pack-policy.ts")];
      const tarball = cachedTarball(`policy-${pack}`, inputs, (dir) => packPolicy(pack, dir).tarball);
      // Unpacked where nothing of the repository is near: only node_modules is linked in.
      const dir = path.join(tmp, "unpacked", pack);
      fs.mkdirSync(dir, { recursive: true });
      execFileSync("tar", ["-xzf", tarball, "-C", dir]);
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "package", "node_modules"), "dir");
      const rules = require(path.join(dir, "package", "rules", "index.js"));
      loaded[pack] = { dir: path.join(dir, "package"), names: (rules[`${pack}Policies`] as { name: string }[]).map((p) => p.name) };
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // Defect: publish packs only the pack directory, and the packs imported ../../lib.
  for (const pack of POLICY_PACKS) {
    it(`${pack}: no import leaves the unpacked pack, and it loads every policy the source pack has`, () => {
      const { dir, names } = loaded[pack];
      assert.deepStrictEqual(escapes(dir), []);
      const source = pack === "kubernetes" ? require("../../policies/kubernetes/rules").kubernetesPolicies : require("../../policies/aws/rules").awsPolicies;
      assert.deepStrictEqual(names, source.map((p: { name: string }) => p.name));
      assert.ok(names.length > 5);
    });

    it(`${pack}: PulumiPolicy.yaml runs the compiled entry point, and package.json lists what the files import`, () => {
      const { dir } = loaded[pack];
      assert.match(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"), /^main: index\.js$/m);
      assert.ok(fs.existsSync(path.join(dir, "index.js")));
      const deps = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies;
      const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).dependencies;
      assert.ok(deps["@pulumi/policy"], "no @pulumi/policy");
      for (const [name, version] of Object.entries(deps)) assert.strictEqual(version, root[name], `${name} differs from the root package.json`);
      const imported = new Set<string>();
      const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
        if (e.name === "node_modules") return;
        if (e.isDirectory()) walk(path.join(d, e.name));
        else if (e.name.endsWith(".js")) for (const m of fs.readFileSync(path.join(d, e.name), "utf8").matchAll(/require\(["']([^."'][^"']*)["']\)/g)) imported.add(m[1].startsWith("@") ? m[1].split("/").slice(0, 2).join("/") : m[1].split("/")[0]);
      });
      walk(dir);
      for (const p of imported) if (!["fs", "path", "util", "crypto", "os"].includes(p)) assert.ok(deps[p], `${p} is imported but not a dependency`);
    });
  }
});
