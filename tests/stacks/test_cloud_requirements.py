"""What the clouds require beyond the schema (issue #26), read on the session's synthesized plan.

Each test names the provider source file (azurerm v4.55.0, google v6.50.0, read with
`git show <tag>:<path>` on the fetched provider repositories) or the cloud documentation page
its expectation comes from. Expected values are literals from those pages or from the shipped
environment files, never recomputed with the code under test.
"""

from __future__ import annotations

import json
import re
from ipaddress import IPv4Network

import pytest

from tests.conftest import resources

ENVS = ("dev", "staging", "prod")
# environments/<env>.yaml `runner.ip_ranges` (documentation ranges standing in for CI egress).
RUNNER_RANGE = {"dev": "203.0.113.0/28", "staging": "203.0.113.16/28", "prod": "203.0.113.32/28"}


def stacks_of(synthesized: dict, env: str) -> dict[str, dict]:
    return {k: v for k, v in synthesized.items() if k.startswith(f"{env}-")}


def all_of(synthesized: dict, env: str, rtype: str) -> list[tuple[str, str, dict]]:
    return [
        (sid, name, conf)
        for sid, stack in stacks_of(synthesized, env).items()
        for name, conf in resources(stack, rtype).items()
    ]


# ---- 1. the runner path -------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_every_deny_all_key_vault_admits_the_declared_runner_range(synthesized, env):
    """Key Vault network security (https://learn.microsoft.com/azure/key-vault/general/network-security):
    with default_action Deny only listed IP ranges, subnets and trusted services reach the data plane;
    the AzureServices bypass does not cover the Terraform runner. Terraform creates keys through that
    data plane (azurerm v4.55.0 internal/services/keyvault/key_vault_key_resource.go, Create calls the
    vault's CreateKey), so every deny-all vault must list the runner."""
    vaults = all_of(synthesized, env, "azurerm_key_vault")
    assert vaults, "the environment has Azure key vaults"
    deny = [(s, n, c) for s, n, c in vaults if (c.get("network_acls") or {}).get("default_action") == "Deny"]
    assert len(deny) >= 2  # data-lake vault(s) and the unseal vault
    for sid, name, conf in deny:
        acls = conf["network_acls"]
        assert RUNNER_RANGE[env] in (acls.get("ip_rules") or []), f"{sid}/{name} does not admit the runner"
        # ip rules only work while the public endpoint is on (default true in the provider).
        assert conf.get("public_network_access_enabled", True) is True, f"{sid}/{name}"


def test_unseal_vault_admits_the_vault_servers_node_subnets_through_service_endpoints(synthesized):
    """Vault servers on AKS unseal through the Key Vault: the vault's virtual_network_subnet_ids
    name each AKS node subnet (a cross-stack reference), and those subnets carry the
    Microsoft.KeyVault service endpoint (Key Vault network security page: VNet rules need it)."""
    vault = synthesized["prod-global-vault"]
    (unseal,) = [c for n, c in resources(vault, "azurerm_key_vault").items() if "unseal" in n]
    subnets = unseal["network_acls"]["virtual_network_subnet_ids"]
    for cluster in ("prod-azure-eastus-cluster", "prod-azure-westeurope-cluster"):
        assert any(cluster in s and "azurerm_subnetnetwork_nodes" in s for s in subnets), cluster
        nodes = resources(synthesized[cluster], "azurerm_subnet")["network_nodes"]
        assert nodes["service_endpoints"] == ["Microsoft.KeyVault"]


# ---- 2. key rotation that never breaks a plan ----------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_no_key_vault_key_expires_and_every_key_ignores_the_expiry_read_back(synthesized, env):
    """azurerm v4.55.0 key_vault_key_resource.go: the read sets `expiration_date` from the newest
    version, and CustomizeDiff `ForceNewIfChange("expiration_date")` replaces the key when state has
    a date and the configuration none. A rotation policy with `expire_after` gives every rotated
    version a date, so the first rotation would turn every plan into a replacement (which
    prevent_destroy refuses). No expire_after, and ignore_changes on the attribute."""
    keys = all_of(synthesized, env, "azurerm_key_vault_key")
    assert len(keys) >= 4
    for sid, name, conf in keys:
        policy = conf.get("rotation_policy") or {}
        assert "expire_after" not in policy and "notify_before_expiry" not in policy, f"{sid}/{name}"
        assert policy.get("automatic", {}).get("time_after_creation"), f"{sid}/{name} still rotates"
        assert "expiration_date" not in conf, f"{sid}/{name}"
        assert "expiration_date" in conf["lifecycle"]["ignore_changes"], f"{sid}/{name}"


def test_aks_kms_follows_the_rotated_key_version_in_place(synthesized):
    """AKS KMS takes a VERSIONED key id (`id`, which the provider reads as the newest version after a
    rotation); `key_management_service` is ForceNew false and updated in place (azurerm v4.55.0
    internal/services/containers/kubernetes_cluster_resource.go, schema and Update's
    HasChanges("key_management_service")), so a rotation is an in-place KMS key update, not a
    replacement. The etcd key itself carries no expiry (test above)."""
    for sid in ("prod-azure-eastus-cluster", "prod-azure-westeurope-cluster"):
        (cluster,) = resources(synthesized[sid], "azurerm_kubernetes_cluster").values()
        kms = cluster["key_management_service"]
        assert re.fullmatch(r"\$\{azurerm_key_vault_key\.[a-z_]+\.id\}", kms["key_vault_key_id"])
        assert "key_vault_key_id" not in str(cluster.get("lifecycle", {}))


# ---- 3. bootstrap stack --------------------------------------------------------------------

# The APIs the issue lists, plus what the resource types in the plan need (Google's per-service
# "enable the API" pages): serviceusage for google_project_service, storage for buckets, logging
# and monitoring for GKE's logging_config/monitoring_config.
EXPECTED_APIS = {
    "cloudresourcemanager.googleapis.com",
    "serviceusage.googleapis.com",
    "compute.googleapis.com",
    "container.googleapis.com",
    "cloudkms.googleapis.com",
    "storage.googleapis.com",
    "storagetransfer.googleapis.com",
    "pubsub.googleapis.com",
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "sts.googleapis.com",
    "binaryauthorization.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    # Issue #18: IAP TCP forwarding to the operator path hosts and their tunnel IAM
    # (cloud.google.com/iap/docs/using-tcp-forwarding: "Enable the IAP API").
    "iap.googleapis.com",
    # issue 19: registries (and their scanning) and budgets
    "artifactregistry.googleapis.com",
    "containerscanning.googleapis.com",
    "billingbudgets.googleapis.com",
}
# google resource/data-source type prefix -> the API it calls.
TYPE_API = (
    ("google_artifact_registry_", "artifactregistry.googleapis.com"),
    ("google_billing_budget", "billingbudgets.googleapis.com"),
    ("google_monitoring_", "monitoring.googleapis.com"),
    ("google_logging_", "logging.googleapis.com"),
    ("google_compute_", "compute.googleapis.com"),
    ("google_container_", "container.googleapis.com"),
    ("google_kms_", "cloudkms.googleapis.com"),
    ("google_storage_transfer_", "storagetransfer.googleapis.com"),
    ("google_storage_project_service_account", "storage.googleapis.com"),
    ("google_storage_", "storage.googleapis.com"),
    ("google_iam_workload_identity_", "iam.googleapis.com"),
    ("google_iam_workforce_", "iam.googleapis.com"),
    ("google_iap_", "iap.googleapis.com"),
    ("google_service_account", "iam.googleapis.com"),
    ("google_project_iam_", "cloudresourcemanager.googleapis.com"),
    ("google_project_service", "serviceusage.googleapis.com"),
    ("google_project", "cloudresourcemanager.googleapis.com"),
)


@pytest.mark.parametrize("env", ENVS)
def test_bootstrap_enables_every_api_the_plan_uses_and_never_disables_one(synthesized, env):
    """google v6.50.0 google/services/resourcemanager/resource_google_project_service.go:
    `disable_on_destroy` defaults to true and then turns the API off on destroy; false here."""
    boot = synthesized[f"{env}-global-bootstrap"]
    services = resources(boot, "google_project_service")
    assert {c["service"] for c in services.values()} == EXPECTED_APIS
    assert all(c["disable_on_destroy"] is False for c in services.values())
    assert not any(c.get("disable_dependent_services") for c in services.values())
    used = set()
    for stack in stacks_of(synthesized, env).values():
        for section in ("resource", "data"):
            for rtype in stack.get(section, {}):
                if rtype.startswith("google_"):
                    api = next((a for p, a in TYPE_API if rtype.startswith(p)), None)
                    assert api is not None, f"{rtype}: which API does it need? extend TYPE_API"
                    used.add(api)
    assert used <= EXPECTED_APIS


@pytest.mark.parametrize("env", ENVS)
def test_bootstrap_registers_encryption_at_host_before_any_pool_uses_it(synthesized, env):
    """AKS host-based encryption (https://learn.microsoft.com/azure/aks/enable-host-encryption)
    needs the subscription feature Microsoft.Compute/EncryptionAtHost. azurerm v4.55.0
    internal/services/resource/resource_provider_registration_resource.go: the resource refuses a
    provider the azurerm provider registers itself (checkIfManagedByTerraform), hence
    resource_provider_registrations = "none" in this stack; Delete unregisters it (hence
    prevent_destroy)."""
    boot = synthesized[f"{env}-global-bootstrap"]
    pools = all_of(synthesized, env, "azurerm_kubernetes_cluster_node_pool")
    assert any(c.get("host_encryption_enabled") for _s, _n, c in pools)
    (reg,) = resources(boot, "azurerm_resource_provider_registration").values()
    assert reg["name"] == "Microsoft.Compute"
    assert reg["feature"] == [{"name": "EncryptionAtHost", "registered": True}]
    assert reg["lifecycle"]["prevent_destroy"] is True
    assert boot["provider"]["azurerm"][0]["resource_provider_registrations"] == "none"
    # No import block while the policy gate's checkov cannot parse one (stacks/bootstrap_stack.py);
    # the README's "First apply" names the import command instead.
    assert "import" not in boot


@pytest.mark.parametrize("env", ENVS)
def test_every_other_stack_depends_on_the_bootstrap_stack(synth_dir, env):
    manifest = json.loads((synth_dir / "manifest.json").read_text())
    mine = {k: v for k, v in manifest["stacks"].items() if k.startswith(f"{env}-")}
    assert f"{env}-global-bootstrap" in mine
    for sid, entry in mine.items():
        if sid == f"{env}-global-state":
            # The state stack creates the store the bootstrap stack's state lives in (issue #18):
            # it is applied first, alone, with local state, and depends on nothing.
            assert entry["dependencies"] == [], sid
        elif sid != f"{env}-global-bootstrap":
            assert f"{env}-global-bootstrap" in entry["dependencies"], sid


# ---- 4. replication identities -------------------------------------------------------------

# Permissions of the predefined roles (Cloud Storage IAM roles page,
# https://cloud.google.com/storage/docs/access-control/iam-roles).
ROLE_PERMISSIONS = {
    "roles/storage.legacyBucketOwner": {
        "storage.buckets.get",
        "storage.buckets.update",
        "storage.objects.list",
        "storage.objects.create",
        "storage.objects.delete",
    },
    "roles/storage.legacyBucketReader": {"storage.buckets.get", "storage.objects.list"},
    "roles/storage.legacyBucketWriter": {
        "storage.buckets.get",
        "storage.objects.list",
        "storage.objects.create",
        "storage.objects.delete",
    },
    "roles/storage.objectViewer": {"storage.objects.get", "storage.objects.list"},
}
# "Configure access to a source / sink: Cloud Storage" (cloud.google.com/storage-transfer/docs/
# source-cloud-storage and sink-cloud-storage); the sink needs objects.get unless it always overwrites.
SOURCE_NEEDS = {"storage.buckets.get", "storage.objects.get", "storage.objects.list"}
SINK_NEEDS = {
    "storage.buckets.get",
    "storage.objects.get",
    "storage.objects.create",
    "storage.objects.delete",
    "storage.objects.list",
}


@pytest.mark.parametrize("env", ("staging", "prod"))  # dev declares no replica regions
def test_storage_transfer_agent_holds_the_documented_permissions_on_source_and_sink(synthesized, env):
    jobs = all_of(synthesized, env, "google_storage_transfer_job")
    assert jobs, "replication jobs exist"
    for sid, name, job in jobs:
        stack = synthesized[sid]
        members = resources(stack, "google_storage_bucket_iam_member").values()
        spec = job["replication_spec"]
        for bucket, needs in (
            (spec["gcs_data_source"]["bucket_name"], SOURCE_NEEDS),
            (spec["gcs_data_sink"]["bucket_name"], SINK_NEEDS),
        ):
            granted = set()
            for m in members:
                if m["bucket"] == bucket and "storage_transfer_project_service_account" in m["member"]:
                    granted |= ROLE_PERMISSIONS[m["role"]]
            assert needs <= granted, f"{sid}/{name} {bucket}: missing {sorted(needs - granted)}"


# ---- 5. erasure ----------------------------------------------------------------------------

ERASURE_DAYS = 30  # stacks/params.py DataLake.erasure_days default, shipped unchanged in prod.yaml


def test_pii_and_gdpr_noncurrent_versions_are_deleted_on_every_cloud_and_archive_untouched(synthesized):
    """S3: noncurrent_version_expiration (aws_s3_bucket_lifecycle_configuration); GCS: a Delete
    action on ARCHIVED objects after days_since_noncurrent_time; Azure: management policy
    `version.delete_after_days_since_creation`. The archive keeps its lock and no delete rule."""
    seen = {"aws": set(), "gcp": set(), "azure": set()}
    for sid, stack in stacks_of(synthesized, "prod").items():
        if not sid.endswith("-datalake"):
            continue
        for name, lc in resources(stack, "aws_s3_bucket_lifecycle_configuration").items():
            cls = next((c for c in ("pii", "models_gdpr", "archive") if f"_{c}_" in name), None)
            if cls is None or "logs" in name:
                continue
            (nc,) = [r for r in lc["rule"] if r["id"].startswith("noncurrent")]
            if cls == "archive":
                assert "noncurrent_version_expiration" not in nc
            else:
                assert nc["noncurrent_version_expiration"] == [{"noncurrent_days": ERASURE_DAYS}]
                seen["aws"].add(cls)
        for name, b in resources(stack, "google_storage_bucket").items():
            cls = b["labels"].get("data_classification")
            if "logs" in name or cls not in ("pii", "models-gdpr", "archive"):
                continue
            deletes = [
                r["condition"].get("days_since_noncurrent_time")
                for r in b["lifecycle_rule"]
                if r["action"]["type"] == "Delete" and r["condition"].get("with_state") == "ARCHIVED"
            ]
            if cls == "archive":
                assert deletes == [] and b["retention_policy"]["retention_period"]
            else:
                assert deletes == [ERASURE_DAYS], name
                seen["gcp"].add(cls)
        for name, policy in resources(stack, "azurerm_storage_management_policy").items():
            cls = next((c for c in ("pii", "models_gdpr", "archive") if f"_{c}_" in name), None)
            if cls is None or "logs" in name:
                continue
            (rule,) = [r for r in policy["rule"] if r["name"] == "noncurrent-versions"]
            version = rule["actions"]["version"]
            if cls == "archive":
                assert "delete_after_days_since_creation" not in version
            else:
                assert version["delete_after_days_since_creation"] == ERASURE_DAYS
                seen["azure"].add(cls)
    assert seen == {c: {"pii", "models_gdpr"} if c != "gcp" else {"pii", "models-gdpr"} for c in seen}


# ---- 6. GPU capacity -----------------------------------------------------------------------


def test_gke_gpu_pools_use_a_machine_their_region_offers(synthesized):
    """GPU regions and zones (https://cloud.google.com/compute/docs/gpus/gpu-regions-zones):
    europe-west1 and asia-east1 offer L4 (g2) but no A100 (a2)."""
    expected = {
        "prod-gcp-us-central1-cluster": ("a2-highgpu-1g", "nvidia-tesla-a100"),
        "prod-gcp-europe-west1-cluster": ("g2-standard-12", "nvidia-l4"),
        "prod-gcp-asia-east1-cluster": ("g2-standard-12", "nvidia-l4"),
    }
    for sid, (machine, accel) in expected.items():
        (gpu,) = [
            c for n, c in resources(synthesized[sid], "google_container_node_pool").items() if "gpu" in n
        ]
        config = gpu["node_config"]
        assert config["machine_type"] == machine
        assert config["guest_accelerator"][0]["type"] == accel


# ---- 7. cross-cloud traffic ----------------------------------------------------------------


def test_gcp_firewalls_admit_exactly_the_routed_ranges_of_the_other_clouds(synthesized):
    """VPC firewall rules (https://cloud.google.com/firewall/docs/firewalls): the network's deny-all
    at 65534 drops whatever no higher-priority rule allows. prod.yaml: mcr-us carries aws-us-east-1
    (and, through the Direct Connect gateway, aws-us-west-2) and azure-eastus; mcr-eu aws-eu-west-1
    and azure-westeurope; gcp-asia-east1 has no VXC, so nothing is routed to it."""
    fw = resources(synthesized["prod-global-interconnect"], "google_compute_firewall")
    assert sorted(fw["gcp_us_central1_from_peers"]["source_ranges"]) == [
        "10.10.0.0/16",
        "10.11.0.0/16",
        "10.30.0.0/16",
    ]
    assert sorted(fw["gcp_europe_west1_from_peers"]["source_ranges"]) == ["10.12.0.0/16", "10.31.0.0/16"]
    assert "gcp_asia_east1_from_peers" not in fw
    for rule in fw.values():
        assert rule["priority"] < 65534 and rule["direction"] == "INGRESS"
        assert {a["protocol"] for a in rule["allow"]} == {"tcp", "udp", "icmp"}


def test_aws_security_groups_admit_exactly_the_routed_ranges_of_the_other_clouds(synthesized):
    """EKS cluster security group (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html):
    managed node groups without launch-template groups use it; it admits only itself by default."""
    rules = resources(synthesized["prod-global-interconnect"], "aws_vpc_security_group_ingress_rule")
    by_cluster: dict[str, set[str]] = {}
    for r in rules.values():
        cluster = re.search(r"input-prod-(aws-[a-z0-9-]+)-cluster", r["security_group_id"]).group(1)
        by_cluster.setdefault(cluster, set()).add(r["cidr_ipv4"])
    # gcp-us-central1 (nodes, pods, services) + azure-eastus VNet; EU: gcp-europe-west1 + azure-westeurope.
    us = {"10.20.0.0/16", "10.128.0.0/14", "10.140.0.0/20", "10.30.0.0/16"}
    assert by_cluster == {
        "aws-us-east-1": us,
        "aws-us-west-2": us,
        "aws-eu-west-1": {"10.21.0.0/16", "10.132.0.0/14", "10.140.16.0/20", "10.31.0.0/16"},
    }


@pytest.mark.parametrize("env", ENVS)
def test_no_cross_cloud_rule_is_wider_than_a_declared_cluster_range(synthesized, env):
    stack = synthesized[f"{env}-global-interconnect"]
    cidrs = [
        c for r in resources(stack, "google_compute_firewall").values() for c in r.get("source_ranges", [])
    ]
    cidrs += [r["cidr_ipv4"] for r in resources(stack, "aws_vpc_security_group_ingress_rule").values()]
    assert cidrs
    for c in cidrs:
        net = IPv4Network(c)
        assert net.prefixlen >= 14 and net.subnet_of(IPv4Network("10.0.0.0/8")), c


# ---- 8. latent apply errors ------------------------------------------------------------------


@pytest.mark.parametrize("env", ENVS)
def test_aks_user_pools_name_a_temporary_pool_for_rotation(synthesized, env):
    """azurerm v4.55.0 internal/services/containers/kubernetes_cluster_node_pool_resource.go: an
    update of any of cycleNodePoolProperties (vm_size, zones, max_pods, os disk, ...) fails unless
    `temporary_name_for_rotation` is set; validate/kubernetes.go KubernetesAgentPoolName:
    ^[a-z]{1}[a-z\\d]{0,11}$."""
    pools = all_of(synthesized, env, "azurerm_kubernetes_cluster_node_pool")
    assert pools
    for sid, name, pool in pools:
        tmp = pool["temporary_name_for_rotation"]
        assert re.fullmatch(r"[a-z][a-z\d]{0,11}", tmp), f"{sid}/{name}: {tmp}"
        others = {p["name"] for s, _n, p in pools if s == sid}
        assert tmp not in others


def test_workload_identity_federation_binding_waits_for_its_pool_provider(synthesized):
    """The binding names the pool by path (principal://...), not by reference: without depends_on
    Terraform may grant it before google_iam_workload_identity_pool_provider exists."""
    vault = synthesized["prod-global-vault"]
    (provider,) = resources(vault, "google_iam_workload_identity_pool_provider")
    fed = resources(vault, "google_service_account_iam_member")["gcp_secrets_federation"]
    assert fed["member"].startswith("principal://iam.googleapis.com/")
    assert f"google_iam_workload_identity_pool_provider.{provider}" in fed["depends_on"]
