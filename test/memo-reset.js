// Mocha root hook (named in .mocharc.json): every test starts with empty policy memo tables, so no test
// reads an answer another test, or another mutant under Stryker's long-lived runner, left behind.
exports.mochaHooks = {
  beforeEach() {
    require("../policies/lib/memo").clearMemos();
  },
};
