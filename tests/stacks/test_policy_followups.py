"""Issue 16 (GCP/AWS part): work that retired policy exceptions, asserted on the synthesized plan.

Expected values are literals from the providers' docs and source (cited in the constructs) or
raw values of the environment files, never recomputed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import resources

ROOT = Path(__file__).resolve().parents[2]
ENVS = ("dev", "staging", "prod")


def raw_env(name: str) -> dict:
    return yaml.safe_load((ROOT / "environments" / f"{name}.yaml").read_text(encoding="utf-8"))


def gke_clusters(synthesized):
    for stack_id, stack in synthesized.items():
        if stack_id.endswith("-cluster") and "-gcp-" in stack_id:
            yield stack_id, resources(stack, "google_container_cluster")["gke_cluster"]


# ---- GKE: Google Groups for RBAC (CKV_GCP_65) -----------------------------------------------


def test_every_gke_cluster_uses_the_environments_google_groups_for_rbac(synthesized):
    seen = 0
    for stack_id, cluster in gke_clusters(synthesized):
        env = stack_id.split("-")[0]
        expected = raw_env(env)["sso"]["gke_security_group"]
        assert expected.startswith("gke-security-groups@")  # the only name GKE accepts
        assert cluster["authenticator_groups_config"] == {"security_group": expected}, stack_id
        seen += 1
    assert seen == 7  # dev 1 + staging 3 + prod 3 GKE clusters (environments/*.yaml)


# ---- GKE: metadata server on the removed default pool (CKV_GCP_69) --------------------------


def test_gke_default_pool_config_is_creation_only_so_it_never_diffs_or_replaces(synthesized):
    """node_config is read back from the first node pool once the default pool is gone (GKE API
    Cluster.nodeConfig); without ignore_changes the pools' taints/labels/spot would diff forever
    (spot is ForceNew: replacement). See constructs_lib/gcp/gke.py."""
    for stack_id, cluster in gke_clusters(synthesized):
        assert cluster["remove_default_node_pool"] is True, stack_id
        assert cluster["node_config"] == {
            "workload_metadata_config": {"mode": "GKE_METADATA"},
            "shielded_instance_config": {"enable_secure_boot": True, "enable_integrity_monitoring": True},
        }, stack_id
        assert "node_config" in cluster["lifecycle"]["ignore_changes"], stack_id


@pytest.mark.parametrize("env", ENVS)
def test_every_gke_node_pool_still_sets_the_metadata_server_itself(synthesized, env):
    pools = [
        (sid, name, pool)
        for sid, s in synthesized.items()
        if sid.startswith(f"{env}-gcp-")
        for name, pool in resources(s, "google_container_node_pool").items()
    ]
    assert pools
    for sid, name, pool in pools:
        assert pool["node_config"]["workload_metadata_config"] == {"mode": "GKE_METADATA"}, (sid, name)


# ---- AWS state bucket: server access logging (CKV_AWS_18) -----------------------------------


def s3_state_stacks(synthesized):
    found = [
        (sid, s)
        for sid, s in synthesized.items()
        if sid.endswith("-global-state") and resources(s, "aws_s3_bucket")
    ]
    assert found  # prod and staging keep their state in S3 (environments/*.yaml backend.kind)
    return found


def test_state_bucket_logs_to_its_own_access_log_bucket(synthesized):
    for sid, s in s3_state_stacks(synthesized):
        env = sid.split("-")[0]
        bucket = raw_env(env)["backend"]["bucket"]
        buckets = resources(s, "aws_s3_bucket")
        assert buckets["s3_bucket"]["bucket"] == bucket
        assert buckets["s3_log_bucket"]["bucket"] == f"{bucket}-access-logs"
        (logging,) = resources(s, "aws_s3_bucket_logging").values()
        assert logging["bucket"] == "${aws_s3_bucket.s3_bucket.id}"
        assert logging["target_bucket"] == "${aws_s3_bucket.s3_log_bucket.id}"


def test_state_log_bucket_admits_only_s3_log_delivery_for_the_state_bucket(synthesized):
    """Amazon S3 User Guide, permissions for server access log delivery: with BucketOwnerEnforced
    the target's bucket policy grants logging.s3.amazonaws.com s3:PutObject (SourceArn/Account)."""
    for sid, s in s3_state_stacks(synthesized):
        account = raw_env(sid.split("-")[0])["accounts"]["aws"]["account_id"]
        doc = s["data"]["aws_iam_policy_document"]["s3_log_policy_document"]
        (grant,) = [st for st in doc["statement"] if st.get("effect") == "Allow"]
        assert grant["principals"] == [{"type": "Service", "identifiers": ["logging.s3.amazonaws.com"]}]
        assert grant["actions"] == ["s3:PutObject"]
        assert grant["resources"] == ["${aws_s3_bucket.s3_log_bucket.arn}/*"]
        conditions = {c["variable"]: c["values"] for c in grant["condition"]}
        assert conditions == {
            "aws:SourceArn": ["${aws_s3_bucket.s3_bucket.arn}"],
            "aws:SourceAccount": [account],
        }
        assert any(st.get("effect") == "Deny" for st in doc["statement"])  # TLS only
        ownership = resources(s, "aws_s3_bucket_ownership_controls")["s3_log_ownership"]
        assert ownership["rule"]["object_ownership"] == "BucketOwnerEnforced"
        sse = resources(s, "aws_s3_bucket_server_side_encryption_configuration")["s3_log_encryption"]
        assert sse["rule"][0]["apply_server_side_encryption_by_default"]["sse_algorithm"] == "AES256"
        versioning = resources(s, "aws_s3_bucket_versioning")["s3_log_versioning"]
        assert versioning["versioning_configuration"]["status"] == "Enabled"
        (rule,) = resources(s, "aws_s3_bucket_lifecycle_configuration")["s3_log_lifecycle"]["rule"]
        assert rule["expiration"][0]["days"] == 365


# ---- AWS CI deploy role: permissions boundary (CKV_AWS_274 is then a design decision) -------


def test_ci_deploy_role_is_bounded_by_a_boundary_that_protects_itself_state_and_audit(synthesized):
    import json

    seen = 0
    for sid, s in synthesized.items():
        if not sid.endswith("-global-identity") or "aws_iam_role" not in s.get("resource", {}):
            continue
        env = sid.split("-")[0]
        raw = raw_env(env)
        account = raw["accounts"]["aws"]["account_id"]
        role = resources(s, "aws_iam_role")["aws_ci_deploy_role"]
        assert role["name"] == f"{env}-ci-deploy"
        assert role["permissions_boundary"] == "${aws_iam_policy.aws_ci_deploy_boundary.arn}"
        boundary = resources(s, "aws_iam_policy")["aws_ci_deploy_boundary"]
        doc = json.loads(boundary["policy"])
        by_sid = {st["Sid"]: st for st in doc["Statement"]}
        # The boundary only narrows: its one Allow is NotAction, never Action "*".
        allows = [st for st in doc["Statement"] if st["Effect"] == "Allow"]
        assert [a["Sid"] for a in allows] == ["CeilingEverythingButUsersKeysAndAuditStop"]
        assert "Action" not in allows[0]
        assert (
            by_sid["BoundaryIsFixed"]["Resource"] == f"arn:aws:iam::{account}:policy/{env}-ci-deploy-boundary"
        )
        assert "iam:CreatePolicyVersion" in by_sid["BoundaryIsFixed"]["Action"]
        assert by_sid["OwnBoundaryStays"]["Resource"] == f"arn:aws:iam::{account}:role/{env}-ci-deploy"
        assert "iam:DeleteRolePermissionsBoundary" in by_sid["OwnBoundaryStays"]["Action"]
        assert {"iam:CreateUser", "iam:CreateAccessKey"} <= set(by_sid["NoIamUsersOrAccessKeys"]["Action"])
        assert {"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"} <= set(
            by_sid["NoAuditTrailStop"]["Action"]
        )
        if raw.get("backend", {}).get("kind") == "s3":  # dev keeps local state
            bucket = raw["backend"]["bucket"]
            assert by_sid["StateBucketStays"]["Resource"] == f"arn:aws:s3:::{bucket}"
            assert "s3:DeleteBucket" in by_sid["StateBucketStays"]["Action"]
            assert by_sid["StateHistoryStays"] == {
                "Sid": "StateHistoryStays",
                "Effect": "Deny",
                "Action": ["s3:DeleteObjectVersion"],
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
            # Terraform releases its lock with DeleteObject (a delete marker): never denied.
            assert not any("s3:DeleteObject" in st.get("Action", []) for st in doc["Statement"])
        seen += 1
    assert seen == 3
