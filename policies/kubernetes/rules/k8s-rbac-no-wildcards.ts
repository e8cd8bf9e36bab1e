import { isK8sKind, RBAC, rbacRules } from "../../lib/k8s";
import { resourceRule } from "../../lib/rule";
import { asArray } from "../../lib/util";

export const rbacNoWildcards = resourceRule("kubernetes", {
  name: "k8s-rbac-no-wildcards",
  item: "Checklist 5: RBAC least privilege",
  summary: "No Role or ClusterRole rule uses a wildcard (`*`) in verbs or resources.",
  fix: "list the exact verbs and resources the subject needs",
  appliesTo: (t) => isK8sKind(t, RBAC, "Role") || isK8sKind(t, RBAC, "ClusterRole"),
  appliesToText: "Kubernetes Roles and ClusterRoles",
  check(ctx) {
    for (const { rule, index } of rbacRules(ctx.props)) {
      for (const field of ["verbs", "resources"]) {
        if (asArray(rule[field]).some((v) => v === "*" || v === "*/*")) {
          ctx.report(`rules[${index}].${field}`, `rule grants a wildcard in ${field}`);
        }
      }
    }
  },
});
