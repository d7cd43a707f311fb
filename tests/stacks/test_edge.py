"""The `<env>-global-edge` stacks as synthesized (one synth per session, tests/conftest.py)."""

from __future__ import annotations

import re

import pytest

from stacks.environments import ENV_DIR
from stacks.residency import load_residency
from stacks.validation import load_environment
from tests.conftest import resources

pytestmark = pytest.mark.synth

RESIDENCY = load_residency()
REF = re.compile(r"^\$\{cloudflare_load_balancer_pool\.([A-Za-z0-9_]+)\.id\}$")


def _edge(synthesized, env: str) -> dict:
    return synthesized[f"{env}-global-edge"]


def _pool_names(stack: dict) -> dict[str, str]:
    """logical name -> pool `name` (<env>-<cloud>-<region>)."""
    return {k: v["name"] for k, v in resources(stack, "cloudflare_load_balancer_pool").items()}


def _referenced(lb: dict) -> list[str]:
    refs = [*lb["default_pools"], lb["fallback_pool"]]
    for key in ("region_pools", "country_pools", "pop_pools"):
        for pools in (lb.get(key) or {}).values():
            refs.extend(pools)
    return refs


def _resolve(stack: dict, ref: str) -> str:
    m = REF.match(ref)
    assert m, f"not a reference to a pool of this stack: {ref}"
    return _pool_names(stack)[m.group(1)]


def _lbs(stack: dict) -> dict[str, dict]:
    return {lb["name"]: lb for lb in resources(stack, "cloudflare_load_balancer").values()}


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_one_pool_per_cluster_named_env_cloud_region(synthesized, env):
    params = load_environment(ENV_DIR / f"{env}.yaml")
    names = sorted(_pool_names(_edge(synthesized, env)).values())
    assert names == sorted(f"{env}-{c.cloud}-{c.region}" for c in params.clusters)


def test_prod_has_at_least_eight_pools_each_with_the_monitor(synthesized):
    stack = _edge(synthesized, "prod")
    (monitor,) = resources(stack, "cloudflare_load_balancer_monitor")
    pools = resources(stack, "cloudflare_load_balancer_pool")
    assert len(pools) >= 8
    for pool in pools.values():
        assert pool["monitor"] == f"${{cloudflare_load_balancer_monitor.{monitor}.id}}"
        (origin,) = pool["origins"]
        assert origin["address"].startswith("ingress.") and origin["header"]["host"] == [origin["address"]]
        assert pool["check_regions"], "check_regions left out means every data centre probes"


def test_monitor_is_https_health_check_from_parameters(synthesized):
    (monitor,) = resources(_edge(synthesized, "prod"), "cloudflare_load_balancer_monitor").values()
    assert (monitor["type"], monitor["path"], monitor["expected_codes"]) == ("https", "/healthz", "200")
    # Design ("Failover Process" 1.): failure detected within 30 s: 2 checks 10 s apart, each
    # waiting 5 s for 1 + 1 tries (provider v5.14.0 docs/resources/load_balancer_monitor.md).
    assert (monitor["interval"], monitor["timeout"], monitor["retries"], monitor["consecutive_down"]) == (
        10,
        5,
        1,
        2,
    )
    assert (
        monitor["consecutive_down"] * monitor["interval"] + (1 + monitor["retries"]) * monitor["timeout"]
        <= 30
    )
    assert monitor["allow_insecure"] is False


def test_prod_api_lb_has_region_pools_fallback_failover_and_affinity(synthesized):
    stack = _edge(synthesized, "prod")
    lb = _lbs(stack)["api.mlops-platform.com"]
    assert {"WNAM", "ENAM", "WEU", "EEU", "SEAS"} <= set(lb["region_pools"])
    assert [_resolve(stack, r) for r in lb["region_pools"]["SEAS"]] == ["prod-gcp-asia-east1"]
    assert {_resolve(stack, r) for r in lb["region_pools"]["WEU"]} == {
        "prod-aws-eu-west-1",
        "prod-gcp-europe-west1",
        "prod-azure-westeurope",
    }
    assert _resolve(stack, lb["fallback_pool"]) == "prod-aws-us-east-1"
    assert len(lb["default_pools"]) == 8
    assert lb["adaptive_routing"] == {"failover_across_pools": True}
    # `geo` is the policy that reads region_pools (provider v5.14.0 docs/resources/load_balancer.md).
    assert (lb["steering_policy"], lb["session_affinity"], lb["session_affinity_ttl"]) == (
        "geo",
        "cookie",
        1800,
    )
    assert lb["proxied"] is True
    assert "jurisdiction=" not in lb.get("description", "")


def test_prod_eu_hostname_references_eu_pools_only(synthesized):
    stack = _edge(synthesized, "prod")
    lb = _lbs(stack)["api.eu.mlops-platform.com"]
    assert "jurisdiction=eu" in lb["description"]
    referenced = {_resolve(stack, r) for r in _referenced(lb)}
    assert referenced == {"prod-aws-eu-west-1", "prod-gcp-europe-west1", "prod-azure-westeurope"}
    for name in referenced:
        region = name.split("-", 2)[2]
        assert RESIDENCY.jurisdiction_of(name.split("-")[1], region) == "eu", name
    assert set(lb["region_pools"]) == set(RESIDENCY.cloudflare_regions["eu"])
    assert lb["adaptive_routing"] == {"failover_across_pools": True}


def test_dev_has_no_residency_hostname(synthesized):
    assert list(_lbs(_edge(synthesized, "dev"))) == ["api.dev.mlops-platform.com"]


def test_cloudflare_provider_carries_no_credentials(synthesized):
    for env in ("dev", "staging", "prod"):
        for block in _edge(synthesized, env)["provider"]["cloudflare"]:
            assert not {"api_token", "api_key", "api_user_service_key", "email"} & set(block)
