// Each rule's findings compared whole (field path, wording, fix) over the edge values that decide them:
// what counts as set, which list entries are read, which wording a kind gets. The messages are what a
// developer reads in the plan or the pull-request comment, so a changed word is a changed product.
import * as assert from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import * as k from "../../policies/kubernetes/rules";
import * as a from "../../policies/aws/rules";
import { T } from "../../policies/lib/aws";
import { podWith, TOKENS, workload } from "./fixtures";
import { runResource, runStack, StackInput } from "./harness";

type Spec = Record<string, any>;
const R = (p: unknown, type: string, props: unknown, config?: Record<string, unknown>) => runResource(p as ResourceValidationPolicy, type, props, { config }).messages;
const S = (p: unknown, inputs: StackInput[], config?: Record<string, unknown>) => runStack(p as StackValidationPolicy, inputs, config).violations.map((v) => `${v.urn ?? "stack"} ${v.message}`);
const D = (mutate: (s: Spec) => void, config?: Record<string, unknown>, p: unknown = k.resourcesSet) => R(p, TOKENS.Deployment, workload("Deployment", podWith(mutate)), config);
const app = (s: Spec) => s.containers[0];
const role = (kind: "Role" | "ClusterRole", rules: unknown[], name = "r") => R(k.rbacNoSecretRead, `kubernetes:rbac.authorization.k8s.io/v1:${kind}`, { metadata: { name }, rules });
const ns = (labels: unknown, config?: Record<string, unknown>) => R(k.namespacePssEnforce, "kubernetes:core/v1:Namespace", { metadata: { name: "n", labels } }, config);
const ing = (spec: unknown, annotations: unknown = { "cert-manager.io/cluster-issuer": "le" }, config?: Record<string, unknown>) => R(k.ingressTls, "kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "i", annotations }, spec }, config);
const sg = (ingress: unknown[], config?: Record<string, unknown>) => R(a.sgNoPublicIngress, T.securityGroup, { ingress }, config);
const NP = (name: string, ns: string, spec: unknown) => ({ type: "kubernetes:networking.k8s.io/v1:NetworkPolicy", name, props: { metadata: { name, namespace: ns }, spec } });
const DEP = (ns: string | undefined, name = "api") => ({ type: TOKENS.Deployment, name, props: { metadata: { name, namespace: ns } } });
const doc = (...Statement: unknown[]) => JSON.stringify({ Statement });

// [rule, case, thunk]
const CASES: [string, string, () => string[]][] = [
  ["k8s-resources-set", "unset, null, empty, zero, negative, non-finite, non-quantity values", () => D((s) => (app(s).resources = { requests: { cpu: "", memory: null }, limits: { memory: 0 } }))],
  ["k8s-resources-set", "a negative number, a boolean, a bad string, zero strings", () => D((s) => {
    app(s).resources = { requests: { cpu: -1, memory: Infinity }, limits: { memory: true } };
    s.initContainers[0].resources = { requests: { cpu: "abc", memory: "0Mi" }, limits: { memory: "0.0" } };
  })],
  ["k8s-resources-set", "quantities with whitespace, fractions and exponents are set; requests default to limits", () => D((s) => {
    app(s).resources = { requests: { cpu: " 100m " }, limits: { memory: 0.5, cpu: "1e3" } };
    s.initContainers[0].resources = { limits: { cpu: ".5", memory: "+1Gi" } };
  })],
  ["k8s-resources-set", "requireCpuLimit adds limits.cpu; ephemeral containers are exempt", () => D((s) => {
    s.ephemeralContainers = [{ name: "dbg", image: "x:1" }];
  }, { requireCpuLimit: true })],
  ["k8s-namespace-pss-enforce", "no label, empty, null, privileged, a number, a level outside allowedLevels", () => [
    ...ns({}), ...ns({ "pod-security.kubernetes.io/enforce": "" }), ...ns({ "pod-security.kubernetes.io/enforce": null }),
    ...ns({ "pod-security.kubernetes.io/enforce": "privileged" }), ...ns({ "pod-security.kubernetes.io/enforce": 5 }),
    ...ns({ "pod-security.kubernetes.io/enforce": "baseline" }, { allowedLevels: ["restricted"] }), ...ns({ "pod-security.kubernetes.io/enforce": "restricted" }, { allowedLevels: ["restricted"] }),
  ]],
  ["k8s-probes-set", "null, malformed and handler-less probes", () => D((s) => { app(s).livenessProbe = null; app(s).readinessProbe = "x"; s.containers.push({ name: "b", image: "x:1", livenessProbe: {}, readinessProbe: { httpGet: "x", initialDelaySeconds: 1 } }); }, undefined, k.probesSet)],
  ["k8s-rbac-no-secret-read", "which rules read all secrets, and the wording for Role and ClusterRole", () => [
    ...role("ClusterRole", [
      { apiGroups: ["apps"], resources: ["secrets"], verbs: ["get"] },
      { apiGroups: ["*"], resources: ["*"], verbs: ["list", "create", 5] },
      { apiGroups: [""], resources: ["pods", "secrets"], verbs: ["create"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "watch"], resourceNames: ["", 5] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get"], resourceNames: ["db"] },
      { apiGroups: [""], resources: ["configmaps"], verbs: ["*"] },
    ]),
    ...role("Role", [{ apiGroups: [""], resources: ["secrets"], verbs: ["*"] }]),
    ...R(k.rbacNoSecretRead, "kubernetes:rbac.authorization.k8s.io/v1:Role", { metadata: { name: "ops-reader" }, rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }] }, { allowedRoles: ["ops-*"] }),
  ]],
  ["k8s-rbac-no-wildcards", "wildcards in verbs and resources, */* included", () => R(k.rbacNoWildcards, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", { rules: [{ verbs: ["get"], resources: ["*/*"] }, { verbs: ["get", "*"], resources: ["pods"] }, "x", { verbs: ["get"], resources: ["pods/*"] }] })],
  ["k8s-rbac-no-cluster-admin-binding", "a Role named cluster-admin, a kind-less roleRef, an allowed binding", () => {
    const b = (roleRef: unknown, name = "b", config?: Record<string, unknown>) => R(k.rbacNoClusterAdminBinding, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", { metadata: { name }, roleRef }, config);
    return [...b({ kind: "Role", name: "cluster-admin" }), ...b({ name: "cluster-admin" }), ...b({ kind: "ClusterRole", name: "cluster-admin" }, "break-glass", { allowedBindings: ["break-*"] }), ...b({ kind: "ClusterRole", name: "cluster-admin" }, "ci")];
  }],
  ["k8s-ingress-tls", "no TLS, a malformed entry, no secretName, a host without a rule host, an uncovered host, no issuer", () => ing({ tls: [5, { hosts: ["a.example.com", 7] }], rules: [{ host: "b.example.com" }, {}, { host: "a.example.com" }] }, { "cert-manager.io/cluster-issuer": "" })],
  ["k8s-ingress-tls", "wildcards cover one label only; no TLS at all; a custom issuer annotation list", () => [
    ...ing({ tls: [{ hosts: ["*.example.com"], secretName: "s" }], rules: [{ host: "A.Example.com" }, { host: "x.a.example.com" }, { host: ".example.com" }] }),
    ...ing({ rules: [{ host: "a.example.com" }] }, {}),
    ...ing({ tls: [{ hosts: ["a"], secretName: "s" }], rules: [{ host: "a" }] }, { "cert-manager.io/cluster-issuer": "le" }, { issuerAnnotations: ["example.com/issuer"] }),
    ...ing({ tls: [{ hosts: ["a"], secretName: "s" }], rules: [{ host: "a" }] }, {}, { issuerAnnotations: [] }),
  ]],
  ["k8s-image-allowed-registry", "the allowed list in the message: up to four, more, none", () => [
    ...D((s) => (app(s).image = "evil.io/x:1"), { allowedRegistries: ["a.io", "b.io"] }, k.imageAllowedRegistry),
    ...D((s) => (app(s).image = "evil.io/x:1"), { allowedRegistries: ["a.io", "b.io", "c.io", "d.io", "e.io", "f.io"] }, k.imageAllowedRegistry),
    ...D((s) => (app(s).image = "evil.io/x:1"), { allowedRegistries: ["a.io", "b.io", "c.io", "d.io"] }, k.imageAllowedRegistry),
    ...D((s) => { app(s).image = "evil.io/x:1"; s.initContainers[0].image = 5; s.containers.push({ name: "bad", image: "Bad Ref" }); }, { allowedRegistries: [] }, k.imageAllowedRegistry),
  ]],
  ["k8s-no-secrets-in-env", "plain values of secret-looking names; empty or null values and meta names pass", () => D((s) => (app(s).env = [
    { name: "db-password", value: "x" }, { name: "PASSWORD_FILE", value: "/f" }, { name: "API_TOKEN", value: "" }, { name: "SECRET", value: null }, { name: "apiKey", value: "k" },
    { name: "KEY", value: "k" }, { name: "KEY_PREFIX", value: "p" }, { name: "__", value: "x" }, { name: "PWD", value: "/" }, { name: "MY_PWD", value: "p" }, "x", { value: "v" },
  ]), undefined, k.noSecretsInEnv)],
  ["k8s-run-as-non-root", "GID 0 from the pod or the container; allowRootGroup", () => [
    ...D((s) => (s.securityContext.runAsGroup = 0), undefined, k.runAsNonRoot),
    ...D((s) => (app(s).securityContext.runAsGroup = "0"), undefined, k.runAsNonRoot),
    ...D((s) => (s.securityContext.runAsGroup = 0), { allowRootGroup: true }, k.runAsNonRoot),
  ]],
  ["k8s-seccomp-runtime-default", "Localhost without a profile file, pod and container", () => D((s) => { s.securityContext.seccompProfile = { type: "Localhost" }; app(s).securityContext.seccompProfile = { type: "Localhost", localhostProfile: "" }; }, undefined, k.seccompRuntimeDefault)],
  ["k8s-image-pinned", "requireDigest: a tag alone is not enough", () => D((s) => (s.initContainers[0].image = "x@sha256:" + "ab".repeat(32)), { requireDigest: true }, k.imagePinned)],
  ["k8s-namespace-default-deny", "which NetworkPolicies deny by default, per namespace, and the message", () => S(k.namespaceDefaultDeny, [
    DEP("a"), NP("a1", "a", { podSelector: { matchLabels: { app: "x" } }, policyTypes: ["Ingress", "Egress"] }),
    DEP("b"), NP("b1", "b", { policyTypes: ["Ingress", "Egress"] }),
    DEP("c"), NP("c1", "c", { podSelector: {}, egress: null }), { type: "kubernetes:core/v1:Namespace", name: "c-ns", props: { metadata: { name: "c" } } },
    DEP("d"), NP("d1", "d", { podSelector: {}, egress: [] }),
    DEP("e"), NP("e1", "e", { podSelector: { matchExpressions: [{ key: "a", operator: "Exists" }] }, policyTypes: ["Ingress", "Egress"] }),
    DEP("f"), NP("f1", "f", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}] }), NP("f2", "f", { podSelector: {}, policyTypes: ["Egress"] }),
    DEP(undefined), NP("g", "x", null), { type: "aws:s3/bucket:Bucket", name: "b", props: {} }, { type: "kubernetes:core/v1:ConfigMap", name: "cm", props: { metadata: { namespace: "h" } } },
  ])],
  ["k8s-namespace-default-deny", "requireEgress false, ignoreNamespaces", () => S(k.namespaceDefaultDeny, [DEP("a"), NP("a1", "a", { podSelector: {} }), DEP("b")], { requireEgress: false, ignoreNamespaces: ["b"] })],
  ["aws-ecr-immutable-tags", "mutable by default, explicitly, with exclusions unless allowed", () => [
    ...R(a.ecrImmutableTags, T.ecrRepository, {}), ...R(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "MUTABLE" }),
    ...R(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }), ...R(a.ecrImmutableTags, T.ecrRepository, { imageTagMutability: "IMMUTABLE_WITH_EXCLUSION" }, { allowExclusions: true }),
  ]],
  ["aws-eks-*", "messages and fixes of the three cluster rules", () => [
    ...R(a.eksControlPlaneLogging, T.eksCluster, { enabledClusterLogTypes: ["api"] }),
    ...R(a.eksEndpointNotPublic, T.eksCluster, {}), ...R(a.eksEndpointNotPublic, T.eksCluster, { vpcConfig: { publicAccessCidrs: ["10.0.0.0/8", "0.0.0.0/0"] } }),
    ...R(a.eksSecretsEncryption, T.eksCluster, {}), ...R(a.eksSecretsEncryption, T.eksCluster, { encryptionConfig: { resources: ["configmaps"], provider: {} } }),
  ]],
  ["aws-iam-no-admin-statements", "documents of every shape; Action * and NotAction on every resource", () => [
    ...R(a.iamNoAdminStatements, T.iamPolicy, {}), ...R(a.iamNoAdminStatements, T.iamPolicy, { policy: null }), ...R(a.iamNoAdminStatements, T.iamPolicy, { policy: 5 }),
    ...R(a.iamNoAdminStatements, T.iamPolicy, { policy: "{" }), ...R(a.iamNoAdminStatements, T.iamPolicy, { policy: "[]" }),
    ...R(a.iamNoAdminStatements, T.iamPolicy, { policy: doc({ Effect: "Allow", Action: "*:*", Resource: ["arn:x", "*"] }, { Effect: "Deny", Action: "*", Resource: "*" }, { Effect: "Allow", Action: "*", Resource: "arn:x" }, { Effect: "Allow", Action: "s3:*", NotResource: "arn:x" }) }),
    ...R(a.iamNoAdminStatements, T.iamUserPolicy, { policy: { Statement: { Effect: "Allow", NotAction: ["iam:*", "organizations:*"], Resource: "*" } } }),
    ...R(a.iamNoAdminStatements, T.iamGroupPolicy, { policy: { Statement: [{ Effect: "Allow", NotAction: 5, NotResource: "arn:x" }, { Effect: "Allow", NotAction: "s3:*", Resource: "arn:x" }] } }),
    ...R(a.iamNoAdminStatements, T.iamRole, { inlinePolicies: [{ name: "a", policy: doc({ Effect: "Allow", Action: "*", Resource: "*" }) }, "x", { name: "b" }] }),
  ]],
  ["aws-imdsv2-required", "the hop limit at, above, and as a string; disabled endpoint", () => [
    ...R(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 } }),
    ...R(a.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: "3" } }),
    ...R(a.imdsv2Required, T.instance, { metadataOptions: { httpEndpoint: "disabled", httpTokens: "optional", httpPutResponseHopLimit: 9 } }),
    ...R(a.imdsv2Required, T.instance, { metadataOptions: { httpEndpoint: "enabled", httpTokens: "optional" } }),
  ]],
  ["aws-kms-key-rotation", "off by default, explicitly false, a non-symmetric spec by either key", () => [
    ...R(a.kmsKeyRotation, T.kmsKey, {}), ...R(a.kmsKeyRotation, T.kmsKey, { enableKeyRotation: "true" }),
    ...R(a.kmsKeyRotation, T.kmsKey, { keySpec: "HMAC_256" }), ...R(a.kmsKeyRotation, T.kmsKey, { keySpec: "SYMMETRIC_DEFAULT" }),
  ]],
  ["aws-sg-no-public-ingress", "protocols, port ranges, IPv6, all traffic", () => [
    ...sg([{ protocol: " TCP ", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, { protocol: 6, fromPort: "80", toPort: "80", ipv6CidrBlocks: ["::/0"] }]),
    ...sg([{ protocol: "tcp", fromPort: 80, toPort: 443, cidrBlocks: ["10.0.0.0/8", "0.0.0.0/0"] }]),
    ...sg([{ protocol: "tcp", fromPort: 443, toPort: 80, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }]),
    ...sg([{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { protocol: "all", ipv6CidrBlocks: ["::/0"] }, { protocol: null, fromPort: 1, toPort: 2, cidrBlocks: ["0.0.0.0/0"] }, "x"]),
    ...sg([{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }], { allowedPorts: [] }),
    ...sg([{ protocol: "tcp", fromPort: 22, cidrBlocks: ["0.0.0.0/0"] }]),
    ...R(a.sgNoPublicIngress, T.securityGroupRule, { type: "egress", protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }),
    ...R(a.sgNoPublicIngress, T.securityGroupRule, { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] }),
    ...R(a.sgNoPublicIngress, T.sgIngressRule, { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0", cidrIpv6: "::/0" }),
    ...R(a.sgNoPublicIngress, T.defaultSecurityGroup, { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }] }),
  ]],
];

const EXPECTED: Record<string, string[]> = {
  "k8s-resources-set: unset, null, empty, zero, negative, non-finite, non-quantity values": [
    "spec.template.spec.containers[0].resources.requests.cpu: container \"app\": requests.cpu is not set. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.requests.memory: container \"app\": requests.memory is 0. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.limits.memory: container \"app\": limits.memory is 0. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container"
  ],
  "k8s-resources-set: a negative number, a boolean, a bad string, zero strings": [
    "spec.template.spec.initContainers[0].resources.requests.cpu: init container \"init\": requests.cpu is not a valid quantity (\"abc\"). Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.initContainers[0].resources.requests.memory: init container \"init\": requests.memory is zero. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.initContainers[0].resources.limits.memory: init container \"init\": limits.memory is zero. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.requests.cpu: container \"app\": requests.cpu is -1. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.requests.memory: container \"app\": requests.memory is not a quantity (true). Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.limits.memory: container \"app\": limits.memory is not a quantity (true). Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container"
  ],
  "k8s-resources-set: quantities with whitespace, fractions and exponents are set; requests default to limits": [],
  "k8s-resources-set: requireCpuLimit adds limits.cpu; ephemeral containers are exempt": [
    "spec.template.spec.initContainers[0].resources.limits.cpu: init container \"init\": limits.cpu is not set. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
    "spec.template.spec.containers[0].resources.limits.cpu: container \"app\": limits.cpu is not set. Fix: set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container"
  ],
  "k8s-namespace-pss-enforce: no label, empty, null, privileged, a number, a level outside allowedLevels": [
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: the Namespace has no Pod Security Standards enforce label, so any pod is admitted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)",
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: the Namespace has no Pod Security Standards enforce label, so any pod is admitted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)",
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: the Namespace has no Pod Security Standards enforce label, so any pod is admitted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)",
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: enforce level \"privileged\" is not one of baseline, restricted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)",
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: enforce level 5 is not one of baseline, restricted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)",
    "metadata.labels[\"pod-security.kubernetes.io/enforce\"]: enforce level \"baseline\" is not one of restricted. Fix: label the Namespace `pod-security.kubernetes.io/enforce: restricted` (or baseline, with the reason in a comment next to it)"
  ],
  "k8s-probes-set: null, malformed and handler-less probes": [
    "spec.template.spec.containers[0].livenessProbe: container \"app\" has no livenessProbe. Fix: add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to the container",
    "spec.template.spec.containers[0].readinessProbe: container \"app\" has a malformed readinessProbe (\"x\"). Fix: add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to the container",
    "spec.template.spec.containers[1].livenessProbe: container \"b\" livenessProbe has no handler (exec, httpGet, tcpSocket or grpc). Fix: add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to the container",
    "spec.template.spec.containers[1].readinessProbe: container \"b\" readinessProbe has no handler (exec, httpGet, tcpSocket or grpc). Fix: add livenessProbe and readinessProbe (httpGet, tcpSocket, grpc or exec) to the container"
  ],
  "k8s-rbac-no-secret-read: which rules read all secrets, and the wording for Role and ClusterRole": [
    "rules[1]: rule grants list on all secrets in every namespace. Fix: scope the rule with resourceNames to the secrets the subject needs, or drop the read verbs",
    "rules[3]: rule grants get/watch on all secrets in every namespace. Fix: scope the rule with resourceNames to the secrets the subject needs, or drop the read verbs",
    "rules[0]: rule grants * on all secrets in the namespace. Fix: scope the rule with resourceNames to the secrets the subject needs, or drop the read verbs"
  ],
  "k8s-rbac-no-wildcards: wildcards in verbs and resources, */* included": [
    "rules[0].resources: rule grants a wildcard in resources. Fix: list the exact verbs and resources the subject needs",
    "rules[1].verbs: rule grants a wildcard in verbs. Fix: list the exact verbs and resources the subject needs"
  ],
  "k8s-rbac-no-cluster-admin-binding: a Role named cluster-admin, a kind-less roleRef, an allowed binding": [
    "roleRef.name: binding \"b\" grants cluster-admin. Fix: bind a narrower role that grants only what the subject needs (or add the binding to allowedBindings with a reason in the config)",
    "roleRef.name: binding \"ci\" grants cluster-admin. Fix: bind a narrower role that grants only what the subject needs (or add the binding to allowedBindings with a reason in the config)"
  ],
  "k8s-ingress-tls: no TLS, a malformed entry, no secretName, a host without a rule host, an uncovered host, no issuer": [
    "spec.tls[0]: TLS entry is malformed (5). Fix: add spec.tls: [{hosts: [<every rule host>], secretName: <name>}] and the annotation cert-manager.io/cluster-issuer: <issuer>",
    "spec.tls[1].secretName: TLS entry has no secretName for cert-manager to fill. Fix: set secretName",
    "spec.rules[0].host: host \"b.example.com\" is not covered by any spec.tls[].hosts. Fix: add \"b.example.com\" to spec.tls[].hosts",
    "spec.rules[1].host: rule has no host, so no certificate can match it. Fix: set the rule's host (and list it in spec.tls[].hosts)",
    "metadata.annotations[\"cert-manager.io/cluster-issuer\"]: no cert-manager issuer annotation (cert-manager.io/cluster-issuer or cert-manager.io/issuer). Fix: annotate the Ingress with cert-manager.io/cluster-issuer: <issuer>"
  ],
  "k8s-ingress-tls: wildcards cover one label only; no TLS at all; a custom issuer annotation list": [
    "spec.rules[1].host: host \"x.a.example.com\" is not covered by any spec.tls[].hosts. Fix: add \"x.a.example.com\" to spec.tls[].hosts",
    "spec.rules[2].host: host \".example.com\" is not covered by any spec.tls[].hosts. Fix: add \".example.com\" to spec.tls[].hosts",
    "spec.tls: the Ingress has no TLS section, so it serves plain HTTP. Fix: add spec.tls: [{hosts: [<every rule host>], secretName: <name>}] and the annotation cert-manager.io/cluster-issuer: <issuer>",
    "metadata.annotations[\"cert-manager.io/cluster-issuer\"]: no cert-manager issuer annotation (cert-manager.io/cluster-issuer or cert-manager.io/issuer). Fix: annotate the Ingress with cert-manager.io/cluster-issuer: <issuer>",
    "metadata.annotations[\"example.com/issuer\"]: no cert-manager issuer annotation (example.com/issuer). Fix: annotate the Ingress with example.com/issuer: <issuer>",
    "invalid config for policy k8s-ingress-tls: k8s-ingress-tls.issuerAnnotations: list at least one annotation: an empty list would fail every Ingress"
  ],
  "k8s-image-allowed-registry: the allowed list in the message: up to four, more, none": [
    "spec.template.spec.initContainers[0].image: init container \"init\" image \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2\" comes from 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api, which is not in allowedRegistries (a.io, b.io). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.containers[0].image: container \"app\" image \"evil.io/x:1\" comes from evil.io/x, which is not in allowedRegistries (a.io, b.io). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.initContainers[0].image: init container \"init\" image \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2\" comes from 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api, which is not in allowedRegistries (a.io, b.io, c.io, d.io, ... 2 more). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.containers[0].image: container \"app\" image \"evil.io/x:1\" comes from evil.io/x, which is not in allowedRegistries (a.io, b.io, c.io, d.io, ... 2 more). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.initContainers[0].image: init container \"init\" image \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2\" comes from 123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api, which is not in allowedRegistries (a.io, b.io, c.io, d.io). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.containers[0].image: container \"app\" image \"evil.io/x:1\" comes from evil.io/x, which is not in allowedRegistries (a.io, b.io, c.io, d.io). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
    "spec.template.spec.containers[0].image: container \"app\" image \"evil.io/x:1\" comes from evil.io/x, which is not in allowedRegistries (none configured). Fix: mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config"
  ],
  "k8s-no-secrets-in-env: plain values of secret-looking names; empty or null values and meta names pass": [
    "spec.template.spec.containers[0].env[0].value: container \"app\" sets db-password to a plain value; anyone who can read the Deployment can read it. Fix: store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file)",
    "spec.template.spec.containers[0].env[4].value: container \"app\" sets apiKey to a plain value; anyone who can read the Deployment can read it. Fix: store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file)",
    "spec.template.spec.containers[0].env[9].value: container \"app\" sets MY_PWD to a plain value; anyone who can read the Deployment can read it. Fix: store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file)"
  ],
  "k8s-run-as-non-root: GID 0 from the pod or the container; allowRootGroup": [
    "spec.template.spec.securityContext.runAsGroup: init container \"init\" runs with GID 0 (root group). Fix: set runAsGroup to a non-zero GID",
    "spec.template.spec.securityContext.runAsGroup: container \"app\" runs with GID 0 (root group). Fix: set runAsGroup to a non-zero GID",
    "spec.template.spec.containers[0].securityContext.runAsGroup: container \"app\" runs with GID 0 (root group). Fix: set runAsGroup to a non-zero GID"
  ],
  "k8s-seccomp-runtime-default: Localhost without a profile file, pod and container": [
    "spec.template.spec.securityContext.seccompProfile.localhostProfile: a Localhost seccomp profile without localhostProfile. Fix: set localhostProfile to the profile file, or use RuntimeDefault",
    "spec.template.spec.containers[0].securityContext.seccompProfile.localhostProfile: a Localhost seccomp profile without localhostProfile. Fix: set localhostProfile to the profile file, or use RuntimeDefault"
  ],
  "k8s-image-pinned: requireDigest: a tag alone is not enough": [
    "spec.template.spec.containers[0].image: container \"app\" image \"123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1.4.2\" is pinned by tag only; this environment requires a digest. Fix: append the digest: `repo:tag@sha256:...`"
  ],
  "k8s-namespace-default-deny: which NetworkPolicies deny by default, per namespace, and the message": [
    "urn:pulumi:test::proj::kubernetes:apps/v1:Deployment::api namespace \"a\": runs workloads but has no default-deny NetworkPolicy for Ingress and Egress (podSelector: {} with policyTypes [Ingress, Egress] and no rules). Fix: add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies",
    "urn:pulumi:test::proj::kubernetes:core/v1:Namespace::c-ns namespace \"c\": runs workloads but has no default-deny NetworkPolicy for Egress (podSelector: {} with policyTypes [Egress] and no rules). Fix: add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies",
    "urn:pulumi:test::proj::kubernetes:apps/v1:Deployment::api namespace \"e\": runs workloads but has no default-deny NetworkPolicy for Ingress and Egress (podSelector: {} with policyTypes [Ingress, Egress] and no rules). Fix: add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies",
    "urn:pulumi:test::proj::kubernetes:apps/v1:Deployment::api namespace \"f\": runs workloads but has no default-deny NetworkPolicy for Ingress (podSelector: {} with policyTypes [Ingress] and no rules). Fix: add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies",
    "urn:pulumi:test::proj::kubernetes:apps/v1:Deployment::api namespace \"default\": runs workloads but has no default-deny NetworkPolicy for Ingress and Egress (podSelector: {} with policyTypes [Ingress, Egress] and no rules). Fix: add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no rules to the namespace, then allow the needed traffic with narrower policies"
  ],
  "k8s-namespace-default-deny: requireEgress false, ignoreNamespaces": [],
  "aws-ecr-immutable-tags: mutable by default, explicitly, with exclusions unless allowed": [
    "imageTagMutability: tags are mutable (MUTABLE by default). Fix: set imageTagMutability: \"IMMUTABLE\" on the repository",
    "imageTagMutability: tags are mutable (\"MUTABLE\"). Fix: set imageTagMutability: \"IMMUTABLE\" on the repository",
    "imageTagMutability: tags are mutable (\"IMMUTABLE_WITH_EXCLUSION\"). Fix: set imageTagMutability: \"IMMUTABLE\" on the repository"
  ],
  "aws-eks-*: messages and fixes of the three cluster rules": [
    "enabledClusterLogTypes: control-plane log types not enabled: audit, authenticator. Fix: add \"audit\", \"authenticator\" to enabledClusterLogTypes",
    "vpcConfig.publicAccessCidrs: the public endpoint is open to 0.0.0.0/0 (public access is on by default and no CIDRs restrict it). Fix: set vpcConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or restrict vpcConfig.publicAccessCidrs to known CIDRs",
    "vpcConfig.publicAccessCidrs[1]: the public endpoint is open to 0.0.0.0/0. Fix: set vpcConfig.endpointPublicAccess: false (with endpointPrivateAccess: true), or restrict vpcConfig.publicAccessCidrs to known CIDRs",
    "encryptionConfig: the cluster does not encrypt secrets with a KMS key (envelope encryption is off). Fix: set encryptionConfig: {provider: {keyArn: <kms key arn>}, resources: [\"secrets\"]} on the cluster",
    "encryptionConfig.resources: resources does not include \"secrets\". Fix: set encryptionConfig: {provider: {keyArn: <kms key arn>}, resources: [\"secrets\"]} on the cluster",
    "encryptionConfig.provider.keyArn: no KMS key ARN is set. Fix: set encryptionConfig: {provider: {keyArn: <kms key arn>}, resources: [\"secrets\"]} on the cluster"
  ],
  "aws-iam-no-admin-statements: documents of every shape; Action * and NotAction on every resource": [
    "policy: the policy is not a JSON object. Fix: list the specific actions and resource ARNs the principal needs",
    "policy: the policy is not valid JSON, so it cannot be checked. Fix: list the specific actions and resource ARNs the principal needs",
    "policy: the policy is not a JSON object. Fix: list the specific actions and resource ARNs the principal needs",
    "policy.Statement[0]: statement allows Action \"*\" on every resource (full admin). Fix: list the specific actions and resource ARNs the principal needs",
    "policy.Statement[0]: statement allows every action except iam:*, organizations:* on every resource (NotAction with Allow). Fix: list the specific actions and resource ARNs the principal needs",
    "policy.Statement[0]: statement allows every action except the listed ones on every resource (NotAction with Allow). Fix: list the specific actions and resource ARNs the principal needs",
    "inlinePolicies[0].policy.Statement[0]: statement allows Action \"*\" on every resource (full admin). Fix: list the specific actions and resource ARNs the principal needs"
  ],
  "aws-imdsv2-required: the hop limit at, above, and as a string; disabled endpoint": [
    "metadataOptions.httpPutResponseHopLimit: hop limit 3 exceeds 2. Fix: set httpPutResponseHopLimit to 2 or less",
    "metadataOptions.httpTokens: httpTokens is \"optional\". Fix: set metadataOptions: {httpTokens: \"required\", httpPutResponseHopLimit: 1}"
  ],
  "aws-kms-key-rotation: off by default, explicitly false, a non-symmetric spec by either key": [
    "enableKeyRotation: key rotation is off (default). Fix: set enableKeyRotation: true on the key",
    "enableKeyRotation: key rotation is \"true\". Fix: set enableKeyRotation: true on the key",
    "enableKeyRotation: key rotation is off (default). Fix: set enableKeyRotation: true on the key"
  ],
  "aws-sg-no-public-ingress: protocols, port ranges, IPv6, all traffic": [
    "ingress[0].cidrBlocks[1]: ingress allows \"tcp\" ports 80-443 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[0].cidrBlocks[0]: ingress allows \"tcp\" ports 443-80 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[1].cidrBlocks[0]: ingress allows \"udp\" port 443 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[0].cidrBlocks[0]: ingress allows all traffic from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[1].ipv6CidrBlocks[0]: ingress allows all traffic from ::/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[2].cidrBlocks[0]: ingress allows null ports 1-2 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[0].cidrBlocks[0]: ingress allows \"tcp\" ports 0-65535 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ingress[0].cidrBlocks[0]: ingress allows \"tcp\" port 22 (toPort not set) from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "ipv6CidrBlocks[0]: ingress allows \"tcp\" port 22 from ::/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "cidrIpv4: ingress allows \"tcp\" port 5432 from 0.0.0.0/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)",
    "cidrIpv6: ingress allows \"tcp\" port 5432 from ::/0. Fix: restrict the source to known CIDRs, a prefix list or a security group (or put the service behind a load balancer on 80/443)"
  ]
};

describe("rule findings, whole", () => {
  for (const [rule, name, run] of CASES) it(`${rule}: ${name}`, () => assert.deepStrictEqual(run(), EXPECTED[`${rule}: ${name}`]));
});
