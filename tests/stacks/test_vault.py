"""The `<env>-global-vault` stacks as synthesized (one synth per session, tests/conftest.py)."""

from __future__ import annotations

import json
import re

import pytest

from stacks.environments import ENV_DIR
from stacks.validation import load_environment
from tests.conftest import data_sources, resources
from tests.secret_scan import find_literal_secrets

pytestmark = pytest.mark.synth

ENVS = ("dev", "staging", "prod")
REF = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_]+)\}")


def _vault(synthesized, env: str = "prod") -> dict:
    return synthesized[f"{env}-global-vault"]


def _one(stack: dict, rtype: str) -> dict:
    (value,) = resources(stack, rtype).values()
    return value


def _refers(value: str, rtype: str, attribute: str) -> bool:
    """`value` is (or contains) a reference to `<rtype>.<any>.<attribute>`."""
    return any(m.group(1) == rtype and m.group(3) == attribute for m in REF.finditer(value))


def _params(env: str):
    return load_environment(ENV_DIR / f"{env}.yaml")


# --------------------------------------------------------------------------------------------
# Vault's own engines and policies
# --------------------------------------------------------------------------------------------


def test_kv_v2_mount(synthesized):
    stack = _vault(synthesized)
    kv = [m for m in resources(stack, "vault_mount").values() if m["type"] == "kv"]
    assert kv == [{**kv[0], "path": "secret", "type": "kv", "options": {"version": "2"}}]
    assert _refers(_one(stack, "vault_kv_secret_backend_v2")["mount"], "vault_mount", "path")


def test_file_audit_device_without_raw_logging(synthesized):
    audit = _one(_vault(synthesized), "vault_audit")
    assert audit["type"] == "file"
    assert audit["options"]["file_path"] == "/vault/audit/audit.log"
    assert audit["options"]["log_raw"] == "false"


def test_pki_root_signs_intermediate_with_keys_kept_inside_vault(synthesized):
    stack = _vault(synthesized)
    pki_mounts = sorted(m["path"] for m in resources(stack, "vault_mount").values() if m["type"] == "pki")
    assert pki_mounts == ["pki", "pki_int"]
    assert _one(stack, "vault_pki_secret_backend_root_cert")["type"] == "internal"
    assert _one(stack, "vault_pki_secret_backend_intermediate_cert_request")["type"] == "internal"
    sign = _one(stack, "vault_pki_secret_backend_root_sign_intermediate")
    assert _refers(sign["csr"], "vault_pki_secret_backend_intermediate_cert_request", "csr")
    signed = _one(stack, "vault_pki_secret_backend_intermediate_set_signed")
    assert _refers(signed["certificate"], "vault_pki_secret_backend_root_sign_intermediate", "certificate")


def test_pki_mtls_role_issues_client_and_server_certs_for_service_domain_only(synthesized):
    role = _one(_vault(synthesized), "vault_pki_secret_backend_role")
    assert role["allowed_domains"] == ["svc.mlops-platform.com"]
    assert role["client_flag"] is True and role["server_flag"] is True
    assert role["allow_subdomains"] is True
    assert role["allow_wildcard_certificates"] is False and role["allow_ip_sans"] is False
    assert _refers(role["backend"], "vault_mount", "path")


@pytest.mark.parametrize("env", ENVS)
def test_one_vault_policy_per_unified_role_with_its_paths(synthesized, env):
    """Every path a role asks for is granted; `list` on a KV v2 data path moves to its metadata
    path (KV v2 lists through `metadata/`: Vault docs, secrets/kv/kv-v2 "ACL rules")."""
    params = _params(env)
    policies = {p["name"]: p["policy"] for p in resources(_vault(synthesized, env), "vault_policy").values()}
    assert set(policies) == {r.name for r in params.vault.roles}
    for role in params.vault.roles:
        for path, caps in role.vault_paths.items():
            if path.startswith("secret/data/"):
                caps = tuple(c for c in caps if c != "list")
                if not caps:
                    continue
            block = policies[role.name].split(f'path "{path}" {{', 1)[1].split("}", 1)[0]
            assert all(f'"{c}"' in block for c in caps), (role.name, path)


# --------------------------------------------------------------------------------------------
# Kubernetes auth: one backend per cluster handle
# --------------------------------------------------------------------------------------------


def _cluster_stacks(synthesized: dict, env: str) -> list[str]:
    return [s for s in synthesized if s.startswith(f"{env}-") and re.search(r"-cluster$", s)]


def _kubernetes_backends(stack: dict) -> dict[str, dict]:
    return {k: v for k, v in resources(stack, "vault_auth_backend").items() if v["type"] == "kubernetes"}


@pytest.mark.parametrize("env", ENVS)
def test_auth_backends_match_the_cluster_stacks_in_the_app(synthesized, env):
    """Holds before and after the cluster stacks land: a backend for every cluster stack."""
    assert len(_kubernetes_backends(_vault(synthesized, env))) == len(_cluster_stacks(synthesized, env))


@pytest.fixture(scope="session")
def clustered(synthesized) -> dict[str, dict]:
    """The session synth; prod must hold its cluster stacks (a missing one fails, never skips)."""
    assert len(_cluster_stacks(synthesized, "prod")) == 8, "prod must synthesize its eight cluster stacks"
    return synthesized


def test_prod_has_eight_kubernetes_auth_backends_one_per_cluster(clustered):
    backends = _kubernetes_backends(_vault(clustered))
    assert sorted(b["path"] for b in backends.values()) == sorted(
        f"kubernetes-{c.name}" for c in _params("prod").clusters
    )
    assert len(backends) == 8


def test_auth_configs_reference_cluster_stacks_not_literals(clustered):
    stack = _vault(clustered)
    configs = resources(stack, "vault_kubernetes_auth_backend_config")
    assert len(configs) == 8
    remote = set(data_sources(stack, "terraform_remote_state"))
    for name, cfg in configs.items():
        for arg in ("kubernetes_host", "kubernetes_ca_cert"):
            refs = re.findall(r"data\.terraform_remote_state\.([A-Za-z0-9_-]+)\.outputs\.", cfg[arg])
            assert refs and set(refs) <= remote, f"{name}.{arg} is not a cross-stack reference: {cfg[arg]}"
        assert cfg["kubernetes_ca_cert"].startswith("${base64decode(data.terraform_remote_state.")
        assert _refers(cfg["backend"], "vault_auth_backend", "path")


def test_auth_roles_bind_each_service_account_to_its_role_policy(clustered):
    stack = _vault(clustered)
    policies = {k: v["name"] for k, v in resources(stack, "vault_policy").items()}
    roles = list(resources(stack, "vault_kubernetes_auth_backend_role").values())
    bindings = _params("prod").vault.kubernetes_bindings
    assert len(roles) == 8 * len(bindings)
    for role in roles:
        ((policy_ref,),) = [role["token_policies"]]
        policy = policies[REF.search(policy_ref).group(2)]
        (ns,), (sa,) = role["bound_service_account_namespaces"], role["bound_service_account_names"]
        assert any((b.namespace, b.service_account, b.role) == (ns, sa, policy) for b in bindings), role


# --------------------------------------------------------------------------------------------
# Cloud secrets engines (federated, no static credentials)
# --------------------------------------------------------------------------------------------


def test_three_secret_engines_federated_without_static_credentials(synthesized):
    stack = _vault(synthesized)
    aws = _one(stack, "vault_aws_secret_backend")
    assert (
        aws["role_arn"] == "arn:aws:iam::123456789012:role/prod-vault-secrets-aws"
        and aws["identity_token_audience"]
    )
    assert not {"access_key", "secret_key"} & set(aws)
    gcp = _one(stack, "vault_gcp_secret_backend")
    assert gcp["identity_token_audience"].startswith("//iam.googleapis.com/projects/${data.google_project.")
    assert _refers(gcp["service_account_email"], "google_service_account", "email")
    assert not {"credentials", "credentials_wo"} & set(gcp)
    azure = _one(stack, "vault_azure_secret_backend")
    assert _refers(azure["client_id"], "azurerm_user_assigned_identity", "client_id")
    assert azure["identity_token_audience"] == "api://AzureADTokenExchange"
    assert "client_secret" not in azure


def test_each_cloud_trusts_only_its_own_engine_mount(synthesized):
    stack = _vault(synthesized)
    trust = next(
        r["assume_role_policy"]
        for r in resources(stack, "aws_iam_role").values()
        if r["name"] == "prod-vault-secrets-aws"
    )
    assert "plugin-identity:root:secret:${vault_aws_secret_backend." in trust
    provider = _one(stack, "google_iam_workload_identity_pool_provider")
    assert provider["attribute_condition"].startswith(
        "assertion.sub == 'plugin-identity:root:secret:${vault_gcp_secret_backend."
    )
    (fed,) = [
        f
        for f in resources(stack, "azurerm_federated_identity_credential").values()
        if "plugin-identity" in f["subject"]
    ]
    assert _refers(fed["subject"], "vault_azure_secret_backend", "accessor")
    issuer = "https://vault.mlops-platform.com/v1/identity/oidc/plugins"  # no port: AWS refuses one
    assert _one(stack, "aws_iam_openid_connect_provider")["url"] == issuer
    assert provider["oidc"]["issuer_uri"] == issuer and fed["issuer"] == issuer
    assert _one(stack, "vault_identity_oidc")["issuer"] == "https://vault.mlops-platform.com"


def test_engine_roles_exist_for_every_unified_role_on_every_cloud(synthesized):
    stack = _vault(synthesized)
    names = {r.name for r in _params("prod").vault.roles}
    assert {r["name"] for r in resources(stack, "vault_aws_secret_backend_role").values()} == names
    assert {
        r["impersonated_account"] for r in resources(stack, "vault_gcp_secret_impersonated_account").values()
    } == names
    assert not resources(stack, "vault_gcp_secret_static_account")
    assert {r["role"] for r in resources(stack, "vault_azure_secret_backend_role").values()} == names
    for role in resources(stack, "vault_aws_secret_backend_role").values():
        assert role["credential_type"] == "assumed_role"


def test_azure_engine_may_assign_only_the_platform_roles(synthesized):
    stack = _vault(synthesized)
    (admin,) = [
        r
        for r in resources(stack, "azurerm_role_assignment").values()
        if r.get("role_definition_name") == "Role Based Access Control Administrator"
    ]
    assert admin["condition_version"] == "2.0"
    assert (
        admin["condition"].count("data.azurerm_role_definition.") == 4
    )  # 2 roles (read, write) x (write, delete)
    assert "StringEqualsIgnoreCase {'ServicePrincipal'}" in admin["condition"]


# --------------------------------------------------------------------------------------------
# Platform roles: the same least-privilege data-lake grant on every cloud
# --------------------------------------------------------------------------------------------


def test_aws_platform_roles_grant_only_the_lakes_buckets_and_keys(synthesized):
    """Resources are references to the data-lake stacks' buckets (and their objects) and keys;
    tests/stacks/test_data_grants.py follows each one to the resource it names."""
    stack = _vault(synthesized)
    policies = {
        p["role"]: json.loads(p["policy"])
        for p in resources(stack, "aws_iam_role_policy").values()
        if p["name"] == "data-lake"
    }
    assert len(policies) == 3
    for doc in policies.values():
        for stmt in doc["Statement"]:
            for r in stmt["Resource"]:
                assert r.startswith("${data.terraform_remote_state.cross-stack-reference-input-prod-aws-"), r
                kind = "aws_kms_key" if stmt["Sid"].endswith("Keys") else "aws_s3_bucket"
                assert f"cross-stack-output-{kind}data_lake_" in r, (stmt["Sid"], r)


def test_gcp_platform_grants_are_bucket_level_members(synthesized):
    stack = _vault(synthesized)
    assert resources(stack, "google_project_iam_member") == {}
    members = resources(stack, "google_storage_bucket_iam_member").values()
    assert {m["role"] for m in members} == {"roles/storage.objectViewer", "roles/storage.objectUser"}
    for m in members:
        assert "cross-stack-output-google_storage_bucketdata_lake_" in m["bucket"], m


def test_azure_platform_identities_hold_data_roles_on_storage_accounts(synthesized):
    stack = _vault(synthesized)
    identities = {k: v["name"] for k, v in resources(stack, "azurerm_user_assigned_identity").items()}
    held = {
        (identities[REF.search(r["principal_id"]).group(2)], r["role_definition_name"])
        for r in resources(stack, "azurerm_role_assignment").values()
        if r.get("role_definition_name", "").startswith("Storage Blob")
    }
    assert held == {
        ("prod-data-scientist", "Storage Blob Data Reader"),
        ("prod-ml-engineer", "Storage Blob Data Contributor"),
        ("prod-admin", "Storage Blob Data Contributor"),
    }


# --------------------------------------------------------------------------------------------
# Auto-unseal keys: one per cloud, only Vault's identity may use them
# --------------------------------------------------------------------------------------------


def test_three_unseal_keys_tagged_purpose_vault_unseal_and_jurisdiction(synthesized):
    stack = _vault(synthesized)
    for tags in (
        _one(stack, "aws_kms_key")["tags"],
        _one(stack, "google_kms_crypto_key")["labels"],
        _one(stack, "azurerm_key_vault_key")["tags"],
        _one(stack, "azurerm_key_vault")["tags"],
    ):
        assert tags["purpose"] == "vault-unseal"
        assert tags["jurisdiction"] == "us" and tags["env"] == "prod" and tags["managed_by"] == "cdktf"


def test_vault_server_identities_are_bound_to_the_vault_service_account(synthesized):
    stack = _vault(synthesized)
    role = next(r for r in resources(stack, "aws_iam_role").values() if r["name"] == "prod-vault-server")
    (stmt,) = json.loads(role["assume_role_policy"])["Statement"]
    assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert stmt["Condition"]["StringEquals"] == {
        "aws:RequestTag/kubernetes-namespace": "vault",
        "aws:RequestTag/kubernetes-service-account": "vault",
    }
    wi = [
        m
        for m in resources(stack, "google_service_account_iam_member").values()
        if m["role"] == "roles/iam.workloadIdentityUser" and m["member"].startswith("serviceAccount:")
    ]
    assert [m["member"] for m in wi] == ["serviceAccount:mcai-prod-platform.svc.id.goog[vault/vault]"]


def test_unseal_keys_cannot_be_destroyed_by_terraform(synthesized):
    stack = _vault(synthesized)
    for rtype in ("aws_kms_key", "google_kms_crypto_key"):
        assert _one(stack, rtype)["lifecycle"] == {"prevent_destroy": True}, rtype
    # Key Vault keys also ignore the expiry the provider reads back (issue #26).
    assert _one(stack, "azurerm_key_vault_key")["lifecycle"] == {
        "prevent_destroy": True,
        "ignore_changes": ["expiration_date"],
    }


def test_unseal_keys_rotate(synthesized):
    stack = _vault(synthesized)
    assert _one(stack, "aws_kms_key")["enable_key_rotation"] is True
    assert _one(stack, "google_kms_crypto_key")["rotation_period"] == "7776000s"
    assert (
        _one(stack, "azurerm_key_vault_key")["rotation_policy"]["automatic"]["time_after_creation"] == "P90D"
    )


def test_aws_unseal_key_only_vault_server_role_encrypts_or_decrypts(synthesized):
    stack = _vault(synthesized)
    policy = json.loads(_one(stack, "aws_kms_key")["policy"])
    users = [s for s in policy["Statement"] if {"kms:Encrypt", "kms:Decrypt"} & set(s["Action"])]
    assert len(users) == 1 and users[0]["Action"] == ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt"]
    principal = users[0]["Principal"]["AWS"]
    server = next(k for k, r in resources(stack, "aws_iam_role").items() if r["name"] == "prod-vault-server")
    assert principal == f"${{aws_iam_role.{server}.arn}}"
    for stmt in policy["Statement"]:
        assert "kms:*" not in stmt["Action"]


def test_gcp_unseal_key_only_vault_server_account_with_encrypter_decrypter(synthesized):
    stack = _vault(synthesized)
    (member,) = resources(stack, "google_kms_crypto_key_iam_member").values()
    assert member["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert _refers(member["crypto_key_id"], "google_kms_crypto_key", "id")
    server = next(
        k
        for k, s in resources(stack, "google_service_account").items()
        if s["account_id"] == "prod-vault-server"
    )
    assert member["member"] == f"${{google_service_account.{server}.member}}"


def test_azure_unseal_key_vault_rbac_purge_protected_and_only_vault_identity_uses_key(synthesized):
    stack = _vault(synthesized)
    kv = _one(stack, "azurerm_key_vault")
    assert kv["rbac_authorization_enabled"] is True and kv["purge_protection_enabled"] is True
    assert kv["network_acls"]["default_action"] == "Deny"
    users = [
        r
        for r in resources(stack, "azurerm_role_assignment").values()
        if r.get("role_definition_name") == "Key Vault Crypto Service Encryption User"
    ]
    assert len(users) == 1
    assert _refers(users[0]["scope"], "azurerm_key_vault_key", "resource_versionless_id")
    server = next(
        k
        for k, i in resources(stack, "azurerm_user_assigned_identity").items()
        if i["name"] == "prod-vault-server"
    )
    assert users[0]["principal_id"] == f"${{azurerm_user_assigned_identity.{server}.principal_id}}"


@pytest.mark.parametrize("env", ENVS)
def test_azure_unseal_vault_has_a_private_endpoint_in_every_aks_vnet(synthesized, env):
    """Vault's servers run on the AKS clusters: each cluster's VNet reaches the unseal vault through
    a `vault` private endpoint in its private-endpoint subnet, registered in its
    privatelink.vaultcore.azure.net zone ("Azure Private Endpoint private DNS zone values"), both
    read from that cluster stack's outputs (a cross-stack reference, not a rebuilt name)."""
    stack = _vault(synthesized, env)
    clusters = sorted(s for s in synthesized if s.startswith(f"{env}-azure-") and s.endswith("-cluster"))
    assert clusters
    endpoints = resources(stack, "azurerm_private_endpoint")
    assert len(endpoints) == len(clusters)
    regions = set()
    for cluster_stack in clusters:
        remote = f"cross-stack-reference-input-{cluster_stack}.outputs."
        (pe,) = [pe for pe in endpoints.values() if remote in pe["subnet_id"]]
        assert "network_private_endpoints" in pe["subnet_id"]
        (zone,) = pe["private_dns_zone_group"]["private_dns_zone_ids"]
        assert remote in zone and "private_link_dns_vault_zone" in zone
        conn = pe["private_service_connection"]
        assert conn["private_connection_resource_id"] == "${azurerm_key_vault.azure_unseal_key_vault.id}"
        assert conn["subresource_names"] == ["vault"] and conn["is_manual_connection"] is False
        # An endpoint lives in its VNet's region: the cluster stack's, as its id says.
        assert pe["location"] == cluster_stack.removeprefix(f"{env}-azure-").removesuffix("-cluster")
        regions.add(pe["location"])
    assert len(regions) == len(clusters)


# --------------------------------------------------------------------------------------------
# No credentials in the configuration
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_providers_carry_no_credentials(synthesized, env):
    providers = _vault(synthesized, env)["provider"]
    assert providers["vault"] == [{"address": _params(env).vault.address}]
    assert not {"access_key", "secret_key", "token", "profile"} & set(providers["aws"][0])
    assert not {"credentials", "access_token"} & set(providers["google"][0])
    assert not {"client_secret", "client_certificate", "oidc_token"} & set(providers["azurerm"][0])


def test_no_literal_secret_in_any_synthesized_json(synthesized):
    problems = [p for name, doc in sorted(synthesized.items()) for p in find_literal_secrets(doc, name)]
    assert not problems, "\n".join(problems)
