"""Validation rules from the clouds' facts (issue #26): runner path, GPU capacity, erasure, routing.

Pure Python. Bad files are small edits of the shipped prod.yaml, so a test fails if its rule
stops firing.
"""

from __future__ import annotations

import pytest

from constructs_lib import storage_spec
from stacks.cross_cloud import peer_ranges, routed_peers
from stacks.environments import load_environments
from stacks.gpu_capacity import gpu_capacity_problems
from tests.unit.test_validation import base, find_cluster, problems_for


def test_refuses_deny_all_vaults_with_no_runner_path(tmp_path):
    data = base()
    del data["runner"]
    problems = problems_for(tmp_path, data)
    assert any(p.startswith("runner: ") and "ForbiddenByFirewall" in p for p in problems)


def test_an_aks_cluster_alone_needs_a_runner_path(tmp_path):
    """The AKS KMS vault denies every network too (issue #16): with no lake and no Vault, the
    runner still creates the etcd and disk keys through its data plane."""
    data = base()
    del data["runner"]
    data["data_lake"] = {**data.get("data_lake", {}), "enabled": False}
    data["vault"] = {**data["vault"], "enabled": False}
    problems = problems_for(tmp_path, data)
    assert any(p.startswith("runner: ") and "AKS KMS" in p for p in problems), problems


@pytest.mark.parametrize(
    "runner",
    [
        {"private_endpoints": True},
        {
            "azure_subnet_ids": [
                "/subscriptions/3f2b8c1e-7a4d-4e9b-9c2a-1d5e6f7a8b90/resourceGroups/ci/providers/"
                "Microsoft.Network/virtualNetworks/ci/subnets/runners"
            ]
        },
    ],
)
def test_a_subnet_or_private_endpoint_path_is_a_declared_path(tmp_path, runner):
    from stacks.validation import load_environment

    data = base()
    data["runner"] = runner
    path = tmp_path / "prod.yaml"
    import yaml

    path.write_text(yaml.safe_dump(data))
    assert load_environment(path).runner.declared


def test_refuses_a_private_runner_range_key_vault_ip_rules_cannot_match(tmp_path):
    """Key Vault IP rules admit public addresses only (Key Vault network security page)."""
    data = base()
    data["runner"] = {"ip_ranges": ["10.99.0.0/24"]}
    problems = problems_for(tmp_path, data)
    assert any(p.startswith("runner.ip_ranges[0]: 10.99.0.0/24 is not a public range") for p in problems)


def test_no_runner_needed_without_azure(tmp_path):
    from stacks.cloud_requirements import azure_key_vaults_deny_all

    env = load_environments("prod")[0]
    assert azure_key_vaults_deny_all(env)
    no_azure = env.model_copy(update={"clusters": env.clusters_of("aws") + env.clusters_of("gcp")})
    assert not azure_key_vaults_deny_all(no_azure)


def test_refuses_a_gpu_machine_the_region_does_not_offer_naming_alternatives(tmp_path):
    data = base()
    cluster = find_cluster(data, "gcp-europe-west1")
    cluster["node_pools"] = {"gpu": {"instance_type": "a2-highgpu-1g"}}
    problems = problems_for(tmp_path, data)
    (msg,) = [p for p in problems if "gcp-europe-west1" in p]
    assert msg.startswith("clusters[4 gcp-europe-west1].node_pools.gpu.instance_type: ")
    assert "does not offer a2-highgpu-1g in europe-west1" in msg
    assert "g2-standard-12" in msg and "europe-west4" in msg and "us-central1" in msg


def test_gpu_table_facts_per_cloud():
    """GCP GPU regions and zones page: A100 40 GB in us-central1 a/b/c/f and europe-west4 a/b,
    not in europe-west1; Azure NC A100 v4 in eastus and westeurope; AWS G5 in eu-west-1."""
    assert gpu_capacity_problems("gcp", "us-central1", "a2-highgpu-1g") == []
    assert gpu_capacity_problems("gcp", "europe-west1", "a2-highgpu-1g")
    assert gpu_capacity_problems("gcp", "europe-west4", "a2-highgpu-1g", ["europe-west4-a"]) == []
    (zone_msg,) = gpu_capacity_problems("gcp", "europe-west4", "a2-highgpu-1g", ["europe-west4-c"])
    assert "europe-west4-a, europe-west4-b" in zone_msg
    assert gpu_capacity_problems("azure", "westeurope", "Standard_NC24ads_A100_v4") == []
    assert gpu_capacity_problems("azure", "brazilsouth", "Standard_NC24ads_A100_v4")
    assert gpu_capacity_problems("aws", "eu-west-1", "g5.12xlarge") == []
    # A machine the table does not list is not refused (the table is not the whole catalogue).
    assert gpu_capacity_problems("aws", "eu-west-1", "g6.12xlarge") == []


def test_refuses_erasure_on_the_archive(tmp_path):
    data = base()
    data.setdefault("data_lake", {})["erasure_days"] = {"pii": 30, "archive": 30}
    problems = problems_for(tmp_path, data)
    assert any(p.startswith("data_lake.erasure_days.archive: ") for p in problems)


def test_erasure_plan_deletes_noncurrent_versions_and_drops_a_later_cold_move():
    plan = storage_spec.lifecycle_plan(storage_spec.TierSpec(noncurrent_cold_after_days=30), "aws")
    erased = storage_spec.erasure_plan(plan, "pii", 30)
    assert erased.noncurrent_expire_after_days == 30
    assert erased.noncurrent == ()  # S3 refuses a transition not earlier than the expiration
    longer = storage_spec.erasure_plan(plan, "pii", 120)
    assert longer.noncurrent == (storage_spec.Transition(30, "GLACIER"),)
    assert storage_spec.erasure_plan(plan, "training", None) is plan
    with pytest.raises(ValueError, match="compliance lock"):
        storage_spec.erasure_plan(plan, "archive", 30)


def test_routed_peers_follow_the_megaport_routers_and_the_vpn_links():
    prod = load_environments("prod")[0]
    peers = {k: sorted(c.name for c in v) for k, v in routed_peers(prod).items()}
    assert peers["gcp-us-central1"] == ["aws-us-east-1", "aws-us-west-2", "azure-eastus"]
    assert peers["gcp-asia-east1"] == []
    assert peers["aws-us-west-2"] == ["azure-eastus", "gcp-us-central1"]  # via the Direct Connect gateway
    dev = load_environments("dev")[0]
    # dev.yaml: a full VPN mesh between aws-us-east-1, gcp-us-central1, azure-eastus.
    assert peer_ranges(dev)["gcp-us-central1"] == ["10.60.0.0/16", "10.62.0.0/16"]
    assert peer_ranges(dev)["azure-eastus"] == [
        "10.192.0.0/14",
        "10.196.0.0/20",
        "10.60.0.0/16",
        "10.61.0.0/16",
    ]
