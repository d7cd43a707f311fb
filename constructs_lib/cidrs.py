"""How a cluster network's range is carved into subnets, per cloud (pure Python)."""

from __future__ import annotations

from ipaddress import IPv4Network


def split_vpc_cidr(cidr: str, zones: int = 3) -> tuple[list[str], list[str]]:
    """Private subnets get an eighth of the VPC each (VPC CNI gives pods VPC addresses, so they
    need room); the public subnets (NAT gateways and internet-facing load balancers only) get
    1/256 each, carved from the fourth eighth."""
    net = IPv4Network(cidr)
    eighths = list(net.subnets(new_prefix=net.prefixlen + 3))
    private = [str(s) for s in eighths[:zones]]
    public = [str(s) for s in list(eighths[zones].subnets(new_prefix=net.prefixlen + 8))[:zones]]
    return private, public


def private_endpoint_cidr(cidr: str) -> str:
    """The VNet's second-to-last /26: private endpoints of the data planes (one address each),
    clear of the nodes (first half) and of the GatewaySubnet (the last /27)."""
    return str(list(IPv4Network(cidr).subnets(new_prefix=26))[-2])


def split_vnet_cidr(cidr: str) -> tuple[str, str]:
    """Nodes get the first half of the VNet (pods use the overlay range, not VNet addresses);
    the GatewaySubnet is the VNet's last /27, the size Azure recommends for gateways."""
    net = IPv4Network(cidr)
    nodes = next(net.subnets(new_prefix=net.prefixlen + 1))
    gateway = list(net.subnets(new_prefix=27))[-1]
    return str(nodes), str(gateway)
