"""What one environment's stacks share while they are built: the environment and its clusters.

Cluster stacks register a ClusterHandle for every cluster; the interconnect, edge and Vault
stacks read those handles instead of recomputing names, so a reference to a cluster's endpoint
or network is a real cross-stack reference that Terraform resolves, never a copied literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stacks.params import Cluster, Environment

if TYPE_CHECKING:  # cdktf starts node: parameter-only code imports this module without it
    from cdktf import TerraformStack


@dataclass(frozen=True)
class ClusterHandle:
    """A built cluster as other stacks see it. Token-valued fields are cdktf references."""

    spec: Cluster
    stack: TerraformStack  # the stack holding the cluster
    endpoint: str  # the provider's attribute: EKS and AKS an https URL, GKE a bare IP address
    ca_certificate: str  # base64-encoded PEM, as every cloud returns it
    oidc_issuer_url: str
    network_id: str  # AWS VPC id / GCP network self link / Azure VNet id
    network_name: str  # AWS VPC id / GCP network name / Azure VNet name
    ingress_hostname: str
    private_route_table_ids: tuple[str, ...] = ()  # AWS only
    resource_group_name: str | None = None  # Azure only
    gateway_subnet_id: str | None = None  # Azure only: the VNet's GatewaySubnet (ExpressRoute / VPN gateways)
    node_security_group_id: str | None = None  # AWS only: the EKS cluster security group (nodes)
    node_subnet_id: str | None = None  # Azure only: the nodes' subnet (Microsoft.KeyVault service endpoint)

    def azure_gateway_refs(self) -> tuple[str, str]:
        """(resource group name, GatewaySubnet id) of an Azure cluster, for the ExpressRoute / VPN gateway."""
        if self.resource_group_name is None or self.gateway_subnet_id is None:
            raise ValueError(
                f"cluster '{self.spec.name}' runs on {self.spec.cloud}: it has no Azure resource group "
                "or GatewaySubnet for a gateway"
            )
        return self.resource_group_name, self.gateway_subnet_id


@dataclass
class BuildContext:
    env: Environment
    clusters: dict[str, ClusterHandle] = field(default_factory=dict)
