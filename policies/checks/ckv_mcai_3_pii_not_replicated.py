"""CKV_MCAI_3: PII is never replicated.

Fails on: an aws_s3_bucket_replication_configuration whose source bucket is PII (or cannot be found
in the stack, so cannot be shown not to be); a PII bucket with the legacy inline
replication_configuration; a PII KMS key with multi_region = true, or an aws_kms_replica_key of a
PII key; a PII storage account with a geo-redundant account_replication_type (GRS, RAGRS, GZRS,
RAGZRS), or an azurerm_storage_object_replication from one; a PII GCS bucket whose location is not a
single region or that sets custom_placement_config (dual-region).
"""

from __future__ import annotations

from typing import Any

from mcai_lib import (
    McaiCheck,
    StackFile,
    all_regions,
    norm_gcp,
    refs_to,
    s3_buckets_named,
    scalar,
    tags_of,
    truthy,
)

GEO_REDUNDANT = {"GRS", "RAGRS", "GZRS", "RAGZRS"}


def is_pii(resource_type: str, conf: dict[str, Any], stack: StackFile | None) -> bool:
    return tags_of(resource_type, conf, stack).get("data_classification") == "pii"


class PiiNotReplicated(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_3")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        t = self.entity_type
        if t == "aws_s3_bucket_replication_configuration":
            return self._source_not_pii("aws_s3_bucket", conf.get("bucket"), stack, "bucket")
        if t == "azurerm_storage_object_replication":
            return self._source_not_pii(
                "azurerm_storage_account",
                conf.get("source_storage_account_id"),
                stack,
                "source_storage_account_id",
            )
        if t == "aws_kms_replica_key":
            return self._source_not_pii("aws_kms_key", conf.get("primary_key_arn"), stack, "primary_key_arn")
        if not is_pii(t, conf, stack):
            return []
        if t == "aws_s3_bucket" and conf.get("replication_configuration"):
            return ["PII bucket with an inline replication_configuration"]
        if t == "aws_kms_key" and truthy(conf.get("multi_region")):
            return ["PII key with multi_region = true (replica keys can live in other regions)"]
        if t == "azurerm_storage_account":
            replication = str(scalar(conf.get("account_replication_type")) or "").upper()
            if replication in GEO_REDUNDANT:
                return [
                    f"PII storage account with account_replication_type {replication} (copies to the paired region)"
                ]
        if t == "google_storage_bucket":
            found = []
            location = scalar(conf.get("location"))
            if not isinstance(location, str) or norm_gcp(location) not in all_regions("gcp"):
                found.append(
                    f"PII bucket location {location!r} is not a single region of policies/residency.yaml (multi- or dual-region replicates)"
                )
            if conf.get("custom_placement_config"):
                found.append("PII bucket with custom_placement_config (a configurable dual-region)")
            return found
        return []

    def _source_not_pii(
        self, source_type: str, value: Any, stack: StackFile | None, attribute: str
    ) -> list[str]:
        if source_type == "aws_s3_bucket":
            names, unresolved = s3_buckets_named(value, stack)
        else:
            names = [
                n for n in refs_to(value, source_type) if stack is not None and stack.resource(source_type, n)
            ]
            unresolved = [] if names else [str(scalar(value))]
        found = [
            f"replicates PII: {attribute} is {source_type}.{name}, classified pii"
            for name in names
            if is_pii(source_type, stack.resource(source_type, name), stack)
        ]
        found += [
            f"cannot show the source is not PII: {attribute} {v!r} is not a {source_type} of this stack"
            for v in unresolved
        ]
        return found


check = PiiNotReplicated()
