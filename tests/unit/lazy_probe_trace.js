// Test-only preload for tests/unit/lazy_probe.py: appends the path of every file node compiles
// under an @cdktf/provider-*/lib folder to $MCAI_JS_TRACE, so the probe can say which provider
// JS submodules node loaded (exact, where the kernel's RSS is only a proxy).
"use strict";

const fs = require("fs");
const Module = require("module");

const out = process.env.MCAI_JS_TRACE;
const PROVIDER_LIB = /[\\/]node_modules[\\/]@cdktf[\\/]provider-[a-z0-9-]+[\\/]lib[\\/]/;
const previous = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
  if (out && PROVIDER_LIB.test(filename)) fs.appendFileSync(out, filename + "\n");
  return previous.call(this, module, filename);
};
