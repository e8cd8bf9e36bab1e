// Item 3 of issue 11: an object the PSS rules cannot read as a workload is named, not passed silently.
import { findPodSpec, WORKLOAD_KINDS } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { parseK8sToken } from "../../lib/tokens";
import { asArray, dig } from "../../lib/util";

// The apiVersion each workload kind is served at today (older beta groups were removed in 1.16-1.25).
// upstream: kubernetes/api (core/v1, apps/v1, batch/v1 types.go)
const SERVED: Record<string, string> = {
  Pod: "v1", PodTemplate: "v1", ReplicationController: "v1", Deployment: "apps/v1", StatefulSet: "apps/v1",
  DaemonSet: "apps/v1", ReplicaSet: "apps/v1", Job: "batch/v1", CronJob: "batch/v1",
};

// Where a pod template sits in the shapes controllers use (Deployment-like, CronJob-like, PodTemplate, bare Pod).
const TEMPLATE_PATHS = [["spec", "template", "spec"], ["spec", "jobTemplate", "spec", "template", "spec"], ["template", "spec"], ["spec"]];

function podTemplatePath(props: Record<string, unknown>): string | undefined {
  const p = TEMPLATE_PATHS.find((keys) => asArray(dig(props, ...keys, "containers")).length > 0);
  return p?.join(".");
}

export const workloadShape = resourceRule("kubernetes", {
  name: "k8s-workload-shape",
  item: "Checklist 7: Pod Security Standards (every pod is checked)",
  summary:
    "Advisory: an object the PSS rules cannot read as a workload is named: a workload kind at an apiVersion the API server does not serve (a Deployment at v1), or an unknown kind that carries a pod template (an Argo Rollout, a custom controller), whose pods no rule here checks.",
  fix: "use the served apiVersion (apps/v1 for Deployment/StatefulSet/DaemonSet/ReplicaSet, batch/v1 for Job/CronJob, v1 for Pod), or check the controller's pods with an exemption that says who checks them",
  appliesTo: (type) => parseK8sToken(type) !== undefined,
  appliesToText: "Kubernetes objects",
  check(ctx) {
    const t = parseK8sToken(ctx.type)!;
    const apiVersion = t.group === "core" ? t.version : `${t.group}/${t.version}`;
    if (WORKLOAD_KINDS.includes(t.kind)) {
      if (apiVersion === SERVED[t.kind]) return;
      const checked = findPodSpec(ctx.type, ctx.props) !== undefined;
      ctx.report("apiVersion", `${t.kind} at apiVersion ${apiVersion} is not served (use ${SERVED[t.kind]})${checked ? "" : "; the PSS rules did not check its pods"}`);
      return;
    }
    const path = podTemplatePath(ctx.props);
    if (path) ctx.report(path, `${apiVersion} ${t.kind} carries a pod template the PSS rules do not know how to find, so its pods were not checked`);
  },
});
