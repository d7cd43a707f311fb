"""Every data grant of the plan reaches a resource its own environment declares.

Read from the synthesized output (tests/conftest.py) through review/access_matrix.py, which
follows each grant's reference to the data-lake stack that declares the bucket / key / account.
The expected matrix below is a literal from the environment files and the design (PII only for
the roles that list it, `models-gdpr` only in EU regions), not derived from the code.
Rules that read the plan are also run on mutated copies of the real plan.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from review.access_matrix import access_matrix, render_markdown
from tests.conftest import resources

pytestmark = pytest.mark.synth

ENVS = ("dev", "staging", "prod")
# Built-in Azure roles that read or write blob data (Azure built-in roles, "Storage" section).
AZURE_DATA_ROLES = {"Storage Blob Data Reader", "Storage Blob Data Contributor", "Storage Blob Data Owner"}
PROD_REGIONS = (
    "aws/eu-west-1",
    "aws/us-east-1",
    "aws/us-west-2",
    "azure/eastus",
    "azure/westeurope",
    "gcp/asia-east1",
    "gcp/europe-west1",
    "gcp/us-central1",
)
EU = {"aws/eu-west-1", "azure/westeurope", "gcp/europe-west1"}


@pytest.mark.parametrize("env", ENVS)
def test_every_data_grant_reaches_a_data_lake_resource_of_the_same_environment(synth_dir, env):
    matrix = access_matrix(synth_dir, env)
    assert len(matrix.grants) > 20
    assert matrix.unresolved == [], render_markdown(matrix)
    assert {g.target.stack.split("-")[0] for g in matrix.grants} == {env}


@pytest.mark.parametrize("env", ENVS)
def test_grants_are_cross_stack_references_never_name_patterns(synth_dir, env):
    for g in access_matrix(synth_dir, env).grants:
        assert g.reference.startswith("${data.terraform_remote_state.cross-stack-reference-input-"), g
        assert "*" not in g.reference.removesuffix("/*"), g


@pytest.mark.parametrize("env", ENVS)
def test_no_data_plane_role_above_storage_account_scope(synthesized, env):
    """Every Storage Blob Data role, in any stack, is scoped to one storage account by reference."""
    seen = 0
    for sid, stack in synthesized.items():
        if not sid.startswith(f"{env}-"):
            continue
        scopes = [
            a["scope"]
            for a in resources(stack, "azurerm_role_assignment").values()
            if a.get("role_definition_name") in AZURE_DATA_ROLES
        ]
        for role in resources(stack, "vault_azure_secret_backend_role").values():
            scopes += [e["scope"] for e in role["azure_roles"] if e["role_name"] in AZURE_DATA_ROLES]
        for scope in scopes:
            seen += 1
            assert not scope.startswith("/subscriptions/"), (sid, scope)
            assert re.search(r"cross-stack-output-azurerm_storage_account\w+_accountid\}$", scope), (
                sid,
                scope,
            )
    assert seen > 0


def test_prod_access_matrix(synth_dir):
    cells = access_matrix(synth_dir, "prod").cells()
    everywhere = {(c, r) for c in ("training", "models", "archive", "pii") for r in PROD_REGIONS}
    gdpr = {("models-gdpr", r) for r in EU}
    expected = {}
    for c, r in everywhere | gdpr:
        expected[("admin", c, r)] = "write"
    for c, r in {(c, r) for c, r in everywhere if c in ("training", "models")} | gdpr:
        expected[("data-scientist", c, r)] = "read"
    for c, r in {(c, r) for c, r in everywhere if c == "models"} | gdpr:
        expected[("ml-engineer", c, r)] = "write"
    assert cells == expected


def test_pii_is_reachable_only_by_the_roles_that_list_it(synth_dir):
    for env in ENVS:
        cells = access_matrix(synth_dir, env).cells()
        assert {role for role, c, _ in cells if c == "pii"} == {"admin"}, env


def test_vault_policies_name_only_mounts_the_vault_stack_declares(synthesized):
    """A policy path starts with a mount of the stack: by reference (`${vault_mount.x.path}`, an
    engine's `${vault_*_secret_backend.x.path}`) to a resource the stack declares, or literally
    with a declared mount's path, or `sys`."""
    ref = re.compile(r"^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.path\}$")
    for env in ENVS:
        stack = synthesized[f"{env}-global-vault"]
        declared = {
            m["path"]
            for rtype, named in stack.get("resource", {}).items()
            if rtype == "vault_mount" or rtype.endswith("_secret_backend")
            for m in named.values()
            if "path" in m
        }
        checked = 0
        for policy in resources(stack, "vault_policy").values():
            for path in re.findall(r'^path "([^"]+)"', policy["policy"], flags=re.M):
                first = path.split("/", 1)[0]
                checked += 1
                m = ref.match(first)
                if m:
                    assert m[2] in resources(stack, m[1]), (env, policy["name"], path)
                else:
                    assert first in declared or first == "sys", (env, policy["name"], path)
        assert checked > 5


# --------------------------------------------------------------------------------------------
# The checker on mutated copies of the real plan
# --------------------------------------------------------------------------------------------


@pytest.fixture
def prod_copy(synth_dir, tmp_path):
    dst = tmp_path / "out"
    (dst / "stacks").mkdir(parents=True)
    for p in (synth_dir / "stacks").iterdir():
        if p.name.startswith("prod-"):
            shutil.copytree(p, dst / "stacks" / p.name)
    return dst


def _edit_vault(out, edit):
    path = out / "stacks" / "prod-global-vault" / "cdk.tf.json"
    doc = json.loads(path.read_text())
    edit(doc["resource"])
    path.write_text(json.dumps(doc))


def test_checker_reports_a_name_pattern_grant(prod_copy):
    def edit(res):
        pol = next(p for p in res["aws_iam_role_policy"].values() if p["name"] == "data-lake")
        doc = json.loads(pol["policy"])
        doc["Statement"][0]["Resource"] = ["arn:aws:s3:::prod-datalake-*"]
        pol["policy"] = json.dumps(doc)

    _edit_vault(prod_copy, edit)
    (bad,) = access_matrix(prod_copy, "prod").unresolved
    assert bad.reference == "arn:aws:s3:::prod-datalake-*"


def test_checker_reports_a_subscription_scoped_data_role(prod_copy):
    def edit(res):
        a = next(iter(v for k, v in res["azurerm_role_assignment"].items() if "grant_" in k))
        a["scope"] = "/subscriptions/3f2b8c1e-7a4d-4e9b-9c2a-1d5e6f7a8b90"

    _edit_vault(prod_copy, edit)
    (bad,) = access_matrix(prod_copy, "prod").unresolved
    assert bad.cloud == "azure" and bad.reference.startswith("/subscriptions/")


def test_checker_reports_a_bucket_the_lake_no_longer_declares(prod_copy):
    lake = prod_copy / "stacks" / "prod-gcp-us-central1-datalake" / "cdk.tf.json"
    doc = json.loads(lake.read_text())
    del doc["resource"]["google_storage_bucket"]["data_lake_training_bucket"]
    lake.write_text(json.dumps(doc))
    bad = access_matrix(prod_copy, "prod").unresolved
    assert {g.role for g in bad} == {"admin", "data-scientist"}
    assert all("data_lake_training_bucket" in g.reference for g in bad)


def test_checker_reports_a_project_wide_storage_role(prod_copy):
    def edit(res):
        res.setdefault("google_project_iam_member", {})["planted"] = {
            "project": "mcai-prod-platform",
            "role": "roles/storage.objectViewer",
            "member": "${google_service_account.gcp_role_data_scientist_service_account.member}",
        }

    _edit_vault(prod_copy, edit)
    (bad,) = access_matrix(prod_copy, "prod").unresolved
    assert bad.role == "data-scientist" and bad.via == "google_project_iam_member.planted"


def test_review_md_carries_the_access_matrix_of_the_head(synth_dir):
    from review.access_matrix import review_section
    from review.plan import load_output_dir

    section = review_section(load_output_dir(synth_dir))
    assert "## Data access (head)" in section
    assert render_markdown(access_matrix(synth_dir, "prod")) in section
    assert "| data-scientist | **pii** |" not in section


def test_readme_shows_the_prod_matrix_as_synthesized(synth_dir):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    table = [
        line
        for line in render_markdown(access_matrix(synth_dir, "prod")).splitlines()
        if line.startswith("|")
    ]
    assert "\n".join(table) in readme, (
        "README's data access table is stale: paste `python -m review.access_matrix --env prod`"
    )
