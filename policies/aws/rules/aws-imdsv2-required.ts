import { z } from "zod";
import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asNumber, asObject, show } from "../../lib/util";

export const imdsv2Required = resourceRule("aws", {
  name: "aws-imdsv2-required",
  item: "AWS hygiene: IMDSv2 required",
  summary:
    "Launch templates (and instances) require IMDSv2 (metadataOptions.httpTokens: required, or the endpoint disabled) with a response hop limit no higher than maxHopLimit.",
  fix: 'set metadataOptions: {httpTokens: "required", httpPutResponseHopLimit: 1}',
  config: {
    maxHopLimit: z.number().int().min(1).max(64).default(2).describe("Highest allowed httpPutResponseHopLimit (2 lets pods reach IMDS)"),
  },
  appliesTo: (t) => t === T.launchTemplate || t === T.instance,
  appliesToText: `'${T.launchTemplate}' and '${T.instance}'`,
  check(ctx) {
    const md = asObject(ctx.props.metadataOptions);
    if (md?.httpEndpoint === "disabled") return;
    if (md?.httpTokens !== "required") {
      const now = md?.httpTokens === undefined ? "unset (IMDSv1 allowed)" : show(md.httpTokens);
      ctx.report("metadataOptions.httpTokens", `httpTokens is ${now}`);
    }
    const hop = asNumber(md?.httpPutResponseHopLimit);
    if (hop !== undefined && hop > ctx.config.maxHopLimit) {
      ctx.report("metadataOptions.httpPutResponseHopLimit", `hop limit ${hop} exceeds ${ctx.config.maxHopLimit}`, `set httpPutResponseHopLimit to ${ctx.config.maxHopLimit} or less`);
    }
  },
});
