import { z } from "zod";
import { isK8sKind, nameOf, RBAC, rbacRules } from "../../lib/k8s";
import { resourceRule } from "../../lib/rule";
import { asArray, globMatch } from "../../lib/util";

const READ_VERBS = new Set(["get", "list", "watch", "*"]);

export const rbacNoSecretRead = resourceRule("kubernetes", {
  name: "k8s-rbac-no-secret-read",
  item: "Checklist 5: RBAC least privilege",
  summary:
    "No Role or ClusterRole grants get/list/watch on secrets in the core API group without resourceNames (reading named secrets is allowed), unless the role is in `allowedRoles`.",
  fix: "scope the rule with resourceNames to the secrets the subject needs, or drop the read verbs",
  config: {
    allowedRoles: z.array(z.string()).default([]).describe("Role/ClusterRole names (globs) allowed broad secret read"),
  },
  appliesTo: (t) => isK8sKind(t, RBAC, "Role") || isK8sKind(t, RBAC, "ClusterRole"),
  appliesToText: "Kubernetes Roles and ClusterRoles",
  check(ctx) {
    const name = nameOf(ctx.props, ctx.name);
    if (ctx.config.allowedRoles.some((g: string) => globMatch(g, name))) return;
    for (const { rule, index } of rbacRules(ctx.props)) {
      const groups = asArray(rule.apiGroups);
      if (!groups.some((g) => g === "" || g === "*")) continue;
      if (!asArray(rule.resources).some((r) => r === "secrets" || r === "*")) continue;
      const verbs = asArray(rule.verbs).filter((v): v is string => typeof v === "string" && READ_VERBS.has(v));
      if (verbs.length === 0) continue;
      if (asArray(rule.resourceNames).some((n) => typeof n === "string" && n.length > 0)) continue;
      ctx.report(`rules[${index}]`, `rule grants ${verbs.join("/")} on all secrets${ctx.type.endsWith(":ClusterRole") ? " in every namespace" : " in the namespace"}`);
    }
  },
});
