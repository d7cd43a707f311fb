"""`--base REF`: the base is synthesized in a temporary git worktree that is removed afterwards.

The synth command is a stand-in that writes a REAL synthesized stack (from the session synth), so
the review rules see what the stacks really emit.
"""

from __future__ import annotations

import copy
import json
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from review.cli import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, main
from review.synth import synthesize
from tests.review.conftest import write_out

STACK = "prod-gcp-europe-west1-cluster"
FAKE_SYNTH = f'''\
"""Stands in for `python -m stacks synth`: writes plan.json as the stack {STACK}."""
import pathlib
out = pathlib.Path("cdktf.out") / "stacks" / "{STACK}"
out.mkdir(parents=True)
(out / "cdk.tf.json").write_text(pathlib.Path("plan.json").read_text())
'''


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


def _repo(tmp_path: Path, committed: dict | None) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / ".gitignore").write_text("cdktf.out/\n")
    if committed is not None:
        (repo / "fake_synth.py").write_text(FAKE_SYNTH)
        (repo / "plan.json").write_text(json.dumps(committed))
    else:
        (repo / "README.md").write_text("before the app\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    return repo


def test_base_ref_is_synthesized_in_a_temporary_worktree_that_is_removed(real_docs, tmp_path, monkeypatch):
    repo = _repo(tmp_path, real_docs[STACK])
    head = copy.deepcopy(real_docs[STACK])
    del head["resource"]["google_container_node_pool"]["gke_gpu_pool"]
    (repo / "plan.json").write_text(json.dumps(head))  # uncommitted: the head
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))

    code = main(
        [
            "--base",
            "HEAD",
            "--repo",
            str(repo),
            "--synth-cmd",
            f"{sys.executable} fake_synth.py",
            "--output",
            str(tmp_path / "review.md"),
            "--full-output",
            str(tmp_path / "full.md"),
            "--fail-on-attention",
        ]
    )

    report = (tmp_path / "review.md").read_text()
    assert code == EXIT_ATTENTION
    assert "node pool removed" in report
    assert "Head: `working tree`" in report and "Base: `HEAD (" in report
    worktrees = subprocess.run(
        ["git", "-C", str(repo), "worktree", "list"], capture_output=True, text=True
    ).stdout
    assert len(worktrees.strip().splitlines()) == 1
    assert list(temp_root.iterdir()) == []


def test_base_ref_that_cannot_be_synthesized_fails_unless_allowed(real_docs, tmp_path):
    repo = _repo(tmp_path, None)
    (repo / "fake_synth.py").write_text(FAKE_SYNTH)
    (repo / "plan.json").write_text(json.dumps(real_docs[STACK]))
    common = [
        "--base",
        "HEAD",
        "--repo",
        str(repo),
        "--synth-cmd",
        f"{sys.executable} fake_synth.py",
        "--output",
        str(tmp_path / "review.md"),
        "--full-output",
        str(tmp_path / "full.md"),
    ]

    assert main(common) == EXIT_ERROR
    assert main([*common, "--base-missing-ok"]) == EXIT_OK
    assert f"`{STACK}` (stack added)" in (tmp_path / "review.md").read_text()


def test_synthesis_replaces_a_stale_output_but_never_deletes_the_tree(real_docs, tmp_path):
    tree = tmp_path / "tree"
    write_out(tree / "cdktf.out", {STACK: real_docs[STACK]})
    (tree / "cdktf.out" / "manifest.json").write_text("{}")
    (tree / "stacks").mkdir()
    (tree / "stacks" / "app.py").write_text("# the app, not an output\n")
    write_new = (
        f"{sys.executable} -c \"import pathlib; pathlib.Path('cdktf.out/stacks').mkdir(parents=True)\""
    )

    out = synthesize(tree, shlex.split(write_new), "cdktf.out")
    synthesize(tree, [sys.executable, "-c", "pass"], ".")

    assert list((out / "stacks").iterdir()) == []  # the stale stack is gone
    assert (tree / "stacks" / "app.py").is_file()


def test_snapshot_directory_reads_as_the_approved_plan():
    """`make review` compares cdktf.out with the committed snapshots (<stack-id>.json files)."""
    from review.plan import load_output_dir

    snap = Path(__file__).resolve().parents[1] / "snapshots" / "__snapshots__" / "test_snapshots"
    plans = load_output_dir(snap)
    assert len(plans) == len(list(snap.glob("*.json"))) and "prod-global-edge" in plans
    assert any(b.kind == "resource" for b in plans["prod-global-edge"].blocks.values())
