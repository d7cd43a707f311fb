"""Which attribute changes make Terraform destroy and recreate a resource (``ForceNew``).

A small, hand-kept table for the resources whose replacement hurts: clusters, node pools,
buckets, storage accounts and keys. Paths are canonical (list indexes removed) and match an
attribute or anything below it. The entries were read from the providers' schemas
(``ForceNew: true``), for the versions inside the pinned prebuilt bindings:

- aws 6.x: ``internal/service/eks/cluster.go``, ``eks/node_group.go``, ``kms/key.go``;
  ``aws_s3_bucket`` ``bucket``/``bucket_prefix``/``object_lock_enabled``; ``region``, the
  per-resource region argument that aws 6 added.
- google 6.x: ``services/container/resource_container_cluster.go``,
  ``resource_container_node_pool.go``, ``node_config.go``; bucket ``name``/``location``/``project``;
  ``google_kms_crypto_key`` ``name``/``key_ring``/``purpose``/``import_only``/
  ``skip_initial_version_creation``.
- azurerm 4.x: ``services/containers/kubernetes_cluster_resource.go``,
  ``kubernetes_cluster_node_pool_resource.go``; the storage account and key vault key docs
  ("Changing this forces a new resource to be created").

Attributes that are ``Optional`` and ``Computed`` keep their old value when they are removed from
the configuration, so a removal is reported as "may force replacement", a change as "forces".
The table is deliberately incomplete: an attribute missing here is reported as a plain change,
and ``terraform plan`` stays the authority. Extend it when a review misses a replacement.
"""

from __future__ import annotations

from review.diff import MISSING, AttrChange

_GKE_NODE_CONFIG_FORCE_NEW = (
    "guest_accelerator",
    "local_ssd_count",
    "ephemeral_storage_local_ssd_config",
    "local_nvme_ssd_block_config",
    "secondary_boot_disks",
    "gcfs_config",
    "gvnic",
    "metadata",
    "min_cpu_platform",
    "oauth_scopes",
    "preemptible",
    "spot",
    "reservation_affinity",
    "service_account",
    "shielded_instance_config",
    "boot_disk_kms_key",
)

FORCE_NEW: dict[str, tuple[str, ...]] = {
    # --- clusters -------------------------------------------------------------------------
    "aws_eks_cluster": (
        "name",
        "role_arn",
        "bootstrap_self_managed_addons",
        "access_config.bootstrap_cluster_creator_admin_permissions",
        "kubernetes_network_config.ip_family",
        "kubernetes_network_config.service_ipv4_cidr",
        "outpost_config",
        "remote_network_config",
    ),
    "google_container_cluster": (
        "name",
        "location",
        "project",
        "network",
        "subnetwork",
        "description",
        "cluster_ipv4_cidr",
        "networking_mode",
        "datapath_provider",
        "default_max_pods_per_node",
        "enable_autopilot",
        "enable_kubernetes_alpha",
        "enable_tpu",
        "initial_node_count",
        "confidential_nodes",
        "master_auth.client_certificate_config",
        "ip_allocation_policy.cluster_ipv4_cidr_block",
        "ip_allocation_policy.services_ipv4_cidr_block",
        "ip_allocation_policy.cluster_secondary_range_name",
        "ip_allocation_policy.services_secondary_range_name",
        "private_cluster_config.enable_private_nodes",
        "private_cluster_config.master_ipv4_cidr_block",
        "private_cluster_config.private_endpoint_subnetwork",
        # "node pools defined inside a cluster can't be changed (or added/removed) after
        # cluster creation without deleting and recreating the entire cluster"
        "node_pool",
        *(f"node_config.{a}" for a in _GKE_NODE_CONFIG_FORCE_NEW),
    ),
    "azurerm_kubernetes_cluster": (
        "name",
        "location",
        "resource_group_name",
        "dns_prefix",
        "dns_prefix_private_cluster",
        "edge_zone",
        "disk_encryption_set_id",
        "node_resource_group",
        "private_cluster_enabled",
        "private_dns_zone_id",
        "role_based_access_control_enabled",
        "kubelet_identity",
        "linux_profile.admin_username",
        "linux_profile.ssh_key.key_data",
        "windows_profile.admin_username",
        "network_profile.network_plugin",
        "network_profile.network_mode",
        "network_profile.dns_service_ip",
        "network_profile.pod_cidr",
        "network_profile.pod_cidrs",
        "network_profile.service_cidr",
        "network_profile.service_cidrs",
        "network_profile.load_balancer_sku",
        "network_profile.ip_versions",
    ),
    # --- node pools -----------------------------------------------------------------------
    "aws_eks_node_group": (
        "cluster_name",
        "node_group_name",
        "node_group_name_prefix",
        "node_role_arn",
        "subnet_ids",
        "ami_type",
        "capacity_type",
        "disk_size",
        "instance_types",
        "launch_template.id",
        "launch_template.name",
        "remote_access",
    ),
    "google_container_node_pool": (
        "name",
        "name_prefix",
        "cluster",
        "location",
        "project",
        "initial_node_count",
        "max_pods_per_node",
        "placement_policy",
        "queued_provisioning",
        "network_config.create_pod_range",
        "network_config.pod_range",
        "network_config.pod_ipv4_cidr_block",
        "network_config.subnetwork",
        "network_config.additional_node_network_configs",
        "network_config.additional_pod_network_configs",
        "network_config.pod_cidr_overprovision_config",
        *(f"node_config.{a}" for a in _GKE_NODE_CONFIG_FORCE_NEW),
    ),
    "azurerm_kubernetes_cluster_node_pool": (
        "name",
        "kubernetes_cluster_id",
        "os_type",
        "priority",
        "eviction_policy",
        "spot_max_price",
        "gpu_instance",
        "gpu_driver",
        "host_group_id",
        "capacity_reservation_group_id",
        "proximity_placement_group_id",
        "node_public_ip_prefix_id",
        "windows_profile",
    ),
    # --- storage --------------------------------------------------------------------------
    "aws_s3_bucket": ("bucket", "bucket_prefix", "object_lock_enabled", "region"),
    "google_storage_bucket": ("name", "location", "project"),
    "azurerm_storage_account": (
        "name",
        "location",
        "resource_group_name",
        "account_kind",
        "account_tier",
        "edge_zone",
        "is_hns_enabled",
        "nfsv3_enabled",
        "infrastructure_encryption_enabled",
        "queue_encryption_key_type",
        "table_encryption_key_type",
    ),
    # --- keys -----------------------------------------------------------------------------
    "aws_kms_key": (
        "customer_master_key_spec",
        "key_usage",
        "multi_region",
        "custom_key_store_id",
        "xks_key_id",
        "region",
    ),
    "google_kms_crypto_key": ("name", "key_ring", "purpose", "import_only", "skip_initial_version_creation"),
    "azurerm_key_vault_key": ("name", "key_vault_id", "key_type", "key_size", "curve"),
}

# AKS node pools are not replaced as Terraform resources when these change, but the provider
# cycles them through `temporary_name_for_rotation`: every node is recreated, without cordon
# and drain (azurerm_kubernetes_cluster_node_pool docs, 4.x).
_AKS_ROTATION = (
    "fips_enabled",
    "host_encryption_enabled",
    "kubelet_config",
    "kubelet_disk_type",
    "linux_os_config",
    "max_pods",
    "node_public_ip_enabled",
    "os_disk_size_gb",
    "os_disk_type",
    "pod_subnet_id",
    "snapshot_id",
    "ultra_ssd_enabled",
    "vm_size",
    "vnet_subnet_id",
    "zones",
)
CYCLES_NODES: dict[str, tuple[str, ...]] = {
    "azurerm_kubernetes_cluster_node_pool": _AKS_ROTATION,
    "azurerm_kubernetes_cluster": tuple(f"default_node_pool.{a}" for a in ("name", *_AKS_ROTATION)),
}


def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


def matches(change_path: tuple[str, ...], rule_path: tuple[str, ...]) -> bool:
    """True if the change touches the rule's attribute: the attribute itself, something below
    it, or a parent leaf that contains it (a whole block written as one value)."""
    n = min(len(change_path), len(rule_path))
    return change_path[:n] == rule_path[:n]


def _exempt(resource_type: str, change: AttrChange) -> bool:
    # Upgrading a general-purpose v1 account to v2 happens in place (azurerm docs).
    return (
        resource_type == "azurerm_storage_account"
        and change.canonical == ("account_kind",)
        and change.before == "Storage"
        and change.after == "StorageV2"
    )


def _verb(change: AttrChange) -> str:
    if change.before is MISSING:
        return "set"
    if change.after is MISSING:
        return "removed"
    return "changed"


def forced_replacements(resource_type: str, changes: tuple[AttrChange, ...]) -> list[str]:
    """Human-readable reasons why this change set replaces the resource (empty: it does not)."""
    reasons: list[str] = []
    seen: set[str] = set()
    for change in changes:
        if _exempt(resource_type, change):
            continue
        for rule in FORCE_NEW.get(resource_type, ()):
            if matches(change.canonical, _split(rule)) and rule not in seen:
                seen.add(rule)
                strength = "may force" if change.after is MISSING else "forces"
                reasons.append(f"`{change.dotted}` {_verb(change)} ({strength} replacement)")
                break
    reasons.extend(_conditional_replacements(resource_type, changes))
    return reasons


def _conditional_replacements(resource_type: str, changes: tuple[AttrChange, ...]) -> list[str]:
    """Replacements the providers decide in a CustomizeDiff, not in the schema."""
    out: list[str] = []
    canon = {c.canonical[:1] for c in changes}
    if resource_type == "aws_eks_cluster" and ("encryption_config",) in canon:
        # "You cannot disable envelope encryption after enabling it" -> ForceNewIfChange.
        gone = all(c.after is MISSING for c in changes if c.canonical[:1] == ("encryption_config",))
        if gone:
            out.append(
                "`encryption_config` removed (EKS cannot turn envelope encryption off: forces replacement)"
            )
    if resource_type == "google_container_cluster":
        for flag in ("enable_l4_ilb_subsetting", "enable_fqdn_network_policy"):
            for c in changes:
                if c.canonical == (flag,) and c.before is True and c.after is not True:
                    out.append(f"`{flag}` turned off (forces replacement once enabled)")
    return out


def node_rotations(resource_type: str, changes: tuple[AttrChange, ...]) -> list[str]:
    """Attributes whose change recreates every node of an AKS node pool."""
    found = []
    for change in changes:
        for rule in CYCLES_NODES.get(resource_type, ()):
            if matches(change.canonical, _split(rule)):
                found.append(f"`{change.dotted}`")
                break
    return found
