import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { PackName } from "../../policies/engine";
import { firstPackServer } from "./pack-server";

const ROOT = path.resolve(__dirname, "../..");

// Starts each pack's entry point the way the policy analyzer does (cwd = pack dir): a valid pack
// prints the port of its gRPC server and keeps running; an invalid one exits with an error.
describe("policy pack entry points", () => {
  for (const pack of ["kubernetes", "aws"] as PackName[]) {
    it(`policies/${pack} has PulumiPolicy.yaml, package.json with a version, and starts serving`, async function () {
      this.timeout(60000);
      const dir = path.join(ROOT, "policies", pack);
      const manifest = parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
      assert.strictEqual(manifest.runtime, "nodejs");
      assert.ok(fs.existsSync(path.join(dir, manifest.main)));
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
      // The analyzer's start: the shared process (./pack-server.ts), the same one engine-plumbing talks to.
      const { port, child } = await firstPackServer(pack);
      assert.ok(port > 0);
      assert.strictEqual(child.exitCode, null, "a pack keeps serving until the analyzer stops it");
    });
  }
});
