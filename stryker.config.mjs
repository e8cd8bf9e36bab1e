// `npm run mutate` (StrykerJS). Not part of `npm test` or CI: those must stay fast.
// Mutates the policy packs, the contract and the config module; their unit suites kill the
// mutants. The full-program suites (test/infra/program, services, teams) are left out: every
// stack run costs about a second, and a mutant in parseConfig would re-run all of them.
// Incremental: the last result is cached in node_modules/.cache/stryker (like the tsc build
// info) rather than committed, because it is only valid for the exact code it measured and
// would conflict on every merge; a rerun tests only mutants whose code or covering tests changed.
import { readdirSync } from "fs";

// The unit suites of the mutated code. Left out: the engine-plumbing and pack start-up suites (it spawns both packs
// under the real analyzer for every mutant it covers, and runs the same rule code on both
// sides, so it kills nothing the rule suites do not) and the example service's HTTP tests.
const SLOW = new Set(["test/policies/engine-plumbing.spec.ts", "test/policies/packs.spec.ts", "test/examples/service.spec.ts"]);
const specs = (dir) => readdirSync(dir).filter((f) => f.endsWith(".spec.ts")).map((f) => `${dir}/${f}`).filter((f) => !SLOW.has(f));

// MUTATE_AREA=policies|contract|config runs one area against its own suites only: a bounded
// run on a loaded machine (the whole run's initial test pass alone takes minutes).
// ignoreStatic per area: see the note at `ignoreStatic` below.
const AREAS = {
  policies: { mutate: ["policies/**/*.ts"], spec: () => specs("test/policies"), ignoreStatic: true },
  contract: { mutate: ["contract/**/*.ts"], spec: () => [...specs("test/contract"), ...specs("test/examples")], ignoreStatic: false },
  config: { mutate: ["infra/config.ts"], spec: () => ["test/infra/config.spec.ts"], ignoreStatic: false },
};
const area = AREAS[process.env.MUTATE_AREA ?? ""];
const suffix = process.env.MUTATE_AREA ? `-${process.env.MUTATE_AREA}` : "";

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "mocha",
  checkers: ["typescript"],
  tsconfigFile: "tsconfig.json",
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  mutate: area ? area.mutate : ["policies/**/*.ts", "contract/**/*.ts", "infra/config.ts"],
  mochaOptions: {
    config: ".mocharc.json",
    spec: area ? area.spec() : [...specs("test/policies"), ...specs("test/contract"), ...specs("test/examples"), "test/infra/config.spec.ts"],
  },
  // The tests load TypeScript through tools/register.js (sucrase), named in .mocharc.json;
  // the sandbox gets the same hook, and sucrase strips the types Stryker's schemata leave in.
  coverageAnalysis: "perTest",
  // Static mutants (module-level code: rule metadata, schema regexes, lookup tables) run once,
  // when a module loads, so only a fresh load with the mutant active tests them: Stryker then
  // runs every test of the run in a new worker. In policies/ that is ~430 tests per mutant (60 %
  // of the time for 20 % of the mutants), so there they are Ignored and counted in
  // docs/testing.md. contract/ has 22 (the output lists, the version; the area takes about 2 min 40 s)
  // and infra/config.ts 370 (schemas, profiles; 63 fast tests, 18 min), so there they are run.
  // Static mutants that a test also reaches ("hybrid": the harness reloads contract/ inside
  // tests) are not Ignored under ignoreStatic but run with runtime activation only, which never
  // re-runs the module copy the spec files imported: such a mutant survives whatever the tests
  // assert (docs/testing.md, "Static mutants"). The run of all areas keeps ignoreStatic.
  ignoreStatic: area ? area.ignoreStatic : true,
  incremental: true,
  incrementalFile: `node_modules/.cache/stryker/incremental${suffix}.json`,
  concurrency: 2,
  timeoutMS: 20000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `node_modules/.cache/stryker/mutation${suffix}.json` },
  dryRunTimeoutMinutes: 20,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
