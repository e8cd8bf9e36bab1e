// One running process per policy pack, shared by the specs that need a pack serving (packs.spec.ts,
// engine-plumbing.spec.ts): starting a pack under ts-node costs ~2.5 s, so each is started once.
// Started as the policy analyzer starts a TypeScript pack: cwd = pack dir, ts-node (transpile-only)
// with the pack's own tsconfig. A test that sends `configure` takes the shared process over (no later
// test sees its levels or settings: the next to ask gets a new process). Every process is killed in
// the root `after` hook below.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import type { PackName } from "../../policies/engine";

const ROOT = path.resolve(__dirname, "../..");
const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");

export interface PackServer {
  child: ChildProcess;
  port: number;
  client: any;
}

const shared = new Map<PackName, Promise<PackServer>>();
const first = new Map<PackName, Promise<PackServer>>();
const started: PackServer[] = [];

function start(pack: PackName): Promise<PackServer> {
  const dir = path.join(ROOT, "policies", pack);
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], { cwd: dir, env: { ...process.env, TS_NODE_PROJECT: path.join(dir, "tsconfig.json") } });
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /^(\d+)\s*$/m.exec(out);
      if (!m) return;
      const server = { child, port: Number(m[1]), client: new AnalyzerClient(`127.0.0.1:${m[1]}`, grpc.credentials.createInsecure()) };
      started.push(server);
      resolve(server);
    });
    child.stderr!.on("data", (d) => (err += d));
    child.on("exit", (code) => reject(new Error(`pack ${pack} exited ${code}: ${err}`)));
  });
}

/** The shared, never-configured server of a pack (started on first use). */
export function packServer(pack: PackName): Promise<PackServer> {
  if (!shared.has(pack)) shared.set(pack, start(pack));
  if (!first.has(pack)) first.set(pack, shared.get(pack)!);
  return shared.get(pack)!;
}

/** A server for a test that sends `configure` (which changes it for good): it is no longer shared. */
export function takePackServer(pack: PackName): Promise<PackServer> {
  const server = packServer(pack);
  shared.delete(pack);
  return server;
}

/** The first process started for a pack, configured since or not: for the test that it started and served. */
export function firstPackServer(pack: PackName): Promise<PackServer> {
  return first.get(pack) ?? packServer(pack);
}

after(() => {
  for (const s of started.splice(0)) {
    s.client.close();
    s.child.kill();
  }
  shared.clear();
  first.clear();
});
