"""Policy documents built in Python (constructs_lib/vault/documents.py): pure, no jsii."""

from __future__ import annotations

import json

import pytest

from constructs_lib.vault.documents import iam_policy_json, s3_data_statements, vault_policy_hcl


def test_vault_policy_is_sorted_and_deterministic():
    a = vault_policy_hcl({"secret/data/b/*": ("list", "read"), "secret/data/a/*": ("update", "create")})
    b = vault_policy_hcl({"secret/data/a/*": ("create", "update"), "secret/data/b/*": ("read", "list")})
    assert a == b
    assert a.index("secret/data/a/*") < a.index("secret/data/b/*")
    assert 'path "secret/data/b/*" {\n  capabilities = ["read", "list"]\n}\n' in a


@pytest.mark.parametrize("caps", [(), ("read", "write")])
def test_vault_policy_refuses_empty_or_unknown_capabilities(caps):
    with pytest.raises(ValueError):
        vault_policy_hcl({"secret/data/x/*": caps})


def test_s3_grant_never_uses_a_bare_star_resource():
    doc = json.loads(iam_policy_json(s3_data_statements(["s3:*"], ["arn:aws:s3:::prod-datalake-*"])))
    resources = [r for s in doc["Statement"] for r in s["Resource"]]
    assert "*" not in resources and "arn:aws:s3:::*" not in resources
    assert set(resources) == {"arn:aws:s3:::prod-datalake-*", "arn:aws:s3:::prod-datalake-*/*"}


def test_s3_bucket_and_object_actions_land_on_their_own_resources():
    stmts = s3_data_statements(
        ["s3:GetObject", "s3:ListBucket", "s3:PutObject"], ["arn:aws:s3:::p-datalake-*"]
    )
    by_sid = {s["Sid"]: s for s in stmts}
    assert by_sid["DataLakeBuckets"] == {
        "Sid": "DataLakeBuckets",
        "Effect": "Allow",
        "Action": ["s3:ListBucket"],
        "Resource": ["arn:aws:s3:::p-datalake-*"],
    }
    assert by_sid["DataLakeObjects"]["Action"] == ["s3:GetObject", "s3:PutObject"]
    assert by_sid["DataLakeObjects"]["Resource"] == ["arn:aws:s3:::p-datalake-*/*"]


@pytest.mark.parametrize("arn", ["*", "arn:aws:s3:::*", "arn:aws:iam::123456789012:role/x"])
def test_s3_grant_refuses_unscoped_or_foreign_resources(arn):
    with pytest.raises(ValueError):
        s3_data_statements(["s3:GetObject"], [arn])


def test_s3_grant_refuses_non_s3_actions():
    with pytest.raises(ValueError, match="not an S3 action"):
        s3_data_statements(["iam:PassRole"], ["arn:aws:s3:::p-datalake-*"])
