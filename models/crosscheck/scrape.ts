// Scraping: every port Alloy's pipeline would scrape is let through by the NetworkPolicies
// (Alloy's egress and the target namespace's ingress), or the series silently never arrive;
// and every port a namespace opens to Alloy is one Alloy actually scrapes there, or the port
// is open for nothing and its metrics are missing (issue 8: Argo CD 8082-8084, external-dns 7979).
// upstream: what Alloy scrapes is modelled from its own config (alloy-targets.ts); what passes
// from the network model (models/network/admit.ts).
import type { RunResult } from "../../tools/harness";
import { CHART_TYPE } from "../objects";
import { refusal } from "../network/admit";
import { peerMatchesPod, podPort } from "../network/evaluate";
import type { StackPod } from "../network/pods";
import { matches } from "../network/selectors";
import type { LabelSelector } from "../network/selectors";
import type { Protocol, World } from "../network/world";
import { ClusterIndex, podsIn, worldOf } from "./cluster-index";
import { ScrapeTarget, alloyScrapeTargets } from "./alloy-targets";
import { Finding } from "./finding";
import { listensOn, policyObject } from "./netpol-listeners";

interface Scraper { chart: string; namespace: string; pods: StackPod[]; targets: ScrapeTarget[] }

/** The Alloy releases of the stack, with the pipeline each runs (values `alloy.configMap.content`). */
export function scrapers(run: RunResult, idx: ClusterIndex): Scraper[] {
  return run.resources.filter((r) => r.type === CHART_TYPE && /(^|\/)alloy$/.test(String((r.inputs as any).chart))).map((c) => {
    const content = (c.inputs as any).values?.alloy?.configMap?.content;
    if (typeof content !== "string") throw new Error(`Chart ${c.name}: values alloy.configMap.content is not set, so what Alloy scrapes cannot be checked; set the pipeline there`);
    return { chart: c.name, namespace: String((c.inputs as any).namespace), pods: idx.pods.filter((p) => p.chart === c.name), targets: alloyScrapeTargets(content, idx) };
  });
}

export function checkScraping(run: RunResult, idx: ClusterIndex): Finding[] {
  const out: Finding[] = [];
  for (const s of scrapers(run, idx)) {
    if (!s.pods.length) throw new Error(`Chart ${s.chart}: renders no Alloy pod, so scraping cannot be checked`);
    out.push(...targetsAllowed(idx, worldOf(run, idx), s), ...openPortsScraped(idx, s));
  }
  return out;
}

function targetsAllowed(idx: ClusterIndex, world: World, s: Scraper): Finding[] {
  const out = new Map<string, Finding>();
  for (const t of s.targets) {
    if (t.pod && !listensOn(idx, t.pod, { port: t.port, protocol: "TCP" })) {
      out.set(`${t.pod.what}:${t.port}`, {
        check: "scrape", object: t.pod.what,
        problem: `is scraped by Alloy (job ${t.job}) on TCP ${t.port}, where it declares no listener.`,
        fix: `point its prometheus.io/port annotation (or the exporter's port) at the metrics port it declares.`,
      });
      continue;
    }
    const blocked = refusal(world, { pod: s.pods[0] }, t.pod ? { pod: t.pod } : { nodes: true }, t.port);
    if (!blocked) continue;
    const what = t.pod ? t.pod.what : "the nodes' kubelet";
    const where = blocked.side === "egress" ? `${s.namespace}'s egress` : `${t.pod!.namespace}'s ingress`;
    out.set(`${what}:${t.port}`, {
      check: "scrape", object: what,
      problem: `is scraped by Alloy (job ${t.job}) on TCP ${t.port}, which ${where} policies (${blocked.policies.join(", ")}) do not allow.`,
      fix: blocked.side === "egress"
        ? `allow ${s.namespace} egress to it on ${t.port} (SecureNamespace allow in infra/services/index.ts).`
        : `add ${t.port} to ${t.pod!.namespace}'s metricsPorts (infra/services/index.ts), or stop marking the port for scraping.`,
    });
  }
  return [...out.values()];
}

/** Ports other namespaces open specifically to Alloy's namespace: each must be one Alloy scrapes there. */
function openPortsScraped(idx: ClusterIndex, s: Scraper): Finding[] {
  const out: Finding[] = [];
  for (const np of idx.policies) {
    const ns = np.namespace;
    if (ns === s.namespace || !podsIn(idx, ns).length) continue;
    const selected = podsIn(idx, ns).filter((p) => matches(np.podSelector, p.labels));
    for (const rule of np.ingress ?? []) {
      const toScraper = (rule.peers ?? []).some((peer) => isSpecific(peer.namespaceSelector) && s.pods.some((a) => peerMatchesPod(idx, ns, peer, a)));
      if (!toScraper) continue;
      for (const p of rule.ports ?? []) {
        if (p.port === undefined) continue;
        const scraped = selected.some((pod) => s.targets.some((t) => t.pod === pod && t.port === podPort(pod, p.port!, p.protocol)));
        if (!scraped) out.push(unscraped(policyObject(np), ns, p.port, p.protocol, s, selected));
      }
    }
  }
  return out;
}

/** A selector that names namespaces (not `{}`, which admits every namespace). */
const isSpecific = (sel: LabelSelector | undefined): boolean => !!sel && (Object.keys(sel.matchLabels ?? {}).length > 0 || (sel.matchExpressions ?? []).length > 0);

function unscraped(policy: string, ns: string, port: number | string, protocol: Protocol, s: Scraper, selected: StackPod[]): Finding {
  const here = [...new Set(s.targets.filter((t) => t.pod?.namespace === ns).map((t) => `${t.pod!.what}:${t.port}`))];
  const listening = selected.filter((p) => (p.ports ?? []).some((c) => c.port === podPort(p, port, protocol)));
  return {
    check: "scrape", object: policy,
    problem: `opens TCP ${port} to Alloy in ${s.namespace}, but Alloy's pipeline scrapes nothing on it (it scrapes in ${ns}: ${here.join(", ") || "nothing"}).`,
    fix: listening.length
      ? `mark ${listening.map((p) => p.what).join(", ")} for scraping on ${port} (pod annotations prometheus.io/scrape: "true" and prometheus.io/port: "${port}" through the chart's values), or drop ${port} from the policy.`
      : `drop ${port} from the policy (metricsPorts in infra/services/index.ts): no pod declares it.`,
  };
}
