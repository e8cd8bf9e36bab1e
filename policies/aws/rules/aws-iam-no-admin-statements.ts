import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, stringList } from "../../lib/util";

const isStar = (s: string) => s === "*" || s === "*:*";

/** Problems with one IAM policy document (JSON string or object), reported relative to `path`. */
export function adminStatementProblems(doc: unknown, path: string): { path: string; problem: string }[] {
  let parsed: unknown = doc;
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      return [{ path, problem: "the policy is not valid JSON, so it cannot be checked" }];
    }
  }
  const obj = asObject(parsed);
  if (!obj) return doc === undefined || doc === null ? [] : [{ path, problem: "the policy is not a JSON object" }];
  const raw = obj.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const out: { path: string; problem: string }[] = [];
  statements.forEach((s, i) => {
    const st = asObject(s);
    if (!st || st.Effect !== "Allow") return;
    const p = `${path}.Statement[${i}]`;
    const actions = stringList(st.Action);
    const resources = stringList(st.Resource);
    const allResources = resources.some(isStar) || st.NotResource !== undefined;
    if (actions.some(isStar) && allResources) {
      out.push({ path: p, problem: 'statement allows Action "*" on every resource (full admin)' });
    } else if (st.NotAction !== undefined && allResources) {
      out.push({ path: p, problem: `statement allows every action except ${stringList(st.NotAction).join(", ") || "the listed ones"} on every resource (NotAction with Allow)` });
    }
  });
  return out;
}

export const iamNoAdminStatements = resourceRule("aws", {
  name: "aws-iam-no-admin-statements",
  item: "AWS hygiene: no IAM statement allowing * on *",
  summary:
    'No IAM policy (Policy, RolePolicy, UserPolicy, GroupPolicy, Role inlinePolicies) has an Allow statement with Action "*" (or NotAction) on Resource "*" (or NotResource).',
  fix: "list the specific actions and resource ARNs the principal needs",
  severity: "critical",
  appliesTo: (t) => t === T.iamPolicy || t === T.iamRolePolicy || t === T.iamUserPolicy || t === T.iamGroupPolicy || t === T.iamRole,
  appliesToText: "IAM policies, role/user/group inline policies and roles",
  check(ctx) {
    const docs: { doc: unknown; path: string }[] = [];
    if (ctx.type === T.iamRole) {
      asArray(ctx.props.inlinePolicies).forEach((p, i) => docs.push({ doc: asObject(p)?.policy, path: `inlinePolicies[${i}].policy` }));
    } else {
      docs.push({ doc: ctx.props.policy, path: "policy" });
    }
    for (const { doc, path } of docs) {
      for (const { path: p, problem } of adminStatementProblems(doc, path)) ctx.report(p, problem);
    }
  },
});
