// Node side of stacks/logical_ids.py: preloaded into the jsii kernel with NODE_OPTIONS=--require
// (stacks/lazy_providers.py adds it with its own preload, before node starts).
//
// The rule is the Python mixin's: below the stack, the construct ids joined by "_", each character
// outside [A-Za-z0-9_] replaced by "_"; an element directly under the stack keeps cdktf's own id.
// Done in Python, every element of the app cost a node -> Python callback plus a Python -> node
// call for its path: ~3,300 elements, about 10,000 of the synth's 24,600 kernel round trips and
// ~3 of its ~18 CPU seconds. Here it is a function call.
//
// Only stacks whose node context holds CONTEXT_KEY (set by stacks/base.py for a PathLogicalIds
// stack, before any child exists) are touched; every other stack allocates ids as cdktf does.
"use strict";

const Module = require("module");

const CONTEXT_KEY = "mcai:pathLogicalIds";
// cdktf's (or CDK Terrain's) lib/terraform-stack.js, wherever jsii unpacked the package.
const STACK_MODULE = /[\\/](cdktf|cdktn)[\\/](?:[^\\/]+[\\/])*lib[\\/]terraform-stack\.js$/;
const INVALID = /[^A-Za-z0-9_]/g;

function patch(TerraformStack) {
  const proto = TerraformStack && TerraformStack.prototype;
  if (!proto || typeof proto.allocateLogicalId !== "function" || proto.allocateLogicalId.mcaiPathIds) return;
  const cdktfAllocate = proto.allocateLogicalId;
  function allocateLogicalId(tfElement) {
    if (this.node.tryGetContext(CONTEXT_KEY) !== true) return cdktfAllocate.call(this, tfElement);
    const node = tfElement && tfElement.node && tfElement.node.scopes ? tfElement.node : tfElement;
    const scopes = node.scopes;
    const below = scopes.slice(scopes.indexOf(this) + 1).map((c) => c.node.id);
    if (below.length <= 1) return cdktfAllocate.call(this, tfElement);
    return below.map((id) => id.replace(INVALID, "_")).join("_");
  }
  allocateLogicalId.mcaiPathIds = true;
  proto.allocateLogicalId = allocateLogicalId;
}

const originalJs = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
  const result = originalJs.call(this, module, filename);
  if (STACK_MODULE.test(filename)) patch(module.exports.TerraformStack);
  return result;
};
