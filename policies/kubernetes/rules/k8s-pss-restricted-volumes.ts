import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssRestrictedVolumes = resourceRule("kubernetes", {
  name: "k8s-pss-restricted-volumes",
  item: "Checklist 7: Pod Security Standards (restricted): only the allowed volume types",
  summary: "PSS `restrictedVolumes`: every pod volume is of an allowed type: configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret (hostPath is reported by k8s-no-host-path, so it is not reported twice).",
  fix: "use one of the allowed volume types (a PersistentVolumeClaim for network storage such as NFS or EBS)",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["restrictedVolumes"], (f) => f.value !== "hostPath");
  },
});
