"""Shared fixtures. The app is synthesized ONCE per test session, in a subprocess.

Importing the prebuilt providers costs seconds and a gigabyte; doing it in a child process that
exits without the jsii teardown keeps the pytest process light and pays the price once. Tests
read the synthesized JSON (`synthesized[stack_id]`) instead of synthesizing again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def run_synth(
    out: Path, env: str | None = None, cwd: Path = REPO, tmpdir: Path | None = None
) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "stacks", "synth", "--out", str(out)]
    if env:
        cmd += ["--env", env]
    environ = dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20")
    if tmpdir is not None:
        environ["TMPDIR"] = str(tmpdir)
    return subprocess.run(cmd, cwd=cwd, env=environ, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """A synthesized cdktf.out of every environment (one synth per session)."""
    out = tmp_path_factory.mktemp("synth") / "cdktf.out"
    # The synth's own TMPDIR, so tests/test_fresh_machine.py can prove it is left empty.
    (out.parent / "tmp").mkdir()
    proc = run_synth(out, tmpdir=out.parent / "tmp")
    if proc.returncode != 0:
        pytest.fail(f"synth failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}", pytrace=False)
    return out


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
