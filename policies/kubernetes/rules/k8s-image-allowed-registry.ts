import { z } from "zod";
import { imageAllowed, parseImage } from "../../lib/image";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { show } from "../../lib/util";

/** Registries the platform's own images and its charts' images come from. */
export const DEFAULT_ALLOWED_REGISTRIES = [
  "*.dkr.ecr.*.amazonaws.com",
  "public.ecr.aws",
  "registry.k8s.io",
  "quay.io/jetstack",
  "quay.io/argoproj",
  "ghcr.io/dexidp",
  "docker.io/grafana",
  "quay.io/kiwigrid",
  "docker.io/library/redis",
  "docker.io/library/memcached",
  "docker.io/library/busybox",
  // Images of the platform's own charts (infra/versions.ts).
  "quay.io/prometheus",
  "docker.io/traefik",
  "docker.io/nginxinc/nginx-unprivileged",
];

export const imageAllowedRegistry = resourceRule("kubernetes", {
  name: "k8s-image-allowed-registry",
  item: "Checklist 2: images come from an allowed registry",
  summary:
    "Every container image comes from a registry/repository prefix in `allowedRegistries` (`*` matches within one path segment; an entry without a host means Docker Hub).",
  fix: "mirror the image into an allowed registry (the platform ECR) or add its registry to allowedRegistries in the policy config",
  config: {
    allowedRegistries: z
      .array(z.string().min(1))
      .default(DEFAULT_ALLOWED_REGISTRIES)
      .describe("Allowed `registry[/repository prefix]` entries"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    const allowed = ctx.config.allowedRegistries;
    for (const c of pod.containers) {
      const image = c.container.image;
      if (typeof image !== "string") continue; // k8s-image-pinned reports missing/odd images
      const ref = parseImage(image);
      if ("error" in ref) continue;
      if (!imageAllowed(ref, allowed)) {
        ctx.report(
          `${c.path}.image`,
          `${describeContainer(c)} image ${show(image)} comes from ${ref.registry}/${ref.repository}, which is not in allowedRegistries (${allowed.length > 4 ? `${allowed.slice(0, 4).join(", ")}, ... ${allowed.length - 4} more` : allowed.join(", ") || "none configured"})`,
        );
      }
    }
  },
});
