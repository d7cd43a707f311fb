"""AWS ends of the private interconnect: a VPC's virtual private gateway, a Direct Connect
gateway associated with such gateways, and acceptance of the hosted private VIFs that a
partner (Megaport) creates in our account.

Resources (aws 6.25): aws_vpn_gateway, aws_vpn_gateway_route_propagation, aws_dx_gateway,
aws_dx_gateway_association, aws_dx_hosted_private_virtual_interface_accepter.
Every regional resource names its `region` (AWS provider 6 per-resource region), so one
provider serves VPCs in several regions.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.dx_gateway import DxGateway
from cdktf_cdktf_provider_aws.dx_gateway_association import DxGatewayAssociation
from cdktf_cdktf_provider_aws.dx_hosted_private_virtual_interface_accepter import (
    DxHostedPrivateVirtualInterfaceAccepter,
)
from cdktf_cdktf_provider_aws.vpn_gateway import VpnGateway
from cdktf_cdktf_provider_aws.vpn_gateway_route_propagation import VpnGatewayRoutePropagation
from constructs import Construct


class VpcGateway(Construct):
    """A virtual private gateway attached to one VPC that propagates the routes it learns
    (over Direct Connect or IPsec VPN, by BGP) into the VPC's route tables.

    Props:
      name: the Name tag (`prod-aws-us-east-1-vgw`).
      vpc_id: the VPC, as a reference to the cluster stack's VPC.
      region: the VPC's region.
      route_table_ids: the route tables that receive the learned routes (the private ones,
        where the nodes live). Empty: nothing is propagated, so no workload reaches the other
        clouds until static routes are added.
      amazon_side_asn: the gateway's BGP ASN. Omitted: AWS's default (64512). Behind a Direct
        Connect gateway only the Direct Connect gateway's ASN is seen by peers.
      tags: tags of the gateway (Name is added).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        vpc_id: str,
        region: str,
        route_table_ids: Sequence[str],
        tags: dict[str, str],
        amazon_side_asn: int | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.region = region
        self.gateway = VpnGateway(
            self,
            "gateway",
            vpc_id=vpc_id,
            region=region,
            amazon_side_asn=str(amazon_side_asn) if amazon_side_asn is not None else None,
            tags={**tags, "Name": name},
        )
        self.propagations = [
            VpnGatewayRoutePropagation(
                self, f"propagation_{i}", vpn_gateway_id=self.gateway.id, route_table_id=rt, region=region
            )
            for i, rt in enumerate(route_table_ids)
        ]

    @property
    def id(self) -> str:
        return self.gateway.id


class DirectConnectGateway(Construct):
    """A Direct Connect gateway (global) that joins hosted private VIFs to VPC gateways.

    Props:
      name: the gateway's name.
      amazon_side_asn: the ASN AWS speaks BGP with on every VIF of this gateway (the
        `amazon_asn` a partner configures on its side). 64512-65534 or 4200000000-4294967294.
    """

    def __init__(self, scope: Construct, id_: str, *, name: str, amazon_side_asn: int) -> None:
        super().__init__(scope, id_)
        self.amazon_side_asn = amazon_side_asn
        self.gateway = DxGateway(self, "gateway", name=name, amazon_side_asn=str(amazon_side_asn))

    @property
    def id(self) -> str:
        return self.gateway.id

    def associate(
        self, id_: str, *, gateway: VpcGateway, allowed_prefixes: Sequence[str]
    ) -> DxGatewayAssociation:
        """Associate a VPC gateway; AWS advertises exactly `allowed_prefixes` towards the VIFs.

        `allowed_prefixes` is required and must not be empty: left to AWS, the gateway would
        advertise the whole VPC range whatever the plan says.
        """
        if not allowed_prefixes:
            raise ValueError(
                f"DirectConnectGateway {id_}: allowed_prefixes is empty; name the VPC ranges to advertise."
            )
        return DxGatewayAssociation(
            self,
            id_,
            dx_gateway_id=self.gateway.id,
            associated_gateway_id=gateway.id,
            allowed_prefixes=list(allowed_prefixes),
            region=gateway.region,
        )

    def accept_hosted_private_vif(
        self, id_: str, *, virtual_interface_id: str, region: str, tags: dict[str, str]
    ) -> DxHostedPrivateVirtualInterfaceAccepter:
        """Accept a hosted private VIF (created by the partner in our account) onto this gateway.

        `region` is the region of the Direct Connect location the VIF lives in.
        """
        return self.accept_hosted_private_vif_into(
            self, id_, virtual_interface_id=virtual_interface_id, region=region, tags=tags
        )

    def accept_hosted_private_vif_into(
        self, scope: Construct, id_: str, *, virtual_interface_id: str, region: str, tags: dict[str, str]
    ) -> DxHostedPrivateVirtualInterfaceAccepter:
        """Like accept_hosted_private_vif, with the accepter placed in `scope` (the VXC's pattern
        construct), so its logical id names the VXC it accepts."""
        return DxHostedPrivateVirtualInterfaceAccepter(
            scope,
            id_,
            virtual_interface_id=virtual_interface_id,
            dx_gateway_id=self.gateway.id,
            region=region,
            tags=tags,
        )
