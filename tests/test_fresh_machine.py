"""What a synth leaves behind on a machine, and how the bootstrap treats it (issue: fresh machine).

The global interpreter staying untouched by `make synth` / `make test` is proven by `.ci/run`,
which compares `python3 -m pip freeze --all` before and after on a PATH without `uv`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_synth_leaves_nothing_in_the_temporary_folder(synth_tmpdir):
    # jsii writes its ~2.2 MB node runtime into a temporary folder that only its atexit hook
    # removes; the synth exits with os._exit, so stacks/fast_exit.py must remove it.
    leftovers = sorted(p.name for p in synth_tmpdir.iterdir())
    assert leftovers == []


def test_synth_leaves_no_work_folder_next_to_its_output(synth_dir):
    assert [p.name for p in synth_dir.parent.glob(".synth-*")] == []
    assert not synth_dir.with_name("cdktf.out.old").exists()


def test_folder_of_a_killed_synth_is_removed_and_a_running_one_kept(tmp_path):
    from stacks.__main__ import _remove_abandoned_synths

    dead = tmp_path / ".synth-999999999-abc"  # no such pid
    alive = tmp_path / f".synth-{os.getpid()}-def"
    for folder in (dead, alive):
        (folder / "stacks").mkdir(parents=True)
    _remove_abandoned_synths(tmp_path)
    assert not dead.exists()
    assert alive.exists()


def test_synth_work_folders_are_ignored_by_git():
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".synth-*/" in ignored
    assert ".tools/" in ignored


def test_makefile_never_runs_uv_through_an_interpreter():
    # `python -m uv pip install` installs into the interpreter that launched uv, whatever
    # VIRTUAL_ENV says: that is how checkov once landed in the global Python.
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipes = [line for line in makefile.splitlines() if line.startswith("\t")]
    assert recipes and not [line for line in recipes if re.search(r"-m uv\b", line)]
    assert re.search(r"^UV_VERSION := \d+\.\d+\.\d+$", makefile, re.M)
    for line in makefile.splitlines():
        if "$(UV) pip install" in line:
            assert "--python" in line, line


def test_plain_make_review_compares_with_the_snapshots_not_plan_files():
    # `make synth` runs `make review`; a global PLAN_DIR default once turned it into a plan-file
    # review of a folder that does not exist, and `make synth` failed on a fresh clone.
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("PLAN_DIR", "BASE", "BASE_OUT", "HEAD_OUT")}
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "review"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert dry.returncode == 0, dry.stderr
    review = [line for line in dry.stdout.splitlines() if "-m review" in line]
    assert review, dry.stdout
    assert "--plan-dir" not in review[-1]
    assert "--base-out tests/snapshots/__snapshots__/test_snapshots" in review[-1]
    with_plans = subprocess.run(
        ["make", "-n", "--no-print-directory", "review", "PLAN_DIR=plans"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "--plan-dir plans" in with_plans.stdout
