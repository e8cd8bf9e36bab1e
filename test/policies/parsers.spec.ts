// The small parsers of policies/lib, input by input. image.ts, tokens.ts and util.ts memoize their
// results in module-level maps keyed by the input string; a test that reuses an input another test
// already parsed in the same process only reads the map. So each test here loads its own copy of
// the module (`fresh`) and checks the parse itself, not a remembered result (mutation testing runs
// every test in one long-lived process, where the maps would otherwise answer for the code).
import * as assert from "assert";
import type * as ImageLib from "../../policies/lib/image";
import type * as TokensLib from "../../policies/lib/tokens";
import type * as UtilLib from "../../policies/lib/util";
import type * as AwsLib from "../../policies/lib/aws";
import { keyPath, podView } from "../../policies/lib/pss/pod";
import { freshModule } from "./harness";

const fresh = <T>(request: string): T => freshModule<T>(request);
const image = () => fresh<typeof ImageLib>("../../policies/lib/image");
const tokens = () => fresh<typeof TokensLib>("../../policies/lib/tokens");
const util = () => fresh<typeof UtilLib>("../../policies/lib/util");

const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("policies/lib parsers (each test on a fresh module, so no memoized answer)", () => {
  describe("parseImage", () => {
    // [input, expected]: registry defaults, ports vs tags, digests, case, Docker Hub's library/ prefix
    const OK: [string, Partial<ImageLib.ImageRef>][] = [
      ["nginx", { raw: "nginx", registry: "docker.io", repository: "library/nginx", tag: undefined, digest: undefined }],
      ["  nginx:1.25  ", { raw: "nginx:1.25", registry: "docker.io", repository: "library/nginx", tag: "1.25", digest: undefined }],
      [`app@${DIGEST}`, { raw: `app@${DIGEST}`, registry: "docker.io", repository: "library/app", tag: undefined, digest: DIGEST }],
      [`app:1.0@${DIGEST}`, { registry: "docker.io", repository: "library/app", tag: "1.0", digest: DIGEST }],
      ["registry:5000/app", { registry: "registry:5000", repository: "app", tag: undefined }],
      ["registry:5000/team/app:2", { registry: "registry:5000", repository: "team/app", tag: "2" }],
      ["localhost/app:1", { registry: "localhost", repository: "app", tag: "1" }],
      ["Registry.Example.COM/app:1", { registry: "registry.example.com", repository: "app", tag: "1" }],
      ["grafana/loki:3.7.6", { registry: "docker.io", repository: "grafana/loki", tag: "3.7.6" }],
      ["index.docker.io/nginx", { registry: "docker.io", repository: "library/nginx" }],
      ["docker.io/nginx:stable", { registry: "docker.io", repository: "library/nginx", tag: "stable" }],
      ["quay.io/nginx", { registry: "quay.io", repository: "nginx" }],
      ["example.com", { registry: "docker.io", repository: "library/example.com" }],
      ["a__b/c-d.e_f:V_1.x-2", { registry: "docker.io", repository: "a__b/c-d.e_f", tag: "V_1.x-2" }],
      ["a--b:1", { registry: "docker.io", repository: "library/a--b", tag: "1" }],
      [`app@sha256+b64u:${"ab".repeat(32)}`, { repository: "library/app", digest: `sha256+b64u:${"ab".repeat(32)}` }],
      [`app:${"a".repeat(128)}`, { tag: "a".repeat(128) }],
      ["[::1]:5000/app:1", { registry: "[::1]:5000", repository: "app", tag: "1" }],
      ["my-registry.internal:5000/team/app:2", { registry: "my-registry.internal:5000", repository: "team/app", tag: "2" }],
    ];
    for (const [input, want] of OK) {
      it(`parses ${JSON.stringify(input)}`, () => {
        const got = image().parseImage(input) as ImageLib.ImageRef;
        for (const [k, v] of Object.entries(want)) assert.strictEqual(got[k as keyof ImageLib.ImageRef], v, `${input}: ${k}`);
        assert.ok(Object.isFrozen(got));
      });
    }
    const BAD: [string, string][] = [
      ["", "image is empty"],
      ["   ", "image is empty"],
      ["ngi nx:1", "image contains whitespace"],
      ["app@sha256:short", 'digest "sha256:short" is malformed'],
      ["app:", 'tag "" is malformed'],
      ["app:-1", 'tag "-1" is malformed'],
      ["Upper/app:1", 'repository "Upper/app" is malformed (lowercase letters, digits and separators only)'],
      ["example.com/:1", 'repository "" is malformed (lowercase letters, digits and separators only)'],
      ["quay.io/team/Bad:1", 'repository "team/Bad" is malformed (lowercase letters, digits and separators only)'],
      ["app-:1", 'repository "app-" is malformed (lowercase letters, digits and separators only)'],
      [":1", 'repository "" is malformed (lowercase letters, digits and separators only)'],
      [`@${DIGEST}`, 'repository "" is malformed (lowercase letters, digits and separators only)'],
      ["app:1.0!", 'tag "1.0!" is malformed'],
      [`app:${"a".repeat(129)}`, `tag "${"a".repeat(129)}" is malformed`],
      [`app@Sha256:${"ab".repeat(32)}`, `digest "Sha256:${"ab".repeat(32)}" is malformed`],
      [`app@${DIGEST}!`, `digest "${DIGEST}!" is malformed`],
      ["host:/app:1", 'registry "host:" is malformed (host[:port])'],
      ["registry.io:x/app:1", 'registry "registry.io:x" is malformed (host[:port])'],
      ["-bad.io/app:1", 'registry "-bad.io" is malformed (host[:port])'],
      ["bad..io/app:1", 'registry "bad..io" is malformed (host[:port])'],
    ];
    for (const [input, error] of BAD) {
      it(`refuses ${JSON.stringify(input)}: ${error}`, () => assert.deepStrictEqual({ ...image().parseImage(input) }, { error }));
    }
  });

  describe("registry allow-list entries", () => {
    const allowed = (entry: string, ref: string) => {
      const lib = image();
      const r = lib.parseImage(ref);
      assert.ok(!("error" in r), ref);
      return lib.imageAllowed(r as ImageLib.ImageRef, [entry]);
    };
    it("an entry is a whole-segment prefix of registry/repository", () => {
      assert.ok(allowed("quay.io/jetstack", "quay.io/jetstack/cert-manager-controller:1"));
      assert.ok(allowed("quay.io/jetstack", "quay.io/jetstack:1"));
      assert.ok(!allowed("quay.io/jetstack", "quay.io/jetstackx/y:1"));
      assert.ok(allowed(" quay.io/jetstack// ", "quay.io/jetstack/cainjector:1"), "trimmed, trailing slashes dropped");
    });
    it("an entry without a host means Docker Hub; localhost and host:port are hosts", () => {
      assert.ok(allowed("grafana", "grafana/loki:3"));
      assert.ok(allowed("grafana", "docker.io/grafana/loki:3"));
      assert.ok(!allowed("grafana", "quay.io/grafana/loki:3"));
      assert.ok(allowed("localhost", "localhost/app:1"));
      assert.ok(!allowed("localhost", "app:1"));
      assert.ok(allowed("registry:5000", "registry:5000/app:1"));
    });
    it("`*` matches within one segment; dots and ? are literal", () => {
      assert.ok(allowed("*.dkr.ecr.*.amazonaws.com", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/platform/api:1"));
      assert.ok(!allowed("*.dkr.ecr.*.amazonaws.com", "evil.com/123.dkr.ecr.eu-west-1.amazonaws.com/x:1"));
      assert.ok(!allowed("quay.io", "quayxio.com/app:1"));
      const m = image().registryMatcher("quay.io/a?c");
      assert.ok(m.test("quay.io/a?c/x") && !m.test("quay.io/abc/x"));
    });
  });

  describe("type tokens and object keys", () => {
    it("parses Kubernetes tokens only", () => {
      const t = tokens();
      assert.deepStrictEqual(t.parseK8sToken("kubernetes:apps/v1:Deployment"), { group: "apps", version: "v1", kind: "Deployment" });
      assert.deepStrictEqual(t.parseK8sToken("kubernetes:core/v1:Pod"), { group: "core", version: "v1", kind: "Pod" });
      for (const bad of ["xkubernetes:apps/v1:Deployment", "kubernetes:apps/v1:Deployment/x", "kubernetes:apps/v1:Deploy-ment", "kubernetes:apps:Deployment", "kubernetes:a/b/v1:Pod", "kubernetes:apps/v1:", 42]) {
        assert.strictEqual(t.parseK8sToken(bad), undefined, String(bad));
      }
      assert.strictEqual(t.parseK8sToken("kubernetes:apps/v1:Deployment/x"), undefined, "asked twice, same answer");
    });
    it("apiVersion to token; a blank namespace or no metadata lands in default", () => {
      const t = tokens();
      assert.strictEqual(t.k8sTypeToken("v1", "Pod"), "kubernetes:core/v1:Pod");
      assert.strictEqual(t.k8sTypeToken("cert-manager.io/v1", "Certificate"), "kubernetes:cert-manager.io/v1:Certificate");
      assert.strictEqual(t.k8sObjectKey("Deployment", { metadata: { name: "a", namespace: "" } }, "x"), "Deployment/default/a");
      assert.strictEqual(t.k8sObjectKey("Deployment", undefined, "fallback"), "Deployment/default/fallback");
      assert.strictEqual(t.k8sObjectKey("ClusterRole", { metadata: { namespace: "ignored" } }, "r"), "ClusterRole/r");
      assert.strictEqual(t.objectKey("kubernetes:apps/v1:Deployment", "pulumi", { metadata: { namespace: "web" } }), "Deployment/web/pulumi");
      // upstream: the cluster-scoped kinds of kubernetes/api (and of the platform's CRDs: cert-manager, Gateway API, Karpenter)
      const CLUSTER = ["Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "CSIDriver", "CSINode",
        "VolumeAttachment", "PriorityClass", "RuntimeClass", "IngressClass", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "CertificateSigningRequest", "ClusterIssuer", "GatewayClass", "NodePool", "EC2NodeClass", "ComponentStatus"];
      for (const kind of CLUSTER) assert.strictEqual(t.k8sObjectKey(kind, { metadata: { name: "n", namespace: "x" } }, "f"), `${kind}/n`, kind);
      for (const kind of ["Role", "RoleBinding", "Issuer", "Gateway", "Pod", ""]) assert.strictEqual(t.isClusterScoped(kind), false, kind);
    });
  });

  describe("defensive readers", () => {
    it("asObject takes plain objects only; asNumber takes finite numbers and integer strings", () => {
      const u = util();
      assert.strictEqual(u.asObject(null), undefined);
      assert.strictEqual(u.asObject([1]), undefined);
      assert.strictEqual(u.asObject("x"), undefined);
      for (const [v, n] of [[3, 3], [" 42 ", 42], ["-7", -7], ["10250", 10250]] as const) assert.strictEqual(u.asNumber(v), n, JSON.stringify(v));
      for (const v of [Infinity, NaN, "1.5", "4x", "x4", "-", "", "--1", null, true]) assert.strictEqual(u.asNumber(v), undefined, String(v));
      assert.deepStrictEqual(u.stringList("a"), ["a"]);
      assert.deepStrictEqual(u.stringList(["a", 1, "b"]), ["a", "b"]);
      assert.deepStrictEqual(u.stringList({ a: 1 }), []);
    });
    it("known/readKnown swallow only a value unknown during preview", () => {
      const u = util();
      const unknown = Object.assign(new Error("unknown"), { unknownTypeSentinel: true });
      assert.strictEqual(u.known(() => { throw unknown; }), undefined);
      assert.strictEqual(u.readKnown(() => { throw unknown; }), u.UNKNOWN);
      assert.strictEqual(u.known(() => 5), 5);
      assert.strictEqual(u.readKnown(() => 5), 5);
      assert.throws(() => u.known(() => { throw new Error("bug"); }), /bug/);
      assert.throws(() => u.readKnown(() => { throw new Error("bug"); }), /bug/);
      assert.strictEqual(u.isUnknownValueError({ unknownTypeSentinel: true }), false, "an Error, not any object");
    });
    it("globs: * any run, ? one character, everything else literal", () => {
      const u = util();
      assert.ok(u.globMatch("a.b*", "a.bcd/e"));
      assert.ok(!u.globMatch("a.b*", "axbc"));
      assert.ok(u.globMatch("k?s", "k8s") && !u.globMatch("k?s", "ks"));
      assert.ok(!u.globMatch("(a)", "a") && u.globMatch("(a)", "(a)"));
      assert.ok(!u.globMatch("app", "app-2"), "anchored at the end");
      assert.ok(!u.globMatch("app", "my-app"), "anchored at the start");
    });
    it("did-you-mean: Levenshtein distance, the first of equals, within max(3, a third of the name)", () => {
      const u = util();
      assert.strictEqual(u.editDistance("kitten", "sitting"), 3);
      assert.strictEqual(u.editDistance("", "abc"), 3);
      assert.strictEqual(u.editDistance("flaw", "lawn"), 2);
      assert.strictEqual(u.closest("ab", ["ax", "ay"]), "ax");
      assert.strictEqual(u.closest("ab", ["zz"]), "zz", "short names still get max(3, ...)");
      assert.strictEqual(u.closest("abcdefghijkl", ["abcdefghWXYZ"]), "abcdefghWXYZ", "distance 4 = a third of 12");
      assert.strictEqual(u.closest("abcdefghijkl", ["abcdefgVWXYZ"]), undefined, "distance 5");
      assert.strictEqual(u.closest("x", []), undefined);
    });
    it("show: JSON, bounded to 80 characters, never throws", () => {
      const u = util();
      assert.strictEqual(u.show("a"), '"a"');
      assert.strictEqual(u.show(undefined), "undefined");
      assert.strictEqual(u.show(BigInt(7)), "7");
      assert.strictEqual(u.show({ toJSON() { throw new Error("no"); }, toString() { throw new Error("no"); } }), "<unprintable>");
      const long = u.show("x".repeat(100));
      assert.strictEqual(long, `"${"x".repeat(76)}...`);
      assert.strictEqual(u.show("y".repeat(78)), `"${"y".repeat(78)}"`, "80 characters fit");
    });
  });

  describe("world CIDRs and PSS paths", () => {
    it("isWorldCidr: any /0 with an address, whitespace trimmed", () => {
      const a = fresh<typeof AwsLib>("../../policies/lib/aws");
      for (const v of ["0.0.0.0/0", "::/0", " 0.0.0.0/0 "]) assert.ok(a.isWorldCidr(v), v);
      for (const v of ["0.0.0.0", "/0", "10.0.0.0/8", 0, undefined]) assert.ok(!a.isWorldCidr(v), String(v));
    });
    it("keyPath: identifiers dotted, other keys quoted; unnamed containers are #index", () => {
      assert.strictEqual(keyPath("m", "ab_1"), "m.ab_1");
      assert.strictEqual(keyPath("m", "a"), "m.a");
      for (const k of ["1a", "a-b", "a.b/c", ""]) assert.strictEqual(keyPath("m", k), `m[${JSON.stringify(k)}]`);
      const pod = podView(undefined, { containers: [{ image: "x" }, { name: "", image: "y" }] });
      assert.deepStrictEqual(pod.containers.map((c) => [c.name, c.label, c.path]), [["#0", 'container "#0"', "spec.containers[0]"], ["#1", 'container "#1"', "spec.containers[1]"]]);
      assert.deepStrictEqual([pod.meta, pod.psc, pod.metaPath, pod.windows, pod.userNamespace], [{}, {}, "metadata", false, false]);
    });
  });
});
