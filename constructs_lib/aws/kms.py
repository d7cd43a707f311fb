"""Customer-managed KMS keys with rotation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from constructs_lib.aws.iam import policy_document


def account_root_statement(account_id: str, partition: str) -> dict[str, Any]:
    # AWS's own default key policy: the account (through IAM policies) administers the key.
    # Without it a custom key policy locks the account out of its key.
    return {
        "Sid": "AccountAdministersKeyThroughIam",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }


class RotatingKey(Construct):
    """A symmetric KMS key with automatic rotation and an alias.

    The key policy is AWS's default one, written out: the account administers the key and grants
    its use through IAM policies. With `logs_region`, CloudWatch Logs of that region and account may
    also use the key, but only for log groups of this account (encryption-context condition), so
    log groups and VPC flow logs can be encrypted with it. With `publisher_services`, those services
    may encrypt messages for an SNS topic of this account that uses the key.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        alias: str,
        description: str,
        account_id: str,
        tags: dict[str, str],
        rotation_days: int = 90,
        deletion_window_days: int = 30,
        logs_region: str | None = None,
        partition: str = "aws",
        publisher_services: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id_)
        statements = [account_root_statement(account_id, partition)]
        if publisher_services:
            # Services that publish to a topic encrypted with this key (cloudwatch.amazonaws.com for
            # alarms): exactly the two actions SNS needs from a publisher (Amazon SNS developer
            # guide, "Enable compatibility between event sources and encrypted topics"), only
            # on behalf of this account.
            statements.append(
                {
                    "Sid": "PublishersOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": sorted(publisher_services)},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            )
        if logs_region:
            statements.append(
                {
                    "Sid": "CloudWatchLogsOfThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{logs_region}.amazonaws.com"},
                    "Action": [
                        "kms:Decrypt*",
                        "kms:Describe*",
                        "kms:Encrypt*",
                        "kms:GenerateDataKey*",
                        "kms:ReEncrypt*",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "ArnLike": {
                            "kms:EncryptionContext:aws:logs:arn": f"arn:{partition}:logs:{logs_region}:{account_id}:*"
                        }
                    },
                }
            )
        self.key = KmsKey(
            self,
            "key",
            description=description,
            enable_key_rotation=True,
            rotation_period_in_days=rotation_days,
            deletion_window_in_days=deletion_window_days,
            policy=policy_document(statements),
            tags=tags,
        )
        KmsAlias(self, "alias", name=f"alias/{alias}", target_key_id=self.key.key_id)

    @property
    def arn(self) -> str:
        return self.key.arn
