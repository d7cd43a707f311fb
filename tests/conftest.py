"""Shared fixtures. The app is synthesized ONCE per test session, in a subprocess.

Importing the prebuilt providers costs seconds and a gigabyte; doing it in a child process that
exits without the jsii teardown keeps the pytest process light and pays the price once. Tests
read the synthesized JSON (`synthesized[stack_id]`) instead of synthesizing again.

`MCAI_SYNTH_DIR=<cdktf.out>` makes the session reuse a synth that was just written instead of
synthesizing again (`make gate` runs `make synth-only`, then pytest with it). The folder must
hold every environment and be newer than every source file, else the session fails saying so.
`MCAI_SYNTH_TMPDIR` names the TMPDIR that synth ran with (tests/test_fresh_machine.py checks it
was left empty); without it that one test is skipped.

The subprocesses the tests need (a checkov scan, a second synth, terraform, ...) run in the
background on the second core while the other tests run: tests/background.py. The hooks below
start them when collection ends and run the tests that read them last. (pytest-xdist was tried
and dropped: with pytest 9.2 and xdist 3.8 `--dist loadgroup` does not group, so every worker
re-ran the session's checkov batch and synths: 118-121 CPU s against 81-96 without it.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import background

REPO = Path(__file__).resolve().parent.parent


def run_synth(
    out: Path, env: str | None = None, cwd: Path = REPO, tmpdir: Path | None = None
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "stacks", "synth", "--out", str(out)]
    if env:
        cmd += ["--env", env]
    # As `make synth` runs (bindings unchecked, kernel without the relay): the snapshots hold what
    # ships. The second staging synth (tests/snapshots) runs the other way and must write the same.
    environ = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    if tmpdir is not None:
        environ["TMPDIR"] = str(tmpdir)
    return subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True, timeout=900)


# What a synth reads: a file here newer than a reused synth's manifest makes that synth stale.
SYNTH_INPUTS = ("stacks", "constructs_lib", "environments", "policies/residency.yaml", "main.py")
SOURCE_SUFFIXES = {".py", ".js", ".yaml", ".yml", ".json"}


def reused_synth_problem(out: Path, repo: Path = REPO) -> str | None:
    """Why `out` cannot stand for a synth of this checkout (None when it can)."""
    manifest = out / "manifest.json"
    if not manifest.is_file():
        return f"{out} holds no manifest.json: run `make synth-only OUT={out}` first"
    stacks = {p.parent.name for p in out.glob("stacks/*/cdk.tf.json")}
    envs = sorted(p.stem for p in (repo / "environments").glob("*.yaml"))
    missing = [e for e in envs if not any(s.startswith(f"{e}-") for s in stacks)]
    if missing:
        return f"{out} has no stack of environment(s) {', '.join(missing)}: synthesize all of them (no ENV=)"
    written = manifest.stat().st_mtime
    for name in SYNTH_INPUTS:
        root = repo / name
        files = [root] if root.is_file() else root.rglob("*")
        sources = (f for f in files if f.suffix in SOURCE_SUFFIXES and "__pycache__" not in f.parts)
        newer = next((f for f in sources if f.is_file() and f.stat().st_mtime > written), None)
        if newer is not None:
            return (
                f"{newer.relative_to(repo)} changed after {out} was synthesized: run `make synth-only` again"
            )
    return None


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """A synthesized cdktf.out of every environment (one synth per session, or MCAI_SYNTH_DIR)."""
    if given := os.environ.get("MCAI_SYNTH_DIR"):
        out = Path(given).resolve()
        if problem := reused_synth_problem(out):
            pytest.fail(f"MCAI_SYNTH_DIR: {problem}", pytrace=False)
        return out
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    # The synth's own TMPDIR, so tests/test_fresh_machine.py can prove it is left empty.
    (out.parent / "tmp").mkdir()
    proc = run_synth(out, tmpdir=out.parent / "tmp")
    if proc.returncode != 0:
        pytest.fail(f"synth failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    if background.ACTIVE is not None:
        background.ACTIVE.set_synth(out)  # the background jobs that read the synth may start
    return out


# ---- background jobs (tests/background.py) ---------------------------------------------------


def pytest_collection_modifyitems(session, config, items) -> None:
    """The tests that read a background job run last, module by module in the collected order,
    so the jobs run while the other tests do."""
    if background.workers() == 0:
        return
    job_modules = {module for job in background.JOBS.values() for module in job.modules()}
    later = [item for item in items if Path(str(item.path)).resolve() in job_modules]
    if later:
        items[:] = [item for item in items if Path(str(item.path)).resolve() not in job_modules] + later


def pytest_collection_finish(session) -> None:
    if session.config.option.collectonly or not session.items:
        return
    order: list[Path] = []
    for item in session.items:
        module = Path(str(item.path)).resolve()
        if module not in order:
            order.append(module)
    # The jobs of the collected modules, in the order their first reader runs.
    first = {
        job.name: min((order.index(m) for m in job.modules() if m in order), default=-1)
        for job in background.JOBS.values()
    }
    jobs = sorted(
        (job for job in background.JOBS.values() if first[job.name] >= 0), key=lambda job: first[job.name]
    )
    root = session.config._tmp_path_factory.mktemp("background")
    runner = background.Runner(jobs, root, background.workers(), frozenset(order))
    if (given := os.environ.get("MCAI_SYNTH_DIR")) and reused_synth_problem(Path(given).resolve()) is None:
        runner.set_synth(Path(given).resolve())
    background.ACTIVE = runner
    runner.start()


def pytest_sessionfinish(session) -> None:
    if background.ACTIVE is not None:
        background.ACTIVE.close()


def pytest_terminal_summary(terminalreporter) -> None:
    if background.ACTIVE is not None and (lines := background.ACTIVE.report()):
        terminalreporter.write_sep("-", "background jobs (tests/background.py)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def background_jobs(request):
    """`background_jobs(name)`: the finished job (waits for it): {"proc": CompletedProcess, ...}."""
    runner = background.ACTIVE
    if runner is None:  # the hooks did not run (e.g. a plugin collected differently): foreground
        root = request.config._tmp_path_factory.mktemp("background")
        collected = frozenset(Path(str(item.path)).resolve() for item in request.session.items)
        runner = background.Runner(list(background.JOBS.values()), root, 0, collected)
        background.ACTIVE = runner
    return lambda name: runner.result(name, lambda: request.getfixturevalue("synth_dir"))


@pytest.fixture(scope="session")
def synth_tmpdir(synth_dir) -> Path:
    """The TMPDIR the session's synth ran with."""
    if not os.environ.get("MCAI_SYNTH_DIR"):
        return synth_dir.parent / "tmp"
    if given := os.environ.get("MCAI_SYNTH_TMPDIR"):
        return Path(given)
    pytest.skip("MCAI_SYNTH_DIR without MCAI_SYNTH_TMPDIR: the reused synth's TMPDIR is unknown")


@pytest.fixture(scope="session")
def synthesized(synth_dir) -> dict[str, dict]:
    """stack id -> parsed cdk.tf.json."""
    return {
        p.parent.name: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((synth_dir / "stacks").glob("*/cdk.tf.json"))
    }


def resources(stack: dict, rtype: str) -> dict[str, dict]:
    """The resources of one type in a synthesized stack: logical name -> arguments."""
    return stack.get("resource", {}).get(rtype, {})


def data_sources(stack: dict, dtype: str) -> dict[str, dict]:
    return stack.get("data", {}).get(dtype, {})
