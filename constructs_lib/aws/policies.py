"""Small least-privilege IAM statements for S3 data lakes.

Each helper returns the statements of one purpose; callers combine them into one
aws_iam_policy_document. No helper grants a wildcard action: the only `s3:*` is the DENY of
insecure transport, which by nature must cover every action.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatement as Statement,
)
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatementCondition as Condition,
)
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocumentStatementPrincipals as Principals,
)


def deny_insecure_transport(bucket_arn: str) -> Statement:
    """Refuse every request to the bucket or its objects that does not arrive over TLS."""
    return Statement(
        sid="DenyInsecureTransport",
        effect="Deny",
        principals=[Principals(type="*", identifiers=["*"])],
        actions=["s3:*"],
        resources=[bucket_arn, f"{bucket_arn}/*"],
        condition=[Condition(test="Bool", variable="aws:SecureTransport", values=["false"])],
    )


def allow_server_access_log_delivery(
    log_bucket_arn: str, *, source_bucket_arns: Sequence[str], account_id: str
) -> Statement:
    """S3 server access logging (logging.s3.amazonaws.com) may write log objects, only for the
    given source buckets of this account (BucketOwnerEnforced: a bucket policy, not an ACL)."""
    return Statement(
        sid="AllowS3ServerAccessLogDelivery",
        effect="Allow",
        principals=[Principals(type="Service", identifiers=["logging.s3.amazonaws.com"])],
        actions=["s3:PutObject"],
        resources=[f"{log_bucket_arn}/*"],
        condition=[
            Condition(test="ArnLike", variable="aws:SourceArn", values=list(source_bucket_arns)),
            Condition(test="StringEquals", variable="aws:SourceAccount", values=[account_id]),
        ],
    )


def s3_service_assume_role(account_id: str) -> Statement:
    """Trust policy: the S3 replication service of this account may assume the role."""
    return Statement(
        effect="Allow",
        principals=[Principals(type="Service", identifiers=["s3.amazonaws.com"])],
        actions=["sts:AssumeRole"],
        condition=[Condition(test="StringEquals", variable="aws:SourceAccount", values=[account_id])],
    )


def replication_statements(
    *,
    source_bucket_arn: str,
    destination_bucket_arn: str,
    source_key_arn: str,
    destination_key_arn: str,
    source_region: str,
    destination_region: str,
) -> list[Statement]:
    """What S3 replication of SSE-KMS objects needs, and nothing more (S3 user guide,
    "Setting up permissions for live replication" and "Replicating encrypted objects")."""
    return [
        Statement(
            sid="ReadReplicationConfiguration",
            effect="Allow",
            actions=["s3:GetReplicationConfiguration", "s3:ListBucket"],
            resources=[source_bucket_arn],
        ),
        Statement(
            sid="ReadSourceVersions",
            effect="Allow",
            actions=[
                "s3:GetObjectVersionForReplication",
                "s3:GetObjectVersionAcl",
                "s3:GetObjectVersionTagging",
            ],
            resources=[f"{source_bucket_arn}/*"],
        ),
        Statement(
            sid="WriteReplicas",
            effect="Allow",
            actions=["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
            resources=[f"{destination_bucket_arn}/*"],
        ),
        Statement(
            sid="DecryptSource",
            effect="Allow",
            actions=["kms:Decrypt"],
            resources=[source_key_arn],
            condition=[
                Condition(
                    test="StringEquals",
                    variable="kms:ViaService",
                    values=[f"s3.{source_region}.amazonaws.com"],
                ),
            ],
        ),
        Statement(
            sid="EncryptReplicas",
            effect="Allow",
            actions=["kms:Encrypt", "kms:GenerateDataKey"],
            resources=[destination_key_arn],
            condition=[
                Condition(
                    test="StringEquals",
                    variable="kms:ViaService",
                    values=[f"s3.{destination_region}.amazonaws.com"],
                ),
            ],
        ),
    ]
