"""The policy gate on the real synthesized plan (the session's one synth).

- a clean synth of every environment passes `make policy` (built-ins included, exceptions applied);
- each residency violation, introduced into a copy of the real output, fails the gate naming the
  check and the resource (one checkov run over the mutated copy).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "policies" / "run.py"
CHECKOV_PYTHON = REPO / ".venv-checkov" / "bin" / "python"

pytestmark = pytest.mark.skipif(
    not CHECKOV_PYTHON.exists(), reason="checkov venv missing: run `make install`"
)


def gate(out: Path, results: Path) -> tuple[subprocess.CompletedProcess, dict]:
    proc = subprocess.run(
        [str(CHECKOV_PYTHON), str(RUN), "--out", str(out), "--json", str(results)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return proc, (json.loads(results.read_text()) if results.exists() else {})


def test_clean_synth_passes_the_policy_gate(synth_dir, tmp_path):
    proc, results = gate(synth_dir, tmp_path / "policy.json")
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


@pytest.fixture(scope="module")
def violations(synth_dir, tmp_path_factory):
    """Copy the real output, plant one violation per rule, run the gate once."""
    out = tmp_path_factory.mktemp("violations") / "cdktf.out"
    shutil.copytree(synth_dir, out)
    planted: list[tuple[str, str, str]] = []

    def edit(stack_id: str, change) -> None:
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

    # 8. the US ECR registry replicates images to Europe
    def ecr_to_eu(doc):
        (name,) = doc["resource"]["aws_ecr_replication_configuration"]
        rule = doc["resource"]["aws_ecr_replication_configuration"][name]["replication_configuration"][
            "rule"
        ][0]
        rule["destination"].append({"region": "eu-west-1", "registry_id": "123456789012"})
        planted.append(
            ("CKV_MCAI_6", "prod-aws-us-east-1-registry", f"aws_ecr_replication_configuration.{name}")
        )

    edit("prod-aws-us-east-1-registry", ecr_to_eu)

    # 9. the EU ACR geo-replicated to the US
    def acr_to_us(doc):
        (name,) = doc["resource"]["azurerm_container_registry"]
        doc["resource"]["azurerm_container_registry"][name]["georeplications"] = [{"location": "eastus"}]
        planted.append(("CKV_MCAI_6", "prod-azure-westeurope-registry", f"azurerm_container_registry.{name}"))

    edit("prod-azure-westeurope-registry", acr_to_us)

    # 10. the EU Artifact Registry repository moved to a US region
    def ar_to_us(doc):
        (name,) = doc["resource"]["google_artifact_registry_repository"]
        doc["resource"]["google_artifact_registry_repository"][name]["location"] = "us-central1"
        planted.append(
            ("CKV_MCAI_6", "prod-gcp-europe-west1-registry", f"google_artifact_registry_repository.{name}")
        )

    edit("prod-gcp-europe-west1-registry", ar_to_us)

    proc, results = gate(out, out.parent / "policy.json")
    return {"proc": proc, "results": results, "planted": planted}


def test_every_planted_residency_violation_fails_the_gate_by_name(violations):
    assert violations["proc"].returncode == 1, violations["proc"].stderr[-2000:]
    failed = {(f["check_id"], f["stack"], f["address"]) for f in violations["results"]["failures"]}
    missing = [p for p in violations["planted"] if p not in failed]
    assert not missing, f"not reported: {missing}"
    # nothing else of the registries fails: each planted registry violation is the only finding
    registry = {a for c, st, a in violations["planted"] if c == "CKV_MCAI_6"}
    others = {f["address"] for f in violations["results"]["failures"] if f["check_id"] == "CKV_MCAI_6"}
    assert others == registry
    assert len(violations["planted"]) == 10
