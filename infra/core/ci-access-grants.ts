// What the CI identities are granted: data, so models/ci-access.ts can prove it covers what
// `pulumi preview` (server-side dry-run included) and `pulumi refresh` need, and a test can
// show that dropping any grant breaks that proof. Exact actions only: no `Describe*`.

/** Kubernetes groups the preview and drift roles map to through their EKS access entries. */
export const CI_GROUPS = { preview: "platform:ci-preview", drift: "platform:ci-drift" } as const;

/** AWS read actions, by service, that both CI roles hold on `*` (reads of configuration only: no s3:GetObject, no logs:GetLogEvents). */
export const CI_AWS_READ_ACTIONS: readonly string[] = [
  "sts:GetCallerIdentity",
  "ec2:DescribeAvailabilityZones", "ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets",
  "ec2:DescribeRouteTables", "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways", "ec2:DescribeAddresses",
  "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules", "ec2:DescribeFlowLogs", "ec2:DescribeVpcEndpoints",
  "ec2:DescribePrefixLists", "ec2:DescribeLaunchTemplates", "ec2:DescribeLaunchTemplateVersions",
  "eks:DescribeCluster", "eks:DescribeAddon", "eks:DescribeAddonVersions", "eks:DescribeNodegroup",
  "eks:DescribeAccessEntry", "eks:ListAssociatedAccessPolicies", "eks:DescribePodIdentityAssociation",
  "iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetOpenIDConnectProvider",
  "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags", "kms:ListAliases",
  "logs:DescribeLogGroups", "logs:ListTagsForResource",
  "events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource",
  "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags",
  "ecr:DescribeRepositories", "ecr:GetLifecyclePolicy", "ecr:ListTagsForResource",
  "s3:ListBucket", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketAcl", "s3:GetBucketCORS",
  "s3:GetBucketWebsite", "s3:GetBucketLogging", "s3:GetReplicationConfiguration", "s3:GetBucketRequestPayment",
  "s3:GetBucketObjectLockConfiguration", "s3:GetAccelerateConfiguration", "s3:GetBucketPolicy",
  "s3:GetLifecycleConfiguration", "s3:GetEncryptionConfiguration", "s3:GetBucketVersioning",
  "s3:GetBucketOwnershipControls", "s3:GetBucketPublicAccessBlock",
  "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
];

/** Reading a SecretVersion back reads its value: granted only on the platform's own secrets (see README "CI access"). */
export const CI_AWS_SECRET_VALUE_ACTIONS: readonly string[] = ["secretsmanager:GetSecretValue"];

/** Verbs on every Kubernetes resource the program or its charts manage; writes pass only as dry-run (the guard below). */
export const CI_K8S_VERBS: readonly string[] = ["get", "list", "watch", "create", "patch"];
/** RBAC objects: creating or changing a Role that grants more than the requester holds needs escalate/bind (rbac escalation check). */
export const CI_K8S_RBAC_VERBS: readonly string[] = ["escalate", "bind"];

/**
 * API groups and resources the CI identities may read and dry-run. The program's own kinds,
 * plus what the pinned charts render (workloads, RBAC, CRDs, PDBs, services, ...).
 */
export const CI_K8S_RESOURCES: readonly { apiGroup: string; resources: string[] }[] = [
  { apiGroup: "", resources: ["namespaces", "configmaps", "services", "serviceaccounts", "limitranges", "resourcequotas", "persistentvolumeclaims"] },
  { apiGroup: "apps", resources: ["deployments", "statefulsets", "daemonsets"] },
  { apiGroup: "batch", resources: ["jobs", "cronjobs"] },
  { apiGroup: "policy", resources: ["poddisruptionbudgets"] },
  { apiGroup: "autoscaling", resources: ["horizontalpodautoscalers"] },
  { apiGroup: "networking.k8s.io", resources: ["networkpolicies", "ingresses", "ingressclasses"] },
  { apiGroup: "rbac.authorization.k8s.io", resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"] },
  { apiGroup: "storage.k8s.io", resources: ["storageclasses"] },
  { apiGroup: "apiextensions.k8s.io", resources: ["customresourcedefinitions"] },
  { apiGroup: "scheduling.k8s.io", resources: ["priorityclasses"] },
  { apiGroup: "argoproj.io", resources: ["applications", "appprojects"] },
  { apiGroup: "cert-manager.io", resources: ["clusterissuers", "issuers", "certificates"] },
  { apiGroup: "karpenter.sh", resources: ["nodepools"] },
  { apiGroup: "karpenter.k8s.aws", resources: ["ec2nodeclasses"] },
  { apiGroup: "traefik.io", resources: ["ingressroutes", "middlewares", "tlsoptions"] },
];

/**
 * Admission configuration is read-only to CI: admission policies never see requests on it
 * (upstream: kubernetes apiserver admission/plugin/webhook/predicates/rules
 * IsExemptAdmissionConfigurationResource), so the dry-run guard could not hold a write there.
 * A preview of such an object falls back to a client-side diff (pulumi-kubernetes#2419).
 */
export const CI_K8S_READ_ONLY: readonly { apiGroup: string; resources: string[] }[] = [
  { apiGroup: "admissionregistration.k8s.io", resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"] },
];
