"""The cloud-neutral storage spec and its translation per cloud (pure Python, milliseconds)."""

from __future__ import annotations

import re

import pytest

from constructs_lib import storage_spec
from constructs_lib.azure.names import key_vault_name, storage_account_name
from constructs_lib.storage_spec import (
    CLASSIFICATIONS,
    TierSpec,
    Transition,
    lifecycle_plan,
    may_exist_in,
    may_replicate,
    replicated_classifications,
)

JURISDICTIONS = ("us", "eu", "apac")


# ---------------------------------------------------------------- tier translation per cloud


def test_tier_translation_s3_is_standard_ia_then_glacier_flexible_retrieval():
    plan = lifecycle_plan(TierSpec(), "aws")
    assert plan.current == (Transition(30, "STANDARD_IA"), Transition(90, "GLACIER"))
    assert plan.noncurrent == (Transition(30, "GLACIER"),)
    assert plan.abort_incomplete_multipart_days == 7


def test_tier_translation_gcs_is_nearline_then_coldline():
    plan = lifecycle_plan(TierSpec(), "gcp")
    assert plan.current == (Transition(30, "NEARLINE"), Transition(90, "COLDLINE"))
    assert plan.noncurrent == (Transition(30, "COLDLINE"),)
    assert plan.abort_incomplete_multipart_days == 7


def test_tier_translation_azure_lrs_is_cool_then_archive():
    plan = lifecycle_plan(TierSpec(), "azure", azure_replication_type="LRS")
    assert plan.current == (Transition(30, "cool"), Transition(90, "archive"))
    assert plan.noncurrent == (Transition(30, "archive"),)


def test_tier_translation_azure_zrs_uses_cold_because_archive_is_unavailable_on_zrs():
    plan = lifecycle_plan(TierSpec(), "azure", azure_replication_type="ZRS")
    assert plan.current == (Transition(30, "cool"), Transition(90, "cold"))
    assert plan.noncurrent == (Transition(30, "cold"),)
    # Azure has no lifecycle action for uncommitted blocks (the service discards them itself).
    assert plan.abort_incomplete_multipart_days is None


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_tier_translation_keeps_the_days_of_the_spec(cloud):
    spec = TierSpec(
        warm_after_days=45,
        cold_after_days=180,
        noncurrent_cold_after_days=10,
        noncurrent_expire_after_days=400,
    )
    plan = lifecycle_plan(spec, cloud)
    assert [t.after_days for t in plan.current] == [45, 180]
    assert [t.after_days for t in plan.noncurrent] == [10]
    assert plan.noncurrent_expire_after_days == 400


def test_tier_spec_rejects_cold_before_warm():
    with pytest.raises(ValueError, match="cold_after_days"):
        TierSpec(warm_after_days=30, cold_after_days=30)


def test_tier_spec_rejects_warm_before_the_30_day_minimum():
    with pytest.raises(ValueError, match="warm_after_days"):
        TierSpec(warm_after_days=7)


def test_zone_prefixes_end_with_one_slash():
    assert storage_spec.zone_prefixes(["raw", "processed/", "curated"]) == ("raw/", "processed/", "curated/")


# ---------------------------------------------------------------- replication rule per classification


@pytest.mark.parametrize("src", JURISDICTIONS)
@pytest.mark.parametrize("dst", JURISDICTIONS)
def test_pii_never_replicates_between_any_jurisdictions(src, dst):
    assert not may_replicate("pii", source_jurisdiction=src, replica_jurisdiction=dst)


@pytest.mark.parametrize("src", JURISDICTIONS)
def test_archive_never_replicates(src):
    assert not may_replicate("archive", source_jurisdiction=src, replica_jurisdiction=src)


@pytest.mark.parametrize("classification", ["training", "models"])
@pytest.mark.parametrize("src,dst", [("us", "us"), ("eu", "eu"), ("apac", "apac"), ("us", "eu")])
def test_training_and_general_models_replicate(classification, src, dst):
    assert may_replicate(classification, source_jurisdiction=src, replica_jurisdiction=dst)


@pytest.mark.parametrize(
    "src,dst,allowed",
    [
        ("eu", "eu", True),
        ("eu", "us", False),
        ("us", "eu", False),
        ("us", "us", False),
        ("apac", "apac", False),
    ],
)
def test_models_gdpr_replicates_only_from_eu_to_eu(src, dst, allowed):
    assert may_replicate("models-gdpr", source_jurisdiction=src, replica_jurisdiction=dst) is allowed


def test_models_gdpr_exists_only_in_the_eu():
    assert may_exist_in("models-gdpr", "eu")
    assert not may_exist_in("models-gdpr", "us") and not may_exist_in("models-gdpr", "apac")
    assert all(may_exist_in(c, j) for c in ("pii", "training", "models", "archive") for j in JURISDICTIONS)


def test_replicated_classifications_without_replica_region_is_empty():
    assert (
        replicated_classifications(CLASSIFICATIONS, source_jurisdiction="eu", replica_jurisdiction=None) == ()
    )


def test_replicated_classifications_in_the_eu_are_training_models_and_models_gdpr():
    got = replicated_classifications(CLASSIFICATIONS, source_jurisdiction="eu", replica_jurisdiction="eu")
    assert got == ("training", "models", "models-gdpr")


def test_check_replication_refuses_pii():
    with pytest.raises(ValueError, match="pii"):
        storage_spec.check_replication("pii", source_jurisdiction="eu", replica_jurisdiction="eu")


# ---------------------------------------------------------------- Azure names


@pytest.mark.parametrize("purpose", [*CLASSIFICATIONS, "logs"])
@pytest.mark.parametrize("replica", [False, True])
def test_azure_storage_account_names_are_3_to_24_lowercase_alphanumerics(purpose, replica):
    name = storage_account_name(
        env="staging", seed="sub", region="westeurope", purpose=purpose, replica=replica
    )
    assert re.fullmatch(r"[a-z0-9]{3,24}", name), name


def test_azure_storage_account_names_are_deterministic_and_distinct():
    kw = dict(env="prod", seed="3f2b8c1e-7a4d-4e9b-9c2a-1d5e6f7a8b90")
    names = {
        storage_account_name(region=r, purpose=p, replica=rep, **kw)
        for r in ("eastus", "westeurope")
        for p in (*CLASSIFICATIONS, "logs")
        for rep in (False, True)
    }
    assert len(names) == 2 * 6 * 2
    assert storage_account_name(region="eastus", purpose="pii", **kw) == storage_account_name(
        region="eastus", purpose="pii", **kw
    )


def test_azure_key_vault_names_fit_the_24_character_rule():
    name = key_vault_name(env="staging", seed="sub", region="westeurope")
    assert re.fullmatch(r"[a-z][a-z0-9-]{2,23}", name), name


def test_check_classifications_refuses_unknown_and_gdpr_outside_eu():
    import pytest as _pytest

    from constructs_lib import storage_spec

    storage_spec.check_classifications(("pii", "models-gdpr"), "eu")
    with _pytest.raises(ValueError, match="unknown data classification 'secret'"):
        storage_spec.check_classifications(("secret",), "us")
    with _pytest.raises(ValueError, match="'models-gdpr' accounts may not exist in jurisdiction 'us'"):
        storage_spec.check_classifications(("models-gdpr",), "us", kind="accounts")
