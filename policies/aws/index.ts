// Entry point for `pulumi preview --policy-pack policies/aws`. Tests import ./rules instead:
// constructing a PolicyPack starts a gRPC server.
import { PolicyPack } from "@pulumi/policy";
import { awsPolicies } from "./rules";

new PolicyPack("platform-aws", {
  description: "AWS hygiene: EKS encryption/logging/endpoint, IMDSv2, S3 encryption/versioning/public access block, KMS rotation, IAM, security groups, ECR scanning and immutable tags",
  enforcementLevel: "mandatory",
  policies: awsPolicies,
});
