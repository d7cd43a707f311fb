"""The policy gate on the real synthesized plan (the session's one synth).

- a clean synth of every environment passes `make policy` (built-ins included, exceptions applied);
- each residency violation, introduced into a copy of the real output, fails the gate naming the
  check and the resource (one gate run over the mutated copy).

Both gate runs share the session's one checkov process (tests/policies/gate_runs.py).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.policies.gate_runs import gate_run

REPO = Path(__file__).resolve().parents[2]
CHECKOV_PYTHON = REPO / ".venv-checkov" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not CHECKOV_PYTHON.exists(), reason="checkov venv missing: run `make install`"
)


@gate_run("clean_synth")
def _clean_synth_run(tmp: Path, request) -> dict:
    synth_dir = request.getfixturevalue("synth_dir")
    # `make gate`: `make policy` has just gated this very synth (MCAI_SYNTH_DIR); read its results.
    if (given := os.environ.get("MCAI_POLICY_JSON")) and os.environ.get("MCAI_SYNTH_DIR"):
        path = Path(given)
        fresh = path.is_file() and path.stat().st_mtime >= (synth_dir / "manifest.json").stat().st_mtime
        if fresh and Path(json.loads(path.read_text())["out"]).resolve() == synth_dir.resolve():
            return {"reused": str(path)}
    return {"argv": ["--out", str(synth_dir)]}


def test_clean_synth_passes_the_policy_gate(policy_runs):
    proc, results = policy_runs["clean_synth"]["proc"], policy_runs["clean_synth"]["results"]
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
    assert results.get("check_counts"), "the gate reported no checks at all"


def _stack(out: Path, stack_id: str) -> tuple[Path, dict]:
    path = out / "stacks" / stack_id / "cdk.tf.json"
    return path, json.loads(path.read_text())


def _tagged(doc: dict, rtype: str, classification: str) -> str:
    for name, conf in doc.get("resource", {}).get(rtype, {}).items():
        labels = conf.get("tags") or conf.get("labels") or {}
        if labels.get("data_classification") == classification:
            return name
    raise AssertionError(f"no {rtype} classified {classification}")


@gate_run("violations")
def _violations_run(tmp: Path, request) -> dict:
    """Copy the stacks to change out of the real output, plant one violation per rule; the gate
    runs once over the copies (the stacks that changed, as a pull request's gate would)."""
    synth_dir = request.getfixturevalue("synth_dir")
    out = tmp / "cdktf.out"
    planted: list[tuple[str, str, str]] = []

    def edit(stack_id: str, change) -> None:
        if not (out / "stacks" / stack_id).exists():
            shutil.copytree(synth_dir / "stacks" / stack_id, out / "stacks" / stack_id)
        path, doc = _stack(out, stack_id)
        change(doc)
        path.write_text(json.dumps(doc, indent=2))

    # 1. a PII bucket moved out of its jurisdiction (S3, by the resource's region argument)
    def move_pii_s3(doc):
        name = _tagged(doc, "aws_s3_bucket", "pii")
        doc["resource"]["aws_s3_bucket"][name]["region"] = "us-east-1"
        planted.append(("CKV_MCAI_2", "prod-aws-eu-west-1-datalake", f"aws_s3_bucket.{name}"))

    edit("prod-aws-eu-west-1-datalake", move_pii_s3)

    # 2. a PII bucket replicated (S3 replication configuration from it)
    def replicate_pii(doc):
        name = _tagged(doc, "aws_s3_bucket", "pii")
        doc["resource"].setdefault("aws_s3_bucket_replication_configuration", {})["pii_leak"] = {
            "bucket": f"${{aws_s3_bucket.{name}.id}}",
            "role": "arn:aws:iam::123456789012:role/replication",
            "rule": [{"id": "all", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::elsewhere"}}],
        }
        planted.append(
            ("CKV_MCAI_3", "prod-aws-us-east-1-datalake", "aws_s3_bucket_replication_configuration.pii_leak")
        )

    edit("prod-aws-us-east-1-datalake", replicate_pii)

    # 3. a PII GCS bucket made multi-region
    def multiregion_pii(doc):
        name = _tagged(doc, "google_storage_bucket", "pii")
        doc["resource"]["google_storage_bucket"][name]["location"] = "EU"
        planted.append(("CKV_MCAI_3", "prod-gcp-europe-west1-datalake", f"google_storage_bucket.{name}"))

    edit("prod-gcp-europe-west1-datalake", multiregion_pii)

    # 4. a PII storage account made geo-redundant
    def grs_pii(doc):
        name = _tagged(doc, "azurerm_storage_account", "pii")
        doc["resource"]["azurerm_storage_account"][name]["account_replication_type"] = "GRS"
        planted.append(("CKV_MCAI_3", "prod-azure-westeurope-datalake", f"azurerm_storage_account.{name}"))

    edit("prod-azure-westeurope-datalake", grs_pii)

    # 5. models-gdpr outside the EU
    def gdpr_to_us(doc):
        name = _tagged(doc, "google_storage_bucket", "models-gdpr")
        doc["resource"]["google_storage_bucket"][name]["location"] = "US-CENTRAL1"
        planted.append(("CKV_MCAI_4", "prod-gcp-europe-west1-datalake", f"google_storage_bucket.{name}"))

    edit("prod-gcp-europe-west1-datalake", gdpr_to_us)

    # 6. a storage resource without its classification tag
    def untag(doc):
        name = _tagged(doc, "aws_s3_bucket", "training")
        del doc["resource"]["aws_s3_bucket"][name]["tags"]["data_classification"]
        planted.append(("CKV_MCAI_1", "prod-aws-us-west-2-datalake", f"aws_s3_bucket.{name}"))

    edit("prod-aws-us-west-2-datalake", untag)

    # 7. the EU hostname falls back to a US pool
    def eu_lb_to_us(doc):
        lbs = doc["resource"]["cloudflare_load_balancer"]
        eu = next(n for n, c in lbs.items() if "jurisdiction=eu" in (c.get("description") or ""))
        pools = doc["resource"]["cloudflare_load_balancer_pool"]
        us_pool = next(n for n, c in pools.items() if c["name"] == "prod-aws-us-east-1")
        lbs[eu]["fallback_pool"] = f"${{cloudflare_load_balancer_pool.{us_pool}.id}}"
        planted.append(("CKV_MCAI_5", "prod-global-edge", f"cloudflare_load_balancer.{eu}"))

    edit("prod-global-edge", eu_lb_to_us)

    return {"argv": ["--out", str(out)], "planted": planted}


@pytest.fixture(scope="module")
def violations(policy_runs):
    return policy_runs["violations"]


def test_every_planted_residency_violation_fails_the_gate_by_name(violations):
    assert violations["proc"].returncode == 1, violations["proc"].stderr[-2000:]
    failed = {(f["check_id"], f["stack"], f["address"]) for f in violations["results"]["failures"]}
    missing = [p for p in violations["planted"] if p not in failed]
    assert not missing, f"not reported: {missing}"
    assert len(violations["planted"]) == 7
