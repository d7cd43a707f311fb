"""The interconnect address/BGP/topology plan (stacks/interconnect_plan.py): pure Python.

The plan is what the stack writes into the synthesized JSON, so these tests pin the
addresses a reviewer would read there.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from itertools import combinations

import pytest

from stacks.environments import load_environments
from stacks.interconnect_plan import (
    AWS_RESERVED_INSIDE,
    AZURE_APIPA,
    declared_ranges,
    link_pairs,
    megaport_plan,
    nth_subnet,
    path_slas,
    router_capacity,
    vpn_links,
    vxc_link,
)
from stacks.params import Vpn


@pytest.fixture(scope="module")
def envs():
    return {e.name: e for e in load_environments()}


def test_nth_subnet_counts_from_the_pool_start_and_rejects_out_of_range():
    pool = IPv4Network("192.168.255.0/24")
    assert nth_subnet(pool, 26, 0) == IPv4Network("192.168.255.0/26")
    assert nth_subnet(pool, 26, 3) == IPv4Network("192.168.255.192/26")
    assert nth_subnet(pool, 30, 63) == IPv4Network("192.168.255.252/30")
    with pytest.raises(ValueError, match="has 4 /26 subnets"):
        nth_subnet(pool, 26, 4)


def test_megaport_vxc_links_are_a_router_block_then_a_30_by_position():
    pool = IPv4Network("192.168.255.0/24")
    assert router_capacity(pool) == 4
    assert router_capacity(IPv4Network("192.168.255.0/27")) == 0
    first = vxc_link(pool, 0, 0)
    assert str(first.network) == "192.168.255.0/30"
    assert (str(first.first), str(first.second)) == ("192.168.255.1", "192.168.255.2")
    assert first.with_prefix(first.first) == "192.168.255.1/30"
    assert str(vxc_link(pool, 1, 5).network) == "192.168.255.84/30"  # 64 + 5*4


def test_prod_megaport_link_addresses_are_unique_and_outside_every_cluster_range(envs):
    prod = envs["prod"]
    mp = prod.interconnect
    links = [
        vxc_link(mp.link_cidr, r, v).network
        for r, router in enumerate(mp.routers)
        for v in range(len(router.vxcs))
    ]
    assert len(links) == 20 and len(set(links)) == 20  # 4 routers x (2 AWS + 2 GCP + 1 Azure)
    for a, b in combinations(links, 2):
        assert not a.overlaps(b)
    ranges = [IPv4Network(r) for r in declared_ranges(prod.clusters)]
    assert not any(link.overlaps(r) for link in links for r in ranges)


def test_prod_azure_circuit_takes_red_router_primary_blue_router_secondary_one_peering_vlan(envs):
    prod = envs["prod"]
    us, eu = megaport_plan(prod.clusters, prod.interconnect)
    (circuit,) = us.azure_circuits()
    assert circuit.cluster.name == "azure-eastus"
    assert (circuit.primary.router.name, circuit.secondary.router.name) == ("mcr-us-red", "mcr-us-blue")
    assert circuit.peering_vlan == 301
    # the Azure VXC is the 5th of each router (index 4): router 0 -> .16/30, router 1 -> .64+16
    assert (str(circuit.primary.link.network), str(circuit.secondary.link.network)) == (
        "192.168.255.16/30",
        "192.168.255.80/30",
    )
    (eu_circuit,) = eu.azure_circuits()
    assert eu_circuit.cluster.name == "azure-westeurope" and eu_circuit.peering_vlan == 311


def test_vxc_ids_name_what_they_connect_not_a_position(envs):
    prod = envs["prod"]
    us = megaport_plan(prod.clusters, prod.interconnect)[0]
    ids = [v.id for r in us.routers for v in r.vxcs]
    assert ids[:5] == [
        "vxc_aws_us_east_1_red_ashburn",
        "vxc_aws_us_east_1_red_reston",
        "vxc_gcp_us_central1_red_chicago",
        "vxc_gcp_us_central1_red_dallas",
        "vxc_azure_eastus_red",
    ]
    assert len(set(ids)) == len(ids)


# Expected availability per path: the clouds' published topology rules applied by hand to
# prod.yaml (AWS: red+blue at two DX locations = maximum resiliency 99.99; GCP: both edge domains
# in two metros = 99.99; Azure: one circuit with both connections = 99.95).
PROD_SLAS = {
    ("us", "aws", "aws-us-east-1"): 99.99,
    ("us", "gcp", "gcp-us-central1"): 99.99,
    ("us", "azure", "azure-eastus"): 99.95,
    ("eu", "aws", "aws-eu-west-1"): 99.99,
    ("eu", "gcp", "gcp-europe-west1"): 99.99,
    ("eu", "azure", "azure-westeurope"): 99.95,
}


def test_prod_path_slas_follow_the_topology(envs):
    prod = envs["prod"]
    got = {
        (p.jurisdiction, p.cloud, p.cluster): p.percent for p in path_slas(prod.clusters, prod.interconnect)
    }
    assert got == PROD_SLAS


def _one_router_per_jurisdiction(mp):
    """The old topology: every VXC of a jurisdiction on its red router (blue zone there too)."""
    routers = []
    for j in ("us", "eu"):
        red, blue = [r for r in mp.routers if r.jurisdiction == j]
        routers.append(red.model_copy(update={"vxcs": red.vxcs + blue.vxcs}))
    return mp.model_copy(update={"routers": tuple(routers)})


def test_one_router_per_jurisdiction_gives_at_most_99_9(envs):
    prod = envs["prod"]
    got = path_slas(prod.clusters, _one_router_per_jurisdiction(prod.interconnect))
    assert got and all(p.percent <= 99.9 for p in got)


def test_gcp_attachments_in_one_metro_give_99_9(envs):
    prod = envs["prod"]
    mp = prod.interconnect
    routers = tuple(
        r.model_copy(
            update={
                "vxcs": tuple(
                    v for v in r.vxcs if not (v.onramp and v.onramp.metro in ("dallas", "frankfurt"))
                )
            }
        )
        for r in mp.routers
    )
    got = {
        (p.cloud, p.cluster): p.percent
        for p in path_slas(prod.clusters, mp.model_copy(update={"routers": routers}))
    }
    assert got[("gcp", "gcp-us-central1")] == 99.9


def test_vpn_full_mesh_joins_every_cross_cloud_pair_only(envs):
    staging = envs["staging"]
    pairs = link_pairs(staging.clusters, None)
    clouds = [c.cloud for c in staging.clusters]
    expected = sum(1 for i, j in combinations(range(len(clouds)), 2) if clouds[i] != clouds[j])
    assert len(pairs) == expected == 21
    assert all(a.cloud != b.cloud for a, b in pairs)
    names = {frozenset((a.name, b.name)) for a, b in pairs}
    assert len(names) == 21


def test_vpn_link_sides_follow_aws_gcp_azure_order(envs):
    for a, b in link_pairs(envs["staging"].clusters, None):
        assert (a.cloud, b.cloud) in {("aws", "gcp"), ("aws", "azure"), ("gcp", "azure")}


def test_vpn_dev_has_three_links_with_two_tunnels_each_from_the_inside_pool(envs):
    dev = envs["dev"]
    links = vpn_links(dev.clusters, dev.interconnect)
    assert [link.clouds for link in links] == [("aws", "gcp"), ("aws", "azure"), ("gcp", "azure")]
    insides = [str(t.inside.network) for link in links for t in link.tunnels]
    assert insides == [f"169.254.21.{4 * i}/30" for i in range(6)]
    t0 = links[0].tunnels[0]
    assert (str(t0.address_of("a")), str(t0.address_of("b"))) == ("169.254.21.1", "169.254.21.2")


def test_vpn_tunnel_inside_cidrs_unique_in_apipa_and_not_aws_reserved(envs):
    staging = envs["staging"]
    links = vpn_links(staging.clusters, staging.interconnect)
    nets = [t.inside.network for link in links for t in link.tunnels]
    assert len(nets) == 42 and len(set(nets)) == 42
    assert all(any(n.subnet_of(r) for r in AZURE_APIPA) for n in nets)
    assert not any(n.overlaps(r) for n in nets for r in AWS_RESERVED_INSIDE)


def test_vpn_adding_a_cluster_at_the_end_keeps_existing_tunnel_addresses(envs):
    staging = envs["staging"]
    before = {
        link.name: [t.inside.network for t in link.tunnels]
        for link in vpn_links(staging.clusters[:-1], staging.interconnect)
    }
    after = {
        link.name: [t.inside.network for t in link.tunnels]
        for link in vpn_links(staging.clusters, staging.interconnect)
    }
    assert before and all(after[name] == nets for name, nets in before.items())


def test_vpn_hub_keeps_only_the_hubs_links(envs):
    staging = envs["staging"]
    vpn = Vpn(hub_cluster="aws-us-east-1")
    links = vpn_links(staging.clusters, vpn)
    assert len(links) == 5  # 3 gcp + 2 azure clusters
    assert all("aws-us-east-1" in (link.a.name, link.b.name) for link in links)
