"""`make tf-validate` (policies/tf_validate.py): terraform init -backend=false + validate per stack,
providers only from a filesystem mirror.

This machine's mirror (/opt/tf-plugins) holds hashicorp/aws 5.100.0 only, while the stacks pin aws
6.25.0: every real stack is skipped, naming what is missing. To prove the validation itself runs, a
copy of the real prod AWS cluster stack is pinned to the mirror's aws version and stripped of the one
aws-6 argument 5.100 does not know (`aws_eks_cluster.deletion_protection`): it validates; the same
copy with an unknown argument fails. Those two terraform runs (init + validate, ~4 s of CPU each,
most of it the aws provider loading its schema) run in the background (tests/background.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.background import Context, background

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "policies" / "tf_validate.py"
MIRROR = Path("/opt/tf-plugins")
STACK = "prod-aws-us-east-1-cluster"

pytestmark = pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform is not installed")

sys.path.insert(0, str(SCRIPT.parent))
import tf_validate


def mirror_aws_version() -> str | None:
    versions = tf_validate.mirror_versions(MIRROR, "registry.terraform.io", "hashicorp", "aws")
    return versions[-1] if versions else None


def argv(out: Path, *extra: str) -> list[str]:
    return [sys.executable, str(SCRIPT), "--out", str(out), "--mirror", str(MIRROR), *extra]


def run(out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv(out, *extra), capture_output=True, text=True, timeout=600)


def copy_for_mirror(synth_dir: Path, tmp_path: Path, mutate=None) -> Path:
    version = mirror_aws_version()
    if version is None:
        pytest.skip(f"no hashicorp/aws in {MIRROR}")
    doc = json.loads((synth_dir / "stacks" / STACK / "cdk.tf.json").read_text())
    doc["terraform"]["required_providers"]["aws"]["version"] = version
    for cluster in doc["resource"]["aws_eks_cluster"].values():
        cluster.pop("deletion_protection", None)  # aws 6 only
    if mutate:
        mutate(doc)
    target = tmp_path / "out" / "stacks" / STACK / "cdk.tf.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(doc, indent=2))
    return tmp_path / "out"


def test_real_stacks_without_their_pinned_providers_are_skipped_by_name(synth_dir):
    proc = run(synth_dir, "--stack", STACK, "--stack", "prod-global-vault")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (
        f"SKIP  {STACK}: provider not in {MIRROR}: registry.terraform.io/hashicorp/aws 6.25.0" in proc.stdout
    )
    assert "hashicorp/vault 5.6.0 (mirror has: none)" in proc.stdout
    assert "0 valid, 0 failed, 2 skipped" in proc.stdout


@background("tf_validate_mirror_copy", needs_synth=True)
def _mirror_copy_job(ctx: Context) -> dict:
    if shutil.which("terraform") is None:
        return {"proc": None}
    return {"argv": argv(copy_for_mirror(ctx.synth(), ctx.tmp)), "timeout": 600}


def _invalid_argument(doc: dict) -> None:
    next(iter(doc["resource"]["aws_vpc"].values()))["no_such_argument"] = True


@background("tf_validate_invalid_copy", needs_synth=True)
def _invalid_copy_job(ctx: Context) -> dict:
    if shutil.which("terraform") is None:
        return {"proc": None}
    return {"argv": argv(copy_for_mirror(ctx.synth(), ctx.tmp, _invalid_argument)), "timeout": 600}


def test_a_stack_whose_provider_is_in_the_mirror_validates(background_jobs):
    proc = background_jobs("tf_validate_mirror_copy")["proc"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"OK    {STACK}" in proc.stdout and "1 valid, 0 failed, 0 skipped" in proc.stdout


def test_an_invalid_stack_fails_naming_the_argument(background_jobs):
    proc = background_jobs("tf_validate_invalid_copy")["proc"]
    assert proc.returncode == 1
    assert "no_such_argument" in proc.stdout and f"FAIL  {STACK}" in proc.stdout
