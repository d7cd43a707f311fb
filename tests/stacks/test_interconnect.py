"""The interconnect stacks, read from the session's one synthesized app (tests/conftest.py).

prod: Megaport Cloud Routers with VXCs whose cloud ends are wired in the same stack (keys
are references, never literals). dev and staging: IPsec VPN on all three clouds with
generated pre-shared keys. Each test names the property it protects.
"""

from __future__ import annotations

import re
from collections import Counter
from ipaddress import IPv4Network
from typing import Any

import pytest

from stacks.environments import load_environments
from stacks.interconnect_plan import vpn_links
from tests.conftest import data_sources, resources
from tests.secret_scan import find_literal_secrets

ENVS = ("dev", "staging", "prod")
REF = re.compile(r"^\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}$")
REMOTE = re.compile(
    r"^\$\{data\.terraform_remote_state\.cross-stack-reference-input-[a-z0-9-]+-cluster\.outputs\.[A-Za-z0-9_-]+\}$"
)


@pytest.fixture(scope="module")
def ic(synthesized) -> dict[str, dict]:
    return {env: synthesized[f"{env}-global-interconnect"] for env in ENVS}


@pytest.fixture(scope="module")
def envs():
    return {e.name: e for e in load_environments()}


def ref(value: Any) -> tuple[str, str, str]:
    """`${type.name.attr}` or `${data.type.name.attr}` -> (type, name, attr); fails on a literal."""
    m = REF.match(value) if isinstance(value, str) else None
    assert m, f"expected a reference, got {value!r}"
    return m.group(1), m.group(2), m.group(3)


def from_cluster_stack(value: Any) -> bool:
    """A cross-stack reference to an output of a cluster stack (never a copied literal)."""
    return isinstance(value, str) and bool(REMOTE.match(value))


def same_30(a: str, b: str) -> bool:
    return IPv4Network(f"{a}/30", strict=False) == IPv4Network(f"{b}/30", strict=False)


def vxcs_by_partner(stack: dict) -> dict[str, list[tuple[str, dict]]]:
    out: dict[str, list[tuple[str, dict]]] = {}
    for name, vxc in resources(stack, "megaport_vxc").items():
        out.setdefault(vxc["b_end_partner_config"]["partner"], []).append((name, vxc))
    return out


# ---- prod: Megaport -------------------------------------------------------------------------


def test_prod_has_one_mcr_per_router_with_its_asn_and_location(ic, envs):
    routers = envs["prod"].interconnect.routers
    mcrs = resources(ic["prod"], "megaport_mcr")
    assert sorted(m["product_name"] for m in mcrs.values()) == sorted(f"prod-{r.name}" for r in routers)
    locations = data_sources(ic["prod"], "megaport_location")
    for r in routers:
        (mcr,) = [m for m in mcrs.values() if m["product_name"] == f"prod-{r.name}"]
        assert mcr["asn"] == r.asn and mcr["port_speed"] == r.port_speed_mbps
        _, loc, _ = ref(mcr["location_id"])
        assert locations[loc]["id"] == r.location_id


def test_prod_each_router_has_two_vxcs_to_aws_and_gcp_and_one_to_azure(ic):
    """Two on-ramp locations (AWS) / metros (GCP) per zone; Azure: one port of the circuit per zone."""
    mcrs = resources(ic["prod"], "megaport_mcr")
    assert len(mcrs) == 4
    per_router: Counter = Counter()
    for _name, vxc in resources(ic["prod"], "megaport_vxc").items():
        _, mcr, attr = ref(vxc["a_end"]["requested_product_uid"])
        assert mcr in mcrs and attr == "product_uid"
        per_router[(mcr, vxc["b_end_partner_config"]["partner"])] += 1
    expected = {"aws": 2, "google": 2, "azure": 1}
    assert dict(per_router.items()) == {(m, p): n for m in mcrs for p, n in expected.items()}


def _mcr_of(vxc: dict) -> str:
    return ref(vxc["a_end"]["requested_product_uid"])[1]


def test_prod_red_and_blue_paths_to_every_cluster_share_no_router(ic):
    """Two MCRs per jurisdiction: each cloud cluster is reached from a red and a blue MCR."""
    mcrs = resources(ic["prod"], "megaport_mcr")
    assert sorted(m["diversity_zone"] for m in mcrs.values()) == ["blue", "blue", "red", "red"]
    by_cluster: dict[str, set[str]] = {}
    for _name, vxc in resources(ic["prod"], "megaport_vxc").items():
        by_cluster.setdefault(vxc["resource_tags"]["cluster"], set()).add(_mcr_of(vxc))
    assert len(by_cluster) == 6
    for cluster, routers in by_cluster.items():
        assert sorted(mcrs[r]["diversity_zone"] for r in routers) == ["blue", "red"], cluster


def test_prod_required_providers_declares_megaport_and_credentials_stay_out(ic):
    doc = ic["prod"]
    assert doc["terraform"]["required_providers"]["megaport"] == {
        "source": "megaport/megaport",
        "version": "~> 1.13",
    }
    (block,) = doc["provider"]["megaport"]
    # wait_time: the provider's default is 10 minutes and its description advises more for VXCs to
    # cloud providers (terraform-provider-megaport v1.13.1 internal/provider/provider.go).
    assert block == {"accept_purchase_terms": True, "environment": "production", "wait_time": 30}


def test_prod_pairing_keys_reference_the_gcp_attachment_of_the_same_diversity_zone(ic):
    stack = ic["prod"]
    attachments = resources(stack, "google_compute_interconnect_attachment")
    partners = data_sources(stack, "megaport_partner")
    domain = {"red": "AVAILABILITY_DOMAIN_1", "blue": "AVAILABILITY_DOMAIN_2"}
    google = vxcs_by_partner(stack)["google"]
    assert len(google) == 8  # 2 clusters x 2 metros x 2 edge domains (Google's 99.99% topology)
    for name, vxc in google:
        rtype, att, attr = ref(vxc["b_end_partner_config"]["google_config"]["pairing_key"])
        assert (rtype, attr) == (
            "google_compute_interconnect_attachment",
            "pairing_key",
        ) and att in attachments
        _, port, _ = ref(vxc["b_end"]["requested_product_uid"])
        assert partners[port]["connect_type"] == "GOOGLE"
        zone = partners[port]["diversity_zone"]
        assert attachments[att]["edge_availability_domain"] == domain[zone], name
        assert attachments[att]["type"] == "PARTNER" and attachments[att]["admin_enabled"] is True


def test_prod_gcp_cloud_routers_use_the_partner_asn_and_advertise_declared_ranges_only(ic, envs):
    prod = envs["prod"]
    routers = resources(ic["prod"], "google_compute_router")
    assert len(routers) == 2
    for router in routers.values():
        assert router["bgp"]["asn"] == 16550 and router["bgp"]["advertise_mode"] == "CUSTOM"
        ranges = [r["range"] for r in router["bgp"]["advertised_ip_ranges"]]
        (cluster,) = [c for c in prod.clusters_of("gcp") if router["name"].endswith(c.name)]
        assert ranges == [str(n) for _k, n in cluster.network.ranges()]
        assert from_cluster_stack(router["network"])


def test_prod_service_keys_reference_the_azure_circuit_and_ports_are_primary_secondary(ic):
    stack = ic["prod"]
    circuits = resources(stack, "azurerm_express_route_circuit")
    azure = vxcs_by_partner(stack)["azure"]
    assert len(azure) == 4
    by_circuit: dict[str, set[str]] = {}
    for _name, vxc in azure:
        cfg = vxc["b_end_partner_config"]["azure_config"]
        rtype, circuit, attr = ref(cfg["service_key"])
        assert (rtype, attr) == ("azurerm_express_route_circuit", "service_key") and circuit in circuits
        by_circuit.setdefault(circuit, set()).add(cfg["port_choice"])
    assert by_circuit == {c: {"primary", "secondary"} for c in circuits}
    for c in circuits.values():
        assert c["service_provider_name"] == "Megaport" and c["sku"]["family"] == "MeteredData"


def test_prod_azure_private_peering_matches_the_mcr_side_and_waits_for_the_vxcs(ic, envs):
    stack = ic["prod"]
    routers = {f"prod-{r.name}": r for r in envs["prod"].interconnect.routers}
    vxcs = resources(stack, "megaport_vxc")
    circuits = resources(stack, "azurerm_express_route_circuit")
    peerings = resources(stack, "azurerm_express_route_circuit_peering")
    assert len(peerings) == 2
    for peering in peerings.values():
        assert peering["peering_type"] == "AzurePrivatePeering"
        _, circuit, _ = ref(peering["express_route_circuit_name"])
        waits_for = [d.split(".", 1)[1] for d in peering["depends_on"]]
        assert len(waits_for) == 2
        mcr_side = {}
        for vxc_name in waits_for:
            vxc = vxcs[vxc_name]
            assert ref(vxc["b_end_partner_config"]["azure_config"]["service_key"])[1] == circuit
            (iface,) = vxc["a_end_partner_config"]["vrouter_config"]["interfaces"]
            (bgp,) = iface["bgp_connections"]
            assert iface["vlan"] == peering["vlan_id"] and bgp["peer_asn"] == 12076
            port = vxc["b_end_partner_config"]["azure_config"]["port_choice"]
            mcr_side[port] = (iface["ip_addresses"][0], bgp["local_ip_address"], bgp["peer_ip_address"])
        for port in ("primary", "secondary"):
            net = IPv4Network(peering[f"{port}_peer_address_prefix"])
            first, second = str(net.network_address + 1), str(net.network_address + 2)  # ours, Microsoft's
            assert net.prefixlen == 30 and mcr_side[port] == (f"{first}/30", first, second)
        jurisdiction = circuits[circuit]["name"].split("-")[1]
        assert {r.asn for r in routers.values() if r.jurisdiction == jurisdiction} == {peering["peer_asn"]}


def test_prod_expressroute_gateway_in_the_cluster_gateway_subnet_and_connected_after_peering(ic):
    stack = ic["prod"]
    gateways = resources(stack, "azurerm_virtual_network_gateway")
    assert len(gateways) == 2
    for gw in gateways.values():
        # ErGw3AZ carries 10 Gbps, the circuits' bandwidth; ErGw1AZ carries about 1 Gbps.
        assert gw["type"] == "ExpressRoute" and gw["sku"] == "ErGw3AZ"
        (ipc,) = gw["ip_configuration"]
        assert from_cluster_stack(ipc["subnet_id"]) and "gateway_subnet" in ipc["subnet_id"]
        _, ip, _ = ref(ipc["public_ip_address_id"])
        assert resources(stack, "azurerm_public_ip")[ip]["sku"] == "Standard"
    for conn in resources(stack, "azurerm_virtual_network_gateway_connection").values():
        assert conn["type"] == "ExpressRoute"
        assert ref(conn["express_route_circuit_id"])[0] == "azurerm_express_route_circuit"
        assert conn["depends_on"][0].startswith("azurerm_express_route_circuit_peering.")


def test_prod_aws_vifs_are_accepted_from_the_vxc_onto_the_dx_gateway(ic, envs):
    stack = ic["prod"]
    mp = envs["prod"].interconnect
    aws = dict(vxcs_by_partner(stack)["aws"])
    accepters = resources(stack, "aws_dx_hosted_private_virtual_interface_accepter")
    assert len(aws) == len(accepters) == 8
    accepted = set()
    for acc in accepters.values():
        m = re.search(r"megaport_vxc\.([A-Za-z0-9_-]+)\.csp_connections", acc["virtual_interface_id"])
        assert m and 'val.connect_type == "AWS"' in acc["virtual_interface_id"], acc["virtual_interface_id"]
        accepted.add(m.group(1))
        assert ref(acc["dx_gateway_id"])[0] == "aws_dx_gateway"
    assert accepted == set(aws)
    for vxc in aws.values():
        cfg = vxc["b_end_partner_config"]["aws_config"]
        assert (cfg["connect_type"], cfg["type"]) == ("AWS", "private")
        assert cfg["owner_account"] == envs["prod"].accounts.aws.account_id
        assert cfg["amazon_asn"] == mp.aws_amazon_side_asn
        assert cfg["asn"] in {r.asn for r in mp.routers}
    for gw in resources(stack, "aws_dx_gateway").values():
        assert gw["amazon_side_asn"] == str(mp.aws_amazon_side_asn)


def test_prod_dx_gateway_joins_every_aws_vpc_of_the_jurisdiction_with_its_range_only(ic, envs):
    stack = ic["prod"]
    associations = resources(stack, "aws_dx_gateway_association")
    vgws = resources(stack, "aws_vpn_gateway")
    aws = envs["prod"].clusters_of("aws")
    assert len(associations) == len(vgws) == len(aws) == 3
    prefixes = sorted(a["allowed_prefixes"][0] for a in associations.values())
    assert prefixes == sorted(str(c.network.cidr) for c in aws)
    for vgw in vgws.values():
        assert from_cluster_stack(vgw["vpc_id"])
    props = resources(stack, "aws_vpn_gateway_route_propagation")
    assert props and all(from_cluster_stack(p["route_table_id"]) for p in props.values())


def test_prod_link_addresses_come_from_the_link_pool_and_never_repeat(ic, envs):
    pool = str(envs["prod"].interconnect.link_cidr).rsplit(".", 1)[0] + "."
    addresses = []
    for _n, vxc in vxcs_by_partner(ic["prod"])["aws"]:
        cfg = vxc["b_end_partner_config"]["aws_config"]
        addresses += [cfg["customer_ip_address"], cfg["amazon_ip_address"]]
    for peering in resources(ic["prod"], "azurerm_express_route_circuit_peering").values():
        addresses += [peering["primary_peer_address_prefix"], peering["secondary_peer_address_prefix"]]
    assert all(a.startswith(pool) for a in addresses)
    assert len(addresses) == len(set(addresses)) == 20  # 8 VIFs x 2 + 2 peerings x 2


# ---- dev/staging: VPN ----------------------------------------------------------------------


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_vpn_environments_have_gateways_on_all_three_clouds_and_no_megaport(ic, env):
    stack = ic[env]
    for rtype in ("aws_vpn_gateway", "aws_customer_gateway", "aws_vpn_connection"):
        assert resources(stack, rtype), rtype
    for rtype in (
        "google_compute_ha_vpn_gateway",
        "google_compute_router",
        "google_compute_external_vpn_gateway",
        "google_compute_vpn_tunnel",
        "google_compute_router_interface",
        "google_compute_router_peer",
    ):
        assert resources(stack, rtype), rtype
    for rtype in (
        "azurerm_virtual_network_gateway",
        "azurerm_local_network_gateway",
        "azurerm_virtual_network_gateway_connection",
    ):
        assert resources(stack, rtype), rtype
    assert not any(t.startswith("megaport") for t in stack.get("resource", {}))
    assert "megaport" not in stack["terraform"]["required_providers"] and "megaport" not in stack.get(
        "provider", {}
    )


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_vpn_two_tunnels_per_link_on_every_side(ic, envs, env):
    e = envs[env]
    links = vpn_links(e.clusters, e.interconnect)
    by_clouds = Counter(link.clouds for link in links)
    stack = ic[env]
    assert (
        len(resources(stack, "aws_vpn_connection")) == by_clouds[("aws", "gcp")] + by_clouds[("aws", "azure")]
    )
    assert len(resources(stack, "google_compute_vpn_tunnel")) == 2 * (
        by_clouds[("aws", "gcp")] + by_clouds[("gcp", "azure")]
    )
    assert len(resources(stack, "google_compute_router_peer")) == len(
        resources(stack, "google_compute_vpn_tunnel")
    )
    conns = resources(stack, "azurerm_virtual_network_gateway_connection")
    assert len(conns) == 2 * (by_clouds[("aws", "azure")] + by_clouds[("gcp", "azure")])
    assert all(c["type"] == "IPsec" and c["enable_bgp"] is True for c in conns.values())
    assert len(resources(stack, "random_password")) == 2 * len(links)


@pytest.mark.parametrize("env", ["dev", "staging"])
def test_vpn_preshared_keys_are_generated_references_never_literals(ic, env):
    stack = ic[env]
    passwords = resources(stack, "random_password")
    seen = []
    for rtype, args in (
        ("aws_vpn_connection", ("tunnel1_preshared_key", "tunnel2_preshared_key")),
        ("google_compute_vpn_tunnel", ("shared_secret",)),
        ("azurerm_virtual_network_gateway_connection", ("shared_key",)),
    ):
        for res in resources(stack, rtype).values():
            for arg in args:
                rt, name, attr = ref(res[arg])
                assert (rt, attr) == ("random_password", "result") and name in passwords
                seen.append(name)
    # every key is used by exactly the two ends of its tunnel
    assert set(Counter(seen).values()) == {2} and set(seen) == set(passwords)


def test_vpn_generated_keys_fit_aws_psk_rules(ic):
    for env in ("dev", "staging"):
        for pw in resources(ic[env], "random_password").values():
            assert 8 <= pw["length"] <= 64
            assert pw["special"] is True and set(pw["override_special"]) <= {".", "_"}
            assert pw["numeric"] is False  # AWS refuses a key starting with '0'


def test_vpn_bgp_addresses_agree_between_the_two_ends(ic):
    stack = ic["staging"]
    gateways = resources(stack, "azurerm_virtual_network_gateway")
    apipa = {
        n: set(g["bgp_settings"]["peering_addresses"][0]["apipa_addresses"]) for n, g in gateways.items()
    }
    lngs = resources(stack, "azurerm_local_network_gateway")
    for conn in resources(stack, "azurerm_virtual_network_gateway_connection").values():
        _, gw, _ = ref(conn["virtual_network_gateway_id"])
        primary = conn["custom_bgp_addresses"]["primary"]
        assert primary in apipa[gw]
        _, lng, _ = ref(conn["local_network_gateway_id"])
        peer = lngs[lng]["bgp_settings"]["bgp_peering_address"]
        assert same_30(primary, peer) and primary != peer
    interfaces = {i["name"]: i for i in resources(stack, "google_compute_router_interface").values()}
    for peer in resources(stack, "google_compute_router_peer").values():
        iface = interfaces[peer["name"]]
        ours = iface["ip_range"].split("/")[0]
        assert same_30(ours, peer["peer_ip_address"]) and ours != peer["peer_ip_address"]


def test_vpn_gcp_routers_advertise_declared_ranges_only(ic, envs):
    for env in ("dev", "staging"):
        gcp = {c.name: c for c in envs[env].clusters_of("gcp")}
        for router in resources(ic[env], "google_compute_router").values():
            assert router["bgp"]["advertise_mode"] == "CUSTOM"
            (cluster,) = [c for n, c in gcp.items() if router["name"] == f"{env}-{n}-vpn"]
            assert [r["range"] for r in router["bgp"]["advertised_ip_ranges"]] == [
                str(n) for _k, n in cluster.network.ranges()
            ]


# ---- every environment ---------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_no_literal_secret_in_the_interconnect(ic, env):
    # tests/secret_scan.py: key-material patterns, and no literal in a credential argument
    # (shared_key, shared_secret, tunnel*_preshared_key, service_key, pairing_key, ...).
    assert not find_literal_secrets(ic[env], f"{env}-global-interconnect")


@pytest.mark.parametrize("env", ENVS)
def test_interconnect_reads_cluster_networks_from_the_cluster_stacks(ic, env):
    remote = data_sources(ic[env], "terraform_remote_state")
    assert remote and all(f"{env}-" in name and name.endswith("-cluster") for name in remote)
