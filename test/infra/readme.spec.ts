// The README's tables stay in step with the code: keys, outputs, charts and policy levels.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CONTRACT_OUTPUTS } from "../../contract/contract";
import { CONFIG_KEYS } from "../../infra/config";
import { CHARTS } from "../../infra/versions";
import { PACKS, PACK_NAMES, effectiveLevel, loadPolicyConfig } from "../../policies/engine";
import { ROOT } from "../../tools/harness";
import { runStack } from "../support";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const section = (title: string) => {
  const start = readme.indexOf(`## ${title}`);
  assert.ok(start >= 0, `README has no "## ${title}"`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
};

describe("README in step with the code", () => {
  it("documents every config key in the configuration table", () => {
    const table = section("Configuration");
    for (const k of CONFIG_KEYS) assert.ok(table.includes(`\`${k}\``), `config key ${k} missing`);
  });

  it("documents every stack output of prod", async () => {
    const outputs = section("Stack outputs");
    for (const k of Object.keys((await runStack("prod")).outputs)) assert.ok(outputs.includes(`\`${k}\``), `output ${k} missing`);
  });

  it("documents every contract output", () => {
    const contract = section("App teams and the stack-output contract");
    for (const k of CONTRACT_OUTPUTS) assert.ok(contract.includes(`\`${k}\``), `contract output ${k} missing`);
  });

  it("names every chart at its pinned version", () => {
    for (const c of Object.values(CHARTS)) {
      const name = c.chart.split("/").pop();
      assert.ok(readme.includes(`${name} ${c.version}`), `${name} ${c.version} missing`);
    }
  });

  it("lists every policy rule with its level per environment", () => {
    const envs = ["dev", "staging", "prod"].map((e) => loadPolicyConfig(e));
    for (const pack of PACK_NAMES) {
      for (const p of PACKS[pack]) {
        const levels = envs.map((c) => effectiveLevel(p, c.packs[pack])).join(" / ");
        const row = readme.split("\n").find((l) => l.startsWith(`| \`${p.name}\` |`));
        assert.ok(row, `rule ${p.name} missing`);
        assert.ok(row.includes(`| ${levels} |`), `rule ${p.name}: README says ${row}, config says ${levels}`);
      }
    }
  });
});
