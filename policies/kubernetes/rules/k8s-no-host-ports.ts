import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asArray, asNumber, asObject, show } from "../../lib/util";

export const noHostPorts = resourceRule("kubernetes", {
  name: "k8s-no-host-ports",
  item: "Checklist 7: Pod Security Standards (baseline): no host ports",
  summary: "No container port binds a hostPort on the node.",
  fix: "remove ports[].hostPort and expose the port through a Service",
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const c of pod.containers) {
      asArray(c.container.ports).forEach((p, i) => {
        const hp = asObject(p)?.hostPort;
        if (hp === undefined || hp === null || asNumber(hp) === 0) return;
        ctx.report(`${c.path}.ports[${i}].hostPort`, `${describeContainer(c)} binds host port ${show(hp)}`);
      });
    }
  },
});
