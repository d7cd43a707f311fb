"""The S3 bucket that holds an environment's Terraform state (backend "s3", use_lockfile).

Resources (aws 6.25): aws_s3_bucket, aws_s3_bucket_versioning,
aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block,
aws_s3_bucket_ownership_controls, aws_s3_bucket_policy, aws_s3_bucket_lifecycle_configuration,
aws_kms_key, aws_kms_alias; data source aws_iam_policy_document.

Locking: Terraform >= 1.10 writes `<key>.tflock` next to the state object with a conditional
PUT (S3 backend `use_lockfile`), so no DynamoDB table is needed
(developer.hashicorp.com/terraform/language/backend/s3, "State Locking").

What is on without asking: versioning (every state revision can be restored), SSE-KMS with a
rotating customer key and S3 Bucket Keys, all four public-access blocks, BucketOwnerEnforced (no
ACLs), a policy refusing non-TLS requests, and `prevent_destroy` on the bucket.
"""

from __future__ import annotations

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import DataAwsIamPolicyDocument
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
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


class S3StateBucket(Construct):
    """One state bucket.

    Props:
      bucket: the bucket name the environment's `backend:` names (one source for both).
      account_id: owner of the KMS key.
      noncurrent_retention_days: how long superseded state versions are kept.
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
        S3BucketPublicAccessBlock(
            self,
            "public_access",
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
        )
        S3BucketOwnershipControls(
            self,
            "ownership",
            bucket=self.bucket.id,
            rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
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

    @property
    def arn(self) -> str:
        return self.bucket.arn
