// Loads .ts files through sucrase (types stripped, imports to CommonJS; tsc --noEmit does
// the type-checking), caching each output by content hash so that a warm run of the
// plan or the tests never loads the transpiler at all; and turns on V8's compile cache.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { addHook } = require("pirates");

const CACHE = path.join(__dirname, "..", "node_modules", ".cache", "platform-ts");

// V8's code cache for every CommonJS module loaded from here on (Node >= 22.1): the Pulumi
// SDKs are megabytes of JavaScript, and compiling them was most of a plan's start-up.
const nodeModule = require("module");
if (typeof nodeModule.enableCompileCache === "function" && !process.env.NODE_COMPILE_CACHE) {
  nodeModule.enableCompileCache(path.join(__dirname, "..", "node_modules", ".cache", "platform-v8"));
}
// Modern syntax (`?.`, `??`, class fields) is left to Node, which runs it natively: sucrase's
// down-levelled `?.` allocates an array and a closure per use, and `??` a closure, in the rules' hot
// paths. Native class fields are what tsc checks (target ES2022: useDefineForClassFields).
const OPTIONS = { transforms: ["imports", "typescript"], disableESTransforms: true };
const SALT = `${require("sucrase/package.json").version}:${JSON.stringify(OPTIONS)}`;
let sucrase;

function compile(code, filePath) {
  const key = crypto.createHash("sha256").update(SALT).update("\0").update(filePath).update("\0").update(code).digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  sucrase = sucrase || require("sucrase");
  const { code: out, sourceMap } = sucrase.transform(code, { ...OPTIONS, filePath, sourceMapOptions: { compiledFilename: filePath } });
  const result = `${out}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(sourceMap)).toString("base64")}`;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    const tmp = `${cached}.${process.pid}`;
    fs.writeFileSync(tmp, result);
    fs.renameSync(tmp, cached); // atomic: parallel runs never read half a file
  } catch {
    // a read-only tree still works, just uncached
  }
  return result;
}

addHook(compile, { exts: [".ts"], ignoreNodeModules: true });
