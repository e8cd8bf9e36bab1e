import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { effectiveLevel, loadPolicyConfig, PACKS } from "../../policies/engine";

describe("docs/policy-catalogue.md", () => {
  const doc = fs.readFileSync(path.resolve(__dirname, "../../docs/policy-catalogue.md"), "utf8");
  for (const pack of ["kubernetes", "aws"] as const) {
    for (const p of PACKS[pack]) {
      it(`documents ${p.name}: its section, its settings and its level per environment`, () => {
        assert.ok(doc.includes(`#### ${p.name}\n`), "section");
        const section = doc.split(`#### ${p.name}\n`)[1].split("\n#### ")[0];
        for (const key of Object.keys(p.configSchema?.properties ?? {}).filter((k) => k !== "exemptions")) assert.ok(section.includes(`\`${key}\``), key);
        const row = doc.split("\n").find((l) => l.startsWith(`| [\`${p.name}\`]`))!;
        const levels = ["dev", "staging", "prod"].map((e) => effectiveLevel(p, loadPolicyConfig(e).packs[pack]));
        assert.ok(row.endsWith(`| ${levels.join(" | ")} |`), `${row} vs ${levels}`);
      });
    }
  }
  it("shows how to run each pack with its config", () => {
    for (const pack of ["kubernetes", "aws"]) assert.match(doc, new RegExp(`--policy-pack policies/${pack} +--policy-pack-config policies/${pack}/config/prod\\.json`));
  });
});
