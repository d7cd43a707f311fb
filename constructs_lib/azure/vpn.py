"""Azure end of IPsec site-to-site links: a route-based, BGP-enabled VPN gateway in the VNet's
GatewaySubnet, and per remote tunnel a local network gateway and an IPsec connection.

Resources (azurerm 4.55): azurerm_public_ip, azurerm_virtual_network_gateway,
azurerm_local_network_gateway, azurerm_virtual_network_gateway_connection.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_azurerm.local_network_gateway import (
    LocalNetworkGateway,
    LocalNetworkGatewayBgpSettings,
)
from cdktf_cdktf_provider_azurerm.public_ip import PublicIp
from cdktf_cdktf_provider_azurerm.virtual_network_gateway import (
    VirtualNetworkGateway,
    VirtualNetworkGatewayBgpSettings,
    VirtualNetworkGatewayBgpSettingsPeeringAddresses,
    VirtualNetworkGatewayIpConfiguration,
)
from cdktf_cdktf_provider_azurerm.virtual_network_gateway_connection import (
    VirtualNetworkGatewayConnection,
    VirtualNetworkGatewayConnectionCustomBgpAddresses,
    VirtualNetworkGatewayConnectionIpsecPolicy,
)
from constructs import Construct

from constructs_lib.ipsec import AZURE_IPSEC, require_reference

IP_CONFIGURATION = "default"


class AzureVpnGateway(Construct):
    """A route-based VPN gateway with BGP, one public IP (active-standby).

    BGP runs over custom APIPA addresses (169.254.21.0-169.254.22.255), the only link-local
    range Azure accepts; every tunnel's Azure-side address must be listed in `apipa_addresses`.

    Props:
      name: gateway name; the public IP is `<name>-ip`.
      resource_group_name, location: the cluster VNet's group and region.
      gateway_subnet_id: the VNet's `GatewaySubnet` (a reference to the cluster stack's subnet).
      asn: the gateway's BGP ASN.
      apipa_addresses: the gateway's BGP addresses, one per tunnel.
      sku: gateway SKU. Default `VpnGw2AZ` (zone-redundant, about 1 Gbps; VpnGw1AZ carries 650 Mbps).
      zones: zones of the public IP. Default ("1", "2", "3"); pass () in a region without zones.
      tags: resource tags.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        location: str,
        gateway_subnet_id: str,
        asn: int,
        apipa_addresses: Sequence[str],
        tags: dict[str, str],
        sku: str = "VpnGw2AZ",
        zones: Sequence[str] = ("1", "2", "3"),
    ) -> None:
        super().__init__(scope, id_)
        if not apipa_addresses:
            raise ValueError(f"AzureVpnGateway {name}: apipa_addresses is empty; a BGP tunnel needs one.")
        self.name = name
        self.resource_group_name = resource_group_name
        self.location = location
        self.tags = tags
        self.apipa_addresses = tuple(apipa_addresses)
        self.public_ip = PublicIp(
            self,
            "ip",
            name=f"{name}-ip",
            resource_group_name=resource_group_name,
            location=location,
            sku="Standard",
            allocation_method="Static",
            zones=list(zones) or None,
            tags=tags,
        )
        self.gateway = VirtualNetworkGateway(
            self,
            "gateway",
            name=name,
            resource_group_name=resource_group_name,
            location=location,
            type="Vpn",
            vpn_type="RouteBased",
            sku=sku,
            active_active=False,
            enable_bgp=True,
            bgp_settings=VirtualNetworkGatewayBgpSettings(
                asn=asn,
                peering_addresses=[
                    VirtualNetworkGatewayBgpSettingsPeeringAddresses(
                        ip_configuration_name=IP_CONFIGURATION, apipa_addresses=list(apipa_addresses)
                    )
                ],
            ),
            ip_configuration=[
                VirtualNetworkGatewayIpConfiguration(
                    name=IP_CONFIGURATION,
                    public_ip_address_id=self.public_ip.id,
                    private_ip_address_allocation="Dynamic",
                    subnet_id=gateway_subnet_id,
                )
            ],
            tags=tags,
        )

    @property
    def public_ip_address(self) -> str:
        return self.public_ip.ip_address

    def connect(
        self,
        id_: str,
        *,
        name: str,
        peer_address: str,
        peer_asn: int,
        peer_bgp_address: str,
        local_bgp_address: str,
        shared_key: str,
    ) -> VirtualNetworkGatewayConnection:
        """One IPsec tunnel (IKEv2, BGP) to a remote endpoint.

        `local_bgp_address` must be one of the gateway's `apipa_addresses`; `shared_key` a
        reference to a generated secret (a literal is refused).
        """
        if local_bgp_address not in self.apipa_addresses:
            raise ValueError(
                f"AzureVpnGateway {self.name}: {local_bgp_address} is not one of its apipa_addresses."
            )
        local = LocalNetworkGateway(
            self,
            f"{id_}_peer",
            name=name,
            resource_group_name=self.resource_group_name,
            location=self.location,
            gateway_address=peer_address,
            bgp_settings=LocalNetworkGatewayBgpSettings(asn=peer_asn, bgp_peering_address=peer_bgp_address),
            tags=self.tags,
        )
        return VirtualNetworkGatewayConnection(
            self,
            id_,
            name=name,
            resource_group_name=self.resource_group_name,
            location=self.location,
            type="IPsec",
            connection_protocol="IKEv2",
            virtual_network_gateway_id=self.gateway.id,
            local_network_gateway_id=local.id,
            enable_bgp=True,
            custom_bgp_addresses=VirtualNetworkGatewayConnectionCustomBgpAddresses(primary=local_bgp_address),
            # Pinned proposal (constructs_lib/ipsec.py) instead of Azure's default list.
            ipsec_policy=VirtualNetworkGatewayConnectionIpsecPolicy(**AZURE_IPSEC),
            shared_key=require_reference(f"AzureVpnGateway {self.name}", f"{name} shared_key", shared_key),
            tags=self.tags,
        )
