import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asObject, show } from "../../lib/util";

export const noPrivilegeEscalation = resourceRule("kubernetes", {
  name: "k8s-no-privilege-escalation",
  item: "Checklist 7: Pod Security Standards (restricted): no privilege escalation",
  summary:
    "Every container (init, regular, ephemeral) of a Linux pod sets securityContext.allowPrivilegeEscalation: false explicitly (the default is true).",
  fix: "set securityContext.allowPrivilegeEscalation: false on the container",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod || pod.windows) return;
    for (const c of pod.containers) {
      const v = asObject(c.container.securityContext)?.allowPrivilegeEscalation;
      if (v !== false) {
        const problem = v === undefined ? "is not set (defaults to true)" : `is ${show(v)}`;
        ctx.report(`${c.path}.securityContext.allowPrivilegeEscalation`, `${describeContainer(c)}: allowPrivilegeEscalation ${problem}`);
      }
    }
  },
});
