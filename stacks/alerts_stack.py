"""Alarms on the data lake's S3 replication: `<env>-aws-<region>-alerts`, one per AWS data lake
that replicates.

A stack of its own (not inside the data-lake stack, whose keys all encrypt data): an encrypted SNS
topic in the lake's region (CloudWatch alarm actions must be in the alarm's region) delivering to
the environment's one notification email, and two alarms per replication rule. The rules' bucket
names arrive as references to the data-lake stack.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from constructs_lib.aws.alerts import AlertTopic, ReplicationAlarms
from stacks.base import PlatformStack
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment

COMPONENT = "alerts"


class ReplicationAlertsStack(PathLogicalIds, PlatformStack):
    def __init__(
        self, scope: Construct, *, env: Environment, region: str, rules: Sequence[tuple[str, str, str, str]]
    ) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud="aws", region=region)
        account_id = env.accounts.aws.account_id
        tags = self.tags()
        AwsProvider(
            self,
            "aws",
            region=region,
            allowed_account_ids=[account_id],
            default_tags=[AwsProviderDefaultTags(tags=tags)],
        )
        self.topic = AlertTopic(
            self,
            "alerts",
            name=f"{env.name}-{region}-alerts",
            email=env.notifications.email,
            account_id=account_id,
            tags=tags,
        )
        self.alarms = ReplicationAlarms(
            self,
            "replication_alarms",
            rules=rules,
            topic=self.topic,
            name_prefix=f"{env.name}-{region}",
            tags=tags,
        )
