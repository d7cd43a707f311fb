// Token creation stack traces off in the jsii kernel: preloaded with NODE_OPTIONS=--require
// (stacks/lazy_providers.py adds it with the app's other preloads, before node starts).
//
// cdktf's lib/tokens/private/stack-trace.js captures a full stack trace (Error.stackTraceLimit
// raised to Number.MAX_SAFE_INTEGER, then formatted to strings) for every token it creates:
// each Lazy, each Intrinsic, each attribute reference (`bucket.arn` makes a new token on every
// read). A full synth creates tens of thousands; the traces cost ~1 of its ~5.6 node CPU seconds
// (node --cpu-prof, 2026-11-30: captureStackTrace + defaultPrepareStackTrace). They are only
// read to print "Object creation stack: ..." under a token resolution error, and there they
// show jsii kernel frames, not the Python line that made the token.
//
// MCAI_TOKEN_STACK_TRACES=on keeps them (to debug a resolution error). Otherwise the module's
// captureStackTrace returns [] (what it returns when the engine gives no stack); every caller
// reads it through the module's exports (`(0, stack_trace_1.captureStackTrace)()`), so replacing
// the export after the module ran reaches them all. The synthesized files are unaffected.
"use strict";

const Module = require("module");

// cdktf's (or CDK Terrain's) stack-trace module, wherever jsii unpacked the package.
const TRACE_MODULE = /[\\/](cdktf|cdktn)[\\/](?:[^\\/]+[\\/])*lib[\\/]tokens[\\/]private[\\/]stack-trace\.js$/;

if ((process.env.MCAI_TOKEN_STACK_TRACES || "").trim().toLowerCase() !== "on") {
  const originalJs = Module._extensions[".js"];
  Module._extensions[".js"] = function (module, filename) {
    const result = originalJs.call(this, module, filename);
    if (TRACE_MODULE.test(filename) && typeof module.exports.captureStackTrace === "function") {
      module.exports.captureStackTrace = function captureStackTrace() {
        return [];
      };
    }
    return result;
  };
}
