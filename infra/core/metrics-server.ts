import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { pinnedChart } from "../chart";
import { CHARTS } from "../versions";

export interface MetricsServerArgs {
  provider: k8s.Provider;
  replicas: number;
  dependsOn: pulumi.Resource[];
}

/** metrics-server: the resource metrics API that HorizontalPodAutoscalers read. */
export class MetricsServer extends pulumi.ComponentResource {
  public readonly chart: k8s.helm.v4.Chart;
  constructor(name: string, args: MetricsServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:autoscaling:MetricsServer", name, {}, opts);
    this.chart = pinnedChart(name, CHARTS.metricsServer, {
      namespace: "kube-system",
      releaseName: "metrics-server",
      values: {
        replicas: args.replicas,
        podDisruptionBudget: { enabled: args.replicas > 1, minAvailable: 1 },
        resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
      },
    }, { parent: this, provider: args.provider, dependsOn: args.dependsOn });
    this.registerOutputs({});
  }
}
