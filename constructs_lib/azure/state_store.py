"""The Azure storage container that holds an environment's Terraform state (backend "azurerm").

Resources (azurerm 4.55): azurerm_resource_group, azurerm_storage_account,
azurerm_storage_container. Locking is the backend's blob lease; encryption at rest is always on
(Microsoft-managed keys, AES-256).

What is on without asking: TLS 1.2+, HTTPS only, no shared keys (Entra ID only: the backend
needs `use_azuread_auth = true`, which stacks/base.py sets), no public blob access, blob
versioning and 30-day soft delete for blobs and containers, ZRS, and `prevent_destroy`.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.storage_account import (
    StorageAccount,
    StorageAccountBlobProperties,
    StorageAccountBlobPropertiesContainerDeleteRetentionPolicy,
    StorageAccountBlobPropertiesDeleteRetentionPolicy,
)
from cdktf_cdktf_provider_azurerm.storage_container import StorageContainer
from constructs import Construct


class AzureStateContainer(Construct):
    """Props: resource_group_name, storage_account_name, container_name (all from the backend),
    location, tags, soft_delete_days."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        resource_group_name: str,
        storage_account_name: str,
        container_name: str,
        location: str,
        tags: dict[str, str],
        soft_delete_days: int = 30,
    ) -> None:
        super().__init__(scope, id_)
        self.resource_group = ResourceGroup(
            self, "resource_group", name=resource_group_name, location=location, tags=tags
        )
        self.account = StorageAccount(
            self,
            "account",
            name=storage_account_name,
            resource_group_name=self.resource_group.name,
            location=location,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type="ZRS",
            min_tls_version="TLS1_2",
            https_traffic_only_enabled=True,
            allow_nested_items_to_be_public=False,
            shared_access_key_enabled=False,
            default_to_oauth_authentication=True,
            blob_properties=StorageAccountBlobProperties(
                versioning_enabled=True,
                delete_retention_policy=StorageAccountBlobPropertiesDeleteRetentionPolicy(
                    days=soft_delete_days
                ),
                container_delete_retention_policy=StorageAccountBlobPropertiesContainerDeleteRetentionPolicy(
                    days=soft_delete_days
                ),
            ),
            tags=tags,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        self.container = StorageContainer(
            self,
            "container",
            name=container_name,
            storage_account_id=self.account.id,
            container_access_type="private",
        )
