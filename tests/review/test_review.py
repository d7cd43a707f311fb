"""The review report on synthetic base/head output directories (pure Python, no jsii, fast)."""

from __future__ import annotations

import copy
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from review.cli import EXIT_ATTENTION, EXIT_ERROR, EXIT_OK, main
from review.diff import diff_plans
from review.plan import StackPlan, blocks_of
from review.risk import attention
from review.synth import synthesize

REPO_ROOT = Path(__file__).resolve().parents[2]
META = {"//": {"metadata": {"path": "app/stack/thing", "uniqueId": "thing"}}}

CLUSTER_STACK = "prod-aws-us-east-1-cluster"
DATALAKE_STACK = "prod-gcp-europe-west1-datalake"


# --- builders -----------------------------------------------------------------------------------


def aws_cluster_stack() -> dict[str, Any]:
    """A small prod EKS stack, shaped like cdktf writes it (single blocks are objects)."""
    return {
        "//": {"metadata": {"backend": "s3", "stackName": CLUSTER_STACK, "version": "0.21.0"}},
        "terraform": {"backend": {"s3": {"bucket": "tf-state", "key": f"{CLUSTER_STACK}.tfstate"}}},
        "provider": {
            "aws": [
                {"region": "us-east-1", "default_tags": [{"tags": {"env": "prod", "managed_by": "cdktf"}}]},
                {"alias": "euw1", "region": "eu-west-1"},
            ]
        },
        "resource": {
            "aws_eks_cluster": {
                "cluster": {
                    **META,
                    "name": "prod-use1",
                    "role_arn": "${aws_iam_role.cluster.arn}",
                    "vpc_config": {
                        "endpoint_private_access": True,
                        "endpoint_public_access": False,
                        "subnet_ids": ["subnet-a", "subnet-b"],
                    },
                    "encryption_config": {
                        "provider": {"key_arn": "${aws_kms_key.secrets.arn}"},
                        "resources": ["secrets"],
                    },
                    "tags": {"env": "prod", "owner": "platform", "jurisdiction": "us"},
                }
            },
            "aws_eks_node_group": {
                "gpu_pool": {
                    **META,
                    "cluster_name": "${aws_eks_cluster.cluster.name}",
                    "node_group_name": "gpu",
                    "instance_types": ["p4d.24xlarge"],
                    "scaling_config": {"min_size": 0, "max_size": 10, "desired_size": 0},
                    "taint": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}],
                    "tags": {"env": "prod", "owner": "platform"},
                },
                "system_pool": {
                    **META,
                    "cluster_name": "${aws_eks_cluster.cluster.name}",
                    "node_group_name": "system",
                    "instance_types": ["m6i.large"],
                    "scaling_config": {"min_size": 1, "max_size": 3, "desired_size": 1},
                },
            },
            "aws_s3_bucket": {
                "data_lake_pii": {
                    **META,
                    "bucket": "prod-use1-pii",
                    "tags": {"data_classification": "pii", "jurisdiction": "us", "owner": "data"},
                }
            },
        },
        "output": {"cluster_name": {"value": "${aws_eks_cluster.cluster.name}"}},
    }


def gcp_datalake_stack() -> dict[str, Any]:
    return {
        "provider": {"google": [{"project": "prod-data", "region": "europe-west1"}]},
        "resource": {
            "google_storage_bucket": {
                "data_lake_pii": {
                    **META,
                    "name": "prod-euw1-pii",
                    "location": "EUROPE-WEST1",
                    "force_destroy": False,
                    "labels": {"data_classification": "pii", "jurisdiction": "eu"},
                }
            },
            "google_container_node_pool": {
                "gpu_pool": {
                    **META,
                    "name": "gpu",
                    "cluster": "${google_container_cluster.cluster.id}",
                    "node_config": {"machine_type": "a2-highgpu-1g", "labels": {"accelerator": "a100"}},
                    "autoscaling": {"min_node_count": 0, "max_node_count": 4},
                }
            },
            "google_container_cluster": {
                "cluster": {
                    **META,
                    "name": "prod-euw1",
                    "location": "europe-west1",
                    "deletion_protection": True,
                    "private_cluster_config": {"enable_private_endpoint": True, "enable_private_nodes": True},
                    "database_encryption": {
                        "state": "ENCRYPTED",
                        "key_name": "${google_kms_crypto_key.gke.id}",
                    },
                }
            },
        },
    }


def write_out(root: Path, stacks: dict[str, dict[str, Any]]) -> Path:
    """Write a cdktf output directory: root/stacks/<id>/cdk.tf.json (+ a manifest, like cdktf)."""
    (root / "stacks").mkdir(parents=True, exist_ok=True)
    for stack_id, document in stacks.items():
        (root / "stacks" / stack_id).mkdir()
        (root / "stacks" / stack_id / "cdk.tf.json").write_text(json.dumps(document, indent=2))
    (root / "manifest.json").write_text(json.dumps({"stacks": sorted(stacks)}))
    return root


def res(doc: dict[str, Any], type_: str, name: str) -> dict[str, Any]:
    return doc["resource"][type_][name]


def run_review(tmp_path: Path, base: dict, head: dict, *extra: str) -> tuple[int, str]:
    base_dir = write_out(tmp_path / "base", base)
    head_dir = write_out(tmp_path / "head", head)
    out = tmp_path / "review.md"
    code = main(["--base-out", str(base_dir), "--head-out", str(head_dir), "--output", str(out), *extra])
    return code, out.read_text()


def attention_section(report: str) -> str:
    start = report.index("## Needs attention")
    end = report.find("\n## Environment", start)
    return report[start:] if end == -1 else report[start:end]


def changes_section(report: str) -> str:
    return report[report.index("\n## Environment") :]


def attention_for(base: dict[str, dict], head: dict[str, dict]):
    def plans(stacks):
        out = {}
        for stack_id, document in stacks.items():
            blocks, moved = blocks_of(document)
            out[stack_id] = StackPlan(stack_id, blocks, moved)
        return out

    return attention(diff_plans(plans(base), plans(head)))


@pytest.fixture
def base_stacks() -> dict[str, dict[str, Any]]:
    return {CLUSTER_STACK: aws_cluster_stack(), DATALAKE_STACK: gcp_datalake_stack()}


@pytest.fixture
def head_stacks(base_stacks) -> dict[str, dict[str, Any]]:
    return copy.deepcopy(base_stacks)


# --- the risks the issue names ---------------------------------------------------------------------


def test_removed_node_pool_needs_attention(tmp_path, base_stacks, head_stacks):
    del head_stacks[CLUSTER_STACK]["resource"]["aws_eks_node_group"]["gpu_pool"]

    code, report = run_review(tmp_path, base_stacks, head_stacks)

    assert code == EXIT_OK
    needs = attention_section(report)
    assert "`aws_eks_node_group.gpu_pool`" in needs
    assert "node pool removed" in needs
    assert "- `aws_eks_node_group.gpu_pool`" in changes_section(report)


def test_removed_gke_node_pool_and_bucket_and_key_need_attention(base_stacks, head_stacks):
    head_stacks[DATALAKE_STACK]["resource"].pop("google_container_node_pool")
    head_stacks[DATALAKE_STACK]["resource"].pop("google_storage_bucket")
    base_stacks[DATALAKE_STACK]["resource"]["google_kms_crypto_key"] = {
        "gke": {"name": "gke", "key_ring": "r"}
    }

    found = {(a.address, a.category) for a in attention_for(base_stacks, head_stacks)}

    assert ("google_container_node_pool.gpu_pool", "removed") in found
    assert ("google_storage_bucket.data_lake_pii", "removed") in found
    assert ("google_kms_crypto_key.gke", "removed") in found


def test_public_endpoint_opened_needs_attention(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["vpc_config"]["endpoint_public_access"] = (
        True
    )

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    needs = attention_section(report)
    assert "public access" in needs
    assert "`vpc_config.endpoint_public_access` false → true" in needs


def test_public_endpoint_opened_by_removing_the_explicit_false_needs_attention(base_stacks, head_stacks):
    # EKS defaults endpoint_public_access to true: dropping the explicit false opens it.
    del res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["vpc_config"]["endpoint_public_access"]

    items = attention_for(base_stacks, head_stacks)

    assert any(a.category == "public access" and "endpoint_public_access" in a.reason for a in items)


def test_open_cidr_in_authorized_networks_needs_attention(base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["vpc_config"]["public_access_cidrs"] = [
        "203.0.113.0/24",
        "0.0.0.0/0",
    ]
    res(head_stacks[DATALAKE_STACK], "google_container_cluster", "cluster")[
        "master_authorized_networks_config"
    ] = {"cidr_blocks": [{"cidr_block": "0.0.0.0/0", "display_name": "anyone"}]}

    items = [a for a in attention_for(base_stacks, head_stacks) if "open to the internet" in a.reason]

    assert {a.address for a in items} == {"aws_eks_cluster.cluster", "google_container_cluster.cluster"}


def test_private_cluster_turned_off_needs_attention(base_stacks, head_stacks):
    del res(head_stacks[DATALAKE_STACK], "google_container_cluster", "cluster")["private_cluster_config"]
    aks_base = {
        "resource": {"azurerm_kubernetes_cluster": {"aks": {"name": "aks", "private_cluster_enabled": True}}}
    }
    aks_head = copy.deepcopy(aks_base)
    aks_head["resource"]["azurerm_kubernetes_cluster"]["aks"]["private_cluster_enabled"] = False
    base_stacks["prod-azure-westeurope-cluster"] = aks_base
    head_stacks["prod-azure-westeurope-cluster"] = aks_head

    items = attention_for(base_stacks, head_stacks)

    public = {(a.address, a.reason.split(":")[0]) for a in items if a.category == "public access"}
    assert ("google_container_cluster.cluster", "private endpoint turned off") in public
    assert ("google_container_cluster.cluster", "private nodes turned off") in public
    assert ("azurerm_kubernetes_cluster.aks", "private cluster turned off") in public
    # private_cluster_enabled and enable_private_nodes also force a new cluster.
    assert {a.address for a in items if a.category == "replaced"} >= {
        "azurerm_kubernetes_cluster.aks",
        "google_container_cluster.cluster",
    }


def test_s3_public_access_block_flag_off_needs_attention(base_stacks, head_stacks):
    pab = {
        "bucket": "${aws_s3_bucket.data_lake_pii.id}",
        "block_public_acls": True,
        "block_public_policy": True,
        "ignore_public_acls": True,
        "restrict_public_buckets": True,
    }
    base_stacks[CLUSTER_STACK]["resource"]["aws_s3_bucket_public_access_block"] = {"pii": pab}
    head_stacks[CLUSTER_STACK]["resource"]["aws_s3_bucket_public_access_block"] = {
        "pii": {**pab, "block_public_policy": False}
    }

    items = attention_for(base_stacks, head_stacks)

    assert [a.reason for a in items if a.address == "aws_s3_bucket_public_access_block.pii"] == [
        "S3 public access block `block_public_policy` turned off: `block_public_policy` true → false"
    ]


def test_moving_pii_s3_bucket_to_another_region_provider_needs_attention(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_s3_bucket", "data_lake_pii")["provider"] = "aws.euw1"

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    needs = attention_section(report)
    assert "PII bucket moves" in needs
    assert '"us-east-1" → "eu-west-1"' in needs
    assert "aws.euw1" in needs


def test_moving_pii_s3_bucket_by_changing_its_providers_region_needs_attention(base_stacks, head_stacks):
    head_stacks[CLUSTER_STACK]["provider"]["aws"][0]["region"] = "eu-central-1"

    items = attention_for(base_stacks, head_stacks)

    pii = [a for a in items if a.address == "aws_s3_bucket.data_lake_pii"]
    assert len(pii) == 1 and '"us-east-1" → "eu-central-1"' in pii[0].reason
    assert any(a.address == "provider.aws" and "provider region changed" in a.reason for a in items)


def test_moving_pii_gcs_bucket_location_needs_attention(tmp_path, base_stacks, head_stacks):
    res(head_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")["location"] = "US-CENTRAL1"

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    needs = attention_section(report)
    assert "PII bucket moves" in needs and '"EUROPE-WEST1" → "US-CENTRAL1"' in needs
    assert "bucket replaced: `location` changed (forces replacement)" in needs


def test_location_change_of_a_non_pii_bucket_is_a_replacement_not_a_pii_move(base_stacks, head_stacks):
    bucket = res(base_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")
    bucket["labels"]["data_classification"] = "training"
    head_bucket = res(head_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")
    head_bucket["labels"]["data_classification"] = "training"
    head_bucket["location"] = "EU"

    reasons = [a.reason for a in attention_for(base_stacks, head_stacks)]

    assert not any("PII" in r for r in reasons)
    assert any(r.startswith("bucket replaced") for r in reasons)


def test_jurisdiction_tag_change_needs_attention(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_s3_bucket", "data_lake_pii")["tags"]["jurisdiction"] = "eu"

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    assert 'residency jurisdiction changed: `tags.jurisdiction` "us" → "eu"' in attention_section(report)


def test_residency_label_removed_and_provider_default_tag_change_need_attention(base_stacks, head_stacks):
    del res(head_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")["labels"][
        "data_classification"
    ]
    head_stacks[CLUSTER_STACK]["provider"]["aws"][0]["default_tags"][0]["tags"]["jurisdiction"] = "eu"
    base_stacks[CLUSTER_STACK]["provider"]["aws"][0]["default_tags"][0]["tags"]["jurisdiction"] = "us"

    residency = {
        a.address: a.reason for a in attention_for(base_stacks, head_stacks) if a.category == "residency"
    }

    assert residency["google_storage_bucket.data_lake_pii"].startswith(
        "residency data_classification removed"
    )
    assert residency["provider.aws"].startswith(
        "residency jurisdiction changed: `default_tags.0.tags.jurisdiction`"
    )


def test_deletion_protection_and_encryption_turned_off_need_attention(base_stacks, head_stacks):
    cluster = res(head_stacks[DATALAKE_STACK], "google_container_cluster", "cluster")
    cluster["deletion_protection"] = False
    cluster["database_encryption"]["state"] = "DECRYPTED"
    res(head_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")["force_destroy"] = True
    del res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["encryption_config"]

    found = {(a.address, a.category, a.reason.split(":")[0]) for a in attention_for(base_stacks, head_stacks)}

    assert (
        "google_container_cluster.cluster",
        "deletion protection",
        "deletion protection turned off",
    ) in found
    assert ("google_storage_bucket.data_lake_pii", "deletion protection", "force_destroy turned on") in found
    assert (
        "google_container_cluster.cluster",
        "encryption",
        "application-layer secrets encryption no longer ENCRYPTED",
    ) in found
    assert ("aws_eks_cluster.cluster", "encryption", "Kubernetes secrets encryption (KMS) removed") in found
    # EKS cannot turn envelope encryption off in place: the provider replaces the cluster.
    assert ("aws_eks_cluster.cluster", "replaced", "cluster replaced") in found


def test_prevent_destroy_dropped_needs_attention(base_stacks, head_stacks):
    res(base_stacks[CLUSTER_STACK], "aws_s3_bucket", "data_lake_pii")["lifecycle"] = {"prevent_destroy": True}

    items = attention_for(base_stacks, head_stacks)

    assert [(a.address, a.category) for a in items] == [
        ("aws_s3_bucket.data_lake_pii", "deletion protection")
    ]


def test_force_new_attribute_change_is_a_node_pool_replacement(base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_node_group", "gpu_pool")["instance_types"] = ["p5.48xlarge"]

    items = attention_for(base_stacks, head_stacks)

    assert [(a.address, a.category) for a in items] == [("aws_eks_node_group.gpu_pool", "replaced")]
    assert "`instance_types` changed (forces replacement)" in items[0].reason


def test_aks_default_node_pool_vm_size_change_cycles_the_pool(base_stacks, head_stacks):
    aks = {
        "resource": {
            "azurerm_kubernetes_cluster": {
                "aks": {
                    "name": "aks",
                    "private_cluster_enabled": True,
                    "default_node_pool": {"name": "system", "vm_size": "Standard_D4s_v5", "node_count": 3},
                }
            }
        }
    }
    base_stacks["prod-azure-westeurope-cluster"] = aks
    head = copy.deepcopy(aks)
    head["resource"]["azurerm_kubernetes_cluster"]["aks"]["default_node_pool"]["vm_size"] = "Standard_D8s_v5"
    head_stacks["prod-azure-westeurope-cluster"] = head

    items = attention_for(base_stacks, head_stacks)

    assert [a.reason.split(":")[0] for a in items] == ["node pool cycled"]
    assert "`default_node_pool.vm_size`" in items[0].reason


def test_renamed_node_pool_without_moved_block_is_a_replacement(base_stacks, head_stacks):
    pools = head_stacks[CLUSTER_STACK]["resource"]["aws_eks_node_group"]
    pools["gpu"] = pools.pop("gpu_pool")

    items = attention_for(base_stacks, head_stacks)

    assert [(a.address, a.category) for a in items] == [("aws_eks_node_group.gpu_pool", "replaced")]
    assert "`aws_eks_node_group.gpu`" in items[0].reason and "move_to" in items[0].reason


def test_renamed_node_pool_with_moved_block_is_a_move_not_a_risk(tmp_path, base_stacks, head_stacks):
    pools = head_stacks[CLUSTER_STACK]["resource"]["aws_eks_node_group"]
    pools["gpu"] = pools.pop("gpu_pool")
    head_stacks[CLUSTER_STACK]["moved"] = [
        {"from": "aws_eks_node_group.gpu_pool", "to": "aws_eks_node_group.gpu"}
    ]

    code, report = run_review(tmp_path, base_stacks, head_stacks, "--fail-on-attention")

    assert code == EXIT_OK
    assert "## Needs attention (0)" in report
    assert "- `aws_eks_node_group.gpu_pool` → `aws_eks_node_group.gpu`" in report


def test_new_public_cluster_needs_attention(base_stacks, head_stacks):
    head_stacks[CLUSTER_STACK]["resource"]["aws_eks_cluster"]["second"] = {
        "name": "prod-use1-b",
        "role_arn": "r",
        "vpc_config": {"subnet_ids": ["subnet-a"]},
    }

    items = attention_for(base_stacks, head_stacks)

    assert [(a.address, a.category) for a in items] == [("aws_eks_cluster.second", "public access")]
    assert "new cluster: public API endpoint opened" in items[0].reason


# --- innocuous changes, stacks, paths ------------------------------------------------------------


def test_innocuous_changes_are_listed_but_need_no_attention(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["tags"]["owner"] = "ml-platform"
    res(head_stacks[CLUSTER_STACK], "aws_eks_node_group", "gpu_pool")["scaling_config"]["max_size"] = 16

    code, report = run_review(tmp_path, base_stacks, head_stacks, "--fail-on-attention")

    assert code == EXIT_OK
    assert "## Needs attention (0)" in report
    changes = changes_section(report)
    assert '| `tags.owner` | `"platform"` | `"ml-platform"` |' in changes
    assert "| `scaling_config.max_size` | `10` | `16` |" in changes
    assert (
        "**Summary:** 2 stacks compared (1 changed) · resources: ~2 changed · **0 need attention**" in report
    )


def test_added_and_removed_stacks_are_listed(tmp_path, base_stacks, head_stacks):
    head_stacks.pop(DATALAKE_STACK)
    head_stacks["staging-global-edge"] = {"resource": {"cloudflare_load_balancer": {"lb": {"name": "api"}}}}

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    assert "- Stacks added: `staging-global-edge`" in report
    assert "- Stacks removed: `prod-gcp-europe-west1-datalake`" in report
    assert "### `staging-global-edge` — added" in report
    assert "1 resource: `cloudflare_load_balancer.lb`" in report
    needs = attention_section(report)
    assert "| state | `prod-gcp-europe-west1-datalake` | `(stack)` | stack removed" in needs
    # Removing a stack destroys nothing by itself: no per-resource "removed" items for it.
    assert "| removed |" not in needs
    assert report.index("## Environment `prod`") < report.index("## Environment `staging`")


def test_attribute_paths_are_dotted_json_paths(tmp_path, base_stacks, head_stacks):
    pool = res(head_stacks[DATALAKE_STACK], "google_container_node_pool", "gpu_pool")
    pool["node_config"]["labels"]["accelerator"] = "h100"
    eks_pool = res(head_stacks[CLUSTER_STACK], "aws_eks_node_group", "gpu_pool")
    eks_pool["taint"][0]["effect"] = "NO_EXECUTE"
    eks_pool["tags"]["kubernetes.io/role"] = "gpu"
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["vpc_config"]["subnet_ids"] = ["subnet-a"]

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    assert '| `node_config.labels.accelerator` | `"a100"` | `"h100"` |' in report
    assert '| `taint.0.effect` | `"NO_SCHEDULE"` | `"NO_EXECUTE"` |' in report
    assert '| `tags["kubernetes.io/role"]` | *(absent)* | `"gpu"` |' in report
    assert '| `vpc_config.subnet_ids` | `["subnet-a", "subnet-b"]` | `["subnet-a"]` |' in report


def test_cdktf_metadata_changes_are_ignored(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["//"] = {
        "metadata": {"path": "moved/elsewhere"}
    }
    head_stacks[CLUSTER_STACK]["//"]["metadata"]["version"] = "0.21.1"

    code, report = run_review(tmp_path, base_stacks, head_stacks)

    assert code == EXIT_OK
    assert "No differences between the synthesized plans." in report
    body = report[report.index("**Summary:**") :]
    assert '"//"' not in body and "metadata" not in body


def test_long_values_are_truncated_and_secrets_masked(tmp_path, base_stacks, head_stacks):
    cluster = res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")
    cluster["tags"]["description"] = "x" * 500
    head_stacks[CLUSTER_STACK]["resource"]["random_password"] = {"admin": {"override_special": "|`secret`|"}}
    base_stacks[CLUSTER_STACK]["resource"]["random_password"] = {"admin": {"override_special": "old"}}

    _, report = run_review(tmp_path, base_stacks, head_stacks)

    line = next(row for row in report.splitlines() if row.startswith("| `tags.description`"))
    assert "x" * 70 in line and "x" * 100 not in line and "…" in line
    # override_special is not secret-named: shown, with the pipe and backticks escaped for the table.
    assert '| `override_special` | `"old"` | ``"\\|`secret`\\|"`` |' in report


def test_report_is_deterministic(tmp_path, base_stacks, head_stacks):
    res(head_stacks[CLUSTER_STACK], "aws_eks_cluster", "cluster")["vpc_config"]["endpoint_public_access"] = (
        True
    )
    del head_stacks[CLUSTER_STACK]["resource"]["aws_eks_node_group"]["gpu_pool"]
    res(head_stacks[DATALAKE_STACK], "google_storage_bucket", "data_lake_pii")["location"] = "US"
    # Same content, different key order on disk.
    shuffled = {k: dict(reversed(list(v.items()))) for k, v in reversed(list(head_stacks.items()))}

    _, first = run_review(tmp_path / "one", base_stacks, head_stacks)
    _, second = run_review(tmp_path / "two", base_stacks, shuffled)

    assert first.replace("/one/", "/x/") == second.replace("/two/", "/x/")


# --- command line ----------------------------------------------------------------------------------


def test_fail_on_attention_exits_1_only_when_something_needs_attention(tmp_path, base_stacks, head_stacks):
    del head_stacks[CLUSTER_STACK]["resource"]["aws_eks_node_group"]["gpu_pool"]

    with_flag, _ = run_review(tmp_path / "flag", base_stacks, head_stacks, "--fail-on-attention")
    without_flag, _ = run_review(tmp_path / "plain", base_stacks, head_stacks)
    nothing_risky, _ = run_review(tmp_path / "same", base_stacks, base_stacks, "--fail-on-attention")

    assert (with_flag, without_flag, nothing_risky) == (EXIT_ATTENTION, EXIT_OK, EXIT_OK)


def test_report_goes_to_stdout_and_output_file(tmp_path, base_stacks, head_stacks, capsys):
    _, written = run_review(tmp_path, base_stacks, head_stacks)

    assert capsys.readouterr().out == written
    assert written.startswith("<!-- cdktf-plan-review -->\n# Synthesized plan review\n")


def test_wrong_output_directory_is_an_error(tmp_path, capsys):
    write_out(tmp_path / "base", {})

    code = main(["--base-out", str(tmp_path / "base"), "--head-out", str(tmp_path / "nope"), "--output", "-"])

    assert code == EXIT_ERROR
    assert "not a cdktf output directory" in capsys.readouterr().err


def test_python_dash_m_review_runs_without_jsii(tmp_path, base_stacks):
    base_dir = write_out(tmp_path / "base", base_stacks)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "review",
            "--base-out",
            str(base_dir),
            "--head-out",
            str(base_dir),
            "--output",
            "-",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.returncode == EXIT_OK, result.stderr
    assert "No differences" in result.stdout
    assert "jsii" not in result.stderr and "cdktf" not in result.stderr.replace("cdktf-plan-review", "")


FAKE_SYNTH = '''\
"""Stands in for `python -m stacks synth`: writes plan.json as one stack."""
import json, pathlib, shutil
out = pathlib.Path("cdktf.out")
(out / "stacks" / "dev-global-edge").mkdir(parents=True)
(out / "stacks" / "dev-global-edge" / "cdk.tf.json").write_text(pathlib.Path("plan.json").read_text())
'''


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        check=True,
        capture_output=True,
    )


def test_base_ref_is_synthesized_in_a_temporary_worktree_that_is_removed(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "fake_synth.py").write_text(FAKE_SYNTH)
    (repo / ".gitignore").write_text("cdktf.out/\n")
    plan = {"resource": {"aws_eks_node_group": {"gpu_pool": {"node_group_name": "gpu"}}}}
    (repo / "plan.json").write_text(json.dumps(plan))
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "plan.json").write_text(json.dumps({"resource": {}}))  # uncommitted: the head
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
            "--fail-on-attention",
        ]
    )

    report = (tmp_path / "review.md").read_text()
    assert code == EXIT_ATTENTION
    assert "node pool removed" in attention_section(report)
    assert "Head: `working tree`" in report and "Base: `HEAD (" in report
    worktrees = subprocess.run(
        ["git", "-C", str(repo), "worktree", "list"], capture_output=True, text=True
    ).stdout
    assert len(worktrees.strip().splitlines()) == 1
    assert list(temp_root.iterdir()) == []


def test_base_ref_that_cannot_be_synthesized_fails_unless_allowed(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "README.md").write_text("before the app\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "no app yet")
    (repo / "fake_synth.py").write_text(FAKE_SYNTH)
    (repo / "plan.json").write_text(json.dumps({"resource": {"random_id": {"x": {"byte_length": 4}}}}))
    common = [
        "--base",
        "HEAD",
        "--repo",
        str(repo),
        "--synth-cmd",
        f"{sys.executable} fake_synth.py",
        "--output",
        str(tmp_path / "review.md"),
    ]

    assert main(common) == EXIT_ERROR
    assert main([*common, "--base-missing-ok"]) == EXIT_OK
    assert "Stacks added: `dev-global-edge`" in (tmp_path / "review.md").read_text()


def test_synthesis_replaces_a_stale_output_but_never_deletes_the_tree(tmp_path):
    tree = tmp_path / "tree"
    write_out(tree / "cdktf.out", {"dev-global-stale": {}})
    (tree / "stacks").mkdir()
    (tree / "stacks" / "app.py").write_text("# the app, not an output\n")
    write_new = (
        f"{sys.executable} -c \"import pathlib; pathlib.Path('cdktf.out/stacks').mkdir(parents=True)\""
    )

    out = synthesize(tree, shlex.split(write_new), "cdktf.out")
    synthesize(tree, [sys.executable, "-c", "pass"], ".")

    assert list((out / "stacks").iterdir()) == []  # the stale stack is gone
    assert (tree / "stacks" / "app.py").is_file()


def test_snapshot_directory_reads_as_the_approved_plan(tmp_path):
    """`make review` compares cdktf.out with the committed snapshots (<stack-id>.json files)."""
    import json as _json

    from review.plan import load_output_dir

    snap = tmp_path / "snapshots"
    snap.mkdir()
    doc = {"resource": {"aws_s3_bucket": {"pii": {"bucket": "b", "tags": {"data_classification": "pii"}}}}}
    (snap / "prod-aws-us-east-1-datalake.json").write_text(_json.dumps(doc))
    plans = load_output_dir(snap)
    assert list(plans) == ["prod-aws-us-east-1-datalake"]
    assert "aws_s3_bucket.pii" in plans["prod-aws-us-east-1-datalake"].blocks
