import { z } from "zod";
import { isWorkload, WORKLOADS_TEXT } from "../../lib/k8s";
import { describeContainer, findPodSpec } from "../../lib/podspec";
import { resourceRule } from "../../lib/rule";
import { asObject, show } from "../../lib/util";

const QUANTITY_RE = /^[+]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** "set" = a valid, non-zero Kubernetes quantity (a positive number or a quantity string). */
function quantityProblem(v: unknown): string | undefined {
  if (v === undefined || v === null || v === "") return "is not set";
  if (typeof v === "number") return Number.isFinite(v) && v > 0 ? undefined : `is ${show(v)}`;
  if (typeof v !== "string") return `is not a quantity (${show(v)})`;
  const s = v.trim();
  if (!QUANTITY_RE.test(s)) return `is not a valid quantity (${show(v)})`;
  if (parseFloat(s) === 0) return "is zero";
  return undefined;
}

export const resourcesSet = resourceRule("kubernetes", {
  name: "k8s-resources-set",
  item: "Checklist 9: resources limited",
  summary:
    "Every init and regular container sets CPU and memory requests and a memory limit (a request left out defaults to the limit, as Kubernetes does).",
  fix: "set resources.requests.cpu, resources.requests.memory and resources.limits.memory on the container",
  severity: "medium",
  config: {
    requireCpuLimit: z.boolean().default(false).describe("Also require resources.limits.cpu"),
  },
  appliesTo: isWorkload,
  appliesToText: WORKLOADS_TEXT,
  check(ctx) {
    const pod = findPodSpec(ctx.type, ctx.props);
    if (!pod) return;
    for (const c of pod.containers) {
      if (c.kind === "ephemeralContainers") continue; // ephemeral containers may not set resources
      const res = asObject(c.container.resources);
      const requests = asObject(res?.requests);
      const limits = asObject(res?.limits);
      const checks: [string, unknown][] = [
        ["requests.cpu", requests?.cpu ?? limits?.cpu],
        ["requests.memory", requests?.memory ?? limits?.memory],
        ["limits.memory", limits?.memory],
      ];
      if (ctx.config.requireCpuLimit) checks.push(["limits.cpu", limits?.cpu]);
      for (const [field, value] of checks) {
        const problem = quantityProblem(value);
        if (problem) ctx.report(`${c.path}.resources.${field}`, `${describeContainer(c)}: ${field} ${problem}`);
      }
    }
  },
});
