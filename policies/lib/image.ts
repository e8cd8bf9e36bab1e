// Container image reference parsing (docker reference grammar, simplified but strict where it matters).
import { memoize, WeakMemo } from "./memo";

export interface ImageRef {
  raw: string;
  registry: string; // docker.io when the reference names none
  repository: string; // `library/nginx` for official docker hub images
  tag?: string;
  digest?: string;
}

const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const REGISTRY_RE = /^(\[[0-9a-f:]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:[0-9]+)?$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses an image reference; returns an error string when the reference is malformed. */
export function parseImage(raw: string): Readonly<ImageRef> | Readonly<{ error: string }> {
  return parsedImage(raw);
}
// The same few images recur across thousands of objects: parse each once (results are frozen, shared).
const parsedImage = memoize((raw: string) => Object.freeze(parseUncached(raw)));

function parseUncached(raw: string): ImageRef | { error: string } {
  const s = raw.trim();
  if (s.length === 0) return { error: "image is empty" };
  if (/\s/.test(s)) return { error: "image contains whitespace" };
  let rest = s;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return { error: `digest "${digest}" is malformed` };
  }
  // The tag can only be in the last path segment: `registry:5000/app` has a port, not a tag.
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  let tag: string | undefined;
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return { error: `tag "${tag}" is malformed` };
  }
  const parts = rest.split("/");
  let registry = "docker.io";
  if (parts.length > 1 && (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")) {
    registry = parts.shift()!.toLowerCase();
    // docker reference grammar: domain [":" port-number]; `host:/app` or `host:x/app` names no registry
    if (!REGISTRY_RE.test(registry)) return { error: `registry "${registry}" is malformed (host[:port])` };
  }
  if (parts.length === 0 || parts.some((p) => !COMPONENT_RE.test(p))) {
    return { error: `repository "${parts.join("/")}" is malformed (lowercase letters, digits and separators only)` };
  }
  if (registry === "index.docker.io") registry = "docker.io";
  if (registry === "docker.io" && parts.length === 1) parts.unshift("library");
  return { raw: s, registry, repository: parts.join("/"), tag, digest };
}

/**
 * Registry allowlist entry -> matcher over `registry/repository`. `*` matches within one path
 * segment (`*.dkr.ecr.*.amazonaws.com`); an entry matches whole segments as a prefix, so
 * `quay.io/jetstack` allows `quay.io/jetstack/cert-manager-controller` but not `quay.io/jetstackx/y`.
 */
export const registryMatcher = memoize((entry: string): RegExp => {
  let trimmed = entry.trim().replace(/\/+$/, "");
  // An entry without a registry host means Docker Hub, as in image references.
  const first = trimmed.split("/")[0];
  if (!/[.:*]/.test(first) && first !== "localhost") trimmed = `docker.io/${trimmed}`;
  const body = trimmed.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, "[^/]*");
  return new RegExp(`^${body}(?:/|$)`);
});

export function imageAllowed(ref: ImageRef, allowed: readonly string[]): boolean {
  // per allowlist (one array per parsed config), each repository is judged once
  const full = `${ref.registry}/${ref.repository}`;
  let verdicts = allowVerdicts.get(allowed);
  if (!verdicts) allowVerdicts.set(allowed, (verdicts = new Map()));
  let ok = verdicts.get(full);
  if (ok === undefined) {
    ok = allowed.some((e) => registryMatcher(e).test(full));
    if (verdicts.size < 10_000) verdicts.set(full, ok);
  }
  return ok;
}
const allowVerdicts = new WeakMemo<readonly string[], Map<string, boolean>>();
