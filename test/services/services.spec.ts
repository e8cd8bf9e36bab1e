// Platform services (issue 3) under mocks: charts, values, namespaces, buckets, identities,
// ordering and secrets, per environment. Each stack runs once; the assertions share it.
import * as assert from "assert";
import { RecordedResource, RunResult, StackConfig, loadStackConfig, runProgram } from "../../tools/harness";
import { CHARTS } from "../../infra/versions";
import { NAMESPACES, NODE_EXPORTER_NAMESPACE } from "../../infra/services";
import { ConfigError, parseConfig } from "../../infra/config";
import { runStack } from "../support";

const CHART = "kubernetes:helm.sh/v4:Chart";
const ENVS = ["dev", "staging", "prod"] as const;
const runs: Record<string, RunResult> = {};

// Distinctive secret values: none may appear anywhere outside a secret.
const SECRETS = {
  "platform:gitopsRepoPassword": "ghp-TEST-REPO-PASSWORD-1f2e3d",
  "platform:slackToken": "xoxb-TEST-SLACK-TOKEN-4c5b6a",
  "platform:oidcClientSecret": "TEST-OIDC-CLIENT-SECRET-7a8b9c",
};
function withSecrets(base: StackConfig): StackConfig {
  return {
    config: {
      ...base.config,
      ...SECRETS,
      "platform:gitopsRepoUsername": "platform-bot",
      "platform:slackChannel": "platform-alerts",
      "platform:oidcIssuer": "https://login.example.com",
      "platform:oidcClientId": "argocd",
    },
    secretKeys: [...base.secretKeys, ...Object.keys(SECRETS)],
  };
}

const byType = (r: RunResult, type: string) => r.resources.filter((x) => x.type === type);
const chartOf = (r: RunResult, chart: string): RecordedResource => {
  const c = byType(r, CHART).find((x) => x.inputs.chart === chart);
  assert.ok(c, `chart ${chart} not registered`);
  return c;
};
const values = (r: RunResult, chart: string) => chartOf(r, chart).inputs.values as any;
const named = (r: RunResult, type: string, name: string) => {
  const x = r.resources.find((y) => y.type === type && y.name === name);
  assert.ok(x, `${type} ${name} not registered`);
  return x;
};
/** Every object under `key` anywhere in a values tree. */
function collect(v: unknown, key: string, out: any[] = []): any[] {
  if (Array.isArray(v)) v.forEach((x) => collect(x, key, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      // An empty block counts: `resources: {}` is exactly the defect this must catch.
      if (k === key && x && typeof x === "object" && !Array.isArray(x)) out.push(x);
      collect(x, key, out);
    }
  }
  return out;
}

describe("platform services", function () {
  this.timeout(60000);
  before(async () => {
    // The shared per-stack runs (test/support.ts); only the secrets variant is run here.
    for (const env of ENVS) runs[env] = await runStack(env);
    runs.full = await runProgram({ stack: "dev", config: withSecrets(loadStackConfig("dev")) });
  });

  it("registers no duplicate resource names", () => {
    for (const [k, r] of Object.entries(runs)) assert.strictEqual(r.newResourceCalls, r.registered, `${k}: duplicate names`);
  });

  describe("charts", () => {
    const expected: [keyof typeof CHARTS, string][] = [
      ["certManager", NAMESPACES.certManager],
      ["awsLoadBalancerController", NAMESPACES.loadBalancer],
      ["traefik", NAMESPACES.ingress],
      ["externalDns", NAMESPACES.externalDns],
      ["argoCd", NAMESPACES.argocd],
      ["loki", NAMESPACES.observability],
      ["grafana", NAMESPACES.observability],
      ["tempo", NAMESPACES.observability],
      ["mimir", NAMESPACES.observability],
      ["alloy", NAMESPACES.observability],
      ["kubeStateMetrics", NAMESPACES.observability],
      ["nodeExporter", NODE_EXPORTER_NAMESPACE],
    ];
    for (const env of ENVS) {
      it(`${env}: every chart from its repository at its pinned version, in its namespace`, () => {
        for (const [key, ns] of expected) {
          const ref = CHARTS[key];
          const c = chartOf(runs[env], ref.chart);
          assert.strictEqual(c.inputs.version, ref.version, key);
          assert.deepStrictEqual(c.inputs.repositoryOpts, { repo: ref.repo }, key);
          assert.strictEqual(c.inputs.namespace, ns, key);
        }
      });
    }
    it("uses the charts' 2026 homes and no end-of-life collectors", () => {
      for (const k of ["loki", "grafana", "tempo"] as const) assert.strictEqual(CHARTS[k].repo, "https://grafana-community.github.io/helm-charts");
      const names = byType(runs.prod, CHART).map((c) => String(c.inputs.chart));
      for (const eol of ["promtail", "grafana-agent", "loki-stack", "loki-distributed", "ingress-nginx", "minio"]) assert.ok(!names.some((n) => n.includes(eol)), eol);
    });
  });

  describe("replicas and disruption budgets", () => {
    it("dev runs one of everything, without PDBs", () => {
      const r = runs.dev;
      assert.strictEqual(values(r, "cert-manager").replicaCount, 1);
      assert.strictEqual(values(r, "cert-manager").podDisruptionBudget.enabled, false);
      assert.strictEqual(values(r, "argo-cd").server.replicas, 1);
      assert.strictEqual(values(r, "argo-cd")["redis-ha"].enabled, false);
      assert.strictEqual(values(r, "traefik").deployment.replicas, 1);
      assert.strictEqual(values(r, "loki").singleBinary.replicas, 1);
      assert.strictEqual(values(r, "loki").loki.commonConfig.replication_factor, 1);
      assert.strictEqual(values(r, "mimir-distributed").ingester.replicas, 1);
      assert.strictEqual(values(r, "mimir-distributed").mimir.structuredConfig.ingester.ring.replication_factor, 1);
      assert.strictEqual(values(r, "grafana").replicas, 1);
      assert.strictEqual(values(r, "alloy").controller.replicas, 1);
    });
    it("prod is highly available", () => {
      const r = runs.prod;
      const cm = values(r, "cert-manager");
      for (const v of [cm, cm.webhook, cm.cainjector]) {
        assert.ok(v.replicaCount >= 2);
        assert.deepStrictEqual(v.podDisruptionBudget, { enabled: true, minAvailable: 1 });
      }
      const argo = values(r, "argo-cd");
      assert.strictEqual(argo["redis-ha"].enabled, true);
      for (const c of ["server", "repoServer", "controller", "applicationSet"]) {
        assert.ok(argo[c].replicas >= 2, c);
        assert.strictEqual(argo[c].pdb.enabled, true, c);
      }
      assert.ok(values(r, "traefik").deployment.replicas >= 2);
      assert.strictEqual(values(r, "traefik").podDisruptionBudget.enabled, true);
      assert.ok(values(r, "aws-load-balancer-controller").replicaCount >= 2);
      assert.strictEqual(values(r, "loki").singleBinary.replicas, 3);
      assert.strictEqual(values(r, "loki").loki.commonConfig.replication_factor, 3);
      const mimir = values(r, "mimir-distributed");
      assert.strictEqual(mimir.ingester.replicas, 3);
      assert.strictEqual(mimir.mimir.structuredConfig.ingester.ring.replication_factor, 3);
      for (const c of ["distributor", "querier", "query_frontend"]) assert.ok(mimir[c].replicas >= 2, c);
      assert.ok(values(r, "grafana").replicas >= 2);
      assert.deepStrictEqual(values(r, "grafana").podDisruptionBudget, { minAvailable: 1 });
      assert.ok(values(r, "alloy").controller.replicas >= 2);
      assert.strictEqual(values(r, "alloy").alloy.clustering.enabled, true);
    });
  });

  describe("storage on S3", () => {
    for (const env of ENVS) {
      it(`${env}: Loki, Tempo and Mimir write to their own buckets in the stack's region, no MinIO, no Kafka`, () => {
        const r = runs[env];
        const buckets = r.outputs.observabilityBuckets as Record<string, string>;
        const loki = values(r, "loki").loki;
        assert.strictEqual(loki.storage.type, "s3");
        assert.deepStrictEqual(loki.storage.bucketNames, { chunks: buckets.lokiChunks, ruler: buckets.lokiRuler });
        assert.strictEqual(loki.storage.s3.region, "eu-west-1");
        assert.strictEqual(values(r, "loki").minio.enabled, false);
        // Tempo's whole config file is the program's (infra/observability/tempo.ts tempoConfig).
        const tempo = JSON.parse(values(r, "tempo").config).storage.trace;
        assert.strictEqual(tempo.backend, "s3");
        assert.strictEqual(tempo.s3.bucket, buckets.tempoTraces);
        assert.strictEqual(tempo.s3.region, "eu-west-1");
        const mimir = values(r, "mimir-distributed");
        const sc = mimir.mimir.structuredConfig;
        assert.strictEqual(sc.common.storage.backend, "s3");
        assert.strictEqual(sc.common.storage.s3.region, "eu-west-1");
        assert.strictEqual(sc.blocks_storage.s3.bucket_name, buckets.mimirBlocks);
        assert.strictEqual(sc.ruler_storage.s3.bucket_name, buckets.mimirRuler);
        assert.strictEqual(sc.alertmanager_storage.s3.bucket_name, buckets.mimirAlertmanager);
        assert.strictEqual(mimir.kafka.enabled, false);
        assert.strictEqual(sc.ingest_storage.enabled, false);
        assert.strictEqual(mimir.minio.enabled, false);
        assert.strictEqual(new Set(Object.values(buckets)).size, 6);
      });
    }
    it("retention follows the environment", () => {
      assert.strictEqual(values(runs.dev, "loki").loki.limits_config.retention_period, `${7 * 24}h`);
      assert.strictEqual(values(runs.prod, "loki").loki.limits_config.retention_period, `${90 * 24}h`);
      assert.strictEqual(JSON.parse(values(runs.prod, "tempo").config).compactor.compaction.block_retention, `${90 * 24}h`);
      assert.strictEqual(values(runs.prod, "mimir-distributed").mimir.structuredConfig.limits.compactor_blocks_retention_period, `${90 * 24}h`);
    });
  });

  describe("buckets", () => {
    for (const env of ENVS) {
      it(`${env}: every bucket encrypted, versioned, private, TLS-only, with lifecycle; protected in prod only`, () => {
        const r = runs[env];
        const buckets = byType(r, "aws:s3/bucket:Bucket").filter((b) => b.parent.includes("HardenedBucket"));
        assert.strictEqual(buckets.length, 6);
        for (const b of buckets) {
          const of = (type: string) => {
            const x = byType(r, type).find((y) => y.name === b.name);
            assert.ok(x, `${type} for ${b.name}`);
            return x.inputs as any;
          };
          assert.strictEqual(of("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
          assert.strictEqual(of("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration.status, "Enabled");
          const pab = of("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
          for (const f of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.strictEqual(pab[f], true, f);
          const policy = JSON.parse(of("aws:s3/bucketPolicy:BucketPolicy").policy);
          assert.deepStrictEqual(policy.Statement[0].Condition, { Bool: { "aws:SecureTransport": "false" } });
          assert.strictEqual(policy.Statement[0].Effect, "Deny");
          assert.strictEqual(of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules[0].status, "Enabled");
          assert.strictEqual(b.protect, env === "prod", `${b.name} protect`);
          assert.strictEqual(b.retainOnDelete, env === "prod", `${b.name} retainOnDelete`);
        }
      });
    }
  });

  describe("workload identity", () => {
    const policyOf = (r: RunResult, name: string) => JSON.parse(named(r, "aws:iam/rolePolicy:RolePolicy", name).inputs.policy as string);
    it("cert-manager, external-dns and the load balancer controller use Pod Identity on their service accounts", () => {
      const assoc = byType(runs.prod, "aws:eks/podIdentityAssociation:PodIdentityAssociation").map((a) => `${a.inputs.namespace}/${a.inputs.serviceAccount}`);
      for (const sa of ["cert-manager/cert-manager", "external-dns/external-dns", "aws-load-balancer/aws-load-balancer-controller"]) assert.ok(assoc.includes(sa), sa);
      assert.strictEqual(values(runs.prod, "cert-manager").serviceAccount.name, "cert-manager");
      assert.strictEqual(values(runs.prod, "external-dns").serviceAccount.name, "external-dns");
    });
    it("Loki, Tempo and Mimir use IRSA roles trusted by their own service account only", () => {
      const r = runs.prod;
      for (const [chart, sa, role] of [["loki", "loki", "loki"], ["tempo", "tempo", "tempo"], ["mimir-distributed", "mimir", "mimir"]]) {
        const annotation = values(r, chart).serviceAccount.annotations["eks.amazonaws.com/role-arn"];
        const roleRes = named(r, "aws:iam/role:Role", role);
        assert.strictEqual(annotation, roleRes.outputs.arn, chart);
        assert.strictEqual(values(r, chart).serviceAccount.name, sa);
        const trust = JSON.parse(roleRes.inputs.assumeRolePolicy as string);
        const cond = trust.Statement[0].Condition.StringEquals;
        assert.ok(Object.values(cond).includes(`system:serviceaccount:observability:${sa}`), chart);
      }
    });
    it("DNS identities may change only the configured zone", () => {
      for (const name of ["cert-manager-dns01", "external-dns"]) {
        const doc = policyOf(runs.prod, name);
        const zone = "arn:aws:route53:::hostedzone/Z0PRODEXAMPLE0000001";
        const change = doc.Statement.find((s: any) => [s.Action].flat().includes("route53:ChangeResourceRecordSets"));
        assert.deepStrictEqual([change.Resource].flat(), [zone], name);
        for (const s of doc.Statement) {
          if ([s.Resource].flat().includes("*")) assert.deepStrictEqual([s.Action].flat(), ["route53:ListHostedZones"], `${name}: * only for ListHostedZones`);
        }
      }
      const cm = policyOf(runs.prod, "cert-manager-dns01").Statement.find((s: any) => s.Sid === "ChangeChallengeRecords");
      assert.deepStrictEqual(cm.Condition["ForAllValues:StringEquals"]["route53:ChangeResourceRecordSetsRecordTypes"], ["TXT"]);
    });
    it("each telemetry store reaches only its own buckets, never '*'", () => {
      const r = runs.prod;
      const buckets = byType(r, "aws:s3/bucket:Bucket");
      const arnOf = (name: string) => buckets.find((b) => b.name === name)!.outputs.arn as string;
      const own: Record<string, string[]> = {
        loki: ["loki-chunks", "loki-ruler"],
        tempo: ["tempo-traces"],
        mimir: ["mimir-blocks", "mimir-ruler", "mimir-alertmanager"],
      };
      for (const [role, names] of Object.entries(own)) {
        const resources = policyOf(r, role).Statement.flatMap((s: any) => [s.Resource].flat());
        const expected = names.flatMap((n) => [arnOf(n), `${arnOf(n)}/*`]).sort();
        assert.deepStrictEqual([...new Set(resources)].sort(), expected, role);
      }
    });
    it("the load balancer controller changes tags only on what it owns, and never its ownership tag", () => {
      // Upstream v3.5.0 iam_policy.json: AddTags/RemoveTags on load balancers and target groups,
      // and CreateTags/DeleteTags on security groups, need the elbv2.k8s.aws/cluster tag on the
      // resource and not in the request, except when tagging at creation.
      const doc = policyOf(runs.prod, "aws-load-balancer-controller");
      const tagging = doc.Statement.filter((s: any) => [s.Action].flat().some((a: string) => /:(AddTags|RemoveTags|CreateTags|DeleteTags)$/.test(a)));
      assert.ok(tagging.length >= 4);
      for (const s of tagging) {
        const listenerOnly = [s.Resource].flat().every((r: string) => /:listener(-rule)?\//.test(r));
        if (listenerOnly) continue;
        const onCreate = s.Condition?.StringEquals?.["ec2:CreateAction"] ?? s.Condition?.StringEquals?.["elasticloadbalancing:CreateAction"];
        const want = onCreate ? { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } : { "aws:RequestTag/elbv2.k8s.aws/cluster": "true", "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" };
        assert.deepStrictEqual(s.Condition?.Null, want, `${s.Sid}: ${JSON.stringify(s.Condition)}`);
      }
    });
  });

  describe("security settings in values", () => {
    for (const env of ["dev", "prod"] as const) {
      it(`${env}: every resources block has CPU/memory requests and a memory limit`, () => {
        for (const c of byType(runs[env], CHART).filter((x) => !["metrics-server"].includes(String(x.inputs.chart)) && !String(x.inputs.chart).includes("karpenter"))) {
          const blocks = collect(c.inputs.values, "resources");
          assert.ok(blocks.length > 0, `${c.inputs.chart} sets resources`);
          for (const b of blocks) {
            assert.ok(b.requests?.cpu && b.requests?.memory, `${c.inputs.chart}: requests ${JSON.stringify(b)}`);
            assert.ok(b.limits?.memory, `${c.inputs.chart}: memory limit ${JSON.stringify(b)}`);
          }
        }
      });
    }
    // The values each chart's main container reads; every container the charts actually render
    // is walked in chart-values.spec.ts.
    it("the main containers' security-context values drop ALL, forbid escalation, run as non-root with RuntimeDefault seccomp", () => {
      const paths: [string, (v: any) => any][] = [
        ["cert-manager", (v) => v.containerSecurityContext],
        ["cert-manager", (v) => v.webhook.containerSecurityContext],
        ["cert-manager", (v) => v.cainjector.containerSecurityContext],
        ["aws-load-balancer-controller", (v) => v.securityContext],
        ["traefik", (v) => v.securityContext],
        ["external-dns", (v) => v.securityContext],
        ["argo-cd", (v) => v.server.containerSecurityContext],
        ["argo-cd", (v) => v.repoServer.containerSecurityContext],
        ["loki", (v) => v.loki.containerSecurityContext],
        ["tempo", (v) => v.tempo.securityContext],
        ["mimir-distributed", (v) => v.ingester.containerSecurityContext],
        ["grafana", (v) => v.containerSecurityContext],
        ["alloy", (v) => v.alloy.securityContext],
        ["kube-state-metrics", (v) => v.containerSecurityContext],
        ["prometheus-node-exporter", (v) => v.containerSecurityContext],
      ];
      for (const [chart, get] of paths) {
        const sc = get(values(runs.prod, chart));
        assert.strictEqual(sc.allowPrivilegeEscalation, false, chart);
        assert.deepStrictEqual(sc.capabilities.drop, ["ALL"], chart);
        assert.strictEqual(sc.runAsNonRoot, true, chart);
        assert.strictEqual(sc.seccompProfile.type, "RuntimeDefault", chart);
      }
      // Alloy's image runs as root by default: the chart must be told a UID.
      assert.ok(values(runs.prod, "alloy").alloy.securityContext.runAsUser > 0);
      assert.strictEqual(values(runs.prod, "grafana").initChownData.enabled, false);
    });
    it("hook Jobs and test tooling are disabled (helm.v4 would run them as plain objects)", () => {
      const r = runs.prod;
      assert.strictEqual(values(r, "cert-manager").startupapicheck.enabled, false);
      assert.strictEqual(values(r, "argo-cd").redisSecretInit.enabled, false);
      assert.strictEqual(values(r, "grafana").testFramework.enabled, false);
      assert.strictEqual(values(r, "loki").test.enabled, false);
      assert.strictEqual(values(r, "loki").lokiCanary.enabled, false);
      // The Secret the redis hook would have made exists, created by the program.
      assert.strictEqual((named(r, "kubernetes:core/v1:Secret", "argocd-redis").inputs as any).metadata.name, "argocd-redis");
    });
  });

  describe("TLS ingress", () => {
    it("Argo CD and Grafana are served over HTTPS with a certificate from the ClusterIssuer", () => {
      const r = runs.prod;
      const argo = values(r, "argo-cd").server.ingress;
      assert.strictEqual(argo.enabled, true);
      assert.strictEqual(argo.tls, true);
      assert.strictEqual(argo.ingressClassName, "traefik");
      assert.strictEqual(argo.hostname, "argocd.platform.example.com");
      assert.strictEqual(argo.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
      const g = values(r, "grafana").ingress;
      assert.strictEqual(g.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
      assert.deepStrictEqual(g.tls[0].hosts, g.hosts);
      assert.deepStrictEqual(g.hosts, ["grafana.platform.example.com"]);
      assert.strictEqual(r.outputs.argocdUrl, "https://argocd.platform.example.com");
      assert.strictEqual(r.outputs.grafanaUrl, "https://grafana.platform.example.com");
    });
    it("ClusterIssuers solve DNS-01 in the configured zone with the configured email", () => {
      for (const name of ["letsencrypt-staging", "letsencrypt-prod"]) {
        const ci = named(runs.prod, "kubernetes:cert-manager.io/v1:ClusterIssuer", `cert-manager-${name}`).inputs as any;
        assert.strictEqual(ci.metadata.name, name);
        assert.strictEqual(ci.spec.acme.email, "platform-team@example.com");
        assert.deepStrictEqual(ci.spec.acme.solvers[0].dns01.route53, { region: "eu-west-1", hostedZoneID: "Z0PRODEXAMPLE0000001" });
      }
      assert.deepStrictEqual(runs.prod.outputs.clusterIssuers, ["letsencrypt-staging", "letsencrypt-prod"]);
    });
    it("Traefik sits behind an internet-facing NLB and external-dns owns records per environment", () => {
      const svc = values(runs.prod, "traefik").service.annotations;
      assert.strictEqual(svc["service.beta.kubernetes.io/aws-load-balancer-type"], "external");
      assert.strictEqual(svc["service.beta.kubernetes.io/aws-load-balancer-scheme"], "internet-facing");
      assert.strictEqual(values(runs.dev, "external-dns").txtOwnerId, "platform-dev");
      assert.strictEqual(values(runs.prod, "external-dns").txtOwnerId, "platform-prod");
      assert.deepStrictEqual(values(runs.prod, "external-dns").domainFilters, ["platform.example.com"]);
    });
  });

  describe("ordering", () => {
    const dependsOnChart = (r: RunResult, res: RecordedResource, chart: string) => res.dependsOn.includes(chartOf(r, chart).urn);
    it("custom resources depend on the chart that brings their CRDs", () => {
      const r = runs.prod;
      for (const ci of byType(r, "kubernetes:cert-manager.io/v1:ClusterIssuer")) assert.ok(dependsOnChart(r, ci, "cert-manager"), ci.name);
      const argo = [...byType(r, "kubernetes:argoproj.io/v1alpha1:AppProject"), ...byType(r, "kubernetes:argoproj.io/v1alpha1:AppProjectPatch"), ...byType(r, "kubernetes:argoproj.io/v1alpha1:Application")];
      // default (a patch), platform-root, apps, and one AppProject per onboarded team (prod has one).
      assert.strictEqual(argo.length, 5);
      for (const x of argo) assert.ok(dependsOnChart(r, x, "argo-cd"), x.name);
    });
    it("Traefik depends on the load balancer controller (destroy removes the NLB first), which depends on cert-manager", () => {
      const r = runs.prod;
      const traefik = chartOf(r, "traefik");
      assert.ok(traefik.dependsOn.includes(chartOf(r, "aws-load-balancer-controller").urn));
      assert.ok(chartOf(r, "aws-load-balancer-controller").dependsOn.includes(chartOf(r, "cert-manager").urn));
    });
    it("independent components do not wait for each other", () => {
      const r = runs.prod;
      const urns = new Set(byType(r, CHART).map((c) => c.urn));
      for (const chart of ["loki", "tempo", "mimir-distributed", "grafana", "alloy", "argo-cd", "external-dns", "cert-manager"]) {
        assert.deepStrictEqual(chartOf(r, chart).dependsOn.filter((u) => urns.has(u)), [], chart);
      }
    });
  });

  describe("namespaces", () => {
    for (const env of ENVS) {
      it(`${env}: PSS labels, default deny, allows, LimitRange and ResourceQuota in every platform namespace`, () => {
        const r = runs[env];
        for (const name of Object.values(NAMESPACES)) {
          const ns = r.resources.find((x) => x.type === "kubernetes:core/v1:Namespace" && (x.inputs as any).metadata.name === name);
          assert.ok(ns, name);
          const labels = (ns.inputs as any).metadata.labels;
          assert.strictEqual(labels["pod-security.kubernetes.io/enforce"], "restricted", name);
          const inNs = (type: string) => r.resources.filter((x) => x.type === type && (x.inputs as any).metadata.namespace === name).map((x) => x.inputs as any);
          const policies = inNs("kubernetes:networking.k8s.io/v1:NetworkPolicy");
          const deny = policies.find((p) => p.metadata.name === "default-deny");
          assert.deepStrictEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, name);
          assert.ok(policies.some((p) => p.metadata.name === "allow-dns"), `${name} dns`);
          assert.strictEqual(inNs("kubernetes:core/v1:LimitRange").length, 1, name);
          const quota = inNs("kubernetes:core/v1:ResourceQuota");
          assert.strictEqual(quota.length, 1, name);
          assert.strictEqual(quota[0].spec.hard["services.loadbalancers"], name === NAMESPACES.ingress ? "1" : "0", name);
        }
      });
    }
    it("explicit allows: webhooks, API server, scraping, the ingress path, OTLP", () => {
      const r = runs.prod;
      const policy = (ns: string, name: string) => {
        const p = r.resources.find((x) => x.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && (x.inputs as any).metadata.namespace === ns && (x.inputs as any).metadata.name === name);
        assert.ok(p, `${ns}/${name}`);
        return (p.inputs as any).spec;
      };
      assert.deepStrictEqual(policy("cert-manager", "allow-webhooks").ingress[0].ports, [{ port: 10250, protocol: "TCP" }]);
      assert.deepStrictEqual(policy("aws-load-balancer", "allow-webhooks").ingress[0].ports, [{ port: 9443, protocol: "TCP" }]);
      assert.deepStrictEqual(policy("observability", "allow-api-server").egress[0].to.map((t: any) => t.ipBlock.cidr), ["172.20.0.1/32", "10.30.0.0/16"]);
      assert.deepStrictEqual(policy("argocd", "allow-from-ingress").ingress[0].from[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "ingress" });
      assert.deepStrictEqual(policy("ingress", "allow-from-load-balancer").ingress[0].ports.map((p: any) => p.port), [8000, 8443]);
      assert.deepStrictEqual(policy("observability", "allow-from-all-namespaces").ingress[0].ports.map((p: any) => p.port), [4317, 4318]);
      assert.deepStrictEqual(policy("cert-manager", "allow-scraping").ingress[0].from[0].namespaceSelector.matchLabels, { "kubernetes.io/metadata.name": "observability" });
      assert.ok(policy("observability", "allow-public-https").egress[0].to[0].ipBlock.except.includes("10.0.0.0/8"));
    });
  });

  describe("scrape wiring", () => {
    const scrapePorts = (r: RunResult, ns: string) => {
      const np = r.resources.find((x) => x.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy"
        && (x.inputs as any).metadata.namespace === ns && (x.inputs as any).metadata.name === "allow-scraping");
      assert.ok(np, `${ns} has no allow-scraping policy`);
      return (np.inputs as any).spec.ingress.flatMap((i: any) => i.ports.map((p: any) => p.port)).sort();
    };
    const annotated = (podAnnotations: Record<string, string> | undefined) =>
      podAnnotations?.["prometheus.io/scrape"] === "true" ? [Number(podAnnotations["prometheus.io/port"])] : [];
    for (const env of ENVS) {
      it(`${env}: Argo CD and external-dns open exactly the metrics ports their pods mark for Alloy`, () => {
        const r = runs[env];
        const argo = values(r, "argo-cd");
        const argoPorts = [argo.controller, argo.server, argo.repoServer, argo.applicationSet].flatMap((c) => annotated(c.podAnnotations)).sort();
        assert.deepStrictEqual(scrapePorts(r, NAMESPACES.argocd), argoPorts);
        assert.deepStrictEqual(argoPorts, [8082, 8083, 8084]);
        assert.strictEqual(argo["redis-ha"].haproxy.metrics.enabled, false, "HAProxy metrics would listen on a port nobody opens");
        assert.deepStrictEqual(scrapePorts(r, NAMESPACES.externalDns), annotated(values(r, "external-dns").podAnnotations));
      });
    }
  });

  describe("Tempo", () => {
    it("receives OTLP only, on the ports the Service and its clients use", () => {
      const v = values(runs.prod, "tempo");
      const config = JSON.parse(v.config);
      assert.deepStrictEqual(Object.keys(config.distributor.receivers), ["otlp"]);
      assert.strictEqual(config.distributor.receivers.otlp.protocols.grpc.endpoint, "0.0.0.0:4317");
      assert.strictEqual(config.server.http_listen_port, 3200);
      // The chart's port templates dereference every Jaeger protocol: blank, never null.
      for (const [name, p] of Object.entries(v.tempo.receivers.jaeger.protocols)) assert.deepStrictEqual(p, { endpoint: "" }, name);
      assert.deepStrictEqual(v.tempo.receivers.otlp, config.distributor.receivers.otlp);
    });
  });

  describe("Argo CD", () => {
    it("root Application follows the GitOps config, bounded by its AppProject", () => {
      const r = runs.prod;
      const app = named(r, "kubernetes:argoproj.io/v1alpha1:Application", "argocd-root-app").inputs as any;
      assert.deepStrictEqual(app.spec.source, { repoURL: "https://github.com/example-org/platform-gitops.git", path: "clusters/prod", targetRevision: "main", directory: { recurse: true } });
      assert.strictEqual(app.spec.project, "platform-root");
      const root = named(r, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-root-project").inputs as any;
      assert.deepStrictEqual(root.spec.namespaceResourceWhitelist, [{ group: "argoproj.io", kind: "Application" }]);
      assert.deepStrictEqual(root.spec.sourceRepos, ["https://github.com/example-org/platform-gitops.git"]);
      const apps = named(r, "kubernetes:argoproj.io/v1alpha1:AppProject", "argocd-apps-project").inputs as any;
      assert.deepStrictEqual(apps.spec.destinations.map((d: any) => d.namespace), ["apps", "apps-*"]);
      const locked = named(r, "kubernetes:argoproj.io/v1alpha1:AppProjectPatch", "argocd-default-project").inputs as any;
      assert.deepStrictEqual(locked.spec.sourceRepos, []);
    });
    it("admin password: bcrypt hash into the chart as a secret, plaintext only in Secrets Manager", () => {
      for (const env of ENVS) {
        assert.strictEqual(values(runs[env], "argo-cd").configs.secret.argocdServerAdminPassword, "[secret]");
        const versions = runs[env].resources.filter((x) => x.type === "aws:secretsmanager/secretVersion:SecretVersion");
        assert.deepStrictEqual(versions.map((v) => (v.inputs as any).secretString), ["[secret]", "[secret]"], env);
        for (const svc of ["argocd", "grafana"]) assert.match(String(runs[env].outputs[`${svc}AdminSecretArn`]), /^arn:aws:secretsmanager:/, `${env} ${svc}`);
      }
      assert.strictEqual(values(runs.prod, "grafana").admin.existingSecret, "grafana-admin");
    });
    it("notifications are off without Slack config and post sync/health events with it", () => {
      assert.deepStrictEqual(values(runs.dev, "argo-cd").notifications, { enabled: false });
      assert.ok(!byType(runs.dev, "kubernetes:core/v1:Secret").some((s) => s.name === "argocd-notifications"));
      const n = values(runs.full, "argo-cd").notifications;
      assert.strictEqual(n.enabled, true);
      assert.strictEqual(n.secret.create, false);
      assert.deepStrictEqual(n.subscriptions[0].recipients, ["slack:platform-alerts"]);
      assert.deepStrictEqual(n.subscriptions[0].triggers, ["on-sync-succeeded", "on-sync-failed", "on-health-degraded"]);
      for (const t of n.subscriptions[0].triggers) assert.ok(n.triggers[`trigger.${t}`], t);
      const secret = named(runs.full, "kubernetes:core/v1:Secret", "argocd-notifications").inputs as any;
      assert.strictEqual(secret.metadata.name, "argocd-notifications-secret");
      assert.strictEqual(secret.stringData, "[secret]");
    });
    it("OIDC SSO and repository credentials when configured", () => {
      const cm = values(runs.full, "argo-cd").configs.cm;
      assert.match(cm["oidc.config"], /issuer: https:\/\/login\.example\.com/);
      assert.match(cm["oidc.config"], /clientSecret: \$argocd-oidc:clientSecret/);
      const repo = named(runs.full, "kubernetes:core/v1:Secret", "argocd-repo").inputs as any;
      assert.strictEqual(repo.metadata.labels["argocd.argoproj.io/secret-type"], "repository");
      assert.strictEqual(repo.stringData, "[secret]");
      assert.ok(!("oidc.config" in values(runs.dev, "argo-cd").configs.cm));
    });
  });

  describe("secrets", () => {
    it("no secret value appears in any non-secret input or output", () => {
      const r = runs.full;
      const text = JSON.stringify({ resources: r.resources.map((x) => [x.inputs, x.outputs]), outputs: r.outputs });
      for (const v of Object.values(SECRETS)) assert.ok(!text.includes(v), `leaked ${v.slice(0, 12)}...`);
    });
  });

  describe("outputs", () => {
    it("give app teams what they need", () => {
      const o = runs.prod.outputs as any;
      assert.strictEqual(o.ingressClass, "traefik");
      assert.strictEqual(o.otlpGrpcEndpoint, "http://alloy.observability.svc.cluster.local:4317");
      assert.strictEqual(o.otlpHttpEndpoint, "http://alloy.observability.svc.cluster.local:4318");
      assert.deepStrictEqual(Object.keys(o.observabilityBuckets).sort(), ["lokiChunks", "lokiRuler", "mimirAlertmanager", "mimirBlocks", "mimirRuler", "tempoTraces"]);
    });
  });
});

describe("services config", () => {
  const base = { environment: "dev", region: "eu-west-1", domain: "dev.example.com", hostedZoneId: "Z0DEVEXAMPLE00000001" };
  const problems = (raw: Record<string, unknown>): string[] => {
    try {
      parseConfig(raw, { now: new Date("2026-08-01T00:00:00Z") });
    } catch (e) {
      assert.ok(e instanceof ConfigError, String(e));
      return e.problems;
    }
    return [];
  };
  const expectProblem = (raw: Record<string, unknown>, key: string) => {
    const p = problems(raw);
    assert.ok(p.some((m) => m.startsWith(`platform:${key}:`)), `expected a problem naming platform:${key}, got ${JSON.stringify(p)}`);
  };

  it("defaults: ACME email from the domain, GitOps path per environment, retention per environment", () => {
    const cfg = parseConfig(base, { now: new Date("2026-08-01T00:00:00Z") });
    assert.strictEqual(cfg.acmeEmail, "hostmaster@dev.example.com");
    assert.strictEqual(cfg.gitops.path, "clusters/dev");
    assert.strictEqual(cfg.gitops.revision, "main");
    assert.strictEqual(cfg.observability.retentionDays, 7);
    assert.strictEqual(cfg.slack, undefined);
    assert.strictEqual(cfg.oidc, undefined);
  });
  it("rejects a malformed ACME email", () => expectProblem({ ...base, acmeEmail: "not-an-email" }, "acmeEmail"));
  it("rejects a GitOps URL that is not a git URL", () => expectProblem({ ...base, gitopsRepoUrl: "ftp://example.com/repo" }, "gitopsRepoUrl"));
  it("rejects a GitOps path that escapes the repository", () => expectProblem({ ...base, gitopsPath: "../other" }, "gitopsPath"));
  it("rejects a Slack channel without a token", () => expectProblem({ ...base, slackChannel: "platform-alerts" }, "slackToken"));
  it("rejects partial OIDC settings", () => expectProblem({ ...base, oidcIssuer: "https://login.example.com" }, "oidcClientId"));
  it("rejects an OIDC issuer over plain http", () => expectProblem({ ...base, oidcIssuer: "http://login.example.com", oidcClientId: "a", oidcClientSecret: "b" }, "oidcIssuer"));
  it("rejects repository credentials over ssh", () => expectProblem({ ...base, gitopsRepoUrl: "ssh://git@example.com/repo.git", gitopsRepoUsername: "u", gitopsRepoPassword: "p" }, "gitopsRepoUrl"));
  it("rejects short retention in prod", () => expectProblem({ ...base, environment: "prod", observabilityRetentionDays: 7 }, "observabilityRetentionDays"));
  it("rejects a non-numeric retention", () => expectProblem({ ...base, observabilityRetentionDays: "a week" }, "observabilityRetentionDays"));
  it("refuses a credential stored in plain text", async () => {
    const cfg = loadStackConfig("dev");
    cfg.config["platform:slackChannel"] = "platform-alerts";
    cfg.config["platform:slackToken"] = "xoxb-plain";
    await assert.rejects(runProgram({ stack: "dev", config: cfg }), (e: Error) => /platform:slackToken: is a credential but is stored in plain text/.test(e.message));
  });
});

describe("image allow-list", () => {
  const fs = require("fs") as typeof import("fs");
  const path = require("path") as typeof import("path");
  const root = path.join(__dirname, "..", "..");
  const allowed = (env: string): string[] =>
    JSON.parse(fs.readFileSync(path.join(root, "policies", "kubernetes", "config", `${env}.json`), "utf8"))["k8s-image-allowed-registry"].allowedRegistries;
  /** Entries of `list` with no row of their own in the "Images and registries" table of docs/services.md. */
  const undocumented = (list: string[], doc: string): string[] => {
    const table = doc.split("## Images and registries")[1]?.split("\n## ")[0] ?? "";
    const firstCells = table.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split("|")[1]);
    return list.filter((e) => !firstCells.some((cell) => cell.includes(`\`${e}\``)));
  };
  const doc = fs.readFileSync(path.join(root, "docs", "services.md"), "utf8");

  it("is the same list in every environment, and every entry is justified in docs/services.md", () => {
    const prod = allowed("prod");
    assert.ok(prod.length > 0);
    for (const env of ["dev", "staging"]) assert.deepStrictEqual(allowed(env), prod, env);
    assert.deepStrictEqual(undocumented(prod, doc), []);
  });
  it("an entry without its own row in the table is reported", () => {
    assert.deepStrictEqual(undocumented([...allowed("prod"), "docker.io/bitnami"], doc), ["docker.io/bitnami"]);
    assert.deepStrictEqual(undocumented(["public.ecr.aws"], doc), ["public.ecr.aws"], "a prefix of a documented entry is not documented");
  });
});
