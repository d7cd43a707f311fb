"""Clusters -> Vault Kubernetes auth backends, and the names the Vault stack derives (pure)."""

from __future__ import annotations

import pytest
import yaml

from stacks.environments import ENV_DIR
from stacks.params import Environment
from stacks.residency import load_residency
from stacks.validation import check_environment, load_environment
from stacks.vault_plan import azure_key_vault_name, gcp_account_id, plan_vault


def _env(name: str) -> Environment:
    return load_environment(ENV_DIR / f"{name}.yaml")


def test_one_auth_backend_per_cluster_with_handle_in_inventory_order():
    env = _env("prod")
    plan = plan_vault(env, [c.name for c in env.clusters])
    assert [p.cluster for p in plan.kubernetes_auth] == [c.name for c in env.clusters]
    assert len(plan.kubernetes_auth) == 8 and plan.skipped == ()
    assert {p.path for p in plan.kubernetes_auth} == {f"kubernetes-{c.name}" for c in env.clusters}


def test_clusters_without_handles_are_skipped_explicitly():
    env = _env("prod")
    plan = plan_vault(env, [])
    assert plan.kubernetes_auth == ()
    assert plan.skipped == tuple(c.name for c in env.clusters)
    partial = plan_vault(env, ["gcp-asia-east1"])
    assert [p.cluster for p in partial.kubernetes_auth] == ["gcp-asia-east1"]
    assert "gcp-asia-east1" not in partial.skipped and len(partial.skipped) == 7


def test_login_roles_follow_kubernetes_bindings_and_their_policy():
    env = _env("prod")
    (first, *_) = plan_vault(env, [env.clusters[0].name]).kubernetes_auth
    assert {(r.name, r.namespace, r.service_account, r.policy) for r in first.roles} == {
        ("ml-training-trainer", "ml-training", "trainer", "data-scientist"),
        ("ml-serving-inference", "ml-serving", "inference", "ml-engineer"),
    }


def test_adding_a_cluster_adds_its_auth_backend():
    data = yaml.safe_load((ENV_DIR / "prod.yaml").read_text(encoding="utf-8"))
    data["clusters"].append(
        {
            "name": "aws-eu-central-1",
            "cloud": "aws",
            "region": "eu-central-1",
            "jurisdiction": "eu",
            "network": {"cidr": "10.13.0.0/16"},
        }
    )
    env = Environment.model_validate(data)
    assert not list(check_environment(env, load_residency()))
    plan = plan_vault(env, [c.name for c in env.clusters])
    assert len(plan.kubernetes_auth) == 9
    assert plan.kubernetes_auth[-1].path == "kubernetes-aws-eu-central-1"


def test_service_account_bound_twice_is_refused():
    data = yaml.safe_load((ENV_DIR / "dev.yaml").read_text(encoding="utf-8"))
    data["vault"]["kubernetes_bindings"] = [
        {"namespace": "ml", "service_account": "app", "role": "admin"},
        {"namespace": "ml", "service_account": "app", "role": "ml-engineer"},
    ]
    env = Environment.model_validate(data)
    with pytest.raises(ValueError, match="bound twice"):
        plan_vault(env, [])


def test_names_fit_the_clouds_limits_in_every_environment():
    for name in ("dev", "staging", "prod"):
        env = _env(name)
        assert 3 <= len(azure_key_vault_name(env)) <= 24
        for role in env.vault.roles:
            assert len(gcp_account_id(env, role.name)) <= 30


def test_too_long_gcp_account_id_says_how_to_fix():
    env = _env("staging")
    with pytest.raises(ValueError, match="shorten the environment name"):
        gcp_account_id(env, "a-very-long-platform-role-name")
