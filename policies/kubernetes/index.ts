// Entry point for `pulumi preview --policy-pack policies/kubernetes`. Tests import ./rules instead:
// constructing a PolicyPack starts a gRPC server.
import { PolicyPack } from "@pulumi/policy";
import { kubernetesPolicies } from "./rules";

new PolicyPack("platform-kubernetes", {
  description: "Kubernetes security checklist: non-root, pinned images from allowed registries, no secrets in env, default-deny NetworkPolicies, RBAC least privilege, Pod Security Standards, TLS Ingress, resources and probes",
  enforcementLevel: "mandatory",
  policies: kubernetesPolicies,
});
