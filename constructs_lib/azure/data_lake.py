"""A regional Azure data lake: one hardened storage account per data classification.

Per classification: a user-assigned identity, a Key Vault key (rotated) that only this identity may
use for wrap/unwrap, and a StorageV2 account that is zone-redundant (ZRS; LRS on request, never a
geo-redundant SKU), TLS 1.2 and HTTPS only, without shared keys or public network access, with
infrastructure encryption and the customer-managed key, blob versioning, change feed and soft
delete, one private container per zone, the lifecycle of constructs_lib/storage_spec.py as a
storage management policy, and blob read/write/delete logs sent to the lake's log account. The
`archive` account carries an account-level (version-level WORM) immutability policy.

Replication: classifications the replication rule allows (storage_spec.may_replicate) get a
replica account in the replica region (same hardening, its own key vault and key) and an object
replication policy per zone container. Azure's geo-redundant SKUs are not used for anything: they
copy to a fixed paired region the residency map did not choose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from cdktf_cdktf_provider_azurerm.key_vault import KeyVault, KeyVaultNetworkAcls
from cdktf_cdktf_provider_azurerm.key_vault_key import (
    KeyVaultKey,
    KeyVaultKeyRotationPolicy,
    KeyVaultKeyRotationPolicyAutomatic,
)
from cdktf_cdktf_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
)
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.storage_account import (
    StorageAccount,
    StorageAccountBlobProperties,
    StorageAccountBlobPropertiesContainerDeleteRetentionPolicy,
    StorageAccountBlobPropertiesDeleteRetentionPolicy,
    StorageAccountCustomerManagedKey,
    StorageAccountIdentity,
    StorageAccountImmutabilityPolicy,
    StorageAccountNetworkRules,
)
from cdktf_cdktf_provider_azurerm.storage_container import StorageContainer
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicy,
)
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicyRule as Rule,
)
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicyRuleActions as Actions,
)
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicyRuleActionsBaseBlob as BaseBlob,
)
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicyRuleActionsVersion as Version,
)
from cdktf_cdktf_provider_azurerm.storage_management_policy import (
    StorageManagementPolicyRuleFilters as Filters,
)
from cdktf_cdktf_provider_azurerm.storage_object_replication import (
    StorageObjectReplication,
    StorageObjectReplicationRules,
)
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from constructs_lib import storage_spec
from constructs_lib.azure.names import key_vault_name, storage_account_name
from constructs_lib.storage_spec import ARCHIVE, CLASSIFICATIONS, LifecyclePlan, TierSpec
from constructs_lib.tags import data_tags

# Redundancy that keeps every copy in the account's own region.
IN_REGION_REPLICATION_TYPES = ("LRS", "ZRS")
# Blob service log categories (Azure Monitor resource log categories of blobServices).
BLOB_LOG_CATEGORIES = ("StorageRead", "StorageWrite", "StorageDelete")
# Built-in roles: the deployer manages keys, each account's identity only wraps/unwraps with its key.
KEY_ADMIN_ROLE = "Key Vault Crypto Officer"
KEY_USER_ROLE = "Key Vault Crypto Service Encryption User"


AzureReplica = storage_spec.Replica  # the one replica type of the three clouds (kept name)


@dataclass
class AzureLakeAccount:
    classification: str
    account: StorageAccount
    key: KeyVaultKey
    identity: UserAssignedIdentity
    containers: dict[str, StorageContainer]
    region: str
    jurisdiction: str


@dataclass
class _Side:
    """Everything an account in one region needs around it: resource group and key vault."""

    name: str  # "" for the primary region, "replica"
    resource_group_name: str
    region: str
    jurisdiction: str
    resource_group: ResourceGroup
    key_vault: KeyVault
    key_admin: RoleAssignment


class AzureDataLake(Construct):
    """The data lake of one Azure region.

    Props (keyword-only):
    - `name_stem`, `name_seed`: account and vault names are derived from them deterministically
      (constructs_lib/azure/names.py); the seed (the subscription id) makes them unique.
    - `resource_group_name`: the lake's resource group (created). The replica gets
      `<name>-replica` in the replica region.
    - `region`, `jurisdiction`: where the lake is and which jurisdiction that region belongs to.
    - `tags`: the common tags; `data_classification` and `jurisdiction` are added per resource.
    - `classifications`, `zones`, `tiers`: as in S3DataLake.
    - `replication_type`: LRS or ZRS. Left out: ZRS (three zones). Geo-redundant SKUs are refused.
    - `archive_retention_days`: the archive account's immutability period. Left out: 2557 (7 years).
    - `immutability_locked`: lock the archive policy (irreversible: the period can then only grow).
      Azure creates a policy Unlocked and locks it in a later update, so leave it False for the
      first apply. Left out: False.
    - `access_log_retention_days`: blob logs are deleted after this. Left out: 365.
    - `soft_delete_days`: blob and container soft delete. Left out: 30.
    - `replica`: the replica region. Left out: nothing replicates.
    - `key_rotation_days`: Key Vault automatic rotation period. Left out: 90.
    - `key_vault_allowed_cidrs`: networks (the deployment runner) allowed to reach the key vaults.
      Left out: none - only trusted Azure services and private endpoints reach them, so Terraform
      must run from a network with a private endpoint.
    - `key_vault_allowed_subnet_ids`: subnets (a self-hosted runner with the Microsoft.KeyVault
      service endpoint) allowed to reach the key vaults. Left out: none.
    - `force_destroy`: allow `terraform destroy` to remove the keys. Left out: False (keys carry
      `prevent_destroy`).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name_stem: str,
        name_seed: str,
        resource_group_name: str,
        region: str,
        jurisdiction: str,
        tags: Mapping[str, str],
        classifications: Sequence[str] = CLASSIFICATIONS,
        zones: Sequence[str] = ("raw", "processed", "curated", "models"),
        tiers: TierSpec = TierSpec(),
        replication_type: str = "ZRS",
        archive_retention_days: int = 2557,
        immutability_locked: bool = False,
        access_log_retention_days: int = 365,
        soft_delete_days: int = 30,
        replica: AzureReplica | None = None,
        key_rotation_days: int = 90,
        key_vault_allowed_cidrs: Sequence[str] = (),
        key_vault_allowed_subnet_ids: Sequence[str] = (),
        force_destroy: bool = False,
        erasure_days: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if replication_type not in IN_REGION_REPLICATION_TYPES:
            raise ValueError(
                f"replication_type '{replication_type}' would copy data outside the region; use "
                f"{' or '.join(IN_REGION_REPLICATION_TYPES)} (replicas are explicit, see `replica`)"
            )
        storage_spec.check_classifications(classifications, jurisdiction, kind="accounts")
        self._id = id_
        self._stem = name_stem
        self._seed = name_seed
        self._tags = dict(tags)
        self._zones = tuple(z.strip("/") for z in zones)
        self._replication_type = replication_type
        self._plan: LifecyclePlan = storage_spec.lifecycle_plan(
            tiers, "azure", azure_replication_type=replication_type
        )
        self._rotation = key_rotation_days
        self._erasure = dict(erasure_days or {})
        self._log_retention = access_log_retention_days
        self._soft_delete = soft_delete_days
        self._allowed_cidrs = list(key_vault_allowed_cidrs)
        self._allowed_subnets = list(key_vault_allowed_subnet_ids)
        self._force_destroy = force_destroy

        self.client = DataAzurermClientConfig(self, "client")
        primary = self._side("", resource_group_name, region, jurisdiction)
        self.primary_key_vault = primary.key_vault
        self.primary_resource_group = primary.resource_group
        self.log_account = self._account(
            primary, "logs", storage_spec.PII, containers=(), lifecycle=self._log_rules(), log_to=None
        )
        self.accounts: dict[str, AzureLakeAccount] = {}
        for c in classifications:
            archive = c == ARCHIVE
            self.accounts[c] = self._account(
                primary,
                c,
                c,
                containers=("archive",) if archive else self._zones,
                lifecycle=self._tier_rules(whole_account=archive, classification=c),
                log_to=self.log_account,
                immutability=(archive_retention_days, immutability_locked) if archive else None,
            )

        self.replicas: dict[str, AzureLakeAccount] = {}
        self.replicated = storage_spec.replicated_classifications(
            classifications,
            source_jurisdiction=jurisdiction,
            replica_jurisdiction=replica.jurisdiction if replica else None,
        )
        if replica is not None and self.replicated:
            side = self._side(
                "replica", f"{resource_group_name}-replica", replica.region, replica.jurisdiction
            )
            self.replica_log_account = self._account(
                side, "logs", storage_spec.PII, containers=(), lifecycle=self._log_rules(), log_to=None
            )
            for c in self.replicated:
                storage_spec.check_replication(
                    c, source_jurisdiction=jurisdiction, replica_jurisdiction=replica.jurisdiction
                )
                self.replicas[c] = self._account(
                    side,
                    c,
                    c,
                    containers=self._zones,
                    lifecycle=self._tier_rules(whole_account=False, classification=c),
                    log_to=self.replica_log_account,
                    extra_tags={"replica_of": self._account_name(primary, c)},
                )
                self._object_replication(self.accounts[c], self.replicas[c])

    # ----------------------------------------------------------------------------------------

    def _tags_for(
        self, classification: str | None, jurisdiction: str, extra: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        return data_tags(self._tags, classification, jurisdiction, extra)

    def _side(self, name: str, rg_name: str, region: str, jurisdiction: str) -> _Side:
        p = f"{name}_" if name else ""
        rg = ResourceGroup(
            self,
            f"{p}resource_group",
            name=rg_name,
            location=region,
            tags=self._tags_for(None, jurisdiction),
        )
        vault = KeyVault(
            self,
            f"{p}key_vault",
            name=key_vault_name(env=self._stem, seed=self._seed, region=region),
            location=region,
            resource_group_name=rg.name,
            tenant_id=self.client.tenant_id,
            # premium: HSM-protected keys (CKV_AZURE_112), like the AKS and Vault unseal vaults.
            sku_name="premium",
            rbac_authorization_enabled=True,
            purge_protection_enabled=True,  # required for storage customer-managed keys
            soft_delete_retention_days=90,
            network_acls=KeyVaultNetworkAcls(
                default_action="Deny",
                bypass="AzureServices",
                ip_rules=self._allowed_cidrs or None,
                virtual_network_subnet_ids=self._allowed_subnets or None,
            ),
            tags=self._tags_for(None, jurisdiction),
        )
        admin = RoleAssignment(
            self,
            f"{p}key_vault_deployer",
            scope=vault.id,
            role_definition_name=KEY_ADMIN_ROLE,
            principal_id=self.client.object_id,
        )
        return _Side(name, rg_name, region, jurisdiction, rg, vault, admin)

    def _account_name(self, side: _Side, part: str) -> str:
        return storage_account_name(
            env=self._stem, seed=self._seed, region=side.region, purpose=part, replica=bool(side.name)
        )

    def _tier_rules(self, *, whole_account: bool, classification: str) -> list[Rule]:
        # Erasure classes delete their noncurrent versions (storage_spec.erasure_plan).
        plan = storage_spec.erasure_plan(self._plan, classification, self._erasure.get(classification))
        warm, cold = plan.current
        archive = cold.storage_class == storage_spec.AZURE_COLD_LRS
        base = BaseBlob(
            tier_to_cool_after_days_since_modification_greater_than=warm.after_days,
            tier_to_archive_after_days_since_modification_greater_than=cold.after_days if archive else None,
            tier_to_cold_after_days_since_modification_greater_than=None if archive else cold.after_days,
        )
        prefixes: list[tuple[str, list[str] | None]] = (
            [("tier-all", None)] if whole_account else [(f"tier-{z}", [f"{z}/"]) for z in self._zones]
        )
        rules = [
            Rule(
                name=name,
                enabled=True,
                filters=Filters(blob_types=["blockBlob"], prefix_match=prefix),
                actions=Actions(base_blob=base),
            )
            for name, prefix in prefixes
        ]
        version: dict[str, int] = {}
        for nc in plan.noncurrent:  # none when an erasure deletes versions before they go cold
            if nc.storage_class == storage_spec.AZURE_COLD_LRS:
                version["change_tier_to_archive_after_days_since_creation"] = nc.after_days
            else:
                version["tier_to_cold_after_days_since_creation_greater_than"] = nc.after_days
        if plan.noncurrent_expire_after_days:
            version["delete_after_days_since_creation"] = plan.noncurrent_expire_after_days
        rules.append(
            Rule(
                name="noncurrent-versions",
                enabled=True,
                filters=Filters(blob_types=["blockBlob"]),
                actions=Actions(version=Version(**version)),
            )
        )
        # Incomplete uploads: Azure discards uncommitted blocks itself (storage_spec: no action).
        return rules

    def _log_rules(self) -> list[Rule]:
        return [
            Rule(
                name="expire-logs",
                enabled=True,
                filters=Filters(blob_types=["blockBlob", "appendBlob"]),
                actions=Actions(
                    base_blob=BaseBlob(delete_after_days_since_modification_greater_than=self._log_retention),
                    version=Version(delete_after_days_since_creation=30),
                ),
            )
        ]

    def _account(
        self,
        side: _Side,
        part: str,
        classification: str,
        *,
        containers: Sequence[str],
        lifecycle: list[Rule],
        log_to: AzureLakeAccount | None,
        immutability: tuple[int, bool] | None = None,
        extra_tags: Mapping[str, str] | None = None,
    ) -> AzureLakeAccount:
        p = f"{part}_{side.name}" if side.name else part
        is_log = part == "logs"
        extra = dict(extra_tags or {})
        if is_log:
            extra["purpose"] = "access-logs"
        tags = self._tags_for(classification, side.jurisdiction, extra)
        identity = UserAssignedIdentity(
            self,
            f"{p}_identity",
            name=f"id-{side.resource_group_name}-{part}".replace("_", "-")[:128],
            location=side.region,
            resource_group_name=side.resource_group.name,
            tags=tags,
        )
        key = KeyVaultKey(
            self,
            f"{p}_key",
            name=f"{part.replace('_', '-')}-storage",
            key_vault_id=side.key_vault.id,
            key_type="RSA-HSM",
            key_size=3072,
            key_opts=["wrapKey", "unwrapKey"],
            # No expire_after: the provider reads `expiration_date` back from the NEWEST
            # version and forces a replacement when state has a date the configuration does
            # not (azurerm v4.55.0 internal/services/keyvault/key_vault_key_resource.go,
            # CustomizeDiff ForceNewIfChange("expiration_date") and the read's d.Set), so an
            # expiring rotated version would make every plan replace the key, which
            # prevent_destroy then refuses. Rotation alone keeps the key fresh.
            rotation_policy=KeyVaultKeyRotationPolicy(
                automatic=KeyVaultKeyRotationPolicyAutomatic(time_after_creation=f"P{self._rotation}D"),
            ),
            tags=tags,
            depends_on=[side.key_admin],
            # Destroying a key makes its data unreadable: only throwaway environments may.
            # expiration_date ignored: a date set outside Terraform must not replace the key.
            lifecycle=TerraformResourceLifecycle(
                prevent_destroy=not self._force_destroy, ignore_changes=["expiration_date"]
            ),
        )
        key_user = RoleAssignment(
            self,
            f"{p}_key_user",
            scope=key.resource_versionless_id,
            role_definition_name=KEY_USER_ROLE,
            principal_id=identity.principal_id,
            principal_type="ServicePrincipal",
        )
        # Azure Monitor writes diagnostics as a trusted service; the log account admits those and
        # nothing else from public networks. Data accounts take no public traffic at all.
        network = StorageAccountNetworkRules(
            default_action="Deny",
            bypass=["AzureServices", "Logging", "Metrics"] if is_log else ["AzureServices"],
        )
        account = StorageAccount(
            self,
            f"{p}_account",
            name=self._account_name(side, part),
            resource_group_name=side.resource_group.name,
            location=side.region,
            account_kind="StorageV2",
            account_tier="Standard",
            account_replication_type=self._replication_type,
            access_tier="Hot",
            min_tls_version="TLS1_2",
            https_traffic_only_enabled=True,
            public_network_access_enabled=is_log,
            network_rules=network,
            allow_nested_items_to_be_public=False,
            shared_access_key_enabled=False,
            default_to_oauth_authentication=True,
            local_user_enabled=False,
            cross_tenant_replication_enabled=False,
            infrastructure_encryption_enabled=True,
            # Queues and tables under the account key too, not only blobs and files.
            queue_encryption_key_type="Account",
            table_encryption_key_type="Account",
            is_hns_enabled=False,  # object replication and blob versioning need a flat namespace
            identity=StorageAccountIdentity(type="UserAssigned", identity_ids=[identity.id]),
            customer_managed_key=StorageAccountCustomerManagedKey(
                key_vault_key_id=key.versionless_id, user_assigned_identity_id=identity.id
            ),
            blob_properties=StorageAccountBlobProperties(
                versioning_enabled=True,
                change_feed_enabled=True,
                delete_retention_policy=StorageAccountBlobPropertiesDeleteRetentionPolicy(
                    days=self._soft_delete
                ),
                container_delete_retention_policy=StorageAccountBlobPropertiesContainerDeleteRetentionPolicy(
                    days=self._soft_delete
                ),
            ),
            immutability_policy=(
                StorageAccountImmutabilityPolicy(
                    period_since_creation_in_days=immutability[0],
                    state="Locked" if immutability[1] else "Unlocked",
                    allow_protected_append_writes=False,
                )
                if immutability
                else None
            ),
            tags=tags,
            depends_on=[key_user],
        )
        made: dict[str, StorageContainer] = {}
        for name in containers:
            made[name] = StorageContainer(
                self,
                f"{p}_container_{name}",
                name=name,
                storage_account_id=account.id,
                container_access_type="private",
            )
        StorageManagementPolicy(self, f"{p}_lifecycle", storage_account_id=account.id, rule=lifecycle)
        if log_to is not None:
            MonitorDiagnosticSetting(
                self,
                f"{p}_blob_logs",
                name="blob-access-logs",
                target_resource_id=f"{account.id}/blobServices/default",
                storage_account_id=log_to.account.id,
                enabled_log=[MonitorDiagnosticSettingEnabledLog(category=c) for c in BLOB_LOG_CATEGORIES],
            )
        return AzureLakeAccount(classification, account, key, identity, made, side.region, side.jurisdiction)

    def _object_replication(self, source: AzureLakeAccount, destination: AzureLakeAccount) -> None:
        c = source.classification
        StorageObjectReplication(
            self,
            f"{c}_replication",
            source_storage_account_id=source.account.id,
            destination_storage_account_id=destination.account.id,
            rules=[
                StorageObjectReplicationRules(
                    source_container_name=source.containers[z].name,
                    destination_container_name=destination.containers[z].name,
                )
                for z in self._zones
            ],
        )
