import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const noHostPath = resourceRule("kubernetes", {
  name: "k8s-no-host-path",
  item: "Checklist 7: Pod Security Standards (baseline): no hostPath volumes",
  summary: "PSS `hostPathVolumes`: no pod mounts a hostPath volume (direct access to the node's filesystem).",
  fix: "use an emptyDir, a PersistentVolumeClaim, a ConfigMap/Secret or a CSI volume instead of hostPath",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["hostPathVolumes"]);
  },
});
