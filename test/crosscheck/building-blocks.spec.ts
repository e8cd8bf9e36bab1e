// The pieces the cross-checks stand on, against the upstream semantics they cite: label
// selectors, Prometheus relabelling and the Alloy configuration syntax.
import * as assert from "assert";
import { matches, serviceSelects } from "../../models/network/selectors";
import { relabel } from "../../models/crosscheck/relabel";
import { components, parseAlloy } from "../../models/crosscheck/alloy-syntax";

describe("crosscheck building blocks", () => {
  describe("label selectors", () => {
    const labels = { app: "web", tier: "front" };
    it("needs every matchLabels entry and every expression", () => {
      assert.ok(matches({ matchLabels: { app: "web" } }, labels));
      assert.ok(!matches({ matchLabels: { app: "web", tier: "back" } }, labels));
      assert.ok(matches({ matchExpressions: [{ key: "tier", operator: "In", values: ["front", "x"] }] }, labels));
      assert.ok(!matches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, labels));
      assert.ok(matches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, labels));
      assert.ok(!matches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, labels));
    });
    it("matches everything when empty, but a Service without a selector selects nothing", () => {
      assert.ok(matches({}, labels));
      assert.ok(!serviceSelects(undefined, labels));
      assert.ok(!serviceSelects({}, labels));
    });
    it("refuses an unknown operator by name", () => {
      assert.throws(() => matches({ matchExpressions: [{ key: "a", operator: "Gt" }] }, labels), /operator Gt on a/);
    });
  });

  describe("relabelling", () => {
    const t = { __address__: "10.0.0.1:8080", __meta_a: "x", __meta_port: "9102" };
    it("anchors the regex: keep needs a whole match", () => {
      assert.deepStrictEqual(relabel(t, [{ source_labels: ["__meta_a"], regex: "x", action: "keep" }]), t);
      assert.strictEqual(relabel({ ...t, __meta_a: "xy" }, [{ source_labels: ["__meta_a"], regex: "x", action: "keep" }]), undefined);
      assert.strictEqual(relabel(t, [{ source_labels: ["__meta_a"], regex: "x", action: "drop" }]), undefined);
    });
    it("joins source labels with ';' and expands $n into the target label", () => {
      const out = relabel(t, [{ source_labels: ["__address__", "__meta_port"], regex: "([^:]+)(?::\\d+)?;(\\d+)", replacement: "$1:$2", target_label: "__address__" }]);
      assert.strictEqual(out?.__address__, "10.0.0.1:9102");
    });
    it("leaves the target alone when the regex does not match, and deletes it when the result is empty", () => {
      const rule = { source_labels: ["__meta_missing"], regex: "(.+)", target_label: "__meta_a" };
      assert.strictEqual(relabel(t, [rule])?.__meta_a, "x");
      assert.strictEqual("__meta_a" in relabel(t, [{ source_labels: ["__meta_missing"], target_label: "__meta_a" }])!, false);
    });
    it("refuses an action it does not model", () => {
      assert.throws(() => relabel(t, [{ action: "hashmod", target_label: "x", modulus: 2 }]), /hashmod/);
    });
  });

  describe("Alloy syntax", () => {
    const src = `// c\nprometheus.scrape "a" {\n  targets = discovery.relabel.x.output /* inline */\n  job_name = "j\\"q"\n  tls_config {\n    insecure_skip_verify = true\n  }\n  forward_to = [prometheus.remote_write.m.receiver]\n}\ndiscovery.relabel "x" {\n  rule {\n    regex = "(\\\\d+)"\n  }\n}`;
    it("reads blocks, labels, attributes, nested blocks and escapes", () => {
      const root = parseAlloy(src);
      const [scrape] = components(root, "prometheus.scrape");
      assert.strictEqual(scrape.label, "a");
      assert.deepStrictEqual(scrape.attrs.targets, { ref: "discovery.relabel.x.output" });
      assert.strictEqual(scrape.attrs.job_name, 'j"q');
      assert.strictEqual(scrape.blocks[0].attrs.insecure_skip_verify, true);
      assert.strictEqual(components(root, "discovery.relabel")[0].blocks[0].attrs.regex, "(\\d+)");
    });
    it("refuses what it does not model, naming it", () => {
      assert.throws(() => parseAlloy(`a "b" {\n x = env("HOME")\n}`), /function call env\(\)/);
      assert.throws(() => parseAlloy(`a "b" {\n x = 1 + 2\n}`), /cannot read "\+ 2/);
    });
  });
});
