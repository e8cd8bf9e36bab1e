// The app stack's config: every `orders-app:` key, validated before any resource exists.
// Each problem names the key, the bad value and the fix, all at once.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const STACK = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** What CI pushes: the commit's full SHA. A digest pins even harder. */
export const GIT_SHA = /^[0-9a-f]{40}$/;
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Seconds the kubelet waits in preStop before SIGTERM: endpoints and the ingress drop the pod meanwhile. */
export const PRE_STOP_SECONDS = 5;
/** Slack between the service's own deadline and SIGKILL. */
export const GRACE_MARGIN_SECONDS = 5;

const int = (min: number, max: number, why: string) =>
  z.coerce.number({ message: "must be a number" }).int("must be a whole number").min(min, `must be >= ${min}${why}`).max(max, `must be <= ${max}`);

const schema = z
  .object({
    platformStack: z.string().regex(STACK, "must be the platform stack's fully qualified name, <org>/platform/<env> (e.g. acme/platform/dev)"),
    team: z.string().regex(DNS_LABEL, "must be an onboarded team's name: a DNS label such as orders"),
    app: z.string().regex(DNS_LABEL, "must be the app's name as onboarded (the key of its ECR repository), a DNS label such as orders-api"),
    imageTag: z.string(),
    replicas: int(2, 50, ": one replica leaves nothing serving while a node drains (the PodDisruptionBudget allows 1 unavailable) or a pod restarts").default(2),
    maxReplicas: int(2, 100, "").default(6),
    cpuTargetPercent: int(10, 95, "").default(70),
    /** A label under the team's domain (the contract's teams[team].domain) or a full name inside it; default: the app's name. */
    host: z.string().regex(HOSTNAME, "must be a DNS label such as orders-api (placed under the team's domain) or a full name inside the team's domain").optional(),
    clusterIssuer: z.string().min(1).default("letsencrypt-prod"),
    logLevel: z.enum(["debug", "info", "warn", "error"], { message: "must be debug, info, warn or error" }).default("info"),
    /** The service's own drain deadline after SIGTERM (SHUTDOWN_TIMEOUT_MS in the service). */
    shutdownTimeoutSeconds: int(1, 300, "").default(20),
  })
  .strict();

export type AppConfig = z.infer<typeof schema> & {
  /** Image reference suffix: `:<sha>` or `@sha256:...`. */
  imageRef: string;
  /** preStop + the service's drain deadline + margin: the kubelet never SIGKILLs a draining pod. */
  terminationGracePeriodSeconds: number;
  databasePassword: pulumi.Output<string>;
};

/** Secret keys: read with requireSecret, never into the schema (their values never reach a log). */
export const SECRET_KEYS = ["databasePassword"] as const;
export const CONFIG_KEYS = [...Object.keys(schema.shape), ...SECRET_KEYS];

export class ConfigError extends pulumi.RunError {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Reads and validates `<project>:*`; throws ConfigError listing every problem. */
export function loadConfig(): AppConfig {
  const project = pulumi.getProject();
  const cfg = new pulumi.Config();
  const key = (k: string) => `${project}:${k}`;
  const problems: string[] = [];

  // A misspelt key would otherwise be ignored and its default used silently.
  for (const full of Object.keys(pulumi.runtime.allConfig())) {
    if (!full.startsWith(`${project}:`)) continue;
    const k = full.slice(project.length + 1);
    if (!CONFIG_KEYS.includes(k)) problems.push(`${full}: unknown key. Fix: use one of ${CONFIG_KEYS.map(key).join(", ")}.`);
  }

  const raw: Record<string, string> = {};
  for (const k of Object.keys(schema.shape)) {
    const v = cfg.get(k);
    if (v !== undefined) raw[k] = v;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const i of parsed.error.issues) {
      const k = String(i.path[0] ?? "");
      const shown = raw[k] === undefined ? "missing" : JSON.stringify(raw[k]);
      problems.push(`${key(k)}: ${shown === "missing" ? "required" : `${shown} ${i.message}`}.${shown === "missing" ? ` Fix: pulumi config set ${key(k)} <value>.` : ""}`);
    }
  }

  const tag = raw.imageTag;
  let imageRef = "";
  if (tag !== undefined) {
    if (GIT_SHA.test(tag)) imageRef = `:${tag}`;
    else if (DIGEST.test(tag)) imageRef = `@${tag}`;
    else if (/^latest$/i.test(tag)) problems.push(`${key("imageTag")}: "latest" is mutable: the same tag names a different build after every push, so nodes and rollbacks get whatever was pushed last. Fix: use the 40-character git SHA CI pushed, or a digest sha256:<64 hex>.`);
    else problems.push(`${key("imageTag")}: ${JSON.stringify(tag)} is not immutable. Fix: use the 40-character lowercase git SHA CI pushed (<ecr>:<sha>), or a digest sha256:<64 hex>.`);
  }

  const databasePassword = cfg.getSecret("databasePassword");
  if (databasePassword === undefined) problems.push(`${key("databasePassword")}: required (secret). Fix: pulumi config set --secret ${key("databasePassword")} <value>.`);

  if (parsed.success && parsed.data.maxReplicas < parsed.data.replicas) {
    problems.push(`${key("maxReplicas")}: ${parsed.data.maxReplicas} is below replicas ${parsed.data.replicas}. Fix: set maxReplicas >= replicas.`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const c = parsed.data;
  return {
    ...c,
    imageRef,
    terminationGracePeriodSeconds: PRE_STOP_SECONDS + c.shutdownTimeoutSeconds + GRACE_MARGIN_SECONDS,
    databasePassword: databasePassword!,
  };
}
