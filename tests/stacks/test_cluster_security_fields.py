"""Each `clusters[].security` field, read back from the synthesized output of each cloud.

Table-driven: one reader per (field, cloud) returns what the plan really says; the expected
values are literals from the environment files (prod: the secure defaults; dev: deletion
protection off, with a reason) and the design (a private API, a year of logs, 90-day rotation).
"""

from __future__ import annotations

import pytest

from tests.conftest import REPO, resources

pytestmark = pytest.mark.synth

STACKS = {"aws": "aws-us-east-1", "gcp": "gcp-us-central1", "azure": "azure-eastus"}


def _one(stack, rtype):
    (value,) = resources(stack, rtype).values()
    return value


def _aks_locks(stack) -> set[str]:
    """What the CanNotDelete locks of the stack cover: the AKS cluster and/or its resource group."""
    out = set()
    for lock in resources(stack, "azurerm_management_lock").values():
        assert lock["lock_level"] == "CanNotDelete"
        out.add(lock["scope"].split(".")[0].removeprefix("${"))
    return out


READERS = {
    ("deletion_protection", "aws"): lambda s: _one(s, "aws_eks_cluster")["deletion_protection"],
    ("deletion_protection", "gcp"): lambda s: _one(s, "google_container_cluster")["deletion_protection"],
    ("deletion_protection", "azure"): lambda s: (
        _aks_locks(s) == {"azurerm_kubernetes_cluster", "azurerm_resource_group"}
    ),
    ("public_endpoint", "aws"): lambda s: _one(s, "aws_eks_cluster")["vpc_config"]["endpoint_public_access"],
    ("public_endpoint", "gcp"): lambda s: (
        not _one(s, "google_container_cluster")["private_cluster_config"]["enable_private_endpoint"]
    ),
    ("public_endpoint", "azure"): lambda s: (
        not _one(s, "azurerm_kubernetes_cluster")["private_cluster_enabled"]
    ),
    ("log_retention_days", "aws"): lambda s: {
        g["retention_in_days"] for g in resources(s, "aws_cloudwatch_log_group").values()
    },
    ("log_retention_days", "gcp"): lambda s: {
        _one(s, "google_logging_project_bucket_config")["retention_days"]
    },
    ("log_retention_days", "azure"): lambda s: {
        _one(s, "azurerm_log_analytics_workspace")["retention_in_days"]
    },
    ("key_rotation_days", "aws"): lambda s: {
        k["rotation_period_in_days"] for k in resources(s, "aws_kms_key").values()
    },
    ("key_rotation_days", "gcp"): lambda s: {
        int(k["rotation_period"].removesuffix("s")) // 86400
        for k in resources(s, "google_kms_crypto_key").values()
    },
    ("key_rotation_days", "azure"): lambda s: {
        int(k["rotation_policy"]["automatic"]["time_after_creation"].removeprefix("P").removesuffix("D"))
        for k in resources(s, "azurerm_key_vault_key").values()
    },
}

EXPECTED = {
    # prod leaves every security field at its default
    "prod": {
        "deletion_protection": True,
        "public_endpoint": False,
        "log_retention_days": {365},
        "key_rotation_days": {90},
    },
    # environments/dev.yaml: deletion_protection: false (reason: rebuilt from code)
    "dev": {
        "deletion_protection": False,
        "public_endpoint": False,
        "log_retention_days": {365},
        "key_rotation_days": {90},
    },
}


@pytest.mark.parametrize("env", sorted(EXPECTED))
@pytest.mark.parametrize("cloud", sorted(STACKS))
@pytest.mark.parametrize("field", sorted(EXPECTED["prod"]))
def test_security_field_is_in_the_synthesized_output_of_every_cloud(synthesized, env, cloud, field):
    stack = synthesized[f"{env}-{STACKS[cloud]}-cluster"]
    assert READERS[(field, cloud)](stack) == EXPECTED[env][field]


def test_the_table_covers_every_field_of_the_security_spec_on_every_cloud():
    from constructs_lib.security_spec import ClusterSecuritySpec

    covered = {f for f, _ in READERS} | {"authorized_cidrs"}  # cidrs: tests/stacks/test_clusters.py
    assert covered == set(ClusterSecuritySpec.field_names())
    assert {c for _, c in READERS} == set(STACKS)


def test_a_turned_off_default_keeps_its_reason_on_every_cloud(synthesized):
    for cloud, rtype in (
        ("aws", "aws_eks_cluster"),
        ("gcp", "google_container_cluster"),
        ("azure", "azurerm_kubernetes_cluster"),
    ):
        meta = _one(synthesized[f"dev-{STACKS[cloud]}-cluster"], rtype)["//"]
        assert meta["deletion_protection_reason"].startswith("dev clusters are rebuilt from code"), cloud


def _init_params(module: str, cls: str) -> set[str]:
    """The parameter names of `cls.__init__`, read from the source: importing the construct
    would load cdktf and the provider packages eagerly into this process (~90 s, 1.5 GB)."""
    import ast

    tree = ast.parse((REPO / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    (klass,) = (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == cls)
    (init,) = (n for n in klass.body if isinstance(n, ast.FunctionDef) and n.name == "__init__")
    a = init.args
    names = [x.arg for x in (*a.posonlyargs, *a.args, *a.kwonlyargs)]
    names += [x.arg for x in (a.vararg, a.kwarg) if x is not None]
    return set(names)


def test_each_construct_accepts_what_its_translation_gives():
    from constructs_lib.security_spec import ClusterSecuritySpec

    spec = ClusterSecuritySpec()
    for (module, cls), kwargs in (
        (("constructs_lib.aws.eks", "Eks"), spec.to_eks()),
        (("constructs_lib.gcp.gke", "Gke"), spec.to_gke()),
        (("constructs_lib.azure.aks", "Aks"), spec.to_aks()),
    ):
        params = _init_params(module, cls)
        assert set(kwargs) <= params, (cls, set(kwargs) - params)
