import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { reportPss } from "../../lib/pss-rule";
import { resourceRule } from "../../lib/rule";

export const noHostPorts = resourceRule("kubernetes", {
  name: "k8s-no-host-ports",
  item: "Checklist 7: Pod Security Standards (baseline): no host ports",
  summary: "PSS `hostPorts`: no port of any container (init, regular, ephemeral) binds a hostPort on the node.",
  fix: "remove ports[].hostPort and expose the port through a Service",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    reportPss(ctx, ["hostPorts"]);
  },
});
