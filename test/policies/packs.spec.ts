import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");

// Starts each pack's entry point the way the policy analyzer does (cwd = pack dir): a valid pack
// prints the port of its gRPC server and keeps running; an invalid one exits with an error.
describe("policy pack entry points", () => {
  for (const pack of ["kubernetes", "aws"]) {
    it(`policies/${pack} has PulumiPolicy.yaml, package.json with a version, and starts serving`, async function () {
      this.timeout(60000);
      const dir = path.join(ROOT, "policies", pack);
      const manifest = parse(fs.readFileSync(path.join(dir, "PulumiPolicy.yaml"), "utf8"));
      assert.strictEqual(manifest.runtime, "nodejs");
      assert.ok(fs.existsSync(path.join(dir, manifest.main)));
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
      assert.match(pkg.version, /^\d+\.\d+\.\d+$/);
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: dir, env: { ...process.env, TS_NODE_PROJECT: path.join(dir, "tsconfig.json") } });
      try {
        const port = await new Promise<string>((resolve, reject) => {
          let out = "";
          let err = "";
          child.stdout.on("data", (d) => {
            out += d;
            const m = /^(\d+)\s*$/m.exec(out);
            if (m) resolve(m[1]);
          });
          child.stderr.on("data", (d) => (err += d));
          child.on("exit", (code) => reject(new Error(`pack exited ${code}: ${err}`)));
        });
        assert.ok(Number(port) > 0);
      } finally {
        child.kill();
      }
    });
  }
});
