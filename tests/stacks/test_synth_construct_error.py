"""synth reports a construct's refusal as `FILE: key.path: message`, exit 1, no traceback.

Validation mirrors every rule the constructs enforce, so no shipped or corpus file reaches one;
this test plants one: the GKE construct's maintenance-window helper is made to refuse dev's
window, as it would if validation had missed the rule. The synth runs in the background
(tests/background.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.background import Context, background

REPO = Path(__file__).resolve().parents[2]

PLANT = """
import os, sys
import stacks.lazy_providers as lazy
real_install = lazy.install

def install(*args, **kwargs):
    real_install(*args, **kwargs)
    import constructs_lib.gcp.gke as gke

    def refuse(day, start_hour_utc, duration_hours):
        raise ValueError("a weekly GKE maintenance window of 12 h is refused by this planted rule; use 13 h")

    gke.gke_recurring_window = refuse

lazy.install = install
from stacks.__main__ import main
sys.exit(main(["synth", "--env", "dev", "--out", sys.argv[1]], environ=os.environ))
"""


@background("planted_construct_error")
def _planted_error_job(ctx: Context) -> dict:
    return {
        "argv": [sys.executable, "-c", PLANT, str(ctx.tmp / "out")],
        "cwd": REPO,
        "env": dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20"),
        "timeout": 600,
        "out": ctx.tmp / "out",
    }


def test_planted_construct_error_is_reported_against_the_file_and_cluster(background_jobs):
    job = background_jobs("planted_construct_error")
    run = job["proc"]
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert lines[0].startswith(
        "environments/dev.yaml: clusters[1 gcp-us-central1]: a weekly GKE maintenance window of 12 h"
    ), lines
    assert "refused while building the cluster stacks" in lines[0]
    assert lines[-1] == "synth: nothing written; fix the problem above."
    assert not job["out"].exists()
