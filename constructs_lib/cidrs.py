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


# An AKS VNet, from its end (a /16 10.50.0.0 as the example; each block is clear of the others,
# tests/unit/test_cidrs.py holds it for every prefix validation admits, /20 to /8):
#   last /27         GatewaySubnet            10.50.255.224/27  (split_vnet_cidr)
#   /27 before it    API server subnet        10.50.255.192/27  (api_server_cidr)
#   second-last /26  private endpoints        10.50.255.128/26  (private_endpoint_cidr)
#   third-last /26   AzureBastionSubnet       10.50.255.64/26   (bastion_cidr)
#   first half       nodes                    10.50.0.0/17      (split_vnet_cidr)


def private_endpoint_cidr(cidr: str) -> str:
    """The VNet's second-to-last /26: private endpoints of the data planes (one address each),
    clear of the nodes (first half) and of the GatewaySubnet (the last /27)."""
    return str(list(IPv4Network(cidr).subnets(new_prefix=26))[-2])


def api_server_cidr(cidr: str) -> str:
    """The /27 just below the GatewaySubnet: AKS API Server VNet Integration's delegated subnet.
    Microsoft's minimum is a /28 and a cluster reserves at least 9 addresses there ("running out
    may prevent API server scaling", learn.microsoft.com/azure/aks/api-server-vnet-integration),
    so a /27 (27 usable) leaves room to scale."""
    return str(list(IPv4Network(cidr).subnets(new_prefix=27))[-2])


def bastion_cidr(cidr: str) -> str:
    """The VNet's third-to-last /26 for AzureBastionSubnet (Azure requires a /26 or larger)."""
    return str(list(IPv4Network(cidr).subnets(new_prefix=26))[-3])


def split_vnet_cidr(cidr: str) -> tuple[str, str]:
    """Nodes get the first half of the VNet (pods use the overlay range, not VNet addresses);
    the GatewaySubnet is the VNet's last /27, the size Azure recommends for gateways."""
    net = IPv4Network(cidr)
    nodes = next(net.subnets(new_prefix=net.prefixlen + 1))
    gateway = list(net.subnets(new_prefix=27))[-1]
    return str(nodes), str(gateway)
