// Engine plumbing test: the real CrossGuard analyzer (each pack's PolicyPack server from @pulumi/policy,
// over gRPC, as `pulumi preview` drives it) and the offline engine must report the same violations.
// Both sides run the same rule code, so this proves the offline engine drives rules as Pulumi does
// (types, levels, settings, exemptions, unknowns); it says nothing about whether the rules are right.
import * as assert from "assert";
import { effectiveLevel, evaluatePolicies, PackConfig, PackName, PACKS, PolicyConfig, PolicyResource } from "../../policies/engine";
import { T } from "../../policies/lib/aws";
import { podWith, TOKENS, workload } from "./fixtures";
import { packServer, takePackServer } from "./pack-server";

const pb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js");

function resourceMsg(Cls: any, r: PolicyResource) {
  const m = new Cls();
  m.setType(r.type);
  m.setUrn(r.urn);
  m.setName(r.name);
  m.setProperties(Struct.fromJavaScript(r.props));
  m.setOptions(new pb.AnalyzerResourceOptions());
  return m;
}

const call = (client: any, method: string, req: unknown): Promise<any> =>
  new Promise((resolve, reject) => client[method](req, (err: Error | null, res: any) => (err ? reject(err) : resolve(res))));

// The analyzer prefixes each message with the policy description and a newline; the engine keeps the message.
const LEVEL_NAMES: Record<number, string> = { [pb.EnforcementLevel.ADVISORY]: "advisory", [pb.EnforcementLevel.MANDATORY]: "mandatory" };
const diag = (res: any, urn?: string) =>
  res.getDiagnosticsList().map((d: any) => {
    const msg: string = d.getMessage();
    return `${LEVEL_NAMES[d.getEnforcementlevel()]} ${d.getPolicyname()} ${d.getUrn() || urn || ""} ${msg.slice(msg.indexOf("\n") + 1)}`;
  });

/** What the Pulumi CLI sends for a --policy-pack-config file: every policy's resolved level and settings. */
function configureRequest(pack: PackName, config: PackConfig) {
  const req = new pb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  const LEVELS: Record<string, number> = { advisory: pb.EnforcementLevel.ADVISORY, mandatory: pb.EnforcementLevel.MANDATORY, disabled: pb.EnforcementLevel.DISABLED, remediate: pb.EnforcementLevel.REMEDIATE };
  for (const p of PACKS[pack]) {
    const entry = config[p.name];
    const { enforcementLevel: _l, ...settings } = typeof entry === "object" ? entry : {};
    const pc = new pb.PolicyConfig();
    pc.setEnforcementlevel(LEVELS[effectiveLevel(p, config)]);
    pc.setProperties(Struct.fromJavaScript(settings));
    map.set(p.name, pc);
  }
  return req;
}

async function analyzeAll(client: any, resources: PolicyResource[]): Promise<string[]> {
  const real: string[] = [];
  for (const r of resources) real.push(...diag(await call(client, "analyze", resourceMsg(pb.AnalyzeRequest, r)), r.urn));
  const stackReq = new pb.AnalyzeStackRequest();
  stackReq.setResourcesList(resources.map((r) => resourceMsg(pb.AnalyzerResource, r)));
  real.push(...diag(await call(client, "analyzeStack", stackReq)));
  return real.sort();
}

const RESOURCES: Record<PackName, PolicyResource[]> = {
  kubernetes: [
    { urn: "urn:pulumi:t::p::kubernetes:apps/v1:Deployment::bad", type: TOKENS.Deployment, name: "bad", props: workload("Deployment", podWith((s) => { delete s.securityContext; s.containers[0].image = "registry:5000/app"; s.containers[0].env.push({ name: "API_KEY", value: "k" }); s.hostNetwork = true; }), "apps", "bad") },
    { urn: "urn:pulumi:t::p::kubernetes:batch/v1:CronJob::cj", type: TOKENS.CronJob, name: "cj", props: workload("CronJob", podWith((s) => (s.initContainers[0].securityContext.privileged = true)), "jobs", "cj") },
    { urn: "urn:pulumi:t::p::kubernetes:core/v1:Namespace::apps", type: "kubernetes:core/v1:Namespace", name: "apps", props: { metadata: { name: "apps" } } },
    { urn: "urn:pulumi:t::p::kubernetes:rbac.authorization.k8s.io/v1:ClusterRole::r", type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", name: "r", props: { rules: [{ apiGroups: [""], resources: ["*"], verbs: ["*"] }] } },
    { urn: "urn:pulumi:t::p::kubernetes:helm.sh/v4:Chart::c", type: "kubernetes:helm.sh/v4:Chart", name: "c", props: { chart: "x" } },
  ],
  aws: [
    { urn: "urn:pulumi:t::p::aws:eks/cluster:Cluster::eks", type: T.eksCluster, name: "eks", props: { vpcConfig: { subnetIds: ["a"] }, enabledClusterLogTypes: ["api"] } },
    { urn: "urn:pulumi:t::p::aws:iam/rolePolicy:RolePolicy::admin", type: T.iamRolePolicy, name: "admin", props: { policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }) } },
    { urn: "urn:pulumi:t::p::aws:s3/bucket:Bucket::logs", type: T.bucket, name: "logs", props: { bucket: "logs" } },
    { urn: "urn:pulumi:t::p::aws:s3/bucketVersioning:BucketVersioning::logs", type: T.versioning, name: "logs", props: { bucket: "logs", versioningConfiguration: { status: "Suspended" } } },
    { urn: "urn:pulumi:t::p::aws:ecr/repository:Repository::api", type: T.ecrRepository, name: "api", props: { name: "api" } },
  ],
};

describe("engine plumbing: the offline engine drives the rules as the real CrossGuard analyzer does (same rule code on both sides)", function () {
  this.timeout(60000);
  for (const pack of ["kubernetes", "aws"] as PackName[]) {
    it(`${pack} pack: same violations, resource by resource and for the stack`, async () => {
      const { client } = await packServer(pack);
      const real = await analyzeAll(client, RESOURCES[pack]);
      const offline = evaluatePolicies(RESOURCES[pack], { env: "t", packs: [pack], config: { env: "t", packs: { kubernetes: {}, aws: {} } } });
      const mine = offline.violations.map((v) => `${v.level} ${v.policy} ${v.urn ?? ""} ${v.message}`);
      assert.ok(real.length >= 8, `the real analyzer reported ${real.length}`);
      assert.deepStrictEqual(mine.sort(), real);
    });
  }

  it("kubernetes pack with a config (levels, settings, exemptions) and a value unknown during preview", async () => {
    const { unknownStringValue } = require("@pulumi/policy/proxy");
    const config: PolicyConfig = {
      env: "t",
      packs: {
        aws: {},
        kubernetes: {
          all: "mandatory",
          "k8s-probes-set": "advisory",
          "k8s-resources-set": "disabled",
          "k8s-image-allowed-registry": { enforcementLevel: "advisory", allowedRegistries: ["registry:5000"] },
          "k8s-no-host-namespaces": { exemptions: [{ resource: "Deployment/apps/*", reason: "CNI test" }] },
          "k8s-namespace-default-deny": { exemptions: [{ resource: "Namespace/apps", reason: "r" }] },
        },
      },
    };
    const unknown: PolicyResource = { urn: "urn:pulumi:t::p::kubernetes:apps/v1:Deployment::u", type: TOKENS.Deployment, name: "u", props: workload("Deployment", podWith((s) => { s.containers[0].image = unknownStringValue; delete s.containers[0].livenessProbe; }), "jobs", "u") };
    const resources = [...RESOURCES.kubernetes, unknown];
    // configure changes the server for good: this test takes the shared process over.
    const { client } = await takePackServer("kubernetes");
    await call(client, "configure", configureRequest("kubernetes", config.packs.kubernetes));
    const real = await analyzeAll(client, resources);
    const offline = evaluatePolicies(resources, { env: "t", packs: ["kubernetes"], config });
    const mine = offline.violations.map((v) => `${v.level} ${v.policy} ${v.urn ?? ""} ${v.message}`);
    // The analyzer turns an unknown read into an advisory "can't run" diagnostic; the engine lists it as skipped.
    const cantRun = real.filter((d) => / can't run policy /.test(d));
    assert.deepStrictEqual(cantRun.map((d) => d.split(" ")[1]).sort(), offline.skipped.map((s) => s.policy).sort());
    assert.ok(cantRun.length === 2 && cantRun.every((d) => d.startsWith("advisory ")));
    assert.deepStrictEqual(mine.sort(), real.filter((d) => !cantRun.includes(d)));
    assert.ok(mine.some((m) => m.startsWith("advisory k8s-probes-set")));
    assert.ok(!mine.some((m) => m.includes("k8s-resources-set") || m.includes("k8s-no-host-namespaces")));
    assert.deepStrictEqual(offline.exempted.map((e) => e.policy).sort(), ["k8s-namespace-default-deny", "k8s-no-host-namespaces"]);
  });
});
