// The app-repo template's test job, run on the example app it ships with (examples/app as the
// root of an app repository): the steps that can run offline here run for real.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { ROOT } from "../../tools/stacks";

const APP = path.join(ROOT, "examples", "app");
const TEMPLATE = path.join(ROOT, "templates", "app-repo", ".github", "workflows", "delivery.yml");

describe("app template: its test job passes on examples/app", function () {
  this.timeout(120000);
  const job = (parseYaml(fs.readFileSync(TEMPLATE, "utf8")) as any).jobs.test;
  const runs: string[] = job.steps.filter((s: any) => typeof s.run === "string").map((s: any) => s.run.trim());

  it("the job installs from the lockfile, tests, and lints the Dockerfile, in that order", () => {
    const at = (re: RegExp) => runs.findIndex((r) => re.test(r));
    const [install, test, lint] = [at(/^npm ci\b/), at(/^npm test$/), at(/^docker buildx build --check\b/)];
    assert.ok(install >= 0 && install < test && test < lint, runs.join(" | "));
  });

  // Defect: setup-node's npm cache and npm ci need a lockfile at the repository root.
  it("a lockfile at the example's root, in step with its package.json", () => {
    const setup = job.steps.find((s: any) => String(s.uses ?? "").startsWith("actions/setup-node@"));
    assert.strictEqual(setup.with.cache, "npm");
    const pkg = JSON.parse(fs.readFileSync(path.join(APP, "package.json"), "utf8"));
    const lock = JSON.parse(fs.readFileSync(path.join(APP, "package-lock.json"), "utf8"));
    assert.strictEqual(lock.lockfileVersion, 3);
    assert.deepStrictEqual([lock.packages[""].dependencies, lock.packages[""].devDependencies], [pkg.dependencies, pkg.devDependencies]);
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      assert.strictEqual(lock.packages[`node_modules/${name}`]?.version, version, `${name} is not locked at ${version}`);
    }
  });

  it("install: npm ci accepts the lockfile (offline dry run)", () => {
    const r = spawnSync("npm", ["ci", "--offline", "--dry-run", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: APP, encoding: "utf8" });
    assert.strictEqual(r.status, 0, r.stderr);
  });

  // Defect: the example had no test script, so the template's `npm test` failed on it.
  it("test: npm test runs the service's own test and it passes", () => {
    const out = execFileSync("npm", ["test"], { cwd: APP, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    assert.match(out, /# pass 1\b/);
    assert.match(out, /# fail 0\b/);
  });
});
