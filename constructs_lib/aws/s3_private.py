"""The two resources that keep an S3 bucket private, as every bucket of the platform has them.

All four public-access blocks on (no public ACL or policy is accepted, and any there is ignored)
and object ownership "BucketOwnerEnforced" (ACLs disabled: the bucket's account owns every object,
whoever wrote it). The callers name the two resources, so their logical ids stay as they were.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from constructs import Construct


def keep_private(
    scope: Construct,
    *,
    bucket_id: str,
    public_access_id: str,
    ownership_id: str,
    region: str | None = None,
) -> S3BucketPublicAccessBlock:
    """Block public access to the bucket and enforce bucket-owner ownership; returns the block
    (bucket policies depend on it: S3 refuses a policy while the block is being changed).
    `region`: the provider's per-resource region, for a bucket outside the provider's region."""
    public_access = S3BucketPublicAccessBlock(
        scope,
        public_access_id,
        bucket=bucket_id,
        region=region,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    S3BucketOwnershipControls(
        scope,
        ownership_id,
        bucket=bucket_id,
        region=region,
        rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
    )
    return public_access
