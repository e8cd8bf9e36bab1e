// The service's own test (`npm test` in the app repo; the delivery workflow runs it): start
// it on a free port, probe it, then stop it the way Kubernetes does. Node's runner, no deps.
"use strict";
const assert = require("node:assert");
const { spawn } = require("node:child_process");
const path = require("node:path");
const { test } = require("node:test");

function start() {
  const child = spawn(process.execPath, [path.join(__dirname, "server.js")], {
    env: { PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", SHUTDOWN_TIMEOUT_MS: "2000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  const port = new Promise((resolve, reject) => {
    let buf = "";
    child.stdout.on("data", (c) => {
      buf += c;
      for (const line of buf.split("\n")) {
        try {
          const l = JSON.parse(line);
          if (l.msg === "listening") resolve(l.port);
        } catch {
          // a partial line: wait for the rest
        }
      }
    });
    child.on("exit", () => reject(new Error("the service exited before listening")));
  });
  return { child, port, exited };
}

test("answers /health and /ready, then drains and exits 0 on SIGTERM", async () => {
  const s = start();
  const port = await s.port;
  for (const p of ["/health", "/ready"]) {
    const res = await fetch(`http://127.0.0.1:${port}${p}`);
    assert.strictEqual(res.status, 200, p);
    await res.arrayBuffer();
  }
  s.child.kill("SIGTERM");
  assert.strictEqual(await s.exited, 0);
});
