"""The cloud-neutral storage contract of a data lake, and its ONE translation per cloud.

A reader sees here, side by side, how "warm after 30 days, cold after 90, old versions cold after
30, abandoned uploads aborted after 7" becomes an S3 lifecycle configuration, GCS lifecycle rules
and an Azure management policy, and which data classifications may leave their region at all.
The constructs in constructs_lib/{aws,gcp,azure}/data_lake.py only turn these plans into
resources; they make no tiering or replication decision of their own.

Pure Python: no cdktf, no provider import, so the unit tests run in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

CloudName = Literal["aws", "gcp", "azure"]

# --------------------------------------------------------------------------------------------
# Data classifications and the replication rule
# --------------------------------------------------------------------------------------------

PII = "pii"
TRAINING = "training"
MODELS = "models"
MODELS_GDPR = "models-gdpr"
ARCHIVE = "archive"
CLASSIFICATIONS = (PII, TRAINING, MODELS, MODELS_GDPR, ARCHIVE)

# What leaves its region for disaster recovery (design: "Data Classification" table).
# PII never does, and neither does the compliance archive (it may hold PII and is WORM anyway).
REPLICABLE = frozenset({TRAINING, MODELS, MODELS_GDPR})
# Classifications that may only ever exist in, and replicate within, one jurisdiction.
JURISDICTION_BOUND = {MODELS_GDPR: "eu"}


def may_exist_in(classification: str, jurisdiction: str) -> bool:
    """`models-gdpr` lives only in the EU; every other classification lives everywhere."""
    bound = JURISDICTION_BOUND.get(classification)
    return bound is None or bound == jurisdiction


def check_classifications(
    classifications: Iterable[str], jurisdiction: str, *, kind: str = "buckets"
) -> None:
    """Refuse an unknown classification, or one that may not exist in `jurisdiction`."""
    for c in classifications:
        if c not in CLASSIFICATIONS:
            raise ValueError(f"unknown data classification '{c}'; one of {', '.join(CLASSIFICATIONS)}")
        if not may_exist_in(c, jurisdiction):
            raise ValueError(f"'{c}' {kind} may not exist in jurisdiction '{jurisdiction}'")


def may_replicate(classification: str, *, source_jurisdiction: str, replica_jurisdiction: str) -> bool:
    """The one replication rule every cloud's data lake obeys.

    - `pii`: never (customer data stays in its region: no replication configuration, single-region
      location, no geo-redundant SKU);
    - `archive`: never (compliance copy, kept where it was written);
    - `models-gdpr`: only from an EU region to an EU region;
    - `training`, `models`: to any region of the same cloud (DR); the replica carries the
      jurisdiction of ITS region, so policies still see where the copy lives.
    """
    if classification not in REPLICABLE:
        return False
    bound = JURISDICTION_BOUND.get(classification)
    if bound is not None:
        return source_jurisdiction == bound and replica_jurisdiction == bound
    return True


def replicated_classifications(
    classifications: Iterable[str], *, source_jurisdiction: str, replica_jurisdiction: str | None
) -> tuple[str, ...]:
    """The subset of `classifications` that replicates to a replica in `replica_jurisdiction`
    (none when there is no replica region)."""
    if replica_jurisdiction is None:
        return ()
    return tuple(
        c
        for c in classifications
        if may_replicate(
            c, source_jurisdiction=source_jurisdiction, replica_jurisdiction=replica_jurisdiction
        )
    )


def check_replication(classification: str, *, source_jurisdiction: str, replica_jurisdiction: str) -> None:
    """Raise if a construct is asked to replicate what the rule forbids (defence in depth:
    the constructs call this before they create any replica)."""
    if not may_replicate(
        classification, source_jurisdiction=source_jurisdiction, replica_jurisdiction=replica_jurisdiction
    ):
        raise ValueError(
            f"data classification '{classification}' may not replicate from jurisdiction "
            f"'{source_jurisdiction}' to '{replica_jurisdiction}' (see constructs_lib/storage_spec.py)"
        )


# --------------------------------------------------------------------------------------------
# Tier spec (cloud-neutral) and lifecycle plan (per cloud)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierSpec:
    """hot -> warm -> cold, in days since an object was written (design: 30 and 90).

    `noncurrent_cold_after_days`: a version that was overwritten or deleted goes cold this long
    after it stopped being current. `noncurrent_expire_after_days` None keeps old versions forever.
    `abort_incomplete_multipart_days`: parts of an upload never completed are removed.
    """

    warm_after_days: int = 30
    cold_after_days: int = 90
    noncurrent_cold_after_days: int = 30
    noncurrent_expire_after_days: int | None = None
    abort_incomplete_multipart_days: int = 7

    def __post_init__(self) -> None:
        if self.warm_after_days < 30:
            # S3 STANDARD_IA and Azure cool both bill 30 days minimum; S3 rejects fewer.
            raise ValueError(f"warm_after_days must be >= 30, got {self.warm_after_days}")
        if self.cold_after_days <= self.warm_after_days:
            raise ValueError(
                f"cold_after_days ({self.cold_after_days}) must be later than warm_after_days ({self.warm_after_days})"
            )
        if self.noncurrent_cold_after_days < 1 or self.abort_incomplete_multipart_days < 1:
            raise ValueError("noncurrent_cold_after_days and abort_incomplete_multipart_days must be >= 1")
        if self.noncurrent_expire_after_days is not None and (
            self.noncurrent_expire_after_days <= self.noncurrent_cold_after_days
        ):
            raise ValueError("noncurrent_expire_after_days must be later than noncurrent_cold_after_days")


@dataclass(frozen=True)
class Transition:
    after_days: int
    storage_class: str  # the cloud's own spelling, exactly as its API/provider expects it


@dataclass(frozen=True)
class LifecyclePlan:
    """One cloud's lifecycle for one bucket/account, in that cloud's storage-class names."""

    cloud: CloudName
    current: tuple[Transition, ...]
    noncurrent: tuple[Transition, ...]
    noncurrent_expire_after_days: int | None
    # None: the cloud has no lifecycle action for it (Azure discards uncommitted blocks itself).
    abort_incomplete_multipart_days: int | None


# The translation table. S3 names are the `storage_class` values of aws_s3_bucket_lifecycle_configuration
# (S3 API: GLACIER | STANDARD_IA | ONEZONE_IA | INTELLIGENT_TIERING | DEEP_ARCHIVE | GLACIER_IR);
# "Glacier Flexible Retrieval" is spelled GLACIER there. STANDARD_IA rather than INTELLIGENT_TIERING:
# it is the same contract as GCS Nearline and Azure Cool (30-day minimum, retrieval fee), so the
# three clouds really hold "warm" data the same way; Intelligent-Tiering would move objects on its
# own schedule and make the 30-day boundary meaningless.
S3_WARM, S3_COLD = "STANDARD_IA", "GLACIER"
# GCS storage classes (google_storage_bucket lifecycle_rule action SetStorageClass).
GCS_WARM, GCS_COLD = "NEARLINE", "COLDLINE"
# Azure access tiers. Archive (offline) is not available on zone-redundant accounts (ZRS, GZRS,
# RA-GZRS: Azure access-tiers overview), so a ZRS account's cold tier is Cold (online, 90-day
# minimum); an LRS account goes to Archive as the design says.
AZURE_WARM, AZURE_COLD_ZRS, AZURE_COLD_LRS = "cool", "cold", "archive"


def azure_cold_tier(replication_type: str) -> str:
    """`archive` where Azure offers it (LRS), else `cold`."""
    return AZURE_COLD_LRS if replication_type == "LRS" else AZURE_COLD_ZRS


def lifecycle_plan(spec: TierSpec, cloud: CloudName, *, azure_replication_type: str = "ZRS") -> LifecyclePlan:
    """The tier spec in `cloud`'s terms (the one place the translation happens)."""
    if cloud == "aws":
        warm, cold = S3_WARM, S3_COLD
        abort = spec.abort_incomplete_multipart_days
    elif cloud == "gcp":
        warm, cold = GCS_WARM, GCS_COLD
        abort = spec.abort_incomplete_multipart_days
    elif cloud == "azure":
        warm, cold = AZURE_WARM, azure_cold_tier(azure_replication_type)
        abort = None
    else:  # pragma: no cover - Literal guards it
        raise ValueError(f"unknown cloud {cloud!r}")
    return LifecyclePlan(
        cloud=cloud,
        current=(Transition(spec.warm_after_days, warm), Transition(spec.cold_after_days, cold)),
        noncurrent=(Transition(spec.noncurrent_cold_after_days, cold),),
        noncurrent_expire_after_days=spec.noncurrent_expire_after_days,
        abort_incomplete_multipart_days=abort,
    )


def erasure_plan(plan: LifecyclePlan, classification: str, erasure_days: int | None) -> LifecyclePlan:
    """`plan` for a classification whose deleted data must really go (PII, GDPR): noncurrent
    versions (what an overwrite or a delete leaves behind in a versioned bucket/account) are
    deleted `erasure_days` after they stop being current, or sooner if the tier spec says so.
    A cold transition that would come at or after the deletion is dropped: S3 refuses a
    noncurrent transition that is not earlier than the noncurrent expiration, and moving a
    version to a cold class only to delete it bills the cold minimum for nothing.

    The compliance archive never gets one: its WORM lock decides (refused here).
    None leaves `plan` unchanged.
    """
    if erasure_days is None:
        return plan
    if classification == ARCHIVE:
        raise ValueError("the archive's noncurrent versions follow its compliance lock, not an erasure rule")
    if erasure_days < 1:
        raise ValueError(f"erasure_days must be >= 1, got {erasure_days}")
    expire = min(erasure_days, plan.noncurrent_expire_after_days or erasure_days)
    return LifecyclePlan(
        cloud=plan.cloud,
        current=plan.current,
        noncurrent=tuple(t for t in plan.noncurrent if t.after_days < expire),
        noncurrent_expire_after_days=expire,
        abort_incomplete_multipart_days=plan.abort_incomplete_multipart_days,
    )


def zone_prefixes(zones: Iterable[str]) -> tuple[str, ...]:
    """`raw` -> `raw/`: the object-key prefix (S3, GCS) or container-name prefix (Azure) of a zone."""
    return tuple(f"{z.strip('/')}/" for z in zones)


@dataclass(frozen=True)
class Replica:
    """Where a lake's replicable classifications are copied: another region of the same account /
    project / subscription, and that region's jurisdiction (from the residency map). One type for
    the three clouds' data lakes."""

    region: str
    jurisdiction: str
