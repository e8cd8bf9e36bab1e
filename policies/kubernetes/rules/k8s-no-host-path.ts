import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asArray, asObject, asString, show } from "../../lib/util";

export const noHostPath = resourceRule("kubernetes", {
  name: "k8s-no-host-path",
  item: "Checklist 7: Pod Security Standards (baseline): no hostPath volumes",
  summary: "No pod mounts a hostPath volume (direct access to the node's filesystem).",
  fix: "use an emptyDir, a PersistentVolumeClaim, a ConfigMap/Secret or a CSI volume instead of hostPath",
  severity: "critical",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    asArray(pod.spec.volumes).forEach((v, i) => {
      const vol = asObject(v);
      if (!vol || vol.hostPath === undefined || vol.hostPath === null) return;
      const hp = asObject(vol.hostPath);
      const p = asString(hp?.path);
      ctx.report(
        `${pod.path}.volumes[${i}].hostPath`,
        `volume ${show(vol.name ?? i)} mounts the node path ${p !== undefined ? show(p) : "(unspecified)"}`,
      );
    });
  },
});
