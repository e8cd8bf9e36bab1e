import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartRef } from "./versions";

/**
 * A pinned chart as a helm.v4.Chart, so every rendered object is a Pulumi resource
 * that the policy packs check (helm.v3.Release would hide them).
 */
export function pinnedChart(
  name: string,
  ref: ChartRef,
  args: { namespace: pulumi.Input<string>; values: pulumi.Inputs; releaseName?: string },
  opts: pulumi.ComponentResourceOptions,
): k8s.helm.v4.Chart {
  return new k8s.helm.v4.Chart(name, {
    name: args.releaseName ?? name,
    chart: ref.chart,
    version: ref.version,
    namespace: args.namespace,
    repositoryOpts: ref.repo ? { repo: ref.repo } : undefined,
    values: args.values,
  }, opts);
}
