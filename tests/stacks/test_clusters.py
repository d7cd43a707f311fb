"""Cluster stacks: for every environment and every cluster, the pools and the secure defaults.

Expected values come from the loaded environment models (stacks.environments), so a change in
the YAML changes what is asserted; the synthesized JSON comes from the session's one synth.
"""

from __future__ import annotations

import re
from ipaddress import IPv4Network

import pytest

from stacks.environments import load_environments
from tests.conftest import data_sources, resources

ENVS = {env.name: env for env in load_environments()}
CLUSTERS = [(env, c) for env in ENVS.values() for c in env.clusters]


def cid(pair) -> str:
    env, c = pair
    return f"{env.name}-{c.name}"


def of_cloud(cloud: str):
    return [p for p in CLUSTERS if p[1].cloud == cloud]


def stack_of(synthesized, env, cluster) -> dict:
    sid = f"{env.name}-{cluster.cloud}-{cluster.region}-cluster"
    assert sid in synthesized, f"no stack {sid}"
    return synthesized[sid]


def one(stack: dict, rtype: str, name: str) -> dict:
    items = resources(stack, rtype)
    assert name in items, f"{rtype}.{name} missing; have {sorted(items)}"
    return items[name]


def ref_name(ref: str, rtype: str) -> str:
    """`${aws_kms_key.eks_secrets_key_key.arn}` -> `eks_secrets_key_key`."""
    m = re.search(rf"\$\{{{rtype}\.([A-Za-z0-9_-]+)\.", ref)
    assert m, f"{ref!r} does not reference a {rtype}"
    return m.group(1)


# --------------------------------------------------------------------------------------------
# Stack inventory
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("env_name,count", [("dev", 3), ("staging", 8), ("prod", 8)])
def test_cluster_stack_count_per_environment(synthesized, env_name, count):
    stacks = [s for s in synthesized if s.startswith(f"{env_name}-") and s.endswith("-cluster")]
    assert len(stacks) == count, stacks


@pytest.mark.parametrize("env_name", sorted(ENVS))
def test_every_cluster_of_the_environment_has_its_stack(synthesized, env_name):
    env = ENVS[env_name]
    expected = {f"{env.name}-{c.cloud}-{c.region}-cluster" for c in env.clusters}
    actual = {s for s in synthesized if s.startswith(f"{env_name}-") and s.endswith("-cluster")}
    assert actual == expected


def test_prod_topology_eight_clusters_on_three_clouds(synthesized):
    regions = sorted(
        s.removeprefix("prod-").removesuffix("-cluster")
        for s in synthesized
        if s.startswith("prod-") and s.endswith("-cluster")
    )
    assert regions == [
        "aws-eu-west-1",
        "aws-us-east-1",
        "aws-us-west-2",
        "azure-eastus",
        "azure-westeurope",
        "gcp-asia-east1",
        "gcp-europe-west1",
        "gcp-us-central1",
    ]


# --------------------------------------------------------------------------------------------
# Node pools, read back from each cloud's JSON into one neutral shape
# --------------------------------------------------------------------------------------------

EFFECTS = {"NO_SCHEDULE": "NoSchedule", "PREFER_NO_SCHEDULE": "PreferNoSchedule", "NO_EXECUTE": "NoExecute"}


def _taints_enum(items) -> set[tuple[str, str, str]]:
    return {(t["key"], t.get("value", ""), EFFECTS[t["effect"]]) for t in items or []}


def _taints_kubectl(items) -> set[tuple[str, str, str]]:
    out = set()
    for t in items or []:
        kv, effect = t.rsplit(":", 1)
        key, _, value = kv.partition("=")
        out.add((key, value, effect))
    return out


def synthesized_pools(stack: dict, cloud: str) -> dict[str, dict]:
    """role -> {min, max, taints, labels, machine} as the synthesized JSON states them."""
    pools: dict[str, dict] = {}
    if cloud == "aws":
        for _name, ng in resources(stack, "aws_eks_node_group").items():
            sc = ng["scaling_config"]
            pools[ng["node_group_name"]] = dict(
                min=sc["min_size"],
                max=sc["max_size"],
                taints=_taints_enum(ng.get("taint")),
                labels=ng.get("labels", {}),
                machine=ng["instance_types"][0],
                spot=ng["capacity_type"] == "SPOT",
            )
    elif cloud == "gcp":
        for _name, np_ in resources(stack, "google_container_node_pool").items():
            a, cfg = np_["autoscaling"], np_["node_config"]
            pools[np_["name"]] = dict(
                min=a["total_min_node_count"],
                max=a["total_max_node_count"],
                taints=_taints_enum(cfg.get("taint")),
                labels=cfg.get("labels", {}),
                machine=cfg["machine_type"],
                spot=cfg.get("spot", False),
            )
    else:
        cluster = one(stack, "azurerm_kubernetes_cluster", "aks_cluster")
        d = cluster["default_node_pool"]
        taints = (
            {("CriticalAddonsOnly", "true", "NoSchedule")} if d.get("only_critical_addons_enabled") else set()
        )
        size = (
            (d["node_count"], d["node_count"])
            if not d.get("auto_scaling_enabled")
            else (d["min_count"], d["max_count"])
        )
        pools[d["name"]] = dict(
            min=size[0],
            max=size[1],
            taints=taints,
            labels=d.get("node_labels", {}),
            machine=d["vm_size"],
            spot=False,
        )
        for _name, np_ in resources(stack, "azurerm_kubernetes_cluster_node_pool").items():
            pools[np_["name"]] = dict(
                min=np_["min_count"],
                max=np_["max_count"],
                taints=_taints_kubectl(np_.get("node_taints")),
                labels=np_.get("node_labels", {}),
                machine=np_["vm_size"],
                spot=np_.get("priority") == "Spot",
            )
    return pools


AZURE_SPOT = {("kubernetes.azure.com/scalesetpriority", "spot", "NoSchedule")}


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_pools_exist_with_sizes_taints_labels_and_machines_from_the_environment(synthesized, pair):
    env, cluster = pair
    pools = synthesized_pools(stack_of(synthesized, env, cluster), cluster.cloud)
    expected_roles = [role for role, _ in cluster.node_pools.items()]
    assert sorted(pools) == sorted(expected_roles)
    assert {"system", "workload", "gpu"} <= set(pools)
    for role, pool in cluster.node_pools.items():
        got = pools[role]
        assert (got["min"], got["max"]) == (pool.min_size, pool.max_size), role
        taints = got["taints"] - (AZURE_SPOT if cluster.cloud == "azure" and pool.spot else set())
        assert taints == {(t.key, t.value, t.effect) for t in pool.taints}, role
        labels = {k: v for k, v in got["labels"].items() if not k.startswith("kubernetes.azure.com/")}
        assert labels == dict(pool.labels), role
        assert got["machine"] == pool.instance_type, role
        assert got["spot"] == pool.spot, role


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_gpu_pool_tainted_nvidia_and_labelled_with_its_accelerator(synthesized, pair):
    env, cluster = pair
    gpu = synthesized_pools(stack_of(synthesized, env, cluster), cluster.cloud)["gpu"]
    assert ("nvidia.com/gpu", "present", "NoSchedule") in gpu["taints"]
    assert gpu["labels"]["accelerator"] == cluster.node_pools.gpu.accelerator.type
    assert (gpu["min"], gpu["max"]) == (cluster.node_pools.gpu.min_size, cluster.node_pools.gpu.max_size)


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_system_pool_fixed_on_demand_and_tainted_critical_addons_only(synthesized, pair):
    env, cluster = pair
    system = synthesized_pools(stack_of(synthesized, env, cluster), cluster.cloud)["system"]
    assert ("CriticalAddonsOnly", "true", "NoSchedule") in system["taints"]
    assert system["min"] == system["max"] == cluster.node_pools.system.min_size
    assert system["spot"] is False


def test_dev_gpu_pools_scale_0_to_2_and_prod_0_to_10(synthesized):
    for env_name, size in (("dev", (0, 2)), ("prod", (0, 10))):
        for env, cluster in CLUSTERS:
            if env.name == env_name:
                gpu = synthesized_pools(stack_of(synthesized, env, cluster), cluster.cloud)["gpu"]
                assert (gpu["min"], gpu["max"]) == size, cluster.name


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_gpu_pool_uses_nvidia_ami_and_cpu_pools_standard_ami(synthesized, pair):
    groups = resources(stack_of(synthesized, *pair), "aws_eks_node_group")
    for ng in groups.values():
        want = "AL2023_x86_64_NVIDIA" if ng["node_group_name"] == "gpu" else "AL2023_x86_64_STANDARD"
        assert ng["ami_type"] == want


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_gpu_pool_guest_accelerator_with_driver_installation(synthesized, pair):
    env, cluster = pair
    cfg = one(stack_of(synthesized, env, cluster), "google_container_node_pool", "gke_gpu_pool")[
        "node_config"
    ]
    accel = cluster.node_pools.gpu.accelerator
    assert cfg["guest_accelerator"] == [
        {
            "type": accel.type,
            "count": accel.count,
            "gpu_driver_installation_config": {"gpu_driver_version": accel.driver_version},
        }
    ]


def test_prod_training_cluster_has_a_spot_batch_pool(synthesized):
    env = ENVS["prod"]
    pools = synthesized_pools(stack_of(synthesized, env, env.cluster("gcp-us-central1")), "gcp")
    assert pools["batch"]["spot"] is True
    assert ("workload", "batch", "NoSchedule") in pools["batch"]["taints"]


# --------------------------------------------------------------------------------------------
# Secure defaults: AWS
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_api_endpoint_private_only(synthesized, pair):
    vpc = one(stack_of(synthesized, *pair), "aws_eks_cluster", "eks_cluster")["vpc_config"]
    assert vpc["endpoint_private_access"] is True
    assert vpc["endpoint_public_access"] is False


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_secrets_encrypted_with_rotating_customer_key(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    enc = one(stack, "aws_eks_cluster", "eks_cluster")["encryption_config"]
    assert enc["resources"] == ["secrets"]
    key = one(stack, "aws_kms_key", ref_name(enc["provider"]["key_arn"], "aws_kms_key"))
    assert key["enable_key_rotation"] is True
    assert key["rotation_period_in_days"] == cluster.security.key_rotation_days


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_all_control_plane_logs_incl_audit_to_encrypted_group_with_retention(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    eks = one(stack, "aws_eks_cluster", "eks_cluster")
    assert set(eks["enabled_cluster_log_types"]) == {
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    }
    group = one(stack, "aws_cloudwatch_log_group", "eks_control_plane_logs")
    assert group["name"] == f"/aws/eks/{eks['name']}/cluster"
    assert group["retention_in_days"] == cluster.security.audit_log_retention_days
    assert (
        one(stack, "aws_kms_key", ref_name(group["kms_key_id"], "aws_kms_key"))["enable_key_rotation"] is True
    )


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_workload_identity_irsa_oidc_provider_and_pod_identity_agent(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    oidc = one(stack, "aws_iam_openid_connect_provider", "eks_oidc_provider")
    assert oidc["url"] == "${aws_eks_cluster.eks_cluster.identity[0].oidc[0].issuer}"
    assert oidc["client_id_list"] == ["sts.amazonaws.com"]
    addons = {a["addon_name"] for a in resources(stack, "aws_eks_addon").values()}
    assert {"eks-pod-identity-agent", "vpc-cni", "coredns", "kube-proxy"} <= addons
    assert one(stack, "aws_eks_cluster", "eks_cluster")["access_config"]["authentication_mode"] == "API"


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_network_policy_enforced_by_vpc_cni(synthesized, pair):
    import json

    cni = one(stack_of(synthesized, *pair), "aws_eks_addon", "eks_addon_vpc_cni")
    assert json.loads(cni["configuration_values"])["enableNetworkPolicy"] == "true"


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_every_node_group_imdsv2_required_hop_limit_1_encrypted_root(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    groups = resources(stack, "aws_eks_node_group")
    assert groups
    for ng in groups.values():
        lt = one(stack, "aws_launch_template", ref_name(ng["launch_template"]["id"], "aws_launch_template"))
        md = lt["metadata_options"]
        assert (md["http_tokens"], md["http_put_response_hop_limit"], md["http_endpoint"]) == (
            "required",
            1,
            "enabled",
        )
        assert all(b["ebs"]["encrypted"] == "true" for b in lt["block_device_mappings"])
        assert "disk_size" not in ng  # the template's volume decides


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_node_role_least_privilege_three_managed_policies_only(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    attached = sorted(
        a["policy_arn"].rsplit("/", 1)[-1]
        for a in resources(stack, "aws_iam_role_policy_attachment").values()
        if a["role"] == "${aws_iam_role.eks_node_role.name}"
    )
    assert attached == [
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
    ]
    inline = [
        p
        for p in resources(stack, "aws_iam_role_policy").values()
        if p["role"] == "${aws_iam_role.eks_node_role.name}"
    ]
    assert not inline


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_upgrade_policy_standard_support_and_rolling_node_updates(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    eks = one(stack, "aws_eks_cluster", "eks_cluster")
    assert eks["upgrade_policy"] == {"support_type": "STANDARD"}
    assert eks["version"] == cluster.kubernetes_version
    assert eks["deletion_protection"] is cluster.security.deletion_protection
    for ng in resources(stack, "aws_eks_node_group").values():
        assert ng["update_config"]["max_unavailable_percentage"] <= 33


@pytest.mark.parametrize("pair", of_cloud("aws"), ids=cid)
def test_eks_network_private_subnets_in_three_zones_with_nat_and_flow_logs(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    subnets = resources(stack, "aws_subnet")
    private = [s for n, s in subnets.items() if n.startswith("network_private_")]
    assert len({s["availability_zone"] for s in private}) == 3
    assert all(s["map_public_ip_on_launch"] is False for s in subnets.values())
    vpc_net = IPv4Network(one(stack, "aws_vpc", "network_vpc")["cidr_block"])
    assert vpc_net == cluster.network.cidr
    assert all(IPv4Network(s["cidr_block"]).subnet_of(vpc_net) for s in subnets.values())
    assert len(resources(stack, "aws_nat_gateway")) == 3
    assert one(stack, "aws_flow_log", "network_flow_log")["traffic_type"] == "ALL"
    eks_subnets = one(stack, "aws_eks_cluster", "eks_cluster")["vpc_config"]["subnet_ids"]
    assert sorted(eks_subnets) == sorted(f"${{aws_subnet.network_private_{i}.id}}" for i in range(3))


# --------------------------------------------------------------------------------------------
# Secure defaults: GCP
# --------------------------------------------------------------------------------------------


def gke(synthesized, pair) -> dict:
    return one(stack_of(synthesized, *pair), "google_container_cluster", "gke_cluster")


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_private_nodes_and_private_endpoint_with_authorized_networks(synthesized, pair):
    c = gke(synthesized, pair)
    assert c["private_cluster_config"] == {"enable_private_nodes": True, "enable_private_endpoint": True}
    man = c["master_authorized_networks_config"]
    assert man["gcp_public_cidrs_access_enabled"] is False
    assert man["private_endpoint_enforcement_enabled"] is True


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_secrets_encrypted_with_rotating_cloud_kms_key(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    enc = gke(synthesized, pair)["database_encryption"]
    assert enc["state"] == "ENCRYPTED"
    key = one(stack, "google_kms_crypto_key", ref_name(enc["key_name"], "google_kms_crypto_key"))
    assert key["rotation_period"] == f"{cluster.security.key_rotation_days * 86400}s"
    ring = one(stack, "google_kms_key_ring", ref_name(key["key_ring"], "google_kms_key_ring"))
    assert ring["location"] == cluster.region
    grant = one(stack, "google_kms_crypto_key_iam_member", "gke_secrets_key_gke_agent")
    assert grant["role"] == "roles/cloudkms.cryptoKeyEncrypterDecrypter"
    assert "@container-engine-robot.iam.gserviceaccount.com" in grant["member"]


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_workload_identity_and_gke_metadata_on_every_pool(synthesized, pair):
    env, cluster = pair
    assert gke(synthesized, pair)["workload_identity_config"] == {
        "workload_pool": f"{env.accounts.gcp.project_id}.svc.id.goog"
    }
    for np_ in resources(stack_of(synthesized, env, cluster), "google_container_node_pool").values():
        assert np_["node_config"]["workload_metadata_config"] == {"mode": "GKE_METADATA"}


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_control_plane_logs_apiserver_scheduler_controller(synthesized, pair):
    comps = set(gke(synthesized, pair)["logging_config"]["enable_components"])
    assert {"APISERVER", "CONTROLLER_MANAGER", "SCHEDULER", "SYSTEM_COMPONENTS"} <= comps


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_network_policy_via_dataplane_v2(synthesized, pair):
    assert gke(synthesized, pair)["datapath_provider"] == "ADVANCED_DATAPATH"


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_shielded_nodes_secure_boot_and_integrity_monitoring_on_every_pool(synthesized, pair):
    assert gke(synthesized, pair)["enable_shielded_nodes"] is True
    pools = resources(stack_of(synthesized, *pair), "google_container_node_pool")
    assert pools
    for np_ in pools.values():
        assert np_["node_config"]["shielded_instance_config"] == {
            "enable_secure_boot": True,
            "enable_integrity_monitoring": True,
        }


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_least_privilege_node_service_account(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    roles = sorted(
        m["role"]
        for m in resources(stack, "google_project_iam_member").values()
        if m["member"] == "${google_service_account.gke_node_sa.member}"
    )
    assert roles == sorted(
        [
            "roles/artifactregistry.reader",
            "roles/logging.logWriter",
            "roles/monitoring.metricWriter",
            "roles/monitoring.viewer",
            "roles/stackdriver.resourceMetadata.writer",
        ]
    )
    for np_ in resources(stack, "google_container_node_pool").values():
        assert np_["node_config"]["service_account"] == "${google_service_account.gke_node_sa.email}"


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_release_channel_and_weekly_maintenance_window(synthesized, pair):
    _env, cluster = pair
    c = gke(synthesized, pair)
    m = cluster.maintenance
    assert c["release_channel"] == {"channel": m.upgrade_channel.upper()}
    win = c["maintenance_policy"]["recurring_window"]
    assert win["recurrence"] == f"FREQ=WEEKLY;BYDAY={m.day[:2].upper()}"
    assert win["start_time"].endswith(f"T{m.start_hour_utc:02d}:00:00Z")
    assert c["min_master_version"] == cluster.kubernetes_version
    assert c["deletion_protection"] is cluster.security.deletion_protection


@pytest.mark.parametrize("pair", of_cloud("gcp"), ids=cid)
def test_gke_vpc_native_with_pod_and_service_ranges_from_the_environment(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    sub = one(stack, "google_compute_subnetwork", "network_nodes")
    assert sub["ip_cidr_range"] == str(cluster.network.cidr)
    assert {r["range_name"]: r["ip_cidr_range"] for r in sub["secondary_ip_range"]} == {
        "pods": str(cluster.network.pods_cidr),
        "services": str(cluster.network.services_cidr),
    }
    assert sub["private_ip_google_access"] is True
    c = gke(synthesized, pair)
    assert c["networking_mode"] == "VPC_NATIVE"
    assert c["remove_default_node_pool"] is True and c["initial_node_count"] == 1
    assert resources(stack, "google_compute_router_nat")


# --------------------------------------------------------------------------------------------
# Secure defaults: Azure
# --------------------------------------------------------------------------------------------


def aks(synthesized, pair) -> dict:
    return one(stack_of(synthesized, *pair), "azurerm_kubernetes_cluster", "aks_cluster")


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_private_cluster_without_public_fqdn(synthesized, pair):
    c = aks(synthesized, pair)
    assert c["private_cluster_enabled"] is True
    assert c["private_cluster_public_fqdn_enabled"] is False
    # A private cluster has no authorized ranges; the profile carries VNet integration only
    # (tests/stacks/test_aks_private_kms.py).
    assert "authorized_ip_ranges" not in c["api_server_access_profile"]


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_etcd_encrypted_by_kms_with_rotating_key_vault_key(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    kms = aks(synthesized, pair)["key_management_service"]
    key = one(stack, "azurerm_key_vault_key", ref_name(kms["key_vault_key_id"], "azurerm_key_vault_key"))
    assert (
        key["rotation_policy"]["automatic"]["time_after_creation"]
        == f"P{cluster.security.key_rotation_days}D"
    )
    vault = one(stack, "azurerm_key_vault", ref_name(key["key_vault_id"], "azurerm_key_vault"))
    assert vault["purge_protection_enabled"] is True
    assert vault["rbac_authorization_enabled"] is True
    assert 3 <= len(vault["name"]) <= 24


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_workload_identity_and_oidc_issuer(synthesized, pair):
    c = aks(synthesized, pair)
    assert c["oidc_issuer_enabled"] is True
    assert c["workload_identity_enabled"] is True


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_entra_id_rbac_and_local_accounts_disabled(synthesized, pair):
    env, _cluster = pair
    c = aks(synthesized, pair)
    assert c["local_account_disabled"] is True
    assert c["role_based_access_control_enabled"] is True
    assert c["azure_active_directory_role_based_access_control"]["azure_rbac_enabled"] is True
    assert c["azure_active_directory_role_based_access_control"]["tenant_id"] == env.accounts.azure.tenant_id


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_network_policy_cilium_on_cni_overlay(synthesized, pair):
    _env, cluster = pair
    net = aks(synthesized, pair)["network_profile"]
    assert (net["network_plugin"], net["network_plugin_mode"]) == ("azure", "overlay")
    assert net["network_policy"] == net["network_data_plane"] == "cilium"
    assert net["pod_cidr"] == str(cluster.network.pods_cidr)
    assert net["service_cidr"] == str(cluster.network.services_cidr)


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_audit_logs_to_log_analytics(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    setting = one(stack, "azurerm_monitor_diagnostic_setting", "aks_audit_logs_setting")
    assert setting["target_resource_id"] == "${azurerm_kubernetes_cluster.aks_cluster.id}"
    assert "kube-audit-admin" in {log["category"] for log in setting["enabled_log"]}
    ws = one(
        stack,
        "azurerm_log_analytics_workspace",
        ref_name(setting["log_analytics_workspace_id"], "azurerm_log_analytics_workspace"),
    )
    assert ws["retention_in_days"] == cluster.security.audit_log_retention_days


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_upgrade_channels_inside_the_weekly_maintenance_window(synthesized, pair):
    _env, cluster = pair
    c = aks(synthesized, pair)
    m = cluster.maintenance
    assert c["automatic_upgrade_channel"] in {"patch", "stable", "rapid"}
    assert c["node_os_upgrade_channel"] == "NodeImage"
    for block in ("maintenance_window_auto_upgrade", "maintenance_window_node_os"):
        w = c[block]
        assert (w["frequency"], w["day_of_week"], w["start_time"], w["duration"]) == (
            "Weekly",
            m.day,
            f"{m.start_hour_utc:02d}:00",
            m.duration_hours,
        )


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_control_plane_identity_user_assigned_with_scoped_roles(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    c = aks(synthesized, pair)
    assert c["identity"]["type"] == "UserAssigned"
    roles = {
        (a["role_definition_name"], a["scope"])
        for a in resources(stack, "azurerm_role_assignment").values()
        if a["principal_id"] == "${azurerm_user_assigned_identity.aks_control_plane_identity.principal_id}"
    }
    assert roles == {
        ("Network Contributor", "${azurerm_subnet.network_nodes.id}"),
        ("Key Vault Crypto User", "${azurerm_key_vault_key.aks_etcd_key.resource_versionless_id}"),
        # issue 16: API Server VNet Integration and the private KMS vault
        # (tests/stacks/test_aks_private_kms.py cites Microsoft's pages)
        ("Network Contributor", "${azurerm_subnet.network_api_server.id}"),
        ("Key Vault Contributor", "${azurerm_key_vault.aks_key_vault.id}"),
        # issue 19: the ingress Service claims the reserved public IP
        ("Network Contributor", "${azurerm_public_ip.ingress_public_ip.id}"),
    }


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_host_encryption_on_every_pool(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    assert aks(synthesized, pair)["default_node_pool"]["host_encryption_enabled"] is True
    assert all(
        p["host_encryption_enabled"] is True
        for p in resources(stack, "azurerm_kubernetes_cluster_node_pool").values()
    )


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_aks_node_disks_encrypted_with_rotating_customer_key(synthesized, pair):
    stack = stack_of(synthesized, *pair)
    des = one(
        stack,
        "azurerm_disk_encryption_set",
        ref_name(aks(synthesized, pair)["disk_encryption_set_id"], "azurerm_disk_encryption_set"),
    )
    assert des["auto_key_rotation_enabled"] is True
    key = one(stack, "azurerm_key_vault_key", ref_name(des["key_vault_key_id"], "azurerm_key_vault_key"))
    assert key["rotation_policy"]["automatic"]["time_after_creation"].startswith("P")
    roles = {
        a["role_definition_name"]
        for a in resources(stack, "azurerm_role_assignment").values()
        if a["principal_id"]
        == "${azurerm_disk_encryption_set.aks_disk_encryption_set.identity[0].principal_id}"
    }
    assert roles == {"Key Vault Crypto Service Encryption User"}
    scopes = {
        a["scope"]
        for a in resources(stack, "azurerm_role_assignment").values()
        if a["role_definition_name"] == "Key Vault Crypto Service Encryption User"
    }
    assert scopes == {"${azurerm_key_vault_key.aks_disk_key.resource_versionless_id}"}


@pytest.mark.parametrize("pair", of_cloud("azure"), ids=cid)
def test_azure_vnet_has_a_gateway_subnet_27_inside_its_cidr(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    subnets = {s["name"]: s for s in resources(stack, "azurerm_subnet").values()}
    gw = IPv4Network(subnets["GatewaySubnet"]["address_prefixes"][0])
    assert gw.prefixlen == 27 and gw.subnet_of(cluster.network.cidr)
    nodes = IPv4Network(subnets["nodes"]["address_prefixes"][0])
    assert nodes.subnet_of(cluster.network.cidr) and not nodes.overlaps(gw)
    assert "${azurerm_subnet.network_gateway_subnet.id}" not in {
        a["subnet_id"] for a in resources(stack, "azurerm_subnet_network_security_group_association").values()
    }


# --------------------------------------------------------------------------------------------
# Outputs, providers, tags
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_outputs_later_stacks_need(synthesized, pair):
    env, cluster = pair
    out = stack_of(synthesized, env, cluster)["output"]
    for key in (
        "endpoint",
        "ca_certificate",
        "oidc_issuer_url",
        "network_id",
        "network_name",
        "ingress_hostname",
    ):
        assert key in out, key
    assert out["ca_certificate"]["sensitive"] is True
    # Every endpoint is an https URL (EKS reports one; GKE and AKS report an address or FQDN).
    endpoint = out["endpoint"]["value"]
    assert (
        endpoint == "${aws_eks_cluster.eks_cluster.endpoint}"
        if cluster.cloud == "aws"
        else endpoint.startswith("https://")
    )
    assert out["ingress_hostname"]["value"] == cluster.ingress_hostname
    extra = {
        "aws": {"private_route_table_ids"},
        "azure": {"resource_group_name", "gateway_subnet_id"},
        "gcp": set(),
    }
    assert extra[cluster.cloud] <= set(out)
    if cluster.cloud == "aws":
        assert len(out["private_route_table_ids"]["value"]) == 3


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_provider_pinned_to_the_environment_account_and_region(synthesized, pair):
    env, cluster = pair
    provider = stack_of(synthesized, env, cluster)["provider"]
    if cluster.cloud == "aws":
        (p,) = provider["aws"]
        assert p["region"] == cluster.region and p["allowed_account_ids"] == [env.accounts.aws.account_id]
        assert p["default_tags"][0]["tags"]["env"] == env.name
    elif cluster.cloud == "gcp":
        (p,) = provider["google"]
        assert (p["project"], p["region"]) == (env.accounts.gcp.project_id, cluster.region)
    else:
        (p,) = provider["azurerm"]
        assert p["subscription_id"] == env.accounts.azure.subscription_id and p["features"] == [{}]


TAG_KEYS = {"aws": "tags", "azure": "tags"}
# Taggable types in these stacks that must carry the common tags/labels.
MUST_BE_TAGGED = {
    "aws": [
        "aws_vpc",
        "aws_subnet",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "aws_kms_key",
        "aws_cloudwatch_log_group",
        "aws_nat_gateway",
        "aws_launch_template",
        "aws_iam_role",
    ],
    "gcp": ["google_container_cluster", "google_kms_crypto_key"],
    "azure": [
        "azurerm_resource_group",
        "azurerm_virtual_network",
        "azurerm_kubernetes_cluster",
        "azurerm_kubernetes_cluster_node_pool",
        "azurerm_key_vault",
        "azurerm_log_analytics_workspace",
    ],
}


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_taggable_resources_carry_common_tags_and_jurisdiction(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    want = {
        "env": env.name,
        "component": "cluster",
        "managed_by": "cdktf",
        "jurisdiction": cluster.jurisdiction,
    }
    for rtype in MUST_BE_TAGGED[cluster.cloud]:
        items = resources(stack, rtype)
        assert items, rtype
        for name, res in items.items():
            tags = res.get("tags") or res.get("labels") or res.get("resource_labels") or {}
            assert want.items() <= tags.items(), f"{rtype}.{name}: {tags}"
    for name, np_ in resources(stack, "google_container_node_pool").items():
        assert want.items() <= np_["node_config"]["resource_labels"].items(), name


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_deletion_protection_follows_the_environment(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    want = cluster.security.deletion_protection
    if cluster.cloud == "aws":
        assert one(stack, "aws_eks_cluster", "eks_cluster")["deletion_protection"] is want
    elif cluster.cloud == "gcp":
        assert gke(synthesized, pair)["deletion_protection"] is want
        assert one(stack, "google_kms_crypto_key", "gke_secrets_key")["lifecycle"]["prevent_destroy"] is want
    assert (env.name == "dev") is (not want)


def test_gke_reads_its_project_number_for_the_kms_grant(synthesized):
    env = ENVS["dev"]
    stack = stack_of(synthesized, env, env.clusters_of("gcp")[0])
    assert data_sources(stack, "google_project")["gke_project"]["project_id"] == env.accounts.gcp.project_id


def test_cluster_logical_ids_are_construct_paths_without_hash_suffix(synthesized):
    hashed = re.compile(r"_[0-9A-F]{8}$")
    names = [
        f"{sid}:{rtype}.{name}"
        for sid, doc in synthesized.items()
        if sid.endswith("-cluster")
        for rtype, items in doc.get("resource", {}).items()
        for name in items
    ]
    assert names and not [n for n in names if hashed.search(n)]
    for sid, doc in synthesized.items():
        if sid.endswith("-cluster"):
            for _rtype, items in doc["resource"].items():
                for name, res in items.items():
                    assert res["//"]["metadata"]["path"].split("/", 1)[1].replace("/", "_") == name


@pytest.mark.parametrize("pair", CLUSTERS, ids=cid)
def test_secure_default_turned_off_keeps_its_reason_in_the_plan(synthesized, pair):
    env, cluster = pair
    stack = stack_of(synthesized, env, cluster)
    rtype, name = {
        "aws": ("aws_eks_cluster", "eks_cluster"),
        "gcp": ("google_container_cluster", "gke_cluster"),
        "azure": ("azurerm_kubernetes_cluster", "aks_cluster"),
    }[cluster.cloud]
    comment = one(stack, rtype, name)["//"]
    if cluster.security.deletion_protection:
        assert "deletion_protection_reason" not in comment
    else:
        assert comment["deletion_protection_reason"] == cluster.security.deletion_protection_reason
