// The one harness that runs the real program under Pulumi's mocks: the offline plan and
// the tests both use it. It records every registration as the engine would receive it
// (inputs, parent, protect, retainOnDelete, explicit dependsOn) and every invoke, and
// answers invokes with the shapes AWS returns.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ROOT, StackConfig } from "./stacks";

export { ROOT, listStacks, loadStackConfig } from "./stacks";
export type { StackConfig } from "./stacks";

export const ACCOUNT_ID = "123456789012";
/** Every generated secret under the harness starts with this. */
export const MOCK_SECRET_PREFIX = "mock-generated-secret-";
export const DEPLOYER_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/platform-deployer`;

export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  provider: string;
  inputs: Record<string, unknown>;
  /** What the mock returned: inputs plus computed attributes (ids, ARNs). */
  outputs: Record<string, unknown>;
  protect: boolean;
  retainOnDelete: boolean;
  dependsOn: string[];
  /** Input property -> URNs it came from (links S3 settings to their bucket). */
  propertyDependencies: Record<string, string[]>;
}

export interface RecordedInvoke {
  token: string;
  inputs: Record<string, unknown>;
}

export interface RunResult {
  stack: string;
  resources: RecordedResource[];
  invokes: RecordedInvoke[];
  outputs: Record<string, unknown>;
  secretOutputs: string[];
  /** Calls the mock's newResource received; differs from `registered` when names collide. */
  newResourceCalls: number;
  registered: number;
}


const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Computed attributes a real create would return, shaped like the AWS provider's. */
function mockState(type: string, name: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
  const arn = (svc: string, res: string) => `arn:aws:${svc}:${region}:${ACCOUNT_ID}:${res}`;
  const physical = inputs.name ?? `${name}-0a1b2c3`;
  switch (type) {
    case "aws:eks/cluster:Cluster":
      return {
        ...inputs,
        arn: arn("eks", `cluster/${physical}`),
        endpoint: `https://${physical}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`ca-of-${physical}`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF` }] }],
        vpcConfig: { ...(inputs.vpcConfig ?? {}), clusterSecurityGroupId: "sg-0cluster0000000000", vpcId: "vpc-mock" },
        version: inputs.version,
      };
    case "aws:iam/role:Role":
      return { ...inputs, name: physical, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${physical}` };
    case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
      return { ...inputs, arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}` };
    case "aws:kms/key:Key":
      return { ...inputs, keyId: `key-${name}`, arn: arn("kms", `key/key-${name}`) };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...inputs, arn: arn("logs", `log-group:${physical}`) };
    case "aws:ec2/launchTemplate:LaunchTemplate":
      return { ...inputs, latestVersion: 1, arn: arn("ec2", `launch-template/lt-${name}`) };
    case "aws:sqs/queue:Queue":
      return { ...inputs, name: physical, arn: arn("sqs", physical), url: `https://sqs.${region}.amazonaws.com/${ACCOUNT_ID}/${physical}` };
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? `${name}-0a1b2c3`;
      return { ...inputs, bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:ecr/repository:Repository":
      return { ...inputs, arn: arn("ecr", `repository/${physical}`), repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${physical}`, registryId: ACCOUNT_ID };
    case "random:index/randomPassword:RandomPassword":
      // Recognisable values, so tests can prove no secret leaks into a plain input or output.
      return { ...inputs, result: `${MOCK_SECRET_PREFIX}${name}`, bcryptHash: `$2a$10$${MOCK_SECRET_PREFIX}${name}-hash` };
    case "aws:secretsmanager/secret:Secret":
      // Secrets Manager appends six random characters to the name in the ARN.
      return { ...inputs, arn: arn("secretsmanager", `secret:${inputs.name ?? name}-AbC123`) };
    case "aws:eks/nodeGroup:NodeGroup":
      return { ...inputs, arn: arn("eks", `nodegroup/${name}`), nodeGroupName: `${inputs.nodeGroupNamePrefix ?? name}0a1b2c3` };
    default:
      if (type.startsWith("kubernetes:")) return { ...inputs };
      return { ...inputs, arn: arn(type.split(":")[1]?.split("/")[0] ?? "svc", name) };
  }
}

/** Physical ids: bucket names for buckets (policies match S3 settings on them), `<name>-id` elsewhere. */
function mockId(type: string, name: string, state: Record<string, unknown>): string {
  if (type === "aws:s3/bucket:Bucket") return String(state.bucket);
  if (type.startsWith("kubernetes:")) return `${(state.metadata as any)?.namespace ?? "default"}/${(state.metadata as any)?.name ?? name}`;
  return `${name}-id`;
}

function invokeResult(token: string, inputs: Record<string, any>, region: string, zones: number): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c", "d", "e", "f"].slice(0, zones).map((s) => `${region}${s}`);
      return { names, zoneIds: names.map((_, i) => `use1-az${i + 1}`), id: region, groupNames: names };
    }
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { accountId: ACCOUNT_ID, arn: `arn:aws:sts::${ACCOUNT_ID}:assumed-role/platform-deployer/ci-session`, userId: "AROAEXAMPLE:ci-session", id: ACCOUNT_ID };
    case "aws:iam/getSessionContext:getSessionContext":
      return { arn: inputs.arn, issuerArn: DEPLOYER_ROLE, issuerId: "AROAEXAMPLE", issuerName: "platform-deployer", sessionName: "ci-session" };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { region, name: region, endpoint: `ec2.${region}.amazonaws.com`, description: region, id: region };
    case "aws:eks/getAddonVersion:getAddonVersion":
      return { addonName: inputs.addonName, kubernetesVersion: inputs.kubernetesVersion, version: `v1.0.0-eksbuild.1`, id: inputs.addonName };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { json: JSON.stringify({ Version: "2012-10-17", Statement: inputs.statements ?? [] }), id: "policy" };
    case "aws:eks/getClusterAuth:getClusterAuth":
      return { token: "k8s-aws-v1.offline", name: inputs.name, id: inputs.name };
    default:
      // A throwing mock rejects with an empty message: say what was missing first.
      console.error(`harness: no mock for invoke ${token}`);
      throw new Error(`harness: no mock for invoke ${token}`);
  }
}

/** Turns wire values into plain JSON: secrets as "[secret]", unknowns as "[unknown]". */
export function plain(v: unknown): unknown {
  if (v === UNKNOWN || pulumi.isUnknown(v)) return "[unknown]";
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return "[secret]";
    if (o[SIG_KEY] === RESOURCE_SIG) return o.urn;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = plain(o[k]);
    return out;
  }
  return v;
}

/**
 * Runs infra/platform.ts for `stack` with `config` under mocks. preview=true gives a
 * first preview of a new environment: every provider output is unknown.
 */
export interface RunOptions {
  stack: string;
  config: StackConfig;
  preview?: boolean;
  project?: string;
  /** The program to run; default infra/platform.ts's platform(). Modules under infra/, contract/ and examples/ are loaded fresh each run. */
  program?: () => Promise<Record<string, unknown>>;
  /** Availability zones the mocked region offers (default 4). */
  zones?: number;
  /** Outputs of the stacks a StackReference may read, by fully qualified name. */
  stackReferences?: Record<string, { outputs: Record<string, unknown>; secretOutputNames?: string[] }>;
}

export async function runProgram(opts: RunOptions): Promise<RunResult> {
  const project = opts.project ?? "platform";
  const preview = opts.preview ?? false;
  const region = opts.config.config[`${project}:region`] ?? "us-east-1";
  const invokes: RecordedInvoke[] = [];
  const states = new Map<string, Record<string, unknown>>();
  let newResourceCalls = 0;

  await pulumi.runtime.setMocks({
    newResource(args) {
      newResourceCalls++;
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs?.name ?? args.id);
        const ref = opts.stackReferences?.[name];
        if (!ref) {
          console.error(`harness: no mocked stack ${name} (have: ${Object.keys(opts.stackReferences ?? {}).join(", ") || "none"})`);
          throw new Error(`harness: no mocked stack ${name}`);
        }
        return { id: name, state: { name, outputs: ref.outputs, secretOutputNames: ref.secretOutputNames ?? [] } };
      }
      if (preview) return { id: undefined, state: {} };
      const state = mockState(args.type, args.name, args.inputs ?? {}, region);
      states.set(`${args.type}::${args.name}`, state);
      return { id: mockId(args.type, args.name, state), state };
    },
    call(args) {
      invokes.push({ token: args.token, inputs: plain(args.inputs) as Record<string, unknown> });
      return invokeResult(args.token, args.inputs ?? {}, region, opts.zones ?? 4);
    },
  }, project, opts.stack, preview, "organization");
  pulumi.runtime.setAllConfig(opts.config.config, opts.config.secretKeys);

  const recorded: RecordedResource[] = [];
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) =>
    register(req, (err: any, resp: any) => {
      if (!err) {
        const inputs = plain(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
        const propDeps = new Set<string>();
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, prop: string) => {
          const urns: string[] = deps.getUrnsList();
          urns.forEach((u) => propDeps.add(u));
          if (urns.length) propertyDependencies[prop] = [...urns].sort();
        });
        recorded.push({
          urn: resp.getUrn(),
          type: req.getType(),
          name: req.getName(),
          parent: req.getParent(),
          custom: req.getCustom(),
          provider: req.getProvider(),
          inputs,
          outputs: plain(states.get(`${req.getType()}::${req.getName()}`) ?? {}) as Record<string, unknown>,
          protect: !!req.getProtect(),
          retainOnDelete: !!req.getRetainondelete(),
          dependsOn: [...new Set<string>(req.getDependenciesList().filter((u: string) => !propDeps.has(u)))].sort(),
          propertyDependencies,
        });
      }
      callback(err, resp);
    });

  // Fresh program modules per run: the program reads config at import time.
  const fresh = ["infra", "contract", "examples"].map((d) => path.join(ROOT, d) + path.sep);
  for (const id of Object.keys(require.cache)) if (fresh.some((d) => id.startsWith(d))) delete require.cache[id];

  // The SDK formats a stack trace for every promise and resource it creates (source
  // positions for the engine); offline nobody reads them, and they were a fifth of the
  // plan's time. PLATFORM_TRACE=1 keeps them for debugging a crash in the program.
  // A failing Output rejects once for the stack and once per promise that awaited it; the
  // first reaches the caller, the echoes are collected here instead of crashing the process.
  const rejections: unknown[] = [];
  const onRejection = (e: unknown) => rejections.push(e);
  process.on("unhandledRejection", onRejection);
  try {
    return await run();
  } finally {
    await settle(() => rejections.length);
    process.off("unhandledRejection", onRejection);
  }

  async function run(): Promise<RunResult> {
    const traceLimit = Error.stackTraceLimit;
    if (!process.env.PLATFORM_TRACE) Error.stackTraceLimit = 0;
    // Keep the program's own Output objects: the stack's massaged copy loses secretness.
    let raw: Record<string, unknown> = {};
    try {
      await pulumi.runtime.runInPulumiStack(async () => {
        const program = opts.program ?? (() => (require(path.join(ROOT, "infra", "platform")) as typeof import("../infra/platform")).platform());
        raw = await program();
        return raw;
      });
    } catch (e) {
      if (e instanceof Error && e.name !== "ConfigError" && !process.env.PLATFORM_TRACE) e.message += " (rerun with PLATFORM_TRACE=1 for a stack trace)";
      // What got registered before the failure, for tests that prove bad input stops early.
      if (e instanceof Error) Object.defineProperty(e, "registeredTypes", { value: recorded.map((x) => x.type), enumerable: false });
      throw e;
    } finally {
      Error.stackTraceLimit = traceLimit;
    }

    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
      const o = pulumi.output(v) as any;
      if (await o.isSecret) secretOutputs.push(k);
      const value = preview ? await o.promise(true) : await o.promise();
      outputs[k] = (await o.isSecret) ? "[secret]" : plain(value);
    }
    await settle(() => recorded.length + rejections.length);
    // A program that succeeded may not leave a rejection behind: that is a bug to surface.
    if (rejections.length) throw rejections[0];

    recorded.sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    return { stack: opts.stack, resources: recorded, invokes, outputs, secretOutputs: secretOutputs.sort(), newResourceCalls, registered: monitor.resources.size };
    }
  }

  /** Waits until registrations stop arriving (they complete asynchronously). */
  async function settle(count: () => number): Promise<void> {
    let last = -1;
    let stable = 0;
    while (stable < 3) {
      await new Promise((r) => setImmediate(r));
      const now = count();
      stable = now === last ? stable + 1 : 0;
      last = now;
  }
}
