// "No secret leaks", checked over everything a stack run records: every resource's inputs and
// outputs (annotations and labels included), every stack output, and every chart's values.
// A secret counts as leaked in any form a reader can undo: verbatim, base64 (at any byte
// offset, standard or URL-safe), URL-encoded or hex. Secrets are every generated password
// (RandomPassword result and bcrypt hash) and every value the stack config marks secret.
import * as assert from "assert";
import { RunResult, loadStackConfig } from "../../tools/harness";
import { objKey } from "../../models/objects";
import { ENVS, describeRendered, renderedStack, runStack } from "../support";

const RANDOM_PASSWORD = "random:index/randomPassword:RandomPassword";

/** The base64 text a secret contributes wherever it sits in a longer string: one per byte offset. */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const out: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const enc = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Drop the group mixed with preceding bytes and the last partial group: what remains
    // depends on the secret alone.
    const core = enc.slice(offset ? 4 : 0, Math.floor((offset + bytes.length) / 3) * 4);
    if (core.length >= 8) out.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

export function leakForms(secret: string): string[] {
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString("hex"), ...base64Forms(secret)])];
}

/** Generated secrets and secret config values of one run, by a label for messages. */
function secretsOf(r: RunResult): Map<string, string> {
  const out = new Map<string, string>();
  for (const x of r.resources.filter((y) => y.type === RANDOM_PASSWORD)) {
    for (const k of ["result", "bcryptHash"]) {
      const v = x.outputs[k];
      if (typeof v === "string") out.set(`${x.name}.${k}`, v);
    }
  }
  const cfg = loadStackConfig(r.stack);
  for (const k of cfg.secretKeys) out.set(k, cfg.config[k]);
  return out;
}

/** Every string in a tree with its path. */
function strings(v: unknown, at: string, out: [string, string][] = []): [string, string][] {
  if (typeof v === "string") out.push([at, v]);
  else if (Array.isArray(v)) v.forEach((x, i) => strings(x, `${at}[${i}]`, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) strings(x, `${at}.${k}`, out);
  return out;
}

/** Every (path, string) a reader of the stack could see, the generators' own state excluded. */
function visible(r: RunResult): [string, string][] {
  const out: [string, string][] = [];
  for (const x of r.resources) {
    if (x.type === RANDOM_PASSWORD) continue;
    strings(x.inputs, `${x.type} ${x.name} inputs`, out);
    strings(x.outputs, `${x.type} ${x.name} outputs`, out);
  }
  strings(r.outputs, "stack outputs", out);
  return out;
}

describe("secrets: no secret leaks from any input, output, annotation or chart value", function () {
  this.timeout(60000);
  const runs: Record<string, RunResult> = {};
  before(async () => {
    for (const env of ENVS) runs[env] = await runStack(env);
  });

  it("the forms searched for decode back to the secret (base64 at every offset)", () => {
    const secret = "s3cr3t/with+chars?&=";
    for (const prefix of ["", "a", "ab", "user:"]) {
      const enc = Buffer.from(`${prefix}${secret}-suffix`).toString("base64");
      assert.ok(base64Forms(secret).some((f) => enc.includes(f)), `prefix ${JSON.stringify(prefix)}: ${enc}`);
    }
    assert.ok(leakForms(secret).includes("s3cr3t%2Fwith%2Bchars%3F%26%3D"));
    assert.ok(!base64Forms(secret).some((f) => Buffer.from("an unrelated annotation value").toString("base64").includes(f)));
  });

  for (const env of ENVS) {
    it(`${env}: no generated password or secret config value appears, in any encoding, outside a secret`, () => {
      const secrets = secretsOf(runs[env]);
      // The platform generates the Argo CD, its redis and Grafana admin passwords.
      assert.ok([...secrets.keys()].some((k) => k.startsWith("grafana-admin")), `secrets found: ${[...secrets.keys()]}`);
      const seen = visible(runs[env]);
      for (const [label, secret] of secrets) {
        for (const form of leakForms(secret)) {
          const hit = seen.find(([, s]) => s.includes(form));
          assert.ok(!hit, `${label} leaked as ${form.slice(0, 10)}... at ${hit?.[0]}`);
        }
      }
    });

    it(`${env}: no annotation or label carries a secret value (they are plain text on the cluster)`, () => {
      for (const [p] of visible(runs[env]).filter(([, s]) => s === "[secret]")) {
        assert.ok(!/annotations|labels/i.test(p), `a secret is written into ${p}`);
      }
    });
  }
});

describeRendered("secrets: no secret leaks into any rendered chart object", () => {
  for (const env of ENVS) {
    it(`${env}: no generated password or secret config value, in any encoding, in any rendered object`, async () => {
      const run = await runStack(env);
      const render = await renderedStack(env);
      assert.ok(render.objects.length > 50, "expected the charts' objects");
      // Every rendered string, Secrets included: the program hands charts secrets only as
      // secret values (rendered as a placeholder), so no real value may appear in any object.
      const seen: [string, string][] = render.objects.flatMap((o) => strings(o.object, objKey(o)));
      for (const [label, secret] of secretsOf(run)) {
        for (const form of leakForms(secret)) {
          const hit = seen.find(([, s]) => s.includes(form));
          assert.ok(!hit, `${label} leaked as ${form.slice(0, 10)}... at ${hit?.[0]}`);
        }
      }
    }).timeout(600000);
  }
});
