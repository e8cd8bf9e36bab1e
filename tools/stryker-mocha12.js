// Preloaded by `npm run mutate` (NODE_OPTIONS), in Stryker and in its test-runner children.
// Mocha 12 renamed its cli internals to .cjs, and @stryker-mutator/mocha-runner 10.0.0 still
// requires them without an extension, so the plugin fails to load. Until the upstream fix
// ships (stryker-mutator/stryker-js#6205, "load Mocha cli internals regardless of file
// extension"), resolve exactly those requests to their .cjs files; nothing else changes.
"use strict";
const fs = require("fs");
const Module = require("module");

const CLI = /[\\/]mocha[\\/]lib[\\/]cli[\\/](run-helpers|options|collect-files)$/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (CLI.test(request) && fs.existsSync(`${request}.cjs`)) return resolve.call(this, `${request}.cjs`, ...rest);
  return resolve.call(this, request, ...rest);
};
