import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Netmask } from "netmask";

export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

type Ports = { port: number; protocol?: "TCP" | "UDP" }[];

/** Link-local address of the EKS Pod Identity agent on every node (AWS docs: pod-id-how-it-works). */
export const POD_IDENTITY_AGENT = "169.254.170.23/32";
/** Ranges that are never the public internet; "public HTTPS" egress excludes them. */
const NON_PUBLIC = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

export interface NamespaceAllows {
  /** CoreDNS in kube-system, UDP and TCP 53 (default true). */
  dns?: boolean;
  /** Every pod in the namespace talks to every other (memberlist rings, Redis, repo-server...; default true). */
  sameNamespace?: boolean;
  /**
   * The Kubernetes API on 443: the `kubernetes` Service IP (what in-cluster clients dial) and
   * the VPC range (the EKS control-plane ENIs it translates to). Needs `serviceCidr`.
   */
  apiServer?: boolean;
  /** The Pod Identity agent (credentials for podIdentity workload identities). */
  podIdentityAgent?: boolean;
  /**
   * HTTPS to public addresses: AWS APIs (STS, Route53, ELB, EC2), S3 (which the VPC's
   * gateway endpoint routes privately, but whose addresses are public), Let's Encrypt,
   * git hosts, Slack. Given as the reason, which lands in the policy's annotation.
   */
  publicHttps?: string;
  /** Admission webhooks: the API server calls these pod ports from the VPC range. */
  webhookPorts?: number[];
  /** Metrics ports that Alloy (in `scraperNamespace`) may scrape. */
  metricsPorts?: number[];
  /** Ingress from the internet-facing NLB (IP targets keep the client address). */
  fromInternet?: Ports;
  /** Ingress from pods of other namespaces. */
  fromNamespaces?: { namespace: string; ports: Ports; reason: string }[];
  /** Egress to pods of other namespaces (only the pods with `podLabels`, when given). */
  toNamespaces?: { namespace: string; podLabels?: Record<string, string>; ports: Ports; reason: string }[];
  /** Egress to node addresses (kubelet, hostNetwork exporters), i.e. the VPC range. */
  toNodes?: Ports;
  /** Ingress from every namespace (the in-cluster OTLP endpoint apps send to), to this namespace's pods with `podLabels`. */
  fromAnyNamespace?: { ports: Ports; podLabels: Record<string, string>; reason: string };
  /**
   * Egress to every namespace carrying a label (value "true"), any port: the target's own
   * ingress policy narrows the ports. Lets Alloy scrape and the ingress route to namespaces
   * added later without touching this one.
   */
  toLabelledNamespaces?: { label: string; reason: string }[];
  /** Other egress by address range (e.g. public DNS resolvers for DNS-01 checks). */
  egressTo?: { name: string; cidr: string; ports: Ports; reason: string }[];
}

export interface SecureNamespaceArgs {
  name: string;
  /** Pod Security Standards level enforced on the namespace. */
  podSecurity: PodSecurityLevel;
  /** Required unless `restricted`: why this namespace needs more than the restricted profile. */
  podSecurityReason?: string;
  vpcCidr: string;
  /** The cluster's Service range; required with `allow.apiServer` (the `kubernetes` Service IP is its first address). */
  serviceCidr?: string;
  /** Namespace that runs the metrics scraper (Alloy). */
  scraperNamespace: string;
  /** Labels of the scraper's pods: only they reach the metrics ports, not the rest of its namespace. */
  scraperPodLabels: Record<string, string>;
  allow: NamespaceAllows;
  /** Namespace totals; every pod has a memory limit (LimitRange defaults), so limits.memory is enforceable. */
  quota: { requestsCpu: string; requestsMemory: string; limitsMemory: string; pods: number; pvcs?: number; loadBalancers?: number };
  /** Extra namespace labels (e.g. platform.io/tenant for app teams). */
  labels?: Record<string, string>;
  provider: k8s.Provider;
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Label of namespaces that open metrics ports to the scraper; the scraper's egress selects it. */
export const SCRAPE_LABEL = "platform.io/scrape";
/** Label of app teams' namespaces; the ingress controller's egress selects it. */
export const TENANT_LABEL = "platform.io/tenant";

/**
 * A platform namespace: Pod Security Standards labels, a default-deny NetworkPolicy for
 * ingress and egress, the explicit allows its components need, a LimitRange so every
 * container gets requests and a memory limit, and a ResourceQuota.
 */
export class SecureNamespace extends pulumi.ComponentResource {
  public readonly name: string;
  public readonly namespace: k8s.core.v1.Namespace;

  constructor(name: string, args: SecureNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:k8s:SecureNamespace", name, {}, opts);
    if (args.podSecurity !== "restricted" && !args.podSecurityReason) {
      throw new Error(`SecureNamespace ${args.name}: podSecurity ${args.podSecurity} needs a podSecurityReason`);
    }
    const ns = args.name;
    const o = { parent: this, provider: args.provider };
    const level = args.podSecurity;

    this.namespace = new k8s.core.v1.Namespace(name, {
      metadata: {
        name: ns,
        labels: {
          "pod-security.kubernetes.io/enforce": level,
          "pod-security.kubernetes.io/enforce-version": "latest",
          // Warn and audit at restricted everywhere, so any gap shows up in `kubectl` and audit logs.
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
          "platform.io/managed-by": "pulumi",
          ...(args.allow.metricsPorts?.length ? { [SCRAPE_LABEL]: "true" } : {}),
          ...args.labels,
        },
        annotations: args.podSecurityReason ? { "platform.io/pod-security-reason": args.podSecurityReason } : {},
      },
    }, { ...o, dependsOn: args.dependsOn });
    const after = { ...o, dependsOn: [this.namespace] };
    const meta = (n: string, reason: string) => ({ name: n, namespace: ns, annotations: { "platform.io/reason": reason } });

    new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, {
      metadata: meta("default-deny", "Nothing in or out unless an allow policy below says so."),
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    }, after);

    const a = args.allow;
    const tcp = (ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" }));
    const nsSel = (n: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": n } } });
    const policy = (n: string, reason: string, spec: { ingress?: object[]; egress?: object[] }, podLabels?: Record<string, string>) => {
      const policyTypes = [...(spec.ingress ? ["Ingress"] : []), ...(spec.egress ? ["Egress"] : [])];
      new k8s.networking.v1.NetworkPolicy(`${name}-${n}`, {
        metadata: meta(n, reason),
        spec: { podSelector: podLabels ? { matchLabels: podLabels } : {}, policyTypes, ...spec },
      }, after);
    };

    if (a.dns !== false) {
      policy("allow-dns", "Name resolution through CoreDNS.", {
        egress: [{ to: [{ ...nsSel("kube-system"), podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] }],
      });
    }
    if (a.sameNamespace !== false) {
      policy("allow-same-namespace", "Components of this namespace talk to each other.", {
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }],
      });
    }
    if (a.apiServer) {
      if (!args.serviceCidr) throw new Error(`SecureNamespace ${ns}: allow.apiServer needs serviceCidr (the kubernetes Service IP is in it)`);
      // The EKS network policy agent judges egress at the pod's interface, before kube-proxy
      // rewrites the Service IP, and the AWS network policy controller never maps an ipBlock
      // to a Service (`default/kubernetes` has no selector): the Service IP must be allowed
      // itself. upstream: aws/aws-network-policy-agent#549 (maintainers: allow the Service
      // CIDR); aws/amazon-network-policy-controller-k8s pkg/resolvers/endpoints.go.
      policy("allow-api-server", "The Kubernetes API: the kubernetes Service IP, and the EKS control-plane ENIs in the VPC.", {
        egress: [{ to: [{ ipBlock: { cidr: `${kubernetesServiceIp(args.serviceCidr)}/32` } }, { ipBlock: { cidr: args.vpcCidr } }], ports: tcp([443]) }],
      });
    }
    if (a.podIdentityAgent) {
      policy("allow-pod-identity-agent", "AWS credentials from the EKS Pod Identity agent.", {
        egress: [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: tcp([80]) }],
      });
    }
    if (a.publicHttps) {
      policy("allow-public-https", a.publicHttps, {
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: NON_PUBLIC } }], ports: tcp([443]) }],
      });
    }
    if (a.webhookPorts?.length) {
      policy("allow-webhooks", "Admission webhooks called by the API server.", {
        ingress: [{ from: [{ ipBlock: { cidr: args.vpcCidr } }], ports: tcp(a.webhookPorts) }],
      });
    }
    if (a.metricsPorts?.length) {
      policy("allow-scraping", `Metrics scraped by Alloy in ${args.scraperNamespace}.`, {
        ingress: [{ from: [{ ...nsSel(args.scraperNamespace), podSelector: { matchLabels: args.scraperPodLabels } }], ports: tcp(a.metricsPorts) }],
      });
    }
    if (a.fromInternet?.length) {
      policy("allow-from-load-balancer", "Client traffic through the internet-facing NLB (IP targets).", {
        ingress: [{ from: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: a.fromInternet.map((p) => ({ protocol: "TCP", ...p })) }],
      });
    }
    for (const f of a.fromNamespaces ?? []) {
      policy(`allow-from-${f.namespace}`, f.reason, {
        ingress: [{ from: [nsSel(f.namespace)], ports: f.ports.map((p) => ({ protocol: "TCP", ...p })) }],
      });
    }
    for (const t of a.toNamespaces ?? []) {
      policy(`allow-to-${t.namespace}`, t.reason, {
        egress: [{ to: [{ ...nsSel(t.namespace), ...(t.podLabels ? { podSelector: { matchLabels: t.podLabels } } : {}) }], ports: t.ports.map((p) => ({ protocol: "TCP", ...p })) }],
      });
    }
    for (const l of a.toLabelledNamespaces ?? []) {
      policy(`allow-to-${l.label.replace(/[^a-z0-9]+/g, "-")}`, l.reason, {
        egress: [{ to: [{ namespaceSelector: { matchLabels: { [l.label]: "true" } } }] }],
      });
    }
    if (a.toNodes?.length) {
      policy("allow-to-nodes", "Node endpoints (kubelet, host-network exporters) in the VPC range.", {
        egress: [{ to: [{ ipBlock: { cidr: args.vpcCidr } }], ports: a.toNodes.map((p) => ({ protocol: "TCP", ...p })) }],
      });
    }

    if (a.fromAnyNamespace) {
      policy("allow-from-all-namespaces", a.fromAnyNamespace.reason, {
        ingress: [{ from: [{ namespaceSelector: {} }], ports: a.fromAnyNamespace.ports.map((p) => ({ protocol: "TCP", ...p })) }],
      }, a.fromAnyNamespace.podLabels);
    }
    for (const e of a.egressTo ?? []) {
      policy(`allow-${e.name}`, e.reason, {
        egress: [{ to: [{ ipBlock: { cidr: e.cidr } }], ports: e.ports.map((p) => ({ protocol: "TCP", ...p })) }],
      });
    }

    // Defaults for containers that state nothing; the charts set their own, this is the floor.
    new k8s.core.v1.LimitRange(`${name}-defaults`, {
      metadata: { name: "defaults", namespace: ns },
      spec: {
        limits: [{
          type: "Container",
          defaultRequest: { cpu: "50m", memory: "64Mi" },
          default: { memory: "256Mi" },
          max: { memory: "16Gi" },
        }],
      },
    }, after);

    const q = args.quota;
    new k8s.core.v1.ResourceQuota(`${name}-quota`, {
      metadata: { name: "platform-quota", namespace: ns },
      spec: {
        hard: {
          "requests.cpu": q.requestsCpu,
          "requests.memory": q.requestsMemory,
          "limits.memory": q.limitsMemory,
          pods: String(q.pods),
          persistentvolumeclaims: String(q.pvcs ?? 0),
          // Only the ingress namespace may create load balancers (cost and exposure).
          "services.loadbalancers": String(q.loadBalancers ?? 0),
          "services.nodeports": "0",
        },
      },
    }, after);

    this.name = ns;
    this.registerOutputs({ name: ns });
  }
}

/** The `kubernetes` Service's ClusterIP: the first host address of the Service range (kube-apiserver's rule). */
export function kubernetesServiceIp(serviceCidr: string): string {
  return new Netmask(serviceCidr).first;
}
