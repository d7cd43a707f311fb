"""Plans for settings no committed environment uses, synthesized from a validated variant of
dev.yaml (issue 27): Vault Community Edition and weighted edge steering; issue 16: a runner that
reaches the Azure Key Vaults through their private endpoints only.

Community: terraform-provider-vault v5.6.0 vault/resource_aws_secret_backend.go and
resource_gcp_secret_backend.go send identity_token_* only to Enterprise, so a Community mount
carries no WIF settings and the SDK's default credentials (the Vault server's own identity) are
used. Weighted steering: cloudflare provider v5.14.0 docs/resources/load_balancer.md
`random_steering.pool_weights` (pool id -> weight) for least_outstanding_requests.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from stacks.environments import ENV_DIR
from tests.conftest import REPO, resources

pytestmark = pytest.mark.synth


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> dict[str, dict]:
    data = yaml.safe_load((ENV_DIR / "dev.yaml").read_text(encoding="utf-8"))
    data["vault"]["edition"] = "community"
    data["vault"]["servers"] = {"home_cluster": "gcp-us-central1"}
    # Community on GCP: only GCP grants can be honoured (validation refuses the others).
    from stacks.params import Vault

    roles = [r.model_dump(mode="json") for r in Vault.model_fields["roles"].default_factory()]
    for r in roles:
        r["data_clouds"] = ["gcp"]
    data["vault"]["roles"] = roles
    data["edge"]["steering_policy"] = "least_outstanding_requests"
    data["runner"] = {"private_endpoints": True}
    tmp = tmp_path_factory.mktemp("variant")
    env_file = tmp / "dev.yaml"
    env_file.write_text(yaml.safe_dump(data), encoding="utf-8")
    out = tmp / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "tests.stacks.variant_synth", str(env_file), str(out)],
        cwd=REPO,
        env=dict(os.environ, JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {p.parent.name: json.loads(p.read_text()) for p in (out / "stacks").glob("*/cdk.tf.json")}


def test_community_gcp_engine_uses_the_vault_server_account(variant):
    stack = variant["dev-global-vault"]
    assert not resources(stack, "vault_identity_oidc")  # no plugin issuer without Enterprise
    assert not resources(stack, "vault_aws_secret_backend") and not resources(
        stack, "vault_azure_secret_backend"
    )
    (backend,) = resources(stack, "vault_gcp_secret_backend").values()
    assert "identity_token_audience" not in backend and "credentials" not in backend
    assert not resources(stack, "google_iam_workload_identity_pool")
    creators = [
        m
        for m in resources(stack, "google_service_account_iam_member").values()
        if m["role"] == "roles/iam.serviceAccountTokenCreator"
    ]
    assert creators and all(
        m["member"] == "${google_service_account.gcp_vault_server_service_account.member}" for m in creators
    )
    assert len(resources(stack, "vault_gcp_secret_impersonated_account")) == 3


def test_weighted_steering_sends_the_design_split_and_no_region_map(variant):
    stack = variant["dev-global-edge"]
    (lb,) = resources(stack, "cloudflare_load_balancer").values()
    assert lb["steering_policy"] == "least_outstanding_requests"
    assert "region_pools" not in lb
    pools = {
        f"${{cloudflare_load_balancer_pool.{k}.id}}": v["name"]
        for k, v in resources(stack, "cloudflare_load_balancer_pool").items()
    }
    weights = {pools[k]: w for k, w in lb["random_steering"]["pool_weights"].items()}
    # Design: 40% AWS, 40% GCP, 20% Azure (one pool per cloud in dev).
    assert weights == {"dev-aws-us-east-1": 0.4, "dev-gcp-us-central1": 0.4, "dev-azure-eastus": 0.2}


def test_a_runner_on_private_endpoints_leaves_the_aks_kms_vault_no_public_network(variant):
    """With no public range and no service-endpoint subnet to admit, the KMS vault's public
    network access is off altogether (Key Vault then answers its private endpoints only)."""
    stack = variant["dev-azure-eastus-cluster"]
    vault = resources(stack, "azurerm_key_vault")["aks_key_vault"]
    assert vault["public_network_access_enabled"] is False
    assert vault["network_acls"]["default_action"] == "Deny"
    assert (
        "ip_rules" not in vault["network_acls"] and "virtual_network_subnet_ids" not in vault["network_acls"]
    )
    targets = {
        pe["private_service_connection"]["private_connection_resource_id"]
        for pe in resources(stack, "azurerm_private_endpoint").values()
    }
    assert targets == {"${azurerm_key_vault.aks_key_vault.id}"}
