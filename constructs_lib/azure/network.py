"""An Azure resource group and VNet for one AKS cluster, with the VNet's GatewaySubnet.

Resources (azurerm 4.55): azurerm_resource_group, azurerm_virtual_network, azurerm_subnet,
azurerm_network_security_group, azurerm_network_security_rule,
azurerm_subnet_network_security_group_association.
"""

from __future__ import annotations

from cdktf_cdktf_provider_azurerm.network_security_group import NetworkSecurityGroup
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.subnet import (
    Subnet,
    SubnetDelegation,
    SubnetDelegationServiceDelegation,
)
from cdktf_cdktf_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from cdktf_cdktf_provider_azurerm.virtual_network import VirtualNetwork
from constructs import Construct

from constructs_lib.azure.nsg import NsgRule, SubnetNsg
from constructs_lib.azure.private_link import PrivateLinkDns
from constructs_lib.cidrs import api_server_cidr, private_endpoint_cidr, split_vnet_cidr

# Azure finds the subnet of ExpressRoute and VPN gateways by this exact name.
GATEWAY_SUBNET_NAME = "GatewaySubnet"

# API Server VNet Integration projects the API server into a subnet delegated to AKS
# (learn.microsoft.com/azure/aks/api-server-vnet-integration, "bring-your-own VNet"); the action is
# the one the provider's own acceptance test delegates (azurerm v4.55.0
# internal/services/containers/kubernetes_cluster_network_resource_test.go,
# apiServerVnetIntegrationConfig).
API_SERVER_DELEGATION = "Microsoft.ContainerService/managedClusters"
API_SERVER_DELEGATION_ACTIONS = ("Microsoft.Network/virtualNetworks/subnets/join/action",)


class AzureClusterNetwork(Construct):
    """Resource group, VNet, node subnet (with its own NSG, no default outbound access: egress
    goes through the cluster's load balancer) and an empty GatewaySubnet for the interconnect's
    ExpressRoute / VPN gateways (Azure forbids an NSG there), a private-endpoint subnet with its NSG
    and the Private Link DNS zones (blob, dfs, vault, registry) linked to the VNet: the data lake
    of the region and the jurisdiction's container registry put their private endpoints there
    (stacks/datalake_stack.py, stacks/registry_stack.py), and the API server subnet
    delegated to AKS for API Server VNet Integration (constructs_lib/azure/aks.py), with its NSG.

    Props:
      name: resource names derive from it (`rg-<name>`, `vnet-<name>`).
      location: Azure region.
      cidr: the VNet's address space, split by `split_vnet_cidr`.
    """

    def __init__(
        self, scope: Construct, id_: str, *, name: str, location: str, cidr: str, tags: dict[str, str]
    ) -> None:
        super().__init__(scope, id_)
        nodes_cidr, gateway_cidr = split_vnet_cidr(cidr)
        self.resource_group = ResourceGroup(
            self, "resource_group", name=f"rg-{name}", location=location, tags=tags
        )
        self.vnet = VirtualNetwork(
            self,
            "vnet",
            name=f"vnet-{name}",
            location=location,
            resource_group_name=self.resource_group.name,
            address_space=[cidr],
            tags=tags,
        )
        self.node_subnet = Subnet(
            self,
            "nodes",
            name="nodes",
            resource_group_name=self.resource_group.name,
            virtual_network_name=self.vnet.name,
            address_prefixes=[nodes_cidr],
            default_outbound_access_enabled=False,
            # Vault servers on these nodes reach the unseal Key Vault, whose firewall admits this
            # subnet (Key Vault network security: virtual network service endpoints).
            service_endpoints=["Microsoft.KeyVault"],
        )
        nsg = NetworkSecurityGroup(
            self,
            "nodes_nsg",
            name=f"nsg-{name}-nodes",
            location=location,
            resource_group_name=self.resource_group.name,
            tags=tags,
        )
        SubnetNetworkSecurityGroupAssociation(
            self, "nodes_nsg_association", subnet_id=self.node_subnet.id, network_security_group_id=nsg.id
        )
        # Private endpoints of the data planes (data lake storage and key vaults), issue #13.
        self.private_endpoint_subnet = Subnet(
            self,
            "private_endpoints",
            name="private-endpoints",
            resource_group_name=self.resource_group.name,
            virtual_network_name=self.vnet.name,
            address_prefixes=[private_endpoint_cidr(cidr)],
            default_outbound_access_enabled=False,
            # Apply the subnet's NSG (and route tables) to private endpoints too; Azure's default skips them.
            private_endpoint_network_policies="Enabled",
        )
        endpoints_nsg = NetworkSecurityGroup(
            self,
            "private_endpoints_nsg",
            name=f"nsg-{name}-private-endpoints",
            location=location,
            resource_group_name=self.resource_group.name,
            tags=tags,
        )
        SubnetNetworkSecurityGroupAssociation(
            self,
            "private_endpoints_nsg_association",
            subnet_id=self.private_endpoint_subnet.id,
            network_security_group_id=endpoints_nsg.id,
        )
        self.private_link_dns = PrivateLinkDns(
            self,
            "private_link_dns",
            resource_group_name=self.resource_group.name,
            virtual_network_id=self.vnet.id,
            link_name=f"vnet-{name}",
            tags=tags,
        )
        api_cidr = api_server_cidr(cidr)
        self.api_server_subnet = Subnet(
            self,
            "api_server",
            name="api-server",
            resource_group_name=self.resource_group.name,
            virtual_network_name=self.vnet.name,
            address_prefixes=[api_cidr],
            default_outbound_access_enabled=False,
            delegation=[
                SubnetDelegation(
                    name="aks-api-server",
                    service_delegation=SubnetDelegationServiceDelegation(
                        name=API_SERVER_DELEGATION, actions=list(API_SERVER_DELEGATION_ACTIONS)
                    ),
                )
            ],
        )
        # "NSG security rules" of the same page: nodes -> API server TCP 443 and 4443, Azure Load
        # Balancer -> TCP 9988. The defaults would admit both; written out so a later deny rule
        # cannot cut them silently.
        self.api_server_nsg = SubnetNsg(
            self,
            "api_server_nsg",
            name=f"nsg-{name}-api-server",
            location=location,
            resource_group_name=self.resource_group.name,
            subnet_id=self.api_server_subnet.id,
            rules=(
                NsgRule("AllowNodesToApiServer", 100, "Inbound", nodes_cidr, api_cidr, ("443", "4443")),
                NsgRule(
                    "AllowAzureLoadBalancerToApiServer",
                    110,
                    "Inbound",
                    "AzureLoadBalancer",
                    api_cidr,
                    ("9988",),
                ),
            ),
            tags=tags,
        )
        self.gateway_subnet = Subnet(
            self,
            "gateway_subnet",
            name=GATEWAY_SUBNET_NAME,
            resource_group_name=self.resource_group.name,
            virtual_network_name=self.vnet.name,
            address_prefixes=[gateway_cidr],
        )
