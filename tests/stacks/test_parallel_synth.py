"""One environment synthesized alone writes exactly its part of the whole plan.

`python -m stacks synth` synthesizes the environments in parallel processes and merges them
(stacks/__main__.py), and `make synth ENV=...` / the review's partial synth rely on the same
property. It once failed: IAM resources were sorted as cdktf token strings, whose numbers count
the tokens created before them, so prod's and staging's policies changed order with what the
other environments created first. staging (three AWS regions) alone, in ONE process, against the
session's synth of every environment; and its manifest entries appear verbatim in the merged one.
The staging synth runs in the background (tests/background.py) while the other tests run.
"""

from __future__ import annotations

import json
import sys

from tests.background import Context, background
from tests.conftest import REPO


@background("staging_alone_synth")
def _staging_alone_job(ctx: Context) -> dict:
    out = ctx.tmp / "staging.out"
    argv = [sys.executable, "-m", "stacks", "synth", "--env", "staging", "--jobs", "1", "--out", str(out)]
    return {"argv": argv, "cwd": REPO, "timeout": 600, "out": out}


def test_staging_alone_equals_its_part_of_the_whole_plan(synth_dir, background_jobs):
    job = background_jobs("staging_alone_synth")
    proc, out = job["proc"], job["out"]
    assert proc.returncode == 0, proc.stderr[-3000:]
    alone = sorted((out / "stacks").glob("*/cdk.tf.json"))
    assert len(alone) > 20, "staging wrote too few stacks"
    for path in alone:
        whole = synth_dir / "stacks" / path.parent.name / "cdk.tf.json"
        assert whole.read_bytes() == path.read_bytes(), f"{path.parent.name}: alone != in the whole plan"
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    staging = json.loads((out / "manifest.json").read_text())["stacks"]
    assert staging == {k: v for k, v in manifest.items() if k.startswith("staging-")}
    text = (synth_dir / "manifest.json").read_text()
    assert text.startswith('{\n  "stacks": {\n') and text.endswith('\n  },\n  "version": "0.21.0"\n}')
