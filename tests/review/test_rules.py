"""Every risk class, flagged on a mutated copy of the real synthesized plan (see conftest.py).

Expected values are literals from the change the test makes (the number it wrote, the role it
granted), not from the rules' own tables.
"""

from __future__ import annotations

import json

from tests.review.conftest import res

AWS_DL = "prod-aws-eu-west-1-datalake"
GCP_DL = "prod-gcp-europe-west1-datalake"
AZ_DL = "prod-azure-westeurope-datalake"
GKE = "prod-gcp-europe-west1-cluster"
EKS = "prod-aws-us-east-1-cluster"
AKS = "prod-azure-westeurope-cluster"
VAULT = "prod-global-vault"
EDGE = "prod-global-edge"
IC = "prod-global-interconnect"


def only_stack(items, sid):
    return [i for i in items if i.stack_id == sid]


# --- harmless ---------------------------------------------------------------------------------


def test_prod_wide_tag_change_and_max_size_within_limits_need_no_attention(head_docs, review_of):
    for sid, doc in head_docs.items():
        if not sid.startswith("prod-"):
            continue
        for named in doc.get("resource", {}).values():
            for cfg in named.values():
                for container in ("tags", "labels", "resource_tags"):
                    if isinstance(cfg.get(container), dict):
                        cfg[container]["cost_center"] = "ai-platform-2027"
    res(head_docs, EKS, "aws_eks_node_group", "eks_gpu_pool")["scaling_config"]["max_size"] = 12

    review = review_of(head_docs)

    changed = [s for s in review.stacks if s.status == "changed"]
    # every prod stack with tags or labels (vault and bootstrap have none): 18, plus the state,
    # identity and eight access stacks of issue #18, and issue 19's 7 registry, 3 alerts and
    # 2 budget stacks (the Azure budget and the DNS records carry no tags)
    assert len(changed) == 40
    assert review.items == []


# --- data protection --------------------------------------------------------------------------


def test_object_lock_retention_shortened_is_possible_data_loss(head_docs, review_of):
    lock = res(head_docs, AWS_DL, "aws_s3_bucket_object_lock_configuration")
    lock["rule"]["default_retention"]["days"] = 30
    lock["rule"]["default_retention"]["mode"] = "GOVERNANCE"

    items = review_of(head_docs).of("data protection")

    reasons = " ".join(i.reason for i in items)
    assert "object lock retention shortened" in reasons and "2557 → 30" in reasons
    assert "GOVERNANCE" in reasons
    assert all(i.consequence == "possible data loss" for i in items)


def test_gcs_retention_unlocked_and_shortened_and_versioning_off(head_docs, review_of):
    bucket = res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_pii_bucket")
    bucket["retention_policy"] = {"is_locked": False, "retention_period": 86400}
    archive = res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_archive_bucket")
    archive["retention_policy"]["is_locked"] = False
    res(head_docs, AWS_DL, "aws_s3_bucket_versioning", "data_lake_pii_versioning")[
        "versioning_configuration"
    ]["status"] = "Suspended"

    review = review_of(head_docs)

    rules = {i.rule_name for i in review.of("data protection")}
    assert "bucket retention policy unlocked" in rules
    assert "bucket versioning no longer enabled" in rules
    addresses = {i.address for i in review.of("data protection")}
    assert "google_storage_bucket.data_lake_archive_bucket" in addresses


def test_azure_immutability_weakened_and_soft_delete_shortened(head_docs, review_of):
    account = res(head_docs, AZ_DL, "azurerm_storage_account", "data_lake_archive_account")
    account["immutability_policy"]["period_since_creation_in_days"] = 7
    account["immutability_policy"]["state"] = "Disabled"
    account["blob_properties"]["delete_retention_policy"]["days"] = 1

    reasons = " ".join(i.reason for i in review_of(head_docs).of("data protection"))

    assert "immutability period shortened" in reasons and "2557 → 7" in reasons
    assert '"Unlocked" → "Disabled"' in reasons
    assert "blob soft-delete retention shortened" in reasons


def test_lifecycle_expiration_added_or_shortened_on_every_cloud(head_docs, review_of):
    lc = res(head_docs, AWS_DL, "aws_s3_bucket_lifecycle_configuration", "data_lake_pii_lifecycle")
    lc["rule"][0]["expiration"] = [{"days": 45}]
    gcs = res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_training_bucket")
    gcs["lifecycle_rule"].append({"action": {"type": "Delete"}, "condition": {"age": 60}})
    policy = res(head_docs, AZ_DL, "azurerm_storage_management_policy")
    policy["rule"][0]["actions"]["base_blob"]["delete_after_days_since_modification_greater_than"] = 90

    items = review_of(head_docs).of("data protection", "lifecycle expiration added")

    stacks = {i.stack_id for i in items}
    assert stacks == {AWS_DL, GCP_DL, AZ_DL}
    assert any("45 days" in i.reason for i in items)


def test_force_destroy_prevent_destroy_and_deletion_protection_off(
    head_docs, review_of, base_plans, real_docs
):
    import copy

    from tests.review.conftest import to_plans

    res(head_docs, AWS_DL, "aws_s3_bucket", "data_lake_pii_bucket")["force_destroy"] = True
    res(head_docs, GKE, "google_container_cluster")["deletion_protection"] = False
    res(head_docs, EKS, "aws_eks_cluster")["deletion_protection"] = False
    # The base protected the archive bucket with prevent_destroy; the head drops it.
    base_docs = copy.deepcopy(real_docs)
    res(base_docs, GCP_DL, "google_storage_bucket", "data_lake_archive_bucket")["lifecycle"] = {
        "prevent_destroy": True
    }

    review = review_of(head_docs, to_plans(base_docs))

    rules = {(i.stack_id, i.rule_name) for i in review.of("data protection")}
    assert (AWS_DL, "force_destroy turned on: destroying the bucket also deletes every object") in rules
    assert (GKE, "deletion protection turned off") in rules
    assert (EKS, "deletion protection turned off") in rules
    assert (GCP_DL, "lifecycle.prevent_destroy removed") in rules


def test_turned_off_default_shows_its_recorded_reason(head_docs, review_of):
    cluster = res(head_docs, GKE, "google_container_cluster")
    cluster["deletion_protection"] = False
    cluster["//"]["deletion_protection_reason"] = "cluster moves to a new project next week"

    items = review_of(head_docs).of("data protection")

    turned_off = [i for i in items if i.rule_name == "deletion protection turned off"]
    assert turned_off and turned_off[0].recorded == (
        ("deletion_protection_reason", "cluster moves to a new project next week"),
    )
    # shown once, next to the change it explains; not next to unrelated items of the same cluster
    assert [i.rule_name for i in items if i.address == turned_off[0].address] == [
        "deletion protection turned off"
    ]


def test_recorded_reason_stands_alone_when_no_rule_flags_the_change(head_docs, review_of):
    cluster = res(head_docs, GKE, "google_container_cluster")
    cluster["//"]["public_endpoint_reason"] = "partner CI needs the API"
    cluster["min_master_version"] = "1.33"  # an unrelated finding on the same resource

    items = review_of(head_docs).items

    alone = [i for i in items if i.rule_name == "secure default off: public endpoint"]
    assert alone and "“partner CI needs the API”" in alone[0].reason
    downgrade = next(i for i in items if i.rule_name == "Kubernetes downgrade")
    assert downgrade.recorded == ()


# --- privilege --------------------------------------------------------------------------------


def test_iam_policy_document_widened_shows_full_statements(head_docs, review_of):
    doc = head_docs[AWS_DL]["data"]["aws_iam_policy_document"]["data_lake_logs_policy_document"]
    doc["statement"].append(
        {
            "actions": ["s3:GetObject", "s3:ListBucket"],
            "effect": "Allow",
            "resources": ["*"],
            "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::999999999999:root"]}],
        }
    )

    items = review_of(head_docs).of("privilege")

    assert len(items) == 1
    item = items[0]
    assert item.address == "data.aws_iam_policy_document.data_lake_logs_policy_document"
    assert "allow `s3:GetObject` on `*` to `AWS:arn:aws:iam::999999999999:root`" in item.reason
    # the whole statement, not cut
    assert '"principals": ["AWS:arn:aws:iam::999999999999:root"]' in item.detail
    assert item.consequence == "grants more access"


def test_assume_role_policy_opened_to_any_principal(head_docs, review_of):
    role = res(head_docs, EKS, "aws_iam_role", "eks_cluster_role")
    policy = json.loads(role["assume_role_policy"])
    policy["Statement"][0]["Principal"] = {"AWS": "*"}
    role["assume_role_policy"] = json.dumps(policy)

    items = review_of(head_docs).of("privilege")

    assert [i.address for i in items] == ["aws_iam_role.eks_cluster_role"]
    assert "(wildcard)" in items[0].reason and "AWS:*" in items[0].reason


def test_narrowing_a_policy_is_not_flagged(head_docs, review_of):
    role = res(head_docs, EKS, "aws_iam_role", "eks_cluster_role")
    policy = json.loads(role["assume_role_policy"])
    policy["Statement"][0]["Action"] = ["sts:AssumeRole"]
    role["assume_role_policy"] = json.dumps(policy)

    assert review_of(head_docs).of("privilege") == []


def test_gcp_member_azure_assignment_vault_policy_and_k8s_role_widened(head_docs, review_of):
    res(head_docs, GKE, "google_project_iam_member", "gke_node_sa_logging_logWriter")["role"] = "roles/owner"
    res(head_docs, AKS, "azurerm_role_assignment", "aks_control_plane_key_access")["role_definition_name"] = (
        "Owner"
    )
    admin = res(head_docs, VAULT, "vault_policy", "policy_admin_policy")
    admin["policy"] += 'path "sys/*" {\n  capabilities = ["read", "sudo"]\n}\n'
    role = res(
        head_docs, VAULT, "vault_kubernetes_auth_backend_role", "k8s_aws_eu_west_1_role_ml_serving_inference"
    )
    role["bound_service_account_namespaces"] = ["*"]

    items = review_of(head_docs).of("privilege")
    by_stack = {i.stack_id: i for i in items}

    assert "roles/owner" in by_stack[GKE].reason and "(broad role)" in by_stack[GKE].reason
    assert "Owner" in by_stack[AKS].reason
    vault = {i.rule_name: i for i in items if i.stack_id == VAULT}
    assert "`sys/*`: +read, sudo (sudo, wildcard path)" in vault["Vault policy widened"].reason
    assert "path \"sys/*\" { capabilities = ['read', 'sudo'] }" in vault["Vault policy widened"].detail
    assert "(wildcard: any)" in vault["Kubernetes auth role widened"].reason


# --- residency --------------------------------------------------------------------------------


def test_replication_to_another_jurisdiction_and_new_pii_copy(head_docs, review_of):
    stack = head_docs[AWS_DL]
    copy_of = dict(res(head_docs, AWS_DL, "aws_s3_bucket", "data_lake_models_gdpr_replica_bucket"))
    copy_of.update(region="us-east-1", bucket="prod-123456789012-us-east-1-gdpr-copy")
    stack["resource"]["aws_s3_bucket"]["gdpr_copy_us"] = copy_of
    rule = res(
        head_docs, AWS_DL, "aws_s3_bucket_replication_configuration", "data_lake_models_gdpr_replication"
    )
    rule["rule"][0]["destination"]["bucket"] = "${aws_s3_bucket.gdpr_copy_us.arn}"

    items = review_of(head_docs).of("residency")

    crossing = [i for i in items if i.rule_name == "replication crosses jurisdiction"]
    assert len(crossing) == 1 and "eu → us" in crossing[0].reason
    assert crossing[0].consequence == "data may leave its jurisdiction"


def test_pii_move_inside_the_jurisdiction_is_not_a_residency_event(head_docs, review_of):
    res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_pii_bucket")["location"] = "EUROPE-WEST4"
    inside = review_of(head_docs)
    assert inside.of("residency") == []
    assert inside.of("replaced")  # still a new bucket: location is ForceNew

    res(head_docs, GCP_DL, "google_storage_bucket", "data_lake_pii_bucket")["location"] = "US-CENTRAL1"
    outside = review_of(head_docs).of("residency")
    assert [i.rule_name for i in outside] == ["PII moves out of its jurisdiction"]
    assert "(eu)" in outside[0].reason and "(us)" in outside[0].reason


def test_residency_restricted_lb_pool_added_outside_and_fallback_changed(head_docs, review_of):
    lb = res(head_docs, EDGE, "cloudflare_load_balancer", "lb_api_eu_lb")
    lb["default_pools"].append("${cloudflare_load_balancer_pool.pool_aws_us_east_1_pool.id}")
    lb["fallback_pool"] = "${cloudflare_load_balancer_pool.pool_gcp_europe_west1_pool.id}"

    items = review_of(head_docs).of("residency")

    rules = {i.rule_name: i for i in items}
    assert (
        "OUTSIDE eu: `cloudflare_load_balancer_pool.pool_aws_us_east_1_pool`"
        in rules["residency LB pools changed"].reason
    )
    assert "residency LB fallback changed" in rules


# --- availability -----------------------------------------------------------------------------


def test_vxc_and_tunnel_removed_capacity_zero_and_kubernetes_versions(head_docs, review_of):
    del head_docs[IC]["resource"]["megaport_vxc"]["vxc_aws_eu_west_1_red_dublin_db2_vxc"]
    del head_docs["dev-global-interconnect"]["resource"]["google_compute_vpn_tunnel"][
        "gcp_us_central1_havpn_aws_us_east_1_tunnel_0"
    ]
    res(head_docs, GKE, "google_container_node_pool", "gke_gpu_pool")["autoscaling"][
        "total_max_node_count"
    ] = 0
    res(head_docs, EKS, "aws_eks_cluster")["version"] = "1.33"
    res(head_docs, GKE, "google_container_cluster")["min_master_version"] = "1.36"

    review = review_of(head_docs)
    rules = {(i.stack_id, i.rule_name) for i in review.of("availability")}

    assert (IC, "VXC removed") in rules
    assert ("dev-global-interconnect", "VPN tunnel removed") in rules
    assert (GKE, "capacity set to zero") in rules
    assert (EKS, "Kubernetes downgrade") in rules
    assert (GKE, "Kubernetes minor skipped") in rules
    # prod is listed before dev
    order = [i.stack_id.split("-")[0] for i in review.items]
    assert order.index("dev") > max(i for i, e in enumerate(order) if e == "prod")


def test_one_minor_upgrade_is_not_flagged(head_docs, review_of):
    res(head_docs, EKS, "aws_eks_cluster")["version"] = "1.35"
    assert review_of(head_docs).of("availability") == []


def test_audit_log_retention_shortened_but_raising_it_is_fine(head_docs, review_of):
    logs = res(head_docs, EKS, "aws_cloudwatch_log_group", "eks_control_plane_logs")
    logs["retention_in_days"] = 30
    shorter = review_of(head_docs).of("data protection", "log retention shortened")
    assert [i.address for i in shorter] == ["aws_cloudwatch_log_group.eks_control_plane_logs"]
    assert "365 → 30" in shorter[0].reason

    logs["retention_in_days"] = 0  # 0 keeps the events forever (aws logs/group.go)
    assert review_of(head_docs).of("data protection") == []


def test_regional_hostname_region_changed_and_entra_app_role_changed(head_docs, review_of):
    hostname = res(head_docs, EDGE, "cloudflare_regional_hostname")
    hostname["region_key"] = "us"
    grant = res(head_docs, VAULT, "azuread_app_role_assignment")
    grant["app_role_id"] = (
        '${data.azuread_service_principal.azure_secrets_microsoft_graph.app_role_ids["Application.ReadWrite.All"]}'
    )

    review = review_of(head_docs)

    assert [i.rule_name for i in review.of("residency")] == ["regional hostname region changed"]
    assert "'eu' → 'us'" in review.of("residency")[0].reason
    assert "Application.ReadWrite.All" in review.of("privilege", "Entra ID app role changed")[0].reason
