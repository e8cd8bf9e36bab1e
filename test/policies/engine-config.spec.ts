// Policy config files as the engine reads them: which environments exist, how errors name the file
// (relative to the working directory) and the key, and what a valid entry may leave out.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { availableEnvs, effectiveLevel, loadPolicyConfig, PolicyConfigError, validatePackConfig } from "../../policies/engine";

const issuesOf = (fn: () => unknown): string[] => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof PolicyConfigError, String(e));
    assert.strictEqual(e.name, "PolicyConfigError");
    assert.strictEqual(e.message, `invalid policy config:\n  ${e.issues.join("\n  ")}`);
    return e.issues;
  }
  return [];
};

describe("policy config files", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "polcfg-"));
    const put = (pack: string, file: string, text: string) => {
      fs.mkdirSync(path.join(dir, pack, "config"), { recursive: true });
      fs.writeFileSync(path.join(dir, pack, "config", file), text);
    };
    for (const f of ["dev.json", "qa.json", "zz.json", "notes.txt"]) put("kubernetes", f, "{}");
    for (const f of ["qa.json", "dev.json", "extra.json", "notes.txt"]) put("aws", f, f === "qa.json" ? '{"all": "strict", "aws-s3-versioning": "warn"}' : "{}");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("an environment exists when every pack has its .json file", () => {
    assert.deepStrictEqual(availableEnvs(dir), ["dev", "qa"]);
    assert.deepStrictEqual(availableEnvs(os.tmpdir() + "/no-such-policies-dir"), []);
  });
  it("errors name the file relative to the working directory, then the key", () => {
    assert.deepStrictEqual(loadPolicyConfig("dev", dir).env, "dev");
    const rel = path.relative(process.cwd(), path.join(dir, "aws", "config", "qa.json"));
    assert.deepStrictEqual(issuesOf(() => loadPolicyConfig("qa", dir)), [
      `${rel}: all: must be one of advisory, mandatory, remediate, disabled (got "strict")`,
      `${rel}: aws-s3-versioning: level must be one of advisory, mandatory, remediate, disabled (got "warn")`,
    ]);
    assert.deepStrictEqual(issuesOf(() => loadPolicyConfig("zz", dir)), [`unknown environment "zz": no policy config for it; use one of dev, qa (files policies/<pack>/config/<env>.json)`]);
  });
  it("an exemption may leave out its rule or repeat it; a level entry may be an object with settings", () => {
    const ok = { "k8s-no-host-path": { enforcementLevel: "advisory", exemptions: [{ resource: "x", reason: "r" }, { rule: "k8s-no-host-path", resource: "y", reason: "r" }] } };
    assert.strictEqual(validatePackConfig("kubernetes", ok), ok);
    assert.deepStrictEqual(issuesOf(() => validatePackConfig("kubernetes", { "k8s-no-host-path": { exemptions: [{ rule: "k8s-no-privileged", resource: "x", reason: "r" }] } })), [
      'kubernetes config: k8s-no-host-path.exemptions.0.rule: names "k8s-no-privileged" but sits under "k8s-no-host-path"; move it under "k8s-no-privileged" or fix the name',
    ]);
    assert.deepStrictEqual(issuesOf(() => validatePackConfig("aws", { "k8s-no-host-path": "advisory" }, "cfg")), ['cfg: unknown policy "k8s-no-host-path" in the aws pack; it belongs to the kubernetes pack: move it to policies/kubernetes/config']);
  });
  it("effectiveLevel ignores an `all` that is not a level name", () => {
    assert.strictEqual(effectiveLevel({ name: "a" }, { all: { enforcementLevel: "advisory" } } as any), "mandatory");
  });
});
