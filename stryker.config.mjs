// `npm run mutate` (StrykerJS). Not part of `npm test` or CI: those must stay fast.
// Mutates the policy packs, the contract and the config module; their unit suites kill the
// mutants. The full-program suites (test/infra/program, services, teams) are left out: every
// stack run costs about a second, and a mutant in parseConfig would re-run all of them.
// Incremental: the last result is cached in node_modules/.cache/stryker (like the tsc build
// info) rather than committed, because it is only valid for the exact code it measured and
// would conflict on every merge; a rerun tests only mutants whose code or covering tests changed.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "mocha",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: ["policies/**/*.ts", "contract/**/*.ts", "infra/config.ts"],
  mochaOptions: {
    config: ".mocharc.json",
    spec: ["test/policies/**/*.spec.ts", "test/contract/**/*.spec.ts", "test/examples/**/*.spec.ts", "test/infra/config.spec.ts"],
  },
  // The tests load TypeScript through tools/register.js (sucrase), named in .mocharc.json;
  // the sandbox gets the same hook, and sucrase strips the types Stryker's schemata leave in.
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "node_modules/.cache/stryker/incremental.json",
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "node_modules/.cache/stryker/mutation.json" },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
