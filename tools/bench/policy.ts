// Policy checker benchmark: `node -r ts-node/register/transpile-only tools/bench/policy.ts [--sizes 1000,3000,10000] [--runs 3]`.
// For each size it writes mixed-kind multi-document YAML to a temp dir, then in a fresh child process
// per measurement times (a) merely parsing the YAML with js-yaml's default loader (the floor: the fastest
// well-kept JavaScript YAML parser) and (b) the whole offline check (checkManifests, the CLI's code path:
// js-yaml's event parser, objects built with the YAML 1.1 schema, documents and field lines from the
// events, then every policy with every finding's line), reporting time, peak RSS, the ratio to the
// floor and growth.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";

type Mode = "parse" | "check";
interface ChildResult {
  mode: Mode;
  objects: number;
  ms: number[]; // one per run (wall clock)
  cpuMs: number[]; // one per run (this process's user+system CPU: steadier than wall clock on a shared machine)
  rssBeforeMB: number;
  peakRssMB: number;
  violations?: number;
}

function image(i: number): string {
  const imgs = ["123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2", "docker.io/grafana/loki:3.7.6", "nginx:latest", "registry:5000/app", "quay.io/jetstack/cert-manager-controller:v1.21.1"];
  return imgs[i % imgs.length];
}

function podSpec(i: number): Record<string, unknown> {
  const good = i % 3 !== 0;
  const container = (name: string) => ({
    name,
    image: image(i),
    ports: [{ containerPort: 8080 }],
    env: [{ name: "LOG_LEVEL", value: "info" }, good ? { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } } : { name: "DB_PASSWORD", value: "hunter2" }],
    securityContext: good ? { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } : { privileged: i % 2 === 0 },
    resources: good ? { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } } : {},
    livenessProbe: { httpGet: { path: "/healthz", port: 8080 } },
    readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
  });
  return {
    securityContext: good ? { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } } : {},
    initContainers: i % 4 === 0 ? [container("init")] : [],
    containers: [container("app"), container("sidecar")],
    volumes: [{ name: "tmp", emptyDir: {} }],
  };
}

/** Object i of a mixed set: workloads of every kind plus Services, ConfigMaps, RBAC, Ingress, policies. */
export function makeObject(i: number, namespaces: number): Record<string, unknown> {
  const ns = `team-${i % namespaces}`;
  const meta = { name: `obj-${i}`, namespace: ns, labels: { app: `obj-${i}` } };
  const tmpl = { metadata: { labels: { app: `obj-${i}` } }, spec: podSpec(i) };
  switch (i % 13) {
    case 0:
    case 1:
    case 2:
      return { apiVersion: "apps/v1", kind: "Deployment", metadata: meta, spec: { replicas: 2, selector: { matchLabels: { app: `obj-${i}` } }, template: tmpl } };
    case 3:
      return { apiVersion: "apps/v1", kind: "StatefulSet", metadata: meta, spec: { serviceName: "s", selector: { matchLabels: { app: `obj-${i}` } }, template: tmpl } };
    case 4:
      return { apiVersion: "apps/v1", kind: "DaemonSet", metadata: meta, spec: { selector: { matchLabels: { app: `obj-${i}` } }, template: tmpl } };
    case 5:
      return { apiVersion: "batch/v1", kind: "CronJob", metadata: meta, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: tmpl } } } };
    case 6:
      return { apiVersion: "batch/v1", kind: "Job", metadata: meta, spec: { template: tmpl } };
    case 7:
      return { apiVersion: "v1", kind: "Pod", metadata: meta, spec: podSpec(i) };
    case 8:
      return { apiVersion: "v1", kind: "Service", metadata: meta, spec: { selector: { app: `obj-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } };
    case 9:
      return { apiVersion: "v1", kind: "ConfigMap", metadata: meta, data: { "config.yaml": "a: 1\nb: 2\n" } };
    case 10:
      return i % 2 === 0
        ? { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { ...meta, name: `deny-${i}` }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } }
        : { apiVersion: "v1", kind: "Namespace", metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } };
    case 11:
      return { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { ...meta, annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } }, spec: { tls: [{ hosts: [`obj-${i}.example.com`], secretName: `tls-${i}` }], rules: [{ host: `obj-${i}.example.com`, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: `obj-${i}`, port: { number: 80 } } } }] } }] } };
    default:
      return i % 2 === 0
        ? { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: meta, rules: [{ apiGroups: [""], resources: ["configmaps", "secrets"], verbs: ["get", "list"] }] }
        : { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: meta, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: i % 7 === 0 ? "cluster-admin" : "view" }, subjects: [{ kind: "Group", name: "devs" }] };
  }
}

function writeManifests(dir: string, n: number): string {
  const file = path.join(dir, `objects-${n}.yaml`);
  const fd = fs.openSync(file, "w");
  const namespaces = Math.max(1, Math.floor(n / 50));
  for (let i = 0; i < n; i++) fs.writeSync(fd, (i ? "---\n" : "") + stringify(makeObject(i, namespaces)));
  fs.closeSync(fd);
  return file;
}

function child(mode: Mode, file: string, runs: number): ChildResult {
  // Load every module first so only the work itself is timed.
  const { loadAll } = require("js-yaml") as typeof import("js-yaml");
  const { checkManifests } = require("../../policies/cli") as typeof import("../../policies/cli");
  const { loadPolicyConfig } = require("../../policies/engine") as typeof import("../../policies/engine");
  const config = loadPolicyConfig("prod");
  const rssBeforeMB = process.memoryUsage().rss / 1048576;
  const ms: number[] = [];
  const cpuMs: number[] = [];
  let objects = 0;
  let violations: number | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    if (mode === "parse") {
      const text = fs.readFileSync(file, "utf8");
      objects = loadAll(text).filter((d) => d).length;
    } else {
      const { report } = checkManifests([file], "prod", config);
      objects = report.objects;
      violations = report.violations.length;
    }
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
  }
  return { mode, objects, ms, cpuMs, rssBeforeMB, peakRssMB: process.resourceUsage().maxRSS / 1024, violations };
}

function measure(mode: Mode, file: string, runs: number): ChildResult {
  // Children load TypeScript the way this process was started (ts-node, or the repo's tools/register.js).
  const loader = process.execArgv.length > 0 ? process.execArgv : ["-r", "ts-node/register/transpile-only"];
  const p = spawnSync(process.execPath, [...loader, __filename, "--child", mode, "--file", file, "--runs", String(runs)], {
    cwd: path.resolve(__dirname, "../.."),
    encoding: "utf8",
    maxBuffer: 16 << 20,
  });
  if (p.status !== 0) throw new Error(`bench child (${mode}) failed: ${p.stderr}`);
  return JSON.parse(p.stdout.trim().split("\n").pop()!) as ChildResult;
}

const best = (xs: number[]) => Math.min(...xs);

/** One child's figures from several rounds: every run's times, the highest peak RSS. */
function merge(results: ChildResult[]): ChildResult {
  const top = results.reduce((a, b) => (b.peakRssMB > a.peakRssMB ? b : a));
  return { ...top, ms: results.flatMap((r) => r.ms), cpuMs: results.flatMap((r) => r.cpuMs) };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      child: { type: "string" },
      file: { type: "string" },
      runs: { type: "string", default: "2" },
      sizes: { type: "string", default: "1000,3000,10000" },
      keep: { type: "boolean", default: false },
    },
  });
  const runs = Math.max(1, Number(values.runs) || 2);
  if (values.child) {
    console.log(JSON.stringify(child(values.child as Mode, values.file!, runs)));
    return;
  }
  const sizes = values.sizes!.split(",").map((s) => Number(s.trim())).filter((n) => n > 0);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-bench-"));
  console.log(`policy bench: node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"}, best of 2 alternating rounds x ${runs} runs per child process, temp dir ${dir}`);
  const rows: { n: number; parse: number; check: number; parseCpu: number; checkCpu: number }[] = [];
  try {
    for (const n of sizes) {
      const file = writeManifests(dir, n);
      const mb = fs.statSync(file).size / 1048576;
      // This machine's speed drifts within minutes: alternate the two children (parse, check, parse,
      // check) and keep each one's best, so a slow spell cannot land on one side only.
      const rounds = [0, 1].map(() => [measure("parse", file, runs), measure("check", file, runs)] as const);
      const parse = merge(rounds.map((r) => r[0]));
      const check = merge(rounds.map((r) => r[1]));
      const tp = best(parse.ms);
      const tc = best(check.ms);
      const cp = best(parse.cpuMs);
      const cc = best(check.cpuMs);
      rows.push({ n, parse: tp, check: tc, parseCpu: cp, checkCpu: cc });
      console.log(
        `size ${n} objects (${mb.toFixed(1)} MB YAML): parse ${tp.toFixed(0)} ms, peak RSS ${parse.peakRssMB.toFixed(0)} MB (${(parse.peakRssMB - parse.rssBeforeMB).toFixed(0)} MB over baseline) | ` +
          `check ${tc.toFixed(0)} ms, peak RSS ${check.peakRssMB.toFixed(0)} MB (${(check.peakRssMB - check.rssBeforeMB).toFixed(0)} MB over baseline), ${check.violations} violations | ` +
          `ratio check/parse ${(tc / tp).toFixed(2)}x wall, ${(cc / cp).toFixed(2)}x CPU (${cp.toFixed(0)} / ${cc.toFixed(0)} ms; target <= 1.5x: wall ${tc / tp <= 1.5 ? "met" : "missed"}, CPU ${cc / cp <= 1.5 ? "met" : "missed"}) | ` +
          `peak RSS check/parse ${(check.peakRssMB / parse.peakRssMB).toFixed(2)}x (target < 2x)`,
      );
    }
    if (rows.length > 1) {
      const first = rows[0];
      const last = rows[rows.length - 1];
      const perObj = (t: number, n: number) => (t / n) * 1000;
      const growth = perObj(last.check, last.n) / perObj(first.check, first.n);
      console.log(
        `growth: check ${perObj(first.check, first.n).toFixed(1)} us/object at ${first.n} -> ${perObj(last.check, last.n).toFixed(1)} us/object at ${last.n} ` +
          `(x${growth.toFixed(2)} per object; ${growth <= 1.5 ? "linear" : "super-linear"}); parse x${(perObj(last.parse, last.n) / perObj(first.parse, first.n)).toFixed(2)} per object; ` +
          `CPU: check x${(perObj(last.checkCpu, last.n) / perObj(first.checkCpu, first.n)).toFixed(2)}, parse x${(perObj(last.parseCpu, last.n) / perObj(first.parseCpu, first.n)).toFixed(2)} per object`,
      );
    }
  } finally {
    if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
