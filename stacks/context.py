"""What one environment's stacks share while they are built: the environment and its clusters.

Cluster stacks register a ClusterHandle for every cluster; the interconnect, edge and Vault
stacks read those handles instead of recomputing names, so a reference to a cluster's endpoint
or network is a real cross-stack reference that Terraform resolves, never a copied literal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stacks.params import Cluster, Environment


@dataclass(frozen=True)
class ClusterHandle:
    """A built cluster as other stacks see it. Token-valued fields are cdktf references."""

    spec: Cluster
    stack: Any  # the cdktf TerraformStack holding the cluster
    endpoint: str  # the provider's attribute: EKS and AKS an https URL, GKE a bare IP address
    ca_certificate: str  # base64-encoded PEM, as every cloud returns it
    oidc_issuer_url: str
    network_id: str  # AWS VPC id / GCP network self link / Azure VNet id
    network_name: str  # AWS VPC id / GCP network name / Azure VNet name
    ingress_hostname: str
    private_route_table_ids: tuple[str, ...] = ()  # AWS only
    resource_group_name: str | None = None  # Azure only
    gateway_subnet_id: str | None = None  # Azure only: the VNet's GatewaySubnet (ExpressRoute / VPN gateways)
    # The identity that pulls images on the nodes: AWS node role ARN / GCP node service account
    # email / Azure kubelet identity object id. Registries grant it pull access.
    node_identity: str | None = None
    # Public addresses reserved for the cluster's ingress (constructs_lib/ingress_address.py): the
    # A records of ingress_hostname point at them.
    ingress_addresses: tuple[str, ...] = ()
    node_security_group_id: str | None = None  # AWS only: the EKS cluster security group (nodes)
    node_subnet_id: str | None = None  # Azure only: the nodes' subnet (Microsoft.KeyVault service endpoint)


@dataclass
class BuildContext:
    env: Environment
    clusters: dict[str, ClusterHandle] = field(default_factory=dict)
