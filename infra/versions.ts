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
  karpenter: { repo: "", chart: "oci://public.ecr.aws/karpenter/karpenter", version: "1.14.1", appVersion: "1.14.1" },
  metricsServer: { repo: "https://kubernetes-sigs.github.io/metrics-server/", chart: "metrics-server", version: "3.13.1", appVersion: "0.8.1" },
  // Platform services (issue 3). Sources: each chart's Chart.yaml/values.yaml at that version
  // (docs/services.md lists them).
  certManager: { repo: "https://charts.jetstack.io", chart: "cert-manager", version: "v1.21.1", appVersion: "v1.21.1" },
  awsLoadBalancerController: { repo: "https://aws.github.io/eks-charts", chart: "aws-load-balancer-controller", version: "3.5.0", appVersion: "v3.5.0" },
  traefik: { repo: "https://traefik.github.io/charts", chart: "traefik", version: "41.3.0", appVersion: "v3.7.11" },
  externalDns: { repo: "https://kubernetes-sigs.github.io/external-dns/", chart: "external-dns", version: "1.21.1", appVersion: "0.21.0" },
  argoCd: { repo: "https://argoproj.github.io/argo-helm", chart: "argo-cd", version: "10.1.1", appVersion: "v3.4.4" },
  // Loki, Grafana and Tempo moved to the grafana-community repository in 2026.
  loki: { repo: "https://grafana-community.github.io/helm-charts", chart: "loki", version: "18.11.0", appVersion: "3.7.6" },
  grafana: { repo: "https://grafana-community.github.io/helm-charts", chart: "grafana", version: "12.11.1", appVersion: "13.2.0" },
  tempo: { repo: "https://grafana-community.github.io/helm-charts", chart: "tempo", version: "2.2.4", appVersion: "2.10.8" },
  mimir: { repo: "https://grafana.github.io/helm-charts", chart: "mimir-distributed", version: "6.2.0", appVersion: "3.2.0" },
  alloy: { repo: "https://grafana.github.io/helm-charts", chart: "alloy", version: "1.11.1", appVersion: "v1.18.1" },
  kubeStateMetrics: { repo: "https://prometheus-community.github.io/helm-charts", chart: "kube-state-metrics", version: "8.4.0", appVersion: "2.20.0" },
  nodeExporter: { repo: "https://prometheus-community.github.io/helm-charts", chart: "prometheus-node-exporter", version: "4.56.1", appVersion: "1.12.1" },
} as const satisfies Record<string, ChartRef>;
