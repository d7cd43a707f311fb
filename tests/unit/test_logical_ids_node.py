"""Path logical ids in node (stacks/logical_ids_node.js), the rule of stacks/logical_ids.py.

A tiny cdktf app in plain node (the project's node_modules), with and without the preload: the
stack that carries the context key gets `<ids below the stack joined by _>` with `-` and `.`
made `_` (literals below), an element directly under the stack keeps cdktf's id, and a stack
without the key keeps cdktf's hashed ids. The whole plan's ids are held by tests/snapshots.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOOK = REPO / "stacks" / "logical_ids_node.js"

SCRIPT = """
const { App, TerraformStack, TerraformOutput } = require("cdktf");
const { Construct } = require("constructs");
const app = new App({ outdir: OUTDIR });
function build(name, marked) {
  const s = new TerraformStack(app, name);
  if (marked) s.node.setContext("mcai:pathLogicalIds", true);
  const inner = new Construct(new Construct(s, "data-lake"), "models.gdpr");
  new TerraformOutput(inner, "bucket", { value: "x" });
  new TerraformOutput(s, "top", { value: "y" });
  return Object.keys(s.toTerraform().output).sort();
}
console.log(JSON.stringify({ marked: build("a", true), plain: build("b", false) }));
"""

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "node_modules" / "cdktf").exists(),
    reason="needs node and node_modules (make install)",
)


def _ids(tmp_path: Path, *preload: str) -> dict[str, list[str]]:
    script = SCRIPT.replace("OUTDIR", json.dumps(str(tmp_path)))
    proc = subprocess.run(
        ["node", *preload, "-e", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_marked_stack_gets_path_ids_and_others_keep_cdktf_ids(tmp_path):
    ids = _ids(tmp_path, "--require", str(HOOK))
    assert ids["marked"] == ["data_lake_models_gdpr_bucket", "top"]
    assert ids["plain"] == ["data-lake_modelsgdpr_bucket_C2BD1609", "top"]


def test_without_the_preload_cdktf_hashes_every_nested_id(tmp_path):
    assert _ids(tmp_path)["marked"] == ["data-lake_modelsgdpr_bucket_C2BD1609", "top"]


def test_the_app_uses_the_node_rule_once_the_preload_is_installed():
    probe = (
        "import os, sys; sys.path.insert(0, os.getcwd());"
        "from stacks.lazy_providers import install; install(os.environ);"
        "from stacks import logical_ids; print(logical_ids.PathLogicalIds.__name__); os._exit(0)"
    )
    proc = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-c", probe],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.stdout.strip() == "_PathLogicalIdsInNode", proc.stderr[-2000:]
