import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { memoize } from "../../lib/memo";
import { asArray, asObject, asString, globMatch } from "../../lib/util";

const SECRET_PARTS = ["SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "TOKEN", "CREDENTIAL", "APIKEY", "PRIVATEKEY"];
const SECRET_WORDS = new Set(["PWD", "PASS", "PW"]);
// Trailing words that make the variable *about* a secret rather than the secret (TOKEN_URL, PASSWORD_FILE, SECRET_NAME).
const META_SUFFIXES = new Set(["URL", "URI", "ENDPOINT", "PATH", "FILE", "DIR", "TTL", "EXPIRY", "TIMEOUT", "NAME", "REF", "ENABLED", "HEADER", "TYPE", "ID", "LENGTH", "MODE"]);

/** Does an env var name look like it holds a secret? (`DB_PASSWORD`, `API_KEY`, `GITHUB_TOKEN`...) */
export function looksSecret(name: string): boolean {
  return judged(name);
}
// the same few names recur in every container: judge each once
const judged = memoize((name: string): boolean => {
  if (name === "PWD") return false; // the shell's working directory
  const words = name.toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.length === 0 || META_SUFFIXES.has(words[words.length - 1])) return false;
  if (words.some((w) => SECRET_PARTS.some((p) => w.includes(p)) || SECRET_WORDS.has(w))) return true;
  // `*_KEY` names hold keys (API_KEY, ENCRYPTION_KEY, AWS_SECRET_ACCESS_KEY); `KEY_PREFIX` does not.
  return words.length > 1 && words[words.length - 1] === "KEY";
});

export const noSecretsInEnv = resourceRule("kubernetes", {
  name: "k8s-no-secrets-in-env",
  item: "Checklist 3: no secrets in environment variables",
  summary:
    "No container sets a plain `value` on an env var whose name looks secret (SECRET, PASSWORD, TOKEN, *_KEY, CREDENTIAL...); such variables must use valueFrom.secretKeyRef.",
  fix: "store the value in a Secret and reference it with env[].valueFrom.secretKeyRef (or mount it as a file)",
  config: {
    allowedNames: z.array(z.string()).default([]).describe("Env var names (globs) that look secret but are not"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const c of pod.containers) {
      asArray(c.container.env).forEach((e, i) => {
        const env = asObject(e);
        const name = asString(env?.name);
        if (!env || !name || !looksSecret(name)) return;
        if (ctx.config.allowedNames.some((g: string) => globMatch(g, name))) return;
        const v = env.value;
        if (v === undefined || v === null || v === "") return;
        ctx.report(
          `${c.path}.env[${i}].value`,
          `${describeContainer(c)} sets ${name} to a plain value; anyone who can read the ${pod.kind} can read it`,
        );
      });
    }
  },
});
