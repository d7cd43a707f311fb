"""Megaport limits and lookups, pinned on the synthesized prod interconnect.

Expected values are literals from outside the code: the Megaport provider's own example
(terraform-provider-megaport v1.13.1 examples/mcr_cloud_end_to_end/megaport.tf: partner ports by
product name + company at the on-ramp location), Megaport's 5 Gbps hosted-VIF cap
(provider-facts.md), the provider's wait_time description (internal/provider/provider.go), the
cluster ranges written in environments/prod.yaml, and the README's SLA table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import data_sources, resources

REPO = Path(__file__).resolve().parents[2]
REF = re.compile(r"^\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$")


@pytest.fixture(scope="module")
def prod(synthesized) -> dict:
    return synthesized["prod-global-interconnect"]


def ref(value: str) -> tuple[str, str, str]:
    m = REF.match(value)
    assert m, value
    return m.group(1), m.group(2), m.group(3)


def vxcs_to(stack: dict, partner: str) -> dict[str, dict]:
    return {
        n: v
        for n, v in resources(stack, "megaport_vxc").items()
        if v["b_end_partner_config"]["partner"] == partner
    }


# ---- lookups --------------------------------------------------------------------------------

# (connect_type, company_name) as Megaport's example spells them.
COMPANY = {"aws": ("AWS", "AWS"), "google": ("GOOGLE", "Google inc..")}


@pytest.mark.parametrize("partner", ["aws", "google"])
def test_partner_port_found_by_product_company_location_and_the_routers_zone(prod, partner):
    ports = data_sources(prod, "megaport_partner")
    mcrs = resources(prod, "megaport_mcr")
    vxcs = vxcs_to(prod, partner)
    assert vxcs
    for name, vxc in vxcs.items():
        rtype, port, attr = ref(vxc["b_end"]["requested_product_uid"])
        assert (rtype, attr) == ("megaport_partner", "product_uid")
        p = ports[port]
        assert (p["connect_type"], p["company_name"]) == COMPANY[partner], name
        assert p["product_name"] and isinstance(p["location_id"], int)
        # the port's zone is the zone of the MCR at the VXC's A-End
        assert p["diversity_zone"] == mcrs[ref(vxc["a_end"]["requested_product_uid"])[1]]["diversity_zone"]
        # never the MCR's own location (the old lookup): ports are looked up at the on-ramp
        assert "${" not in str(p["location_id"])


def test_aws_port_is_in_the_region_its_vif_is_accepted_in(prod):
    ports = data_sources(prod, "megaport_partner")
    accepters = resources(prod, "aws_dx_hosted_private_virtual_interface_accepter")
    assert len(accepters) == 8
    for acc in accepters.values():
        vxc_name = re.search(
            r"megaport_vxc\.([A-Za-z0-9_-]+)\.csp_connections", acc["virtual_interface_id"]
        ).group(1)
        vxc = resources(prod, "megaport_vxc")[vxc_name]
        port = ports[ref(vxc["b_end"]["requested_product_uid"])[1]]
        assert port["product_name"].endswith(f"({acc['region']})"), (port["product_name"], acc["region"])


def test_aws_vifs_of_one_cluster_use_two_onramp_locations_per_zone(prod):
    ports = data_sources(prod, "megaport_partner")
    aws = vxcs_to(prod, "aws")
    per_cluster_zone: dict[tuple[str, str], set[int]] = {}
    for vxc in aws.values():
        p = ports[ref(vxc["b_end"]["requested_product_uid"])[1]]
        per_cluster_zone.setdefault((vxc["resource_tags"]["cluster"], p["diversity_zone"]), set()).add(
            p["location_id"]
        )
    assert len(per_cluster_zone) == 4 and all(len(locs) == 2 for locs in per_cluster_zone.values())


def test_gcp_attachments_sit_in_two_metros_with_both_edge_domains(prod):
    """Google's 99.99% topology: both edge availability domains in each of two metros."""
    ports = data_sources(prod, "megaport_partner")
    attachments = resources(prod, "google_compute_interconnect_attachment")
    domain = {"red": "AVAILABILITY_DOMAIN_1", "blue": "AVAILABILITY_DOMAIN_2"}
    seen: dict[str, set[tuple[int, str]]] = {}
    for vxc in vxcs_to(prod, "google").values():
        p = ports[ref(vxc["b_end"]["requested_product_uid"])[1]]
        att = attachments[ref(vxc["b_end_partner_config"]["google_config"]["pairing_key"])[1]]
        assert att["edge_availability_domain"] == domain[p["diversity_zone"]]
        seen.setdefault(vxc["resource_tags"]["cluster"], set()).add(
            (p["location_id"], att["edge_availability_domain"])
        )
    assert len(seen) == 2
    for cluster, pairs in seen.items():
        metros = {loc for loc, _d in pairs}
        assert len(metros) == 2, cluster
        assert pairs == {(m, d) for m in metros for d in domain.values()}, cluster


# ---- limits ---------------------------------------------------------------------------------


def test_hosted_vif_vxcs_stay_within_megaports_5_gbps(prod):
    aws = vxcs_to(prod, "aws")
    assert aws
    for name, vxc in aws.items():
        assert vxc["b_end_partner_config"]["aws_config"]["connect_type"] == "AWS"
        assert vxc["rate_limit"] <= 5000, name


def test_azure_and_google_vxcs_within_10_gbps_and_the_circuit(prod):
    circuits = resources(prod, "azurerm_express_route_circuit")
    for vxc in vxcs_to(prod, "azure").values():
        circuit = circuits[ref(vxc["b_end_partner_config"]["azure_config"]["service_key"])[1]]
        assert vxc["rate_limit"] <= circuit["bandwidth_in_mbps"] <= 10000
    assert all(v["rate_limit"] <= 10000 for v in vxcs_to(prod, "google").values())


def test_provider_waits_longer_than_its_10_minute_default(prod):
    (block,) = prod["provider"]["megaport"]
    assert block["wait_time"] > 10


# ---- route filters --------------------------------------------------------------------------

# environments/prod.yaml: every declared range of the jurisdiction's clusters.
US_RANGES = {
    "10.10.0.0/16", "10.11.0.0/16",  # aws-us-east-1, aws-us-west-2
    "10.20.0.0/16", "10.128.0.0/14", "10.140.0.0/20",  # gcp-us-central1
    "10.30.0.0/16", "10.144.0.0/16", "10.140.48.0/20",  # azure-eastus
}  # fmt: skip
EU_RANGES = {
    "10.12.0.0/16",  # aws-eu-west-1
    "10.21.0.0/16", "10.132.0.0/14", "10.140.16.0/20",  # gcp-europe-west1
    "10.31.0.0/16", "10.145.0.0/16", "10.140.64.0/20",  # azure-westeurope
}  # fmt: skip


def test_every_mcr_has_a_prefix_filter_list_of_its_jurisdictions_cluster_ranges(prod):
    mcrs = resources(prod, "megaport_mcr")
    lists = resources(prod, "megaport_mcr_prefix_filter_list")
    assert len(lists) == len(mcrs) == 4
    owners = set()
    for lst in lists.values():
        owners.add(ref(lst["mcr_id"])[1])
        assert lst["address_family"] == "IPv4"
        assert all(e["action"] == "permit" and "ge" not in e and "le" not in e for e in lst["entries"])
        prefixes = {e["prefix"] for e in lst["entries"]}
        expected = US_RANGES if lst["description"] == "prod-us-clusters" else EU_RANGES
        assert lst["description"] in {"prod-us-clusters", "prod-eu-clusters"}
        assert prefixes == expected
    assert owners == set(mcrs)


def test_every_mcr_side_bgp_session_imports_and_exports_through_its_mcrs_filter(prod):
    lists = resources(prod, "megaport_mcr_prefix_filter_list")
    filter_of = {ref(lst["mcr_id"])[1]: (name, lst["description"]) for name, lst in lists.items()}
    sessions = 0
    for vxc in resources(prod, "megaport_vxc").values():
        name, description = filter_of[ref(vxc["a_end"]["requested_product_uid"])[1]]
        # The provider resolves the list by description when it creates the VXC: it must exist first.
        assert f"megaport_mcr_prefix_filter_list.{name}" in vxc["depends_on"]
        vrouter = (vxc.get("a_end_partner_config") or {}).get("vrouter_config")
        for iface in (vrouter or {}).get("interfaces", []):
            for bgp in iface["bgp_connections"]:
                sessions += 1
                assert bgp["import_whitelist"] == bgp["export_whitelist"] == description
    assert sessions == 4  # the ExpressRoute sessions (AWS and Google configure theirs, see README)


# ---- README -----------------------------------------------------------------------------------

# Availability per path from the clouds' published topology rules applied to prod.yaml by hand.
EXPECTED_SLA_ROWS = {
    ("us", "aws-us-east-1"): "99.99",
    ("us", "gcp-us-central1"): "99.99",
    ("us", "azure-eastus"): "99.95",
    ("eu", "aws-eu-west-1"): "99.99",
    ("eu", "gcp-europe-west1"): "99.99",
    ("eu", "azure-westeurope"): "99.95",
}


def test_readme_sla_table_matches_the_topology():
    from stacks.environments import load_environments
    from stacks.interconnect_plan import path_slas

    text = (REPO / "README.md").read_text()
    rows = re.findall(r"^\| (us|eu) \| (aws|gcp|azure) \| ([a-z0-9-]+) \| ([\d.]+)% \|", text, re.M)
    readme = {(j, cluster): percent for j, _cloud, cluster, percent in rows}
    assert readme == EXPECTED_SLA_ROWS
    prod = next(e for e in load_environments() if e.name == "prod")
    computed = {
        (p.jurisdiction, p.cluster): f"{p.percent:g}" for p in path_slas(prod.clusters, prod.interconnect)
    }
    assert computed == EXPECTED_SLA_ROWS


# ---- VPN (dev, staging) -------------------------------------------------------------------------

# Microsoft's custom IPsec policy example (New-AzIpsecPolicy), in AWS's and Azure's names.
AWS_SUITE = {
    "phase1_encryption_algorithms": ["AES256"],
    "phase1_integrity_algorithms": ["SHA2-256"],
    "phase1_dh_group_numbers": [14],
    "phase2_encryption_algorithms": ["AES256-GCM-16"],
    "phase2_integrity_algorithms": ["SHA2-256"],
    "phase2_dh_group_numbers": [14],
}
AZURE_SUITE = {
    "ike_encryption": "AES256",
    "ike_integrity": "SHA256",
    "dh_group": "DHGroup14",
    "ipsec_encryption": "GCMAES256",
    "ipsec_integrity": "GCMAES256",
    "pfs_group": "PFS2048",
}


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_vpn_tunnels_pin_one_ipsec_suite_on_aws_and_azure(synthesized, env):
    stack = synthesized[f"{env}-global-interconnect"]
    connections = resources(stack, "aws_vpn_connection")
    assert connections
    for name, conn in connections.items():
        for t in (1, 2):
            got = {k: conn[f"tunnel{t}_{k}"] for k in AWS_SUITE}
            assert got == AWS_SUITE, (name, t)
    azure = [
        c
        for c in resources(stack, "azurerm_virtual_network_gateway_connection").values()
        if c["type"] == "IPsec"
    ]
    assert azure
    for conn in azure:
        (policy,) = conn["ipsec_policy"] if isinstance(conn["ipsec_policy"], list) else [conn["ipsec_policy"]]
        assert {k: policy[k] for k in AZURE_SUITE} == AZURE_SUITE


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_vpn_azure_gateway_carries_the_designs_1_gbps(synthesized, env):
    """Design: VPN 1-10 Gbps; VpnGw1AZ carries 650 Mbps, VpnGw2AZ 1 Gbps (Microsoft's SKU table)."""
    stack = synthesized[f"{env}-global-interconnect"]
    gateways = [g for g in resources(stack, "azurerm_virtual_network_gateway").values() if g["type"] == "Vpn"]
    assert gateways and {g["sku"] for g in gateways} == {"VpnGw2AZ"}
