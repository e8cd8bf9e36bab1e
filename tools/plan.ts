// `npm run plan -- --stack <env> [--stack-file <yaml>] [--json] [--preview]`: runs the real
// program under Pulumi's mocks with stacks/Pulumi.<env>.yaml (or the given file) and prints
// what `pulumi up` would create, with both policy packs' verdict on it.
import { parseArgs } from "util";
import type { PolicyReport, PolicyResource } from "../policies/engine";
import type { RecordedResource, RunResult } from "./harness";
import { listStacks, loadStackConfig } from "./stacks";

// The SDKs, the program and the packs load only once the arguments are good, so a usage
// error answers at once.
const engine = () => require("../policies/engine") as typeof import("../policies/engine");

export interface PlanDocument {
  stack: string;
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    inputs: Record<string, unknown>;
    protect: boolean;
    retainOnDelete: boolean;
    dependsOn: string[];
  }[];
  outputs: Record<string, unknown>;
  policy?: PolicyReport;
}

/**
 * Both policy packs over everything the program registers, as a preview would present
 * it: each resource's inputs over its mocked outputs. Components are passed too; rules
 * ignore types they do not check.
 */
export function policyReport(r: RunResult, env: string, rendered: PolicyResource[] = []): PolicyReport {
  const resources: PolicyResource[] = r.resources
    .filter((x) => x.type !== "pulumi:pulumi:Stack")
    .map((x) => ({
      urn: x.urn,
      type: x.type,
      name: x.name,
      parent: x.parent,
      props: { ...x.outputs, ...x.inputs },
      dependencies: x.dependsOn,
      propertyDependencies: x.propertyDependencies,
    }));
  return engine().evaluatePolicies([...resources, ...rendered], { env });
}

/** The deterministic document a pull request can diff. */
export function planDocument(r: RunResult, policy?: PolicyReport): PlanDocument {
  return {
    stack: r.stack,
    resources: r.resources.map((x) => ({
      urn: x.urn,
      type: x.type,
      name: x.name,
      parent: x.parent,
      custom: x.custom,
      inputs: x.inputs,
      protect: x.protect,
      retainOnDelete: x.retainOnDelete,
      dependsOn: x.dependsOn,
    })),
    outputs: Object.fromEntries(Object.keys(r.outputs).sort().map((k) => [k, r.outputs[k]])),
    ...(policy ? { policy } : {}),
  };
}

const byType = (r: RunResult, type: string) => r.resources.filter((x) => x.type === type);
const list = (v: unknown) => (Array.isArray(v) ? v.join(", ") : String(v ?? "-"));

/** Key facts per environment, read from what was registered (not from config). */
export function keyFacts(r: RunResult): string[] {
  const facts: string[] = [];
  const cluster = byType(r, "aws:eks/cluster:Cluster")[0]?.inputs as any;
  const vpc = byType(r, "aws:ec2/vpc:Vpc")[0]?.inputs as any;
  const subnets = byType(r, "aws:ec2/subnet:Subnet").map((s) => s.inputs as any);
  const zones = [...new Set(subnets.map((s) => s.availabilityZone))].sort();
  if (vpc) {
    facts.push(`network: VPC ${vpc.cidrBlock} over ${zones.length} zones (${zones.join(", ")}), ${subnets.length} subnets, ${byType(r, "aws:ec2/natGateway:NatGateway").length} NAT gateway(s), flow logs ${byType(r, "aws:ec2/flowLog:FlowLog").length ? "on" : "off"}, S3 gateway endpoint ${byType(r, "aws:ec2/vpcEndpoint:VpcEndpoint").length ? "on" : "off"}`);
  }
  if (cluster) {
    const v = cluster.vpcConfig ?? {};
    const key = byType(r, "aws:kms/key:Key").find((k) => k.name.endsWith("-secrets"))?.inputs as any;
    facts.push(`cluster: ${cluster.name}, Kubernetes ${cluster.version} (support ${cluster.upgradePolicy?.supportType}), auth ${cluster.accessConfig?.authenticationMode}`);
    facts.push(`endpoint: private ${v.endpointPrivateAccess ? "on" : "off"}, public ${v.endpointPublicAccess ? list(v.publicAccessCidrs) : "off"}`);
    facts.push(`secrets encryption: ${cluster.encryptionConfig?.provider?.keyArn ? `KMS (rotation ${key?.enableKeyRotation ? "on" : "off"})` : "NONE"}`);
    const logGroup = byType(r, "aws:cloudwatch/logGroup:LogGroup").find((g) => String((g.inputs as any).name).startsWith("/aws/eks/"))?.inputs as any;
    facts.push(`control-plane logs: ${list(cluster.enabledClusterLogTypes)} (${logGroup?.retentionInDays ?? "?"} days)`);
  }
  const policies = byType(r, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => String((a.inputs as any).policyArn).split("/").pop());
  facts.push(`access entries: ${byType(r, "aws:eks/accessEntry:AccessEntry").length} (${policies.filter((p) => p === "AmazonEKSClusterAdminPolicy").length} admin, ${policies.filter((p) => p === "AmazonEKSViewPolicy").length} viewer, plus node roles)`);
  const lts = new Map(byType(r, "aws:ec2/launchTemplate:LaunchTemplate").map((l) => [l.name, l.inputs as any]));
  for (const ng of byType(r, "aws:eks/nodeGroup:NodeGroup")) {
    const i = ng.inputs as any;
    const lt = lts.get(ng.name);
    const ebs = lt?.blockDeviceMappings?.[0]?.ebs ?? {};
    facts.push(`node group ${ng.name}: ${list(i.instanceTypes)} ${i.capacityType} ${i.scalingConfig?.minSize}/${i.scalingConfig?.desiredSize}/${i.scalingConfig?.maxSize} ${i.amiType}, IMDSv2 ${lt?.metadataOptions?.httpTokens ?? "?"} (hop ${lt?.metadataOptions?.httpPutResponseHopLimit ?? "?"}), ${ebs.volumeType} ${ebs.encrypted === "true" ? "encrypted" : "UNENCRYPTED"} ${ebs.volumeSize} GiB`);
  }
  const addons = byType(r, "aws:eks/addon:Addon").map((a) => (a.inputs as any).addonName).sort();
  facts.push(`addons: ${addons.join(", ")}`);
  const charts = byType(r, "kubernetes:helm.sh/v4:Chart").map((c) => `${String((c.inputs as any).chart).split("/").pop()} ${(c.inputs as any).version}`).sort();
  facts.push(`charts: ${charts.join(", ")}`);
  const protectedRes = r.resources.filter((x) => x.protect);
  facts.push(`protected: ${protectedRes.length} (${protectedRes.map((x) => `${x.type.split(":").pop()} ${x.name}`).join(", ") || "none"})`);
  return facts;
}

/** A tree of the stack's components with the number of resources under each. */
export function tree(r: RunResult): string[] {
  const children = new Map<string, RecordedResource[]>();
  for (const x of r.resources) {
    if (!children.has(x.parent)) children.set(x.parent, []);
    children.get(x.parent)!.push(x);
  }
  const count = (urn: string): number => (children.get(urn) ?? []).reduce((n, c) => n + 1 + count(c.urn), 0);
  const lines: string[] = [];
  const walk = (urn: string, indent: string) => {
    const kids = (children.get(urn) ?? []).filter((c) => !c.custom || c.type.startsWith("kubernetes:helm.sh"));
    const customs = (children.get(urn) ?? []).filter((c) => c.custom && !c.type.startsWith("kubernetes:helm.sh"));
    if (customs.length) {
      const types = new Map<string, number>();
      for (const c of customs) types.set(c.type, (types.get(c.type) ?? 0) + 1);
      const label = (t: string) => (t.startsWith("pulumi:providers:") ? `provider ${t.split(":").pop()}` : t.split(":").pop());
      lines.push(`${indent}${[...types].map(([t, n]) => `${label(t)} x${n}`).join(", ")}`);
    }
    for (const k of kids) {
      lines.push(`${indent}${k.type} ${k.name}${k.custom ? "" : ` (${count(k.urn)} resources)`}`);
      walk(k.urn, indent + "  ");
    }
  };
  const stack = r.resources.find((x) => x.type === "pulumi:pulumi:Stack");
  if (stack) {
    lines.push(`${stack.type} ${stack.name} (${count(stack.urn)} resources)`);
    walk(stack.urn, "  ");
  }
  return lines;
}

export function textReport(r: RunResult, policy?: PolicyReport, env?: string): string {
  const custom = r.resources.filter((x) => x.custom).length;
  return [
    `Plan for stack ${r.stack}: ${r.resources.length} resources (${custom} custom, ${r.resources.length - custom} components)`,
    "",
    ...tree(r),
    "",
    "Key facts:",
    ...keyFacts(r).map((f) => `  ${f}`),
    "",
    "Outputs:",
    ...Object.keys(r.outputs).sort().map((k) => `  ${k}: ${typeof r.outputs[k] === "string" ? r.outputs[k] : JSON.stringify(r.outputs[k])}`),
    "",
    ...(policy
      ? [`Policy packs (kubernetes, aws) at ${env}'s levels:`, ...engine().formatReport(policy).map((l) => `  ${l}`)]
      : ["Policy packs: not run in --preview (values are unknown until the resources exist)."]),
  ].join("\n");
}

/** Renders the stack's charts for --rendered; a string is the reason it cannot (no helm). */
async function renderedPolicy(result: RunResult) {
  const render = require("../models/render") as typeof import("../models/render");
  const report = require("../models/rendered-report") as typeof import("../models/rendered-report");
  if (!render.findHelm()) return `--rendered: ${new render.HelmNotFoundError().message}`;
  const r = await render.renderStack(result);
  return { resources: report.renderedPolicyResources(r), summaries: (p: PolicyReport) => report.chartSummaries(r, p) };
}

const formatCharts = (rows: import("../models/rendered-report").ChartSummary[]) =>
  (require("../models/rendered-report") as typeof import("../models/rendered-report")).formatChartSummaries(rows).join("\n");

const usage = () => `usage: npm run plan -- --stack <${listStacks().join("|")}> [--stack-file <yaml>] [--json | --diff <old-plan.json>] [--preview] [--rendered]`;

/** `plan --help`. */
export function helpText(): string {
  return [
    usage(),
    "",
    "Runs the platform program offline under Pulumi's mocks with stacks/Pulumi.<stack>.yaml and prints",
    "what `pulumi up` would create, with both policy packs' verdict on it.",
    "",
    "  -s, --stack <name>      the stack (required): " + listStacks().join(", "),
    "      --stack-file <yaml> read the config from this file instead of stacks/Pulumi.<stack>.yaml",
    "      --json              a deterministic document: {stack, resources[], outputs, policy}, sorted by URN",
    "      --diff <plan.json>  Markdown of what changed against an earlier --json plan, by URN",
    "      --preview           a first preview of a new environment: every provider output unknown, no policy run",
    "      --rendered          the packs also judge every object the charts render (helm template; needs helm on PATH)",
    "  -h, --help              this text",
    "",
    "Exit codes: 0 done, 1 invalid configuration (each problem names the key and the fix), 2 usage error.",
    "",
  ].join("\n");
}

async function cli(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { stack: { type: "string", short: "s" }, "stack-file": { type: "string" }, json: { type: "boolean" }, preview: { type: "boolean" }, diff: { type: "string" }, rendered: { type: "boolean" }, help: { type: "boolean", short: "h" } }, strict: true });
  } catch (e) {
    process.stderr.write(`plan: ${(e as Error).message}\n${usage()}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (args.values.diff !== undefined && (args.values.json || args.values.preview)) {
    process.stderr.write(`plan: --diff prints Markdown of a full plan; it does not combine with --json or --preview\n${usage()}\n`);
    return 2;
  }
  let before: PlanDocument | undefined;
  if (args.values.diff !== undefined) {
    try {
      before = require("./plan-diff").readPlan(require("fs").readFileSync(args.values.diff, "utf8"), args.values.diff);
    } catch (e) {
      process.stderr.write(`plan: --diff: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? `${args.values.diff} does not exist` : (e as Error).message}\n`);
      return 2;
    }
  }
  const stack = args.values.stack;
  if (!stack) {
    process.stderr.write(`plan: --stack is required (one of ${listStacks().join(", ")})\n`);
    return 2;
  }
  let config;
  try {
    config = loadStackConfig(stack, args.values["stack-file"]);
  } catch (e) {
    process.stderr.write(`plan: ${(e as Error).message}\n`);
    return 2;
  }
  let result: RunResult;
  try {
    const { runProgram } = require("./harness") as typeof import("./harness");
    result = await runProgram({ stack, config, preview: args.values.preview });
  } catch (e) {
    if ((e as Error)?.name === "ConfigError") {
      process.stderr.write(`plan: stack ${stack}: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
  const env = String((result.outputs.environment as string | undefined) ?? stack);
  // --rendered: the packs also judge every object the charts render, as a real preview does.
  const rendered = args.values.rendered && !args.values.preview ? await renderedPolicy(result) : undefined;
  if (typeof rendered === "string") return void process.stderr.write(`plan: ${rendered}\n`), 2;
  const policy = args.values.preview ? undefined : policyReport(result, env, rendered?.resources);
  const charts = rendered && policy ? rendered.summaries(policy) : undefined;
  const text = before
    ? (() => {
        const d = require("./plan-diff") as typeof import("./plan-diff");
        // Through JSON, as the old document was: undefined inputs compare as absent on both sides.
        return d.diffMarkdown(d.diffPlans(before, JSON.parse(JSON.stringify(planDocument(result, policy)))), stack);
      })()
    : args.values.json
      ? `${JSON.stringify({ ...planDocument(result, policy), ...(charts ? { charts } : {}) }, null, 2)}\n`
      : `${textReport(result, policy, env)}\n${charts ? `\n${formatCharts(charts)}\n` : ""}`;
  // A pipe takes large writes asynchronously: exit only once the document is flushed.
  await new Promise<void>((resolve) => process.stdout.write(text, () => resolve()));
  return 0;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`plan: ${(e as Error)?.stack ?? e}\n`);
      process.exit(3);
    },
  );
}
