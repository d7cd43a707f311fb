"""A regional S3 data lake: one hardened bucket per data classification, tiered by the storage spec.

Per classification: a customer-managed KMS key (rotation on) and a bucket with versioning, SSE-KMS
with an S3 bucket key, all four public-access blocks, BucketOwnerEnforced ownership, a bucket
policy that refuses non-TLS requests, server access logging into the lake's log bucket and the
lifecycle of constructs_lib/storage_spec.py (one tiering rule per zone prefix, one rule for old
versions and abandoned multipart uploads across the whole bucket). The `archive` bucket is created
with S3 Object Lock and a default retention. Classifications the replication rule allows
(storage_spec.may_replicate) get a replica bucket in the replica region, written by S3
replication through a role that can do nothing else.

Regional resources carry an explicit `region` argument (aws provider v6), so one provider serves
the lake and its replica and a reader of the JSON sees where every bucket lives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.data_aws_iam_policy_document import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
)
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRule as LifecycleRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload as AbortMultipart,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleExpiration as Expiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleFilter as LifecycleFilter,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration as NoncurrentExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleNoncurrentVersionTransition as NoncurrentTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfigurationRuleTransition as LifecycleTransition,
)
from cdktf_cdktf_provider_aws.s3_bucket_logging import S3BucketLoggingA
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from cdktf_cdktf_provider_aws.s3_bucket_object_lock_configuration import (
    S3BucketObjectLockConfigurationA,
    S3BucketObjectLockConfigurationRuleA,
    S3BucketObjectLockConfigurationRuleDefaultRetentionA,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationA,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRule as ReplicationRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDeleteMarkerReplication as DeleteMarkerReplication,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestination as ReplicationDestination,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestinationEncryptionConfiguration as ReplicaEncryption,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestinationMetrics as ReplicationMetrics,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestinationMetricsEventThreshold as MetricsThreshold,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestinationReplicationTime as ReplicationTime,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleDestinationReplicationTimeTime as ReplicationTimeValue,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleFilter as ReplicationFilter,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleSourceSelectionCriteria as SourceSelection,
)
from cdktf_cdktf_provider_aws.s3_bucket_replication_configuration import (
    S3BucketReplicationConfigurationRuleSourceSelectionCriteriaSseKmsEncryptedObjects as SseKmsObjects,
)
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

from constructs_lib import storage_spec
from constructs_lib.aws import policies
from constructs_lib.aws.iam import policy_document
from constructs_lib.aws.kms import account_root_statement
from constructs_lib.aws.s3_private import keep_private
from constructs_lib.storage_spec import ARCHIVE, CLASSIFICATIONS, LifecyclePlan, TierSpec
from constructs_lib.tags import data_tags

# The design's RPO for replicated object storage is 15 minutes: S3 Replication Time Control
# replicates 99.99 % of objects within 15 minutes and reports what misses it.
REPLICATION_TIME_MINUTES = 15


S3Replica = storage_spec.Replica  # the one replica type of the three clouds (kept name)


@dataclass
class S3LakeBucket:
    """One bucket of the lake and the key that encrypts it (None for SSE-S3 log buckets)."""

    classification: str
    bucket: S3Bucket
    key: KmsKey | None
    versioning: S3BucketVersioningA
    public_access: S3BucketPublicAccessBlock
    region: str
    jurisdiction: str


class S3DataLake(Construct):
    """The data lake of one AWS region.

    Props (keyword-only):
    - `bucket_prefix`: first part of every bucket name, unique to the account and region
      (e.g. `prod-123456789012-us-east-1`); buckets are `<prefix>-<classification>`.
    - `region`, `jurisdiction`: where the lake is and which jurisdiction that region belongs to.
    - `account_id`: the AWS account; only its S3 log delivery and replication may act on the lake.
    - `tags`: the common tags; `data_classification` and `jurisdiction` are added per resource.
    - `classifications`: buckets to create. Left out: all five. `models-gdpr` outside the EU is
      refused (storage_spec.may_exist_in).
    - `zones`: key prefixes tiered separately. Left out: raw, processed, curated, models.
    - `tiers`: the storage tier spec. Left out: 30/90 days, old versions cold after 30, uploads
      aborted after 7 days.
    - `archive_retention_days`, `archive_lock_mode`: Object Lock default retention of the archive
      bucket. Left out: 2557 days (7 years), COMPLIANCE (nobody can shorten or remove it).
    - `access_log_retention_days`: how long server access logs are kept. Left out: 365.
    - `replica`: the replica region. Left out: nothing is replicated. Given: only the
      classifications storage_spec.may_replicate allows get a replica (never `pii` or `archive`).
    - `key_rotation_days`: KMS automatic rotation period. Left out: 90.
    - `force_destroy`: let `terraform destroy` delete non-empty buckets and the keys. Left out:
      False (keys carry `prevent_destroy`).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        bucket_prefix: str,
        region: str,
        jurisdiction: str,
        account_id: str,
        tags: Mapping[str, str],
        classifications: Sequence[str] = CLASSIFICATIONS,
        zones: Sequence[str] = ("raw", "processed", "curated", "models"),
        tiers: TierSpec = TierSpec(),
        archive_retention_days: int = 2557,
        archive_lock_mode: str = "COMPLIANCE",
        access_log_retention_days: int = 365,
        replica: S3Replica | None = None,
        key_rotation_days: int = 90,
        force_destroy: bool = False,
        erasure_days: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        storage_spec.check_classifications(classifications, jurisdiction)
        self._id = id_
        self._prefix = bucket_prefix
        self._account_id = account_id
        self._tags = dict(tags)
        self._zones = tuple(zones)
        self._plan: LifecyclePlan = storage_spec.lifecycle_plan(tiers, "aws")
        self._erasure = dict(erasure_days or {})
        self._rotation = key_rotation_days
        self._force_destroy = force_destroy
        self._log_retention = access_log_retention_days

        self.log_bucket = self._log_bucket(
            region=region, jurisdiction=jurisdiction, name=f"{bucket_prefix}-access-logs", replica=False
        )
        self.buckets: dict[str, S3LakeBucket] = {}
        for c in classifications:
            self.buckets[c] = self._data_bucket(
                c,
                region=region,
                jurisdiction=jurisdiction,
                name=f"{bucket_prefix}-{c}",
                log_bucket=self.log_bucket,
                replica=False,
                object_lock=(archive_lock_mode, archive_retention_days) if c == ARCHIVE else None,
            )
        self._log_delivery_policy(self.log_bucket, [b.bucket for b in self.buckets.values()], region, "logs")

        self.replicas: dict[str, S3LakeBucket] = {}
        # (classification, source bucket name, destination bucket name, rule id): what the
        # replication alarms watch (S3 reports its replication metrics per these three dimensions).
        self.replication_rules: list[tuple[str, str, str, str]] = []
        self.replicated = storage_spec.replicated_classifications(
            classifications,
            source_jurisdiction=jurisdiction,
            replica_jurisdiction=replica.jurisdiction if replica else None,
        )
        if replica is not None and self.replicated:
            self.replica_log_bucket = self._log_bucket(
                region=replica.region,
                jurisdiction=replica.jurisdiction,
                name=f"{bucket_prefix}-access-logs-replica",
                replica=True,
            )
            for c in self.replicated:
                storage_spec.check_replication(
                    c, source_jurisdiction=jurisdiction, replica_jurisdiction=replica.jurisdiction
                )
                self.replicas[c] = self._data_bucket(
                    c,
                    region=replica.region,
                    jurisdiction=replica.jurisdiction,
                    name=f"{bucket_prefix}-{c}-replica",
                    log_bucket=self.replica_log_bucket,
                    replica=True,
                    object_lock=None,
                )
                self._replication(self.buckets[c], self.replicas[c])
            self._log_delivery_policy(
                self.replica_log_bucket,
                [b.bucket for b in self.replicas.values()],
                replica.region,
                "replica_logs",
            )

    # ----------------------------------------------------------------------------------------
    def _resource_tags(self, classification: str, jurisdiction: str, **extra: str) -> dict[str, str]:
        return data_tags(self._tags, classification, jurisdiction, extra)

    def _key(
        self, classification: str, *, region: str, jurisdiction: str, bucket_name: str, replica: bool
    ) -> KmsKey:
        part = f"{classification}_replica" if replica else classification
        key = KmsKey(
            self,
            f"{part}_key",
            description=f"Encrypts s3://{bucket_name} ({classification} data)",
            enable_key_rotation=True,
            rotation_period_in_days=self._rotation,
            deletion_window_in_days=30,
            region=region,
            # AWS's default key policy written out (CKV2_AWS_64): the account administers the
            # key and grants its use through IAM (the replication role, the lake's readers).
            policy=policy_document([account_root_statement(self._account_id, "aws")]),
            tags=self._resource_tags(classification, jurisdiction),
            # Destroying a key makes its data unreadable: only throwaway environments may.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=not self._force_destroy),
        )
        KmsAlias(
            self,
            f"{part}_key_alias",
            name=f"alias/{bucket_name}",
            target_key_id=key.key_id,
            region=region,
        )
        return key

    def _bucket_common(
        self,
        part: str,
        *,
        classification: str,
        region: str,
        jurisdiction: str,
        name: str,
        key: KmsKey | None,
        object_lock: bool,
        extra_tags: Mapping[str, str],
    ) -> tuple[S3Bucket, S3BucketVersioningA, S3BucketPublicAccessBlock]:
        if not 3 <= len(name) <= 63:
            raise ValueError(f"S3 bucket name '{name}' is {len(name)} characters; S3 allows 3-63")
        bucket = S3Bucket(
            self,
            f"{part}_bucket",
            bucket=name,
            region=region,
            force_destroy=self._force_destroy,
            object_lock_enabled=True if object_lock else None,
            tags=self._resource_tags(classification, jurisdiction, **extra_tags),
        )
        versioning = S3BucketVersioningA(
            self,
            f"{part}_versioning",
            bucket=bucket.id,
            region=region,
            versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
        )
        if key is not None:
            default = SseDefault(sse_algorithm="aws:kms", kms_master_key_id=key.arn)
        else:
            # Server access log delivery writes with SSE-S3; a log bucket keeps that default.
            default = SseDefault(sse_algorithm="AES256")
        S3BucketServerSideEncryptionConfigurationA(
            self,
            f"{part}_encryption",
            bucket=bucket.id,
            region=region,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=default,
                    bucket_key_enabled=True if key is not None else None,
                )
            ],
        )
        public_access = keep_private(
            self,
            bucket_id=bucket.id,
            public_access_id=f"{part}_public_access_block",
            ownership_id=f"{part}_ownership",
            region=region,
        )
        # Object events go to the region's default EventBridge bus (CKV2_AWS_62): consumers such as
        # the ingestion pipeline subscribe with rules, without touching the bucket again.
        # https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_notification
        S3BucketNotification(self, f"{part}_notification", bucket=bucket.id, region=region, eventbridge=True)
        return bucket, versioning, public_access

    def _policy(
        self,
        part: str,
        bucket: S3Bucket,
        region: str,
        public_access: S3BucketPublicAccessBlock,
        extra_statements: Sequence[DataAwsIamPolicyDocumentStatement] = (),
    ) -> None:
        document = DataAwsIamPolicyDocument(
            self,
            f"{part}_policy_document",
            statement=[policies.deny_insecure_transport(bucket.arn), *extra_statements],
        )
        S3BucketPolicy(
            self,
            f"{part}_policy",
            bucket=bucket.id,
            region=region,
            policy=document.json,
            depends_on=[public_access],
        )

    def _lifecycle(
        self,
        part: str,
        bucket: S3Bucket,
        region: str,
        rules: list[LifecycleRule],
        versioning: S3BucketVersioningA,
    ) -> None:
        S3BucketLifecycleConfiguration(
            self,
            f"{part}_lifecycle",
            bucket=bucket.id,
            region=region,
            rule=rules,
            depends_on=[versioning],
        )

    def _tier_rules(self, whole_bucket: bool, classification: str) -> list[LifecycleRule]:
        """One tiering rule per zone prefix (or one for the whole bucket), plus one rule for old
        versions and abandoned uploads that covers every key, in or outside a zone. Erasure
        classes delete their noncurrent versions (storage_spec.erasure_plan)."""
        plan = storage_spec.erasure_plan(self._plan, classification, self._erasure.get(classification))
        transitions = [
            LifecycleTransition(days=t.after_days, storage_class=t.storage_class) for t in plan.current
        ]
        if whole_bucket:
            rules = [
                LifecycleRule(
                    id="tier-all", status="Enabled", filter=[LifecycleFilter()], transition=transitions
                )
            ]
        else:
            rules = [
                LifecycleRule(
                    id=f"tier-{prefix.rstrip('/')}",
                    status="Enabled",
                    filter=[LifecycleFilter(prefix=prefix)],
                    transition=transitions,
                )
                for prefix in storage_spec.zone_prefixes(self._zones)
            ]
        rules.append(
            LifecycleRule(
                id="noncurrent-versions-and-incomplete-uploads",
                status="Enabled",
                filter=[LifecycleFilter()],
                noncurrent_version_transition=[
                    NoncurrentTransition(noncurrent_days=t.after_days, storage_class=t.storage_class)
                    for t in plan.noncurrent
                ]
                or None,
                noncurrent_version_expiration=(
                    [NoncurrentExpiration(noncurrent_days=plan.noncurrent_expire_after_days)]
                    if plan.noncurrent_expire_after_days
                    else None
                ),
                abort_incomplete_multipart_upload=[
                    AbortMultipart(days_after_initiation=plan.abort_incomplete_multipart_days)
                ],
            )
        )
        return rules

    # ----------------------------------------------------------------------------------------
    def _log_bucket(self, *, region: str, jurisdiction: str, name: str, replica: bool) -> S3LakeBucket:
        # Access logs name objects and requesters (IP addresses): personal data, so the log bucket
        # is classified `pii` - it stays in its region and never replicates.
        part = "logs_replica" if replica else "logs"
        bucket, versioning, public_access = self._bucket_common(
            part,
            classification=storage_spec.PII,
            region=region,
            jurisdiction=jurisdiction,
            name=name,
            key=None,
            object_lock=False,
            extra_tags={"purpose": "access-logs"},
        )
        rules = [
            LifecycleRule(
                id="expire-access-logs",
                status="Enabled",
                filter=[LifecycleFilter()],
                expiration=[Expiration(days=self._log_retention)],
                noncurrent_version_expiration=[NoncurrentExpiration(noncurrent_days=30)],
                abort_incomplete_multipart_upload=[
                    AbortMultipart(days_after_initiation=self._plan.abort_incomplete_multipart_days or 7)
                ],
            )
        ]
        self._lifecycle(part, bucket, region, rules, versioning)
        return S3LakeBucket(storage_spec.PII, bucket, None, versioning, public_access, region, jurisdiction)

    def _log_delivery_policy(
        self, log: S3LakeBucket, sources: list[S3Bucket], region: str, part: str
    ) -> None:
        self._policy(
            part,
            log.bucket,
            region,
            log.public_access,
            extra_statements=[
                policies.allow_server_access_log_delivery(
                    log.bucket.arn, source_bucket_arns=[s.arn for s in sources], account_id=self._account_id
                )
            ],
        )

    def _data_bucket(
        self,
        classification: str,
        *,
        region: str,
        jurisdiction: str,
        name: str,
        log_bucket: S3LakeBucket,
        replica: bool,
        object_lock: tuple[str, int] | None,
    ) -> S3LakeBucket:
        part = f"{classification}_replica" if replica else classification
        key = self._key(
            classification, region=region, jurisdiction=jurisdiction, bucket_name=name, replica=replica
        )
        bucket, versioning, public_access = self._bucket_common(
            part,
            classification=classification,
            region=region,
            jurisdiction=jurisdiction,
            name=name,
            key=key,
            object_lock=object_lock is not None,
            extra_tags={"replica_of": f"{self._prefix}-{classification}"} if replica else {},
        )
        self._policy(part, bucket, region, public_access)
        S3BucketLoggingA(
            self,
            f"{part}_logging",
            bucket=bucket.id,
            region=region,
            target_bucket=log_bucket.bucket.id,
            target_prefix=f"{name}/",
        )
        self._lifecycle(
            part,
            bucket,
            region,
            self._tier_rules(whole_bucket=classification == ARCHIVE, classification=classification),
            versioning,
        )
        if object_lock is not None:
            mode, days = object_lock
            S3BucketObjectLockConfigurationA(
                self,
                f"{part}_object_lock",
                bucket=bucket.id,
                region=region,
                object_lock_enabled="Enabled",
                rule=S3BucketObjectLockConfigurationRuleA(
                    default_retention=S3BucketObjectLockConfigurationRuleDefaultRetentionA(
                        mode=mode, days=days
                    )
                ),
                depends_on=[versioning],
            )
        return S3LakeBucket(classification, bucket, key, versioning, public_access, region, jurisdiction)

    def _replication(self, source: S3LakeBucket, destination: S3LakeBucket) -> None:
        c = source.classification
        trust = DataAwsIamPolicyDocument(
            self, f"{c}_replication_trust", statement=[policies.s3_service_assume_role(self._account_id)]
        )
        role = IamRole(
            self,
            f"{c}_replication_role",
            name=f"{self._prefix}-{c}-replication"[:64],
            description=f"S3 replication of {c} data to {destination.region}",
            assume_role_policy=trust.json,
            tags=self._resource_tags(c, source.jurisdiction),
        )
        assert source.key is not None and destination.key is not None
        rule_id = f"{c}-to-{destination.region}"
        self.replication_rules.append((c, source.bucket.bucket, destination.bucket.bucket, rule_id))
        permissions = DataAwsIamPolicyDocument(
            self,
            f"{c}_replication_permissions",
            statement=policies.replication_statements(
                source_bucket_arn=source.bucket.arn,
                destination_bucket_arn=destination.bucket.arn,
                source_key_arn=source.key.arn,
                destination_key_arn=destination.key.arn,
                source_region=source.region,
                destination_region=destination.region,
            ),
        )
        IamRolePolicy(
            self, f"{c}_replication_policy", role=role.id, name="replication", policy=permissions.json
        )
        S3BucketReplicationConfigurationA(
            self,
            f"{c}_replication",
            bucket=source.bucket.id,
            region=source.region,
            role=role.arn,
            rule=[
                ReplicationRule(
                    id=rule_id,
                    status="Enabled",
                    filter=ReplicationFilter(prefix=""),
                    # A delete in the source must not empty the disaster-recovery copy.
                    delete_marker_replication=DeleteMarkerReplication(status="Disabled"),
                    source_selection_criteria=SourceSelection(
                        sse_kms_encrypted_objects=SseKmsObjects(status="Enabled")
                    ),
                    destination=ReplicationDestination(
                        bucket=destination.bucket.arn,
                        storage_class="STANDARD",
                        encryption_configuration=ReplicaEncryption(replica_kms_key_id=destination.key.arn),
                        replication_time=ReplicationTime(
                            status="Enabled", time=ReplicationTimeValue(minutes=REPLICATION_TIME_MINUTES)
                        ),
                        metrics=ReplicationMetrics(
                            status="Enabled",
                            event_threshold=MetricsThreshold(minutes=REPLICATION_TIME_MINUTES),
                        ),
                    ),
                )
            ],
            depends_on=[source.versioning, destination.versioning],
        )
