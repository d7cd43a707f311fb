"""CKV_MCAI_10: archive storage is immutable, and locked in prod.

checkov has no check that reads S3 Object Lock, a GCS retention lock or an Azure account-level
immutability policy together with the data's classification. For storage tagged
data_classification=archive:
- S3: `object_lock_enabled = true` and an `aws_s3_bucket_object_lock_configuration` of this bucket
  with a default retention (mode and days or years);
- GCS: a `retention_policy` with a retention_period;
- Azure: an `immutability_policy` with period_since_creation_in_days and state Unlocked or Locked.
In env=prod the lock must be irreversible: S3 mode COMPLIANCE, GCS `is_locked = true`, Azure state
Locked (staging/dev use GOVERNANCE/unlocked on purpose: environments/*.yaml archive_lock_mode).
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, mapping, refs_to, tags_of, truthy


class ArchiveImmutability(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_10")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        tags = tags_of(self.entity_type, conf, stack)
        if tags.get("data_classification") != "archive":
            return []
        prod = tags.get("env") == "prod"
        if self.entity_type == "aws_s3_bucket":
            return self._s3(conf, stack, prod)
        if self.entity_type == "google_storage_bucket":
            policy = mapping(conf.get("retention_policy"))
            if not policy.get("retention_period"):
                return ["no retention_policy with a retention_period"]
            if prod and not truthy(policy.get("is_locked")):
                return ["retention_policy is not locked (is_locked) in prod"]
            return []
        policy = mapping(conf.get("immutability_policy"))
        if not policy.get("period_since_creation_in_days") or policy.get("state") not in (
            "Unlocked",
            "Locked",
        ):
            return ["no immutability_policy with a period and state Unlocked or Locked"]
        if prod and policy.get("state") != "Locked":
            return [f"immutability_policy state is {policy.get('state')} in prod, expected Locked"]
        return []

    def _s3(self, conf: dict[str, Any], stack, prod: bool) -> list[str]:
        found = []
        if not truthy(conf.get("object_lock_enabled")):
            found.append("object_lock_enabled is not true")
        configs = [
            c
            for c in (stack.resources("aws_s3_bucket_object_lock_configuration").values() if stack else [])
            if self.entity_name in refs_to(c.get("bucket"), "aws_s3_bucket")
        ]
        if not configs:
            return [*found, "no aws_s3_bucket_object_lock_configuration for this bucket"]
        rule = configs[0].get("rule") or {}
        rule = (rule[0] if isinstance(rule, list) and rule else rule) or {}
        default = mapping(rule.get("default_retention") if isinstance(rule, dict) else None)
        if not default.get("mode") or not (default.get("days") or default.get("years")):
            found.append("object lock configuration has no default retention (mode and days/years)")
        elif prod and default.get("mode") != "COMPLIANCE":
            found.append(f"object lock mode {default.get('mode')} in prod, expected COMPLIANCE")
        return found


check = ArchiveImmutability()
