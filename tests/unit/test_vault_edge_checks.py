"""Issue 27 validation and plans, pure Python (no jsii): Vault edition, TTLs, policies, the path
from Vault to each API server, and the edge's promises. Expected values are literals from the
providers' source / product docs cited per test, never recomputed by the code under test."""

from __future__ import annotations

import pytest
import yaml

from stacks.edge_checks import failure_detection_seconds
from stacks.environments import ENV_DIR
from stacks.params import Environment, VaultRole
from stacks.residency import load_residency
from stacks.routing import plan_edge
from stacks.validation import check_environment
from stacks.vault_plan import engine_clouds
from stacks.vault_policies import EngineMounts, role_policy_paths
from stacks.vault_reach import api_sources, plan_reach

RESIDENCY = load_residency()


def _raw(name: str) -> dict:
    return yaml.safe_load((ENV_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _problems(data: dict) -> dict[str, str]:
    env = Environment.model_validate(data)
    return {p.path: p.message for p in check_environment(env, RESIDENCY)}


# ---- Vault edition ---------------------------------------------------------------------------


def test_edition_is_required():
    data = _raw("prod")
    del data["vault"]["edition"]
    with pytest.raises(Exception, match="edition"):
        Environment.model_validate(data)


@pytest.mark.parametrize(("version", "refused"), [("1.15", True), ("1.16", True), ("1.17", False)])
def test_enterprise_below_1_17_is_refused_when_gcp_or_azure_is_used(version, refused):
    """resource_gcp/azure_secret_backend.go (v5.6.0): identity_token_* only for Enterprise >= 1.17."""
    data = _raw("prod")
    data["vault"]["min_version"] = version
    assert ("vault.min_version" in _problems(data)) is refused


def test_community_refuses_data_access_on_clouds_without_an_engine():
    data = _raw("prod")  # home: aws-us-east-1
    data["vault"]["edition"] = "community"
    problems = _problems(data)
    message = problems["vault.roles[0 data-scientist].data_clouds"]
    assert "cannot issue" in message and "vault.edition: enterprise" in message and "['aws']" in message


def test_community_accepts_data_access_limited_to_the_engine_cloud():
    from stacks.params import Vault

    data = _raw("prod")
    data["vault"]["edition"] = "community"
    roles = [r.model_dump(mode="json") for r in Vault.model_fields["roles"].default_factory()]
    for r in roles:
        r["data_clouds"] = ["aws"]
    data["vault"]["roles"] = roles
    assert not any(p.endswith(".data_clouds") for p in _problems(data))


def test_community_engine_only_on_the_home_cloud():
    data = _raw("prod")
    data["vault"]["edition"] = "community"
    data["vault"]["servers"] = {"home_cluster": "gcp-us-central1"}
    assert engine_clouds(Environment.model_validate(data)) == ("gcp",)
    data["vault"]["edition"] = "enterprise"
    assert engine_clouds(Environment.model_validate(data)) == ("aws", "gcp", "azure")


def test_aws_max_sts_ttl_above_one_hour_is_refused():
    """AWS IAM user guide, role chaining: sessions are limited to 1 hour."""
    data = _raw("prod")
    data["vault"]["aws_max_sts_ttl_seconds"] = 14400
    assert "1 hour" in _problems(data)["vault.aws_max_sts_ttl_seconds"]


def test_gcp_token_ttl_above_one_hour_is_refused():
    data = _raw("prod")
    data["vault"]["gcp_token_ttl_seconds"] = 7200
    assert "vault.gcp_token_ttl_seconds" in _problems(data)


# ---- Policies ----------------------------------------------------------------------------------


def test_policy_moves_list_to_metadata_and_adds_engine_and_pki_paths():
    role = VaultRole(
        name="reader",
        vault_paths={"kv/data/app/*": ("read", "list"), "sys/health": ("read",)},
        data_access={"training": "read"},
    )
    mounts = EngineMounts(
        kv="kv",
        pki_issue_path="pki_int/issue/service-mtls",
        credential_paths={
            "aws": {"reader": "aws/sts/reader"},
            "gcp": {"other": "gcp/impersonated-account/other/token"},
        },
    )
    assert role_policy_paths(role, mounts) == {
        "aws/sts/reader": ("read", "update"),
        "kv/data/app/*": ("read",),
        "kv/metadata/app/": ("list",),
        "kv/metadata/app/*": ("list",),
        "pki_int/issue/service-mtls": ("update",),
        "sys/health": ("read",),
    }


def test_role_without_pki_issue_gets_no_pki_path():
    role = VaultRole(name="batch", vault_paths={"kv/data/x": ("read",)}, pki_issue=False)
    assert "pki_int/issue/service-mtls" not in role_policy_paths(
        role, EngineMounts(kv="kv", pki_issue_path="pki_int/issue/service-mtls")
    )


# ---- Vault -> API servers -------------------------------------------------------------------


def test_prod_reach_plan_names_every_cluster_and_its_gaps():
    """prod: Vault's home is aws-us-east-1 (first cluster); mcr-us-red (and -blue) join it to gcp-us-central1 and
    azure-eastus; nothing in this repository joins it to the other five clusters."""
    env = Environment.model_validate(_raw("prod"))
    reach = {r.cluster: r for r in plan_reach(env)}
    assert len(reach) == 8
    assert reach["aws-us-east-1"].home
    assert reach["gcp-us-central1"].network == "Megaport Cloud Router mcr-us-red"
    assert reach["azure-eastus"].network == "Megaport Cloud Router mcr-us-red"
    assert sorted(c for c, r in reach.items() if r.network is None) == [
        "aws-eu-west-1",
        "aws-us-west-2",
        "azure-westeurope",
        "gcp-asia-east1",
        "gcp-europe-west1",
    ]
    assert reach["gcp-europe-west1"].dns.startswith("none needed")
    assert "privatelink.westeurope.azmk8s.io" in reach["azure-westeurope"].dns
    assert "Route 53 Resolver inbound endpoint" in reach["aws-eu-west-1"].dns


def test_vault_sources_default_to_the_home_cluster_ranges_and_follow_the_parameter():
    data = _raw("prod")
    assert api_sources(Environment.model_validate(data)) == ("10.10.0.0/16",)
    data["vault"]["servers"] = {"source_cidrs": ["10.10.8.0/24"]}
    assert api_sources(Environment.model_validate(data)) == ("10.10.8.0/24",)


def test_dev_vpn_mesh_reaches_every_other_cloud():
    env = Environment.model_validate(_raw("dev"))
    reach = {r.cluster: r.network for r in plan_reach(env)}
    assert reach == {
        "aws-us-east-1": "inside aws-us-east-1's network",
        "gcp-us-central1": "VPN link aws-us-east-1 <-> gcp-us-central1",
        "azure-eastus": "VPN link aws-us-east-1 <-> azure-eastus",
    }


def test_unknown_home_cluster_is_refused():
    data = _raw("prod")
    data["vault"]["servers"] = {"home_cluster": "nowhere-1"}
    assert "vault.servers.home_cluster" in _problems(data)


# ---- Edge ----------------------------------------------------------------------------------


def test_residency_hostname_without_regional_key_is_refused():
    data = _raw("prod")
    data["edge"]["regional_hostname_keys"] = {}
    assert "regional hostname" in _problems(data)["edge.residency_hostnames.eu"]


def test_two_level_hostname_without_advanced_certificate_is_refused():
    data = _raw("prod")
    data["edge"]["advanced_certificate"] = False
    assert "Universal SSL" in _problems(data)["edge.residency_hostnames.eu"]
    data["edge"]["residency_hostnames"] = {"eu": "api-eu"}
    assert "edge.residency_hostnames.eu" not in _problems(data)


def test_slow_monitor_is_refused():
    data = _raw("prod")
    data["edge"]["monitor"] = {"interval_seconds": 60}
    env = Environment.model_validate(data)
    assert failure_detection_seconds(env) == 2 * 60 + 2 * 5
    assert "edge.monitor" in _problems(data)


def test_weights_default_to_the_design_split_and_apply_only_to_weighted_steering():
    """Design (Global Load Balancing): 40% AWS, 40% GCP, 20% Azure. load_balancer.md:
    random_steering weights apply to random / least_outstanding_requests / least_connections."""
    data = _raw("prod")
    env = Environment.model_validate(data)
    assert env.edge.pool_weights == {"aws": 40, "gcp": 40, "azure": 20}
    assert all(not lb.pool_weights for lb in plan_edge(env, RESIDENCY).load_balancers)  # geo: none sent
    data["edge"]["steering_policy"] = "least_outstanding_requests"
    env = Environment.model_validate(data)
    plan = plan_edge(env, RESIDENCY)
    api = plan.load_balancers[0]
    assert api.region_pools == {}  # no map for a policy that ignores it
    by_cloud: dict[str, float] = {}
    for pool, weight in api.pool_weights.items():
        cloud = pool.split("-")[1]
        by_cloud[cloud] = by_cloud.get(cloud, 0) + weight
    assert by_cloud == pytest.approx({"aws": 0.4, "gcp": 0.4, "azure": 0.2}, abs=1e-3)


def test_weights_with_geo_steering_are_refused():
    data = _raw("prod")
    data["edge"]["pool_weights"] = {"aws": 50, "gcp": 30, "azure": 20}
    assert "ignores pool weights" in _problems(data)["edge.pool_weights"]


def test_sticky_failover_with_header_affinity_is_refused():
    data = _raw("prod")
    data["edge"]["session_affinity"] = "header"
    assert "edge.zero_downtime_failover" in _problems(data)


def test_readme_vault_reach_table_is_current():
    """The README's per-cluster table is the output of `python -m stacks.vault_reach`."""
    from pathlib import Path

    from stacks.validation import load_environment
    from stacks.vault_reach import readme_section

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- vault-reach:begin -->\n", 1)[1].split("<!-- vault-reach:end -->", 1)[0]
    envs = [load_environment(ENV_DIR / f"{n}.yaml") for n in ("dev", "staging", "prod")]
    assert table == readme_section(envs), "run `python -m stacks.vault_reach` and paste it into the README"
