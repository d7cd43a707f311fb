"""The residency fixture: one synthesized-looking output with a passing and a failing case for
every custom check, so one checkov run serves all assertions. Each case says what it protects."""

from __future__ import annotations

from policy_stackfiles import COMMON, full_tags, ref, stack, tags

AWS_US = "prod-aws-us-east-1-datalake"
AWS_EU = "prod-aws-eu-west-1-datalake"
GCP_EU = "prod-gcp-europe-west1-datalake"
AZ_EU = "prod-azure-westeurope-datalake"
EDGE = "prod-global-edge"


def aws_providers(region: str) -> list[dict]:
    default_tags = [{"tags": COMMON}]
    return [
        {"region": region, "default_tags": default_tags},
        {"alias": "eu", "region": "eu-west-1", "default_tags": default_tags},
        {"alias": "us_west", "region": "us-west-2", "default_tags": default_tags},
    ]


def pool(name: str) -> dict:
    # health-checked by the stack's MONITOR (CKV_MCAI_22), so only residency is under test here
    return {
        "account_id": "acc",
        "name": name,
        "monitor": ref("cloudflare_load_balancer_monitor.health"),
        "origins": [{"address": "203.0.113.10", "name": "ingress"}],
    }


MONITOR = {
    "cloudflare_load_balancer_monitor.health": {"account_id": "acc", "type": "https", "path": "/healthz"}
}


def lb(description: str | None, **pools) -> dict:
    conf = {"zone_id": "zone", "name": "api.example.com", "steering_policy": "geo", **pools}
    if description is not None:
        conf["description"] = description
    return conf


P_EU = ref("cloudflare_load_balancer_pool.eu_gcp")
P_EU2 = ref("cloudflare_load_balancer_pool.eu_aws")
P_US = ref("cloudflare_load_balancer_pool.us_aws")

STACKS = [
    stack(
        AWS_US,
        providers={"aws": aws_providers("us-east-1")},
        resources={
            # CKV_MCAI_2 via the default provider, a provider alias, the region argument
            "aws_s3_bucket.pii_ok": {"bucket": "pii-ok", "tags": tags("pii", "us")},
            # CKV_MCAI_14: registries stay in their jurisdiction (region from the provider or argument)
            "aws_ecr_repository.registry_ok": {"name": "prod/serving", "tags": {"jurisdiction": "us"}},
            "aws_ecr_repository.registry_in_eu": {
                "name": "prod/tools",
                "region": "eu-west-1",
                "tags": {"jurisdiction": "us"},
            },
            "aws_ecr_repository.registry_untagged": {"name": "prod/untagged"},
            "aws_s3_bucket.pii_alias_us_west": {
                "bucket": "pii-usw",
                "provider": "aws.us_west",
                "tags": tags("pii", "us"),
            },
            "aws_s3_bucket.pii_via_eu_alias": {
                "bucket": "pii-eu",
                "provider": "aws.eu",
                "tags": tags("pii", "us"),
            },
            "aws_s3_bucket.pii_region_arg_ok": {
                "bucket": "pii-arg",
                "provider": "aws.eu",
                "region": "us-east-2",
                "tags": tags("pii", "us"),
            },
            "aws_s3_bucket.pii_region_arg_bad": {
                "bucket": "pii-arg-bad",
                "region": "ap-southeast-1",
                "tags": tags("pii", "us"),
            },
            "aws_s3_bucket.pii_missing_alias": {
                "bucket": "pii-x",
                "provider": "aws.nowhere",
                "tags": tags("pii", "us"),
            },
            "aws_kms_key.pii_key_ok": {"enable_key_rotation": True, "tags": tags("pii", "us")},
            "aws_kms_key.pii_key_eu": {"provider": "aws.eu", "tags": tags("pii", "us")},
            "aws_kms_key.pii_key_multi": {"multi_region": True, "tags": tags("pii", "us")},
            # the same logical name under two types: the address must carry the right type
            "aws_s3_bucket.shared": {"bucket": "shared", "tags": tags("training", "us")},
            "aws_kms_key.shared": {"provider": "aws.eu", "tags": tags("pii", "us")},
            # CKV_MCAI_3 on S3
            "aws_s3_bucket.training": {"bucket": "training", "tags": tags("training", "us")},
            "aws_s3_bucket.training_replica": {
                "bucket": "training-replica",
                "provider": "aws.us_west",
                "tags": tags("training", "us"),
            },
            "aws_s3_bucket_replication_configuration.pii_repl": {
                "bucket": ref("aws_s3_bucket.pii_ok"),
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.training_replica", "arn")},
                    }
                ],
            },
            "aws_s3_bucket_replication_configuration.pii_repl_by_name": {
                "bucket": "pii-ok",
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.training_replica", "arn")},
                    }
                ],
            },
            "aws_s3_bucket_replication_configuration.training_repl": {
                "bucket": ref("aws_s3_bucket.training"),
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.training_replica", "arn")},
                    }
                ],
            },
            "aws_s3_bucket_replication_configuration.unknown_source": {
                "bucket": "bucket-of-another-stack",
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.training_replica", "arn")},
                    }
                ],
            },
            "aws_s3_bucket.pii_inline_repl": {
                "bucket": "pii-inline",
                "tags": tags("pii", "us"),
                "replication_configuration": {
                    "role": "arn:aws:iam::1:role/r",
                    "rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::elsewhere"}}],
                },
            },
            "aws_kms_replica_key.pii_replica": {
                "provider": "aws.us_west",
                "primary_key_arn": ref("aws_kms_key.pii_key_ok", "arn"),
            },
            "aws_kms_key.training_key": {"multi_region": True, "tags": tags("training", "us")},
            "aws_kms_replica_key.training_replica": {
                "provider": "aws.us_west",
                "primary_key_arn": ref("aws_kms_key.training_key", "arn"),
            },
            # CKV_MCAI_1 on S3 and on keys that encrypt storage
            "aws_s3_bucket.untagged": {"bucket": "untagged"},
            "aws_s3_bucket.bad_values": {
                "bucket": "bad",
                "tags": {"data_classification": "secret", "jurisdiction": "EU"},
            },
            "aws_s3_bucket.managed_by_hand": {
                "bucket": "hand",
                "tags": tags("archive", "us", managed_by="console"),
            },
            "aws_kms_key.storage_key_untagged": {"enable_key_rotation": True},
            "aws_s3_bucket_server_side_encryption_configuration.training": {
                "bucket": ref("aws_s3_bucket.training"),
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": {
                            "kms_master_key_id": ref("aws_kms_key.storage_key_untagged", "arn"),
                            "sse_algorithm": "aws:kms",
                        }
                    }
                ],
            },
            "aws_kms_key.unrelated_untagged": {"enable_key_rotation": True},
        },
    ),
    stack(
        AWS_EU,
        providers={"aws": aws_providers("eu-west-1")},
        resources={
            # CKV_MCAI_4 on S3
            "aws_s3_bucket.gdpr_src": {"bucket": "gdpr-src", "tags": tags("models-gdpr", "eu")},
            "aws_s3_bucket.gdpr_dst_eu": {
                "bucket": "gdpr-dst",
                "region": "eu-central-1",
                "tags": tags("models-gdpr", "eu"),
            },
            "aws_s3_bucket.models_us": {
                "bucket": "models-us",
                "region": "us-east-1",
                "tags": tags("models", "us"),
            },
            "aws_s3_bucket.gdpr_in_us": {
                "bucket": "gdpr-us",
                "region": "us-east-1",
                "tags": tags("models-gdpr", "eu"),
            },
            "aws_s3_bucket.gdpr_tagged_us": {"bucket": "gdpr-tag", "tags": tags("models-gdpr", "us")},
            "aws_s3_bucket_replication_configuration.gdpr_to_eu": {
                "bucket": ref("aws_s3_bucket.gdpr_src"),
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {"status": "Enabled", "destination": {"bucket": ref("aws_s3_bucket.gdpr_dst_eu", "arn")}}
                ],
            },
            "aws_s3_bucket_replication_configuration.gdpr_to_us": {
                "bucket": ref("aws_s3_bucket.gdpr_src"),
                "role": "arn:aws:iam::1:role/r",
                "rule": [
                    {
                        "id": "a",
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.gdpr_dst_eu", "arn")},
                    },
                    {
                        "id": "b",
                        "status": "Enabled",
                        "destination": {"bucket": ref("aws_s3_bucket.models_us", "arn")},
                    },
                ],
            },
            "aws_s3_bucket_replication_configuration.gdpr_to_unknown": {
                "bucket": ref("aws_s3_bucket.gdpr_src"),
                "role": "arn:aws:iam::1:role/r",
                "rule": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::somewhere-else"}}],
            },
            "aws_s3_bucket.gdpr_inline_to_us": {
                "bucket": "gdpr-inline",
                "tags": tags("models-gdpr", "eu"),
                "replication_configuration": {
                    "role": "r",
                    "rules": [
                        {
                            "status": "Enabled",
                            "destination": {"bucket": ref("aws_s3_bucket.models_us", "arn")},
                        }
                    ],
                },
            },
            "aws_kms_key.gdpr_key": {
                "enable_key_rotation": True,
                "multi_region": True,
                "tags": tags("models-gdpr", "eu"),
            },
            "aws_kms_replica_key.gdpr_replica_eu": {
                "region": "eu-central-1",
                "primary_key_arn": ref("aws_kms_key.gdpr_key", "arn"),
            },
            "aws_kms_replica_key.gdpr_replica_us": {
                "provider": "aws.us_west",
                "primary_key_arn": ref("aws_kms_key.gdpr_key", "arn"),
            },
        },
    ),
    stack(
        GCP_EU,
        providers={"google": [{"project": "p", "region": "europe-west1", "default_labels": COMMON}]},
        resources={
            # CKV_MCAI_2 / CKV_MCAI_3 on GCS and GCP keys
            "google_storage_bucket.pii_ok": {
                "name": "pii-ok",
                "location": "EUROPE-WEST1",
                "labels": tags("pii", "eu"),
            },
            "google_storage_bucket.pii_multi": {
                "name": "pii-multi",
                "location": "EU",
                "labels": tags("pii", "eu"),
            },
            "google_storage_bucket.pii_dual": {
                "name": "pii-dual",
                "location": "EU",
                "labels": tags("pii", "eu"),
                "custom_placement_config": {"data_locations": ["EUROPE-WEST1", "EUROPE-WEST4"]},
            },
            "google_storage_bucket.pii_wrong_region": {
                "name": "pii-us",
                "location": "US-CENTRAL1",
                "labels": tags("pii", "eu"),
            },
            "google_kms_key_ring.ring_eu": {"name": "ring-eu", "location": "europe-west1"},
            "google_kms_key_ring.ring_us": {"name": "ring-us", "location": "us-central1"},
            "google_kms_crypto_key.pii_key_ok": {
                "name": "k1",
                "key_ring": ref("google_kms_key_ring.ring_eu"),
                "labels": tags("pii", "eu"),
            },
            "google_kms_crypto_key.pii_key_ring_us": {
                "name": "k2",
                "key_ring": ref("google_kms_key_ring.ring_us"),
                "labels": tags("pii", "eu"),
            },
            "google_kms_crypto_key.pii_key_literal_ring": {
                "name": "k3",
                "key_ring": "projects/p/locations/us-east1/keyRings/r",
                "labels": tags("pii", "eu"),
            },
            # CKV_MCAI_4 on GCS
            "google_storage_bucket.gdpr_multi_eu": {
                "name": "gdpr-eu",
                "location": "EU",
                "labels": tags("models-gdpr", "eu"),
            },
            "google_storage_bucket.gdpr_region_eu": {
                "name": "gdpr-ew4",
                "location": "europe-west4",
                "labels": tags("models-gdpr", "eu"),
            },
            "google_storage_bucket.gdpr_us": {
                "name": "gdpr-us",
                "location": "US",
                "labels": tags("models-gdpr", "eu"),
            },
            "google_storage_bucket.gdpr_placement_us": {
                "name": "gdpr-dual",
                "location": "EU",
                "labels": tags("models-gdpr", "eu"),
                "custom_placement_config": {"data_locations": ["EUROPE-WEST1", "US-CENTRAL1"]},
            },
            # CKV_MCAI_14 on Artifact Registry: one region of the jurisdiction, never a multi-region
            "google_artifact_registry_repository.ar_ok": {
                "repository_id": "ok",
                "format": "DOCKER",
                "location": "europe-west1",
                "labels": {"jurisdiction": "eu"},
            },
            "google_artifact_registry_repository.ar_multi": {
                "repository_id": "multi",
                "format": "DOCKER",
                "location": "europe",
                "labels": {"jurisdiction": "eu"},
            },
            # CKV_MCAI_1 on GCS (labels)
            "google_storage_bucket.unlabelled": {"name": "unlabelled", "location": "EUROPE-WEST1"},
        },
    ),
    stack(
        AZ_EU,
        providers={"azurerm": [{"features": [{}]}]},
        resources={
            # CKV_MCAI_14 on ACR: home and every geo-replica in the jurisdiction
            "azurerm_container_registry.acr_ok": {
                "name": "acrok",
                "resource_group_name": "rg",
                "location": "westeurope",
                "sku": "Premium",
                "georeplications": [{"location": "northeurope"}],
                "tags": {**COMMON, "jurisdiction": "eu"},
            },
            "azurerm_container_registry.acr_geo_us": {
                "name": "acrgeous",
                "resource_group_name": "rg",
                "location": "westeurope",
                "sku": "Premium",
                "georeplications": [{"location": "northeurope"}, {"location": "East US"}],
                "tags": {**COMMON, "jurisdiction": "eu"},
            },
            "azurerm_storage_account.piiok": {
                "name": "piiok",
                "location": "westeurope",
                "account_tier": "Standard",
                "account_replication_type": "ZRS",
                "resource_group_name": "rg",
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_storage_account.piigrs": {
                "name": "piigrs",
                "location": "westeurope",
                "account_tier": "Standard",
                "account_replication_type": "RAGZRS",
                "resource_group_name": "rg",
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_storage_account.piiwrong": {
                "name": "piiwrong",
                "location": "East US",
                "account_tier": "Standard",
                "account_replication_type": "LRS",
                "resource_group_name": "rg",
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_storage_account.gdprok": {
                "name": "gdprok",
                "location": "West Europe",
                "account_tier": "Standard",
                "account_replication_type": "GRS",
                "resource_group_name": "rg",
                "tags": full_tags("models-gdpr", "eu"),
            },
            "azurerm_storage_account.gdprus": {
                "name": "gdprus",
                "location": "eastus",
                "account_tier": "Standard",
                "account_replication_type": "LRS",
                "resource_group_name": "rg",
                "tags": full_tags("models-gdpr", "eu"),
            },
            "azurerm_storage_account.dsteu": {
                "name": "dsteu",
                "location": "northeurope",
                "account_tier": "Standard",
                "account_replication_type": "LRS",
                "resource_group_name": "rg",
                "tags": full_tags("training", "eu"),
            },
            "azurerm_storage_account.dstus": {
                "name": "dstus",
                "location": "eastus",
                "account_tier": "Standard",
                "account_replication_type": "LRS",
                "resource_group_name": "rg",
                "tags": full_tags("training", "us"),
            },
            "azurerm_storage_account.notags": {
                "name": "notags",
                "location": "westeurope",
                "account_tier": "Standard",
                "account_replication_type": "LRS",
                "resource_group_name": "rg",
            },
            "azurerm_storage_object_replication.gdpr_to_eu": {
                "source_storage_account_id": ref("azurerm_storage_account.gdprok"),
                "destination_storage_account_id": ref("azurerm_storage_account.dsteu"),
                "rules": [{"source_container_name": "a", "destination_container_name": "b"}],
            },
            "azurerm_storage_object_replication.gdpr_to_us": {
                "source_storage_account_id": ref("azurerm_storage_account.gdprok"),
                "destination_storage_account_id": ref("azurerm_storage_account.dstus"),
                "rules": [{"source_container_name": "a", "destination_container_name": "b"}],
            },
            "azurerm_storage_object_replication.pii_out": {
                "source_storage_account_id": ref("azurerm_storage_account.piiok"),
                "destination_storage_account_id": ref("azurerm_storage_account.dsteu"),
                "rules": [{"source_container_name": "a", "destination_container_name": "b"}],
            },
            "azurerm_key_vault.vault_eu": {
                "name": "v-eu",
                "location": "westeurope",
                "resource_group_name": "rg",
                "sku_name": "premium",
                "tenant_id": "t",
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_key_vault.vault_us": {
                "name": "v-us",
                "location": "eastus",
                "resource_group_name": "rg",
                "sku_name": "premium",
                "tenant_id": "t",
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_key_vault_key.pii_ok": {
                "name": "k1",
                "key_vault_id": ref("azurerm_key_vault.vault_eu"),
                "key_type": "RSA-HSM",
                "key_size": 2048,
                "key_opts": ["wrapKey", "unwrapKey"],
                "tags": full_tags("pii", "eu"),
            },
            "azurerm_key_vault_key.pii_in_us_vault": {
                "name": "k2",
                "key_vault_id": ref("azurerm_key_vault.vault_us"),
                "key_type": "RSA-HSM",
                "key_size": 2048,
                "key_opts": ["wrapKey", "unwrapKey"],
                "tags": full_tags("pii", "eu"),
            },
        },
    ),
    stack(
        EDGE,
        providers={"cloudflare": [{}]},
        resources={
            **MONITOR,
            "cloudflare_load_balancer_pool.eu_gcp": pool("prod-gcp-europe-west1"),
            "cloudflare_load_balancer_pool.eu_aws": pool("prod-aws-eu-west-1"),
            "cloudflare_load_balancer_pool.us_aws": pool("prod-aws-us-east-1"),
            "cloudflare_load_balancer_pool.oddly_named": pool("edge-pool"),
            "cloudflare_load_balancer.eu_ok": lb(
                "api EU; jurisdiction=eu",
                default_pools=[P_EU, P_EU2],
                fallback_pool=P_EU2,
                region_pools={"WEU": [P_EU], "ENAM": [P_EU2]},
            ),
            "cloudflare_load_balancer.eu_fallback_us": lb(
                "jurisdiction=eu", default_pools=[P_EU], fallback_pool=P_US
            ),
            "cloudflare_load_balancer.eu_region_pools_us": lb(
                "jurisdiction=eu", default_pools=[P_EU], fallback_pool=P_EU, region_pools={"ENAM": [P_US]}
            ),
            "cloudflare_load_balancer.eu_country_pools_us": lb(
                "jurisdiction=eu", default_pools=[P_EU], fallback_pool=P_EU, country_pools={"US": [P_US]}
            ),
            "cloudflare_load_balancer.eu_pop_pools_us": lb(
                "jurisdiction=eu", default_pools=[P_EU], fallback_pool=P_EU, pop_pools={"LAX": [P_US]}
            ),
            "cloudflare_load_balancer.eu_default_us": lb(
                "jurisdiction=eu", default_pools=[P_EU, P_US], fallback_pool=P_EU
            ),
            "cloudflare_load_balancer.eu_rule_override_us": lb(
                "jurisdiction=eu",
                default_pools=[P_EU],
                fallback_pool=P_EU,
                rules=[{"name": "r", "condition": "true", "overrides": {"default_pools": [P_US]}}],
            ),
            "cloudflare_load_balancer.eu_literal_pool": lb(
                "jurisdiction=eu", default_pools=[P_EU], fallback_pool="0123456789abcdef"
            ),
            "cloudflare_load_balancer.eu_oddly_named_pool": lb(
                "jurisdiction=eu",
                default_pools=[ref("cloudflare_load_balancer_pool.oddly_named")],
                fallback_pool=P_EU,
            ),
            "cloudflare_load_balancer.us_ok": lb("jurisdiction=us", default_pools=[P_US], fallback_pool=P_US),
            "cloudflare_load_balancer.unrestricted": lb(
                "global", default_pools=[P_EU, P_US], fallback_pool=P_US
            ),
        },
    ),
]

# (check, stack, address, a phrase the finding's details must contain)
FAILS = [
    ("CKV_MCAI_14", AWS_US, "aws_ecr_repository.registry_in_eu", "eu-west-1"),
    ("CKV_MCAI_14", AWS_US, "aws_ecr_repository.registry_untagged", "jurisdiction=None"),
    ("CKV_MCAI_14", GCP_EU, "google_artifact_registry_repository.ar_multi", "location europe is outside"),
    ("CKV_MCAI_14", AZ_EU, "azurerm_container_registry.acr_geo_us", "geo-replica in East US"),
    ("CKV_MCAI_1", AWS_US, "aws_s3_bucket.untagged", "lack data_classification"),
    ("CKV_MCAI_1", AWS_US, "aws_s3_bucket.bad_values", "'secret'"),
    ("CKV_MCAI_1", AWS_US, "aws_s3_bucket.managed_by_hand", "expected 'cdktf'"),
    ("CKV_MCAI_1", AWS_US, "aws_kms_key.storage_key_untagged", "lack data_classification, jurisdiction"),
    ("CKV_MCAI_1", GCP_EU, "google_storage_bucket.unlabelled", "labels lack data_classification"),
    (
        "CKV_MCAI_1",
        AZ_EU,
        "azurerm_storage_account.notags",
        "tags lack data_classification, jurisdiction, env, component, managed_by",
    ),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_via_eu_alias", "provider aws.eu (region eu-west-1)"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_region_arg_bad", "ap-southeast-1"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_missing_alias", "does not configure"),
    ("CKV_MCAI_2", AWS_US, "aws_kms_key.pii_key_eu", "eu-west-1"),
    ("CKV_MCAI_2", AWS_US, "aws_kms_key.shared", "eu-west-1"),
    ("CKV_MCAI_2", GCP_EU, "google_storage_bucket.pii_multi", "located in EU"),
    ("CKV_MCAI_2", GCP_EU, "google_storage_bucket.pii_dual", "located in EU"),
    ("CKV_MCAI_2", GCP_EU, "google_storage_bucket.pii_wrong_region", "US-CENTRAL1"),
    ("CKV_MCAI_2", GCP_EU, "google_kms_crypto_key.pii_key_ring_us", "google_kms_key_ring.ring_us"),
    ("CKV_MCAI_2", GCP_EU, "google_kms_crypto_key.pii_key_literal_ring", "us-east1"),
    ("CKV_MCAI_2", AZ_EU, "azurerm_storage_account.piiwrong", "East US"),
    ("CKV_MCAI_2", AZ_EU, "azurerm_key_vault.vault_us", "eastus"),
    ("CKV_MCAI_2", AZ_EU, "azurerm_key_vault_key.pii_in_us_vault", "azurerm_key_vault.vault_us"),
    ("CKV_MCAI_3", AWS_US, "aws_s3_bucket_replication_configuration.pii_repl", "aws_s3_bucket.pii_ok"),
    (
        "CKV_MCAI_3",
        AWS_US,
        "aws_s3_bucket_replication_configuration.pii_repl_by_name",
        "aws_s3_bucket.pii_ok",
    ),
    ("CKV_MCAI_3", AWS_US, "aws_s3_bucket_replication_configuration.unknown_source", "cannot show"),
    ("CKV_MCAI_3", AWS_US, "aws_s3_bucket.pii_inline_repl", "inline replication_configuration"),
    ("CKV_MCAI_3", AWS_US, "aws_kms_key.pii_key_multi", "multi_region"),
    ("CKV_MCAI_3", AWS_US, "aws_kms_replica_key.pii_replica", "aws_kms_key.pii_key_ok"),
    ("CKV_MCAI_3", GCP_EU, "google_storage_bucket.pii_multi", "not a single region"),
    ("CKV_MCAI_3", GCP_EU, "google_storage_bucket.pii_dual", "custom_placement_config"),
    ("CKV_MCAI_3", AZ_EU, "azurerm_storage_account.piigrs", "RAGZRS"),
    ("CKV_MCAI_3", AZ_EU, "azurerm_storage_object_replication.pii_out", "azurerm_storage_account.piiok"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket.gdpr_in_us", "us-east-1"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket.gdpr_tagged_us", "jurisdiction='us'"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket_replication_configuration.gdpr_to_us", "aws_s3_bucket.models_us"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket_replication_configuration.gdpr_to_unknown", "somewhere-else"),
    (
        "CKV_MCAI_4",
        AWS_US,
        "aws_s3_bucket_replication_configuration.unknown_source",
        "cannot show the source is not models-gdpr",
    ),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket.gdpr_inline_to_us", "aws_s3_bucket.models_us"),
    ("CKV_MCAI_4", AWS_EU, "aws_kms_replica_key.gdpr_replica_us", "us-west-2"),
    ("CKV_MCAI_4", GCP_EU, "google_storage_bucket.gdpr_us", "located in US"),
    ("CKV_MCAI_4", GCP_EU, "google_storage_bucket.gdpr_placement_us", "US-CENTRAL1"),
    ("CKV_MCAI_4", AZ_EU, "azurerm_storage_account.gdprus", "eastus"),
    ("CKV_MCAI_4", AZ_EU, "azurerm_storage_object_replication.gdpr_to_us", "azurerm_storage_account.dstus"),
    (
        "CKV_MCAI_5",
        EDGE,
        "cloudflare_load_balancer.eu_fallback_us",
        "fallback_pool routes to pool prod-aws-us-east-1",
    ),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_region_pools_us", "region_pools"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_country_pools_us", "country_pools"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_pop_pools_us", "pop_pools"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_default_us", "default_pools"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_rule_override_us", "prod-aws-us-east-1"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_literal_pool", "0123456789abcdef"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_oddly_named_pool", "edge-pool"),
]

# (check, stack, address) that must pass
PASSES = [
    ("CKV_MCAI_14", AWS_US, "aws_ecr_repository.registry_ok"),  # region from the default provider
    ("CKV_MCAI_14", GCP_EU, "google_artifact_registry_repository.ar_ok"),
    ("CKV_MCAI_14", AZ_EU, "azurerm_container_registry.acr_ok"),
    ("CKV_MCAI_1", AWS_US, "aws_s3_bucket.pii_ok"),  # common tags from the provider's default_tags
    ("CKV_MCAI_1", AWS_US, "aws_kms_key.unrelated_untagged"),  # a key that encrypts no storage
    ("CKV_MCAI_1", GCP_EU, "google_storage_bucket.pii_ok"),  # common labels from default_labels
    ("CKV_MCAI_1", AZ_EU, "azurerm_storage_account.piiok"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_ok"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_alias_us_west"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.pii_region_arg_ok"),  # region argument beats the provider
    ("CKV_MCAI_2", AWS_US, "aws_kms_key.pii_key_ok"),
    ("CKV_MCAI_2", AWS_US, "aws_s3_bucket.shared"),
    ("CKV_MCAI_2", GCP_EU, "google_storage_bucket.pii_ok"),
    ("CKV_MCAI_2", GCP_EU, "google_kms_crypto_key.pii_key_ok"),
    ("CKV_MCAI_2", AZ_EU, "azurerm_storage_account.piiok"),
    ("CKV_MCAI_2", AZ_EU, "azurerm_key_vault_key.pii_ok"),
    ("CKV_MCAI_3", AWS_US, "aws_s3_bucket_replication_configuration.training_repl"),
    ("CKV_MCAI_3", AWS_US, "aws_kms_replica_key.training_replica"),
    ("CKV_MCAI_3", AWS_US, "aws_kms_key.pii_key_ok"),
    ("CKV_MCAI_3", GCP_EU, "google_storage_bucket.pii_ok"),
    ("CKV_MCAI_3", AZ_EU, "azurerm_storage_account.piiok"),
    ("CKV_MCAI_3", AZ_EU, "azurerm_storage_object_replication.gdpr_to_eu"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket.gdpr_src"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket.gdpr_dst_eu"),
    ("CKV_MCAI_4", AWS_EU, "aws_s3_bucket_replication_configuration.gdpr_to_eu"),
    ("CKV_MCAI_4", AWS_EU, "aws_kms_replica_key.gdpr_replica_eu"),
    ("CKV_MCAI_4", AWS_US, "aws_s3_bucket_replication_configuration.training_repl"),
    ("CKV_MCAI_4", GCP_EU, "google_storage_bucket.gdpr_multi_eu"),
    ("CKV_MCAI_4", GCP_EU, "google_storage_bucket.gdpr_region_eu"),
    ("CKV_MCAI_4", AZ_EU, "azurerm_storage_account.gdprok"),  # GRS pairs an EU region with an EU region
    ("CKV_MCAI_4", AZ_EU, "azurerm_storage_object_replication.gdpr_to_eu"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.eu_ok"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.us_ok"),
    ("CKV_MCAI_5", EDGE, "cloudflare_load_balancer.unrestricted"),
]
