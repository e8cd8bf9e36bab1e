// The Kubernetes pack's rules, as a plain array (tests and the offline engine use it without a PolicyPack).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { dropAllCapabilities } from "./k8s-drop-all-capabilities";
import { imageAllowedRegistry } from "./k8s-image-allowed-registry";
import { imagePinned } from "./k8s-image-pinned";
import { ingressTls } from "./k8s-ingress-tls";
import { namespaceDefaultDeny } from "./k8s-namespace-default-deny";
import { namespacePssEnforce } from "./k8s-namespace-pss-enforce";
import { noHostNamespaces } from "./k8s-no-host-namespaces";
import { noHostPath } from "./k8s-no-host-path";
import { noHostPorts } from "./k8s-no-host-ports";
import { noPrivilegeEscalation } from "./k8s-no-privilege-escalation";
import { noPrivileged } from "./k8s-no-privileged";
import { noSecretsInEnv } from "./k8s-no-secrets-in-env";
import { pssAppArmorProfile } from "./k8s-pss-apparmor-profile";
import { pssHostProbesAndLifecycle } from "./k8s-pss-host-probes-and-lifecycle";
import { pssProcMount } from "./k8s-pss-proc-mount";
import { pssRestrictedVolumes } from "./k8s-pss-restricted-volumes";
import { pssSeLinuxOptions } from "./k8s-pss-selinux-options";
import { pssSysctls } from "./k8s-pss-sysctls";
import { workloadShape } from "./k8s-workload-shape";
import { probesSet } from "./k8s-probes-set";
import { rbacNoClusterAdminBinding } from "./k8s-rbac-no-cluster-admin-binding";
import { rbacNoSecretRead } from "./k8s-rbac-no-secret-read";
import { rbacNoWildcards } from "./k8s-rbac-no-wildcards";
import { resourcesSet } from "./k8s-resources-set";
import { runAsNonRoot } from "./k8s-run-as-non-root";
import { seccompRuntimeDefault } from "./k8s-seccomp-runtime-default";

export const kubernetesPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  runAsNonRoot,
  imagePinned,
  imageAllowedRegistry,
  noSecretsInEnv,
  namespaceDefaultDeny,
  rbacNoWildcards,
  rbacNoClusterAdminBinding,
  rbacNoSecretRead,
  namespacePssEnforce,
  noPrivileged,
  noPrivilegeEscalation,
  dropAllCapabilities,
  seccompRuntimeDefault,
  noHostNamespaces,
  noHostPorts,
  noHostPath,
  pssRestrictedVolumes,
  pssSeLinuxOptions,
  pssProcMount,
  pssSysctls,
  pssAppArmorProfile,
  pssHostProbesAndLifecycle,
  workloadShape,
  ingressTls,
  resourcesSet,
  probesSet,
];

export {
  dropAllCapabilities, imageAllowedRegistry, imagePinned, ingressTls, namespaceDefaultDeny, namespacePssEnforce,
  noHostNamespaces, noHostPath, noHostPorts, noPrivilegeEscalation, noPrivileged, noSecretsInEnv, probesSet, pssAppArmorProfile,
  pssHostProbesAndLifecycle, pssProcMount, pssRestrictedVolumes, pssSeLinuxOptions, pssSysctls, workloadShape,
  rbacNoClusterAdminBinding, rbacNoSecretRead, rbacNoWildcards, resourcesSet, runAsNonRoot, seccompRuntimeDefault,
};
