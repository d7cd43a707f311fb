"""GCP end of IPsec site-to-site links: an HA VPN gateway and a Cloud Router in the cluster's
network, and per remote peer an external VPN gateway with BGP-routed tunnels.

Resources (google 6.50): google_compute_ha_vpn_gateway, google_compute_router,
google_compute_external_vpn_gateway, google_compute_vpn_tunnel, google_compute_router_interface,
google_compute_router_peer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_google.compute_external_vpn_gateway import (
    ComputeExternalVpnGateway,
    ComputeExternalVpnGatewayInterface,
)
from cdktf_cdktf_provider_google.compute_ha_vpn_gateway import ComputeHaVpnGateway
from cdktf_cdktf_provider_google.compute_router import (
    ComputeRouter,
    ComputeRouterBgp,
    ComputeRouterBgpAdvertisedIpRanges,
)
from cdktf_cdktf_provider_google.compute_router_interface import ComputeRouterInterface
from cdktf_cdktf_provider_google.compute_router_peer import ComputeRouterPeer
from cdktf_cdktf_provider_google.compute_vpn_tunnel import ComputeVpnTunnel
from constructs import Construct

from constructs_lib.ipsec import require_reference

# redundancy_type of an external VPN gateway, by its number of interfaces.
REDUNDANCY = {1: "SINGLE_IP_INTERNALLY_REDUNDANT", 2: "TWO_IPS_REDUNDANCY", 4: "FOUR_IPS_REDUNDANCY"}


@dataclass(frozen=True, kw_only=True)
class HaVpnTunnel:
    """One tunnel to a peer.

    gateway_interface: the HA VPN gateway interface (0 or 1) the tunnel leaves from.
    peer_interface: the external gateway interface (index into `peer_addresses`) it goes to.
    shared_secret: the pre-shared key, a reference to a generated secret.
    inside_address: our BGP address with its mask (`169.254.21.2/30`).
    peer_inside_address: the peer's BGP address, without mask.
    """

    gateway_interface: int
    peer_interface: int
    shared_secret: str
    inside_address: str
    peer_inside_address: str


class HaVpn(Construct):
    """An HA VPN gateway and its Cloud Router in one network and region.

    The router advertises only `advertised_ranges` (advertise mode CUSTOM), never every
    subnetwork of the VPC.

    Props:
      name: name of the gateway and the router; peers and tunnels are `<name>-<peer>-<n>`.
      network: the VPC (self link or id, a reference to the cluster stack's network).
      region: the region of the gateway and router.
      asn: the router's BGP ASN.
      advertised_ranges: the CIDRs announced to every peer (required, not empty).
      labels: labels of the gateway and tunnels.
      project: the project. Omitted: the provider's.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        network: str,
        region: str,
        asn: int,
        advertised_ranges: Sequence[str],
        labels: Mapping[str, str],
        project: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if not advertised_ranges:
            raise ValueError(f"HaVpn {name}: advertised_ranges is empty; name the CIDRs to announce.")
        self.name = name
        self.region = region
        self.project = project
        self.labels = dict(labels)
        self.gateway = ComputeHaVpnGateway(
            self, "gateway", name=name, network=network, region=region, project=project, labels=self.labels
        )
        self.router = ComputeRouter(
            self,
            "router",
            name=name,
            network=network,
            region=region,
            project=project,
            description="HA VPN to the other clouds; advertises the cluster's declared ranges only",
            bgp=ComputeRouterBgp(
                asn=asn,
                advertise_mode="CUSTOM",
                advertised_ip_ranges=[ComputeRouterBgpAdvertisedIpRanges(range=r) for r in advertised_ranges],
            ),
        )

    def interface_address(self, index: int) -> str:
        """The public address of gateway interface 0 or 1, as a reference."""
        return self.gateway.vpn_interfaces.get(index).ip_address

    def connect(
        self,
        id_: str,
        *,
        peer: str,
        peer_addresses: Sequence[str],
        peer_asn: int,
        tunnels: Sequence[HaVpnTunnel],
    ) -> ComputeExternalVpnGateway:
        """Add a remote peer (its public addresses) and BGP tunnels to it.

        Each tunnel gets a router interface with `inside_address` and a BGP peer at
        `peer_inside_address` with `peer_asn`. IKEv2 only.
        """
        if len(peer_addresses) not in REDUNDANCY:
            raise ValueError(f"HaVpn {self.name}: {len(peer_addresses)} peer addresses; use 1, 2 or 4.")
        ext = ComputeExternalVpnGateway(
            self,
            f"{id_}_peer",
            name=f"{self.name}-{peer}"[:63].rstrip("-"),
            project=self.project,
            labels=self.labels,
            redundancy_type=REDUNDANCY[len(peer_addresses)],
            interface=[
                ComputeExternalVpnGatewayInterface(id=i, ip_address=a) for i, a in enumerate(peer_addresses)
            ],
        )
        for n, t in enumerate(tunnels):
            if t.gateway_interface not in (0, 1) or not 0 <= t.peer_interface < len(peer_addresses):
                raise ValueError(
                    f"HaVpn {self.name}: tunnel {n} to {peer} names an interface that does not exist."
                )
            tunnel_name = f"{self.name}-{peer}"[:61].rstrip("-") + f"-{n}"
            tunnel = ComputeVpnTunnel(
                self,
                f"{id_}_tunnel_{n}",
                name=tunnel_name,
                region=self.region,
                project=self.project,
                vpn_gateway=self.gateway.id,
                vpn_gateway_interface=t.gateway_interface,
                peer_external_gateway=ext.id,
                peer_external_gateway_interface=t.peer_interface,
                shared_secret=require_reference(
                    f"HaVpn {self.name}", f"tunnel {n} shared_secret", t.shared_secret
                ),
                router=self.router.id,
                ike_version=2,
                labels=self.labels,
            )
            interface = ComputeRouterInterface(
                self,
                f"{id_}_interface_{n}",
                name=tunnel_name,
                router=self.router.name,
                region=self.region,
                project=self.project,
                ip_range=t.inside_address,
                vpn_tunnel=tunnel.name,
            )
            ComputeRouterPeer(
                self,
                f"{id_}_bgp_{n}",
                name=tunnel_name,
                router=self.router.name,
                region=self.region,
                project=self.project,
                interface=interface.name,
                peer_ip_address=t.peer_inside_address,
                peer_asn=peer_asn,
            )
        return ext
