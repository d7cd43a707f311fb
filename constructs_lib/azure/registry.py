"""An Azure Container Registry of one jurisdiction: Premium, zone-redundant, geo-replicated only to
the jurisdiction's other regions, pulled by the AKS kubelet identities through AcrPull, reachable only through private endpoints.

Resources (azurerm 4.55): azurerm_resource_group, azurerm_container_registry (sku, georeplications,
admin_enabled, zone_redundancy_enabled, retention_policy_in_days), azurerm_role_assignment (docs:
registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/container_registry).

What ACR cannot do here (README): tag immutability is a per-repository/per-tag lock
(`az acr repository update --write-enabled false`), not a registry setting azurerm exposes; scan on
push is Microsoft Defender for Containers, a subscription-level plan, not a registry argument.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_azurerm.container_registry import (
    ContainerRegistry,
    ContainerRegistryGeoreplications,
)
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from constructs import Construct


class AzureContainerRegistry(Construct):
    """Props:
    name: registry name (5-50 letters and digits, global).
    location / replica_locations: home region and geo-replicas (regions of one jurisdiction).
    pull_principal_ids: cluster name -> object id of its AKS kubelet identity, granted AcrPull on this registry.
    untagged_retention_days: untagged manifests are deleted after this many days.
    public_network_access: False (default): the registry answers only its private endpoints
        (stacks/registry_stack.py puts one in every AKS VNet it serves); trusted Azure services
        (`network_rule_bypass_option`, AzureServices by default) still reach it, `az acr import`
        among them. True opens the public endpoint to every network: a push path from outside
        the VNets needs it, with a reason.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        tags: dict[str, str],
        replica_locations: Sequence[str] = (),
        pull_principal_ids: Mapping[str, str] | None = None,
        untagged_retention_days: int = 30,
        public_network_access: bool = False,
    ) -> None:
        super().__init__(scope, id_)
        self.resource_group = ResourceGroup(
            self, "resource_group", name=f"{name}-rg", location=location, tags=tags
        )
        self.registry = ContainerRegistry(
            self,
            "registry",
            name=name,
            resource_group_name=self.resource_group.name,
            location=location,
            sku="Premium",  # geo-replication, zone redundancy and retention policies are Premium-only
            admin_enabled=False,  # no shared admin password: Entra identities only
            anonymous_pull_enabled=False,
            public_network_access_enabled=public_network_access,
            zone_redundancy_enabled=True,
            data_endpoint_enabled=True,  # per-region data endpoints: firewall rules name exact hosts
            retention_policy_in_days=untagged_retention_days,
            georeplications=[
                ContainerRegistryGeoreplications(location=loc, zone_redundancy_enabled=True, tags=tags)
                for loc in replica_locations
            ]
            or None,
            tags=tags,
        )
        for cluster, principal in sorted((pull_principal_ids or {}).items()):
            RoleAssignment(
                self,
                f"pull_{cluster.replace('-', '_')}",
                scope=self.registry.id,
                role_definition_name="AcrPull",
                principal_id=principal,
                principal_type="ServicePrincipal",
            )
