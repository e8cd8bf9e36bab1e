// The contract's runtime lists against its type and against what the platform publishes;
// the edges of its parsers. (Survivors of `npm run mutate` on contract/contract.ts.)
import * as assert from "assert";
import { CONTRACT_OUTPUTS, ContractKey, SECRET_CONTRACT_OUTPUTS, hostInDomain, parseVersion } from "../../contract/index";
import { ENVS, runStack } from "../support";

// The compiler makes this object name every key of PlatformContract, no more and no less,
// so the runtime list cannot drift from the type apps compile against.
const EVERY_KEY: Record<ContractKey, true> = {
  contractVersion: true, environment: true, region: true, clusterName: true, clusterEndpoint: true, clusterCertificateAuthority: true,
  kubeconfig: true, vpcId: true, privateSubnetIds: true, oidcProviderArn: true, oidcIssuerUrl: true, ingressClass: true, clusterIssuers: true,
  otlpGrpcEndpoint: true, otlpHttpEndpoint: true, argocdUrl: true, grafanaUrl: true, teams: true,
};

describe("contract: the runtime lists", function () {
  this.timeout(60000);
  it("CONTRACT_OUTPUTS names exactly the keys of PlatformContract", () => {
    assert.deepStrictEqual([...CONTRACT_OUTPUTS].sort(), Object.keys(EVERY_KEY).sort());
  });

  for (const env of ENVS) {
    it(`${env}: the platform publishes every contract output, and exactly the listed ones as secrets`, async () => {
      const run = await runStack(env);
      for (const k of CONTRACT_OUTPUTS) assert.ok(k in run.outputs, `${env} does not publish ${k}`);
      assert.deepStrictEqual(run.secretOutputs.filter((k) => (CONTRACT_OUTPUTS as readonly string[]).includes(k)).sort(), [...SECRET_CONTRACT_OUTPUTS].sort());
    });
  }
});

describe("contract: parser edges", () => {
  it("an empty team domain holds no host, not even an empty one", () => {
    for (const host of ["", "a.", "app.example.com"]) assert.strictEqual(hostInDomain(host, ""), false, JSON.stringify(host));
  });
  it("a version must be a string, not something that prints as one", () => {
    for (const bad of [["1.2.3"], { toString: () => "1.2.3" }]) assert.strictEqual(parseVersion(bad), undefined, JSON.stringify(bad));
  });
});
