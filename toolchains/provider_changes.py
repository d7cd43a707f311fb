"""Why a resource argument differs between the cdktf and the cdktn provider versions.

Each entry names a Terraform block type and a top-level argument, the provider release that
changed it and the CHANGELOG / upgrade-guide text that says so (found with the search tool in the
providers' own repositories; the URL is the citation). toolchains/compare.py attaches the reason
to every difference and refused argument with the same (type, argument). An entry is a claim about
a provider, so it comes from the provider's documents, never from this app's code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProviderChange:
    block_type: str  # `azurerm_subnet`; `*` for every block of the provider named in `provider`
    argument: str
    text: str
    url: str


AZURERM_5 = (
    "https://github.com/hashicorp/terraform-provider-azurerm/blob/main/website/docs/guides/"
    "5.0-upgrade-guide.html.markdown"
)
GOOGLE_7 = (
    "https://github.com/hashicorp/terraform-provider-google/blob/main/website/docs/guides/"
    "version_7_upgrade.html.markdown"
)

CHANGES: tuple[ProviderChange, ...] = (
    ProviderChange(
        "azurerm_federated_identity_credential",
        "parent_id",
        "azurerm 5.0: the deprecated `parent_id` property has been removed in favour of `user_assigned_identity_id`",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_federated_identity_credential",
        "user_assigned_identity_id",
        "azurerm 5.0: replaces the removed `parent_id` (same value: the user-assigned identity's id)",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_federated_identity_credential",
        "resource_group_name",
        "azurerm 5.x: not in the 5.10 schema (the identity id now locates the credential); the 5.0 "
        "upgrade guide lists only the `parent_id` removal for this resource",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_kubernetes_cluster",
        "node_provisioning_profile",
        "azurerm 5.0: the `node_provisioning_profile` block is now required",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_private_dns_zone_virtual_network_link",
        "private_dns_zone_name",
        "azurerm 5.0: the `private_dns_zone_name` property has been removed in favour of `private_dns_zone_id`",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_private_dns_zone_virtual_network_link",
        "resource_group_name",
        "azurerm 5.0: the `resource_group_name` property has been removed in favour of `private_dns_zone_id`",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_private_dns_zone_virtual_network_link",
        "private_dns_zone_id",
        "azurerm 5.0: replaces the removed `private_dns_zone_name` and `resource_group_name` (the zone's id)",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_subnet",
        "service_endpoints",
        "azurerm 5.0: the deprecated `service_endpoints` property has been removed in favour of the "
        "`service_endpoint` block",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_virtual_network_gateway",
        "enable_bgp",
        "azurerm 5.0: the deprecated `enable_bgp` property has been removed in favour of `bgp_enabled`",
        AZURERM_5,
    ),
    ProviderChange(
        "azurerm_virtual_network_gateway_connection",
        "enable_bgp",
        "azurerm 5.0: the deprecated `enable_bgp` property has been removed in favour of `bgp_enabled`",
        AZURERM_5,
    ),
    ProviderChange(
        "google_storage_bucket",
        "retention_policy",
        "google 7.0: `retention_period` changed to the `string` data type (Terraform's type conversion "
        "accepts the old number)",
        GOOGLE_7,
    ),
    ProviderChange(
        "google_storage_bucket",
        "retention_period",
        "google 7.0: `retention_period` changed to the `string` data type (Terraform's type conversion "
        "accepts the old number)",
        GOOGLE_7,
    ),
)


def reason_for(block_type: str, argument: str) -> ProviderChange | None:
    for change in CHANGES:
        if change.block_type == block_type and change.argument == argument:
            return change
    return None
