"""The AKS VNet address plan (constructs_lib/cidrs.py), pure Python: every block inside the VNet
and clear of the others, for every VNet size validation admits (/8 to /20).

Sizes are Azure's documented minimums, written here as literals: AzureBastionSubnet /26
(learn.microsoft.com/azure/bastion/configuration-settings), the API Server VNet Integration
subnet /28 (learn.microsoft.com/azure/aks/api-server-vnet-integration), GatewaySubnet /27 as
recommended for ExpressRoute and VPN gateways.
"""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest

from constructs_lib.cidrs import api_server_cidr, bastion_cidr, private_endpoint_cidr, split_vnet_cidr


@pytest.mark.parametrize(
    "cidr", ["10.0.0.0/8", "10.30.0.0/16", "10.62.0.0/16", "172.16.4.0/22", "10.0.16.0/20"]
)
def test_every_block_of_the_vnet_plan_is_inside_and_disjoint(cidr):
    nodes, gateway = split_vnet_cidr(cidr)
    blocks = {
        "nodes": IPv4Network(nodes),
        "gateway": IPv4Network(gateway),
        "private_endpoints": IPv4Network(private_endpoint_cidr(cidr)),
        "api_server": IPv4Network(api_server_cidr(cidr)),
        "bastion": IPv4Network(bastion_cidr(cidr)),
    }
    vnet = IPv4Network(cidr)
    assert all(b.subnet_of(vnet) for b in blocks.values())
    names = list(blocks)
    overlapping = [
        (a, b) for i, a in enumerate(names) for b in names[i + 1 :] if blocks[a].overlaps(blocks[b])
    ]
    assert overlapping == []
    assert blocks["bastion"].prefixlen <= 26
    assert blocks["api_server"].prefixlen <= 28
    assert blocks["gateway"].prefixlen <= 27


def test_the_plan_for_a_slash_16_spelled_out():
    """The example in constructs_lib/cidrs.py, as literals."""
    assert split_vnet_cidr("10.50.0.0/16") == ("10.50.0.0/17", "10.50.255.224/27")
    assert api_server_cidr("10.50.0.0/16") == "10.50.255.192/27"
    assert private_endpoint_cidr("10.50.0.0/16") == "10.50.255.128/26"
    assert bastion_cidr("10.50.0.0/16") == "10.50.255.64/26"
