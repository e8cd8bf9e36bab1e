// The example service for real: a child process on loopback, probed over HTTP, then SIGTERM.
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as http from "http";
import * as path from "path";
import { ROOT } from "../../tools/harness";

const SERVICE_DIR = path.join(ROOT, "examples", "app", "service");

interface Running {
  child: ChildProcess;
  port: number;
  logs: Record<string, unknown>[];
  raw: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const started: ChildProcess[] = [];

async function start(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, ["server.js"], {
    cwd: SERVICE_DIR,
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "debug", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  const raw: string[] = [];
  const logs: Record<string, unknown>[] = [];
  let pending = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      raw.push(line);
      try {
        logs.push(JSON.parse(line));
      } catch {
        logs.push({ unparsable: line });
      }
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const port = await until(() => logs.find((l) => l.msg === "listening")?.port as number | undefined, 5000, () => `service did not start: ${stderr}`);
  return { child, port, logs, raw, exit };
}

/** Polls `probe` every 20 ms until it returns a value, at most `ms`. */
async function until<T>(probe: () => T | undefined | Promise<T | undefined>, ms: number, what: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One request on a fresh connection: status and JSON body, or the connection error's code. */
function get(port: number, p: string, method = "GET"): Promise<{ status?: number; body?: any; error?: string; headers?: http.IncomingHttpHeaders }> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path: p, method, agent: false, timeout: 8000 }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
    });
    req.on("timeout", () => req.destroy(new Error("ETIMEDOUT")));
    req.on("error", (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

const healthcheck = (port: number) =>
  spawnSync(process.execPath, ["healthcheck.js"], { cwd: SERVICE_DIR, env: { PORT: String(port) }, timeout: 5000 }).status;

after(() => {
  // Only the processes this file started, if a test left one behind.
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
});

describe("examples/app service: health, readiness, graceful SIGTERM", () => {
  it("serves /health, /ready and /, logs JSON lines, and the image's health check passes", async () => {
    const s = await start({});
    try {
      assert.deepStrictEqual(await get(s.port, "/health").then((r) => [r.status, r.body]), [200, { status: "ok" }]);
      assert.deepStrictEqual(await get(s.port, "/ready").then((r) => [r.status, r.body]), [200, { status: "ready" }]);
      const root = await get(s.port, "/");
      assert.strictEqual(root.status, 200);
      assert.strictEqual(root.headers!["content-type"], "application/json");
      assert.strictEqual(root.body.service, "orders-api");
      assert.strictEqual((await get(s.port, "/nope")).status, 404);
      assert.strictEqual((await get(s.port, "/", "POST")).status, 405);
      assert.strictEqual(healthcheck(s.port), 0);
      await until(() => (s.logs.filter((l) => l.msg === "request").length >= 5 ? true : undefined), 2000, () => "request logs missing");
      for (const l of s.logs) {
        assert.ok(typeof l.time === "string" && typeof l.level === "string" && typeof l.msg === "string", `not a JSON log line: ${JSON.stringify(l)}`);
      }
      const reqLog = s.logs.find((l) => l.msg === "request" && l.path === "/")!;
      assert.strictEqual(reqLog.status, 200);
      assert.strictEqual(typeof reqLog.durationMs, "number");
    } finally {
      s.child.kill("SIGTERM");
      await s.exit;
    }
  });

  it("on SIGTERM: not ready at once, finishes the request in flight, stops accepting, exits 0 within the timeout", async () => {
    const delayMs = 1000;
    const timeoutMs = 5000;
    const s = await start({ SHUTDOWN_DELAY_MS: String(delayMs), SHUTDOWN_TIMEOUT_MS: String(timeoutMs) });
    const inFlight = get(s.port, "/?delayMs=1200");
    await new Promise((r) => setTimeout(r, 100)); // let the slow request reach the server
    const signalled = Date.now();
    s.child.kill("SIGTERM");

    // During the delay the listener is still open and says "draining".
    const notReady = await until(async () => {
      const r = await get(s.port, "/ready");
      return r.status === 503 ? r : undefined;
    }, delayMs, () => "/ready never turned 503");
    assert.deepStrictEqual(notReady.body, { status: "draining" });
    assert.strictEqual(notReady.headers!.connection, "close");
    assert.strictEqual((await get(s.port, "/health")).status, 200, "liveness must hold while draining");

    // Then it stops accepting.
    await until(async () => ((await get(s.port, "/ready")).error ? true : undefined), timeoutMs, () => "still accepting connections");

    const done = await inFlight;
    assert.strictEqual(done.status, 200, `in-flight request lost: ${JSON.stringify(done)}`);
    const exit = await s.exit;
    assert.strictEqual(exit.code, 0);
    assert.ok(exit.at - signalled < timeoutMs, `took ${exit.at - signalled} ms`);
    assert.notStrictEqual(healthcheck(s.port), 0, "health check passes against a stopped service");
    const msgs = s.logs.map((l) => l.msg);
    assert.ok(msgs.indexOf("shutdown started") < msgs.lastIndexOf("shutdown complete"));
  });

  it("exits 1 when in-flight work outlasts the shutdown timeout, well before the grace period ends", async () => {
    const s = await start({ SHUTDOWN_TIMEOUT_MS: "300" });
    const inFlight = get(s.port, "/?delayMs=3000");
    await new Promise((r) => setTimeout(r, 100));
    const signalled = Date.now();
    s.child.kill("SIGTERM");
    const exit = await s.exit;
    assert.strictEqual(exit.code, 1);
    assert.ok(exit.at - signalled < 2000, `took ${exit.at - signalled} ms`);
    assert.ok((await inFlight).error, "the connection should have been closed");
    assert.ok(s.logs.some((l) => l.level === "error" && /deadline/.test(String(l.msg))));
  });

  it("package.json starts server.js and has no dependencies", () => {
    const pkg = require(path.join(SERVICE_DIR, "package.json"));
    assert.strictEqual(pkg.scripts.start, "node server.js");
    assert.strictEqual(pkg.main, "server.js");
    assert.deepStrictEqual(pkg.dependencies ?? {}, {});
  });
});
