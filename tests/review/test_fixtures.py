"""The review fixtures' shortcut (conftest.py): reviewing only the touched stacks against the
session's diff of the untouched ones gives the same review as diffing every stack afresh."""

from __future__ import annotations

from review.diff import diff_plans
from review.risk import attention
from tests.review.conftest import res, to_plans

EKS = "prod-aws-us-east-1-cluster"
GCP_DL = "prod-gcp-europe-west1-datalake"


def test_review_of_touched_stacks_equals_the_full_diff(head_docs, review_of, base_plans):
    res(head_docs, EKS, "aws_eks_cluster")["deletion_protection"] = False
    res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_pii_bucket")["location"] = "US-CENTRAL1"
    del head_docs["dev-global-edge"]
    head_docs["prod-global-extra"] = {"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}}
    assert head_docs.touched == {EKS, GCP_DL, "dev-global-edge", "prod-global-extra"}

    fast = review_of(head_docs)
    full = diff_plans(base_plans, to_plans(dict(head_docs)))

    assert fast.stacks == full
    assert fast.items == attention(full)
    statuses = {d.stack_id: d.status for d in fast.stacks}
    assert statuses[EKS] == statuses[GCP_DL] == "changed"
    assert statuses["dev-global-edge"] == "removed" and statuses["prod-global-extra"] == "added"
    assert fast.of("data protection") and fast.of("residency")
