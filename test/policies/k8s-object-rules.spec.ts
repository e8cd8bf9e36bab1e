import * as assert from "assert";
import * as k from "../../policies/kubernetes/rules";
import { defaultDenies } from "../../policies/kubernetes/rules/k8s-namespace-default-deny";
import { hostCovered } from "../../policies/kubernetes/rules/k8s-ingress-tls";
import { TOKENS, workload } from "./fixtures";
import { runResource, runStack, StackInput, urnOf } from "./harness";

const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role";
const CROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const RB = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding";
const CRB = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding";
const NS = "kubernetes:core/v1:Namespace";
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const ING = "kubernetes:networking.k8s.io/v1:Ingress";

const role = (rules: unknown, name = "reader") => ({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", metadata: { name, namespace: "apps" }, rules });
const binding = (roleRef: unknown, name = "b") => ({ metadata: { name }, roleRef, subjects: [{ kind: "Group", name: "devs" }] });

describe("kubernetes object rules", () => {
  describe("k8s-rbac-no-wildcards", () => {
    it("passes explicit verbs and resources", () => {
      assert.deepStrictEqual(runResource(k.rbacNoWildcards, ROLE, role([{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }])).messages, []);
    });
    it("fails wildcard verbs and wildcard resources, in Roles and ClusterRoles", () => {
      const m = runResource(k.rbacNoWildcards, CROLE, role([{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }, { apiGroups: ["apps"], resources: ["*"], verbs: ["get"] }])).messages;
      assert.deepStrictEqual(m.map((x) => x.split(":")[0]), ["rules[0].verbs", "rules[1].resources"]);
    });
    it("is not applicable to bindings", () => {
      assert.ok(runResource(k.rbacNoWildcards, CRB, binding({ name: "x" })).notApplicable !== undefined);
    });
  });

  describe("k8s-rbac-no-cluster-admin-binding", () => {
    it("fails ClusterRoleBindings and RoleBindings to cluster-admin", () => {
      for (const t of [CRB, RB]) {
        const m = runResource(k.rbacNoClusterAdminBinding, t, binding({ kind: "ClusterRole", name: "cluster-admin", apiGroup: "rbac.authorization.k8s.io" }, "ops")).messages;
        assert.strictEqual(m.length, 1, t);
        assert.match(m[0], /^roleRef\.name: binding "ops" grants cluster-admin/);
      }
    });
    it("passes other roles, a namespaced Role named cluster-admin, and allowlisted bindings", () => {
      assert.deepStrictEqual(runResource(k.rbacNoClusterAdminBinding, CRB, binding({ kind: "ClusterRole", name: "view" })).messages, []);
      assert.deepStrictEqual(runResource(k.rbacNoClusterAdminBinding, RB, binding({ kind: "Role", name: "cluster-admin" })).messages, []);
      assert.deepStrictEqual(
        runResource(k.rbacNoClusterAdminBinding, CRB, binding({ kind: "ClusterRole", name: "cluster-admin" }, "platform-break-glass"), { config: { allowedBindings: ["platform-*"] } }).messages,
        [],
      );
    });
  });

  describe("k8s-rbac-no-secret-read", () => {
    it("fails get/list/watch on all secrets", () => {
      for (const verbs of [["list"], ["get", "watch"], ["*"]]) {
        const m = runResource(k.rbacNoSecretRead, ROLE, role([{ apiGroups: [""], resources: ["secrets"], verbs }])).messages;
        assert.strictEqual(m.length, 1, verbs.join());
        assert.match(m[0], /^rules\[0\]: rule grants .* on all secrets/);
      }
    });
    it("fails wildcard resources in the core group, and says 'every namespace' for ClusterRoles", () => {
      const m = runResource(k.rbacNoSecretRead, CROLE, role([{ apiGroups: ["*"], resources: ["*"], verbs: ["get"] }])).messages;
      assert.match(m[0], /every namespace/);
    });
    it("passes named secrets, write-only verbs, other API groups and allowlisted roles", () => {
      const ok = [
        [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["app-tls"] }],
        [{ apiGroups: [""], resources: ["secrets"], verbs: ["create"] }],
        [{ apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"] }],
      ];
      for (const rules of ok) assert.deepStrictEqual(runResource(k.rbacNoSecretRead, ROLE, role(rules)).messages, [], JSON.stringify(rules));
      assert.deepStrictEqual(
        runResource(k.rbacNoSecretRead, ROLE, role([{ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }], "external-secrets"), { config: { allowedRoles: ["external-*"] } }).messages,
        [],
      );
    });
  });

  describe("k8s-namespace-pss-enforce", () => {
    const ns = (labels?: unknown) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name: "apps", labels } });
    it("passes restricted and baseline", () => {
      for (const l of ["restricted", "baseline"]) assert.deepStrictEqual(runResource(k.namespacePssEnforce, NS, ns({ "pod-security.kubernetes.io/enforce": l })).messages, []);
    });
    it("fails a missing label, privileged, and a non-string value", () => {
      for (const labels of [undefined, {}, { "pod-security.kubernetes.io/warn": "restricted" }, { "pod-security.kubernetes.io/enforce": "privileged" }, { "pod-security.kubernetes.io/enforce": true }]) {
        const m = runResource(k.namespacePssEnforce, NS, ns(labels)).messages;
        assert.strictEqual(m.length, 1, JSON.stringify(labels));
        assert.ok(m[0].startsWith('metadata.labels["pod-security.kubernetes.io/enforce"]'));
      }
    });
    it("allowedLevels can require restricted", () => {
      assert.strictEqual(runResource(k.namespacePssEnforce, NS, ns({ "pod-security.kubernetes.io/enforce": "baseline" }), { config: { allowedLevels: ["restricted"] } }).messages.length, 1);
    });
  });

  describe("k8s-ingress-tls", () => {
    const ingress = (spec: unknown, annotations: unknown = { "cert-manager.io/cluster-issuer": "letsencrypt" }) => ({
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: { name: "web", namespace: "apps", annotations },
      spec,
    });
    const rules = (...hosts: (string | undefined)[]) => hosts.map((host) => ({ host, http: { paths: [] } }));
    it("hostCovered: exact, and a wildcard covers exactly one label", () => {
      assert.ok(hostCovered("a.example.com", "A.example.com"));
      assert.ok(hostCovered("*.example.com", "a.example.com"));
      assert.ok(!hostCovered("*.example.com", "example.com"));
      assert.ok(!hostCovered("*.example.com", "a.b.example.com"));
    });
    it("passes when every host is covered", () => {
      const ok = ingress({ tls: [{ hosts: ["a.example.com", "*.apps.example.com"], secretName: "web-tls" }], rules: rules("a.example.com", "x.apps.example.com") });
      assert.deepStrictEqual(runResource(k.ingressTls, ING, ok).messages, []);
      assert.deepStrictEqual(runResource(k.ingressTls, "kubernetes:extensions/v1beta1:Ingress", ok).messages, []);
    });
    it("fails without spec.tls", () => {
      const m = runResource(k.ingressTls, ING, ingress({ rules: rules("a.example.com") })).messages;
      assert.deepStrictEqual(m.map((x) => x.split(":")[0]), ["spec.tls"]);
    });
    it("fails an uncovered host and a host-less rule", () => {
      const m = runResource(k.ingressTls, ING, ingress({ tls: [{ hosts: ["a.example.com"], secretName: "t" }], rules: rules("a.example.com", "b.example.com", undefined) })).messages;
      assert.deepStrictEqual(m.map((x) => x.split(":")[0]), ["spec.rules[1].host", "spec.rules[2].host"]);
    });
    it("fails a TLS entry without secretName", () => {
      assert.match(runResource(k.ingressTls, ING, ingress({ tls: [{ hosts: ["a.example.com"] }], rules: rules("a.example.com") })).messages[0], /^spec\.tls\[0\]\.secretName/);
    });
    it("fails without a cert-manager issuer annotation; the namespaced issuer also counts", () => {
      const spec = { tls: [{ hosts: ["a.example.com"], secretName: "t" }], rules: rules("a.example.com") };
      const m = runResource(k.ingressTls, ING, ingress(spec, { "kubernetes.io/ingress.class": "alb" })).messages;
      assert.strictEqual(m.length, 1);
      assert.match(m[0], /cert-manager issuer/);
      assert.deepStrictEqual(runResource(k.ingressTls, ING, ingress(spec, { "cert-manager.io/issuer": "local" })).messages, []);
    });
  });

  describe("k8s-namespace-default-deny (stack)", () => {
    const np = (ns: string, spec: unknown, name = "default-deny"): StackInput => ({ type: NP, name: `${ns}-${name}`, props: { metadata: { name, namespace: ns }, spec } });
    const deploy = (ns: string | undefined, name = "api"): StackInput => {
      const props = workload("Deployment", undefined, ns ?? "x", name);
      if (ns === undefined) delete props.metadata.namespace;
      return { type: TOKENS.Deployment, name: `${ns}-${name}`, props };
    };
    const denyAll = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

    it("defaultDenies follows Kubernetes' policyTypes defaulting", () => {
      assert.deepStrictEqual(defaultDenies({ spec: denyAll }), { ingress: true, egress: true });
      assert.deepStrictEqual(defaultDenies({ spec: { podSelector: {} } }), { ingress: true, egress: false });
      assert.deepStrictEqual(defaultDenies({ spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] } }), { ingress: false, egress: true });
      assert.deepStrictEqual(defaultDenies({ spec: { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] } }), { ingress: false, egress: false });
    });
    it("passes a namespace with a default-deny for both directions (one policy or two)", () => {
      assert.deepStrictEqual(runStack(k.namespaceDefaultDeny, [deploy("apps"), np("apps", denyAll)]).violations, []);
      const two = [deploy("apps"), np("apps", { podSelector: {}, policyTypes: ["Ingress"] }, "in"), np("apps", { podSelector: {}, policyTypes: ["Egress"] }, "out")];
      assert.deepStrictEqual(runStack(k.namespaceDefaultDeny, two).violations, []);
    });
    it("fails a namespace with only an Ingress default-deny, naming Egress", () => {
      const v = runStack(k.namespaceDefaultDeny, [deploy("apps"), np("apps", { podSelector: {}, policyTypes: ["Ingress"] })]).violations;
      assert.strictEqual(v.length, 1);
      assert.match(v[0].message, /namespace "apps".*for Egress/);
      assert.deepStrictEqual(runStack(k.namespaceDefaultDeny, [deploy("apps"), np("apps", { podSelector: {}, policyTypes: ["Ingress"] })], { requireEgress: false }).violations, []);
    });
    it("fails when the only policy selects some pods, or allows all ingress", () => {
      assert.strictEqual(runStack(k.namespaceDefaultDeny, [deploy("apps"), np("apps", { ...denyAll, podSelector: { matchLabels: { a: "b" } } })]).violations.length, 1);
      assert.strictEqual(runStack(k.namespaceDefaultDeny, [deploy("apps"), np("apps", { ...denyAll, ingress: [{}] })]).violations.length, 1);
    });
    it("a policy in another namespace does not count; workloads without a namespace are in default", () => {
      const v = runStack(k.namespaceDefaultDeny, [deploy("apps"), np("other", denyAll), deploy(undefined)]).violations;
      assert.deepStrictEqual(v.map((x) => /namespace "([^"]+)"/.exec(x.message)![1]).sort(), ["apps", "default"]);
    });
    it("reports against the Namespace resource when there is one, else the first workload", () => {
      const nsRes: StackInput = { type: NS, name: "apps-ns", props: { metadata: { name: "apps" } } };
      const inputs = [deploy("apps"), nsRes, deploy("web")];
      const v = runStack(k.namespaceDefaultDeny, inputs).violations;
      assert.deepStrictEqual(v.map((x) => x.urn).sort(), [urnOf(nsRes, 1), urnOf(inputs[2], 2)].sort());
    });
    it("namespaces without workloads are not checked; ignoreNamespaces skips", () => {
      assert.deepStrictEqual(runStack(k.namespaceDefaultDeny, [{ type: NS, props: { metadata: { name: "empty" } } }]).violations, []);
      assert.deepStrictEqual(runStack(k.namespaceDefaultDeny, [deploy("kube-system")], { ignoreNamespaces: ["kube-system"] }).violations, []);
    });
    it("exemptions by namespace glob are listed, not reported", () => {
      const out = runStack(k.namespaceDefaultDeny, [deploy("kube-system")], { exemptions: [{ resource: "*/kube-system/*", reason: "EKS add-ons, managed by AWS" }] });
      assert.deepStrictEqual(out.violations, []);
      assert.strictEqual(out.exempted.length, 1);
      assert.strictEqual(out.exempted[0].reason, "EKS add-ons, managed by AWS");
    });
    // Speed is measured in `npm run bench` (tools/bench/policy.ts), not asserted here.
    it("at scale: 20,000 workloads in 2,000 namespaces, one namespace without default-deny, one report", () => {
      const inputs: StackInput[] = [];
      for (let i = 0; i < 20000; i++) inputs.push(deploy(`ns${i % 2000}`, `w${i}`));
      for (let n = 1; n < 2000; n++) inputs.push(np(`ns${n}`, denyAll));
      const v = runStack(k.namespaceDefaultDeny, inputs).violations;
      assert.strictEqual(v.length, 1);
      assert.match(v[0].message, /"ns0"/);
    });
  });
});
