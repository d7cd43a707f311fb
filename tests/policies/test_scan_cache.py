"""The policy gate's scan cache (policies/scan_cache.py): findings come back only for the same bytes.

- the key moves with every input that decides a finding (stack bytes, stack folder, framework,
  check fingerprint), and a changed custom check changes the fingerprint;
- a gate run over real stacks the session already scanned reads every finding from the cache
  (no checkov process) and reports what the full scan reported for those stacks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "policies"))
from scan_cache import ScanCache, fingerprint

CHECKOV_PYTHON = REPO / ".venv-checkov" / "bin" / "python"
RECORDS = {"passed_checks": [{"check_id": "CKV_AWS_1", "resource": "resource.a", "file_line_range": [3, 9]}]}


def test_key_moves_with_bytes_folder_framework_and_fingerprint(tmp_path):
    cache = ScanCache(tmp_path, "f1")
    cache.put("terraform_json", "dev-global-edge", b'{"a": 1}', RECORDS)
    assert cache.get("terraform_json", "dev-global-edge", b'{"a": 1}') == RECORDS
    assert cache.get("terraform_json", "dev-global-edge", b'{"a": 2}') is None  # one byte changed
    assert cache.get("terraform_json", "prod-global-edge", b'{"a": 1}') is None  # stack id in the path
    assert cache.get("secrets", "dev-global-edge", b'{"a": 1}') is None
    assert ScanCache(tmp_path, "f2").get("terraform_json", "dev-global-edge", b'{"a": 1}') is None
    assert (cache.hits, cache.misses) == (1, 3)


def test_fingerprint_changes_when_a_check_file_changes(tmp_path):
    check = tmp_path / "ckv_mcai_1.py"
    check.write_text("PASSED = True\n")
    before = fingerprint(["3.3.30", "--compact"], [check])
    check.write_text("PASSED = False\n")
    assert fingerprint(["3.3.30", "--compact"], [check]) != before
    assert fingerprint(["3.3.31", "--compact"], [check]) != fingerprint(["3.3.30", "--compact"], [check])


def test_policy_cache_off_disables_it(monkeypatch, tmp_path):
    monkeypatch.setenv("POLICY_CACHE", "off")
    assert ScanCache.open(tmp_path, "f") is None
    monkeypatch.setenv("POLICY_CACHE", str(tmp_path / "elsewhere"))
    assert ScanCache.open(tmp_path, "f").folder == tmp_path / "elsewhere"


@pytest.fixture
def clean(policy_runs):
    if "clean_synth" not in policy_runs:
        pytest.skip("needs the clean gate run: collect tests/policies/test_synthesized_plan.py too")
    return policy_runs["clean_synth"]


@pytest.mark.skipif(not CHECKOV_PYTHON.exists(), reason="checkov venv missing: run `make install`")
@pytest.mark.skipif(os.environ.get("POLICY_CACHE", "").lower() == "off", reason="POLICY_CACHE=off")
def test_stacks_scanned_before_come_from_the_cache_with_the_same_findings(clean, synth_dir, tmp_path):
    """`clean` (the session's gate run over the whole synth, or `make gate`'s own policy run)
    filled the cache; three of its stacks gated again need no checkov and report the same."""
    assert clean["proc"].returncode == 0
    picked = ["prod-azure-westeurope-datalake", "prod-aws-us-east-1-cluster", "prod-global-edge"]
    for stack in picked:
        shutil.copytree(synth_dir / "stacks" / stack, tmp_path / "out" / "stacks" / stack)
    proc = subprocess.run(
        [str(CHECKOV_PYTHON), str(REPO / "policies" / "run.py"), "--out", str(tmp_path / "out"),
         "--json", str(tmp_path / "gate.json")],
        capture_output=True, text=True, cwd=REPO, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    again = json.loads((tmp_path / "gate.json").read_text())
    assert again["scan_cache"] == {"scanned_stacks": 0, "cached_stacks": 3}

    def findings(results: dict) -> list[tuple[str, str, str, int]]:
        return sorted(
            (r["check_id"], r["stack"], r["address"], r["line"])
            for r in results["failures"] + results["excepted"]
            if r["stack"] in picked
        )

    assert findings(again), "these stacks carry excepted findings; none came back"
    assert findings(again) == findings(clean["results"])


def test_the_gates_fingerprint_covers_every_frameworks_flags(monkeypatch, tmp_path):
    """A flag of either framework's command line (here terraform_json's --compact, which decides
    whether records carry code) changes the fingerprint, so old entries are never read back."""
    from tests.policies.test_policy_gate import gate

    monkeypatch.setenv("POLICY_CACHE", str(tmp_path))
    before = gate.scan_cache("3.3.30").fingerprint
    real = gate.checkov_command
    monkeypatch.setattr(
        gate, "checkov_command", lambda fw, out: [a for a in real(fw, out) if a != "--compact"]
    )
    assert gate.scan_cache("3.3.30").fingerprint != before
