"""Where AWS alarms of one region go, and the alarms on S3 replication.

Resources (aws 6.25): aws_sns_topic (KMS-encrypted with a rotating customer key CloudWatch may use),
aws_sns_topic_subscription (email: the recipient confirms once), aws_cloudwatch_metric_alarm.

The replication metrics exist only while a rule has `metrics { status = "Enabled" }` (S3 user guide,
"Monitoring progress with replication metrics"; the data lake's rules enable them with Replication
Time Control). S3 publishes them in namespace AWS/S3 with dimensions SourceBucket,
DestinationBucket and RuleId: ReplicationLatency (seconds) and OperationsFailedReplication (count).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.cloudwatch_metric_alarm import CloudwatchMetricAlarm
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from constructs_lib.aws.kms import RotatingKey


class AlertTopic(Construct):
    """An encrypted SNS topic delivering to the environment's notification email.

    Props: name (topic and key alias), email, account_id, tags, key_rotation_days.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        email: str,
        account_id: str,
        tags: dict[str, str],
        key_rotation_days: int = 90,
    ) -> None:
        super().__init__(scope, id_)
        key = RotatingKey(
            self,
            "key",
            alias=f"{name}-alerts",
            description=f"Messages of SNS topic {name}",
            account_id=account_id,
            rotation_days=key_rotation_days,
            publisher_services=("cloudwatch.amazonaws.com",),
            tags=tags,
        )
        self.topic = SnsTopic(self, "topic", name=name, kms_master_key_id=key.arn, tags=tags)
        SnsTopicSubscription(self, "email", topic_arn=self.topic.arn, protocol="email", endpoint=email)

    @property
    def arn(self) -> str:
        return self.topic.arn


class ReplicationAlarms(Construct):
    """Two alarms per replication rule, both to `topic`:
    - latency: the slowest object (Maximum ReplicationLatency) above `latency_threshold_seconds`
      for `latency_periods` consecutive 5-minute periods (default: the 15-minute RPO, for 15 min);
    - failures: any OperationsFailedReplication in a 5-minute period.
    Missing data (nothing replicated) is not an alarm.

    rules: (logical name, source bucket, destination bucket, rule id) per rule.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        rules: Sequence[tuple[str, str, str, str]],
        topic: AlertTopic,
        name_prefix: str,
        tags: dict[str, str],
        latency_threshold_seconds: int = 900,
        latency_periods: int = 3,
    ) -> None:
        super().__init__(scope, id_)
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}

        def alarm(
            name: str,
            dimensions: dict[str, str],
            kind: str,
            *,
            description: str,
            metric: str,
            statistic: str,
            threshold: int,
            periods: int,
        ) -> None:
            logical = f"{name.replace('-', '_')}_{kind}"  # its id, and its key in self.alarms
            self.alarms[logical] = CloudwatchMetricAlarm(
                self,
                logical,
                alarm_name=f"{name_prefix}-{name}-replication-{kind}",
                alarm_description=description,
                metric_name=metric,
                statistic=statistic,
                threshold=threshold,
                evaluation_periods=periods,
                namespace="AWS/S3",
                period=300,
                dimensions=dimensions,
                comparison_operator="GreaterThanThreshold",
                treat_missing_data="notBreaching",
                alarm_actions=[topic.arn],
                ok_actions=[topic.arn],
                tags=tags,
            )

        for name, source, destination, rule_id in rules:
            dimensions = {"SourceBucket": source, "DestinationBucket": destination, "RuleId": rule_id}
            alarm(
                name,
                dimensions,
                "latency",
                description=f"S3 replication {rule_id} slower than {latency_threshold_seconds} s",
                metric="ReplicationLatency",
                statistic="Maximum",
                threshold=latency_threshold_seconds,
                periods=latency_periods,
            )
            alarm(
                name,
                dimensions,
                "failed",
                description=f"S3 replication {rule_id} failed to replicate objects",
                metric="OperationsFailedReplication",
                statistic="Sum",
                threshold=0,
                periods=1,
            )
