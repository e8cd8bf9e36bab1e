import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { TeamConfig } from "../config";
import { SecureNamespace, TENANT_LABEL } from "../services/namespace";

export interface TeamArgs {
  team: TeamConfig;
  clusterName: pulumi.Input<string>;
  /** The platform's DNS domain: the team gets `<team>.<domain>` (contract TeamContract.domain). */
  platformDomain: string;
  vpcCidr: string;
  /** Namespace of the ingress controller, the only source of inbound traffic. */
  ingressNamespace: string;
  /** Namespace of Alloy: OTLP in, scraping out. */
  observabilityNamespace: string;
  otlpPorts: number[];
  argocdNamespace: string;
  /** The Argo CD chart: AppProject is its CRD. */
  argocdChart: pulumi.Resource;
  provider: k8s.Provider;
  /** Protect the ECR repositories (their images) in prod. */
  protect: boolean;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Kubernetes group a team's IAM role is mapped to; the RoleBinding binds it. */
export const teamGroup = (team: string) => `team:${team}`;

/**
 * What the team's people may do by hand: read their workloads and logs, restart pods and
 * roll deployments. Changes go through GitOps; Secrets are not readable (k8s-rbac-no-secret-read).
 */
export const TEAM_RULES = [
  { apiGroups: [""], resources: ["pods", "pods/log", "services", "endpoints", "configmaps", "events", "persistentvolumeclaims", "serviceaccounts"], verbs: ["get", "list", "watch"] },
  { apiGroups: [""], resources: ["pods"], verbs: ["delete"] },
  { apiGroups: ["apps"], resources: ["deployments", "replicasets", "statefulsets", "daemonsets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["patch"] },
  { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["argoproj.io"], resources: ["applications"], verbs: ["get", "list", "watch"] },
];

/**
 * One onboarded team: its namespace (restricted, default-deny, allows from the ingress and
 * to DNS and the OTLP endpoint, LimitRange, ResourceQuota), a namespaced Role bound to its
 * IAM role through an EKS access entry, an Argo CD AppProject limited to that namespace and
 * its repositories, and an ECR repository per app. Every resource is named after the team,
 * so adding or removing a team touches nothing else.
 */
export class Team extends pulumi.ComponentResource {
  public readonly namespace: string;
  public readonly appProject: string;
  public readonly kubernetesGroup: string;
  public readonly appPort: number;
  public readonly domain: string;
  public readonly ecrRepositories: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: TeamArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:teams:Team", name, { team: args.team.name }, opts);
    const t = args.team;
    const k8sOpts = { parent: this, provider: args.provider };
    this.namespace = t.name;
    this.appProject = `team-${t.name}`;
    this.kubernetesGroup = teamGroup(t.name);
    this.appPort = t.appPort;
    this.domain = `${t.name}.${args.platformDomain}`;
    const appPorts = [{ port: t.appPort }];

    const ns = new SecureNamespace(`${name}-ns`, {
      name: t.name,
      podSecurity: "restricted",
      labels: { [TENANT_LABEL]: "true", "platform.io/team": t.name },
      vpcCidr: args.vpcCidr,
      scraperNamespace: args.observabilityNamespace,
      allow: {
        podIdentityAgent: true,
        metricsPorts: [t.appPort],
        fromNamespaces: [{ namespace: args.ingressNamespace, ports: appPorts, reason: "Requests routed by the ingress controller." }],
        toNamespaces: [{ namespace: args.observabilityNamespace, ports: args.otlpPorts.map((port) => ({ port })), reason: "OTLP traces, metrics and logs to Alloy." }],
        publicHttps: t.egressPublicHttps ? "The team's services call public HTTPS APIs (teams[].egressPublicHttps)." : undefined,
      },
      quota: {
        requestsCpu: String(t.quota.requestsCpu),
        requestsMemory: `${t.quota.requestsMemoryGi}Gi`,
        limitsMemory: `${t.quota.limitsMemoryGi}Gi`,
        pods: t.quota.pods,
        loadBalancers: 0,
      },
      provider: args.provider,
      dependsOn: args.dependsOn,
    }, { parent: this });

    const role = new k8s.rbac.v1.Role(`${name}-role`, {
      metadata: { name: "team", namespace: t.name },
      rules: TEAM_RULES,
    }, { ...k8sOpts, dependsOn: [ns] });
    new k8s.rbac.v1.RoleBinding(`${name}-binding`, {
      metadata: { name: "team", namespace: t.name },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "team" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: this.kubernetesGroup }],
    }, { ...k8sOpts, dependsOn: [role] });
    // The access entry maps the IAM role to the group; no cluster-wide access policy.
    new aws.eks.AccessEntry(`${name}-access`, {
      clusterName: args.clusterName,
      principalArn: t.iamRoleArn,
      type: "STANDARD",
      kubernetesGroups: [this.kubernetesGroup],
    }, { parent: this });

    // A CI role that deploys with Pulumi (the example app's path) edits this namespace only.
    if (t.deployRoleArn) {
      const deployEntry = new aws.eks.AccessEntry(`${name}-deploy`, { clusterName: args.clusterName, principalArn: t.deployRoleArn, type: "STANDARD" }, { parent: this });
      new aws.eks.AccessPolicyAssociation(`${name}-deploy`, {
        clusterName: args.clusterName,
        principalArn: t.deployRoleArn,
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
        accessScope: { type: "namespace", namespaces: [t.name] },
      }, { parent: this, dependsOn: [deployEntry] });
    }

    new k8s.apiextensions.CustomResource(`${name}-project`, {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "AppProject",
      metadata: { name: this.appProject, namespace: args.argocdNamespace },
      spec: {
        description: `Applications of team ${t.name}.`,
        sourceRepos: t.repositories,
        destinations: [{ server: "https://kubernetes.default.svc", namespace: t.name }],
        // No cluster-scoped objects, and never the guard rails the platform owns.
        clusterResourceWhitelist: [],
        namespaceResourceBlacklist: [
          { group: "", kind: "ResourceQuota" },
          { group: "", kind: "LimitRange" },
          { group: "networking.k8s.io", kind: "NetworkPolicy" },
          { group: "rbac.authorization.k8s.io", kind: "Role" },
          { group: "rbac.authorization.k8s.io", kind: "RoleBinding" },
        ],
      },
    }, { ...k8sOpts, dependsOn: [args.argocdChart, ns] });

    for (const app of t.apps) {
      const repo = new aws.ecr.Repository(`${name}-${app}`, {
        name: `${t.name}/${app}`,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS" }],
        forceDelete: false,
      }, { parent: this, protect: args.protect, retainOnDelete: args.protect });
      new aws.ecr.LifecyclePolicy(`${name}-${app}`, {
        repository: repo.name,
        policy: JSON.stringify({
          rules: [
            { rulePriority: 1, description: "Untagged layers after 14 days", selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, action: { type: "expire" } },
            { rulePriority: 2, description: "Keep the newest 100 images", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 }, action: { type: "expire" } },
          ],
        }),
      }, { parent: this });
      this.ecrRepositories[app] = repo.repositoryUrl;
    }

    this.registerOutputs({ namespace: this.namespace, appProject: this.appProject, ecrRepositories: this.ecrRepositories });
  }
}
