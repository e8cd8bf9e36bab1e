// One model input per stack, built once: the program's Kubernetes objects plus, when a `helm`
// is on PATH, every chart's rendered objects; the network world and the team list.
import { ClusterObject, programObjects } from "../../models/objects";
import { stackNetwork } from "../../models/network/stack-net";
import { buildWorld, World } from "../../models/network/world";
import type { TeamInfo } from "../../models/network/flows";
import { RunResult } from "../../tools/harness";
import { HELM, renderedStack, runStack } from "../support";

export interface StackModel {
  run: RunResult;
  objects: ClusterObject[];
  /** Whether `objects` includes the charts' rendered objects (a helm was on PATH). */
  rendered: boolean;
  net: { vpcCidr: string; serviceCidr: string };
  world: World;
  teams: TeamInfo[];
  /** Most nodes the stack can run: managed node groups at maxSize plus Karpenter's CPU limit on 2-vCPU nodes. */
  maxNodes: number;
}

const cache = new Map<string, Promise<StackModel>>();

export function stackModel(env: string): Promise<StackModel> {
  if (!cache.has(env)) cache.set(env, build(env));
  return cache.get(env)!;
}

async function build(env: string): Promise<StackModel> {
  const run = await runStack(env);
  const objects = [...programObjects(run), ...(HELM ? (await renderedStack(env)).objects : [])];
  const net = stackNetwork(run);
  const teams = Object.values(run.outputs.teams as Record<string, { namespace: string; appPort: number }>).map((t) => ({ name: t.namespace, appPort: t.appPort }));
  return { run, objects, rendered: Boolean(HELM), net, world: buildWorld(objects, net), teams, maxNodes: maxNodes(run, objects) };
}

function maxNodes(run: RunResult, objects: readonly ClusterObject[]): number {
  const groups = run.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").reduce((a, r) => a + Number((r.inputs as any).scalingConfig?.maxSize ?? 0), 0);
  const cpu = objects.filter((o) => o.kind === "NodePool").reduce((a, o) => a + Number(o.object.spec?.limits?.cpu ?? 0), 0);
  return groups + Math.ceil(cpu / 2);
}

/** The objects of a second tenant: the first team's namespace objects under another name (every team comes from the same component). */
export function secondTenant(objects: readonly ClusterObject[], from: string, to: string): ClusterObject[] {
  const inNs = (o: ClusterObject) => (o.kind === "Namespace" ? o.object.metadata?.name === from : o.object.metadata?.namespace === from);
  return objects.filter(inNs).map((o) => {
    const copy: ClusterObject = JSON.parse(JSON.stringify(o));
    if (o.kind === "Namespace") {
      copy.object.metadata.name = to;
      copy.object.metadata.labels = { ...copy.object.metadata.labels, "platform.io/team": to };
    } else copy.object.metadata.namespace = to;
    copy.urn = `${o.urn}-${to}`;
    return copy;
  });
}
