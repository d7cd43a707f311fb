"""The edge keeps its promises, read on the synthesized plan (issue 27).

Provider facts from cloudflare/terraform-provider-cloudflare v5.14.0 (fetched, tag v5.14.0):
docs/resources/load_balancer.md, load_balancer_pool.md, load_balancer_monitor.md,
regional_hostname.md, certificate_pack.md, zone_setting.md. Numbers from the architecture
document: failure detected in 30 s, TLS 1.3, 40/40/20 traffic split.
"""

from __future__ import annotations

import pytest

from tests.conftest import resources

pytestmark = pytest.mark.synth

ENVS = ("dev", "staging", "prod")


def _edge(synthesized, env: str) -> dict:
    return synthesized[f"{env}-global-edge"]


@pytest.mark.parametrize("env", ENVS)
def test_region_map_only_with_geo_steering(synthesized, env):
    """load_balancer.md: `"geo"`: Use region_pools; `"proximity"` uses the pools' coordinates and
    ignores the map. A map is never sent to a policy that ignores it."""
    for name, lb in resources(_edge(synthesized, env), "cloudflare_load_balancer").items():
        if lb.get("region_pools"):
            assert lb["steering_policy"] == "geo", name
        if lb["steering_policy"] not in ("random", "least_outstanding_requests", "least_connections"):
            assert "random_steering" not in lb, name


def test_eu_hostname_has_a_regional_hostname_in_the_eu(synthesized):
    """regional_hostname.md: `hostname`, `region_key`; the EU hostname terminates TLS in the EU only."""
    stack = _edge(synthesized, "prod")
    (regional,) = resources(stack, "cloudflare_regional_hostname").values()
    assert (regional["hostname"], regional["region_key"]) == ("api.eu.mlops-platform.com", "eu")
    restricted = [
        lb["name"]
        for lb in resources(stack, "cloudflare_load_balancer").values()
        if "jurisdiction=" in (lb.get("description") or "")
    ]
    assert restricted == ["api.eu.mlops-platform.com"]


def test_two_level_hostname_is_covered_by_an_advanced_certificate(synthesized):
    """certificate_pack.md: type "advanced", hosts must contain the zone apex. Universal SSL covers
    the apex and *.<zone> only, so api.eu.<zone> needs this pack."""
    (pack,) = resources(_edge(synthesized, "prod"), "cloudflare_certificate_pack").values()
    assert pack["type"] == "advanced"
    assert pack["hosts"] == ["mlops-platform.com", "api.eu.mlops-platform.com"]


def test_dev_has_only_one_level_names_and_no_certificate_pack(synthesized):
    assert not resources(_edge(synthesized, "dev"), "cloudflare_certificate_pack")


@pytest.mark.parametrize("env", ENVS)
def test_every_pool_sets_load_shedding_explicitly(synthesized, env):
    """load_balancer_pool.md `load_shedding`; without it 5.14 shows a change on every plan."""
    for name, pool in resources(_edge(synthesized, env), "cloudflare_load_balancer_pool").items():
        assert pool["load_shedding"] == {
            "default_percent": 0,
            "default_policy": "random",
            "session_percent": 0,
            "session_policy": "hash",
        }, name


@pytest.mark.parametrize("env", ENVS)
def test_zero_downtime_failover_is_chosen(synthesized, env):
    """load_balancer.md session_affinity_attributes.zero_downtime_failover: none | temporary | sticky."""
    for lb in resources(_edge(synthesized, env), "cloudflare_load_balancer").values():
        assert lb["session_affinity_attributes"]["zero_downtime_failover"] == "sticky"


@pytest.mark.parametrize("env", ENVS)
def test_failure_detected_within_30_seconds(synthesized, env):
    """Design, "Failover Process" 1.: health check failure detected (30 seconds)."""
    (m,) = resources(_edge(synthesized, env), "cloudflare_load_balancer_monitor").values()
    assert m["consecutive_down"] * m["interval"] + (1 + m["retries"]) * m["timeout"] <= 30


@pytest.mark.parametrize("env", ENVS)
def test_tls_1_3_minimum_at_the_edge(synthesized, env):
    """zone_setting.md: setting_id min_tls_version with value "1.3"; design: TLS 1.3 in transit."""
    settings = {
        s["setting_id"]: s["value"]
        for s in resources(_edge(synthesized, env), "cloudflare_zone_setting").values()
    }
    # issue 19: `ssl` strict (Full (strict)) verifies the origins' certificates
    assert settings == {"min_tls_version": "1.3", "tls_1_3": "on", "ssl": "strict"}
