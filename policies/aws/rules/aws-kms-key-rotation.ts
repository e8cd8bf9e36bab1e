import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asString, show } from "../../lib/util";

export const kmsKeyRotation = resourceRule("aws", {
  name: "aws-kms-key-rotation",
  item: "AWS hygiene: KMS key rotation",
  summary: "Every symmetric KMS key has automatic rotation enabled (asymmetric and HMAC keys cannot rotate and are skipped).",
  fix: "set enableKeyRotation: true on the key",
  severity: "medium",
  appliesTo: (t) => t === T.kmsKey,
  appliesToText: `'${T.kmsKey}'`,
  check(ctx) {
    const spec = asString(ctx.props.customerMasterKeySpec) ?? asString(ctx.props.keySpec);
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return;
    if (ctx.props.enableKeyRotation !== true) {
      ctx.report("enableKeyRotation", `key rotation is ${ctx.props.enableKeyRotation === undefined ? "off (default)" : show(ctx.props.enableKeyRotation)}`);
    }
  },
});
