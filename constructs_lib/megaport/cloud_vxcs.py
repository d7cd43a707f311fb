"""Small pattern constructs: one VXC from an MCR to a cloud, with the cloud's side of it.

They take constructs (the MCR, its prefix filter list, the partner port, the Direct Connect
gateway, the GCP attachment, the ExpressRoute circuit), never indices. Each resource keeps a
short child id (`vxc`, `accepter`, `port`) below the pattern's id, so a pattern named
`vxc_aws_us_east_1_red_ashburn` yields `vxc_aws_us_east_1_red_ashburn_vxc`.

Limits (checked here, and earlier, with file/key messages, by stacks/validation.py):
- An AWS hosted VIF (`connect_type = "AWS"`) carries at most 5 Gbps (Megaport's AWS product
  page; provider-facts.md). 10 Gbps needs a hosted connection (`AWSHC`), not built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from cdktf import Fn, TerraformIterator, Token
from constructs import Construct

from constructs_lib.aws.interconnect import DirectConnectGateway
from constructs_lib.azure.interconnect import ExpressRouteCircuit

from .data import DataMegaportPartner
from .mcr import Mcr
from .prefix_filter import McrPrefixFilterList
from .vxc import (
    AwsConfig,
    AzureConfig,
    BgpConnection,
    GoogleConfig,
    PartnerConfig,
    VrouterConfig,
    VrouterInterface,
    Vxc,
    VxcEnd,
)

HOSTED_VIF_MAX_MBPS = 5000


def _partner_port(
    scope: Construct,
    *,
    connect_type: str,
    company_name: str,
    onramp_product_name: str,
    onramp_location_id: int,
    diversity_zone: str,
) -> DataMegaportPartner:
    """The partner port the way Megaport's examples find it: product name and company at the
    cloud's on-ramp location, in the VXC's diversity zone (v1.13.1
    examples/mcr_cloud_end_to_end/megaport.tf)."""
    return DataMegaportPartner(
        scope,
        "port",
        connect_type=connect_type,
        company_name=company_name,
        product_name=onramp_product_name,
        location_id=onramp_location_id,
        diversity_zone=diversity_zone,
    )


def _partner_vxc(
    scope: Construct,
    *,
    connect_type: str,
    company_name: str,
    onramp_product_name: str,
    onramp_location_id: int,
    diversity_zone: str,
    mcr: Mcr,
    vlan: int,
    product_name: str,
    rate_limit_mbps: int,
    contract_term_months: int,
    resource_tags: Mapping[str, str],
    partner_config: PartnerConfig,
    depends_on: Sequence[McrPrefixFilterList],
) -> tuple[DataMegaportPartner, Vxc]:
    """A VXC from the MCR to a cloud's partner port (AWS, Google): the port found by
    `_partner_port`, the cloud's side described by `partner_config`."""
    port = _partner_port(
        scope,
        connect_type=connect_type,
        company_name=company_name,
        onramp_product_name=onramp_product_name,
        onramp_location_id=onramp_location_id,
        diversity_zone=diversity_zone,
    )
    vxc = Vxc(
        scope,
        "vxc",
        product_name=product_name,
        rate_limit=rate_limit_mbps,
        contract_term_months=contract_term_months,
        resource_tags=resource_tags,
        a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=vlan),
        b_end=VxcEnd(requested_product_uid=port.product_uid),
        b_end_partner_config=partner_config,
        depends_on=list(depends_on) or None,
    )
    return port, vxc


def aws_vif_id(vxc: Vxc) -> str:
    """The hosted VIF id Megaport reports on a VXC to AWS, as a reference.

    megaport_vxc exports it as `csp_connections[*].vif_id` ("The ID of the AWS Virtual
    Interface"). The list also holds the MCR's own entry and its order is not documented, so
    the entry is selected by `connect_type == "AWS"` rather than by position.
    """
    connections = TerraformIterator.from_list(vxc.interpolation_for_attribute("csp_connections"))
    return Token.as_string(
        Fn.one(connections.for_expression_for_list('val.vif_id if val.connect_type == "AWS"'))
    )


class HostedVifVxc(Construct):
    """A VXC ordering an AWS hosted private VIF, and its acceptance onto a Direct Connect gateway.

    Megaport configures the MCR's BGP session for a hosted VIF from `aws_config` (ASNs and the
    /30's addresses); `prefixes` is what the MCR announces to AWS.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        mcr: Mcr,
        mcr_asn: int,
        diversity_zone: str,
        onramp_location_id: int,
        onramp_product_name: str,
        company_name: str,
        dx_gateway: DirectConnectGateway,
        accepter_region: str,
        owner_account: str,
        product_name: str,
        rate_limit_mbps: int,
        contract_term_months: int,
        vlan: int,
        customer_address: str,
        amazon_address: str,
        announced_prefixes: Sequence[str],
        resource_tags: Mapping[str, str],
        tags: Mapping[str, str],
        depends_on: Sequence[McrPrefixFilterList] = (),
    ) -> None:
        super().__init__(scope, id_)
        if rate_limit_mbps > HOSTED_VIF_MAX_MBPS:
            raise ValueError(
                f"HostedVifVxc {id_}: {rate_limit_mbps} Mbps exceeds the hosted VIF limit of "
                f"{HOSTED_VIF_MAX_MBPS} Mbps; use 5000 or less (10 Gbps needs a hosted connection, AWSHC)."
            )
        self.port, self.vxc = _partner_vxc(
            self,
            connect_type="AWS",
            company_name=company_name,
            onramp_product_name=onramp_product_name,
            onramp_location_id=onramp_location_id,
            diversity_zone=diversity_zone,
            mcr=mcr,
            vlan=vlan,
            product_name=product_name,
            rate_limit_mbps=rate_limit_mbps,
            contract_term_months=contract_term_months,
            resource_tags=resource_tags,
            partner_config=PartnerConfig(
                partner="aws",
                aws_config=AwsConfig(
                    connect_type="AWS",
                    type="private",
                    name=product_name,
                    owner_account=owner_account,
                    asn=mcr_asn,
                    amazon_asn=dx_gateway.amazon_side_asn,
                    customer_ip_address=customer_address,
                    amazon_ip_address=amazon_address,
                    prefixes=",".join(announced_prefixes) or None,
                ),
            ),
            depends_on=depends_on,
        )
        self.accepter = dx_gateway.accept_hosted_private_vif_into(
            self,
            "accepter",
            virtual_interface_id=aws_vif_id(self.vxc),
            region=accepter_region,
            tags={**tags, "Name": product_name},
        )


class GooglePartnerVxc(Construct):
    """A VXC to a Google Partner Interconnect attachment, found by its pairing key."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        mcr: Mcr,
        diversity_zone: str,
        onramp_location_id: int,
        onramp_product_name: str,
        company_name: str,
        pairing_key: str,
        product_name: str,
        rate_limit_mbps: int,
        contract_term_months: int,
        vlan: int,
        resource_tags: Mapping[str, str],
        depends_on: Sequence[McrPrefixFilterList] = (),
    ) -> None:
        super().__init__(scope, id_)
        self.port, self.vxc = _partner_vxc(
            self,
            connect_type="GOOGLE",
            company_name=company_name,
            onramp_product_name=onramp_product_name,
            onramp_location_id=onramp_location_id,
            diversity_zone=diversity_zone,
            mcr=mcr,
            vlan=vlan,
            product_name=product_name,
            rate_limit_mbps=rate_limit_mbps,
            contract_term_months=contract_term_months,
            resource_tags=resource_tags,
            partner_config=PartnerConfig(
                partner="google", google_config=GoogleConfig(pairing_key=pairing_key)
            ),
            depends_on=depends_on,
        )


class ExpressRouteVxc(Construct):
    """One of an ExpressRoute circuit's two VXCs (primary or secondary port), with the MCR's
    BGP session to Microsoft filtered both ways by the MCR's prefix filter list."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        mcr: Mcr,
        prefix_filter: McrPrefixFilterList,
        circuit: ExpressRouteCircuit,
        port_choice: Literal["primary", "secondary"],
        peering_vlan: int,
        mcr_address: str,
        microsoft_address: str,
        prefixlen: int,
        microsoft_asn: int,
        product_name: str,
        rate_limit_mbps: int,
        contract_term_months: int,
        vlan: int,
        resource_tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id_)
        self.vxc = Vxc(
            self,
            "vxc",
            product_name=product_name,
            rate_limit=rate_limit_mbps,
            contract_term_months=contract_term_months,
            resource_tags=resource_tags,
            a_end=VxcEnd(requested_product_uid=mcr.product_uid, ordered_vlan=vlan),
            a_end_partner_config=PartnerConfig(
                partner="vrouter",
                vrouter_config=VrouterConfig(
                    interfaces=[
                        VrouterInterface(
                            ip_addresses=[f"{mcr_address}/{prefixlen}"],
                            vlan=peering_vlan,
                            bgp_connections=[
                                BgpConnection(
                                    peer_asn=microsoft_asn,
                                    local_ip_address=mcr_address,
                                    peer_ip_address=microsoft_address,
                                    description=f"{product_name} {port_choice}",
                                    import_whitelist=prefix_filter.description,
                                    export_whitelist=prefix_filter.description,
                                )
                            ],
                        )
                    ]
                ),
            ),
            b_end=VxcEnd(),
            b_end_partner_config=PartnerConfig(
                partner="azure",
                azure_config=AzureConfig(service_key=circuit.service_key, port_choice=port_choice),
            ),
            depends_on=[prefix_filter],
        )
