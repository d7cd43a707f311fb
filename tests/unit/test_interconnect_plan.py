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
    azure_circuits,
    declared_ranges,
    link_pairs,
    nth_subnet,
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
    assert len(links) == 12 and len(set(links)) == 12
    for a, b in combinations(links, 2):
        assert not a.overlaps(b)
    ranges = [IPv4Network(r) for r in declared_ranges(prod.clusters)]
    assert not any(link.overlaps(r) for link in links for r in ranges)


def test_prod_azure_circuit_pairs_red_primary_blue_secondary_with_one_peering_vlan(envs):
    mp = envs["prod"].interconnect
    (us,) = azure_circuits(mp, 0)
    assert us.cluster == "azure-eastus"
    assert us.primary[1].diversity_zone == "red" and us.secondary[1].diversity_zone == "blue"
    assert us.peering_vlan == 301
    # the red VXC is the 5th of mcr-us (index 4), the blue the 6th
    assert (str(us.primary_link.network), str(us.secondary_link.network)) == (
        "192.168.255.16/30",
        "192.168.255.20/30",
    )
    (eu,) = azure_circuits(mp, 1)
    assert eu.cluster == "azure-westeurope" and eu.peering_vlan == 311
    assert str(eu.primary_link.network) == "192.168.255.80/30"


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
