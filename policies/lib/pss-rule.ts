// How a kubernetes-pack rule mirrors Pod Security Standards checks: run the named checks of the one
// PSS implementation (policies/lib/pss) on the object's pod and report each finding at its field.
import { findPodSpec, PodSpecRef } from "./podspec";
import { PssFinding, runPssChecks } from "./pss";
import { ResourceCheckCtx } from "./rule";

/** Runs the PSS checks `ids` on the workload in ctx; `keep` filters findings (a rule's settings). */
export function reportPss(ctx: ResourceCheckCtx<unknown>, ids: readonly string[], keep: (f: PssFinding) => boolean = () => true): PodSpecRef | undefined {
  const pod = findPodSpec(ctx.type, ctx.props);
  if (!pod) return undefined;
  for (const f of runPssChecks(ids, pod.meta, pod.spec, { specPath: pod.path, metaPath: pod.metaPath })) {
    if (keep(f)) ctx.report(f.path, `${f.message} (PSS ${f.control})`);
  }
  return pod;
}
