import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, effectiveSecurityField, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asNumber, show } from "../../lib/util";

export const runAsNonRoot = resourceRule("kubernetes", {
  name: "k8s-run-as-non-root",
  item: "Checklist 1: containers run as non-root",
  summary:
    "Every container (init, regular, ephemeral) runs as a non-root user: effective runAsNonRoot true or runAsUser > 0 (container securityContext overrides the pod's), never UID 0 and never GID 0.",
  fix: "set securityContext.runAsNonRoot: true and runAsUser/runAsGroup to a non-zero ID on the pod or the container",
  config: {
    allowRootGroup: z.boolean().default(false).describe("Allow runAsGroup: 0 (kube-linter flags it)"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const c of pod.containers) {
      const who = describeContainer(c);
      const nonRoot = effectiveSecurityField(pod.spec, c.container, "runAsNonRoot");
      const user = effectiveSecurityField(pod.spec, c.container, "runAsUser");
      const group = effectiveSecurityField(pod.spec, c.container, "runAsGroup");
      const uid = asNumber(user.value);
      const where = (f: { from: string }, field: string) =>
        f.from === "pod" ? `${pod.path}.securityContext.${field}` : `${c.path}.securityContext.${field}`;
      if (uid === 0) {
        const contradiction = nonRoot.value === true ? " while runAsNonRoot is true (a contradiction: the kubelet refuses to start it)" : "";
        ctx.report(where(user, "runAsUser"), `${who} runs as UID 0 (root)${contradiction}`);
      } else if (nonRoot.value !== true && !(uid !== undefined && uid > 0)) {
        const problem =
          nonRoot.value === undefined
            ? `${who} may run as root: neither runAsNonRoot: true nor a runAsUser > 0 is set on the container or the pod`
            : `${who} has runAsNonRoot ${show(nonRoot.value)} and no runAsUser > 0`;
        ctx.report(`${c.path}.securityContext.runAsNonRoot`, problem);
      }
      if (!ctx.config.allowRootGroup && asNumber(group.value) === 0) {
        ctx.report(where(group, "runAsGroup"), `${who} runs with GID 0 (root group)`, "set runAsGroup to a non-zero GID");
      }
    }
  },
});
