// Small hand-made clusters for the cross-check unit tests: each builder returns a ClusterObject
// as a chart or the program would register it, so one test can seed exactly one mismatch.
import type { RecordedResource, RunResult } from "../../tools/harness";
import { CHART_TYPE, ClusterObject } from "../../models/objects";
import { k8sTypeToken } from "../../policies/lib/tokens";

export function k8s(kind: string, ns: string | undefined, name: string, body: Record<string, any> = {}, chart?: string): ClusterObject {
  const apiVersion = ({ Deployment: "apps/v1", StatefulSet: "apps/v1", DaemonSet: "apps/v1", NetworkPolicy: "networking.k8s.io/v1", Ingress: "networking.k8s.io/v1" } as Record<string, string>)[kind] ?? "v1";
  const object = { apiVersion, kind, ...body, metadata: { name, ...(ns ? { namespace: ns } : {}), ...(body.metadata ?? {}) } };
  const source = chart ? { kind: "chart" as const, chart, release: chart, chartName: chart, version: "1.0.0" } : { kind: "program" as const };
  return { urn: `urn:pulumi:t::p::${k8sTypeToken(apiVersion, kind)}::${name}`, type: k8sTypeToken(apiVersion, kind), name, source, apiVersion, kind, object, dependsOn: [], parent: "" };
}

export const namespace = (name: string, labels: Record<string, string> = {}) => k8s("Namespace", undefined, name, { metadata: { labels } });

export function deployment(ns: string, name: string, opts: { labels?: Record<string, string>; annotations?: Record<string, string>; sa?: string; ports?: { name?: string; containerPort: number }[]; hostNetwork?: boolean; chart?: string } = {}): ClusterObject {
  const labels = opts.labels ?? { app: name };
  return k8s("Deployment", ns, name, {
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels, annotations: opts.annotations ?? {} },
        spec: { serviceAccountName: opts.sa, hostNetwork: opts.hostNetwork, containers: [{ name: "main", image: "x", ports: opts.ports ?? [] }] },
      },
    },
  }, opts.chart);
}

export const service = (ns: string, name: string, selector: Record<string, string>, ports: { name?: string; port: number; targetPort?: number | string }[]) =>
  k8s("Service", ns, name, { spec: { selector, ports } });

export const serviceAccount = (ns: string, name: string, annotations: Record<string, string> = {}) => k8s("ServiceAccount", ns, name, { metadata: { annotations } });

export const netpol = (ns: string, name: string, spec: Record<string, any>) => k8s("NetworkPolicy", ns, name, { spec });

export function resource(type: string, name: string, inputs: Record<string, unknown>, outputs: Record<string, unknown> = {}): RecordedResource {
  return { urn: `urn:pulumi:t::p::${type}::${name}`, type, name, parent: "", custom: true, provider: "", inputs, outputs: { ...inputs, ...outputs }, protect: false, retainOnDelete: false, dependsOn: [], propertyDependencies: {} };
}

export const chart = (name: string, chartName: string, namespace: string, values: Record<string, unknown>) =>
  resource(CHART_TYPE, name, { name, chart: chartName, namespace, version: "1.0.0", values });

export const runOf = (resources: RecordedResource[]): RunResult =>
  ({ stack: "t", resources, invokes: [], outputs: {}, secretOutputs: [], newResourceCalls: resources.length, registered: resources.length });

/** An IRSA trust policy as infra/core/iam.ts writes it. */
export const irsaTrust = (ns: string, sa: string) => JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Federated: "arn:aws:iam::1:oidc-provider/x" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "oidc.example/id/1:sub": `system:serviceaccount:${ns}:${sa}`, "oidc.example/id/1:aud": "sts.amazonaws.com" } } }],
});
