"""AWS end of one IPsec site-to-site link: a customer gateway for the remote endpoint and a
VPN connection (two tunnels, BGP) on a VPC's virtual private gateway.

Resources (aws 6.25): aws_customer_gateway, aws_vpn_connection.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.customer_gateway import CustomerGateway
from cdktf_cdktf_provider_aws.vpn_connection import VpnConnection
from constructs import Construct

from constructs_lib.aws.interconnect import VpcGateway
from constructs_lib.ipsec import AWS_IPSEC, require_reference


class AwsSiteToSiteVpn(Construct):
    """A VPN connection from `gateway` to one remote endpoint, with dynamic (BGP) routing.

    AWS gives every connection exactly two tunnels to the same customer gateway address; in
    each tunnel's inside /30 the gateway (VGW) takes the first host and the remote the second.

    Props:
      name: Name tag of the customer gateway and the connection.
      gateway: the VPC gateway the tunnels end on.
      peer_ip_address: the remote endpoint's public IPv4 (a reference to the other cloud's gateway).
      peer_asn: the remote BGP ASN.
      tunnel_inside_cidrs: the two tunnels' inside /30s (link-local, not one of AWS's reserved ones).
      preshared_keys: the two tunnels' keys; references to generated secrets only (a literal is refused).
      ike_versions: IKE versions offered. Default IKEv2 only.
      tags: tags of both resources (Name is added).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        gateway: VpcGateway,
        peer_ip_address: str,
        peer_asn: int,
        tunnel_inside_cidrs: Sequence[str],
        preshared_keys: Sequence[str],
        tags: dict[str, str],
        ike_versions: Sequence[str] = ("ikev2",),
    ) -> None:
        super().__init__(scope, id_)
        if len(tunnel_inside_cidrs) != 2 or len(preshared_keys) != 2:
            raise ValueError(f"AwsSiteToSiteVpn {name}: an AWS VPN connection has exactly two tunnels.")
        keys = [
            require_reference(f"AwsSiteToSiteVpn {name}", f"preshared_keys[{i}]", k)
            for i, k in enumerate(preshared_keys)
        ]
        self.customer_gateway = CustomerGateway(
            self,
            "cgw",
            type="ipsec.1",
            bgp_asn=str(peer_asn),
            ip_address=peer_ip_address,
            region=gateway.region,
            tags={**tags, "Name": name},
        )
        self.connection = VpnConnection(
            self,
            "connection",
            type="ipsec.1",
            vpn_gateway_id=gateway.id,
            customer_gateway_id=self.customer_gateway.id,
            static_routes_only=False,
            region=gateway.region,
            tunnel1_inside_cidr=tunnel_inside_cidrs[0],
            tunnel2_inside_cidr=tunnel_inside_cidrs[1],
            tunnel1_preshared_key=keys[0],
            tunnel2_preshared_key=keys[1],
            tunnel1_ike_versions=list(ike_versions),
            tunnel2_ike_versions=list(ike_versions),
            # Pinned proposals (constructs_lib/ipsec.py): AWS would otherwise also offer AES128, SHA1, DH 2.
            tunnel1_phase1_encryption_algorithms=AWS_IPSEC["phase1_encryption_algorithms"],
            tunnel1_phase1_integrity_algorithms=AWS_IPSEC["phase1_integrity_algorithms"],
            tunnel1_phase1_dh_group_numbers=AWS_IPSEC["phase1_dh_group_numbers"],
            tunnel1_phase2_encryption_algorithms=AWS_IPSEC["phase2_encryption_algorithms"],
            tunnel1_phase2_integrity_algorithms=AWS_IPSEC["phase2_integrity_algorithms"],
            tunnel1_phase2_dh_group_numbers=AWS_IPSEC["phase2_dh_group_numbers"],
            tunnel2_phase1_encryption_algorithms=AWS_IPSEC["phase1_encryption_algorithms"],
            tunnel2_phase1_integrity_algorithms=AWS_IPSEC["phase1_integrity_algorithms"],
            tunnel2_phase1_dh_group_numbers=AWS_IPSEC["phase1_dh_group_numbers"],
            tunnel2_phase2_encryption_algorithms=AWS_IPSEC["phase2_encryption_algorithms"],
            tunnel2_phase2_integrity_algorithms=AWS_IPSEC["phase2_integrity_algorithms"],
            tunnel2_phase2_dh_group_numbers=AWS_IPSEC["phase2_dh_group_numbers"],
            tags={**tags, "Name": name},
        )

    @property
    def tunnel_addresses(self) -> tuple[str, str]:
        """The two tunnels' public (outside) addresses on the AWS side."""
        return (self.connection.tunnel1_address, self.connection.tunnel2_address)
