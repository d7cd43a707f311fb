"""The project's custom checks: id, name, the resources each applies to, and how to fix a failure.

Plain data, no checkov import: the checks take their metadata from here, and policies/run.py reads it
to prove every custom check produced results (checkov skips a broken or unloadable check silently).
checkov loads every .py in this folder as a module; this one registers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

STORAGE = ("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account")
KEYS = ("aws_kms_key", "google_kms_crypto_key", "azurerm_key_vault_key", "azurerm_key_vault")


@dataclass(frozen=True)
class CheckMeta:
    id: str
    name: str
    resources: tuple[str, ...]
    fix: str


CATALOG: dict[str, CheckMeta] = {
    meta.id: meta
    for meta in (
        CheckMeta(
            id="CKV_MCAI_1",
            name="Storage (and any key that encrypts storage) carries data_classification, jurisdiction "
            "and the common tags with valid values",
            resources=STORAGE + KEYS,
            fix="Tag it through the project's one common-tags function: data_classification in "
            "pii|training|models|models-gdpr|archive, jurisdiction in a jurisdiction of "
            "policies/residency.yaml (us|eu|apac), env, component, managed_by=cdktf; values lowercase "
            "[a-z0-9_-]. Keys need them when a storage resource in the stack references them "
            "(or once they carry either classification tag).",
        ),
        CheckMeta(
            id="CKV_MCAI_2",
            name="PII storage and its keys are located in a region of their jurisdiction",
            resources=(
                "aws_s3_bucket",
                "aws_kms_key",
                "google_storage_bucket",
                "google_kms_crypto_key",
                "azurerm_storage_account",
                "azurerm_key_vault",
                "azurerm_key_vault_key",
            ),
            fix="Place it in a region listed under its jurisdiction in policies/residency.yaml: S3/KMS "
            "through the resource's `region` argument or the aws provider (alias) it uses, GCS through "
            "a single-region `location`, a GCP key through its key ring's location, Azure through "
            "`location` (a key through its key vault). If the data belongs to another jurisdiction, fix "
            "the jurisdiction tag instead.",
        ),
        CheckMeta(
            id="CKV_MCAI_3",
            name="PII is never replicated",
            resources=(
                "aws_s3_bucket",
                "aws_s3_bucket_replication_configuration",
                "aws_kms_key",
                "aws_kms_replica_key",
                "google_storage_bucket",
                "azurerm_storage_account",
                "azurerm_storage_object_replication",
            ),
            fix="Remove the replication of PII: no S3 replication configuration (or inline "
            "replication_configuration) from a PII bucket, no multi-region or replica KMS key for a PII "
            "key, account_replication_type LRS or ZRS for a PII storage account, no Azure object "
            "replication from it, a single-region GCS location without custom_placement_config. Keep "
            "durability inside the region (versioning, zone redundancy, backups in the jurisdiction).",
        ),
        CheckMeta(
            id="CKV_MCAI_4",
            name="models-gdpr data lives only in EU regions and replicates only to EU regions",
            resources=(
                "aws_s3_bucket",
                "aws_kms_key",
                "aws_kms_replica_key",
                "google_storage_bucket",
                "google_kms_crypto_key",
                "azurerm_storage_account",
                "azurerm_key_vault",
                "azurerm_key_vault_key",
                "aws_s3_bucket_replication_configuration",
                "azurerm_storage_object_replication",
            ),
            fix="Tag it jurisdiction=eu and place it, and every replication destination, in an EU "
            "region of policies/residency.yaml (GCS may also use an EU multi-region listed there). "
            "Reference replication destinations as constructs of the same stack so the policy can "
            "see their region.",
        ),
        CheckMeta(
            id="CKV_MCAI_5",
            name="A jurisdiction-restricted load balancer routes only to pools of its jurisdiction",
            resources=("cloudflare_load_balancer",),
            fix="For a load balancer whose description says jurisdiction=<j>, reference (as constructs "
            "of the same stack) only pools named <env>-<cloud>-<region> whose region policies/"
            "residency.yaml lists under <j>, in default_pools, fallback_pool, region_pools, "
            "country_pools, pop_pools and rule overrides.",
        ),
        CheckMeta(
            id="CKV_MCAI_6",
            name="A container registry and every replica it makes stay in its jurisdiction",
            resources=(
                "aws_ecr_repository",
                "aws_ecr_replication_configuration",
                "google_artifact_registry_repository",
                "azurerm_container_registry",
            ),
            fix="Tag the registry with its jurisdiction (policies/residency.yaml) and place it, every ECR "
            "replication destination and every ACR geo-replica in a region of that jurisdiction; an "
            "Artifact Registry repository in a single region of it (not a multi-region).",
        ),
    )
}
