"""A regional GCS data lake: one hardened single-region bucket per data classification.

Per classification: a Cloud KMS key (rotated) that the project's Cloud Storage service agent may
use, and a bucket located in exactly one region with uniform bucket-level access, public access
prevention enforced, versioning, CMEK default encryption, usage logs into the lake's log bucket
and the lifecycle of constructs_lib/storage_spec.py (SetStorageClass per zone prefix, old versions
to cold, incomplete multipart uploads aborted). The `archive` bucket has a retention policy
(Bucket Lock) instead of versioning - GCS does not allow both on one bucket - locked when the
mode is COMPLIANCE.

Replication: classifications the replication rule allows (storage_spec.may_replicate) get a
second single-region bucket in the replica region and a Storage Transfer Service cross-bucket
replication job (event driven, new and changed objects). Chosen over a dual-region bucket so the
replica is a separate bucket in a region the residency map names, with its own key, exactly as
on AWS and Azure. PII and the archive stay single-region and are never copied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_google.data_google_storage_project_service_account import (
    DataGoogleStorageProjectServiceAccount,
)
from cdktf_cdktf_provider_google.data_google_storage_transfer_project_service_account import (
    DataGoogleStorageTransferProjectServiceAccount,
)
from cdktf_cdktf_provider_google.kms_crypto_key import KmsCryptoKey
from cdktf_cdktf_provider_google.kms_crypto_key_iam_member import KmsCryptoKeyIamMember
from cdktf_cdktf_provider_google.kms_key_ring import KmsKeyRing
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucket,
    StorageBucketEncryption,
    StorageBucketLogging,
    StorageBucketRetentionPolicy,
    StorageBucketVersioning,
)
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucketLifecycleRule as Rule,
)
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucketLifecycleRuleAction as Action,
)
from cdktf_cdktf_provider_google.storage_bucket import (
    StorageBucketLifecycleRuleCondition as Condition,
)
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from cdktf_cdktf_provider_google.storage_transfer_job import (
    StorageTransferJob,
    StorageTransferJobReplicationSpec,
    StorageTransferJobReplicationSpecGcsDataSink,
    StorageTransferJobReplicationSpecGcsDataSource,
    StorageTransferJobReplicationSpecTransferOptions,
    StorageTransferJobReplicationSpecTransferOptionsMetadataOptions,
)
from constructs import Construct

from constructs_lib import storage_spec
from constructs_lib.storage_spec import ARCHIVE, CLASSIFICATIONS, LifecyclePlan, TierSpec
from constructs_lib.tags import data_tags

SECONDS_PER_DAY = 86400
# GCS usage-log delivery writes as this Google group (Cloud Storage "usage logs" guide).
USAGE_LOG_WRITER = "group:cloud-storage-analytics@google.com"


GcsReplica = storage_spec.Replica  # the one replica type of the three clouds (kept name)


@dataclass
class GcsLakeBucket:
    classification: str
    bucket: StorageBucket
    key: KmsCryptoKey
    region: str
    jurisdiction: str


class GcsDataLake(Construct):
    """The data lake of one GCP region.

    Props (keyword-only):
    - `project`: the GCP project that owns buckets and keys.
    - `name_prefix`: first part of every bucket name, globally unique (e.g.
      `<project>-<region>`); buckets are `<prefix>-<classification>`, key rings `<prefix>-datalake`.
    - `region`, `jurisdiction`: where the lake is and which jurisdiction that region belongs to.
    - `labels`: the common labels; `data_classification` and `jurisdiction` are added per resource.
    - `classifications`, `zones`, `tiers`: as in S3DataLake (left out: all five; raw, processed,
      curated, models; 30/90 days).
    - `archive_retention_days`, `archive_lock_mode`: the archive bucket's retention policy;
      COMPLIANCE locks it (irreversible), GOVERNANCE leaves it unlocked. Left out: 2557 days, COMPLIANCE.
    - `access_log_retention_days`: usage logs are deleted after this. Left out: 365.
    - `replica`: the replica region. Left out: nothing replicates.
    - `key_rotation_days`: Cloud KMS rotation period. Left out: 90.
    - `force_destroy`: let `terraform destroy` delete non-empty buckets and the keys. Left out:
      False (keys carry `prevent_destroy`).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        name_prefix: str,
        region: str,
        jurisdiction: str,
        labels: Mapping[str, str],
        classifications: Sequence[str] = CLASSIFICATIONS,
        zones: Sequence[str] = ("raw", "processed", "curated", "models"),
        tiers: TierSpec = TierSpec(),
        archive_retention_days: int = 2557,
        archive_lock_mode: str = "COMPLIANCE",
        access_log_retention_days: int = 365,
        replica: GcsReplica | None = None,
        key_rotation_days: int = 90,
        force_destroy: bool = False,
        erasure_days: Mapping[str, int] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        storage_spec.check_classifications(classifications, jurisdiction)
        self._id = id_
        self._project = project
        self._prefix = name_prefix
        self._labels = dict(labels)
        self._zones = tuple(zones)
        self._plan: LifecyclePlan = storage_spec.lifecycle_plan(tiers, "gcp")
        self._erasure = dict(erasure_days or {})
        self._rotation = key_rotation_days
        self._force_destroy = force_destroy
        self._log_retention = access_log_retention_days

        # The Cloud Storage service agent encrypts and decrypts with the bucket keys.
        self.storage_agent = DataGoogleStorageProjectServiceAccount(self, "storage_agent", project=project)
        ring = self._key_ring(region, replica=False)
        self.log_bucket = self._bucket(
            "logs",
            storage_spec.PII,
            ring,
            region=region,
            jurisdiction=jurisdiction,
            name=f"{name_prefix}-access-logs",
            log_bucket=None,
            lifecycle=self._log_rules(),
            extra_labels={"purpose": "access-logs"},
        )
        self._allow_usage_logs(self.log_bucket, "logs")
        self.buckets: dict[str, GcsLakeBucket] = {}
        for c in classifications:
            archive = c == ARCHIVE
            self.buckets[c] = self._bucket(
                c,
                c,
                ring,
                region=region,
                jurisdiction=jurisdiction,
                name=f"{name_prefix}-{c}",
                log_bucket=self.log_bucket,
                lifecycle=self._tier_rules(whole_bucket=archive, classification=c),
                retention=(archive_retention_days, archive_lock_mode == "COMPLIANCE") if archive else None,
            )

        self.replicas: dict[str, GcsLakeBucket] = {}
        self.replicated = storage_spec.replicated_classifications(
            classifications,
            source_jurisdiction=jurisdiction,
            replica_jurisdiction=replica.jurisdiction if replica else None,
        )
        if replica is not None and self.replicated:
            replica_ring = self._key_ring(replica.region, replica=True)
            self.replica_log_bucket = self._bucket(
                "logs_replica",
                storage_spec.PII,
                replica_ring,
                region=replica.region,
                jurisdiction=replica.jurisdiction,
                name=f"{name_prefix}-access-logs-replica",
                log_bucket=None,
                lifecycle=self._log_rules(),
                extra_labels={"purpose": "access-logs"},
            )
            self._allow_usage_logs(self.replica_log_bucket, "logs_replica")
            self.transfer_agent = DataGoogleStorageTransferProjectServiceAccount(
                self, "transfer_agent", project=project
            )
            for c in self.replicated:
                storage_spec.check_replication(
                    c, source_jurisdiction=jurisdiction, replica_jurisdiction=replica.jurisdiction
                )
                self.replicas[c] = self._bucket(
                    f"{c}_replica",
                    c,
                    replica_ring,
                    region=replica.region,
                    jurisdiction=replica.jurisdiction,
                    name=f"{name_prefix}-{c}-replica",
                    log_bucket=self.replica_log_bucket,
                    lifecycle=self._tier_rules(whole_bucket=False, classification=c),
                    extra_labels={"replica_of": f"{name_prefix}-{c}"},
                )
                self._replication(self.buckets[c], self.replicas[c])

    # ----------------------------------------------------------------------------------------

    def _labels_for(
        self, classification: str, jurisdiction: str, extra: Mapping[str, str] | None = None
    ) -> dict[str, str]:
        return data_tags(self._labels, classification, jurisdiction, extra)

    def _key_ring(self, region: str, *, replica: bool) -> KmsKeyRing:
        part = "key_ring_replica" if replica else "key_ring"
        # Key rings cannot be deleted in Cloud KMS: the name is reserved in its location forever.
        return KmsKeyRing(
            self,
            part,
            name=f"{self._prefix}-datalake{'-replica' if replica else ''}",
            location=region,
            project=self._project,
        )

    def _tier_rules(self, *, whole_bucket: bool, classification: str) -> list[Rule]:
        # Erasure classes delete their noncurrent versions (storage_spec.erasure_plan).
        plan = storage_spec.erasure_plan(self._plan, classification, self._erasure.get(classification))
        prefixes: list[list[str] | None] = (
            [None] if whole_bucket else [[p] for p in storage_spec.zone_prefixes(self._zones)]
        )
        rules: list[Rule] = []
        for prefix in prefixes:
            for t in plan.current:
                rules.append(
                    Rule(
                        action=Action(type="SetStorageClass", storage_class=t.storage_class),
                        condition=Condition(age=t.after_days, matches_prefix=prefix, with_state="LIVE"),
                    )
                )
        for t in plan.noncurrent:
            rules.append(
                Rule(
                    action=Action(type="SetStorageClass", storage_class=t.storage_class),
                    condition=Condition(days_since_noncurrent_time=t.after_days, with_state="ARCHIVED"),
                )
            )
        if plan.noncurrent_expire_after_days:
            rules.append(
                Rule(
                    action=Action(type="Delete"),
                    condition=Condition(
                        days_since_noncurrent_time=plan.noncurrent_expire_after_days, with_state="ARCHIVED"
                    ),
                )
            )
        if plan.abort_incomplete_multipart_days:
            rules.append(
                Rule(
                    action=Action(type="AbortIncompleteMultipartUpload"),
                    condition=Condition(age=plan.abort_incomplete_multipart_days),
                )
            )
        return rules

    def _log_rules(self) -> list[Rule]:
        return [
            Rule(
                action=Action(type="Delete"), condition=Condition(age=self._log_retention, with_state="ANY")
            ),
            Rule(
                action=Action(type="Delete"),
                condition=Condition(days_since_noncurrent_time=30, with_state="ARCHIVED"),
            ),
        ]

    def _bucket(
        self,
        part: str,
        classification: str,
        ring: KmsKeyRing,
        *,
        region: str,
        jurisdiction: str,
        name: str,
        log_bucket: GcsLakeBucket | None,
        lifecycle: list[Rule],
        retention: tuple[int, bool] | None = None,
        extra_labels: Mapping[str, str] | None = None,
    ) -> GcsLakeBucket:
        if not 3 <= len(name) <= 63:
            raise ValueError(f"GCS bucket name '{name}' is {len(name)} characters; GCS allows 3-63")
        labels = self._labels_for(classification, jurisdiction, extra_labels)
        key = KmsCryptoKey(
            self,
            f"{part}_key",
            name=part.replace("_", "-"),
            key_ring=ring.id,
            purpose="ENCRYPT_DECRYPT",
            rotation_period=f"{self._rotation * SECONDS_PER_DAY}s",
            labels=labels,
            # Destroying a key makes its data unreadable: only throwaway environments may.
            lifecycle=TerraformResourceLifecycle(prevent_destroy=not self._force_destroy),
        )
        grant = KmsCryptoKeyIamMember(
            self,
            f"{part}_key_storage_agent",
            crypto_key_id=key.id,
            role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
            member=self.storage_agent.member,
        )
        bucket = StorageBucket(
            self,
            f"{part}_bucket",
            name=name,
            project=self._project,
            # One region, never a dual- or multi-region location.
            location=region.upper(),
            storage_class="STANDARD",
            uniform_bucket_level_access=True,
            public_access_prevention="enforced",
            # GCS refuses versioning on a bucket with a retention policy; the policy protects more.
            versioning=StorageBucketVersioning(enabled=retention is None),
            retention_policy=(
                StorageBucketRetentionPolicy(
                    retention_period=retention[0] * SECONDS_PER_DAY, is_locked=retention[1]
                )
                if retention
                else None
            ),
            encryption=StorageBucketEncryption(default_kms_key_name=key.id),
            logging=(
                StorageBucketLogging(log_bucket=log_bucket.bucket.name, log_object_prefix=name)
                if log_bucket
                else None
            ),
            lifecycle_rule=lifecycle,
            labels=labels,
            force_destroy=self._force_destroy,
            depends_on=[grant],
        )
        return GcsLakeBucket(classification, bucket, key, region, jurisdiction)

    def _allow_usage_logs(self, log: GcsLakeBucket, part: str) -> None:
        StorageBucketIamMember(
            self,
            f"{part}_usage_log_writer",
            bucket=log.bucket.name,
            role="roles/storage.objectCreator",
            member=USAGE_LOG_WRITER,
        )

    def _replication(self, source: GcsLakeBucket, destination: GcsLakeBucket) -> None:
        """Cross-bucket replication (Storage Transfer Service). Its service agent gets, on these two
        buckets only, the roles Google documents:
        - source ("Configure access to a source: Cloud Storage",
          https://cloud.google.com/storage-transfer/docs/source-cloud-storage): storage.buckets.get,
          storage.objects.get and storage.objects.list, i.e. roles/storage.legacyBucketReader plus
          roles/storage.objectViewer; legacy bucket owner stays because event-driven replication
          sets up the bucket's Pub/Sub notification (storage.buckets.update). Legacy bucket owner
          alone lacks storage.objects.get: nothing would be copied.
        - sink ("Configure access to a sink: Cloud Storage",
          https://cloud.google.com/storage-transfer/docs/sink-cloud-storage): storage.buckets.get,
          storage.objects.create, .delete and .list, i.e. roles/storage.legacyBucketWriter, plus
          roles/storage.objectViewer for storage.objects.get (the agent compares what is already
          there before overwriting)."""
        c = source.classification
        member = self.transfer_agent.member
        grants = []
        for suffix, bucket, role in (
            ("replication_source", source, "roles/storage.legacyBucketOwner"),
            ("replication_source_reader", source, "roles/storage.legacyBucketReader"),
            ("replication_source_objects", source, "roles/storage.objectViewer"),
            ("replication_sink", destination, "roles/storage.legacyBucketWriter"),
            ("replication_sink_objects", destination, "roles/storage.objectViewer"),
        ):
            grants.append(
                StorageBucketIamMember(
                    self, f"{c}_{suffix}", bucket=bucket.bucket.name, role=role, member=member
                )
            )
        StorageTransferJob(
            self,
            f"{c}_replication",
            project=self._project,
            description=f"replicate {source.bucket.name} to {destination.region}",
            replication_spec=StorageTransferJobReplicationSpec(
                gcs_data_source=StorageTransferJobReplicationSpecGcsDataSource(
                    bucket_name=source.bucket.name
                ),
                gcs_data_sink=StorageTransferJobReplicationSpecGcsDataSink(
                    bucket_name=destination.bucket.name
                ),
                transfer_options=StorageTransferJobReplicationSpecTransferOptions(
                    metadata_options=StorageTransferJobReplicationSpecTransferOptionsMetadataOptions(
                        # Replicas are encrypted with the replica region's key, never the source's.
                        kms_key="KMS_KEY_DESTINATION_BUCKET_DEFAULT",
                        storage_class="STORAGE_CLASS_DESTINATION_BUCKET_DEFAULT",
                    ),
                ),
            ),
            depends_on=grants,
        )
