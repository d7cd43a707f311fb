"""The GCS bucket that holds an environment's Terraform state (backend "gcs").

Resources (google 6.50): google_storage_bucket. Locking is built into the gcs backend (a
`.tflock` object written with a generation precondition); encryption at rest is Google's default
(AES-256) unless a Cloud KMS key is given.

What is on without asking: object versioning, uniform bucket-level access, public access
prevention enforced, a single-region location, old versions deleted after a retention, and
`prevent_destroy`.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketEncryption,
    StorageBucketLifecycleRule,
    StorageBucketLifecycleRuleAction,
    StorageBucketLifecycleRuleCondition,
    StorageBucketVersioning,
)
from constructs import Construct


class GcsStateBucket(Construct):
    """Props: bucket (the backend's name), project, location (a region), labels,
    noncurrent_retention_days, kms_key_name (left out: Google-managed encryption)."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket: str,
        project: str,
        location: str,
        labels: dict[str, str],
        noncurrent_retention_days: int = 365,
        kms_key_name: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.bucket = StorageBucket(
            self,
            "bucket",
            name=bucket,
            project=project,
            location=location.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            versioning=StorageBucketVersioning(enabled=True),
            encryption=StorageBucketEncryption(default_kms_key_name=kms_key_name) if kms_key_name else None,
            lifecycle_rule=[
                StorageBucketLifecycleRule(
                    action=StorageBucketLifecycleRuleAction(type="Delete"),
                    condition=StorageBucketLifecycleRuleCondition(
                        days_since_noncurrent_time=noncurrent_retention_days, with_state="ARCHIVED"
                    ),
                )
            ],
            labels=labels,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
