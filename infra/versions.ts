// Every chart the platform installs, pinned in one place. Each values key the program
// sets was checked against that exact version's values.yaml (see docs/charts.md).
export interface ChartRef {
  /** Helm repository URL, or "" when `chart` is an OCI reference. */
  repo: string;
  chart: string;
  version: string;
  appVersion: string;
}

export const CHARTS = {
  karpenter: { repo: "", chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.8.1", appVersion: "1.8.1" },
  metricsServer: { repo: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.0", appVersion: "0.8.0" },
} as const satisfies Record<string, ChartRef>;
