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
    data["interconnect"]["link_cidr"] = "192.168.255.0/26"  # one router block, four routers
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.link_cidr: 192.168.255.0/26 holds 1 router block(s)")
        and "/24 or larger" in p
        for p in probs
    )


def test_megaport_asn_clash_between_router_and_dx_gateway_rejected(tmp_path):
    data = base()
    data["interconnect"]["aws_amazon_side_asn"] = 133937
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us-red].asn: ASN 133937 is already used at interconnect.aws_amazon_side_asn"
        )
        for p in probs
    )
    assert any(
        p.startswith("interconnect.aws_amazon_side_asn: ASN 133937 is not accepted by AWS") for p in probs
    )


def test_megaport_router_asn_reserved_by_azure_rejected(tmp_path):
    data = base()
    router(data, "mcr-eu-red")["asn"] = 65515
    router(data, "mcr-eu-blue")["asn"] = 65515
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[2 mcr-eu-red].asn: ASN 65515 is reserved by Azure") for p in probs
    )


def test_megaport_routers_of_one_jurisdiction_must_share_the_peering_asn(tmp_path):
    data = base()
    router(data, "mcr-us-blue")["asn"] = 133939
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[1 mcr-us-blue].asn: ASN 133939 differs from mcr-us-red's 133937")
        and "Use 133937" in p
        for p in probs
    )


def test_megaport_vlan_clash_across_routers_of_one_cloud_rejected(tmp_path):
    data = base()
    router(data, "mcr-eu-red")["vxcs"][2]["vlan"] = 201  # gcp of mcr-eu-red takes mcr-us-red's gcp VLAN
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[2 mcr-eu-red].vxcs[2].vlan: VLAN 201 is already used at "
            "interconnect.routers[0 mcr-us-red].vxcs[2]"
        )
        for p in probs
    )


def test_megaport_vxc_to_a_cluster_of_another_jurisdiction_rejected(tmp_path):
    data = base()
    router(data, "mcr-us-red")["vxcs"][2]["cluster"] = "gcp-europe-west1"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us-red].vxcs[2].cluster: cluster 'gcp-europe-west1' lies in jurisdiction 'eu'"
        )
        for p in probs
    )


def test_megaport_two_red_routers_in_one_jurisdiction_rejected(tmp_path):
    data = base()
    router(data, "mcr-us-blue")["diversity_zone"] = "red"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[1 mcr-us-blue].diversity_zone: jurisdiction 'us' already has a red router"
        )
        for p in probs
    )
    # and every us path now lacks its blue leg
    assert any("has VXCs only on ['red'] routers" in p for p in probs)


def test_megaport_hosted_vif_above_5_gbps_rejected(tmp_path):
    """Megaport caps an AWS hosted VIF at 5 Gbps (provider-facts.md, Megaport's AWS product page)."""
    data = base()
    router(data, "mcr-us-red")["vxcs"][0]["rate_limit_mbps"] = 10000
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us-red].vxcs[0].rate_limit_mbps: 10000 Mbps exceeds an AWS hosted VIF's "
            "limit of 5000 Mbps"
        )
        for p in probs
    )


def test_megaport_hosted_vif_at_default_rate_rejected(tmp_path):
    """Leaving rate_limit_mbps out takes the interconnect's 10000: too fast for a hosted VIF."""
    data = base()
    del router(data, "mcr-eu-blue")["vxcs"][1]["rate_limit_mbps"]
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[3 mcr-eu-blue].vxcs[1].rate_limit_mbps: 10000 Mbps") for p in probs
    )


def test_megaport_vxc_rate_above_port_speed_or_circuit_rejected(tmp_path):
    data = base()
    router(data, "mcr-us-red")["vxcs"][4]["rate_limit_mbps"] = 20000
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us-red].vxcs[4].rate_limit_mbps: 20000 Mbps exceeds the router's port_speed_mbps"
        )
        for p in probs
    )
    assert any("exceeds azure_circuit_bandwidth_mbps 10000" in p for p in probs)


def test_megaport_aws_port_in_another_region_than_the_accepter_rejected(tmp_path):
    data = base()
    router(data, "mcr-us-red")["vxcs"][0]["onramp"]["product_name"] = "US East (Ohio) (us-east-2)"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.routers[0 mcr-us-red].vxcs[0].onramp.product_name: 'US East (Ohio) (us-east-2)' is not an AWS port of us-east-1"
        )
        for p in probs
    )


def test_megaport_gcp_vxc_without_onramp_rejected(tmp_path):
    data = base()
    del router(data, "mcr-us-red")["vxcs"][2]["onramp"]
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith("interconnect.routers[0 mcr-us-red].vxcs[2].onramp: a gcp VXC needs its on-ramp")
        for p in probs
    )


def test_megaport_expressroute_gateway_smaller_than_circuit_rejected(tmp_path):
    data = base()
    data["interconnect"]["azure_gateway_sku"] = "ErGw1AZ"
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.azure_gateway_sku: ErGw1AZ carries 1000 Mbps, less than the 10000 Mbps circuit"
        )
        for p in probs
    )


def test_megaport_design_sla_claim_for_azure_refused(tmp_path):
    """The design claims 99.99% for every link; one ExpressRoute circuit gives 99.95%."""
    data = base()
    data["interconnect"]["sla_claims"]["azure"] = 99.99
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.sla_claims.azure: 99.99% is more than the azure path to 'azure-eastus' can give: 99.95%"
        )
        for p in probs
    )


def test_megaport_gcp_claim_refused_when_attachments_stay_in_one_metro(tmp_path):
    data = base()
    for name in ("mcr-us-red", "mcr-us-blue"):
        r = router(data, name)
        r["vxcs"] = [v for v in r["vxcs"] if (v.get("onramp") or {}).get("metro") != "dallas"]
    probs = problems_for(tmp_path, data)
    assert any(
        p.startswith(
            "interconnect.sla_claims.gcp: 99.99% is more than the gcp path to 'gcp-us-central1' can give: 99.9%"
        )
        and "both edge domains in one metro" in p
        for p in probs
    )


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


def test_vpn_azure_gateway_too_small_for_the_throughput_rejected(tmp_path):
    """Microsoft's SKU table: VpnGw1AZ carries 650 Mbps; the default throughput is 1000."""
    data = base("dev")
    data["interconnect"]["azure_gateway_sku"] = "VpnGw1AZ"
    probs = problems_for(tmp_path, data, env="dev")
    assert any(
        p.startswith(
            "interconnect.azure_gateway_sku: VpnGw1AZ carries 650 Mbps, less than throughput_mbps 1000"
        )
        for p in probs
    )


def test_vpn_throughput_above_an_aws_vgw_link_rejected(tmp_path):
    data = base("dev")
    data["interconnect"]["throughput_mbps"] = 5000
    data["interconnect"]["azure_gateway_sku"] = "VpnGw4AZ"
    probs = problems_for(tmp_path, data, env="dev")
    assert any(
        p.startswith("interconnect.throughput_mbps: 5000 Mbps is more than a link to an AWS") for p in probs
    )
    assert not any(p.startswith("interconnect.azure_gateway_sku") for p in probs)
