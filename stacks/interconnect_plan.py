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
from typing import Literal

from stacks.params import Cluster, Megaport, MegaportRouter, Vpn, VxcPlan

CLOUD_ORDER = ("aws", "gcp", "azure")

# Megaport
ROUTER_BLOCK_PREFIXLEN = 26  # one /26 of link_cidr per router: 16 /30s
LINKS_PER_ROUTER = 2 ** (30 - ROUTER_BLOCK_PREFIXLEN)
GOOGLE_PARTNER_ASN = 16550  # Cloud Router ASN required for Partner Interconnect
MICROSOFT_ASN = 12076  # Microsoft's side of every ExpressRoute peering
GCP_EDGE_DOMAIN = {"red": "AVAILABILITY_DOMAIN_1", "blue": "AVAILABILITY_DOMAIN_2"}
AZURE_PORT: dict[str, Literal["primary", "secondary"]] = {"red": "primary", "blue": "secondary"}

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
    return 1 << (ROUTER_BLOCK_PREFIXLEN - link_cidr.prefixlen)


def vxc_link(link_cidr: IPv4Network, router_index: int, vxc_index: int) -> PointToPoint:
    """The /30 of the VXC at position `vxc_index` of the router at `router_index`."""
    block = nth_subnet(link_cidr, ROUTER_BLOCK_PREFIXLEN, router_index)
    return PointToPoint(nth_subnet(block, 30, vxc_index))


# ---- limits and lookups -------------------------------------------------------------------

# The fastest VXC each cloud product takes, in Mbps. Megaport's product pages: an AWS hosted VIF
# (connect_type "AWS") carries at most 5 Gbps; 10 Gbps to AWS needs a hosted connection ("AWSHC"),
# whose AWS side is a connection to accept and a VIF to create (provider-facts.md; the provider
# itself checks rate_limit only as a number, internal/provider/vxc_resource.go). Google Partner
# Interconnect attachments through Megaport go up to 10 Gbps (BPS_10G); an Azure VXC cannot
# carry more than its ExpressRoute circuit (checked against azure_circuit_bandwidth_mbps).
VXC_RATE_LIMITS_MBPS = {"aws": 5000, "gcp": 10000, "azure": 10000}

# megaport_partner's connect_type and company_name per cloud, as Megaport's own example spells them
# (terraform-provider-megaport v1.13.1 examples/mcr_cloud_end_to_end/megaport.tf: company_name
# "AWS" with connect_type AWSHC; company_name "Google inc.." with connect_type GOOGLE). Azure VXCs
# take the circuit's service key instead of a partner port lookup.
PARTNER_LOOKUP = {"aws": ("AWS", "AWS"), "gcp": ("GOOGLE", "Google inc..")}

# ExpressRoute gateway throughput (Microsoft: "About ExpressRoute virtual network gateways",
# gateway SKUs table): ErGw1AZ 1 Gbps, ErGw2AZ 2 Gbps, ErGw3AZ 10 Gbps.
EXPRESSROUTE_GATEWAY_MBPS = {"ErGw1AZ": 1000, "ErGw2AZ": 2000, "ErGw3AZ": 10000}


# Azure VPN gateway aggregate throughput (Microsoft "About VPN Gateway SKUs", benchmark table):
# VpnGw1AZ 650 Mbps, VpnGw2AZ 1 Gbps, VpnGw3AZ 1.25 Gbps, VpnGw4AZ 5 Gbps, VpnGw5AZ 10 Gbps.
AZURE_VPN_GATEWAY_MBPS = {
    "VpnGw1AZ": 650,
    "VpnGw2AZ": 1000,
    "VpnGw3AZ": 1250,
    "VpnGw4AZ": 5000,
    "VpnGw5AZ": 10000,
}
# AWS Site-to-Site VPN quotas: up to 1.25 Gbps per tunnel, and a virtual private gateway uses one
# tunnel of a connection at a time (no ECMP), so a link to an AWS VGW carries at most that.
AWS_VGW_LINK_MBPS = 1250


def logical(name: str) -> str:
    """`mcr-us-red` -> `mcr_us_red`: a construct id from a name of the environment file."""
    return name.replace("-", "_")


# ---- the typed plan ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VxcLink:
    """One VXC: a router's link to one cluster's cloud, with its /30 and its stable id."""

    router: MegaportRouter
    router_index: int
    vxc: VxcPlan
    cluster: Cluster
    link: PointToPoint

    @property
    def zone(self) -> str:
        return self.router.diversity_zone

    @property
    def cloud(self) -> str:
        return self.vxc.cloud

    @property
    def id(self) -> str:
        """`vxc_aws_us_east_1_red_ashburn`: what it connects (cluster, zone, on-ramp metro), never a position."""
        metro = f"_{self.vxc.onramp.metro}" if self.vxc.onramp is not None else ""
        return f"vxc_{logical(self.cluster.name)}_{self.zone}{logical(metro)}"

    def rate_limit_mbps(self, mp: Megaport) -> int:
        return self.vxc.rate_limit_mbps or mp.rate_limit_mbps


@dataclass(frozen=True)
class AzureCircuitPlan:
    """One ExpressRoute circuit: the red router's VXC on the primary port, the blue's on the secondary.

    An Azure private peering has one VLAN for both links: the red VXC's `vlan`."""

    cluster: Cluster
    primary: VxcLink
    secondary: VxcLink

    @property
    def peering_vlan(self) -> int:
        return self.primary.vxc.vlan


@dataclass(frozen=True)
class RouterPlan:
    router: MegaportRouter
    index: int
    vxcs: tuple[VxcLink, ...]

    @property
    def id(self) -> str:
        return logical(self.router.name)

    def of_cloud(self, cloud: str) -> list[VxcLink]:
        return [v for v in self.vxcs if v.cloud == cloud]


@dataclass(frozen=True)
class JurisdictionPlan:
    """A jurisdiction's routers and what hangs off them: the AWS clusters behind one Direct Connect
    gateway (a VPN gateway joins one DX gateway), GCP attachments per cluster, Azure circuits."""

    name: str
    routers: tuple[RouterPlan, ...]
    clusters: tuple[Cluster, ...]  # every cluster of the jurisdiction (prefix filters)

    def vxcs(self, cloud: str) -> list[VxcLink]:
        return [v for r in self.routers for v in r.of_cloud(cloud)]

    def aws_clusters(self) -> list[Cluster]:
        return [c for c in self.clusters if c.cloud == "aws"]

    def gcp_clusters(self) -> dict[str, list[VxcLink]]:
        out: dict[str, list[VxcLink]] = {}
        for v in self.vxcs("gcp"):
            out.setdefault(v.cluster.name, []).append(v)
        return out

    def azure_circuits(self) -> list[AzureCircuitPlan]:
        by_cluster: dict[str, dict[str, VxcLink]] = {}
        for v in self.vxcs("azure"):
            by_cluster.setdefault(v.cluster.name, {})[v.zone] = v
        return [
            AzureCircuitPlan(cluster=zones["red"].cluster, primary=zones["red"], secondary=zones["blue"])
            for zones in by_cluster.values()
            if set(zones) == {"red", "blue"}
        ]

    def prefixes(self) -> list[str]:
        """The declared ranges of the jurisdiction's clusters: the MCRs' prefix filter list."""
        return declared_ranges(self.clusters)


def megaport_plan(clusters: Sequence[Cluster], mp: Megaport) -> list[JurisdictionPlan]:
    """The interconnect as typed values, jurisdictions in order of their first router."""
    by_name = {c.name: c for c in clusters}
    out: dict[str, list[RouterPlan]] = {}
    for r, router in enumerate(mp.routers):
        links = tuple(
            VxcLink(
                router=router,
                router_index=r,
                vxc=vxc,
                cluster=by_name[vxc.cluster],
                link=vxc_link(mp.link_cidr, r, v),
            )
            for v, vxc in enumerate(router.vxcs)
        )
        out.setdefault(router.jurisdiction, []).append(RouterPlan(router=router, index=r, vxcs=links))
    return [
        JurisdictionPlan(
            name=j, routers=tuple(routers), clusters=tuple(c for c in clusters if c.jurisdiction == j)
        )
        for j, routers in out.items()
    ]


# ---- availability per path -------------------------------------------------------------------

# Each cloud's published topology -> availability rules:
# - Google Partner Interconnect: 99.99% needs attachments in two metros, both edge availability
#   domains in each; 99.9% needs both domains in one metro (Google Cloud "Establish 99.99%
#   availability for Partner Interconnect" / "99.9% availability" topologies).
# - AWS Direct Connect resiliency: maximum (99.99%) = separate connections on separate devices in
#   more than one location; high (99.9%) = one connection at each of several locations; one
#   location = development/test, no SLA (aws.amazon.com/directconnect/resiliency-recommendation).
# - Azure ExpressRoute: a circuit with both the primary and the secondary connection is 99.95%
#   (ExpressRoute SLA); more needs circuits at a second peering location, which this plan does
#   not build.
# On top of every cloud's rule: if the red and blue paths share a router (one MCR carries both
# zones), that router is a single point of failure and the path gets at most 99.9%.


@dataclass(frozen=True)
class PathSla:
    jurisdiction: str
    cloud: str
    cluster: str
    percent: float
    why: str


def _sla_of(cloud: str, links: Sequence[VxcLink]) -> tuple[float, str]:
    zones_by_site: dict[object, set[str]] = {}
    for v in links:
        site = v.vxc.onramp.location_id if v.vxc.onramp is not None else v.router.azure_peering_location
        zones_by_site.setdefault(site, set()).add(v.zone)
    routers = {v.router.name for v in links}
    full_sites = [s for s, z in zones_by_site.items() if z == {"red", "blue"}]
    if cloud == "gcp":
        if len(full_sites) >= 2:
            sla, why = 99.99, f"both edge domains in {len(full_sites)} metros"
        elif full_sites:
            sla, why = 99.9, "both edge domains in one metro"
        else:
            sla, why = 0.0, "no redundant pair of attachments"
    elif cloud == "aws":
        if len(full_sites) >= 2:
            sla, why = 99.99, f"red and blue VIFs at {len(full_sites)} on-ramp locations"
        elif len(zones_by_site) >= 2:
            sla, why = 99.9, f"one VIF at each of {len(zones_by_site)} locations"
        else:
            sla, why = 0.0, "one location (AWS: development/test, no SLA)"
    else:
        if full_sites:
            sla, why = 99.95, "one ExpressRoute circuit, primary and secondary connected"
        else:
            sla, why = 0.0, "circuit without both connections"
    if len(routers) < 2 and sla > 99.9:
        sla, why = 99.9, f"{why}, but red and blue share router {next(iter(routers))}"
    return sla, why


def path_slas(clusters: Sequence[Cluster], mp: Megaport) -> list[PathSla]:
    """The availability each (jurisdiction, cluster) path has, computed from the topology."""
    out = []
    for j in megaport_plan(clusters, mp):
        for cloud in ("aws", "gcp", "azure"):
            by_cluster: dict[str, list[VxcLink]] = {}
            for v in j.vxcs(cloud):
                by_cluster.setdefault(v.cluster.name, []).append(v)
            for cluster, links in by_cluster.items():
                percent, why = _sla_of(cloud, links)
                out.append(PathSla(j.name, cloud, cluster, percent, why))
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
        first = index * vpn.tunnels_per_link  # tunnels_per_link is Literal[2]: a pair of tunnels
        tunnels = (
            VpnTunnel(PointToPoint(nth_subnet(vpn.bgp_inside_cidr, 30, first))),
            VpnTunnel(PointToPoint(nth_subnet(vpn.bgp_inside_cidr, 30, first + 1))),
        )
        links.append(VpnLink(index=index, a=a, b=b, tunnels=tunnels))
    return links


def side_of(link: VpnLink, cluster: str) -> str:
    return "a" if link.a.name == cluster else "b"
