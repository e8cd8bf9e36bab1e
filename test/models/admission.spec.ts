// The admission model (Pod Security, LimitRange, ResourceQuota) over every stack, and what it
// must accept and refuse, on the stack's own namespace guard rails (team and ingress namespaces).
import assert from "node:assert/strict";
import { admitStack, describeFinding } from "../../models/admission/index";
import { parseQuantity } from "../../models/admission/quantity";
import { ClusterObject } from "../../models/objects";
import { ENVS, describeRendered } from "../support";
import { stackModel } from "./support";

const secure = {
  securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
};
const container = (resources?: object, extra: object = {}) => ({
  name: "app", image: "registry.example.com/app@sha256:" + "a".repeat(64), ...(resources ? { resources } : {}),
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } }, ...extra,
});

function obj(apiVersion: string, kind: string, namespace: string, name: string, body: object): ClusterObject {
  return { urn: `urn:test::${kind}::${name}`, type: `kubernetes:${apiVersion}:${kind}`, name, source: { kind: "program" }, apiVersion, kind,
    object: { apiVersion, kind, metadata: { name, namespace }, ...body }, dependsOn: [], parent: "" };
}

function deployment(ns: string, name: string, replicas: number, c: object = container(), spec: object = {}): ClusterObject {
  return obj("apps/v1", "Deployment", ns, name, { spec: { replicas, ...spec, template: { metadata: { labels: { app: name } }, spec: { ...secure, containers: [c] } } } });
}

const service = (ns: string, name: string, spec: object) => obj("v1", "Service", ns, name, { spec: { ports: [{ port: 80 }, { port: 443 }], ...spec } });

describe("models: admission (Pod Security, LimitRange, ResourceQuota)", () => {
  for (const env of ENVS) {
    it(`${env}: admits every object at its replica count plus rolling-update surge`, async () => {
      const m = await stackModel(env);
      const { findings } = admitStack(m.objects, { maxNodes: m.maxNodes });
      assert.deepEqual(findings.map(describeFinding), []);
    });
  }

  describe("what it accepts and refuses (dev's own namespaces)", () => {
    let base: ClusterObject[];
    let team: string;
    let maxNodes: number;
    before(async () => {
      const m = await stackModel("dev");
      base = m.objects;
      team = m.teams[0].name;
      maxNodes = m.maxNodes;
    });
    const admit = (...extra: ClusterObject[]) => admitStack([...base, ...extra], { maxNodes });

    it("fills LimitRange defaults into a container without resources and counts replicas plus 25% surge", () => {
      const { findings, usage } = admit(deployment(team, "web", 3, container()));
      assert.deepEqual(findings, []);
      const u = usage.get(team)!;
      assert.equal(u.pods, 4); // 3 + ceil(25% of 3)
      assert.equal(u["requests.cpu"], 4 * 0.05); // defaultRequest cpu 50m
      assert.equal(u["limits.memory"], 4 * parseQuantity("256Mi")); // default memory limit
    });

    it("gives a container with a limit but no request a request equal to its limit (API defaulting)", () => {
      const { usage } = admit(deployment(team, "web", 1, container({ limits: { memory: "1Gi" } }), { strategy: { type: "Recreate" } }));
      assert.equal(usage.get(team)!["requests.memory"], parseQuantity("1Gi"));
    });

    it("refuses a container above the LimitRange max, naming namespace, object and limit", () => {
      const { findings } = admit(deployment(team, "big", 1, container({ limits: { memory: "32Gi" } })));
      assert.equal(findings.length >= 1, true);
      assert.deepEqual({ ...findings[0], message: undefined }, { namespace: team, object: `Deployment/${team}/big`, limit: "LimitRange defaults: max memory 16Gi", message: undefined });
    });

    it("refuses the workload whose pods, with surge, take the namespace over its pod quota", () => {
      const hard = Number(base.find((o) => o.kind === "ResourceQuota" && o.object.metadata.namespace === team)!.object.spec.hard.pods);
      const atLimit = admit(deployment(team, "fits", hard, container({ requests: { cpu: "1m", memory: "1Mi" }, limits: { memory: "2Mi" } }), { strategy: { type: "Recreate" } }));
      assert.deepEqual(atLimit.findings, []);
      const surging = admit(deployment(team, "surges", hard, container({ requests: { cpu: "1m", memory: "1Mi" }, limits: { memory: "2Mi" } })));
      assert.deepEqual(surging.findings.map((f) => [f.object, f.limit]), [[`Deployment/${team}/surges`, `ResourceQuota platform-quota: pods ${hard}`]]);
    });

    it("counts an HPA's maxReplicas, not the Deployment's replicas", () => {
      const hpa = obj("autoscaling/v2", "HorizontalPodAutoscaler", team, "web", { spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 100 } });
      const { findings } = admit(deployment(team, "web", 1), hpa);
      const hard = base.find((o) => o.kind === "ResourceQuota" && o.object.metadata.namespace === team)!.object.spec.hard.pods;
      assert.ok(findings.some((f) => f.object === `Deployment/${team}/web` && f.limit === `ResourceQuota platform-quota: pods ${hard}`), findings.map(describeFinding).join("\n"));
      assert.deepEqual(admit(deployment(team, "web", 1)).findings, []);
    });

    it("refuses a LoadBalancer Service in a team namespace (services.loadbalancers 0)", () => {
      const { findings } = admit(service(team, "lb", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false }));
      assert.deepEqual(findings.map((f) => f.limit), ["ResourceQuota platform-quota: services.loadbalancers 0"]);
    });

    it("counts a LoadBalancer's ports as node ports unless allocateLoadBalancerNodePorts is false (ingress namespace)", () => {
      // Without the stack's own (rendered) Traefik Service, so the ingress namespace's one load balancer is free.
      const admit = (...extra: ClusterObject[]) => admitStack([...base.filter((o) => !(o.kind === "Service" && o.object.spec?.type === "LoadBalancer")), ...extra], { maxNodes });
      const refused = admit(service("ingress", "traefik", { type: "LoadBalancer" }));
      assert.deepEqual(refused.findings.map((f) => [f.namespace, f.object, f.limit]), [["ingress", "Service/ingress/traefik", "ResourceQuota platform-quota: services.nodeports 0"]]);
      assert.deepEqual(admit(service("ingress", "traefik", { type: "LoadBalancer", allocateLoadBalancerNodePorts: false })).findings, []);
      assert.deepEqual(admit(service("ingress", "np", { type: "NodePort" })).findings.map((f) => f.limit), ["ResourceQuota platform-quota: services.nodeports 0"]);
    });

    it("counts a StatefulSet's volume claims per replica against persistentvolumeclaims", () => {
      const sts = obj("apps/v1", "StatefulSet", team, "db", { spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { resources: { requests: { storage: "1Gi" } } } }], template: { spec: { ...secure, containers: [container()] } } } });
      assert.deepEqual(admit(sts).findings.map((f) => f.limit), ["ResourceQuota platform-quota: persistentvolumeclaims 0"]);
    });

    it("refuses a privileged pod in a restricted namespace and admits it in kube-system (privileged, EKS default)", () => {
      const priv = container(undefined, { securityContext: { privileged: true } });
      const refused = admit(deployment(team, "priv", 1, priv));
      assert.ok(refused.findings.some((f) => f.namespace === team && f.object === `Deployment/${team}/priv` && f.limit === 'Pod Security "restricted": privileged'), refused.findings.map(describeFinding).join("\n"));
      assert.deepEqual(admit(deployment("kube-system", "priv", 1, priv)).findings, []);
    });

    it("refuses a pod that leaves out restricted's settings (no seccomp, no runAsNonRoot)", () => {
      const bare = obj("apps/v1", "Deployment", team, "bare", { spec: { replicas: 1, template: { spec: { containers: [{ name: "app", image: "x@sha256:" + "b".repeat(64) }] } } } });
      const controls = new Set(admit(bare).findings.map((f) => f.limit));
      for (const c of ["runAsNonRoot", "seccompProfile_restricted", "allowPrivilegeEscalation", "capabilities_restricted"]) {
        assert.ok([...controls].some((l) => l.endsWith(`: ${c}`)), `expected ${c} among ${[...controls].join(", ")}`);
      }
    });

    it("refuses a pod missing a resource the quota tracks (must specify), after LimitRange defaulting", () => {
      const quota = obj("v1", "ResourceQuota", team, "cpu-limits", { spec: { hard: { "limits.cpu": "10" } } });
      const { findings } = admit(quota, deployment(team, "nolimit", 1));
      assert.deepEqual(findings.map((f) => [f.limit, f.message]), [["ResourceQuota cpu-limits: limits.cpu", "must specify limits.cpu for: app"]]);
    });

    it("refuses a quota or LimitRange it cannot model, naming the key", () => {
      const scoped = obj("v1", "ResourceQuota", team, "odd", { spec: { hard: { "count/jobs.batch": "5" } } });
      assert.throws(() => admit(scoped), /spec\.hard\.count\/jobs\.batch is not modelled/);
      const podRange = obj("v1", "LimitRange", team, "pod", { spec: { limits: [{ type: "Pod", max: { cpu: "1" } }] } });
      assert.throws(() => admit(podRange), /type Pod is not modelled/);
    });
  });
});

describeRendered("models: admission over the rendered charts (seeded defects, mutated copies)", () => {
  const mutated = async (kind: string, ns: string, name: string, change: (o: Record<string, any>) => void) => {
    const m = await stackModel("dev");
    const objects: ClusterObject[] = JSON.parse(JSON.stringify(m.objects));
    const target = objects.find((o) => o.kind === kind && o.object.metadata?.namespace === ns && o.object.metadata?.name === name);
    if (!target) throw new Error(`rendered ${kind} ${ns}/${name} not found`);
    change(target.object);
    return admitStack(objects, { maxNodes: m.maxNodes }).findings;
  };

  it("issue 9 #3: Traefik's LoadBalancer Service allocating node ports is refused by the ingress quota", async () => {
    const findings = await mutated("Service", "ingress", "traefik", (o) => delete o.spec.allocateLoadBalancerNodePorts);
    assert.deepEqual(findings.map((f) => [f.namespace, f.object, f.limit]), [["ingress", "Service/ingress/traefik", "ResourceQuota platform-quota: services.nodeports 0"]]);
  });

  it("issue 12 #1: a privileged Argo CD application-controller allowing escalation is refused by Pod Security", async () => {
    const findings = await mutated("StatefulSet", "argocd", "argocd-application-controller", (o) => {
      for (const c of o.spec.template.spec.containers) c.securityContext = { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true };
    });
    const limits = findings.filter((f) => f.object === "StatefulSet/argocd/argocd-application-controller").map((f) => f.limit);
    assert.ok(limits.includes('Pod Security "restricted": privileged') && limits.includes('Pod Security "restricted": allowPrivilegeEscalation'), limits.join("\n"));
  });

  it("issue 12 #2: Traefik on the host network is refused by Pod Security", async () => {
    const findings = await mutated("Deployment", "ingress", "traefik", (o) => { o.spec.template.spec.hostNetwork = true; });
    assert.ok(findings.some((f) => f.object === "Deployment/ingress/traefik" && f.limit === 'Pod Security "restricted": hostNamespaces'), findings.map(describeFinding).join("\n"));
  });

  it("a chart container above its namespace's LimitRange max is refused", async () => {
    const findings = await mutated("StatefulSet", "observability", "loki", (o) => { o.spec.template.spec.containers[0].resources = { limits: { memory: "32Gi" } }; });
    assert.ok(findings.some((f) => f.object === "StatefulSet/observability/loki" && f.limit === "LimitRange defaults: max memory 16Gi"), findings.map(describeFinding).join("\n"));
  });

  it("a chart scaled past its namespace quota is refused, naming the workload", async () => {
    const findings = await mutated("Deployment", "observability", "grafana", (o) => { o.spec.replicas = 200; });
    assert.ok(findings.some((f) => f.object === "Deployment/observability/grafana" && f.limit === "ResourceQuota platform-quota: pods 60"), findings.map(describeFinding).join("\n"));
  });
});
