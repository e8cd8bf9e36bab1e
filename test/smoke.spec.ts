import * as assert from "assert";
describe("smoke", () => { it("runs on node 22", () => assert.strictEqual(process.versions.node.split(".")[0], "22")); });
