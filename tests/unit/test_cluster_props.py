"""Pure translations behind the cluster stacks: environment model -> props, windows, CIDRs,
and the per-cloud validation of cluster settings. No jsii, no provider import."""

from __future__ import annotations

import copy
import subprocess
import sys
from ipaddress import IPv4Network

import pytest
import yaml

from constructs_lib.cidrs import split_vnet_cidr, split_vpc_cidr
from constructs_lib.maintenance import AKS_UPGRADE_CHANNELS, aks_weekly_window, gke_recurring_window
from stacks.cluster_props import default_zones, key_vault_name, node_service_account_id, pool_specs
from stacks.environments import ENV_DIR, load_environments
from stacks.validation import ParameterError, load_environment
from tests.conftest import REPO

ENVS = {e.name: e for e in load_environments()}


def test_cluster_props_and_translations_import_no_cdktf_or_provider():
    code = (
        "import sys, stacks.cluster_props, constructs_lib.specs, constructs_lib.maintenance, constructs_lib.cidrs;"
        "print(sorted(m for m in sys.modules if m.startswith(('cdktf', 'jsii'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------------------- pool specs


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_pool_specs_carry_every_pool_of_every_cluster(env_name):
    for cluster in ENVS[env_name].clusters:
        specs = {s.role: s for s in pool_specs(cluster)}
        assert set(specs) == {role for role, _ in cluster.node_pools.items()}
        gpu = specs["gpu"]
        assert gpu.accelerator is not None and gpu.accelerator.type == gpu.labels["accelerator"]
        assert ("nvidia.com/gpu", "present", "NoSchedule") in {(t.key, t.value, t.effect) for t in gpu.taints}
        assert specs["system"].fixed_size and not specs["system"].spot


def test_pool_specs_gpu_instance_types_per_cloud_default():
    # Clusters that keep the default (prod's europe-west1 and asia-east1 GKE pools take L4: issue #26).
    machines = {
        c.cloud: {s.role: s.instance_type for s in pool_specs(c)}["gpu"]
        for c in ENVS["prod"].clusters
        if c.name in ("aws-us-east-1", "gcp-us-central1", "azure-eastus")
    }
    assert machines == {"aws": "g5.12xlarge", "gcp": "a2-highgpu-1g", "azure": "Standard_NC24ads_A100_v4"}


def test_default_zones_three_per_cloud_except_gke_region_default():
    prod = ENVS["prod"]
    assert default_zones(prod.cluster("aws-eu-west-1")) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
    assert default_zones(prod.cluster("azure-eastus")) == ["1", "2", "3"]
    assert default_zones(prod.cluster("gcp-asia-east1")) == []


def test_names_fit_cloud_limits_key_vault_3_24_and_gcp_account_6_30():
    for env in ENVS.values():
        for cluster in env.clusters:
            assert 6 <= len(node_service_account_id(cluster)) <= 30
            if cluster.cloud == "azure":
                name = key_vault_name(env, cluster)
                assert 3 <= len(name) <= 24 and name[0].isalpha() and "--" not in name, name
    names = [key_vault_name(e, c) for e in ENVS.values() for c in e.clusters_of("azure")]
    assert len(names) == len(set(names)), "Key Vault names are global: no two clusters may share one"


# ---------------------------------------------------------------------------- maintenance


def test_gke_window_weekly_on_the_configured_day_and_hours():
    w = gke_recurring_window("Sunday", 3, 12)
    assert w == {
        "start_time": "2025-01-12T03:00:00Z",
        "end_time": "2025-01-12T15:00:00Z",
        "recurrence": "FREQ=WEEKLY;BYDAY=SU",
    }
    assert gke_recurring_window("Wednesday", 22, 12)["end_time"] == "2025-01-09T10:00:00Z"


def test_gke_window_refuses_less_than_48_hours_per_32_days():
    with pytest.raises(ValueError, match="48 h"):
        gke_recurring_window("Sunday", 3, 4)


def test_aks_window_weekly_and_channel_keeps_the_pinned_minor_by_default():
    assert aks_weekly_window("Sunday", 3, 12) == {
        "frequency": "Weekly",
        "interval": 1,
        "day_of_week": "Sunday",
        "start_time": "03:00",
        "utc_offset": "+00:00",
        "duration": 12,
    }
    assert AKS_UPGRADE_CHANNELS["stable"] == "patch"
    with pytest.raises(ValueError):
        aks_weekly_window("Sunday", 3, 2)


# ---------------------------------------------------------------------------- CIDRs


@pytest.mark.parametrize("cidr", ["10.10.0.0/16", "10.60.0.0/20"])
def test_vpc_split_three_private_three_public_disjoint_inside_the_vpc(cidr):
    private, public = split_vpc_cidr(cidr)
    nets = [IPv4Network(c) for c in private + public]
    assert len(private) == len(public) == 3
    assert all(n.subnet_of(IPv4Network(cidr)) for n in nets)
    assert all(not a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])
    assert all(IPv4Network(p).prefixlen <= 28 for p in public)  # AWS's smallest subnet


def test_vnet_split_gateway_subnet_is_the_last_27_and_apart_from_nodes():
    nodes, gateway = split_vnet_cidr("10.30.0.0/16")
    assert (nodes, gateway) == ("10.30.0.0/17", "10.30.255.224/27")


# ---------------------------------------------------------------------------- validation


def _write(tmp_path, mutate) -> str:
    data = yaml.safe_load((ENV_DIR / "dev.yaml").read_text())
    data = copy.deepcopy(data)
    mutate(data)
    path = tmp_path / "dev.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


def _problems(tmp_path, mutate) -> list[str]:
    with pytest.raises(ParameterError) as err:
        load_environment(_write(tmp_path, mutate))
    return [f"{p.path}: {p.message}" for p in err.value.problems]


def test_validation_gke_maintenance_window_under_12_hours(tmp_path):
    def m(d):
        d["clusters"][1]["maintenance"] = {"duration_hours": 4}

    (problem,) = _problems(tmp_path, m)
    assert "gcp-us-central1" in problem and "maintenance.duration_hours" in problem and "48 h" in problem


def test_validation_cloudwatch_retention_value(tmp_path):
    def m(d):
        d["clusters"][0]["security"] = {"audit_log_retention_days": 100}

    (problem,) = _problems(tmp_path, m)
    assert "aws-us-east-1" in problem and "audit_log_retention_days" in problem and "365" in problem


def test_validation_log_analytics_retention_range_and_aks_overlay_ranges(tmp_path):
    def m(d):
        d["clusters"][2]["security"] = {"audit_log_retention_days": 1000}
        d["clusters"][2]["network"] = {"cidr": "10.62.0.0/16"}

    problems = _problems(tmp_path, m)
    assert any("30 to 730" in p for p in problems)
    assert any("pods_cidr and services_cidr" in p for p in problems)


def test_validation_kms_rotation_minimums(tmp_path):
    def m(d):
        d["cluster_defaults"]["security"]["key_rotation_days"] = 5

    problems = _problems(tmp_path, m)
    assert any("aws-us-east-1" in p and "90 to 2560" in p for p in problems)
    assert any("azure-eastus" in p and "7 days" in p for p in problems)


def test_validation_accepts_the_shipped_environment_files():
    for name in ("dev", "staging", "prod"):
        assert load_environment(ENV_DIR / f"{name}.yaml").name == name


def test_pool_and_feature_changed_per_cluster_in_the_yaml_alone(tmp_path):
    """One cluster's GPU pool and maintenance day change in the file; nothing else moves."""
    from constructs_lib.specs import to_aks, to_eks

    def m(d):
        d["clusters"][0]["node_pools"] = {"gpu": {"max_size": 7, "instance_type": "p4d.24xlarge"}}
        d["clusters"][2]["maintenance"] = {"day": "Saturday"}

    env = load_environment(_write(tmp_path, m))
    aws, _, azure = env.clusters
    gpu = {s.role: s for s in pool_specs(aws)}["gpu"]
    assert to_eks(gpu)["scaling_config"]["max_size"] == 7
    assert to_eks(gpu)["instance_types"] == ["p4d.24xlarge"]
    assert azure.maintenance.day == "Saturday"
    assert {s.role: s for s in pool_specs(azure)}["gpu"].max_size == 2  # dev's cluster_defaults still apply
    assert to_aks({s.role: s for s in pool_specs(azure)}["gpu"])["max_count"] == 2
