"""Private paths from a VNet to Azure PaaS data planes: Private Link DNS zones and endpoints.

Resources (azurerm 4.55): azurerm_private_dns_zone, azurerm_private_dns_zone_virtual_network_link,
azurerm_private_endpoint. The zone names and subresource names are Azure's fixed values from
"Azure Private Endpoint private DNS zone values"
(https://learn.microsoft.com/azure/private-link/private-endpoint-dns): blob ->
privatelink.blob.core.windows.net, dfs -> privatelink.dfs.core.windows.net, Key Vault `vault` ->
privatelink.vaultcore.azure.net, Container Registry `registry` -> privatelink.azurecr.io (the
registry's login server and its regional data endpoints share that zone). An endpoint's `private_dns_zone_group` writes its A record into
the zone, so names resolve to the private address inside every VNet linked to the zone.
"""

from __future__ import annotations

from collections.abc import Mapping

from cdktf_cdktf_provider_azurerm.private_dns_zone import PrivateDnsZone
from cdktf_cdktf_provider_azurerm.private_dns_zone_virtual_network_link import (
    PrivateDnsZoneVirtualNetworkLink,
)
from cdktf_cdktf_provider_azurerm.private_endpoint import (
    PrivateEndpoint,
    PrivateEndpointPrivateDnsZoneGroup,
    PrivateEndpointPrivateServiceConnection,
)
from constructs import Construct

# subresource (group id) -> its private DNS zone (Azure public cloud)
PRIVATE_LINK_ZONES: dict[str, str] = {
    "blob": "privatelink.blob.core.windows.net",
    "dfs": "privatelink.dfs.core.windows.net",
    "vault": "privatelink.vaultcore.azure.net",
    "registry": "privatelink.azurecr.io",
}


class PrivateLinkDns(Construct):
    """The Private Link DNS zones of `subresources`, each linked to `virtual_network_id` (no
    auto-registration). `zone_ids` maps a subresource to its zone's id, for endpoints."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        resource_group_name: str,
        virtual_network_id: str,
        link_name: str,
        tags: Mapping[str, str],
        subresources: tuple[str, ...] = ("blob", "dfs", "vault", "registry"),
    ) -> None:
        super().__init__(scope, id_)
        self.zone_ids: dict[str, str] = {}
        for sub in subresources:
            zone = PrivateDnsZone(
                self,
                f"{sub}_zone",
                name=PRIVATE_LINK_ZONES[sub],
                resource_group_name=resource_group_name,
                tags=dict(tags),
            )
            PrivateDnsZoneVirtualNetworkLink(
                self,
                f"{sub}_link",
                name=link_name,
                resource_group_name=resource_group_name,
                private_dns_zone_name=zone.name,
                virtual_network_id=virtual_network_id,
                registration_enabled=False,
                tags=dict(tags),
            )
            self.zone_ids[sub] = zone.id


class PrivateEndpointTo(Construct):
    """A private endpoint in `subnet_id` to one subresource (`blob`, `dfs`, `vault`, `registry`) of
    `resource_id`, registered in that subresource's zone (`dns_zone_ids[subresource]`)."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        resource_group_name: str,
        subnet_id: str,
        resource_id: str,
        subresource: str,
        dns_zone_ids: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id_)
        if subresource not in PRIVATE_LINK_ZONES:
            raise ValueError(f"PrivateEndpointTo {name}: unknown subresource {subresource!r}")
        self.endpoint = PrivateEndpoint(
            self,
            "endpoint",
            name=name,
            location=location,
            resource_group_name=resource_group_name,
            subnet_id=subnet_id,
            private_service_connection=PrivateEndpointPrivateServiceConnection(
                name=name,
                private_connection_resource_id=resource_id,
                subresource_names=[subresource],
                is_manual_connection=False,
            ),
            private_dns_zone_group=PrivateEndpointPrivateDnsZoneGroup(
                name=subresource, private_dns_zone_ids=[dns_zone_ids[subresource]]
            ),
            tags=dict(tags),
        )
