"""Snapshot of every synthesized stack of every environment: one JSON file per stack.

The files live in tests/snapshots/__snapshots__/test_snapshots/<stack id>.json, so a pull
request shows the change of the synthesized plan next to the code that caused it, and
`make review` reads them as the approved plan. A missing snapshot fails, and so does a snapshot
whose stack is gone. Regenerate deliberately with `make snapshot-update` and say why in the commit.

The second synth of dev the determinism and CLI tests compare with runs in the background
(tests/background.py) while the other tests run.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from tests.background import Context, background
from tests.conftest import REPO

UPDATE_HINT = "synthesized plan changed: review it, then run `make snapshot-update` and explain the change in the commit"


class StackSnapshot(JSONSnapshotExtension):
    """One file per stack, named by the stack id alone."""

    @classmethod
    def get_snapshot_name(cls, *, test_location, index=0) -> str:
        return str(index)


@pytest.fixture
def stack_snapshot(snapshot):
    return snapshot.use_extension(StackSnapshot)


def test_every_stack_matches_its_snapshot(synthesized, stack_snapshot):
    assert synthesized, "the app synthesized no stack"
    changed = []
    for stack_id, doc in sorted(synthesized.items()):
        try:
            assert doc == stack_snapshot(name=stack_id)
        except AssertionError:
            changed.append(stack_id)
    assert not changed, f"{UPDATE_HINT}: {', '.join(changed)}"


CDKTF_CLI = REPO / "node_modules" / ".bin" / "cdktf"


@background("second_staging_synth")
def _second_staging_synth_job(ctx: Context) -> dict:
    """The one second synth the module needs, of staging alone (three AWS regions, so ordering
    across regions shows): through the real cdktf CLI (main.py, one process) when it is installed,
    else `stacks synth --jobs 1`. It serves the CLI test, the determinism test and the test that
    an environment alone writes exactly its part of the whole plan.

    It runs the other way from the session's synth (which runs as `make synth`, or is `make
    gate`'s own through MCAI_SYNTH_DIR): the provider bindings' own argument checks on
    (MCAI_BINDING_CHECKS=on, stacks/binding_checks.py) and its kernel through jsii's relay
    (MCAI_JSII_RELAY=on, stacks/jsii_direct.py). Equal bytes also prove those switches change
    nothing in the plan."""
    out = ctx.tmp / "cli.out"
    env = dict(
        os.environ,
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        MCAI_BINDING_CHECKS="on",
        MCAI_JSII_RELAY="on",
    )
    if not CDKTF_CLI.exists():
        argv = [sys.executable, "-m", "stacks", "synth", "--out", str(out), "--env", "staging", "--jobs", "1"]
        return {"argv": argv, "cwd": REPO, "env": env, "kind": "stacks", "out": out}
    env.update(ENV="staging", CHECKPOINT_DISABLE="1")
    argv = [str(CDKTF_CLI), "synth", "--output", str(out)]
    return {"argv": argv, "cwd": REPO, "env": env, "timeout": 600, "kind": "cli", "out": out}


@pytest.fixture(scope="module")
def second_synth(background_jobs) -> tuple[str, Path, object]:
    job = background_jobs("second_staging_synth")
    return job["kind"], job["out"], job["proc"]


def test_synth_is_deterministic_byte_for_byte(synth_dir, second_synth):
    """A second synth of the same commit (staging, as a sample) writes identical bytes."""
    _, out, proc = second_synth
    assert proc.returncode == 0, proc.stdout + proc.stderr
    again = sorted((out / "stacks").glob("*/cdk.tf.json"))
    assert len(again) > 20, "the staging synth wrote too few stacks"
    for path in again:
        first = synth_dir / "stacks" / path.parent.name / "cdk.tf.json"
        assert first.read_bytes() == path.read_bytes(), f"{path.parent.name} differs between two synths"


def test_one_environment_alone_writes_its_part_of_the_whole_plan(synth_dir, second_synth):
    """`python -m stacks synth` synthesizes environments in parallel processes and merges them
    (stacks/__main__.py); `make synth ENV=...` and the review's partial synth rely on the same
    property. It once failed: IAM resources were sorted as cdktf token strings, whose numbers count
    the tokens created before them, so staging's and prod's policies changed order with what the
    other environments created first. Staging synthesized alone (one process) against the
    session's synth of every environment (the stack files: the determinism test above), and its
    manifest members, which the parallel synth merges textually."""
    _, out, proc = second_synth
    assert proc.returncode == 0, proc.stdout + proc.stderr
    manifest = json.loads((synth_dir / "manifest.json").read_text())["stacks"]
    alone = json.loads((out / "manifest.json").read_text())["stacks"]
    assert alone and alone == {k: v for k, v in manifest.items() if k.startswith("staging-")}
    text = (synth_dir / "manifest.json").read_text()
    assert text.startswith('{\n  "stacks": {\n') and text.endswith('\n  },\n  "version": "0.21.0"\n}')


def test_logical_ids_carry_no_hash_suffix(synthesized):
    import re

    hashed = re.compile(r"_[0-9A-F]{8}$")
    offenders = [
        f"{sid}:{rtype}.{name}"
        for sid, doc in synthesized.items()
        for rtype, items in doc.get("resource", {}).items()
        for name in items
        if hashed.search(name)
    ]
    assert not offenders, offenders[:10]


@pytest.mark.skipif(not CDKTF_CLI.exists(), reason="run `make install-node` (make test does)")
def test_cdktf_cli_synth_writes_the_same_stacks(synth_dir, second_synth):
    """The real CLI (pinned cdktf-cli) runs main.py and writes the same files as `make synth`."""
    kind, out, proc = second_synth
    assert kind == "cli"
    assert proc.returncode == 0, proc.stdout + proc.stderr
    cli = sorted((out / "stacks").glob("*/cdk.tf.json"))
    assert cli and all(p.parent.name.startswith("staging-") for p in cli)
    for path in cli:
        ours = synth_dir / "stacks" / path.parent.name / "cdk.tf.json"
        assert ours.read_bytes() == path.read_bytes(), path.parent.name


def test_plan_does_not_depend_on_the_checkout_path(synth_dir):
    """No absolute path of this machine leaks into a plan (it would differ in every checkout)."""
    leaks = [
        p.parent.name
        for p in (synth_dir / "stacks").glob("*/cdk.tf.json")
        if str(REPO) in p.read_text() or str(synth_dir) in p.read_text()
    ]
    assert not leaks, leaks
