"""Token creation stack traces off in node (stacks/token_traces_node.js), on with the switch.

A tiny cdktf program in plain node (the project's node_modules, the cdktf the kernel also runs):
with the preload a token carries no creation stack, and a resolution error says no
"Object creation stack"; with MCAI_TOKEN_STACK_TRACES=on, or without the preload, both are there.
That the whole plan is unchanged is held by tests/snapshots (the synths run with the preload).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOOK = REPO / "stacks" / "token_traces_node.js"

SCRIPT = """
const { Lazy, Tokenization, App, TerraformStack, DefaultTokenResolver, StringConcat } = require("cdktf");
const lazy = Lazy.stringValue({ produce: () => { throw new Error("planted"); } });
const token = Tokenization.reverseString(lazy).firstToken;
let message = "";
try {
  const stack = new TerraformStack(new App(), "s");
  Tokenization.resolve(lazy, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
} catch (e) {
  message = String(e.message);
}
console.log(JSON.stringify({ frames: token.creationStack.length, message }));
"""

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / "cdktf").exists(),
    reason="needs node and node_modules (make install)",
)


def _run(*preload: str, traces: str | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "MCAI_TOKEN_STACK_TRACES"}
    if traces is not None:
        env["MCAI_TOKEN_STACK_TRACES"] = traces
    proc = subprocess.run(
        ["node", *preload, "-e", SCRIPT], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_with_the_preload_tokens_carry_no_creation_stack():
    facts = _run("--require", str(HOOK))
    assert facts["frames"] == 0
    assert "planted" in facts["message"] and "Object creation stack" not in facts["message"]


def test_the_switch_keeps_them():
    facts = _run("--require", str(HOOK), traces="on")
    assert facts["frames"] > 3
    assert "Object creation stack" in facts["message"]


def test_without_the_preload_cdktf_records_them():
    assert _run()["frames"] > 3
