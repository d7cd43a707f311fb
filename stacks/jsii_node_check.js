// Preloaded into jsii's own relay (bin/jsii-runtime.js) by stacks/jsii_direct.py, to run just the
// relay's node version check: the relay checks the node release first (jsii's release table, its
// silencing variables, its banners on stderr), then spawns the kernel. The kernel is started
// elsewhere (stacks/jsii_direct.py), so that spawn ends this process instead.
"use strict";

require("child_process").spawn = function () {
  process.exit(0);
};
