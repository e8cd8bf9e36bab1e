// The example's Dockerfile and .dockerignore, read as text (no Docker daemon needed).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../../tools/harness";

const APP_DIR = path.join(ROOT, "examples", "app");

interface Instruction {
  op: string;
  args: string;
  line: number;
}

/** Instructions with continuation lines joined, comments and the parser directive dropped. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let buf = "";
  let start = 0;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (!buf && (line === "" || line.startsWith("#"))) return;
    if (!buf) start = i + 1;
    buf += `${line.replace(/\\$/, "")} `;
    if (line.endsWith("\\")) return;
    const m = /^(\S+)\s*(.*)$/.exec(buf.trim())!;
    out.push({ op: m[1].toUpperCase(), args: m[2], line: start });
    buf = "";
  });
  return out;
}

/** Stages: each FROM and the instructions under it. */
function stages(ins: Instruction[]): { image: string; name?: string; body: Instruction[] }[] {
  const result: { image: string; name?: string; body: Instruction[] }[] = [];
  for (const i of ins) {
    if (i.op === "FROM") {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(i.args)!;
      result.push({ image: m[1], name: m[2], body: [] });
    } else if (result.length) result[result.length - 1].body.push(i);
  }
  return result;
}

const SECRETISH = /SECRET|PASSW|TOKEN|CREDENTIAL|API_?KEY|PRIVATE_?KEY|_KEY\b|AWS_ACCESS|AWS_SESSION/i;

describe("examples/app Dockerfile", () => {
  const text = fs.readFileSync(path.join(APP_DIR, "Dockerfile"), "utf8");
  const ins = parseDockerfile(text);
  const st = stages(ins);
  const final = st[st.length - 1];
  const inFinal = (op: string) => final.body.filter((i) => i.op === op);

  it("is a multi-stage build whose later stages copy only from named earlier ones", () => {
    assert.ok(st.length >= 2, `${st.length} stage(s)`);
    const names = st.map((s) => s.name).filter(Boolean);
    for (const c of ins.filter((i) => i.op === "COPY" && /--from=/.test(i.args))) {
      const from = /--from=(\S+)/.exec(c.args)![1];
      assert.ok(names.includes(from), `line ${c.line}: COPY --from=${from} is not a stage`);
    }
    assert.ok(inFinal("COPY").every((c) => /--from=/.test(c.args)), "the runtime stage copies from the build context directly");
    assert.ok(inFinal("RUN").length === 0, "the runtime stage runs commands (distroless has no shell)");
  });

  it("pins every base image by a version tag or a digest, never latest", () => {
    for (const s of st) {
      const ref = s.image;
      const digest = /@sha256:[0-9a-f]{64}$/.test(ref);
      const tag = /:([\w][\w.-]{0,127})$/.exec(ref.split("/").pop()!)?.[1];
      assert.ok(digest || tag, `${ref} is not pinned`);
      assert.notStrictEqual(tag?.toLowerCase(), "latest", `${ref} uses latest`);
    }
    assert.match(st[0].image, /^node:22\.\d+\.\d+-bookworm-slim$/);
    assert.match(final.image, /^gcr\.io\/distroless\/nodejs22-debian12:nonroot$/);
  });

  it("runs as a numeric non-root user in the final stage", () => {
    const users = inFinal("USER");
    assert.ok(users.length >= 1, "no USER in the final stage");
    const [uid, gid] = users[users.length - 1].args.split(":");
    assert.match(uid, /^\d+$/, "Kubernetes can only verify runAsNonRoot for a numeric USER");
    assert.ok(Number(uid) > 0, "USER is root");
    if (gid !== undefined) assert.ok(Number(gid) > 0, "group is root");
  });

  it("has an exec-form HEALTHCHECK that needs no shell, and the script exists", () => {
    const hc = inFinal("HEALTHCHECK");
    assert.strictEqual(hc.length, 1);
    const cmd = /CMD\s+(\[.*\])$/.exec(hc[0].args);
    assert.ok(cmd, "HEALTHCHECK CMD is not in exec form (distroless has no /bin/sh)");
    const argv = JSON.parse(cmd![1]) as string[];
    assert.strictEqual(argv[0], "/nodejs/bin/node");
    assert.ok(!argv.some((a) => /curl|wget|\bsh\b/.test(a)));
    assert.ok(fs.existsSync(path.join(APP_DIR, "service", path.basename(argv[1]))));
  });

  it("exposes the app's port, stops with SIGTERM and starts server.js", () => {
    assert.deepStrictEqual(inFinal("EXPOSE").map((i) => i.args), ["8080"]);
    assert.deepStrictEqual(inFinal("STOPSIGNAL").map((i) => i.args), ["SIGTERM"]);
    assert.deepStrictEqual(inFinal("CMD").map((i) => JSON.parse(i.args)), [["server.js"]]);
  });

  it("fetches nothing remote with ADD and bakes in no secrets", () => {
    for (const i of ins.filter((x) => x.op === "ADD")) assert.doesNotMatch(i.args, /https?:\/\/|git@/, `line ${i.line}: ADD of a remote URL`);
    for (const i of ins.filter((x) => x.op === "ENV" || x.op === "ARG")) {
      const names = i.args.split(/\s+/).map((kv) => kv.split("=")[0]);
      for (const n of names) assert.doesNotMatch(n, SECRETISH, `line ${i.line}: ${i.op} ${n} looks like a secret`);
    }
    assert.doesNotMatch(text, /AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  });

  it(".dockerignore lets in exactly the files the COPYs name", () => {
    const rules = fs.readFileSync(path.join(APP_DIR, ".dockerignore"), "utf8").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
    assert.strictEqual(rules[0], "*", "not an allow-list");
    const allowed = rules.filter((r) => r.startsWith("!")).map((r) => r.slice(1)).sort();
    const copied = ins
      .filter((i) => i.op === "COPY" && !/--from=/.test(i.args))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith("--")).slice(0, -1))
      .sort();
    assert.deepStrictEqual(allowed, copied);
    for (const f of copied) assert.ok(fs.existsSync(path.join(APP_DIR, f)), `${f} is missing`);
  });
});
