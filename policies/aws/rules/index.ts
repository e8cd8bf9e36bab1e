// The AWS pack's rules, as a plain array (tests and the offline engine use it without a PolicyPack).
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ecrImmutableTags } from "./aws-ecr-immutable-tags";
import { ecrScanOnPush } from "./aws-ecr-scan-on-push";
import { eksControlPlaneLogging } from "./aws-eks-control-plane-logging";
import { eksEndpointNotPublic } from "./aws-eks-endpoint-not-public";
import { eksSecretsEncryption } from "./aws-eks-secrets-encryption";
import { iamNoAdminStatements } from "./aws-iam-no-admin-statements";
import { iamValidGrants } from "./aws-iam-valid-grants";
import { imdsv2Required } from "./aws-imdsv2-required";
import { kmsKeyRotation } from "./aws-kms-key-rotation";
import { s3Encryption } from "./aws-s3-encryption";
import { s3PublicAccessBlock } from "./aws-s3-public-access-block";
import { s3Versioning } from "./aws-s3-versioning";
import { sgNoPublicIngress } from "./aws-sg-no-public-ingress";

export const awsPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  eksSecretsEncryption,
  eksControlPlaneLogging,
  eksEndpointNotPublic,
  imdsv2Required,
  s3Encryption,
  s3Versioning,
  s3PublicAccessBlock,
  kmsKeyRotation,
  iamNoAdminStatements,
  iamValidGrants,
  sgNoPublicIngress,
  ecrScanOnPush,
  ecrImmutableTags,
];

export {
  ecrImmutableTags, ecrScanOnPush, eksControlPlaneLogging, eksEndpointNotPublic, eksSecretsEncryption,
  iamNoAdminStatements, iamValidGrants, imdsv2Required, kmsKeyRotation, s3Encryption, s3PublicAccessBlock, s3Versioning, sgNoPublicIngress,
};
