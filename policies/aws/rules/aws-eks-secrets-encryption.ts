import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, asString } from "../../lib/util";

export const eksSecretsEncryption = resourceRule("aws", {
  name: "aws-eks-secrets-encryption",
  item: "AWS hygiene: EKS secrets encryption",
  summary: "Every EKS cluster encrypts Kubernetes secrets with a KMS key (encryptionConfig.resources contains \"secrets\" and provider.keyArn is set).",
  fix: 'set encryptionConfig: {provider: {keyArn: <kms key arn>}, resources: ["secrets"]} on the cluster',
  appliesTo: (t) => t === T.eksCluster,
  appliesToText: `'${T.eksCluster}'`,
  check(ctx) {
    const enc = asObject(ctx.props.encryptionConfig);
    if (!enc) {
      ctx.report("encryptionConfig", "the cluster does not encrypt secrets with a KMS key (envelope encryption is off)");
      return;
    }
    if (!asArray(enc.resources).includes("secrets")) {
      ctx.report("encryptionConfig.resources", 'resources does not include "secrets"');
    }
    if (!asString(asObject(enc.provider)?.keyArn)) {
      ctx.report("encryptionConfig.provider.keyArn", "no KMS key ARN is set");
    }
  },
});
