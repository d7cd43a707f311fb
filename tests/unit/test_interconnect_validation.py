"""Interconnect rules of the parameter files: ASN, VLAN, CIDR and topology clashes are rejected.

Pure Python. Each bad file is a small edit of a shipped one, so a test fails when the rule it
protects stops firing; each asserts the key path and the fix the message names.
"""

from __future__ import annotations

from tests.unit.test_validation import base, find_cluster, problems_for


def router(data: dict, name: str) -> dict:
    return next(r for r in data["interconnect"]["routers"] if r["name"] == name)


# ---- Megaport (prod) ------------------------------------------------------------------------


def test_megaport_link_cidr_overlapping_a_cluster_range_rejected(tmp_path):
    data = base()
    data["interconnect"]["link_cidr"] = "10.10.200.0/24"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.link_cidr: 10.10.200.0/24 overlaps 10.10.0.0/16 at clusters[0 aws-us-east-1].network.cidr"
        )
        and "Pick a free range" in p
        for p in probs
    )


def test_megaport_link_cidr_too_small_for_the_routers_rejected(tmp_path):
    data = base()
    data["interconnect"]["link_cidr"] = "192.168.255.0/26"  # one router block, two routers
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.link_cidr: 192.168.255.0/26 holds 1 router block(s)")
        and "/25 or larger" in p
        for p in probs
    )


def test_megaport_asn_clash_between_router_and_dx_gateway_rejected(tmp_path):
    data = base()
    data["interconnect"]["aws_amazon_side_asn"] = 133937
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us].asn: ASN 133937 is already used at interconnect.aws_amazon_side_asn"
        )
        for p in probs
    )
    assert any(
        p.startswith("interconnect.aws_amazon_side_asn: ASN 133937 is not accepted by AWS") for p in probs
    )


def test_megaport_router_asn_reserved_by_azure_rejected(tmp_path):
    data = base()
    router(data, "mcr-eu")["asn"] = 65515
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[1 mcr-eu].asn: ASN 65515 is reserved by Azure") for p in probs
    )


def test_megaport_vlan_clash_across_routers_of_one_cloud_rejected(tmp_path):
    data = base()
    router(data, "mcr-eu")["vxcs"][2]["vlan"] = 201  # gcp red of mcr-eu takes mcr-us's gcp VLAN
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[1 mcr-eu].vxcs[2].vlan: VLAN 201 is already used at interconnect.routers[0 mcr-us].vxcs[2]"
        )
        for p in probs
    )


def test_megaport_vxc_to_a_cluster_of_another_jurisdiction_rejected(tmp_path):
    data = base()
    router(data, "mcr-us")["vxcs"][2]["cluster"] = "gcp-europe-west1"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us].vxcs[2].cluster: cluster 'gcp-europe-west1' lies in jurisdiction 'eu'"
        )
        for p in probs
    )


def test_megaport_two_routers_in_one_jurisdiction_rejected(tmp_path):
    data = base()
    router(data, "mcr-eu")["jurisdiction"] = "us"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[1 mcr-eu].jurisdiction: 'us' already has a router") for p in probs
    )


def test_megaport_azure_circuit_needs_one_red_and_one_blue_per_cluster(tmp_path):
    data = base()
    router(data, "mcr-us")["vxcs"].append(
        {"cloud": "azure", "cluster": "azure-eastus", "diversity_zone": "red", "vlan": 303}
    )
    probs = problems_for(tmp_path, data)
    assert any("azure cluster 'azure-eastus' has VXCs on zones ['blue', 'red', 'red']" in p for p in probs)


def test_megaport_vxc_rate_above_port_speed_or_circuit_rejected(tmp_path):
    data = base()
    router(data, "mcr-us")["vxcs"][4]["rate_limit_mbps"] = 20000
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us].vxcs[4].rate_limit_mbps: 20000 Mbps exceeds the router's port_speed_mbps"
        )
        for p in probs
    )
    assert any("exceeds azure_circuit_bandwidth_mbps 10000" in p for p in probs)


# ---- VPN (dev, staging) ---------------------------------------------------------------------


def test_vpn_inside_cidr_outside_azure_apipa_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["bgp_inside_cidr"] = "169.254.100.0/24"
    probs = problems_for(tmp_path, data, env="dev")
    assert any(
        p.startswith("interconnect.bgp_inside_cidr: 169.254.100.0/24 lies outside Azure's APIPA range")
        for p in probs
    )


def test_vpn_inside_cidr_not_link_local_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["bgp_inside_cidr"] = "10.99.0.0/24"
    probs = problems_for(tmp_path, data, env="dev")
    assert any(p.startswith("interconnect.bgp_inside_cidr: 10.99.0.0/24 is not link-local") for p in probs)


def test_vpn_inside_cidr_too_small_for_the_mesh_rejected(tmp_path):
    data = base("staging")
    data["interconnect"]["bgp_inside_cidr"] = "169.254.21.0/26"  # 16 /30s, staging needs 42
    probs = problems_for(tmp_path, data, env="staging")
    assert any(
        p.startswith(
            "interconnect.bgp_inside_cidr: 169.254.21.0/26 holds 16 tunnel /30s but the topology has 42 tunnels"
        )
        for p in probs
    )


def test_vpn_inside_cidr_on_aws_reserved_range_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["bgp_inside_cidr"] = "169.254.0.0/22"
    probs = problems_for(tmp_path, data, env="dev")
    assert any("overlaps 169.254.0.0/30, which AWS refuses" in p for p in probs)


def test_vpn_asn_clash_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["gcp_router_asn"] = 64512
    probs = problems_for(tmp_path, data, env="dev")
    assert any(
        p.startswith(
            "interconnect.gcp_router_asn: ASN 64512 is already used at interconnect.aws_amazon_side_asn"
        )
        for p in probs
    )


def test_vpn_peer_asn_reserved_by_azure_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["gcp_router_asn"] = 65517
    probs = problems_for(tmp_path, data, env="dev")
    assert any(p.startswith("interconnect.gcp_router_asn: ASN 65517 is reserved by Azure") for p in probs)


def test_vpn_hub_on_gcp_rejected(tmp_path):
    data = base("staging")
    data["interconnect"]["hub_cluster"] = "gcp-us-central1"
    probs = problems_for(tmp_path, data, env="staging")
    assert any(p.startswith("interconnect.hub_cluster: 'gcp-us-central1' runs on gcp") for p in probs)


def test_vpn_hub_on_aws_accepted_and_cidr_clash_still_reported(tmp_path):
    data = base("staging")
    data["interconnect"]["hub_cluster"] = "aws-us-east-1"
    find_cluster(data, "aws-us-west-2")["network"]["cidr"] = "10.40.0.0/16"
    probs = problems_for(tmp_path, data, env="staging")
    assert not any(p.startswith("interconnect.") for p in probs)
    assert any(p.startswith("clusters[1 aws-us-west-2].network.cidr: 10.40.0.0/16 overlaps") for p in probs)
