import { z } from "zod";
import { isK8sKind, nameOf, RBAC } from "../../lib/k8s";
import { resourceRule } from "../../lib/rule";
import { asObject, asString, globMatch } from "../../lib/util";

export const rbacNoClusterAdminBinding = resourceRule("kubernetes", {
  name: "k8s-rbac-no-cluster-admin-binding",
  item: "Checklist 5: RBAC least privilege",
  summary: "No RoleBinding or ClusterRoleBinding refers to the cluster-admin ClusterRole, unless the binding's name is in `allowedBindings`.",
  fix: "bind a narrower role that grants only what the subject needs (or add the binding to allowedBindings with a reason in the config)",
  severity: "critical",
  config: {
    allowedBindings: z.array(z.string()).default([]).describe("Binding names (globs) allowed to refer to cluster-admin"),
  },
  appliesTo: (t) => isK8sKind(t, RBAC, "RoleBinding") || isK8sKind(t, RBAC, "ClusterRoleBinding"),
  appliesToText: "Kubernetes RoleBindings and ClusterRoleBindings",
  check(ctx) {
    const ref = asObject(ctx.props.roleRef);
    if (asString(ref?.name) !== "cluster-admin") return;
    const kind = asString(ref?.kind);
    if (kind !== undefined && kind !== "ClusterRole") return; // a namespaced Role that happens to be named cluster-admin
    const name = nameOf(ctx.props, ctx.name);
    if (ctx.config.allowedBindings.some((g: string) => globMatch(g, name))) return;
    ctx.report("roleRef.name", `binding ${JSON.stringify(name)} grants cluster-admin`);
  },
});
