"""Auto-unseal keys for Vault, one per cloud, usable only by Vault's identity on that cloud.

Argument names from the typed bindings: aws 21.22.1 (`aws_kms_key`, `aws_kms_alias`), google
16.12.1 (`google_kms_key_ring`, `google_kms_crypto_key`, `google_kms_crypto_key_iam_member`),
azurerm 14.23.1 (`azurerm_key_vault`, `azurerm_key_vault_key`, `azurerm_role_assignment`).
Every key is named and tagged/labelled `purpose=vault-unseal` and rotates automatically.
Losing an unseal key loses Vault's data, so deletion is slowed down everywhere: Terraform's
`prevent_destroy` on every key (turn it off explicitly with `prevent_destroy=False`), a 30-day
KMS deletion window, a 30-day Cloud KMS destroy delay, Key Vault soft delete with purge protection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_azurerm.key_vault import KeyVault, KeyVaultNetworkAcls
from cdktf_cdktf_provider_azurerm.key_vault_key import (
    KeyVaultKey,
    KeyVaultKeyRotationPolicy,
    KeyVaultKeyRotationPolicyAutomatic,
)
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_google.kms_crypto_key import KmsCryptoKey, KmsCryptoKeyVersionTemplate
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktf_cdktf_provider_google.kms_key_ring import KmsKeyRing
from constructs import Construct

from constructs_lib.vault.documents import iam_policy_json, iam_statement

PURPOSE = {"purpose": "vault-unseal"}

# Key administration without any cryptographic use: the account can manage (and schedule the
# deletion of) the key, but only the Vault role may encrypt or decrypt with it.
KMS_ADMIN_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:Create*",
    "kms:Delete*",
    "kms:Describe*",
    "kms:Disable*",
    "kms:Enable*",
    "kms:Get*",
    "kms:List*",
    "kms:Put*",
    "kms:Revoke*",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:Update*",
)
KMS_UNSEAL_ACTIONS = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt")


class AwsUnsealKey(Construct):
    """A symmetric KMS key (alias `alias/<name>`) only `vault_role_arn` can use.

    The key policy gives the account (`arn:aws:iam::<account>:root`) administration only, so no
    IAM policy in the account can grant encrypt/decrypt; rotation every 90 days by default (design:
    "Key Rotation: Automatic every 90 days"; aws_kms_key rotation_period_in_days takes 90-2560).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        account_id: str,
        vault_role_arn: str,
        tags: Mapping[str, str],
        rotation_days: int = 90,
        deletion_window_days: int = 30,
        prevent_destroy: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        policy = iam_policy_json(
            [
                iam_statement(
                    sid="KeyAdministrationWithoutUse",
                    principals={"AWS": [f"arn:aws:iam::{account_id}:root"]},
                    actions=KMS_ADMIN_ACTIONS,
                    resources=["*"],  # in a key policy "*" means this key
                ),
                iam_statement(
                    sid="VaultUnseal",
                    principals={"AWS": [vault_role_arn]},
                    actions=KMS_UNSEAL_ACTIONS,
                    resources=["*"],
                ),
            ]
        )
        self.key = KmsKey(
            self,
            "key",
            description=f"{name}: Vault auto-unseal (usable only by the Vault server role)",
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            rotation_period_in_days=rotation_days,
            deletion_window_in_days=deletion_window_days,
            policy=policy,
            tags={**tags, **PURPOSE},
            lifecycle=TerraformResourceLifecycle(prevent_destroy=prevent_destroy),
        )
        self.alias = KmsAlias(self, "alias", name=f"alias/{name}", target_key_id=self.key.key_id)


class GcpUnsealKey(Construct):
    """A Cloud KMS key ring and symmetric key; only `vault_member` gets
    `roles/cloudkms.cryptoKeyEncrypterDecrypter`, on this key alone.

    Defaults: HSM protection, rotation every 90 days, destruction delayed 30 days.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        location: str,
        key_ring_name: str,
        vault_member: str,
        labels: Mapping[str, str],
        key_name: str = "vault-unseal",
        rotation_days: int = 90,
        protection_level: str = "HSM",
        prevent_destroy: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        self.key_ring = KmsKeyRing(self, "key_ring", project=project, location=location, name=key_ring_name)
        self.key = KmsCryptoKey(
            self,
            "key",
            name=key_name,
            key_ring=self.key_ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{rotation_days * 86400}s",
            destroy_scheduled_duration=f"{30 * 86400}s",
            version_template=KmsCryptoKeyVersionTemplate(
                algorithm="GOOGLE_SYMMETRIC_ENCRYPTION", protection_level=protection_level
            ),
            labels={**labels, **PURPOSE},
            lifecycle=TerraformResourceLifecycle(prevent_destroy=prevent_destroy),
        )
        self.vault_access = KmsCryptoKeyIamMember(
            self,
            "vault_access",
            crypto_key_id=self.key.id,
            role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member=vault_member,
        )


class AzureUnsealKey(Construct):
    """A Key Vault (RBAC authorization, purge protection, network deny by default) holding one
    RSA key for wrap/unwrap; Vault's identity gets "Key Vault Crypto Service Encryption User" on
    that key only.

    `deployer_principal_id` (the identity running Terraform) gets "Key Vault Crypto Officer"
    on the vault so it can create and rotate the key; leave it out if that is granted
    elsewhere. `allowed_ip_cidrs` left out: only trusted Azure services and private endpoints
    reach the vault (Terraform must then run from inside the network). `allowed_subnet_ids`:
    subnets admitted through their Microsoft.KeyVault service endpoint (the Vault servers' node
    subnets, a self-hosted runner's subnet).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        key_vault_name: str,
        resource_group_name: str,
        location: str,
        tenant_id: str,
        vault_principal_id: str,
        tags: Mapping[str, str],
        deployer_principal_id: str | None = None,
        allowed_ip_cidrs: Sequence[str] = (),
        allowed_subnet_ids: Sequence[str] = (),
        key_name: str = "vault-unseal",
        key_size: int = 3072,
        rotation_days: int = 90,
        soft_delete_retention_days: int = 90,
        prevent_destroy: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        tags = {**tags, **PURPOSE}
        self.key_vault = KeyVault(
            self,
            "key_vault",
            name=key_vault_name,
            resource_group_name=resource_group_name,
            location=location,
            tenant_id=tenant_id,
            sku_name="premium",
            rbac_authorization_enabled=True,
            purge_protection_enabled=True,
            soft_delete_retention_days=soft_delete_retention_days,
            # Public access on only to admit listed networks: default Deny still refuses the rest.
            public_network_access_enabled=bool(allowed_ip_cidrs or allowed_subnet_ids),
            network_acls=KeyVaultNetworkAcls(
                default_action="Deny",
                bypass="AzureServices",
                ip_rules=list(allowed_ip_cidrs) or None,
                virtual_network_subnet_ids=list(allowed_subnet_ids) or None,
            ),
            tags=tags,
        )
        deployer = []
        if deployer_principal_id:
            deployer.append(
                RoleAssignment(
                    self,
                    "deployer_crypto_officer",
                    scope=self.key_vault.id,
                    role_definition_name="Key Vault Crypto Officer",
                    principal_id=deployer_principal_id,
                )
            )
        self.key = KeyVaultKey(
            self,
            "key",
            name=key_name,
            key_vault_id=self.key_vault.id,
            key_type="RSA-HSM",
            key_size=key_size,
            key_opts=["unwrapKey", "wrapKey"],
            rotation_policy=KeyVaultKeyRotationPolicy(
                automatic=KeyVaultKeyRotationPolicyAutomatic(time_after_creation=f"P{rotation_days}D"),
            ),
            tags=tags,
            depends_on=deployer or None,
            # No expiry is configured; one set outside Terraform would be read back from the newest
            # version and force a replacement (azurerm v4.55.0 key_vault_key_resource.go,
            # ForceNewIfChange("expiration_date")), which prevent_destroy refuses.
            lifecycle=TerraformResourceLifecycle(
                prevent_destroy=prevent_destroy, ignore_changes=["expiration_date"]
            ),
        )
        self.vault_access = RoleAssignment(
            self,
            "vault_access",
            scope=self.key.resource_versionless_id,
            role_definition_name="Key Vault Crypto Service Encryption User",
            principal_id=vault_principal_id,
            principal_type="ServicePrincipal",
        )
