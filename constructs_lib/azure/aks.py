"""A private AKS cluster with Entra ID RBAC, KMS etcd encryption and separate node pools.

Resources (azurerm 4.55): azurerm_kubernetes_cluster, azurerm_kubernetes_cluster_node_pool,
azurerm_user_assigned_identity, azurerm_role_assignment, azurerm_key_vault,
azurerm_key_vault_key, azurerm_disk_encryption_set, azurerm_log_analytics_workspace,
azurerm_monitor_diagnostic_setting, azurerm_private_endpoint;
data source azurerm_client_config.

What is on without asking (each a named prop to turn off, never a missing one):
  - private cluster: the API server has a private IP in the VNet only, no public FQDN;
  - API Server VNet Integration: the API server sits behind an internal load balancer in the
    VNet's delegated `api-server` subnet (constructs_lib/azure/network.py);
  - secrets in etcd encrypted by the KMS plugin with an HSM-backed Key Vault key (RBAC-authorized
    premium vault, purge protection, 90-day soft delete) that rotates automatically. The vault is
    private: KMS in "Private" key-vault mode (AKS reaches it through a private endpoint of its own),
    a firewall that denies every network but the Terraform runner's (`key_vault_allowed_cidrs`,
    `key_vault_allowed_subnet_ids`; trusted Azure services bypass it, which covers the disk
    encryption set), public network access off when the runner has no public path, and a
    private endpoint in the VNet's private-endpoint subnet, registered in its
    privatelink.vaultcore.azure.net zone;
  - a user-assigned control-plane identity holding exactly these roles: Network Contributor on
    the node subnet and on the API server subnet, Key Vault Crypto User on the etcd key, and Key
    Vault Contributor on the vault (AKS creates its private link to a private vault with it).
    The kubelet identity AKS creates holds no role;
  - OIDC issuer and Microsoft Entra Workload ID;
  - Entra ID authentication with Azure RBAC for Kubernetes authorization, local accounts off;
  - Azure CNI overlay powered by Cilium, which enforces network policies (see NETWORK_POLICY);
  - kube-audit-admin, guard and control-plane logs in a Log Analytics workspace, container
    logs there too (Container Insights), and the Azure Policy add-on;
  - an automatic upgrade channel, node OS image upgrades, both inside a weekly window;
  - node disks encrypted with a customer key (disk encryption set, rotating HSM key) and
    encryption at host on every node (temp disks and caches encrypted too);
  - the Key Vault secrets CSI driver with secret rotation;
  - deletion protection: a CanNotDelete management lock (azurerm_management_lock) on the cluster
    and on its resource group (`deletion_protection`).
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from cdktf_cdktf_provider_azurerm.disk_encryption_set import DiskEncryptionSet, DiskEncryptionSetIdentity
from cdktf_cdktf_provider_azurerm.key_vault import KeyVault, KeyVaultNetworkAcls
from cdktf_cdktf_provider_azurerm.key_vault_key import (
    KeyVaultKey,
    KeyVaultKeyRotationPolicy,
    KeyVaultKeyRotationPolicyAutomatic,
)
from cdktf_cdktf_provider_azurerm.kubernetes_cluster import (
    KubernetesCluster,
    KubernetesClusterApiServerAccessProfile,
    KubernetesClusterAutoScalerProfile,
    KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl,
    KubernetesClusterDefaultNodePool,
    KubernetesClusterDefaultNodePoolUpgradeSettings,
    KubernetesClusterIdentity,
    KubernetesClusterKeyManagementService,
    KubernetesClusterKeyVaultSecretsProvider,
    KubernetesClusterMaintenanceWindowAutoUpgrade,
    KubernetesClusterMaintenanceWindowNodeOs,
    KubernetesClusterNetworkProfile,
    KubernetesClusterOmsAgent,
)
from cdktf_cdktf_provider_azurerm.kubernetes_cluster_node_pool import (
    KubernetesClusterNodePool,
    KubernetesClusterNodePoolUpgradeSettings,
)
from cdktf_cdktf_provider_azurerm.log_analytics_workspace import LogAnalyticsWorkspace
from cdktf_cdktf_provider_azurerm.management_lock import ManagementLock
from cdktf_cdktf_provider_azurerm.monitor_diagnostic_setting import (
    MonitorDiagnosticSetting,
    MonitorDiagnosticSettingEnabledLog,
)
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

from constructs_lib.azure.network import AzureClusterNetwork
from constructs_lib.azure.private_link import PrivateEndpointTo
from constructs_lib.maintenance import AKS_UPGRADE_CHANNELS, aks_weekly_window
from constructs_lib.specs import NodePoolSpec, to_aks

# Cilium (Azure CNI powered by Cilium) rather than Calico: the eBPF dataplane is the one GKE
# Dataplane V2 runs too, so NetworkPolicy behaves the same on both clouds; it is Microsoft's
# recommended dataplane for overlay clusters, and needs no extra policy engine pods.
NETWORK_POLICY = "cilium"

# Audit of every call that changes something (kube-audit-admin leaves out get/list, which
# dominate volume), Entra ID authentication decisions (guard), and the control plane.
AUDIT_LOG_CATEGORIES = (
    "kube-audit-admin",
    "guard",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "cluster-autoscaler",
)


class Aks(Construct):
    """One AKS cluster and its node pools.

    Props:
      name: cluster name and DNS prefix (`prod-azure-eastus`).
      key_vault_name: globally unique, 3-24 characters.
      network: the AzureClusterNetwork (resource group, node subnet).
      node_pools: specs; the one with role `system_role` becomes the default (system) pool.
      tenant_id: Entra ID tenant of the cluster's users.
      pods_cidr / services_cidr: overlay pod range and service range (outside the VNet).
      upgrade_channel: stable | regular | rapid (see maintenance.AKS_UPGRADE_CHANNELS).
      maintenance_day / maintenance_start_hour_utc / maintenance_duration_hours: weekly window.
      public_endpoint: True makes the API public, reachable from `authorized_cidrs` only.
      admin_group_object_ids: Entra groups that are cluster admins.
      creator_admin: True gives the identity applying the stack "Azure Kubernetes Service RBAC
        Cluster Admin". Off by default: stacks/access_stack.py grants the unified roles' Entra
        groups and the CI deploy identity explicitly.
      log_retention_days: Log Analytics retention (30..730).
      key_rotation_days: automatic rotation period of the etcd key.
      host_encryption: needs the subscription feature Microsoft.Compute/EncryptionAtHost.
      sku_tier: Standard (financially backed API SLA) or Free.
      max_pods_per_node: the Kubernetes default, written out (overlay allows up to 250).
      deletion_protection: AKS has no deletion-protection flag of its own, so Azure Resource
        Manager enforces it: a CanNotDelete lock on the cluster and one on its resource group.
        Locks apply to everything below their scope ("Lock your resources to protect your
        infrastructure", https://learn.microsoft.com/azure/azure-resource-manager/management/lock-resources;
        levels and notes (512 characters at most) per the REST API "Management Locks - Create Or
        Update By Scope"), so removing a node pool, a subnet or the cluster needs the prop set to
        False first (with its reason in the environment file). Left out: True.
      autoscaler_expander: which pool the autoscaler grows; least-waste (default) picks the one
        left with the least idle CPU/memory, so a GPU job does not land on a bigger GPU machine.
      scale_down_unneeded: how long a node idles before the autoscaler removes it.
      key_vault_allowed_cidrs / key_vault_allowed_subnet_ids: the public ranges and the subnets
        (Microsoft.KeyVault service endpoint) the Terraform runner creates the keys from; the
        vault's firewall admits only these. Both left out: public network access is off and the
        runner must reach the vault's private endpoint (runner.private_endpoints).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        kubernetes_version: str,
        network: AzureClusterNetwork,
        node_pools: Sequence[NodePoolSpec],
        key_vault_name: str,
        tenant_id: str,
        pods_cidr: str,
        services_cidr: str,
        tags: dict[str, str],
        system_role: str = "system",
        zones: Sequence[str] = ("1", "2", "3"),
        upgrade_channel: str = "stable",
        maintenance_day: str = "Sunday",
        maintenance_start_hour_utc: int = 3,
        maintenance_duration_hours: int = 12,
        public_endpoint: bool = False,
        authorized_cidrs: Sequence[str] = (),
        admin_group_object_ids: Sequence[str] = (),
        creator_admin: bool = False,
        log_retention_days: int = 365,
        key_rotation_days: int = 90,
        host_encryption: bool = True,
        sku_tier: str = "Standard",
        max_pods_per_node: int = 110,
        deletion_protection: bool = True,
        autoscaler_expander: str = "least-waste",
        scale_down_unneeded: str = "10m",
        key_vault_allowed_cidrs: Sequence[str] = (),
        key_vault_allowed_subnet_ids: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, id_)
        if public_endpoint and not authorized_cidrs:
            raise ValueError(f"Aks {name}: a public API needs authorized_cidrs; 0.0.0.0/0 is never implied")
        system = [s for s in node_pools if s.role == system_role]
        if len(system) != 1:
            raise ValueError(f"Aks {name}: exactly one node pool must have role {system_role!r}")
        rg = network.resource_group
        self._private = not public_endpoint
        current = DataAzurermClientConfig(self, "current")

        self.identity = UserAssignedIdentity(
            self,
            "control_plane_identity",
            name=f"id-{name}-control-plane",
            location=location,
            resource_group_name=rg.name,
            tags=tags,
        )

        def control_plane_grant(id_: str, scope: str, role: str) -> RoleAssignment:
            """`role` on `scope` for the cluster's control-plane identity."""
            return RoleAssignment(
                self,
                id_,
                scope=scope,
                role_definition_name=role,
                principal_id=self.identity.principal_id,
                principal_type="ServicePrincipal",
            )

        subnet_access = control_plane_grant(
            "control_plane_subnet_access", network.node_subnet.id, "Network Contributor"
        )
        # "The cluster identity needs permissions to both the API server subnet and the node
        # subnet. Lack of permissions at the API server subnet can cause a provisioning failure."
        # (learn.microsoft.com/azure/aks/api-server-vnet-integration, bring-your-own VNet)
        api_subnet_access = control_plane_grant(
            "control_plane_api_subnet_access", network.api_server_subnet.id, "Network Contributor"
        )

        # A private key vault for KMS (learn.microsoft.com/azure/aks/use-kms-etcd-encryption, "Turn
        # on KMS for a private key vault"): it needs API Server VNet Integration (Konnectivity is
        # not supported for private vaults), AKS creates its own private endpoint to the vault in
        # the node resource group, and the cluster identity needs Key Vault Contributor on the
        # vault for that private link. The firewall admits only the runner, which creates the
        # keys through the data plane ("creating or updating keys in a private key vault that
        # doesn't have a private endpoint isn't supported": the endpoint below is the runner's
        # path when it has no public one). Access is by Entra ID RBAC only.
        runner_path = bool(key_vault_allowed_cidrs or key_vault_allowed_subnet_ids)
        self.key_vault = KeyVault(
            self,
            "key_vault",
            name=key_vault_name,
            location=location,
            resource_group_name=rg.name,
            tenant_id=tenant_id,
            sku_name="premium",  # HSM-protected keys
            rbac_authorization_enabled=True,
            purge_protection_enabled=True,
            soft_delete_retention_days=90,
            # On only to admit the runner's listed networks: default Deny still refuses the rest
            # (the same rule as Vault's unseal vault, constructs_lib/vault/unseal.py).
            public_network_access_enabled=runner_path,
            network_acls=KeyVaultNetworkAcls(
                default_action="Deny",
                # Trusted services include Azure compute: the disk encryption set's key access
                # (learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints).
                bypass="AzureServices",
                ip_rules=list(key_vault_allowed_cidrs) or None,
                virtual_network_subnet_ids=list(key_vault_allowed_subnet_ids) or None,
            ),
            tags=tags,
        )
        self.key_vault_endpoint = PrivateEndpointTo(
            self,
            "key_vault_endpoint",
            name=f"pe-{key_vault_name}",
            location=location,
            resource_group_name=rg.name,
            subnet_id=network.private_endpoint_subnet.id,
            resource_id=self.key_vault.id,
            subresource="vault",
            dns_zone_ids=network.private_link_dns.zone_ids,
            tags=tags,
        )
        private_link_access = control_plane_grant(
            "control_plane_key_vault_private_link", self.key_vault.id, "Key Vault Contributor"
        )
        deployer_keys = RoleAssignment(
            self,
            "deployer_key_officer",
            scope=self.key_vault.id,
            role_definition_name="Key Vault Crypto Officer",
            principal_id=current.object_id,
        )

        def hsm_key(id_: str, key_name: str, key_opts: list[str]) -> KeyVaultKey:
            """An RSA-HSM key in the cluster's vault, rotated every `key_rotation_days`."""
            return KeyVaultKey(
                self,
                id_,
                name=key_name,
                key_vault_id=self.key_vault.id,
                key_type="RSA-HSM",
                key_size=2048,
                key_opts=key_opts,
                rotation_policy=KeyVaultKeyRotationPolicy(
                    automatic=KeyVaultKeyRotationPolicyAutomatic(time_after_creation=f"P{key_rotation_days}D")
                ),
                tags=tags,
                depends_on=[deployer_keys, self.key_vault_endpoint.endpoint],
                # Never configured; a date set outside Terraform would force a replacement
                # (azurerm v4.55.0 key_vault_key_resource.go, ForceNewIfChange("expiration_date")).
                lifecycle=TerraformResourceLifecycle(ignore_changes=["expiration_date"]),
            )

        # No expiry: the cluster decrypts with the version it was given until Terraform hands it
        # the rotated one (key_vault_key_id below follows the latest version).
        self.etcd_key = hsm_key("etcd_key", "aks-etcd", ["decrypt", "encrypt", "unwrapKey", "wrapKey"])
        # Node OS and data disks: encrypted with a customer key too (the disk encryption set
        # follows the key's latest version by itself).
        self.disk_key = hsm_key("disk_key", "aks-disks", ["unwrapKey", "wrapKey"])
        self.disk_encryption_set = DiskEncryptionSet(
            self,
            "disk_encryption_set",
            name=f"des-{name}",
            location=location,
            resource_group_name=rg.name,
            key_vault_key_id=self.disk_key.versionless_id,
            auto_key_rotation_enabled=True,
            encryption_type="EncryptionAtRestWithCustomerKey",
            identity=DiskEncryptionSetIdentity(type="SystemAssigned"),
            tags=tags,
        )
        # Both grants are scoped to the one key each identity uses, not to the vault.
        disk_key_access = RoleAssignment(
            self,
            "disk_encryption_key_access",
            scope=self.disk_key.resource_versionless_id,
            role_definition_name="Key Vault Crypto Service Encryption User",
            principal_id=self.disk_encryption_set.identity.principal_id,
            principal_type="ServicePrincipal",
        )
        key_access = control_plane_grant(
            "control_plane_key_access", self.etcd_key.resource_versionless_id, "Key Vault Crypto User"
        )

        self.workspace = LogAnalyticsWorkspace(
            self,
            "audit_logs",
            name=f"log-{name}",
            location=location,
            resource_group_name=rg.name,
            sku="PerGB2018",
            retention_in_days=log_retention_days,
            tags=tags,
        )
        window = aks_weekly_window(maintenance_day, maintenance_start_hour_utc, maintenance_duration_hours)
        sys_args = to_aks(system[0], default_pool=True)
        self.cluster = KubernetesCluster(
            self,
            "cluster",
            name=name,
            location=location,
            resource_group_name=rg.name,
            dns_prefix=name,
            kubernetes_version=kubernetes_version,
            sku_tier=sku_tier,
            private_cluster_enabled=not public_endpoint,
            private_cluster_public_fqdn_enabled=False,
            private_dns_zone_id="System" if not public_endpoint else None,
            # azurerm v4.55.0 internal/services/containers/kubernetes_cluster_resource.go:
            # api_server_access_profile { virtual_network_integration_enabled, subnet_id,
            # authorized_ip_ranges } (EnableVnetIntegration / SubnetId of the API). Setting
            # subnet_id updates in place; only removing it replaces the cluster
            # (ForceNewIfChange("api_server_access_profile.0.subnet_id"), old != "" && new == "").
            api_server_access_profile=KubernetesClusterApiServerAccessProfile(
                virtual_network_integration_enabled=True,
                subnet_id=network.api_server_subnet.id,
                authorized_ip_ranges=list(authorized_cidrs) if public_endpoint else None,
            ),
            identity=KubernetesClusterIdentity(type="UserAssigned", identity_ids=[self.identity.id]),
            oidc_issuer_enabled=True,
            workload_identity_enabled=True,
            role_based_access_control_enabled=True,
            local_account_disabled=True,
            azure_active_directory_role_based_access_control=KubernetesClusterAzureActiveDirectoryRoleBasedAccessControl(
                azure_rbac_enabled=True,
                tenant_id=tenant_id,
                admin_group_object_ids=list(admin_group_object_ids) or None,
            ),
            # "Private": the provider then resolves the vault's resource id from the key's URL and
            # sends it as KeyVaultResourceId (kubernetes_cluster_resource.go,
            # expandKubernetesClusterAzureKeyVaultKms). KMS cannot switch a vault between public
            # and private while on (use-kms-etcd-encryption, Limitations).
            key_management_service=KubernetesClusterKeyManagementService(
                key_vault_key_id=self.etcd_key.id, key_vault_network_access="Private"
            ),
            network_profile=KubernetesClusterNetworkProfile(
                network_plugin="azure",
                network_plugin_mode="overlay",
                network_data_plane="cilium",
                network_policy=NETWORK_POLICY,
                pod_cidr=pods_cidr,
                service_cidr=services_cidr,
                dns_service_ip=_dns_service_ip(services_cidr),
                load_balancer_sku="standard",
                outbound_type="loadBalancer",
            ),
            automatic_upgrade_channel=AKS_UPGRADE_CHANNELS[upgrade_channel],
            node_os_upgrade_channel="NodeImage",
            maintenance_window_auto_upgrade=KubernetesClusterMaintenanceWindowAutoUpgrade(**window),
            maintenance_window_node_os=KubernetesClusterMaintenanceWindowNodeOs(**window),
            disk_encryption_set_id=self.disk_encryption_set.id,
            # Apps that mount Key Vault secrets get them re-read when they rotate.
            key_vault_secrets_provider=KubernetesClusterKeyVaultSecretsProvider(secret_rotation_enabled=True),
            oms_agent=KubernetesClusterOmsAgent(
                log_analytics_workspace_id=self.workspace.id, msi_auth_for_monitoring_enabled=True
            ),
            azure_policy_enabled=True,
            image_cleaner_enabled=True,
            # azurerm 4.55 kubernetes_cluster docs, auto_scaler_profile. Fields left out are sent as
            # zero values ("Terraform sends the zero-value (false) whenever an auto_scaler_profile
            # block is present"), so the ones that matter are written out.
            auto_scaler_profile=KubernetesClusterAutoScalerProfile(
                expander=autoscaler_expander,
                balance_similar_node_groups=True,  # spread a pool's nodes over the zones
                scale_down_unneeded=scale_down_unneeded,
                scale_down_utilization_threshold="0.5",
                skip_nodes_with_local_storage=False,  # emptyDir pods must not pin a GPU node
                skip_nodes_with_system_pods=True,
            ),
            image_cleaner_interval_hours=48,
            default_node_pool=KubernetesClusterDefaultNodePool(
                **sys_args,
                vnet_subnet_id=network.node_subnet.id,
                zones=list(zones),
                orchestrator_version=kubernetes_version,
                host_encryption_enabled=host_encryption,
                temporary_name_for_rotation=f"{system_role[:8]}tmp",
                max_pods=max_pods_per_node,
                upgrade_settings=KubernetesClusterDefaultNodePoolUpgradeSettings(max_surge="33%"),
                tags={**tags, "pool": system_role},
            ),
            tags=tags,
            depends_on=[subnet_access, api_subnet_access, key_access, private_link_access, disk_key_access],
        )

        MonitorDiagnosticSetting(
            self,
            "audit_logs_setting",
            name="audit-to-log-analytics",
            target_resource_id=self.cluster.id,
            log_analytics_workspace_id=self.workspace.id,
            log_analytics_destination_type="Dedicated",
            enabled_log=[MonitorDiagnosticSettingEnabledLog(category=c) for c in AUDIT_LOG_CATEGORIES],
        )
        if creator_admin:
            RoleAssignment(
                self,
                "deployer_cluster_admin",
                scope=self.cluster.id,
                role_definition_name="Azure Kubernetes Service RBAC Cluster Admin",
                principal_id=current.object_id,
            )

        self.node_pools: dict[str, KubernetesClusterNodePool] = {}
        for spec in node_pools:
            if spec.role == system_role:
                continue
            args = to_aks(spec)
            self.node_pools[spec.role] = KubernetesClusterNodePool(
                self,
                f"{spec.role}_pool",
                kubernetes_cluster_id=self.cluster.id,
                vnet_subnet_id=network.node_subnet.id,
                zones=list(zones),
                orchestrator_version=kubernetes_version,
                host_encryption_enabled=host_encryption,
                max_pods=max_pods_per_node,
                # A change to vm_size, zones, max_pods, os disk... cycles the pool through a temporary
                # one and fails without this name (azurerm v4.55.0 containers/
                # kubernetes_cluster_node_pool_resource.go, cycleNodePoolProperties).
                temporary_name_for_rotation=f"{spec.role[:8]}tmp",
                # Spot pools cannot surge; on-demand pools replace a third of their nodes at a time.
                upgrade_settings=None
                if spec.spot
                else KubernetesClusterNodePoolUpgradeSettings(max_surge="33%"),
                tags={**tags, "pool": spec.role},
                lifecycle=TerraformResourceLifecycle(ignore_changes=["node_count"]),  # the autoscaler's
                **args,
            )

        self.locks: list[ManagementLock] = []
        if deletion_protection:
            for lock_id, target, what in (
                ("cluster_lock", self.cluster.id, "cluster"),
                ("resource_group_lock", rg.id, "resource group"),
            ):
                self.locks.append(
                    ManagementLock(
                        self,
                        lock_id,
                        name="deletion-protection",
                        scope=target,
                        lock_level="CanNotDelete",
                        notes=f"Deletion protection of AKS cluster {name} ({what}); set "
                        "security.deletion_protection: false with a reason to remove it.",
                    )
                )

    @property
    def kubelet_object_id(self) -> str:
        """Object id of the kubelet identity AKS creates: the identity that pulls images."""
        return self.cluster.kubelet_identity.object_id

    @property
    def endpoint(self) -> str:
        return f"https://{self.cluster.private_fqdn}" if self._private else f"https://{self.cluster.fqdn}"

    @property
    def ca_certificate(self) -> str:
        return self.cluster.kube_config.get(0).cluster_ca_certificate

    @property
    def oidc_issuer_url(self) -> str:
        return self.cluster.oidc_issuer_url


def _dns_service_ip(services_cidr: str) -> str:
    """The tenth address of the service range, AKS's own convention (10.0.0.10 in 10.0.0.0/16)."""
    return str(IPv4Network(services_cidr)[10])
