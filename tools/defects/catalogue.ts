// The 16 defects of issue 12: small, realistic changes that once left `npm test` green.
// Each is a text edit (exact `find`, replaced once) and the spec files that must catch it.
// `npm run defects` applies them one at a time (tools/defects.ts).

export interface Edit {
  file: string;
  find: string;
  replace: string;
}

export interface Defect {
  id: number;
  title: string;
  edits: Edit[];
  /** Spec files, folders (every *.spec.ts below) or `prefix*` patterns; missing ones are reported, not fatal. */
  specs: string[];
}

const SERVICES = ["test/services"];
// The rule suites; the pack suites that spawn the real analyzer add minutes and no rule checks.
const RULES = ["test/policies/k8s-workload-rules.spec.ts", "test/policies/k8s-object-rules.spec.ts", "test/policies/lib.spec.ts", "test/policies/robustness.spec.ts", "test/policies/engine.spec.ts", "test/policies/pss*", "test/models"];
const NETWORK = ["test/services", "test/infra/teams.spec.ts", "test/models"];

export const DEFECTS: Defect[] = [
  {
    id: 1,
    title: "Argo CD application-controller privileged, escalation allowed (values)",
    edits: [{ file: "infra/services/argocd.ts", find: `controller: { replicas: s.replicas, pdb, podAnnotations: scrape(8082), ...component("250m", "512Mi", "1Gi") },`, replace: `controller: { replicas: s.replicas, pdb, podAnnotations: scrape(8082), ...component("250m", "512Mi", "1Gi"), containerSecurityContext: { privileged: true, allowPrivilegeEscalation: true } },` }],
    specs: [...SERVICES, "test/models"],
  },
  {
    id: 2,
    title: "Traefik hostNetwork: true (values)",
    edits: [{ file: "infra/services/ingress.ts", find: "deployment: { replicas: s.replicas },", replace: "deployment: { replicas: s.replicas },\n        hostNetwork: true," }],
    specs: [...SERVICES, "test/models"],
  },
  {
    id: 3,
    title: "resources: {} on Argo CD's redis",
    edits: [{ file: "infra/services/argocd.ts", find: `...component("50m", "64Mi", "256Mi"), securityContext: podSecurity(999), image: { repository: REDIS_IMAGE },`, replace: `...component("50m", "64Mi", "256Mi"), resources: {}, securityContext: podSecurity(999), image: { repository: REDIS_IMAGE },` }],
    specs: [...SERVICES, "test/models"],
  },
  {
    id: 4,
    title: "allow-dns egress to 0.0.0.0/0 instead of kube-dns",
    edits: [{ file: "infra/services/namespace.ts", find: `egress: [{ to: [{ ...nsSel("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53`, replace: `egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: [{ port: 53` }],
    specs: NETWORK,
  },
  {
    id: 5,
    title: "team namespace egress to every namespace on the OTLP ports",
    edits: [{ file: "infra/services/namespace.ts", find: "egress: [{ to: [{ ...nsSel(t.namespace), ...(t.podLabels ? { podSelector: { matchLabels: t.podLabels } } : {}) }], ports:", replace: "egress: [{ to: [{ namespaceSelector: {} }], ports:" }],
    specs: NETWORK,
  },
  {
    id: 6,
    title: "team namespace admits the internet on its app port",
    edits: [{ file: "infra/teams/team.ts", find: "metricsPorts: [t.appPort],", replace: "metricsPorts: [t.appPort],\n        fromInternet: appPorts," }],
    specs: NETWORK,
  },
  {
    id: 7,
    title: "Karpenter EC2NodeClass httpPutResponseHopLimit: 2",
    edits: [{ file: "infra/core/karpenter.ts", find: `httpTokens: "required", httpPutResponseHopLimit: 1, httpProtocolIPv6`, replace: `httpTokens: "required", httpPutResponseHopLimit: 2, httpProtocolIPv6` }],
    specs: ["test/infra/node-metadata.spec.ts", "test/infra/program.spec.ts", "test/models"],
  },
  {
    id: 8,
    title: "Argo CD exec.enabled: true (web terminal into pods)",
    edits: [{ file: "infra/services/argocd.ts", find: `"exec.enabled": false,`, replace: `"exec.enabled": true,` }],
    specs: [...SERVICES, "test/models"],
  },
  {
    id: 9,
    title: "cert-manager's CRD switch renamed to a key the chart ignores",
    edits: [{ file: "infra/services/cert-manager.ts", find: "crds: { enabled: true, keep: true },", replace: "installCrds: true," }],
    specs: [...SERVICES, "test/models"],
  },
  {
    id: 10,
    title: "Grafana's admin password base64-encoded into an annotation",
    edits: [{
      file: "infra/observability/grafana.ts",
      find: "metadata: { name: GRAFANA_ADMIN_SECRET, namespace: args.namespace },",
      replace: `metadata: { name: GRAFANA_ADMIN_SECRET, namespace: args.namespace, annotations: { "platform.io/checksum": password.result.apply((p) => Buffer.from(p).toString("base64")) } },`,
    }],
    specs: ["test/infra/secrets.spec.ts", "test/infra/plan.spec.ts", ...SERVICES],
  },
  {
    id: 11,
    title: "host-port rule skips init containers",
    // The check lives in the shared PSS implementation since the kubernetes pack wraps it.
    edits: [{ file: "policies/lib/pss/baseline.ts", find: `(pod, emit) => {\n  for (const c of pod.containers) {\n    asArray(c.c.ports)`, replace: `(pod, emit) => {\n  for (const c of pod.containers.filter((x) => !x.path.includes(".initContainers["))) {\n    asArray(c.c.ports)` }],
    specs: RULES,
  },
  {
    id: 12,
    title: "ReplicationController no longer treated as a workload",
    edits: [
      { file: "policies/lib/podspec.ts", find: `  ReplicationController: ["spec", "template", "spec"],\n`, replace: "" },
      { file: "policies/lib/podspec.ts", find: `  ReplicationController: ["core"],\n`, replace: "" },
    ],
    specs: RULES,
  },
  {
    id: 13,
    title: `config: the "not a network address" check for allow-lists removed`,
    edits: [{ file: "infra/config.ts", find: "    if (n && `${n.base}/${n.bitmask}` !== c) problems.push(", replace: "    if (false as boolean) problems.push(" }],
    specs: ["test/infra/config.spec.ts"],
  },
  {
    id: 14,
    title: "config: the duplicate-principal check removed",
    edits: [{ file: "infra/config.ts", find: "    if (dup) problems.push(", replace: "    if (dup && false) problems.push(" }],
    specs: ["test/infra/config.spec.ts"],
  },
  {
    id: 15,
    title: "plan --preview silently runs a normal plan",
    edits: [
      { file: "tools/plan.ts", find: "result = await runProgram({ stack, config, preview: args.values.preview });", replace: "result = await runProgram({ stack, config, preview: false });" },
      { file: "tools/plan.ts", find: "const policy = args.values.preview ? undefined", replace: "const policy = false ? undefined" },
    ],
    specs: ["test/infra/plan.spec.ts"],
  },
  {
    id: 16,
    title: "the contract reader no longer waits for the version check",
    edits: [{ file: "contract/index.ts", find: "pulumi.all([this.ready, this.stack.outputs, this.stackName]).apply(([, outputs, stack]) =>", replace: "pulumi.all([this.stack.outputs, this.stackName]).apply(([outputs, stack]) =>" }],
    specs: ["test/contract", "test/examples"],
  },
];
