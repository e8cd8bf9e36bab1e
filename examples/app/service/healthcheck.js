// The image's HEALTHCHECK: distroless has no shell or curl, so node itself asks /health.
// Exit 0 when it answers 200 within 2 s, else 1. Kubernetes ignores HEALTHCHECK and uses
// the Deployment's probes; this serves `docker run` and Compose.
"use strict";
const http = require("node:http");

const req = http.get({ host: "127.0.0.1", port: Number(process.env.PORT ?? 8080), path: "/health", timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on("timeout", () => req.destroy(new Error("timeout")));
req.on("error", () => process.exit(1));
