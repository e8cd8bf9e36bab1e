// What a first `pulumi up` on a fresh account meets that mocks accept: pods dialling the API
// server through the `kubernetes` Service IP, and quota counting a LoadBalancer Service's ports.
// (Ordering, the default AppProject and the Secrets' namespaces: test/models/ordering.spec.ts;
// IAM: test/policies/aws-iam-valid-grants.spec.ts and test/iam/reference.spec.ts.)
import * as assert from "assert";
import { Netmask } from "netmask";
import { NAMESPACES } from "../../infra/services";
import { kubernetesServiceIp } from "../../infra/services/namespace";
import type { RunResult } from "../../tools/harness";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";

/** Namespaces whose controllers watch the API: cert-manager, LBC, external-dns, Traefik, Argo CD, Alloy. */
const API_CLIENTS = [NAMESPACES.certManager, NAMESPACES.loadBalancer, NAMESPACES.externalDns, NAMESPACES.ingress, NAMESPACES.argocd, NAMESPACES.observability];

/**
 * Does some egress rule of the namespace's NetworkPolicies admit TCP `port` to `ip`? ipBlock
 * peers only, judged on the address the pod dials: the EKS network policy agent sees the
 * Service IP, before kube-proxy's DNAT (aws/aws-network-policy-agent#549).
 */
function egressAllows(run: RunResult, ns: string, ip: string, port: number): boolean {
  const policies = run.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (r.inputs as any).metadata.namespace === ns);
  return policies.some((p) => ((p.inputs as any).spec.egress ?? []).some((rule: any) => {
    const portOk = !rule.ports || rule.ports.some((x: any) => (x.protocol ?? "TCP") === "TCP" && (x.port === undefined || x.port === port));
    const peerOk = (rule.to ?? []).some((t: any) => t.ipBlock && new Netmask(t.ipBlock.cidr).contains(ip) && !(t.ipBlock.except ?? []).some((e: string) => new Netmask(e).contains(ip)));
    return portOk && peerOk;
  }));
}

/** services.nodeports as the quota evaluator counts a Service (kubernetes pkg/quota/v1/evaluator/core/services.go). */
export function nodePortsCounted(svc: any): number {
  const ports: any[] = svc.spec?.ports ?? [];
  if (svc.spec?.type === "NodePort") return ports.length;
  if (svc.spec?.type !== "LoadBalancer") return 0;
  return svc.spec.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
}

describe("first up: the API server through the kubernetes Service IP", () => {
  it("the kubernetes Service IP is the first address of the Service range", () => {
    assert.strictEqual(kubernetesServiceIp("172.20.0.0/16"), "172.20.0.1");
    assert.strictEqual(kubernetesServiceIp("10.100.0.0/16"), "10.100.0.1");
  });
  for (const env of ENVS) {
    it(`${env}: every API client's namespace may reach the kubernetes Service IP on 443`, async () => {
      const run = await runStack(env);
      const cluster = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
      const ip = kubernetesServiceIp((cluster.inputs as any).kubernetesNetworkConfig.serviceIpv4Cidr);
      for (const ns of API_CLIENTS) assert.ok(egressAllows(run, ns, ip, 443), `${env}: ${ns} cannot reach ${ip}:443`);
      // and no wider than that: nothing else in the Service range opens through this rule
      const next = ip.replace(/\d+$/, (d) => String(Number(d) + 1));
      for (const ns of API_CLIENTS) assert.ok(!egressAllows(run, ns, next, 443), `${env}: ${ns} reaches other Service IPs`);
    });
  }
});

describe("first up: quota and Traefik's LoadBalancer Service", () => {
  it("counts node ports as the quota evaluator does", () => {
    const ports = [{ port: 80 }, { port: 443 }];
    assert.strictEqual(nodePortsCounted({ spec: { type: "LoadBalancer", ports } }), 2);
    assert.strictEqual(nodePortsCounted({ spec: { type: "LoadBalancer", allocateLoadBalancerNodePorts: false, ports } }), 0);
    assert.strictEqual(nodePortsCounted({ spec: { type: "NodePort", ports } }), 2);
    assert.strictEqual(nodePortsCounted({ spec: { type: "ClusterIP", ports } }), 0);
  });
  it("Traefik asks for no node ports (the NLB targets pod IPs)", async () => {
    const traefik = (await runStack("prod")).resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart" && r.inputs.chart === "traefik")!;
    assert.deepStrictEqual((traefik.inputs.values as any).service.spec, { type: "LoadBalancer", allocateLoadBalancerNodePorts: false });
  });
});

describeRendered("first up: rendered Services against the namespaces' node-port quota", () => {
  for (const env of ENVS) {
    it(`${env}: no namespace's Services count more node ports than its quota allows`, async () => {
      const run = await runStack(env);
      const services = (await renderedStack(env)).objects.filter((o) => o.kind === "Service");
      assert.ok(services.some((s) => s.object.spec?.type === "LoadBalancer"), "Traefik's LoadBalancer Service is rendered");
      for (const q of run.resources.filter((r) => r.type === "kubernetes:core/v1:ResourceQuota")) {
        const { namespace } = (q.inputs as any).metadata;
        const hard = Number((q.inputs as any).spec.hard["services.nodeports"] ?? Infinity);
        const used = services.filter((s) => s.object.metadata?.namespace === namespace).reduce((n, s) => n + nodePortsCounted(s.object), 0);
        assert.ok(used <= hard, `${env}: ${namespace} Services count ${used} node ports, quota services.nodeports is ${hard}`);
      }
    });
  }
});
