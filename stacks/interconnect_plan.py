"""The interconnect's address, BGP and topology plan, computed from the environment alone.

Pure Python (no cdktf, no provider): the stack, the validation and the tests share it, so
the addresses a reader sees in a test are the addresses in the synthesized plan.

Megaport (prod)
---------------
Point-to-point /30s come from `interconnect.link_cidr` (default 192.168.255.0/24):
router number r (in file order) owns the r-th /26 of the pool (16 /30s), and the VXC at
position v of that router owns the v-th /30 of that /26. In every /30 our side (the MCR)
takes the first host and the cloud the second, as AWS and Azure expect:

- AWS hosted VIF: `customer_ip_address` = first host, `amazon_ip_address` = second host.
- Azure private peering: the red (primary) VXC's /30 is `primary_peer_address_prefix`,
  the blue (secondary) VXC's /30 is `secondary_peer_address_prefix`; the MCR uses the
  first host, Microsoft the second ("use the first IP of each /30 on your router").
- Google Partner Interconnect assigns its own link-local BGP addresses, so a GCP VXC's
  /30 stays reserved but unused (it keeps the numbering of later VXCs stable).

Appending a router or a VXC keeps every existing address; reordering renumbers (and so
replaces VIFs and peerings), like renaming a logical id would.

VPN (dev, staging)
------------------
Topology: without `interconnect.hub_cluster`, a full mesh of links between every two
clusters on different clouds (same-cloud networks are joined by the clouds' own peering,
not by this stack). With a hub, only the hub's links to the clusters of the other clouds;
spokes then reach each other through the hub's gateway (AWS VGW "CloudHub" and Azure VPN
gateways re-advertise learned routes; a GCP Cloud Router does not, so a GCP hub is
rejected by validation).

Each link has exactly two tunnels (`tunnels_per_link`). Links are numbered by the later
cluster's position and then the earlier one's, so adding a cluster at the end of the file
appends links and keeps every existing tunnel address. Tunnel t of link l gets /30 number
2*l+t of `interconnect.bgp_inside_cidr` (default 169.254.21.0/24, inside Azure's APIPA
range 169.254.21.0-169.254.22.255 and outside AWS's reserved inside CIDRs). The side that
comes first in (aws, gcp, azure) takes the first host: an AWS VGW always uses the first
host of its tunnels (AWS assigns it so), Azure always the second.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from stacks.params import Cluster, Megaport, MegaportRouter, Vpn, VxcPlan

CLOUD_ORDER = ("aws", "gcp", "azure")

# Megaport
ROUTER_BLOCK_PREFIXLEN = 26  # one /26 of link_cidr per router: 16 /30s
LINKS_PER_ROUTER = 2 ** (30 - ROUTER_BLOCK_PREFIXLEN)
GOOGLE_PARTNER_ASN = 16550  # Cloud Router ASN required for Partner Interconnect
MICROSOFT_ASN = 12076  # Microsoft's side of every ExpressRoute peering
GCP_EDGE_DOMAIN = {"red": "AVAILABILITY_DOMAIN_1", "blue": "AVAILABILITY_DOMAIN_2"}
AZURE_PORT = {"red": "primary", "blue": "secondary"}

# VPN
AZURE_APIPA = (IPv4Network("169.254.21.0/24"), IPv4Network("169.254.22.0/24"))
LINK_LOCAL = IPv4Network("169.254.0.0/16")
# AWS rejects these tunnel inside CIDRs (aws_vpn_connection tunnel*_inside_cidr).
AWS_RESERVED_INSIDE = tuple(
    IPv4Network(n)
    for n in (
        "169.254.0.0/30",
        "169.254.1.0/30",
        "169.254.2.0/30",
        "169.254.3.0/30",
        "169.254.4.0/30",
        "169.254.5.0/30",
        "169.254.169.252/30",
    )
)


@dataclass(frozen=True)
class PointToPoint:
    """A /30 between two routers: `first` and `second` are its two usable hosts."""

    network: IPv4Network

    @property
    def first(self) -> IPv4Address:
        return self.network.network_address + 1

    @property
    def second(self) -> IPv4Address:
        return self.network.network_address + 2

    def with_prefix(self, host: IPv4Address) -> str:
        """`169.254.21.1/30`: a host with the /30's mask, as AWS, GCP and Megaport want it."""
        return f"{host}/{self.network.prefixlen}"


def nth_subnet(pool: IPv4Network, prefixlen: int, index: int) -> IPv4Network:
    """The index-th subnet of `pool` with `prefixlen`, without enumerating the pool."""
    size = 2 ** (32 - prefixlen)
    count = 2 ** (prefixlen - pool.prefixlen) if prefixlen >= pool.prefixlen else 0
    if not 0 <= index < count:
        raise ValueError(f"{pool} has {count} /{prefixlen} subnets; number {index} does not exist.")
    return IPv4Network((int(pool.network_address) + index * size, prefixlen))


# --------------------------------------------------------------------------------------------
# Megaport
# --------------------------------------------------------------------------------------------


def router_capacity(link_cidr: IPv4Network) -> int:
    """How many routers the pool serves (one /26 each)."""
    if link_cidr.prefixlen > ROUTER_BLOCK_PREFIXLEN:
        return 0
    return 2 ** (ROUTER_BLOCK_PREFIXLEN - link_cidr.prefixlen)


def vxc_link(link_cidr: IPv4Network, router_index: int, vxc_index: int) -> PointToPoint:
    """The /30 of the VXC at position `vxc_index` of the router at `router_index`."""
    block = nth_subnet(link_cidr, ROUTER_BLOCK_PREFIXLEN, router_index)
    return PointToPoint(nth_subnet(block, 30, vxc_index))


@dataclass(frozen=True)
class AzureCircuitPlan:
    """One ExpressRoute circuit: a router's red (primary) and blue (secondary) VXCs to one cluster.

    An Azure private peering has one VLAN for both links: the red VXC's `vlan`. Each VXC's own
    `vlan` stays its MCR-side (A-End) VLAN.
    """

    router: MegaportRouter
    cluster: str
    primary: tuple[int, VxcPlan]
    secondary: tuple[int, VxcPlan]
    primary_link: PointToPoint
    secondary_link: PointToPoint

    @property
    def peering_vlan(self) -> int:
        return self.primary[1].vlan


def azure_circuits(mp: Megaport, router_index: int) -> list[AzureCircuitPlan]:
    """The ExpressRoute circuits of one router (validation guarantees one red and one blue each)."""
    router = mp.routers[router_index]
    by_cluster: dict[str, dict[str, tuple[int, VxcPlan]]] = {}
    for v, vxc in enumerate(router.vxcs):
        if vxc.cloud == "azure":
            by_cluster.setdefault(vxc.cluster, {})[vxc.diversity_zone] = (v, vxc)
    out = []
    for cluster, zones in by_cluster.items():
        red, blue = zones["red"], zones["blue"]
        out.append(
            AzureCircuitPlan(
                router=router,
                cluster=cluster,
                primary=red,
                secondary=blue,
                primary_link=vxc_link(mp.link_cidr, router_index, red[0]),
                secondary_link=vxc_link(mp.link_cidr, router_index, blue[0]),
            )
        )
    return out


def declared_ranges(clusters: Iterable[Cluster]) -> list[str]:
    """Every declared range (network, pods, services) of the clusters, as CIDR strings."""
    return [str(net) for c in clusters for _key, net in c.network.ranges()]


# --------------------------------------------------------------------------------------------
# VPN
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VpnTunnel:
    inside: PointToPoint

    def address_of(self, side: str) -> IPv4Address:
        """`a` (the link's first side) uses the first host, `b` the second."""
        return self.inside.first if side == "a" else self.inside.second


@dataclass(frozen=True)
class VpnLink:
    """Two clusters on different clouds joined by two IPsec tunnels with BGP."""

    index: int
    a: Cluster  # the side that comes first in CLOUD_ORDER
    b: Cluster
    tunnels: tuple[VpnTunnel, VpnTunnel]

    @property
    def name(self) -> str:
        return f"{self.a.name}--{self.b.name}"

    @property
    def clouds(self) -> tuple[str, str]:
        return (self.a.cloud, self.b.cloud)


def link_pairs(clusters: Sequence[Cluster], hub: str | None) -> list[tuple[Cluster, Cluster]]:
    """The pairs of clusters to join, in a stable order (see the module docstring)."""
    pairs = []
    for j in range(len(clusters)):
        for i in range(j):
            x, y = clusters[i], clusters[j]
            if x.cloud == y.cloud:
                continue
            if hub is not None and hub not in (x.name, y.name):
                continue
            pairs.append((x, y) if CLOUD_ORDER.index(x.cloud) < CLOUD_ORDER.index(y.cloud) else (y, x))
    return pairs


def tunnel_count(clusters: Sequence[Cluster], vpn: Vpn) -> int:
    return len(link_pairs(clusters, vpn.hub_cluster)) * vpn.tunnels_per_link


def vpn_links(clusters: Sequence[Cluster], vpn: Vpn) -> list[VpnLink]:
    """Every link of the environment with its tunnels' inside /30s."""
    links = []
    for index, (a, b) in enumerate(link_pairs(clusters, vpn.hub_cluster)):
        tunnels = tuple(
            VpnTunnel(PointToPoint(nth_subnet(vpn.bgp_inside_cidr, 30, index * vpn.tunnels_per_link + t)))
            for t in range(vpn.tunnels_per_link)
        )
        links.append(VpnLink(index=index, a=a, b=b, tunnels=tunnels))  # type: ignore[arg-type]
    return links


def side_of(link: VpnLink, cluster: str) -> str:
    return "a" if link.a.name == cluster else "b"
