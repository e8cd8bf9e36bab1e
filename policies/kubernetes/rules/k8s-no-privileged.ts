import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asObject, dig } from "../../lib/util";

export const noPrivileged = resourceRule("kubernetes", {
  name: "k8s-no-privileged",
  item: "Checklist 7: Pod Security Standards (baseline): no privileged containers",
  summary: "No container (init, regular, ephemeral) sets securityContext.privileged: true or windowsOptions.hostProcess: true.",
  fix: "remove privileged: true (grant only the specific capability needed, if any)",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    if (dig(pod.spec, "securityContext", "windowsOptions", "hostProcess") === true) {
      ctx.report(`${pod.path}.securityContext.windowsOptions.hostProcess`, "the pod runs as a Windows host process", "remove hostProcess: true");
    }
    for (const c of pod.containers) {
      const sc = asObject(c.container.securityContext);
      if (sc?.privileged === true) {
        ctx.report(`${c.path}.securityContext.privileged`, `${describeContainer(c)} is privileged (full access to the node)`);
      }
      if (dig(sc, "windowsOptions", "hostProcess") === true) {
        ctx.report(`${c.path}.securityContext.windowsOptions.hostProcess`, `${describeContainer(c)} runs as a Windows host process`, "remove hostProcess: true");
      }
    }
  },
});
