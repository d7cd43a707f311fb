"""The S3 bucket that holds an environment's Terraform state (backend "s3", use_lockfile).

Resources (aws 6.25): aws_s3_bucket, aws_s3_bucket_versioning,
aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block,
aws_s3_bucket_ownership_controls, aws_s3_bucket_policy, aws_s3_bucket_lifecycle_configuration,
aws_s3_bucket_logging, aws_s3_bucket_notification, aws_kms_key, aws_kms_alias; data source
aws_iam_policy_document.

Locking: Terraform >= 1.10 writes `<key>.tflock` next to the state object with a conditional
PUT (S3 backend `use_lockfile`), so no DynamoDB table is needed
(developer.hashicorp.com/terraform/language/backend/s3, "State Locking").

What is on without asking: versioning (every state revision can be restored), SSE-KMS with a
rotating customer key and S3 Bucket Keys, all four public-access blocks, BucketOwnerEnforced (no
ACLs), a policy refusing non-TLS requests, `prevent_destroy` on the bucket, and server access
logging into `<bucket>-access-logs`.

The access-log bucket is built like the data lake's (constructs_lib/aws/data_lake.py): S3 delivers
server access logs only to a bucket of the same account and region, and with BucketOwnerEnforced
the bucket policy (not an ACL) grants `logging.s3.amazonaws.com` s3:PutObject, limited by
aws:SourceArn to the state bucket and aws:SourceAccount to this account (Amazon S3 User Guide,
"Enabling Amazon S3 server access logging" > "Permissions for log delivery"). The log bucket keeps
SSE-S3: server access log delivery does not write with SSE-KMS default encryption (same guide,
destination bucket requirements). Access logs name objects and requester IPs, so the bucket is
tagged like the state (pii), versioned, never replicated, and expires logs after
`access_log_retention_days`.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocument
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleExpiration,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
)
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA as SseDefault,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from constructs_lib.aws import policies
from constructs_lib.aws.kms import RotatingKey
from constructs_lib.aws.s3_private import keep_private


class S3StateBucket(Construct):
    """One state bucket.

    Props:
      bucket: the bucket name the environment's `backend:` names (one source for both).
      account_id: owner of the KMS key.
      noncurrent_retention_days: how long superseded state versions are kept.
      access_log_retention_days: how long the state bucket's server access logs are kept.
        Left out: 365.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket: str,
        account_id: str,
        tags: dict[str, str],
        noncurrent_retention_days: int = 365,
        key_rotation_days: int = 90,
        access_log_retention_days: int = 365,
    ) -> None:
        super().__init__(scope, id_)
        self.key = RotatingKey(
            self,
            "key",
            alias=f"{bucket}-state",
            description=f"Terraform state in s3://{bucket}",
            account_id=account_id,
            rotation_days=key_rotation_days,
            tags=tags,
        )
        self.bucket = S3Bucket(
            self,
            "bucket",
            bucket=bucket,
            tags=tags,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        S3BucketVersioningA(
            self,
            "versioning",
            bucket=self.bucket.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "encryption",
            bucket=self.bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=SseDefault(
                        sse_algorithm="aws:kms", kms_master_key_id=self.key.arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
        keep_private(
            self, bucket_id=self.bucket.id, public_access_id="public_access", ownership_id="ownership"
        )
        doc = DataAwsIamPolicyDocument(
            self, "policy_document", statement=[policies.deny_insecure_transport(self.bucket.arn)]
        )
        S3BucketPolicy(self, "policy", bucket=self.bucket.id, policy=doc.json)
        S3BucketLifecycleConfiguration(
            self,
            "lifecycle",
            bucket=self.bucket.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-old-state-versions",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=7
                        )
                    ],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                            noncurrent_days=noncurrent_retention_days
                        )
                    ],
                )
            ],
        )

        self.log_bucket = self._access_log_bucket(
            f"{bucket}-access-logs",
            account_id=account_id,
            tags=tags,
            retention_days=access_log_retention_days,
        )
        S3BucketLoggingA(
            self,
            "logging",
            bucket=self.bucket.id,
            target_bucket=self.log_bucket.id,
            target_prefix=f"{bucket}/",
        )

    def _access_log_bucket(
        self, name: str, *, account_id: str, tags: dict[str, str], retention_days: int
    ) -> S3Bucket:
        if not 3 <= len(name) <= 63:
            raise ValueError(f"S3 bucket name '{name}' is {len(name)} characters; S3 allows 3-63")
        log = S3Bucket(
            self,
            "log_bucket",
            bucket=name,
            tags={**tags, "purpose": "access-logs"},
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        versioning = S3BucketVersioningA(
            self,
            "log_versioning",
            bucket=log.id,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        S3BucketServerSideEncryptionConfigurationA(
            self,
            "log_encryption",
            bucket=log.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=SseDefault(sse_algorithm="AES256")
                )
            ],
        )
        public_access = keep_private(
            self, bucket_id=log.id, public_access_id="log_public_access", ownership_id="log_ownership"
        )
        # Object events to the region's default EventBridge bus, as for the lake's log buckets
        # (CKV2_AWS_62): an audit pipeline subscribes with a rule, the bucket stays untouched.
        S3BucketNotification(self, "log_notification", bucket=log.id, eventbridge=True)
        doc = DataAwsIamPolicyDocument(
            self,
            "log_policy_document",
            statement=[
                policies.deny_insecure_transport(log.arn),
                policies.allow_server_access_log_delivery(
                    log.arn, source_bucket_arns=[self.bucket.arn], account_id=account_id
                ),
            ],
        )
        S3BucketPolicy(self, "log_policy", bucket=log.id, policy=doc.json, depends_on=[public_access])
        S3BucketLifecycleConfiguration(
            self,
            "log_lifecycle",
            bucket=log.id,
            rule=[
                S3BucketLifecycleConfigurationRule(
                    id="expire-access-logs",
                    status="Enabled",
                    filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                    expiration=[S3BucketLifecycleConfigurationRuleExpiration(days=retention_days)],
                    noncurrent_version_expiration=[
                        S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(noncurrent_days=30)
                    ],
                    abort_incomplete_multipart_upload=[
                        S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                            days_after_initiation=7
                        )
                    ],
                )
            ],
            depends_on=[versioning],
        )
        return log

    @property
    def arn(self) -> str:
        return self.bucket.arn
