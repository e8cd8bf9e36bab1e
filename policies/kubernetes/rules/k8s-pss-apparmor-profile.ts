import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const pssAppArmorProfile = resourceRule("kubernetes", {
  name: "k8s-pss-apparmor-profile",
  item: "Checklist 7: Pod Security Standards (baseline): AppArmor profile",
  summary: "PSS `appArmorProfile`: the pod and every container set appArmorProfile.type only to RuntimeDefault or Localhost, and the pod template annotations container.apparmor.security.beta.kubernetes.io/* say only runtime/default or localhost/<profile>.",
  fix: "remove the Unconfined AppArmor profile (use type RuntimeDefault, or Localhost with a profile)",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["appArmorProfile"]);
  },
});
