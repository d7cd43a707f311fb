"""The public-endpoint rule is a validation error with the key to fix, on every cloud (issue #13),
never a traceback from a construct at synth time."""

from __future__ import annotations

import pytest

from tests.unit.test_validation import base, find_cluster, problems_for


@pytest.mark.parametrize("cluster", ["aws-us-east-1", "gcp-us-central1", "azure-eastus"])
def test_public_endpoint_without_authorized_cidrs_is_refused_on_every_cloud(tmp_path, cluster):
    data = base()
    find_cluster(data, cluster)["security"] = {
        "public_endpoint": True,
        "public_endpoint_reason": "partner CI",
    }
    probs = problems_for(tmp_path, data)
    assert any(
        ".security.authorized_cidrs: public_endpoint is true but no authorized_cidrs" in p for p in probs
    ), probs
    assert any(cluster in p for p in probs)


def test_public_endpoint_open_to_the_internet_is_refused(tmp_path):
    data = base()
    find_cluster(data, "azure-eastus")["security"] = {
        "public_endpoint": True,
        "public_endpoint_reason": "partner CI",
        "authorized_cidrs": ["203.0.113.0/24", "0.0.0.0/0"],
    }
    probs = problems_for(tmp_path, data)
    assert any(
        ".security.authorized_cidrs[1]: 0.0.0.0/0 authorizes the whole internet" in p for p in probs
    ), probs
