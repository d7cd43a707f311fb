"""Data-lake stacks, read from the ONE synthesized app of the session (tests/conftest.py).

What the issue asks the synthesized output to show: the 30/90-day tiers on all three clouds,
classification and jurisdiction tags on every storage resource and key, the 7-year archive
retention, versioning + customer-managed keys + blocked public access + TLS-only, and replication
only where the classification allows it (never PII, in any environment; models-gdpr only
between EU regions).
"""

from __future__ import annotations

import re

import pytest

from stacks.environments import load_environments
from stacks.residency import load_residency
from tests.conftest import data_sources, resources

CLASSES = {"pii", "training", "models", "models-gdpr", "archive"}
REPLICABLE = {"training", "models", "models-gdpr"}
# data_lake.erasure_days default (issue #26): noncurrent versions deleted after 30 days.
ERASED = {"pii", "models-gdpr"}
JURISDICTIONS = {"us", "eu", "apac"}
ZONES = ("raw", "processed", "curated", "models")
SEVEN_YEARS_DAYS = 2557
STORAGE_TYPES = ("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account")
KEY_TYPES = ("aws_kms_key", "google_kms_crypto_key", "azurerm_key_vault_key")
REF = re.compile(r"^\$\{(?:data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$")

ENVS = {e.name: e for e in load_environments()}


def ref(value: str) -> tuple[str, str]:
    """`${aws_s3_bucket.data_lake_pii_bucket.id}` -> (`aws_s3_bucket`, `data_lake_pii_bucket`)."""
    m = REF.match(value)
    assert m, f"not a plain resource reference: {value!r}"
    return m.group(1), m.group(2)


def lakes(synthesized, env: str | None = None, cloud: str | None = None) -> dict[str, dict]:
    return {
        sid: doc
        for sid, doc in synthesized.items()
        if sid.endswith("-datalake")
        and (env is None or sid.startswith(f"{env}-"))
        and (cloud is None or sid.split("-")[1] == cloud)
    }


def labels(rtype: str, body: dict) -> dict:
    return body.get("labels" if rtype.startswith("google_") else "tags", {})


def is_log(rtype: str, body: dict) -> bool:
    return labels(rtype, body).get("purpose") == "access-logs"


def region_of(rtype: str, body: dict) -> str:
    if rtype == "google_storage_bucket":
        return body["location"].lower()
    return body["region"] if rtype.startswith("aws_") else body["location"]


def storage(stack: dict):
    for rtype in STORAGE_TYPES:
        for name, body in resources(stack, rtype).items():
            yield rtype, name, body


def stack_cloud_region(sid: str) -> tuple[str, str]:
    _env, cloud, rest = sid.split("-", 2)
    return cloud, rest[: -len("-datalake")]


# ------------------------------------------------------------------------------------ layout


def test_one_datalake_stack_per_cluster_region_in_every_environment(synthesized):
    expected = {f"{env.name}-{c.cloud}-{c.region}-datalake" for env in ENVS.values() for c in env.clusters}
    assert set(lakes(synthesized)) == expected


def test_prod_has_datalakes_on_all_three_clouds(synthesized):
    assert {stack_cloud_region(sid)[0] for sid in lakes(synthesized, "prod")} == {"aws", "gcp", "azure"}


@pytest.mark.parametrize("env", sorted(ENVS))
def test_every_lake_has_one_storage_resource_per_classification_allowed_in_its_jurisdiction(synthesized, env):
    residency = load_residency()
    for sid, stack in lakes(synthesized, env).items():
        cloud, region = stack_cloud_region(sid)
        j = residency.jurisdiction_of(cloud, region)
        primary = [
            labels(t, b)["data_classification"]
            for t, _n, b in storage(stack)
            if not is_log(t, b) and "replica_of" not in labels(t, b)
        ]
        expected = sorted(CLASSES if j == "eu" else CLASSES - {"models-gdpr"})
        assert sorted(primary) == expected, sid


# ------------------------------------------------------------------------------------ tags


@pytest.mark.parametrize("env", sorted(ENVS))
def test_classification_and_jurisdiction_tags_on_every_storage_resource_and_key(synthesized, env):
    residency = load_residency()
    for sid, stack in lakes(synthesized, env).items():
        cloud, _region = stack_cloud_region(sid)
        for rtype in (*STORAGE_TYPES, *KEY_TYPES):
            for name, body in resources(stack, rtype).items():
                tags = labels(rtype, body)
                where = f"{sid}:{rtype}.{name}"
                assert tags.get("data_classification") in CLASSES, where
                assert tags.get("jurisdiction") in JURISDICTIONS, where
                assert tags.get("env") == env and tags.get("managed_by") == "cdktf", where
                assert tags.get("component") == "datalake", where
                assert all(re.fullmatch(r"[a-z0-9_-]{0,63}", v) for v in tags.values()), where
                if rtype in STORAGE_TYPES:
                    # The jurisdiction tag tells the truth about where the data lives.
                    assert residency.jurisdiction_of(cloud, region_of(rtype, body)) == tags["jurisdiction"], (
                        where
                    )


@pytest.mark.parametrize("env", sorted(ENVS))
def test_each_key_carries_the_classification_and_jurisdiction_of_the_storage_it_encrypts(synthesized, env):
    for sid, stack in lakes(synthesized, env).items():
        pairs = []  # (storage tags, key tags)
        for _name, enc in resources(stack, "aws_s3_bucket_server_side_encryption_configuration").items():
            sse = enc["rule"][0]["apply_server_side_encryption_by_default"]
            if sse["sse_algorithm"] == "aws:kms":
                bucket = resources(stack, "aws_s3_bucket")[ref(enc["bucket"])[1]]
                key = resources(stack, "aws_kms_key")[ref(sse["kms_master_key_id"])[1]]
                pairs.append((bucket["tags"], key["tags"]))
        for bucket in resources(stack, "google_storage_bucket").values():
            key = resources(stack, "google_kms_crypto_key")[
                ref(bucket["encryption"]["default_kms_key_name"])[1]
            ]
            pairs.append((bucket["labels"], key["labels"]))
        for account in resources(stack, "azurerm_storage_account").values():
            key = resources(stack, "azurerm_key_vault_key")[
                ref(account["customer_managed_key"]["key_vault_key_id"])[1]
            ]
            pairs.append((account["tags"], key["tags"]))
        assert pairs, sid
        for storage_tags, key_tags in pairs:
            for k in ("data_classification", "jurisdiction"):
                assert storage_tags[k] == key_tags[k], (sid, storage_tags, key_tags)


@pytest.mark.parametrize("env", sorted(ENVS))
def test_keys_are_protected_from_destroy_unless_the_environment_is_throwaway(synthesized, env):
    protected = not ENVS[env].data_lake.force_destroy
    for sid, stack in lakes(synthesized, env).items():
        for rtype in KEY_TYPES:
            for name, key in resources(stack, rtype).items():
                assert key.get("lifecycle", {}).get("prevent_destroy", False) is protected, f"{sid}:{name}"


# ------------------------------------------------------------------------------------ tiers


def _aws_tiers(stack):
    for name, lc in resources(stack, "aws_s3_bucket_lifecycle_configuration").items():
        bucket = resources(stack, "aws_s3_bucket")[ref(lc["bucket"])[1]]
        if is_log("aws_s3_bucket", bucket):
            continue
        rules = lc["rule"]
        tiering = [r for r in rules if r.get("transition")]
        prefixes = {r["filter"][0].get("prefix", "") for r in tiering}
        if bucket["tags"]["data_classification"] == "archive":
            assert prefixes == {""}, name
        else:
            assert prefixes == {f"{z}/" for z in ZONES}, name
        for r in tiering:
            assert [(t["days"], t["storage_class"]) for t in r["transition"]] == [
                (30, "STANDARD_IA"),
                (90, "GLACIER"),
            ]
        (hygiene,) = [r for r in rules if not r.get("transition")]
        assert hygiene["filter"] == [{}], "old versions and uploads are handled across the whole bucket"
        noncurrent = [
            (t["noncurrent_days"], t["storage_class"])
            for t in hygiene.get("noncurrent_version_transition", [])
        ]
        if bucket["tags"]["data_classification"] in ERASED:
            # Erasure (issue #26): deleted at 30 days, so never moved to a cold class first.
            assert noncurrent == [] and hygiene["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]
        else:
            assert noncurrent == [(30, "GLACIER")]
        assert hygiene["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]
        yield name


def _gcp_tiers(stack):
    for name, bucket in resources(stack, "google_storage_bucket").items():
        if is_log("google_storage_bucket", bucket):
            continue
        rules = bucket["lifecycle_rule"]
        live = [
            (r["condition"].get("matches_prefix"), r["condition"]["age"], r["action"]["storage_class"])
            for r in rules
            if r["action"]["type"] == "SetStorageClass" and r["condition"].get("with_state") == "LIVE"
        ]
        zones = [None] if bucket["labels"]["data_classification"] == "archive" else [[f"{z}/"] for z in ZONES]
        assert sorted(live, key=str) == sorted(
            [(z, 30, "NEARLINE") for z in zones] + [(z, 90, "COLDLINE") for z in zones], key=str
        ), name
        if bucket["labels"]["data_classification"] in ERASED:
            assert {
                "action": {"type": "Delete"},
                "condition": {"days_since_noncurrent_time": 30, "with_state": "ARCHIVED"},
            } in rules, name
        else:
            assert {
                "action": {"storage_class": "COLDLINE", "type": "SetStorageClass"},
                "condition": {"days_since_noncurrent_time": 30, "with_state": "ARCHIVED"},
            } in rules, name
        assert {"action": {"type": "AbortIncompleteMultipartUpload"}, "condition": {"age": 7}} in rules, name
        yield name


def _azure_tiers(stack):
    for name, policy in resources(stack, "azurerm_storage_management_policy").items():
        account = resources(stack, "azurerm_storage_account")[ref(policy["storage_account_id"])[1]]
        if is_log("azurerm_storage_account", account):
            continue
        cold = "archive" if account["account_replication_type"] == "LRS" else "cold"
        rules = {r["name"]: r for r in policy["rule"]}
        tier_names = (
            {"tier-all"}
            if account["tags"]["data_classification"] == "archive"
            else {f"tier-{z}" for z in ZONES}
        )
        assert set(rules) == tier_names | {"noncurrent-versions"}, name
        for n in tier_names:
            base = rules[n]["actions"]["base_blob"]
            assert base["tier_to_cool_after_days_since_modification_greater_than"] == 30, name
            assert base[f"tier_to_{cold}_after_days_since_modification_greater_than"] == 90, name
            if n != "tier-all":
                assert rules[n]["filters"]["prefix_match"] == [n.removeprefix("tier-") + "/"]
        version = rules["noncurrent-versions"]["actions"]["version"]
        key = (
            "change_tier_to_archive_after_days_since_creation"
            if cold == "archive"
            else "tier_to_cold_after_days_since_creation_greater_than"
        )
        if account["tags"]["data_classification"] in ERASED:
            assert version == {"delete_after_days_since_creation": 30}, name
        else:
            assert version[key] == 30, name
        yield name


@pytest.mark.parametrize("cloud,check", [("aws", _aws_tiers), ("gcp", _gcp_tiers), ("azure", _azure_tiers)])
def test_prod_tiers_warm_after_30_cold_after_90_old_versions_cold_after_30(synthesized, cloud, check):
    stacks = lakes(synthesized, "prod", cloud)
    assert stacks
    for sid, stack in stacks.items():
        checked = list(check(stack))
        # Every data bucket/account has its tiers (a lake without lifecycle must fail here).
        data = [n for t, n, b in storage(stack) if not is_log(t, b)]
        assert len(checked) == len(data), (sid, checked, data)


# ------------------------------------------------------------------------------------ archive


@pytest.mark.parametrize("env", sorted(ENVS))
def test_archive_retention_is_7_years_on_every_cloud(synthesized, env):
    lock = ENVS[env].data_lake.archive_lock_mode
    for sid, stack in lakes(synthesized, env).items():
        archives = [
            (t, n, b) for t, n, b in storage(stack) if labels(t, b).get("data_classification") == "archive"
        ]
        assert len(archives) == 1, sid
        rtype, name, body = archives[0]
        if rtype == "aws_s3_bucket":
            assert body["object_lock_enabled"] is True
            (cfg,) = [
                c
                for c in resources(stack, "aws_s3_bucket_object_lock_configuration").values()
                if ref(c["bucket"])[1] == name
            ]
            assert cfg["rule"]["default_retention"] == {"days": SEVEN_YEARS_DAYS, "mode": lock}
        elif rtype == "google_storage_bucket":
            assert body["retention_policy"] == {
                "retention_period": SEVEN_YEARS_DAYS * 86400,
                "is_locked": lock == "COMPLIANCE",
            }
        else:
            assert body["immutability_policy"]["period_since_creation_in_days"] == SEVEN_YEARS_DAYS
            assert body["immutability_policy"]["state"] in ("Unlocked", "Locked")


def test_prod_archive_is_locked_in_compliance_mode_on_aws_and_gcp(synthesized):
    assert ENVS["prod"].data_lake.archive_lock_mode == "COMPLIANCE"
    for stack in lakes(synthesized, "prod", "aws").values():
        locks = resources(stack, "aws_s3_bucket_object_lock_configuration").values()
        modes = {c["rule"]["default_retention"]["mode"] for c in locks}
        assert modes == {"COMPLIANCE"}
    for stack in lakes(synthesized, "prod", "gcp").values():
        buckets = resources(stack, "google_storage_bucket").values()
        archive = [b for b in buckets if b["labels"]["data_classification"] == "archive"]
        assert [b["retention_policy"]["is_locked"] for b in archive] == [True]


# ------------------------------------------------------------------------------------ security


@pytest.mark.parametrize("env", sorted(ENVS))
def test_s3_versioning_cmk_public_access_blocked_tls_only_and_access_logs(synthesized, env):
    for sid, stack in lakes(synthesized, env, "aws").items():
        buckets = resources(stack, "aws_s3_bucket")

        def by_bucket(rtype, stack=stack):
            return {ref(r["bucket"])[1]: r for r in resources(stack, rtype).values()}

        versioning = by_bucket("aws_s3_bucket_versioning")
        encryption = by_bucket("aws_s3_bucket_server_side_encryption_configuration")
        pab = by_bucket("aws_s3_bucket_public_access_block")
        ownership = by_bucket("aws_s3_bucket_ownership_controls")
        policy = by_bucket("aws_s3_bucket_policy")
        logging = by_bucket("aws_s3_bucket_logging")
        docs = data_sources(stack, "aws_iam_policy_document")
        keys = resources(stack, "aws_kms_key")
        for name, bucket in buckets.items():
            where = f"{sid}:{name}"
            assert versioning[name]["versioning_configuration"] == {"status": "Enabled"}, where
            rule = encryption[name]["rule"][0]
            sse = rule["apply_server_side_encryption_by_default"]
            if is_log("aws_s3_bucket", bucket):
                assert sse == {"sse_algorithm": "AES256"}, where  # server access log delivery
            else:
                assert sse["sse_algorithm"] == "aws:kms" and rule["bucket_key_enabled"] is True, where
                key = keys[ref(sse["kms_master_key_id"])[1]]
                assert key["enable_key_rotation"] is True, where
                assert logging[name]["target_bucket"].startswith("${aws_s3_bucket."), where
            blocks = (
                "block_public_acls",
                "block_public_policy",
                "ignore_public_acls",
                "restrict_public_buckets",
            )
            assert all(pab[name][k] is True for k in blocks), where
            assert ownership[name]["rule"] == {"object_ownership": "BucketOwnerEnforced"}, where
            doc = docs[ref(policy[name]["policy"])[1]]
            deny = [s for s in doc["statement"] if s["effect"] == "Deny"]
            tls_only = [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]
            assert deny and deny[0]["condition"] == tls_only, where
            assert deny[0]["actions"] == ["s3:*"] and len(deny[0]["resources"]) == 2, where
            # Least privilege: no Allow statement anywhere grants a wildcard action.
            for d in docs.values():
                for s in d["statement"]:
                    if s["effect"] == "Allow":
                        assert not any("*" in a for a in s["actions"]), (where, s)


@pytest.mark.parametrize("env", sorted(ENVS))
def test_gcs_single_region_versioning_cmek_public_access_prevented_and_usage_logs(synthesized, env):
    for sid, stack in lakes(synthesized, env, "gcp").items():
        for name, b in resources(stack, "google_storage_bucket").items():
            where = f"{sid}:{name}"
            assert re.fullmatch(r"[A-Z]+-[A-Z]+\d+", b["location"]), where  # one region, not EU/US/dual
            assert "custom_placement_config" not in b, where
            assert b["uniform_bucket_level_access"] is True and b["public_access_prevention"] == "enforced", (
                where
            )
            assert b["encryption"]["default_kms_key_name"].startswith("${google_kms_crypto_key."), where
            # GCS forbids versioning with a retention policy; the archive is protected by the policy.
            assert b["versioning"]["enabled"] is ("retention_policy" not in b), where
            if not is_log("google_storage_bucket", b):
                assert b["logging"]["log_bucket"].startswith("${google_storage_bucket."), where
        for key in resources(stack, "google_kms_crypto_key").values():
            assert key["rotation_period"] == f"{90 * 86400}s"


@pytest.mark.parametrize("env", sorted(ENVS))
def test_azure_in_region_redundancy_cmk_no_public_access_tls12_https_only(synthesized, env):
    for sid, stack in lakes(synthesized, env, "azure").items():
        for name, a in resources(stack, "azurerm_storage_account").items():
            where = f"{sid}:{name}"
            assert a["account_replication_type"] in ("LRS", "ZRS"), where
            assert a["min_tls_version"] == "TLS1_2" and a["https_traffic_only_enabled"] is True, where
            assert (
                a["allow_nested_items_to_be_public"] is False and a["shared_access_key_enabled"] is False
            ), where
            assert a["public_network_access_enabled"] is is_log("azurerm_storage_account", a), where
            assert a["network_rules"]["default_action"] == "Deny", where
            assert a["infrastructure_encryption_enabled"] is True, where
            assert a["customer_managed_key"]["key_vault_key_id"].startswith("${azurerm_key_vault_key."), where
            assert a["blob_properties"]["versioning_enabled"] is True, where
            assert re.fullmatch(r"[a-z0-9]{3,24}", a["name"]), where
        logged = {
            ref(d["target_resource_id"].removesuffix("/blobServices/default"))[1]
            for d in resources(stack, "azurerm_monitor_diagnostic_setting").values()
        }
        accounts = resources(stack, "azurerm_storage_account").items()
        data = {n for n, a in accounts if not is_log("azurerm_storage_account", a)}
        assert logged == data, sid


# ------------------------------------------------------------------------------------ replication


def replicated_pairs(stack: dict) -> list[tuple[str, dict, dict]]:
    """(cloud, source storage body, destination storage body) of every replication in a stack."""
    out = []
    buckets = resources(stack, "aws_s3_bucket")
    by_arn = {f"${{aws_s3_bucket.{n}.arn}}": b for n, b in buckets.items()}
    for r in resources(stack, "aws_s3_bucket_replication_configuration").values():
        src = buckets[ref(r["bucket"])[1]]
        for rule in r["rule"]:
            out.append(("aws", src, by_arn[rule["destination"]["bucket"]]))
    gcs = resources(stack, "google_storage_bucket")
    for job in resources(stack, "google_storage_transfer_job").values():
        spec = job["replication_spec"]
        source, sink = spec["gcs_data_source"]["bucket_name"], spec["gcs_data_sink"]["bucket_name"]
        out.append(("gcp", gcs[ref(source)[1]], gcs[ref(sink)[1]]))
    accounts = resources(stack, "azurerm_storage_account")
    for rep in resources(stack, "azurerm_storage_object_replication").values():
        source, sink = rep["source_storage_account_id"], rep["destination_storage_account_id"]
        out.append(("azure", accounts[ref(source)[1]], accounts[ref(sink)[1]]))
    return out


def _tags(cloud: str, body: dict) -> dict:
    return body["labels"] if cloud == "gcp" else body["tags"]


@pytest.mark.parametrize("env", sorted(ENVS))
def test_pii_never_replicates_nor_leaves_its_region_in_any_environment(synthesized, env):
    for sid, stack in lakes(synthesized, env).items():
        for cloud, src, dst in replicated_pairs(stack):
            assert _tags(cloud, src)["data_classification"] != "pii", sid
            assert _tags(cloud, dst)["data_classification"] != "pii", sid
        for rtype, name, body in storage(stack):
            tags = labels(rtype, body)
            if tags["data_classification"] != "pii":
                continue
            assert "replica_of" not in tags, f"{sid}:{name} is a copy of PII"
            if rtype == "google_storage_bucket":
                assert "custom_placement_config" not in body and re.fullmatch(
                    r"[A-Z]+-[A-Z]+\d+", body["location"]
                ), name
            if rtype == "azurerm_storage_account":
                assert body["account_replication_type"] in ("LRS", "ZRS"), name


@pytest.mark.parametrize("env", sorted(ENVS))
def test_only_training_models_and_models_gdpr_replicate_and_replicas_keep_their_classification(
    synthesized, env
):
    residency = load_residency()
    for sid, stack in lakes(synthesized, env).items():
        cloud_of_stack, region = stack_cloud_region(sid)
        for cloud, src, dst in replicated_pairs(stack):
            s, d = _tags(cloud, src), _tags(cloud, dst)
            assert s["data_classification"] in REPLICABLE, sid
            assert d["data_classification"] == s["data_classification"], sid
            dst_type = {
                "aws": "aws_s3_bucket",
                "gcp": "google_storage_bucket",
                "azure": "azurerm_storage_account",
            }[cloud]
            dst_region = region_of(dst_type, dst)
            assert dst_region != region, f"{sid}: a replica in the same region is no DR copy"
            assert residency.jurisdiction_of(cloud_of_stack, dst_region) == d["jurisdiction"], sid


@pytest.mark.parametrize("env", sorted(ENVS))
def test_models_gdpr_exists_and_replicates_only_in_eu_regions(synthesized, env):
    residency = load_residency()
    for sid, stack in lakes(synthesized, env).items():
        cloud, _ = stack_cloud_region(sid)
        for rtype, name, body in storage(stack):
            if labels(rtype, body)["data_classification"] == "models-gdpr":
                assert labels(rtype, body)["jurisdiction"] == "eu", name
                assert region_of(rtype, body) in residency.regions_of("eu", cloud), name


@pytest.mark.parametrize("env", sorted(ENVS))
def test_replication_follows_data_lake_replica_regions(synthesized, env):
    """Replication exists exactly where `data_lake.replica_regions` names a replica (dev: nowhere),
    and then for training and models, plus models-gdpr in the EU."""
    residency = load_residency()
    replica_regions = ENVS[env].data_lake.replica_regions
    for sid, stack in lakes(synthesized, env).items():
        cloud, region = stack_cloud_region(sid)
        got = sorted(_tags(c, s)["data_classification"] for c, s, _d in replicated_pairs(stack))
        if region not in replica_regions:
            assert got == [], sid
            continue
        replica_jurisdiction = residency.jurisdiction_of(cloud, replica_regions[region])
        eu_to_eu = residency.jurisdiction_of(cloud, region) == replica_jurisdiction == "eu"
        expected = ["models", "training"] + (["models-gdpr"] if eu_to_eu else [])
        assert got == sorted(expected), sid


def test_prod_eu_lakes_replicate_models_gdpr_to_eu_regions_on_all_three_clouds(synthesized):
    clouds = set()
    for sid, stack in lakes(synthesized, "prod").items():
        for cloud, src, dst in replicated_pairs(stack):
            if _tags(cloud, src)["data_classification"] == "models-gdpr":
                assert _tags(cloud, dst)["jurisdiction"] == "eu", sid
                clouds.add(cloud)
    assert clouds == {"aws", "gcp", "azure"}
