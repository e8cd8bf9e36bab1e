// What Alloy will scrape, read from its own pipeline: each prometheus.scrape's targets traced
// back through discovery.relabel to discovery.kubernetes, with the pods the stack runs as the
// discovered objects. So a pod counts as scraped only if the rules Alloy runs would keep it.
// upstream: prometheus/prometheus discovery/kubernetes/pod.go and node.go (the targets and
// __meta_kubernetes_* labels Alloy's discovery.kubernetes emits: one target per declared container
// port at podIP:port, one bare podIP target for a container with no ports; nodes at
// address:kubelet port 10250); prometheus scrape/target.go (a bare address gets the scheme's port).
import { AlloyBlock, AlloyValue, components, parseAlloy } from "./alloy-syntax";
import type { StackPod } from "../network/pods";
import { ClusterIndex } from "./cluster-index";
import { Labels, RelabelRule, relabel } from "./relabel";

export interface ScrapeTarget { job: string; node?: true; pod?: StackPod; port: number }
interface Discovered { labels: Labels; pod?: StackPod; node?: true }

const KUBELET_PORT = 10250;
const POD_IP = "192.0.2.10";
const NODE_IP = "192.0.2.200";
const sanitize = (s: string) => s.replace(/[^a-zA-Z0-9_]/g, "_");

export function alloyScrapeTargets(config: string, idx: ClusterIndex): ScrapeTarget[] {
  const root = parseAlloy(config);
  // Targets equal after relabelling are one target (Prometheus dedups a scrape pool's targets by their labels).
  const out = new Map<string, ScrapeTarget>();
  for (const s of components(root, "prometheus.scrape")) {
    const scheme = String(s.attrs.scheme ?? "http");
    for (const t of resolve(root, idx, s.attrs.targets, `prometheus.scrape "${s.label}"`)) {
      const port = /:(\d+)$/.exec(t.labels.__address__ ?? "")?.[1];
      const target = { job: s.label ?? "", node: t.node, pod: t.pod, port: port ? Number(port) : scheme === "https" ? 443 : 80 };
      out.set(`${target.job}|${t.pod?.what ?? "node"}|${target.port}`, target);
    }
  }
  return [...out.values()];
}

function resolve(root: AlloyBlock, idx: ClusterIndex, v: AlloyValue | undefined, where: string): Discovered[] {
  const ref = v && typeof v === "object" && "ref" in v ? String(v.ref) : undefined;
  if (!ref) throw new Error(`${where}: targets must reference a discovery component (got ${JSON.stringify(v)})`);
  const m = /^discovery\.(kubernetes|relabel)\.([A-Za-z0-9_]+)\.(targets|output)$/.exec(ref);
  if (!m) throw new Error(`${where}: targets = ${ref} is not modelled (discovery.kubernetes.<x>.targets or discovery.relabel.<x>.output)`);
  const block = components(root, `discovery.${m[1]}`).find((b) => b.label === m[2]);
  if (!block) throw new Error(`${where}: ${ref} names no component in the config`);
  if (m[1] === "kubernetes") return discover(idx, block);
  const rules = block.blocks.filter((b) => b.name === "rule").map((r) => r.attrs as unknown as RelabelRule);
  return resolve(root, idx, block.attrs.targets, `discovery.relabel "${block.label}"`)
    .flatMap((d) => { const labels = relabel(d.labels, rules); return labels ? [{ ...d, labels }] : []; });
}

function discover(idx: ClusterIndex, block: AlloyBlock): Discovered[] {
  const role = String(block.attrs.role);
  const unmodelled = block.blocks.filter((b) => b.name !== "namespaces");
  if (unmodelled.length) throw new Error(`discovery.kubernetes "${block.label}": block ${unmodelled[0].name} is not modelled`);
  const names = (block.blocks.find((b) => b.name === "namespaces")?.attrs.names ?? []) as string[];
  if (role === "node") return [{ node: true, labels: { __address__: `${NODE_IP}:${KUBELET_PORT}`, __meta_kubernetes_node_name: "node" } }];
  if (role !== "pod") throw new Error(`discovery.kubernetes "${block.label}": role ${role} is not modelled (pod, node)`);
  return idx.pods.filter((p) => !names.length || names.includes(p.namespace)).flatMap(podTargets);
}

function podTargets(pod: StackPod): Discovered[] {
  const name = pod.what.split("/").pop() ?? "";
  const base: Labels = {
    __meta_kubernetes_namespace: pod.namespace,
    __meta_kubernetes_pod_name: `${name}-0`,
    __meta_kubernetes_pod_ip: POD_IP,
    __meta_kubernetes_pod_phase: "Running",
    __meta_kubernetes_pod_ready: "true",
    __meta_kubernetes_pod_node_name: "node",
    __meta_kubernetes_pod_controller_kind: pod.what.split("/")[0],
  };
  for (const [k, v] of Object.entries(pod.labels)) { base[`__meta_kubernetes_pod_label_${sanitize(k)}`] = String(v); base[`__meta_kubernetes_pod_labelpresent_${sanitize(k)}`] = "true"; }
  for (const [k, v] of Object.entries(pod.annotations)) { base[`__meta_kubernetes_pod_annotation_${sanitize(k)}`] = String(v); base[`__meta_kubernetes_pod_annotationpresent_${sanitize(k)}`] = "true"; }
  const out: Discovered[] = [];
  const containers = [...(pod.spec.initContainers ?? []).map((c: any) => [c, true]), ...(pod.spec.containers ?? []).map((c: any) => [c, false])];
  for (const [c, init] of containers) {
    const labels = { ...base, __meta_kubernetes_pod_container_name: c.name, __meta_kubernetes_pod_container_image: String(c.image ?? ""), __meta_kubernetes_pod_container_init: String(init) };
    if (!c.ports?.length) { out.push({ pod, labels: { ...labels, __address__: POD_IP } }); continue; }
    for (const p of c.ports) {
      out.push({ pod, labels: { ...labels, __address__: `${POD_IP}:${p.containerPort}`, __meta_kubernetes_pod_container_port_name: String(p.name ?? ""), __meta_kubernetes_pod_container_port_number: String(p.containerPort), __meta_kubernetes_pod_container_port_protocol: p.protocol ?? "TCP" } });
    }
  }
  return out;
}
