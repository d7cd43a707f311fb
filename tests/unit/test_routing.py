"""Inventory -> Cloudflare pools and routing (stacks/routing.py): pure Python, no jsii."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from stacks.environments import ENV_DIR
from stacks.params import Environment
from stacks.residency import load_residency
from stacks.routing import REGION_COORDINATES, plan_edge
from stacks.validation import check_environment, load_environment

RESIDENCY = load_residency()


def _env(name: str) -> Environment:
    return load_environment(ENV_DIR / f"{name}.yaml")


def _raw(name: str) -> dict:
    return yaml.safe_load((ENV_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def _validated(data: dict) -> Environment:
    """The model plus the cross-field rules, exactly as an environment file is checked."""
    env = Environment.model_validate(data)
    problems = list(check_environment(env, RESIDENCY))
    assert not problems, problems
    return env


@pytest.fixture(scope="module")
def prod():
    env = _env("prod")
    return env, plan_edge(env, RESIDENCY)


def test_pool_per_cluster_named_env_cloud_region(prod):
    env, plan = prod
    assert len(plan.pools) == len(env.clusters) >= 8
    assert {p.name for p in plan.pools} == {f"prod-{c.cloud}-{c.region}" for c in env.clusters}


def test_pool_origin_is_cluster_ingress_hostname(prod):
    env, plan = prod
    for c in env.clusters:
        pool = next(p for p in plan.pools if p.cluster == c.name)
        assert pool.address == c.ingress_hostname == f"ingress.{c.name}.{env.dns_zone}"


def test_pool_check_regions_are_its_jurisdictions_cloudflare_regions(prod):
    _env, plan = prod
    for pool in plan.pools:
        assert pool.check_regions == RESIDENCY.cloudflare_regions[pool.jurisdiction]
        assert pool.check_regions  # never "every data centre" by accident


def test_global_region_pools_map_geography_to_its_clusters(prod):
    _, plan = prod
    lb = plan.load_balancers[0]
    assert lb.jurisdiction is None and lb.hostname == "api.mlops-platform.com"
    us = ("prod-aws-us-east-1", "prod-aws-us-west-2", "prod-gcp-us-central1", "prod-azure-eastus")
    eu = ("prod-aws-eu-west-1", "prod-gcp-europe-west1", "prod-azure-westeurope")
    assert lb.region_pools["WNAM"] == lb.region_pools["ENAM"] == us
    assert lb.region_pools["WEU"] == lb.region_pools["EEU"] == eu
    for region in ("SEAS", "NEAS", "SAS", "OC"):
        assert lb.region_pools[region] == ("prod-gcp-asia-east1",)
    assert "jurisdiction=" not in lb.description


def test_global_fallback_is_the_configured_cluster(prod):
    _, plan = prod
    assert plan.load_balancers[0].fallback_pool == "prod-aws-us-east-1"


def test_fallback_defaults_to_first_cluster():
    data = _raw("prod")
    data["edge"].pop("fallback_cluster")
    data["clusters"].insert(0, data["clusters"].pop(4))  # gcp-europe-west1 first
    plan = plan_edge(_validated(data), RESIDENCY)
    assert plan.load_balancers[0].fallback_pool == "prod-gcp-europe-west1"


def test_eu_hostname_references_eu_pools_only(prod):
    _, plan = prod
    (eu,) = [lb for lb in plan.load_balancers if lb.jurisdiction == "eu"]
    assert eu.hostname == "api.eu.mlops-platform.com"
    assert "jurisdiction=eu" in eu.description
    for name in eu.referenced_pools():
        assert plan.pool(name).jurisdiction == "eu", name
    assert set(eu.region_pools) == {"WEU", "EEU"}
    assert eu.default_pools == ("prod-aws-eu-west-1", "prod-gcp-europe-west1", "prod-azure-westeurope")


def test_eu_fallback_stays_in_eu_when_global_fallback_is_us(prod):
    _, plan = prod
    (eu,) = [lb for lb in plan.load_balancers if lb.jurisdiction == "eu"]
    assert eu.fallback_pool == "prod-aws-eu-west-1"


def test_every_residency_lb_in_every_environment_stays_in_its_jurisdiction():
    for name in ("dev", "staging", "prod"):
        env = _env(name)
        plan = plan_edge(env, RESIDENCY)
        for lb in plan.load_balancers:
            if lb.jurisdiction:
                assert {plan.pool(p).jurisdiction for p in lb.referenced_pools()} == {lb.jurisdiction}


def test_dev_without_residency_hostnames_has_only_the_global_lb():
    plan = plan_edge(_env("dev"), RESIDENCY)
    assert [lb.jurisdiction for lb in plan.load_balancers] == [None]
    assert set(plan.load_balancers[0].region_pools) == {"WNAM", "ENAM"}


def test_adding_a_cluster_adds_its_pool_and_routing():
    data = _raw("prod")
    before = plan_edge(_validated(copy.deepcopy(data)), RESIDENCY)
    data["clusters"].append(
        {
            "name": "azure-northeurope",
            "cloud": "azure",
            "region": "northeurope",
            "jurisdiction": "eu",
            "network": {
                "cidr": "10.32.0.0/16",
                "pods_cidr": "10.146.0.0/16",
                "services_cidr": "10.140.80.0/20",
            },
        }
    )
    after = plan_edge(_validated(data), RESIDENCY)
    added = {p.name for p in after.pools} - {p.name for p in before.pools}
    assert added == {"prod-azure-northeurope"}
    glb, eu = after.load_balancers
    assert "prod-azure-northeurope" in glb.default_pools
    assert glb.region_pools["WEU"][-1] == "prod-azure-northeurope"
    assert "prod-azure-northeurope" in eu.default_pools and "prod-azure-northeurope" in eu.region_pools["EEU"]
    assert "prod-azure-northeurope" not in glb.region_pools["WNAM"]


def test_adding_an_apac_hostname_routes_apac_clusters_only():
    data = _raw("prod")
    data["edge"]["residency_hostnames"] = {"eu": "api.eu", "apac": "api.apac"}
    # A residency hostname needs a Data Localization Suite region (validation, stacks/edge_checks.py).
    data["edge"]["regional_hostname_keys"] = {"eu": "eu", "apac": "sg"}
    plan = plan_edge(_validated(data), RESIDENCY)
    (apac,) = [lb for lb in plan.load_balancers if lb.jurisdiction == "apac"]
    assert apac.referenced_pools() == {"prod-gcp-asia-east1"}
    assert set(apac.region_pools) == set(RESIDENCY.cloudflare_regions["apac"])


def test_residency_hostname_without_cluster_is_refused():
    data = _raw("dev")
    data["edge"]["residency_hostnames"] = {"eu": "api.eu"}
    env = Environment.model_validate(data)
    assert any(p.path == "edge.residency_hostnames.eu" for p in check_environment(env, RESIDENCY))
    with pytest.raises(ValueError, match="no cluster lies in 'eu'"):
        plan_edge(env, RESIDENCY)


def test_ingress_hostname_override_from_cluster_handles(prod):
    env, _ = prod
    plan = plan_edge(env, RESIDENCY, ingress_hostnames={"aws-us-east-1": "lb.example.net"})
    assert plan.pool("prod-aws-us-east-1").address == "lb.example.net"


def test_every_cluster_region_of_every_environment_has_coordinates():
    for path in sorted(Path(ENV_DIR).glob("*.yaml")):
        env = load_environment(path)
        missing = [c.name for c in env.clusters if (c.cloud, c.region) not in REGION_COORDINATES]
        assert not missing, (
            f"{path.name}: add these regions to stacks/routing.py REGION_COORDINATES: {missing}"
        )
