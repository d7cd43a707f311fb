"""Synthesize a source tree (the working tree, or a git ref in a temporary worktree).

The review itself never imports jsii or the providers: synthesis runs as a child process, so the
review stays fast and the synth command can change while the app is being written.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class SynthError(Exception):
    """Synthesis or git failed; the message says which command and how."""


def default_synth_cmd(out: str) -> list[str]:
    return [sys.executable, "-m", "stacks", "synth", "--out", out]


def synth_command(cmd: str | None, out: str) -> list[str]:
    return shlex.split(cmd) if cmd else default_synth_cmd(out)


def _git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise SynthError(f"git {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout.strip()


def repo_root(start: Path) -> Path:
    return Path(_git(start, "rev-parse", "--show-toplevel"))


def resolve_ref(repo: Path, ref: str) -> str:
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def _is_stale_output(tree: Path, out_dir: Path) -> bool:
    """Only a cdktf output strictly inside the tree is deleted: the repository itself has a
    ``stacks/`` package, so ``--synth-out .`` must never wipe it."""
    tree = tree.resolve()
    return tree in out_dir.parents and (out_dir / "manifest.json").is_file()


def synthesize(tree: Path, cmd: Sequence[str], out: str) -> Path:
    """Run ``cmd`` in ``tree`` and return the output directory ``tree/out``.

    A previous output is removed first, so a stack deleted from the app cannot linger in the
    comparison. The child's output goes to stderr: stdout carries the report.
    """
    out_dir = (tree / out).resolve()
    if _is_stale_output(tree, out_dir):
        shutil.rmtree(out_dir)
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    print(f"review: synthesizing {tree} with: {shlex.join(cmd)}", file=sys.stderr)
    try:
        process = subprocess.Popen(
            list(cmd), cwd=tree, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
    except OSError as exc:
        raise SynthError(f"cannot run `{shlex.join(cmd)}` in {tree}: {exc}") from exc
    tail: list[str] = []
    assert process.stdout is not None
    for line in process.stdout:
        sys.stderr.write(line)
        tail = (tail + [line.rstrip()])[-20:]
    if process.wait() != 0:
        raise SynthError(
            f"`{shlex.join(cmd)}` failed in {tree} (exit {process.returncode}); last output:\n"
            + "\n".join(tail)
        )
    if not (out_dir / "stacks").is_dir():
        raise SynthError(
            f"`{shlex.join(cmd)}` succeeded but wrote no {out_dir}/stacks; pass --synth-out if it writes elsewhere"
        )
    return out_dir


@contextmanager
def worktree(repo: Path, ref: str) -> Iterator[tuple[Path, str]]:
    """Check ``ref`` out in a temporary, detached git worktree; remove it afterwards.

    Yields the worktree path and the resolved commit. Untracked helpers the synth may need
    (``node_modules``) are linked from the main tree, because they are not in git.
    """
    try:
        commit = resolve_ref(repo, ref)
    except SynthError as exc:
        raise SynthError(f"unknown git ref {ref!r} in {repo}") from exc
    temp = Path(tempfile.mkdtemp(prefix="review-base-"))
    tree = temp / "tree"
    try:
        _git(repo, "worktree", "add", "--detach", str(tree), commit)
        node_modules = repo / "node_modules"
        if node_modules.is_dir() and not (tree / "node_modules").exists():
            (tree / "node_modules").symlink_to(node_modules, target_is_directory=True)
        yield tree, commit
    finally:
        subprocess.run(
            ["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True
        )
        shutil.rmtree(temp, ignore_errors=True)
        subprocess.run(["git", "-C", str(repo), "worktree", "prune"], capture_output=True)
