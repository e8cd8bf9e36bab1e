// The network model over every stack: required flows get through, forbidden ones do not, and
// a team namespace's peers are exactly its contract. Semantics: models/network/evaluate.ts.
import assert from "node:assert/strict";
import { ClusterObject } from "../../models/objects";
import { teamPod } from "../../models/network/actors";
import type { TeamInfo } from "../../models/network/flows";
import { PLATFORM_PODS, checkFlows, strayDnsPeers, teamContract, teamPeers } from "../../models/network/index";
import { World, buildWorld } from "../../models/network/world";
import { ENVS } from "../support";
import { secondTenant, stackModel } from "./support";

/** The stack's objects plus a second tenant cloned from the first, so team-to-team flows exist. */
async function netOf(env: string, mutate?: (objects: ClusterObject[]) => void): Promise<{ world: World; teams: TeamInfo[] }> {
  const m = await stackModel(env);
  const first = m.teams[0];
  const other = { name: `${first.name}-b`, appPort: first.appPort };
  const objects: ClusterObject[] = JSON.parse(JSON.stringify([...m.objects, ...secondTenant(m.objects, first.name, other.name)]));
  mutate?.(objects);
  return { world: buildWorld(objects, m.net), teams: [...m.teams, other] };
}

const lines = (vs: { detail: string }[]) => vs.map((v) => `  ${v.detail}`).join("\n");

describe("models: network flows as the EKS network policy agent enforces them", () => {
  for (const env of ENVS) {
    describe(env, () => {
      it("allows every required flow (API server through its Service IP, DNS, webhooks, credentials, AWS, ingress, telemetry)", async () => {
        const { world, teams } = await netOf(env);
        const { blocked } = checkFlows(world, teams);
        assert.equal(blocked.length, 0, `required flows denied:\n${lines(blocked)}`);
      });

      it("denies every forbidden flow (team to team, team to platform, into team apps, to Argo CD and Grafana, stray DNS)", async () => {
        const { world, teams } = await netOf(env);
        const { leaked } = checkFlows(world, teams);
        assert.equal(leaked.length, 0, `forbidden flows allowed:\n${lines(leaked)}`);
      });

      it("a team namespace receives and sends only what its contract lists (every peer and port)", async () => {
        const m = await stackModel(env);
        const { world } = await netOf(env);
        for (const t of m.teams) {
          const publicHttps = m.objects.some((o) => o.kind === "NetworkPolicy" && o.object.metadata.namespace === t.name && o.object.metadata.name === "allow-public-https");
          assert.deepEqual(teamPeers(world, t), teamContract(t, publicHttps), `team ${t.name}`);
        }
      });

      it("sends DNS only to kube-dns (and cert-manager's two named resolvers)", async () => {
        const { world, teams } = await netOf(env);
        const pods = [...PLATFORM_PODS, ...teams.map((t) => teamPod(t.name, t.appPort))];
        assert.deepEqual(strayDnsPeers(world, pods), []);
      });
    });
  }
});
