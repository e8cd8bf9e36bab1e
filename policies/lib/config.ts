// Policy config: enforcement levels, per-rule settings and exemptions, validated with zod.
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";

export const LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type Level = (typeof LEVELS)[number];
export const levelSchema = z.enum(LEVELS, { error: () => `must be one of ${LEVELS.join(", ")}` });

export const exemptionSchema = z
  .object({
    rule: z.string().optional().describe("The policy name (optional; must equal the policy this entry sits under)"),
    resource: z
      .string({ error: "resource is required (a URN, `Kind/namespace/name`, or `type::name`; `*` globs allowed)" })
      .trim()
      .min(1, "resource must not be empty"),
    reason: z
      .string({ error: "an exemption needs a reason: say why the resource may break the rule and until when" })
      .trim()
      .min(1, "an exemption needs a reason: say why the resource may break the rule and until when"),
  })
  .strict();
export type Exemption = z.infer<typeof exemptionSchema>;

export type ConfigShape = z.ZodRawShape;

/** The full per-rule config object: the rule's own settings plus `exemptions`. */
export function ruleConfigSchema(shape: ConfigShape) {
  return z.object({ ...shape, exemptions: z.array(exemptionSchema).default([]) }).strict();
}

/** JSON schema for `configSchema`, so `pulumi preview --policy-pack-config` validates the same keys. */
export function toPulumiConfigSchema(schema: z.ZodObject): PolicyConfigSchema {
  const js = z.toJSONSchema(schema, { target: "draft-7", io: "input", unrepresentable: "any" }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  const out: PolicyConfigSchema = { properties: (js.properties ?? {}) as PolicyConfigSchema["properties"] };
  if (js.required && js.required.length > 0) out.required = js.required;
  return out;
}

/** One readable line per zod issue, naming the key path. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix: string): string[] {
  return issues.map((i) => {
    const path = [prefix, ...i.path.map(String)].filter((p) => p !== "").join(".");
    return `${path}: ${i.message}`;
  });
}
