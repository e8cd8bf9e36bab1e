// Instance metadata (IMDS) on every node the platform launches: every metadataOptions block
// anywhere in the program (launch templates, instances, Karpenter's EC2NodeClass), every
// option in it. A hop limit of 2 lets any pod reach IMDS and take the node role's credentials
// (upstream: AWS EC2 user guide "Configure the instance metadata options", hop limit; Karpenter
// EC2NodeClass docs: metadataOptions default httpPutResponseHopLimit 1, httpTokens required).
import * as assert from "assert";
import { RunResult } from "../../tools/harness";
import { ENVS, runStack } from "../support";

/** Allowed values of each option; an option not listed here fails until someone decides on it. */
const ALLOWED: Record<string, readonly unknown[]> = {
  httpEndpoint: ["enabled"],
  httpTokens: ["required"],
  httpPutResponseHopLimit: [1],
  httpProtocolIPv6: ["disabled"],
  instanceMetadataTags: ["disabled"],
};
/** Options that must be stated, not left to a provider default. */
const REQUIRED = ["httpTokens", "httpPutResponseHopLimit"];

function metadataBlocks(r: RunResult): { where: string; options: Record<string, unknown> }[] {
  const out: { where: string; options: Record<string, unknown> }[] = [];
  const walk = (v: unknown, at: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}[${i}]`));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k === "metadataOptions") out.push({ where: `${at}.${k}`, options: (x ?? {}) as Record<string, unknown> });
        else walk(x, `${at}.${k}`);
      }
    }
  };
  for (const x of r.resources) walk(x.inputs, `${x.type} ${x.name}`);
  return out;
}

describe("node instance metadata: every option of every node class and launch template", function () {
  this.timeout(60000);
  for (const env of ENVS) {
    it(`${env}: IMDSv2 only, hop limit 1, no IPv6 endpoint or instance tags, on every block`, async () => {
      const blocks = metadataBlocks(await runStack(env));
      const kinds = blocks.map((b) => b.where.split(" ")[0]);
      assert.ok(kinds.includes("aws:ec2/launchTemplate:LaunchTemplate"), "no launch template found");
      assert.ok(kinds.includes("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"), "no EC2NodeClass found");
      for (const { where, options } of blocks) {
        for (const k of REQUIRED) assert.ok(k in options, `${where}: ${k} is not set`);
        for (const [k, v] of Object.entries(options)) {
          assert.ok(k in ALLOWED, `${where}.${k}: option not reviewed (allowed options: ${Object.keys(ALLOWED).join(", ")})`);
          assert.ok(ALLOWED[k].includes(v), `${where}.${k} is ${JSON.stringify(v)}; allowed: ${JSON.stringify(ALLOWED[k])}`);
        }
      }
    });
  }
});
