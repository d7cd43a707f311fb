"""CKV_MCAI_4: models-gdpr data lives only in EU regions and replicates only to EU regions.

A storage resource or key classified models-gdpr must be tagged jurisdiction=eu and be located in
an EU region of policies/residency.yaml (GCS may also use an EU multi-region listed there, and a
custom_placement_config only with EU regions). Replication from a models-gdpr source -- S3
replication configuration or inline replication_configuration, Azure object replication, KMS
replica key -- must target resources of the stack located in the EU; a destination the policy
cannot see fails. Azure GRS/GZRS copies to the region's pair; every EU region's pair is in Europe,
so geo-redundancy of an EU account stays allowed.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import (
    GDPR_JURISDICTION,
    McaiCheck,
    StackFile,
    aws_region,
    in_jurisdiction,
    listing,
    norm_azure,
    norm_gcp,
    refs_to,
    regions,
    s3_buckets_named,
    scalar,
    strings,
    tags_of,
)

EU = GDPR_JURISDICTION


def is_gdpr(resource_type: str, conf: dict[str, Any] | None, stack: StackFile | None) -> bool:
    return (
        conf is not None and tags_of(resource_type, conf, stack).get("data_classification") == "models-gdpr"
    )


def s3_destinations(rules: Any) -> list[Any]:
    """The destination bucket values of replication rules (raw or hclified)."""
    found: list[Any] = []
    for rule in rules if isinstance(rules, list) else [rules]:
        if not isinstance(rule, dict):
            continue
        for key in ("rules", "rule"):  # inline block nests rules inside replication_configuration
            if key in rule:
                found += s3_destinations(rule[key])
        destinations = rule.get("destination")
        for destination in destinations if isinstance(destinations, list) else [destinations]:
            if isinstance(destination, dict) and "bucket" in destination:
                found.append(destination["bucket"])
    return found


class GdprModelsInEu(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_4")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        t = self.entity_type
        if t == "aws_s3_bucket_replication_configuration":
            sources, unresolved = s3_buckets_named(conf.get("bucket"), stack)
            if unresolved:
                return [
                    f"cannot show the source is not models-gdpr: bucket {v!r} is not an aws_s3_bucket of this stack"
                    for v in unresolved
                ]
            if not any(is_gdpr("aws_s3_bucket", stack.resource("aws_s3_bucket", s), stack) for s in sources):
                return []
            return self._s3_destinations_in_eu(s3_destinations(conf.get("rule")), stack)
        if t == "azurerm_storage_object_replication":
            return self._azure_object_replication(conf, stack)
        if t == "aws_kms_replica_key":
            primaries = refs_to(conf.get("primary_key_arn"), "aws_kms_key")
            if not primaries:
                return [
                    f"cannot show the primary key is not models-gdpr: primary_key_arn {scalar(conf.get('primary_key_arn'))!r} is not an aws_kms_key of this stack"
                ]
            if not any(
                is_gdpr("aws_kms_key", stack.resource("aws_kms_key", p) if stack else None, stack)
                for p in primaries
            ):
                return []
            region, how = aws_region(conf, stack)
            if region not in regions(EU, "aws"):
                return [
                    f"replica of a models-gdpr key located in {region} (from {how}); EU allows {listing(regions(EU, 'aws'))}"
                ]
            return []

        if not is_gdpr(t, conf, stack):
            return []
        found: list[str] = []
        jurisdiction = tags_of(t, conf, stack).get("jurisdiction")
        if jurisdiction != EU:
            found.append(f"models-gdpr with jurisdiction={jurisdiction!r}, must be {EU!r}")
        cloud, location, how = self.location(conf, stack)
        if location is None:
            found.append(f"models-gdpr whose location cannot be determined: {how}")
        elif not in_jurisdiction(cloud, location, EU, gcs_multi_ok=(t == "google_storage_bucket")):
            allowed = regions(EU, cloud) + (
                regions(EU, "gcs_multi_regions") if t == "google_storage_bucket" else []
            )
            found.append(f"models-gdpr located in {location} (from {how}); EU allows {listing(allowed)}")
        if t == "google_storage_bucket":
            for placement in strings(
                [
                    p.get("data_locations")
                    for p in conf.get("custom_placement_config") or []
                    if isinstance(p, dict)
                ]
            ):
                if norm_gcp(placement) not in regions(EU, "gcp"):
                    found.append(
                        f"custom_placement_config places models-gdpr data in {placement}, not an EU region"
                    )
        if t == "aws_s3_bucket" and conf.get("replication_configuration"):
            found += self._s3_destinations_in_eu(
                s3_destinations(conf.get("replication_configuration")), stack
            )
        return found

    def _s3_destinations_in_eu(self, destinations: list[Any], stack: StackFile | None) -> list[str]:
        found: list[str] = []
        for destination in destinations:
            names, unresolved = s3_buckets_named(destination, stack)
            found += [
                f"replicates models-gdpr to {v!r}, which is not an aws_s3_bucket of this stack (region unknown)"
                for v in unresolved
            ]
            for name in names:
                region, how = aws_region(stack.resource("aws_s3_bucket", name), stack)
                if region not in regions(EU, "aws"):
                    found.append(
                        f"replicates models-gdpr to aws_s3_bucket.{name} in {region} (from {how}), not an EU region"
                    )
        return found

    def _azure_object_replication(self, conf: dict[str, Any], stack: StackFile | None) -> list[str]:
        sources = refs_to(conf.get("source_storage_account_id"), "azurerm_storage_account")
        resolved = [s for s in sources if stack is not None and stack.resource("azurerm_storage_account", s)]
        if not resolved:
            return [
                f"cannot show the source is not models-gdpr: source_storage_account_id {scalar(conf.get('source_storage_account_id'))!r} is not a storage account of this stack"
            ]
        if not any(
            is_gdpr("azurerm_storage_account", stack.resource("azurerm_storage_account", s), stack)
            for s in resolved
        ):
            return []
        destinations = refs_to(conf.get("destination_storage_account_id"), "azurerm_storage_account")
        accounts = [stack.resource("azurerm_storage_account", d) for d in destinations]
        if not destinations or any(a is None for a in accounts):
            return [
                f"replicates models-gdpr to {scalar(conf.get('destination_storage_account_id'))!r}, which is not a storage account of this stack (location unknown)"
            ]
        found = []
        for name, account in zip(destinations, accounts, strict=False):
            location = account.get("location")
            if not isinstance(location, str) or norm_azure(location) not in regions(EU, "azure"):
                found.append(
                    f"replicates models-gdpr to azurerm_storage_account.{name} in {location}, not an EU region"
                )
        return found


check = GdprModelsInEu()
