"""Who may use an AKS cluster (Entra ID RBAC), and the one way an operator reaches its private
API (Azure Bastion with native-client tunnelling).

Resources (azurerm 4.55): azurerm_role_assignment, azurerm_subnet, azurerm_public_ip,
azurerm_bastion_host, azurerm_network_security_group, azurerm_network_security_rule,
azurerm_subnet_network_security_group_association.

Access: clusters run with `azure_rbac_enabled` and local accounts disabled, so a role
assignment on the cluster is the whole grant (learn.microsoft.com/en-us/azure/aks/manage-azure-rbac):
one Kubernetes role per principal plus "Azure Kubernetes Service Cluster User Role" to fetch
the (Entra-only) kubeconfig.

Operator path: Bastion Standard with tunnelling and IP connect in `AzureBastionSubnet` of the
cluster's VNet; `az aks bastion` (or `az network bastion tunnel --target-ip-address <API IP>
--resource-port 443 --port 8443`) forwards the private API; sessions are logged in the Bastion's
audit log (BastionAuditLogs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_azurerm.bastion_host import BastionHost, BastionHostIpConfiguration
from cdktf_cdktf_provider_azurerm.public_ip import PublicIp
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.subnet import Subnet
from constructs import Construct

from constructs_lib.azure.nsg import NsgRule, SubnetNsg

AKS_RBAC_ROLES = {
    "admin": "Azure Kubernetes Service RBAC Cluster Admin",
    "edit": "Azure Kubernetes Service RBAC Writer",
    "view": "Azure Kubernetes Service RBAC Reader",
}
CLUSTER_USER_ROLE = "Azure Kubernetes Service Cluster User Role"
BASTION_SUBNET = "AzureBastionSubnet"  # Azure requires this exact name, /26 or larger

# "Configure NSG rules for Azure Bastion" (learn.microsoft.com/azure/bastion/bastion-nsg): an NSG
# on AzureBastionSubnet must hold every one of these rules ("omitting any rule blocks your Bastion
# host from receiving platform updates"), names, sources, destinations, ports and protocols as
# the page's table gives them. HTTPS from the Internet is the operators' way in (Entra ID sign-in
# and Reader on the Bastion guard it); the tunnel to the API server's port 443 leaves through the
# default AllowVnetOutBound rule.
BASTION_NSG_RULES = (
    NsgRule("AllowHttpsInbound", 120, "Inbound", "Internet", "*", ("443",)),
    NsgRule("AllowGatewayManagerInbound", 130, "Inbound", "GatewayManager", "*", ("443",)),
    NsgRule("AllowAzureLoadBalancerInbound", 140, "Inbound", "AzureLoadBalancer", "*", ("443",)),
    NsgRule(
        "AllowBastionHostCommunication",
        150,
        "Inbound",
        "VirtualNetwork",
        "VirtualNetwork",
        ("8080", "5701"),
        "*",
    ),
    NsgRule("AllowSshRdpOutbound", 100, "Outbound", "*", "VirtualNetwork", ("22", "3389"), "*"),
    NsgRule("AllowAzureCloudOutbound", 110, "Outbound", "*", "AzureCloud", ("443",)),
    NsgRule(
        "AllowBastionCommunication",
        120,
        "Outbound",
        "VirtualNetwork",
        "VirtualNetwork",
        ("8080", "5701"),
        "*",
    ),
    NsgRule("AllowHttpOutbound", 130, "Outbound", "*", "Internet", ("80",), "*"),
)


class AksAccess(Construct):
    """Props: cluster_id; principals: logical name -> (object id, admin|edit|view, principal type)."""

    def __init__(
        self, scope: Construct, id_: str, *, cluster_id: str, principals: Mapping[str, tuple[str, str, str]]
    ) -> None:
        super().__init__(scope, id_)
        for name, (object_id, level, principal_type) in principals.items():
            key = name.replace("-", "_")
            for suffix, role in (("rbac", AKS_RBAC_ROLES[level]), ("user", CLUSTER_USER_ROLE)):
                RoleAssignment(
                    self,
                    f"{key}_{suffix}",
                    scope=cluster_id,
                    role_definition_name=role,
                    principal_id=object_id,
                    principal_type=principal_type,
                )


class BastionApiPath(Construct):
    """Props: name, location, resource_group_name, virtual_network_name, subnet_cidr (/26),
    zones, tags, users (logical name -> (object id, principal type)): who may open tunnels;
    Bastion requires Reader on the Bastion resource."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        resource_group_name: str,
        virtual_network_name: str,
        subnet_cidr: str,
        tags: dict[str, str],
        zones: Sequence[str] = ("1", "2", "3"),
        users: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(scope, id_)
        subnet = Subnet(
            self,
            "subnet",
            name=BASTION_SUBNET,
            resource_group_name=resource_group_name,
            virtual_network_name=virtual_network_name,
            address_prefixes=[subnet_cidr],
        )
        self.nsg = SubnetNsg(
            self,
            "nsg",
            name=f"nsg-{name}-bastion",
            location=location,
            resource_group_name=resource_group_name,
            subnet_id=subnet.id,
            rules=BASTION_NSG_RULES,
            tags=tags,
        )
        ip = PublicIp(
            self,
            "public_ip",
            name=f"pip-{name}-bastion",
            location=location,
            resource_group_name=resource_group_name,
            allocation_method="Static",
            sku="Standard",
            zones=list(zones),
            tags=tags,
        )
        self.bastion = BastionHost(
            self,
            "bastion",
            name=f"bas-{name}",
            location=location,
            resource_group_name=resource_group_name,
            sku="Standard",
            tunneling_enabled=True,  # native client: az network bastion tunnel / az aks bastion
            ip_connect_enabled=True,  # reach the API server's private IP, not only VMs
            copy_paste_enabled=False,
            file_copy_enabled=False,
            shareable_link_enabled=False,
            ip_configuration=BastionHostIpConfiguration(
                name="bastion", subnet_id=subnet.id, public_ip_address_id=ip.id
            ),
            tags=tags,
            depends_on=[self.nsg.association],
        )
        for key, (object_id, principal_type) in (users or {}).items():
            RoleAssignment(
                self,
                f"{key}_reader",
                scope=self.bastion.id,
                role_definition_name="Reader",
                principal_id=object_id,
                principal_type=principal_type,
            )
