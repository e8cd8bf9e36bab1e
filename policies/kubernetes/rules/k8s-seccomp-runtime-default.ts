import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, effectiveSecurityField, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asObject, asString, show } from "../../lib/util";

export const seccompRuntimeDefault = resourceRule("kubernetes", {
  name: "k8s-seccomp-runtime-default",
  item: "Checklist 7: Pod Security Standards (restricted): seccomp profile",
  summary:
    "Every container of a Linux pod has an effective seccompProfile.type of RuntimeDefault or Localhost (with localhostProfile), set on the pod or the container (container wins).",
  fix: "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod || pod.windows) return;
    for (const c of pod.containers) {
      const eff = effectiveSecurityField(pod.spec, c.container, "seccompProfile");
      const path = eff.from === "pod" ? `${pod.path}.securityContext.seccompProfile` : `${c.path}.securityContext.seccompProfile`;
      const profile = asObject(eff.value);
      const type = asString(profile?.type);
      if (eff.from === "unset") {
        ctx.report(`${pod.path}.securityContext.seccompProfile`, `${describeContainer(c)} has no seccomp profile on the container or the pod (runs Unconfined)`);
      } else if (type === "RuntimeDefault") {
        continue;
      } else if (type === "Localhost") {
        const lp = asString(profile?.localhostProfile);
        if (!lp) ctx.report(`${path}.localhostProfile`, `${describeContainer(c)} uses a Localhost seccomp profile without localhostProfile`, "set localhostProfile to the profile file, or use RuntimeDefault");
      } else {
        ctx.report(`${path}.type`, `${describeContainer(c)} has seccomp profile type ${show(profile ? profile.type : eff.value)}`);
      }
    }
  },
});
