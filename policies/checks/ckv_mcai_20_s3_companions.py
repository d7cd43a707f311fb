"""CKV_MCAI_20: the S3 bucket companion resources say what the bucket needs, not just that they exist.

checkov's S3 checks read `aws_s3_bucket` and look for a companion by connection; nothing reads
the companions themselves, so a versioning resource that suspends versioning, or SSE-S3 on a data
bucket, passed unseen (issue #16: "not evaluated"). Rules (aws 6.25 resource docs):
- aws_s3_bucket_versioning: `versioning_configuration.status = "Enabled"`.
- aws_s3_bucket_server_side_encryption_configuration: every rule's default is SSE-KMS
  (`aws:kms` or `aws:kms:dsse`) with a `kms_master_key_id`, and `bucket_key_enabled`; SSE-S3
  (`AES256`) only on a bucket tagged purpose=access-logs, because S3 server access log delivery
  writes only to SSE-S3 target buckets (Amazon S3 User Guide, server access logging).
- aws_s3_bucket_logging: the target is another bucket of the stack tagged purpose=access-logs
  (logs land where their lifecycle and delivery policy are), never the bucket itself.
- aws_s3_bucket_notification: at least one destination (EventBridge, a topic, queue or function);
  an empty notification configuration silently removes the bucket's events.
The bucket is found by its `${aws_s3_bucket.<name>.id}` reference in the same stack; a bucket the
check cannot see fails closed where the rule needs its tags.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile, refs_to

KMS = ("aws:kms", "aws:kms:dsse")


def _blocks(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


class S3Companions(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_20")

    def _bucket_tags(self, stack: StackFile | None, value: Any) -> tuple[str | None, dict[str, Any] | None]:
        names = refs_to(value, "aws_s3_bucket")
        if not names or stack is None:
            return None, None
        bucket = stack.resource("aws_s3_bucket", names[0])
        return names[0], (bucket.get("tags") or {}) if bucket is not None else None

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        t = self.entity_type
        if t == "aws_s3_bucket_versioning":
            status = (_blocks(raw.get("versioning_configuration")) or [{}])[0].get("status")
            return [] if status == "Enabled" else [f"versioning status is {status!r}, not 'Enabled'"]
        if t == "aws_s3_bucket_server_side_encryption_configuration":
            return self._encryption(raw, stack)
        if t == "aws_s3_bucket_logging":
            return self._logging(raw, stack)
        destinations = ("topic", "queue", "lambda_function")
        if raw.get("eventbridge") is True or any(raw.get(k) for k in destinations):
            return []
        return ["the notification has no destination (eventbridge, topic, queue or lambda_function)"]

    def _encryption(self, raw: dict[str, Any], stack: StackFile | None) -> list[str]:
        rules = _blocks(raw.get("rule"))
        if not rules:
            return ["no encryption rule"]
        name, tags = self._bucket_tags(stack, raw.get("bucket"))
        found = []
        for i, rule in enumerate(rules):
            default = (_blocks(rule.get("apply_server_side_encryption_by_default")) or [{}])[0]
            algorithm = default.get("sse_algorithm")
            if algorithm in KMS:
                if not default.get("kms_master_key_id"):
                    found.append(f"rule {i}: {algorithm} without kms_master_key_id (the AWS managed key)")
                if rule.get("bucket_key_enabled") is not True:
                    found.append(f"rule {i}: bucket_key_enabled is not true")
            elif algorithm == "AES256":
                if tags is None:
                    found.append(f"rule {i}: SSE-S3 on a bucket the check cannot see in the stack")
                elif tags.get("purpose") != "access-logs":
                    found.append(
                        f"rule {i}: SSE-S3 on aws_s3_bucket.{name}, which is not an access-log bucket"
                    )
            else:
                found.append(f"rule {i}: sse_algorithm {algorithm!r} is not aws:kms")
        return found

    def _logging(self, raw: dict[str, Any], stack: StackFile | None) -> list[str]:
        source = refs_to(raw.get("bucket"), "aws_s3_bucket")
        target, tags = self._bucket_tags(stack, raw.get("target_bucket"))
        if target is None or tags is None:
            return ["target_bucket is not a bucket of this stack"]
        if source and source[0] == target:
            return [f"aws_s3_bucket.{target} logs into itself"]
        if tags.get("purpose") != "access-logs":
            return [f"target aws_s3_bucket.{target} is not tagged purpose=access-logs"]
        return []


check = S3Companions()
