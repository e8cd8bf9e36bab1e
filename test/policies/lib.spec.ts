import * as assert from "assert";
import { imageAllowed, parseImage } from "../../policies/lib/image";
import { findPodSpec, workloadKind } from "../../policies/lib/podspec";
import { k8sObjectKey, k8sTypeToken, objectKey, parseK8sToken } from "../../policies/lib/tokens";
import { closest, globMatch } from "../../policies/lib/util";
import { ALL_KINDS, POD_PATH, TOKENS, workload } from "./fixtures";

describe("policies/lib", () => {
  it("maps apiVersion/kind to Pulumi type tokens (core group is `core`)", () => {
    assert.strictEqual(k8sTypeToken("v1", "Pod"), "kubernetes:core/v1:Pod");
    assert.strictEqual(k8sTypeToken("apps/v1", "Deployment"), "kubernetes:apps/v1:Deployment");
    assert.strictEqual(k8sTypeToken("batch/v1", "CronJob"), "kubernetes:batch/v1:CronJob");
    assert.strictEqual(k8sTypeToken("networking.k8s.io/v1", "Ingress"), "kubernetes:networking.k8s.io/v1:Ingress");
    assert.strictEqual(k8sTypeToken("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"), "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
    assert.deepStrictEqual(parseK8sToken("kubernetes:helm.sh/v4:Chart"), { group: "helm.sh", version: "v4", kind: "Chart" });
    assert.strictEqual(parseK8sToken("aws:s3/bucket:Bucket"), undefined);
  });

  it("object keys: Kind/namespace/name, Kind/name for cluster-scoped, type::name otherwise", () => {
    assert.strictEqual(k8sObjectKey("Deployment", { metadata: { name: "api", namespace: "web" } }, "x"), "Deployment/web/api");
    assert.strictEqual(k8sObjectKey("Deployment", { metadata: { name: "api" } }, "x"), "Deployment/default/api");
    assert.strictEqual(objectKey("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "x", { metadata: { name: "r" } }), "ClusterRole/r");
    assert.strictEqual(objectKey("kubernetes:core/v1:Namespace", "pulumi-name", {}), "Namespace/pulumi-name");
    assert.strictEqual(objectKey("aws:s3/bucket:Bucket", "logs", {}), "aws:s3/bucket:Bucket::logs");
  });

  it("finds the pod spec of every workload kind, by token or by kind", () => {
    for (const kind of ALL_KINDS) {
      const obj = workload(kind);
      for (const key of [TOKENS[kind], kind]) {
        const p = findPodSpec(key, obj)!;
        assert.strictEqual(p.path, POD_PATH[kind]);
        assert.deepStrictEqual(p.containers.map((c) => `${c.kind}:${c.name}`), ["initContainers:init", "containers:app"]);
      }
    }
    assert.strictEqual(workloadKind("kubernetes:apps/v1:Deployment"), "Deployment");
    assert.strictEqual(workloadKind("kubernetes:core/v1:Service"), undefined);
    assert.strictEqual(findPodSpec("Deployment", { spec: "oops" }), undefined);
    assert.deepStrictEqual(findPodSpec("Pod", { spec: { containers: "x", initContainers: [null, 3, { name: "ok" }] } })!.containers.map((c) => c.path), ["spec.initContainers[2]"]);
  });

  it("parses image references the way registries do", () => {
    const p = (s: string) => parseImage(s) as any;
    assert.deepStrictEqual(p("nginx"), { raw: "nginx", registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined });
    assert.strictEqual(p("registry:5000/app").tag, undefined);
    assert.strictEqual(p("registry:5000/app").registry, "registry:5000");
    assert.strictEqual(p("registry:5000/app:1.0").tag, "1.0");
    assert.strictEqual(p("localhost/app:1").registry, "localhost");
    assert.strictEqual(p("grafana/loki:3.7.6").repository, "grafana/loki");
    assert.ok("error" in parseImage("app:"));
    assert.ok("error" in parseImage("app@sha256:xyz"));
    assert.ok(imageAllowed(p("123.dkr.ecr.eu-west-1.amazonaws.com/a/b:1"), ["*.dkr.ecr.*.amazonaws.com"]));
    assert.ok(!imageAllowed(p("evil.com/123.dkr.ecr.eu-west-1.amazonaws.com/x:1"), ["*.dkr.ecr.*.amazonaws.com"]));
  });

  it("globs and did-you-mean", () => {
    assert.ok(globMatch("Deployment/apps/*", "Deployment/apps/api"));
    assert.ok(!globMatch("Deployment/apps/*", "StatefulSet/apps/api"));
    assert.ok(globMatch("a.b", "a.b") && !globMatch("a.b", "axb"));
    assert.strictEqual(closest("k8s-run-as-nonroot", ["k8s-run-as-non-root", "k8s-image-pinned"]), "k8s-run-as-non-root");
    assert.strictEqual(closest("zzzzzzzz", ["k8s-run-as-non-root"]), undefined);
  });
});
