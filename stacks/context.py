"""What one environment's stacks share while they are built: the environment, its clusters and data lakes.

Cluster stacks register a ClusterHandle for every cluster; the interconnect, edge and Vault
stacks read those handles instead of recomputing names, so a reference to a cluster's endpoint
or network is a real cross-stack reference that Terraform resolves, never a copied literal. Data-lake stacks register a DataLakeHandle per cloud, region and
classification the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stacks.params import Cluster, Environment
from stacks.residency import Residency, load_residency

if TYPE_CHECKING:  # cdktf starts node: parameter-only code imports this module without it
    from cdktf import TerraformStack

    from stacks.identity_stack import IdentityHandle


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
    # Day-2 access (stacks/access_stack.py): who may reach the cluster and through what.
    cluster_name: str = ""  # the cloud's name of the cluster (EKS access entries)
    cluster_id: str = ""  # the cloud's id of the cluster (AKS role assignment scope)
    subnet_ids: tuple[str, ...] = ()  # AWS private subnets / GCP subnetwork (operator path host)
    # The identity that pulls images on the nodes: AWS node role ARN / GCP node service account
    # email / Azure kubelet identity object id. Registries grant it pull access.
    node_identity: str | None = None
    # Public addresses reserved for the cluster's ingress (constructs_lib/ingress_address.py): the
    # A records of ingress_hostname point at them.
    ingress_addresses: tuple[str, ...] = ()
    node_security_group_id: str | None = None  # AWS only: the EKS cluster security group (nodes)
    node_subnet_id: str | None = None  # Azure only: the nodes' subnet (Microsoft.KeyVault service endpoint)
    private_endpoint_subnet_id: str | None = None  # Azure only: where data-plane private endpoints go
    private_dns_zone_ids: Mapping[str, str] = field(default_factory=dict)  # Azure: subresource -> zone id

    def azure_gateway_refs(self) -> tuple[str, str]:
        """(resource group name, GatewaySubnet id) of an Azure cluster, for the ExpressRoute / VPN gateway."""
        if self.resource_group_name is None or self.gateway_subnet_id is None:
            raise ValueError(
                f"cluster '{self.spec.name}' runs on {self.spec.cloud}: it has no Azure resource group "
                "or GatewaySubnet for a gateway"
            )
        return self.resource_group_name, self.gateway_subnet_id


@dataclass(frozen=True)
class DataLakeHandle:
    """One classification of one region's data lake as other stacks see it.

    Registered by the data-lake stacks; consumers (the Vault stack's platform roles) grant
    through it, so a grant names the real bucket / account by reference and follows a rename.
    Token-valued fields are cdktf references; `name` is the literal the lake construct computed.
    """

    cloud: str
    region: str
    jurisdiction: str
    classification: str
    stack: TerraformStack  # the stack holding the lake
    name: str  # bucket name (AWS, GCP) / storage account name (Azure)
    bucket_arn: str | None = None  # AWS
    kms_key_arn: str | None = None  # AWS: the bucket's SSE-KMS key
    bucket: str | None = None  # GCP: the bucket's name attribute (a reference)
    storage_account_id: str | None = None  # Azure: the ARM id, the scope of data-plane roles

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.cloud, self.region, self.classification)

    @property
    def grant_scope(self) -> str:
        """What a data grant names: the bucket ARN (AWS), the bucket (GCP), the account id (Azure)."""
        scope = {"aws": self.bucket_arn, "gcp": self.bucket, "azure": self.storage_account_id}.get(self.cloud)
        if scope is None:
            raise ValueError(
                f"data lake {self.key}: the {self.cloud} lake registered no reference to grant on"
            )
        return scope


@dataclass
class BuildContext:
    env: Environment
    # The residency map (policies/residency.yaml), loaded once per app by stacks/app.build_app.
    residency: Residency = field(default_factory=load_residency)
    clusters: dict[str, ClusterHandle] = field(default_factory=dict)
    data_lakes: dict[tuple[str, str, str], DataLakeHandle] = field(default_factory=dict)

    def register_data_lake(self, handle: DataLakeHandle) -> None:
        if handle.key in self.data_lakes:
            raise ValueError(f"data lake {handle.key} is registered twice")
        self.data_lakes[handle.key] = handle

    def data_lakes_of(self, cloud: str) -> list[DataLakeHandle]:
        """The handles of one cloud in (region, classification) order: stable ids, stable plans."""
        return sorted(
            (h for h in self.data_lakes.values() if h.cloud == cloud),
            key=lambda h: (h.region, h.classification),
        )

    identity: IdentityHandle | None = None  # once the identity stack is built
