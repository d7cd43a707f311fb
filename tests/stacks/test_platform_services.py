"""Issue 19 on the synthesized plan: registries, origin DNS and TLS, budgets, cost tags, alarms
(items 3-6). Expected values are literals (design document, provider docs) or the environment files.
"""

from __future__ import annotations

import json
import re

import pytest

from stacks.environments import load_environments
from tests.conftest import resources

ENVS = {env.name: env for env in load_environments()}
CROSS_STACK = re.compile(
    r"^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(?P<stack>[a-z0-9-]+)\."
)


def source_stack(ref: str) -> str:
    m = CROSS_STACK.match(ref)
    assert m, f"{ref!r} is not a cross-stack reference"
    return m.group("stack")


# ---- 3. registries --------------------------------------------------------------------------


def test_prod_has_one_registry_per_cloud_and_jurisdiction_next_to_its_first_cluster(synthesized):
    found = sorted(s for s in synthesized if s.startswith("prod-") and s.endswith("-registry"))
    assert found == [
        "prod-aws-eu-west-1-registry",
        "prod-aws-us-east-1-registry",
        "prod-azure-eastus-registry",
        "prod-azure-westeurope-registry",
        "prod-gcp-asia-east1-registry",
        "prod-gcp-europe-west1-registry",
        "prod-gcp-us-central1-registry",
    ]


def test_prod_ecr_us_replicates_to_us_west_2_only_and_eu_not_at_all(synthesized):
    us = synthesized["prod-aws-us-east-1-registry"]
    (rep,) = resources(us, "aws_ecr_replication_configuration").values()
    assert rep["region"] == "us-east-1"
    (rule,) = rep["replication_configuration"]["rule"]
    assert rule["destination"] == [{"region": "us-west-2", "registry_id": "123456789012"}]
    assert rule["repository_filter"] == [{"filter": "prod/", "filter_type": "PREFIX_MATCH"}]
    eu = synthesized["prod-aws-eu-west-1-registry"]
    assert not resources(eu, "aws_ecr_replication_configuration")
    assert {r["region"] for r in resources(eu, "aws_ecr_repository").values()} == {"eu-west-1"}


@pytest.mark.parametrize("sid", ["prod-aws-us-east-1-registry", "prod-aws-eu-west-1-registry"])
def test_ecr_repositories_are_immutable_scanned_kms_encrypted_and_pulled_by_the_jurisdictions_nodes(
    synthesized, sid
):
    s = synthesized[sid]
    repos = resources(s, "aws_ecr_repository")
    assert repos
    for repo in repos.values():
        assert repo["image_tag_mutability"] == "IMMUTABLE"
        assert repo["image_scanning_configuration"] == {"scan_on_push": True}
        assert repo["encryption_configuration"][0]["encryption_type"] == "KMS"
        assert repo["name"].startswith("prod/")
    expected_clusters = {
        "prod-aws-us-east-1-registry": {"prod-aws-us-east-1-cluster", "prod-aws-us-west-2-cluster"},
        "prod-aws-eu-west-1-registry": {"prod-aws-eu-west-1-cluster"},
    }[sid]
    for policy in resources(s, "aws_ecr_repository_policy").values():
        (statement,) = json.loads(policy["policy"])["Statement"]
        assert {source_stack(p) for p in statement["Principal"]["AWS"]} == expected_clusters
        assert all("node_role" in p for p in statement["Principal"]["AWS"])
        assert sorted(statement["Action"]) == [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
        ]


def test_artifact_registry_is_immutable_cmek_and_read_by_the_node_service_account(synthesized):
    s = synthesized["prod-gcp-europe-west1-registry"]
    (repo,) = resources(s, "google_artifact_registry_repository").values()
    assert (repo["location"], repo["format"]) == ("europe-west1", "DOCKER")
    assert repo["docker_config"] == {"immutable_tags": True}
    assert repo["kms_key_name"].startswith("${google_kms_crypto_key.")
    assert repo["vulnerability_scanning_config"] == {"enablement_config": "INHERITED"}
    (member,) = resources(s, "google_artifact_registry_repository_iam_member").values()
    assert member["role"] == "roles/artifactregistry.reader"
    assert source_stack(member["member"].removeprefix("serviceAccount:")) == "prod-gcp-europe-west1-cluster"


def test_acr_is_premium_without_admin_user_and_pulled_by_the_kubelet_identity(synthesized):
    s = synthesized["prod-azure-westeurope-registry"]
    (acr,) = resources(s, "azurerm_container_registry").values()
    assert (acr["sku"], acr["admin_enabled"], acr["location"]) == ("Premium", False, "westeurope")
    assert acr.get("georeplications") is None  # no other Azure region of eu in the inventory
    (grant,) = resources(s, "azurerm_role_assignment").values()
    assert grant["role_definition_name"] == "AcrPull"
    assert source_stack(grant["principal_id"]) == "prod-azure-westeurope-cluster"
    assert "kubelet_identity" in grant["principal_id"]


def test_every_acr_is_private_with_an_endpoint_in_each_aks_vnet_it_serves(synthesized):
    """Issue #16: public network access off; a `registry` private endpoint (subresource and zone
    privatelink.azurecr.io from "Azure Private Endpoint private DNS zone values") in the
    private-endpoint subnet of each AKS cluster whose kubelet holds AcrPull, from that cluster
    stack's outputs."""
    registries = {sid: s for sid, s in synthesized.items() if "-azure-" in sid and sid.endswith("-registry")}
    assert len(registries) == 5
    for sid, s in registries.items():
        (acr_key,) = resources(s, "azurerm_container_registry")
        assert resources(s, "azurerm_container_registry")[acr_key]["public_network_access_enabled"] is False
        pulling = {source_stack(g["principal_id"]) for g in resources(s, "azurerm_role_assignment").values()}
        endpoints = resources(s, "azurerm_private_endpoint").values()
        assert {source_stack(pe["subnet_id"]) for pe in endpoints} == pulling, sid
        for pe in endpoints:
            conn = pe["private_service_connection"]
            assert conn["private_connection_resource_id"] == f"${{azurerm_container_registry.{acr_key}.id}}"
            assert conn["subresource_names"] == ["registry"]
            assert pe["subnet_id"].endswith("network_private_endpointsid}")
            (zone,) = pe["private_dns_zone_group"]["private_dns_zone_ids"]
            assert source_stack(zone) == source_stack(pe["subnet_id"])
            assert "private_link_dns_registry_zone" in zone


# ---- 4. origin DNS and TLS ------------------------------------------------------------------


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_every_cluster_origin_hostname_has_dns_only_a_records_from_its_cluster_stack(synthesized, env_name):
    env = ENVS[env_name]
    records = resources(synthesized[f"{env_name}-global-dns"], "cloudflare_dns_record").values()
    by_name: dict[str, list[dict]] = {}
    for r in records:
        by_name.setdefault(r["name"], []).append(r)
    assert set(by_name) == {f"ingress.{c.name}.{env.dns_zone}" for c in env.clusters}
    for c in env.clusters:
        rs = by_name[f"ingress.{c.name}.{env.dns_zone}"]
        assert len(rs) == (3 if c.cloud == "aws" else 1)  # an NLB takes one EIP per zone
        for r in rs:
            assert (r["type"], r["proxied"], r["zone_id"]) == ("A", False, env.edge.cloudflare_zone_id)
            assert source_stack(r["content"]) == f"{env_name}-{c.cloud}-{c.region}-cluster"


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_the_origin_hostnames_are_the_pool_origins(synthesized, env_name):
    edge = synthesized[f"{env_name}-global-edge"]
    origins = {
        o["address"] for p in resources(edge, "cloudflare_load_balancer_pool").values() for o in p["origins"]
    }
    records = {
        r["name"] for r in resources(synthesized[f"{env_name}-global-dns"], "cloudflare_dns_record").values()
    }
    assert origins == records


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_origin_tls_is_full_strict_with_authenticated_origin_pulls(synthesized, env_name):
    edge = synthesized[f"{env_name}-global-edge"]
    ssl = [z for z in resources(edge, "cloudflare_zone_setting").values() if z["setting_id"] == "ssl"]
    assert [z["value"] for z in ssl] == ["strict"]
    (aop,) = resources(edge, "cloudflare_authenticated_origin_pulls_settings").values()
    assert aop["enabled"] is True


# ---- 5. budgets and cost tags ---------------------------------------------------------------


def test_prod_budgets_follow_the_design_annual_spend_per_cloud(synthesized):
    # Design document, Cost Management: AWS $12M, GCP $8M, Azure $5M a year.
    aws = next(iter(resources(synthesized["prod-aws-us-east-1-budget"], "aws_budgets_budget").values()))
    assert (aws["limit_amount"], aws["limit_unit"], aws["time_unit"]) == ("1000000", "USD", "MONTHLY")
    gcp = next(iter(resources(synthesized["prod-gcp-us-central1-budget"], "google_billing_budget").values()))
    assert gcp["amount"]["specified_amount"] == {"currency_code": "USD", "units": "666667"}
    az = next(
        iter(
            resources(
                synthesized["prod-azure-eastus-budget"], "azurerm_consumption_budget_subscription"
            ).values()
        )
    )
    assert (az["amount"], az["time_grain"]) == (416667, "Monthly")


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_budget_thresholds_alert_the_environments_one_email_on_every_cloud(synthesized, env_name):
    email = ENVS[env_name].notifications.email
    aws = next(
        iter(resources(synthesized[f"{env_name}-aws-us-east-1-budget"], "aws_budgets_budget").values())
    )
    notes = {(n["notification_type"], n["threshold"]) for n in aws["notification"]}
    assert notes == {("ACTUAL", 50), ("ACTUAL", 80), ("ACTUAL", 100), ("FORECASTED", 100)}
    assert all(n["subscriber_email_addresses"] == [email] for n in aws["notification"])
    gstack = synthesized[f"{env_name}-gcp-us-central1-budget"]
    gcp = next(iter(resources(gstack, "google_billing_budget").values()))
    assert [r["threshold_percent"] for r in gcp["threshold_rules"]] == [0.5, 0.8, 1, 1]
    assert gcp["threshold_rules"][-1]["spend_basis"] == "FORECASTED_SPEND"
    (channel,) = resources(gstack, "google_monitoring_notification_channel").values()
    assert channel["labels"] == {"email_address": email}
    az_stack = synthesized[f"{env_name}-azure-eastus-budget"]
    az = next(iter(resources(az_stack, "azurerm_consumption_budget_subscription").values()))
    assert {(n["threshold_type"], n["threshold"]) for n in az["notification"]} == {
        ("Actual", 50),
        ("Actual", 80),
        ("Actual", 100),
        ("Forecasted", 100),
    }
    assert all(n["contact_emails"] == [email] for n in az["notification"])


# Kubernetes node labels and a notification channel's configuration are not tags.
NOT_TAGS = {("aws_eks_node_group", "labels"), ("google_monitoring_notification_channel", "labels")}


def test_every_tag_and_label_map_carries_team_model_and_env(synthesized):
    checked, missing = 0, []
    for sid, s in synthesized.items():
        env = ENVS[sid.split("-", 1)[0]]
        for rtype, items in s.get("resource", {}).items():
            for name, conf in items.items():
                for key in ("tags", "labels", "resource_labels", "user_labels"):
                    value = conf.get(key)
                    if not isinstance(value, dict) or (rtype, key) in NOT_TAGS:
                        continue
                    checked += 1
                    want = {
                        "team": env.cost_allocation.team,
                        "model": env.cost_allocation.model,
                        "env": env.name,
                    }
                    if {k: value.get(k) for k in want} != want:
                        missing.append(f"{sid}:{rtype}.{name}.{key}")
        for ptype, key in (("aws", "default_tags"), ("google", "default_labels")):
            for p in s.get("provider", {}).get(ptype, []):
                value = p.get(key)
                value = value[0]["tags"] if isinstance(value, list) else value
                if value:
                    checked += 1
                    if not {"team", "model", "env"} <= set(value):
                        missing.append(f"{sid}:provider.{ptype}.{key}")
    assert checked > 1000
    assert not missing, missing[:20]


# ---- 6. alarms ------------------------------------------------------------------------------


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_every_s3_replication_rule_has_metrics_and_two_alarms_to_the_email_topic(synthesized, env_name):
    email = ENVS[env_name].notifications.email
    rules_seen = 0
    for sid, s in synthesized.items():
        if not (sid.startswith(f"{env_name}-aws-") and sid.endswith("-datalake")):
            continue
        configs = resources(s, "aws_s3_bucket_replication_configuration").values()
        if not configs:
            continue
        alerts = synthesized[sid.removesuffix("-datalake") + "-alerts"]
        alarms = resources(alerts, "aws_cloudwatch_metric_alarm").values()
        for cfg in configs:
            for rule in cfg["rule"]:
                rules_seen += 1
                assert rule["destination"]["metrics"]["status"] == "Enabled"
                mine = {a["metric_name"]: a for a in alarms if a["dimensions"]["RuleId"] == rule["id"]}
                assert set(mine) == {"ReplicationLatency", "OperationsFailedReplication"}
                assert mine["ReplicationLatency"]["threshold"] == 900  # the 15-minute RPO
                assert mine["OperationsFailedReplication"]["threshold"] == 0
                source = cfg["bucket"].split(".")[1]  # ${aws_s3_bucket.<name>.id}
                for a in mine.values():
                    assert a["namespace"] == "AWS/S3"
                    assert source_stack(a["dimensions"]["SourceBucket"]) == sid
                    assert f"aws_s3_bucket{source}bucket" in a["dimensions"]["SourceBucket"]
                    assert a["alarm_actions"] == ["${aws_sns_topic.alerts_topic.arn}"]
        (sub,) = resources(alerts, "aws_sns_topic_subscription").values()
        assert (sub["protocol"], sub["endpoint"]) == ("email", email)
        (topic,) = resources(alerts, "aws_sns_topic").values()
        assert topic["kms_master_key_id"] == "${aws_kms_key.alerts_key_key.arn}"
        key_policy = json.loads(resources(alerts, "aws_kms_key")["alerts_key_key"]["policy"])
        assert any(
            st["Principal"] == {"Service": ["cloudwatch.amazonaws.com"]} for st in key_policy["Statement"]
        )
    assert rules_seen > 0 or env_name == "dev"


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_pool_health_notification_covers_every_pool_and_mails_the_environment(synthesized, env_name):
    edge = synthesized[f"{env_name}-global-edge"]
    (policy,) = resources(edge, "cloudflare_notification_policy").values()
    assert policy["alert_type"] == "load_balancing_health_alert"
    assert policy["mechanisms"] == {"email": [{"id": ENVS[env_name].notifications.email}]}
    pools = {
        f"${{cloudflare_load_balancer_pool.{n}.id}}" for n in resources(edge, "cloudflare_load_balancer_pool")
    }
    assert set(policy["filters"]["pool_id"]) == pools
    assert sorted(policy["filters"]["new_health"]) == ["Healthy", "Unhealthy"]
