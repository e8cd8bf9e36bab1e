import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";
import { asObject, asString } from "../../lib/util";

export const seccompRuntimeDefault = resourceRule("kubernetes", {
  name: "k8s-seccomp-runtime-default",
  item: "Checklist 7: Pod Security Standards (restricted): seccomp profile",
  summary:
    "PSS `seccompProfile_restricted`: in a Linux pod, every container has a seccompProfile.type of RuntimeDefault or Localhost, its own or the pod's, and no explicit other type anywhere (a pod-level Unconfined is refused even when every container overrides it). A Localhost profile must name localhostProfile (the API server requires it).",
  fix: "set securityContext.seccompProfile.type: RuntimeDefault on the pod",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = reportPss(ctx, ["seccompProfile_restricted"]);
    if (!pod || pod.windows) return;
    const scopes = [{ path: pod.path, spec: pod.spec }, ...pod.containers.map((c) => ({ path: c.path, spec: c.container }))];
    for (const s of scopes) {
      const p = asObject(asObject(s.spec.securityContext)?.seccompProfile);
      if (p?.type === "Localhost" && !asString(p.localhostProfile)) {
        ctx.report(`${s.path}.securityContext.seccompProfile.localhostProfile`, "a Localhost seccomp profile without localhostProfile", "set localhostProfile to the profile file, or use RuntimeDefault");
      }
    }
  },
});
