"""The project's custom checks: id, name, the resources each applies to, and how to fix a failure.

Plain data, no checkov import: the checks take their metadata from here, and policies/run.py reads it
to prove every custom check produced results (checkov skips a broken or unloadable check silently).
checkov loads every .py in this folder as a module; this one registers nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

STORAGE = ("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account")
KEYS = ("aws_kms_key", "google_kms_crypto_key", "azurerm_key_vault_key", "azurerm_key_vault")
# Resources whose policy argument CKV_MCAI_9 reads (iam_documents.POLICY_ARGUMENTS has them all).
IAM_POLICY_RESOURCES = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_s3_bucket_policy",
    "aws_kms_key",
)
# The residency checks (tested on the hand-written fixtures of tests/policies/policy_cases.py);
# the others are tested on mutated copies of the real synthesized plan.
RESIDENCY = ("CKV_MCAI_1", "CKV_MCAI_2", "CKV_MCAI_3", "CKV_MCAI_4", "CKV_MCAI_5")


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
            name="A Key Vault key rotates automatically, at least once a year",
            resources=("azurerm_key_vault_key",),
            fix='Give the key a rotation_policy with automatic { time_after_creation = "P90D" } (at most '
            "P365D) or time_before_expiry. No expire_after: azurerm 4.55 would then replace the key on "
            "every plan (see ckv_mcai_6_key_rotation.py).",
        ),
        CheckMeta(
            id="CKV_MCAI_7",
            name="An Azure storage account is zone-redundant and a replicable class replicates to its "
            "replica account by object replication",
            resources=("azurerm_storage_account",),
            fix="Set account_replication_type ZRS (GZRS/RAGZRS only where CKV_MCAI_3 allows geo copies); "
            "for training/models/models-gdpr with a replica account in the stack, add an "
            "azurerm_storage_object_replication between the two.",
        ),
        CheckMeta(
            id="CKV_MCAI_8",
            name="A blob container's account sends blob read, write and delete logs through a "
            "diagnostic setting",
            resources=("azurerm_storage_container",),
            fix="Add an azurerm_monitor_diagnostic_setting on <account>.id/blobServices/default with "
            "enabled_log categories StorageRead, StorageWrite and StorageDelete and a destination "
            "(the lake's log account).",
        ),
        CheckMeta(
            id="CKV_MCAI_9",
            name="IAM, bucket and key policies (data documents included) grant no * on * and no "
            "service-wide action on PII",
            resources=IAM_POLICY_RESOURCES,
            fix="Name the actions and resources: no Action * on Resource *, no s3:*/kms:*/* on a bucket or "
            "key tagged data_classification=pii (grant the few actions a role needs). Build the policy "
            "from aws_iam_policy_document data sources of the same stack or a JSON literal.",
        ),
        CheckMeta(
            id="CKV_MCAI_10",
            name="Archive storage is immutable (S3 Object Lock, GCS retention, Azure immutability), "
            "locked in prod",
            resources=("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account"),
            fix="S3: object_lock_enabled and an object lock configuration with default retention "
            "(COMPLIANCE in prod); GCS: retention_policy (is_locked in prod); Azure: immutability_policy "
            "(state Locked in prod). archive_lock_mode in environments/<env>.yaml drives all three.",
        ),
        CheckMeta(
            id="CKV_MCAI_11",
            name="No Owner, Contributor or User Access Administrator at subscription scope",
            resources=("azurerm_role_assignment",),
            fix="Assign a narrower built-in role (e.g. Storage Blob Data Reader) or scope the assignment "
            "to a resource group or resource.",
        ),
        CheckMeta(
            id="CKV_MCAI_12",
            name="EKS grants no implicit cluster-admin to its creator; admins are access entries",
            resources=("aws_eks_cluster",),
            fix='access_config { authentication_mode = "API", bootstrap_cluster_creator_admin_permissions '
            "= false } and declare admins with aws_eks_access_entry + aws_eks_access_policy_association "
            "(AmazonEKSClusterAdminPolicy).",
        ),
        CheckMeta(
            id="CKV_MCAI_13",
            name="Vault: root CA at most 10 years, no sudo capability, workload token TTLs bounded",
            resources=(
                "vault_pki_secret_backend_root_cert",
                "vault_policy",
                "vault_kubernetes_auth_backend_role",
            ),
            fix="Root CA ttl <= 315360000 s; drop sudo from policies; kubernetes auth roles token_ttl <= "
            "3600 and token_max_ttl <= 86400.",
        ),
        CheckMeta(
            id="CKV_MCAI_14",
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
        # issue 16 ("not evaluated" must go down): checks for companion and provider types no
        # checkov check reads. Numbered from 20 so parallel work on 15-19 cannot collide.
        CheckMeta(
            id="CKV_MCAI_20",
            name="S3 companions: versioning Enabled, SSE-KMS (SSE-S3 only on access-log buckets), "
            "logging into an access-log bucket, notifications with a destination",
            resources=(
                "aws_s3_bucket_versioning",
                "aws_s3_bucket_server_side_encryption_configuration",
                "aws_s3_bucket_logging",
                "aws_s3_bucket_notification",
            ),
            fix='versioning_configuration { status = "Enabled" }; SSE rule aws:kms with kms_master_key_id '
            "and bucket_key_enabled (AES256 only for a bucket tagged purpose=access-logs); logging "
            "target_bucket another bucket of the stack tagged purpose=access-logs; a notification with "
            "eventbridge = true or a topic/queue/function.",
        ),
        CheckMeta(
            id="CKV_MCAI_21",
            name="A Megaport VXC stays within its cloud product's and its MCR's rate, on a set, unique VLAN",
            resources=("megaport_vxc",),
            fix="rate_limit <= 5000 Mbps for an AWS hosted VIF (10000 for AWSHC, Google and Azure) and "
            "<= the A-end MCR's port_speed; a_end.ordered_vlan 2..4093, unique per MCR (set the VXC's "
            "rate_limit_mbps / vlan in environments/<env>.yaml).",
        ),
        CheckMeta(
            id="CKV_MCAI_22",
            name="A Cloudflare load balancer pool has a health monitor and a reachable minimum_origins",
            resources=("cloudflare_load_balancer_pool",),
            fix="Set monitor to a cloudflare_load_balancer_monitor of the stack, keep at least one enabled "
            "origin and 1 <= minimum_origins <= the enabled origins.",
        ),
        CheckMeta(
            id="CKV_MCAI_23",
            name="Vault Kubernetes auth verifies the cluster's CA and issuer and never uses Vault's own "
            "pod token",
            resources=("vault_kubernetes_auth_backend_config", "vault_auth_backend"),
            fix="disable_local_ca_jwt = true, kubernetes_ca_cert set, issuer set with "
            "disable_iss_validation = false; one config per kubernetes auth mount.",
        ),
        CheckMeta(
            id="CKV_MCAI_24",
            name="An Azure private endpoint sits in a subnet, connects without manual approval and "
            "registers its private DNS",
            resources=("azurerm_private_endpoint",),
            fix="Set subnet_id, private_service_connection { is_manual_connection = false, "
            "subresource_names = [...] } and a private_dns_zone_group with the service's "
            "privatelink zone.",
        ),
        CheckMeta(
            id="CKV_MCAI_25",
            name="Destroying a stack never disables a Google API project-wide",
            resources=("google_project_service",),
            fix="disable_on_destroy = false (the provider's default is true) and no "
            "disable_dependent_services = true.",
        ),
        CheckMeta(
            id="CKV_MCAI_26",
            name="A generated password is at least 32 characters; an IPsec pre-shared key also fits AWS "
            "(at most 64, specials only ._, no digits)",
            resources=("random_password",),
            fix="Use constructs_lib.ipsec.PresharedKey (length 32..64, override_special '._', numeric = "
            "false) for tunnel keys; other passwords: length >= 32 with upper and lower case.",
        ),
        CheckMeta(
            id="CKV_MCAI_27",
            name="A KMS alias (alias/..., never the reserved alias/aws/) names a key of its own stack",
            resources=("aws_kms_alias",),
            fix='name = "alias/<name>" (not alias/aws/...) and target_key_id = aws_kms_key.<name>.key_id '
            "of a key declared in the same stack (constructs_lib/aws/kms.RotatingKey does both).",
        ),
    )
}
