"""Capacity against the design document (../shared/design/architecture-002, "Instance Type Strategy",
"Cost Optimization", "Security"): the expected values are literals copied from the design.
"""

from __future__ import annotations

import pytest

from tests.conftest import resources

# Design, "Instance Type Strategy", row "Training".
DESIGN_TRAINING = {"aws": "p4d.24xlarge", "gcp": "a2-ultragpu-8g", "azure": "Standard_NC96ads_A100_v4"}


def test_training_pool_on_design_training_machine_where_design_places_training(synthesized):
    """Design, "Total Clusters": GCP us-central1 (training workloads)."""
    pools = resources(synthesized["prod-gcp-us-central1-cluster"], "google_container_node_pool")
    training = pools["gke_training_pool"]
    assert training["node_config"]["machine_type"] == DESIGN_TRAINING["gcp"]
    assert training["node_config"]["guest_accelerator"][0]["type"] == "nvidia-a100-80gb"
    assert training["node_config"]["guest_accelerator"][0]["count"] == 8
    assert {"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"} in training["node_config"][
        "taint"
    ]
    assert training["autoscaling"]["total_min_node_count"] == 0


def test_aws_us_west_2_has_spot_batch_pool(synthesized):
    """Design, "Workload Placement": Batch Processing -> AWS Spot."""
    groups = resources(synthesized["prod-aws-us-west-2-cluster"], "aws_eks_node_group")
    assert groups["eks_batch_pool"]["capacity_type"] == "SPOT"
    assert groups["eks_batch_pool"]["scaling_config"]["min_size"] == 0


def _min_sizes(stack: dict) -> dict[str, int]:
    out = {}
    for node_group in resources(stack, "aws_eks_node_group").values():
        out[node_group["node_group_name"]] = node_group["scaling_config"]["min_size"]
    for pool in resources(stack, "google_container_node_pool").values():
        out[pool["name"]] = pool["autoscaling"]["total_min_node_count"]
    for pool in resources(stack, "azurerm_kubernetes_cluster_node_pool").values():
        out[pool["name"]] = pool["min_count"]
    return out


@pytest.mark.parametrize("env_name", ["dev", "staging"])
def test_dev_and_staging_workload_and_gpu_pools_scale_to_zero(synthesized, env_name):
    """Design, "Cost Optimization": "Scale to zero for dev/staging" (system pools stay: AKS and
    the add-ons need them)."""
    stacks = [s for s in synthesized if s.startswith(f"{env_name}-") and s.endswith("-cluster")]
    assert stacks
    for sid in stacks:
        sizes = _min_sizes(synthesized[sid])
        assert sizes.get("workload") == 0, (sid, sizes)
        assert sizes.get("gpu") == 0, (sid, sizes)


def test_aws_unseal_key_rotates_every_90_days(synthesized):
    """Design, "Security": "Key Rotation: Automatic every 90 days"."""
    keys = resources(synthesized["prod-global-vault"], "aws_kms_key")
    unseal = [k for k in keys.values() if k.get("enable_key_rotation")]
    assert unseal
    assert {k["rotation_period_in_days"] for k in unseal} == {90}
