import { z } from "zod";
import { parseImage } from "../../lib/image";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { show } from "../../lib/util";

export const imagePinned = resourceRule("kubernetes", {
  name: "k8s-image-pinned",
  item: "Checklist 2: images come from a minimal, pinned reference",
  summary:
    "Every container image is a well-formed reference pinned by a tag or a digest; `:latest` and untagged references (`registry:5000/app` has no tag) are refused.",
  fix: "pin the image to a release tag or, better, a digest (`repo:1.2.3` or `repo@sha256:...`)",
  config: {
    requireDigest: z.boolean().default(false).describe("Require a digest, not just a tag"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const c of pod.containers) {
      const who = describeContainer(c);
      const path = `${c.path}.image`;
      const image = c.container.image;
      if (typeof image !== "string") {
        ctx.report(path, image === undefined ? `${who} has no image` : `${who} has a non-string image ${show(image)}`);
        continue;
      }
      const ref = parseImage(image);
      if ("error" in ref) {
        ctx.report(path, `${who} image ${show(image)} is not a valid reference (${ref.error})`);
        continue;
      }
      if (ref.digest) continue;
      if (ref.tag === undefined) {
        ctx.report(path, `${who} image ${show(image)} has no tag, so it floats on :latest`);
      } else if (ref.tag.toLowerCase() === "latest") {
        ctx.report(path, `${who} image ${show(image)} uses the mutable :latest tag`);
      } else if (ctx.config.requireDigest) {
        ctx.report(path, `${who} image ${show(image)} is pinned by tag only; this environment requires a digest`, "append the digest: `repo:tag@sha256:...`");
      }
    }
  },
});
