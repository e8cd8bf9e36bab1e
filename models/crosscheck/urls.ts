// URLs: every in-cluster address the program hands a component (chart values, the Alloy
// pipeline inside them, ConfigMaps and Secrets it creates) names a Service that exists and a
// port it exposes. A typo or a chart that renames its Service breaks traffic only at runtime.
// upstream: Kubernetes DNS for Services and Pods (kubernetes.io/docs/concepts/services-networking/dns-pod-service):
// `<service>.<namespace>.svc.<cluster-domain>` resolves to the Service; a client connects to its `port`.
import type { RunResult } from "../../tools/harness";
import { CHART_TYPE, objKey } from "../objects";
import { ClusterIndex } from "./cluster-index";
import { Finding } from "./finding";
import { ServiceRef, resolveService } from "./services";

const DNS_LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
/** `[scheme://]svc.ns.svc[.cluster.local][.][:port]` */
const SVC_FQDN = new RegExp(`(?<![-.a-z0-9])(?:([a-z][a-z0-9+.-]*)://)?(${DNS_LABEL})\\.(${DNS_LABEL})\\.svc(?:\\.cluster\\.local)?\\.?(?::(\\d+))?(?![-a-z0-9.])`, "g");
/** `[scheme://]svc.ns:port`, taken only when `ns` is a namespace of this cluster. */
const SVC_SHORT = new RegExp(`(?<![-.a-z0-9])(?:([a-z][a-z0-9+.-]*)://)?(${DNS_LABEL})\\.(${DNS_LABEL}):(\\d+)(?![0-9])`, "g");
const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, ws: 80, wss: 443 };

export interface FoundUrl {
  where: string;
  text: string;
  ref: ServiceRef;
  /** The Chart resource whose values carry it: its pods are the clients. */
  chart?: string;
}

/** In-cluster Service references in one string. */
export function findServiceRefs(s: string, namespaces: Set<string>): { text: string; ref: ServiceRef }[] {
  const out: { text: string; ref: ServiceRef }[] = [];
  const take = (m: RegExpMatchArray) => {
    const port = m[4] ? Number(m[4]) : m[1] ? DEFAULT_PORT[m[1]] : undefined;
    out.push({ text: m[0], ref: { service: m[2], namespace: m[3], port } });
  };
  for (const m of s.matchAll(SVC_FQDN)) take(m);
  for (const m of s.matchAll(SVC_SHORT)) if (namespaces.has(m[3])) take(m);
  return out;
}

/** Every string under a value, with its path (`a.b[0].c`). */
export function* strings(v: unknown, path: string): Generator<[string, string]> {
  if (typeof v === "string") yield [path, v];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* strings(v[i], `${path}[${i}]`);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) yield* strings(x, /^[A-Za-z_][\w-]*$/.test(k) ? `${path}.${k}` : `${path}["${k}"]`);
}

/** Chart values (Chart resource inputs) and the program's ConfigMaps and Secrets. */
export function inClusterUrls(run: RunResult, idx: ClusterIndex): FoundUrl[] {
  const namespaces = new Set([...idx.namespaces.keys(), ...idx.pods.map((p) => p.namespace)]);
  const out: FoundUrl[] = [];
  const scan = (where: string, v: unknown, chart?: string) => {
    for (const [path, s] of strings(v, "")) {
      for (const f of findServiceRefs(s, namespaces)) out.push({ where: `${where}${path}`, ...f, chart });
    }
  };
  for (const c of run.resources.filter((r) => r.type === CHART_TYPE)) scan(`Chart ${c.name} values`, (c.inputs as any).values, c.name);
  for (const o of idx.objects) {
    if (o.source.kind !== "program" || (o.kind !== "ConfigMap" && o.kind !== "Secret")) continue;
    scan(objKey(o), { data: o.object.data, stringData: o.object.stringData });
  }
  return out;
}

export function checkUrls(run: RunResult, idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const u of inClusterUrls(run, idx)) {
    const bad = resolveService(idx, u.ref);
    if (bad) out.push({ check: "url", object: u.where, problem: `"${u.text}" ${bad.problem}`, fix: bad.fix });
  }
  return out;
}
