// Renders every helm.v4.Chart a stack registers, as the Kubernetes provider does in a real
// preview: `helm template` with the chart, repository, pinned version, release name,
// namespace and the program's resolved values, hooks and tests left out (a v4 Chart skips
// `helm.sh/hook` objects: pulumi-kubernetes#3284), CRDs included, and every namespaced
// object put into the release namespace. Each object becomes a ClusterObject named the way
// a v4 Chart names its children, so the packs and models read them beside the program's own.
// Upstream: pulumi-kubernetes provider/pkg/provider/helm/v4 (chart.go) and yaml/v2 (naming).
import { spawn, spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RecordedResource, RunResult } from "../tools/harness";
import { isClusterScoped } from "../policies/lib/tokens";
import { CHART_TYPE, ClusterObject, childIdentity } from "./objects";
import { loadAllYaml11 } from "./yaml";

export interface ChartSpec {
  /** The Chart resource's name and URN (the parent of every rendered child). */
  name: string;
  urn: string;
  release: string;
  chart: string;
  version: string;
  repo?: string;
  namespace: string;
  values: Record<string, unknown>;
  dependsOn: string[];
}

export interface ChartRender {
  spec: ChartSpec;
  /** `not-verified`: the chart could not be rendered here; nothing about it was checked. */
  status: "rendered" | "not-verified";
  reason?: string;
  objects: ClusterObject[];
  cached: boolean;
  ms: number;
}

export interface StackRender {
  stack: string;
  kubeVersion: string;
  helm: string;
  charts: ChartRender[];
  /** Every rendered object of every rendered chart. */
  objects: ClusterObject[];
}

export interface RenderOptions {
  /** The helm binary; default: `helm` found on PATH. */
  helm?: string;
  /** Where parsed renders are cached by content hash; `false` turns the cache off. */
  cacheDir?: string | false;
  /** helm processes at once (default: the number of cores). */
  concurrency?: number;
}

export class HelmNotFoundError extends Error {
  constructor() {
    super("helm not found on PATH. Fix: install Helm 3 (https://helm.sh/docs/intro/install/), or offline put the stand-in's folder on PATH (PATH=../shared/bin:$PATH).");
    this.name = "HelmNotFoundError";
  }
}

export const DEFAULT_CACHE = path.resolve(__dirname, "..", "node_modules", ".cache", "platform-render");

/** The first executable `helm` on PATH, as a shell would find it. */
export function findHelm(envPath = process.env.PATH ?? ""): string | undefined {
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "helm");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/** Every helm.v4.Chart of a run, with the inputs the provider would render it from. */
export function chartSpecs(run: RunResult): ChartSpec[] {
  return run.resources.filter((r) => r.type === CHART_TYPE).map(specOf);
}

function specOf(r: RecordedResource): ChartSpec {
  const i = r.inputs as Record<string, any>;
  return {
    name: r.name,
    urn: r.urn,
    release: str(i.name) ?? r.name,
    chart: String(i.chart),
    version: String(i.version ?? ""),
    repo: str(i.repositoryOpts?.repo),
    namespace: str(i.namespace) ?? "default",
    values: (i.values ?? {}) as Record<string, unknown>,
    dependsOn: r.dependsOn,
  };
}

/** The Kubernetes version the stack's cluster runs, as `helm template --kube-version` takes it. */
export function kubeVersionOf(run: RunResult): string {
  const cluster = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster");
  const v = str((cluster?.inputs as any)?.version);
  if (!v) throw new Error(`render: stack ${run.stack} registers no EKS cluster with a version; cannot pick --kube-version`);
  return v;
}

/** The exact `helm template` arguments for one chart (values go in through a file). */
export function helmArgs(spec: ChartSpec, kubeVersion: string, valuesFile: string): string[] {
  const args = ["template", spec.release, spec.chart];
  if (spec.repo) args.push("--repo", spec.repo);
  if (spec.version) args.push("--version", spec.version);
  args.push("--namespace", spec.namespace, "--values", valuesFile);
  args.push("--include-crds", "--no-hooks", "--skip-tests", "--kube-version", kubeVersion);
  return args;
}

/** Renders every chart of the run; a chart helm cannot render is `not-verified`, never dropped. */
export async function renderStack(run: RunResult, opts: RenderOptions = {}): Promise<StackRender> {
  const helm = opts.helm ?? findHelm();
  if (!helm) throw new HelmNotFoundError();
  const kubeVersion = kubeVersionOf(run);
  const specs = chartSpecs(run);
  const cacheDir = opts.cacheDir === undefined ? DEFAULT_CACHE : opts.cacheDir;
  const salt = helmIdentity(helm);
  const limit = Math.max(1, opts.concurrency ?? os.cpus().length);
  const raw = await mapLimited(specs, limit, (s) => renderChart(helm, salt, s, kubeVersion, cacheDir));
  // Kinds a rendered CRD declares cluster-scoped are cluster-scoped for every chart's objects.
  const clusterKinds = new Set<string>();
  for (const r of raw) for (const o of r.docs) if (o.kind === "CustomResourceDefinition" && o.spec?.scope === "Cluster") clusterKinds.add(String(o.spec?.names?.kind));
  const charts = raw.map((r): ChartRender => ({ ...r, objects: r.docs.map((d) => toClusterObject(r.spec, d, clusterKinds)) }));
  return { stack: run.stack, kubeVersion, helm, charts, objects: charts.flatMap((c) => c.objects) };
}

interface RawRender extends Omit<ChartRender, "objects"> {
  docs: Record<string, any>[];
}

const identities = new Map<string, string>();
/** What the binary says it is, so a different helm never reuses another's cached render. */
function helmIdentity(helm: string): string {
  if (!identities.has(helm)) {
    const v = spawnSync(helm, ["version"], { encoding: "utf8" });
    identities.set(helm, `${helm}\n${v.stdout ?? ""}`);
  }
  return identities.get(helm)!;
}

async function renderChart(helm: string, salt: string, spec: ChartSpec, kubeVersion: string, cacheDir: string | false): Promise<RawRender> {
  const started = Date.now();
  const key = createHash("sha256").update(JSON.stringify([salt, spec.release, spec.chart, spec.version, spec.repo, spec.namespace, spec.values, kubeVersion])).digest("hex");
  const file = cacheDir ? path.join(cacheDir, `${key}.json`) : undefined;
  if (file && fs.existsSync(file)) {
    const docs = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, any>[];
    return { spec, status: "rendered", docs, cached: true, ms: Date.now() - started };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "platform-render-"));
  try {
    const valuesFile = path.join(dir, "values.json"); // JSON is YAML: helm reads it as is
    fs.writeFileSync(valuesFile, JSON.stringify(spec.values));
    const out = await exec(helm, helmArgs(spec, kubeVersion, valuesFile));
    if (out.code !== 0) {
      const reason = out.stderr.trim().split("\n").slice(0, 6).join("\n") || `helm exited ${out.code}`;
      return { spec, status: "not-verified", reason, docs: [], cached: false, ms: Date.now() - started };
    }
    const docs = parseRendered(out.stdout, `${spec.name} (${spec.chart} ${spec.version})`);
    if (file) writeCache(file, docs);
    return { spec, status: "rendered", docs, cached: false, ms: Date.now() - started };
  } catch (e) {
    return { spec, status: "not-verified", reason: (e as Error).message, docs: [], cached: false, ms: Date.now() - started };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeCache(file: string, docs: unknown[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`; // rename is atomic: parallel test runs never read half a file
  fs.writeFileSync(tmp, JSON.stringify(docs));
  fs.renameSync(tmp, file);
}

function exec(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) => resolve({ code: 127, stdout: "", stderr: e.message }));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
  });
}

async function mapLimited<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * helm's output as objects. A CRD's openAPIV3Schema is dropped before parsing: it is most of
 * the bytes (argo-cd's ApplicationSet CRD alone is 1.4 MB), no check reads it, and YAML
 * block structure makes the cut exact (every line of the subtree is indented deeper).
 */
export function parseRendered(text: string, source: string): Record<string, any>[] {
  const docs: Record<string, any>[] = [];
  for (const doc of text.split(/^---[ \t]*(?:#.*)?$/m)) {
    const body = /^kind:\s*CustomResourceDefinition\s*$/m.test(doc) ? elideSchemas(doc) : doc;
    for (const d of loadAllYaml11(body, source)) {
      if (!d || typeof d !== "object" || Array.isArray(d)) throw new Error(`${source}: a rendered document is not an object`);
      const o = d as Record<string, any>;
      if (o.kind === "List" && Array.isArray(o.items)) docs.push(...o.items);
      else docs.push(o);
    }
  }
  return docs;
}

export function elideSchemas(doc: string): string {
  const out: string[] = [];
  let cut = -1;
  for (const line of doc.split("\n")) {
    const indent = line.length - line.trimStart().length;
    if (cut >= 0) {
      if (line.trim() === "" || indent > cut) continue;
      cut = -1;
    }
    const m = /^(\s*)openAPIV3Schema:\s*$/.exec(line);
    if (m) {
      out.push(`${m[1]}openAPIV3Schema: {"x-platform-elided": true}`);
      cut = m[1].length;
    } else out.push(line);
  }
  return out.join("\n");
}

function toClusterObject(spec: ChartSpec, doc: Record<string, any>, clusterKinds: Set<string>): ClusterObject {
  const apiVersion = String(doc.apiVersion ?? "");
  const kind = String(doc.kind ?? "");
  const object = { ...doc, metadata: { ...(doc.metadata ?? {}) } };
  const clusterScoped = isClusterScoped(kind) || clusterKinds.has(kind);
  if (!clusterScoped && !object.metadata.namespace) object.metadata.namespace = spec.namespace;
  const id = childIdentity(spec.urn, spec.name, apiVersion, kind, String(object.metadata.name ?? ""), clusterScoped ? undefined : object.metadata.namespace);
  return {
    ...id,
    source: { kind: "chart", chart: spec.name, release: spec.release, chartName: spec.chart, version: spec.version },
    apiVersion,
    kind,
    object,
    dependsOn: spec.dependsOn,
    parent: spec.urn,
  };
}
