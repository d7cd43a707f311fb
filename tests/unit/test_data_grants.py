"""stacks/data_grants.py: access declared per classification becomes grants on the lakes' handles."""

from __future__ import annotations

import pytest

from stacks.context import DataLakeHandle
from stacks.data_grants import plan_data_grants
from stacks.environments import ENV_DIR
from stacks.validation import load_environment


def _lake(cloud: str, region: str, c: str) -> DataLakeHandle:
    return DataLakeHandle(
        cloud=cloud, region=region, jurisdiction="us", classification=c, stack=None, name=f"{region}-{c}"
    )


LAKES = [_lake("aws", "us-east-1", c) for c in ("pii", "training", "models", "archive")] + [
    _lake("gcp", "europe-west1", c) for c in ("pii", "models-gdpr")
]


def test_pii_only_for_roles_that_list_it():
    grants = plan_data_grants(load_environment(ENV_DIR / "prod.yaml"), LAKES)
    with_pii = {role for role, gs in grants.items() if any(g.lake.classification == "pii" for g in gs)}
    assert with_pii == {"admin"}
    assert {(g.lake.classification, g.level) for g in grants["data-scientist"]} == {
        ("training", "read"),
        ("models", "read"),
        ("models-gdpr", "read"),
    }


def test_grant_labels_name_what_they_reach_not_a_position():
    grants = plan_data_grants(load_environment(ENV_DIR / "prod.yaml"), LAKES)
    assert [g.label for g in grants["ml-engineer"]] == ["us_east_1_models", "europe_west1_models_gdpr"]


def test_access_to_an_undeclared_classification_is_refused():
    env = load_environment(ENV_DIR / "prod.yaml")
    env = env.model_copy(
        update={"data_lake": env.data_lake.model_copy(update={"classifications": ("training",)})}
    )
    with pytest.raises(ValueError, match=r"vault.roles\[0\].data_access \(data-scientist\) lists \['models'"):
        plan_data_grants(env, LAKES)
