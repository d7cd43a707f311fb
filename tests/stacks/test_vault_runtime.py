"""Vault that works at run time, read on the synthesized plan (issue 27).

Expected values come from the providers' source and the products' documentation, cited per test:
terraform-provider-vault v5.6.0 (fetched: github:hashicorp/terraform-provider-vault, tag v5.6.0)
and the Vault, AWS, GCP and Azure docs.
"""

from __future__ import annotations

import re

import pytest

from stacks.environments import ENV_DIR
from stacks.validation import load_environment
from tests.conftest import data_sources, resources

pytestmark = pytest.mark.synth

ENVS = ("dev", "staging", "prod")


def _vault(synthesized, env: str = "prod") -> dict:
    return synthesized[f"{env}-global-vault"]


def _policies(stack: dict) -> dict[str, str]:
    return {p["name"]: p["policy"] for p in resources(stack, "vault_policy").values()}


def _block(policy: str, path: str) -> list[str]:
    """The capabilities of one `path "..." {}` block ([] when the path is absent)."""
    m = re.search(re.escape(f'path "{path}" {{') + r"\s*capabilities = \[([^\]]*)\]", policy)
    return [] if m is None else re.findall(r'"([a-z]+)"', m.group(1))


# ---- 1. edition ---------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_every_environment_states_its_vault_edition(env):
    """The issue: "The project never states which edition it targets"."""
    raw = (ENV_DIR / f"{env}.yaml").read_text(encoding="utf-8")
    assert re.search(r"^  edition: (community|enterprise)$", raw, re.M), env
    assert load_environment(ENV_DIR / f"{env}.yaml").vault.edition == "enterprise"


def test_enterprise_engines_wait_for_the_issuer_and_the_cloud_trust(synthesized):
    """Plugin WIF: Vault must sign tokens with the configured issuer (vault_identity_oidc) before a
    mount is configured, and a credential request before the cloud trusts the issuer fails.
    vault/resource_{aws,gcp,azure}_secret_backend.go (v5.6.0) send identity_token_audience only
    to Enterprise >= 1.16 / 1.17."""
    stack = _vault(synthesized)
    for rtype in ("vault_aws_secret_backend", "vault_gcp_secret_backend", "vault_azure_secret_backend"):
        (backend,) = resources(stack, rtype).values()
        assert backend["depends_on"] == ["vault_identity_oidc.identity_issuer_config"], rtype
        assert backend["identity_token_audience"], rtype
    for role in resources(stack, "vault_aws_secret_backend_role").values():
        assert "aws_iam_openid_connect_provider.aws_secrets_oidc_provider" in role["depends_on"]
        assert "aws_iam_role.aws_secrets_role" in role["depends_on"]
    for account in resources(stack, "vault_gcp_secret_impersonated_account").values():
        assert "google_iam_workload_identity_pool_provider.gcp_secrets_provider" in account["depends_on"]
        assert "google_service_account_iam_member.gcp_secrets_federation" in account["depends_on"]
    for role in resources(stack, "vault_azure_secret_backend_role").values():
        assert "azurerm_federated_identity_credential.azure_secrets_federation" in role["depends_on"]
        assert "azuread_app_role_assignment.azure_secrets_graph_application_owned_by" in role["depends_on"]


def test_issuer_is_fetchable_on_443(synthesized):
    """AWS IAM refuses an OIDC provider URL with a port; the issuer is Vault's host on 443."""
    (oidc,) = resources(_vault(synthesized), "vault_identity_oidc").values()
    assert oidc["issuer"] == "https://vault.mlops-platform.com"


# ---- 2. Kubernetes auth -----------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_kubernetes_auth_reviews_with_the_client_jwt_and_the_cluster_ca(synthesized, env):
    """No reviewer JWT and disable_local_ca_jwt = true: Vault reviews each login with the client's
    own token instead of its pod's (which only its home cluster accepts).
    vault/resource_kubernetes_auth_backend_config.go (v5.6.0): `disable_local_ca_jwt`, "disable
    defaulting to the local CA cert and service account JWT when running in a Kubernetes pod"."""
    configs = resources(_vault(synthesized, env), "vault_kubernetes_auth_backend_config")
    assert configs
    for name, config in configs.items():
        assert config["disable_local_ca_jwt"] is True, name
        assert "token_reviewer_jwt" not in config, name
        assert config["kubernetes_ca_cert"].startswith("${base64decode(data.terraform_remote_state."), name


# ---- 3. GCP impersonation, Azure Graph permission ---------------------------------------------


def test_gcp_uses_impersonated_accounts_and_never_creates_keys(synthesized):
    """vault_gcp_secret_impersonated_account (v5.6.0 vault/resource_gcp_secret_impersonated_account.go)
    needs Token Creator only; no static account, no google_service_account_key."""
    stack = _vault(synthesized)
    assert not resources(stack, "vault_gcp_secret_static_account")
    assert not resources(stack, "google_service_account_key")
    accounts = resources(stack, "vault_gcp_secret_impersonated_account")
    assert len(accounts) == 3
    creators = {
        m["service_account_id"]
        for m in resources(stack, "google_service_account_iam_member").values()
        if m["role"] == "roles/iam.serviceAccountTokenCreator"
    }
    for account in accounts.values():
        sa = account["service_account_email"].replace(".email}", ".name}")
        assert sa in creators
        assert int(account["ttl"]) <= 3600  # GCP access tokens: 1 h maximum


def test_azure_engine_identity_holds_graph_application_readwrite_ownedby(synthesized):
    """Vault docs, secrets/azure "Microsoft Graph API permissions": Application.ReadWrite.OwnedBy;
    Microsoft Graph's application id is 00000003-0000-0000-c000-000000000000."""
    stack = _vault(synthesized)
    (graph,) = data_sources(stack, "azuread_service_principal").values()
    assert graph["client_id"] == "00000003-0000-0000-c000-000000000000"
    (grant,) = resources(stack, "azuread_app_role_assignment").values()
    assert grant["app_role_id"].endswith('.app_role_ids["Application.ReadWrite.OwnedBy"]}')
    assert (
        grant["principal_object_id"]
        == "${azurerm_user_assigned_identity.azure_secrets_identity.principal_id}"
    )
    assert (
        "tenant_id" in stack["provider"]["azuread"][0]
        and "client_secret" not in stack["provider"]["azuread"][0]
    )


# ---- 4. policies and TTLs ---------------------------------------------------------------------

# Expected from the role definitions in stacks/params.py (literals here) and the Vault API paths:
# aws/sts/:name, gcp/impersonated-account/:name/token, azure/creds/:role, pki_int/issue/:role.
DATA_SCIENTIST = {
    "secret/data/training/*": ["read"],
    "secret/metadata/training/*": ["list"],
    "secret/metadata/training/": ["list"],
    "secret/data/experiments/*": ["create", "read", "update"],
    "secret/metadata/experiments/*": ["list"],
    "secret/data/models/*": ["read"],
    "secret/metadata/models/*": ["list"],
    "aws/sts/data-scientist": ["read", "update"],
    "gcp/impersonated-account/data-scientist/token": ["read", "update"],
    "azure/creds/data-scientist": ["read"],
}


def test_data_scientist_policy_grants_kv_metadata_engine_and_pki_paths(synthesized):
    policy = _policies(_vault(synthesized))["data-scientist"]
    for path, caps in DATA_SCIENTIST.items():
        assert _block(policy, path) == caps, path
    assert "list" not in _block(policy, "secret/data/training/*")  # list on data/ does nothing in KV v2
    pki = (
        "${vault_mount.pki_intermediate_mount.path}/issue/${vault_pki_secret_backend_role.pki_mtls_role.name}"
    )
    assert _block(policy, pki) == ["update"]
    # Nothing of another role's engines.
    assert _block(policy, "aws/sts/admin") == [] and _block(policy, "azure/creds/ml-engineer") == []


@pytest.mark.parametrize("env", ENVS)
def test_aws_sts_ttls_respect_role_chaining_limit(synthesized, env):
    """AWS IAM user guide ("Roles terms and concepts", role chaining): at most 1 hour."""
    for role in resources(_vault(synthesized, env), "vault_aws_secret_backend_role").values():
        assert role["max_sts_ttl"] <= 3600 and role["default_sts_ttl"] <= role["max_sts_ttl"]
