// A small web service built only on Node's standard library.
//   GET /health  liveness: the process is up and its event loop answers
//   GET /ready   readiness: 200 while it wants traffic, 503 once draining after SIGTERM
//   GET /        a sample JSON endpoint (?delayMs=N simulates work, at most 5000)
// Logs are JSON lines on stdout. SIGTERM/SIGINT: stop being ready, wait SHUTDOWN_DELAY_MS
// (0 on Kubernetes, where the preStop hook already waited), stop accepting connections,
// let in-flight requests finish, exit 0; exit 1 if they outlast SHUTDOWN_TIMEOUT_MS.
"use strict";
const http = require("node:http");

const env = process.env;
const PORT = Number(env.PORT ?? 8080);
const HOST = env.HOST ?? "0.0.0.0";
const SHUTDOWN_DELAY_MS = Number(env.SHUTDOWN_DELAY_MS ?? 0);
const SHUTDOWN_TIMEOUT_MS = Number(env.SHUTDOWN_TIMEOUT_MS ?? 20000);
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 };
const LOG_LEVEL = LEVELS[env.LOG_LEVEL] ?? LEVELS.info;
const SERVICE = env.OTEL_SERVICE_NAME ?? "orders-api";

function log(level, msg, fields = {}) {
  if (LEVELS[level] < LOG_LEVEL) return;
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, service: SERVICE, msg, ...fields })}\n`);
}

let ready = false;
let draining = false;

function send(res, status, body) {
  const text = JSON.stringify(body);
  // While draining, tell keep-alive clients to reconnect elsewhere.
  if (draining) res.setHeader("Connection", "close");
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const started = process.hrtime.bigint();
  const url = new URL(req.url ?? "/", "http://localhost");
  const probe = url.pathname === "/health" || url.pathname === "/ready";
  res.on("finish", () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log(probe ? "debug" : "info", "request", { method: req.method, path: url.pathname, status: res.statusCode, durationMs: Math.round(ms * 10) / 10 });
  });
  if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, { error: "method not allowed" });
  switch (url.pathname) {
    case "/health":
      return send(res, 200, { status: "ok" });
    case "/ready":
      return ready ? send(res, 200, { status: "ready" }) : send(res, 503, { status: draining ? "draining" : "starting" });
    case "/": {
      const delay = Math.min(Math.max(Number(url.searchParams.get("delayMs")) || 0, 0), 5000);
      const reply = () => send(res, 200, { service: SERVICE, message: "hello from the platform", pod: env.POD_NAME ?? null });
      return delay > 0 ? void setTimeout(reply, delay) : reply();
    }
    default:
      return send(res, 404, { error: "not found" });
  }
});
// Longer than the ingress's idle timeout, so the proxy closes idle connections first.
server.keepAliveTimeout = 65000;

function shutdown(signal) {
  if (draining) return;
  draining = true;
  ready = false;
  log("info", "shutdown started", { signal, delayMs: SHUTDOWN_DELAY_MS, timeoutMs: SHUTDOWN_TIMEOUT_MS });
  const deadline = setTimeout(() => {
    log("error", "shutdown deadline passed; closing remaining connections", { timeoutMs: SHUTDOWN_TIMEOUT_MS });
    server.closeAllConnections();
    process.exit(1);
  }, SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  setTimeout(() => {
    // Stop accepting; the callback runs once every in-flight request has finished.
    server.close((err) => {
      log("info", "shutdown complete", { error: err ? String(err) : undefined });
      process.exit(err ? 1 : 0);
    });
    server.closeIdleConnections();
  }, SHUTDOWN_DELAY_MS);
}
process.on("SIGTERM", () => shutdown("SIGTERM"));
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("uncaughtException", (err) => {
  log("error", "uncaught exception", { error: String(err?.stack ?? err) });
  process.exit(1);
});

server.listen(PORT, HOST, () => {
  const addr = server.address();
  ready = true;
  log("info", "listening", { host: HOST, port: typeof addr === "object" && addr ? addr.port : PORT });
});
