"""The public address of a cluster's ingress, reserved by Terraform before the ingress exists.

Why a reserved address and not a load balancer hostname read back later: the load balancer is
created by a controller inside the cluster (AWS Load Balancer Controller, GKE / AKS cloud
controller) from a Kubernetes Service, so Terraform never owns it and cannot reference its
hostname. Reserving the address here lets the DNS record `ingress.<cluster>.<zone>` exist the day
the cluster is created, survive re-creation of the Service, and be written from a reference. The
Service then claims it:
  - AWS: one Elastic IP per public subnet (an NLB takes one per zone), named in the Service
    annotation `service.beta.kubernetes.io/aws-load-balancer-eip-allocations` (allocation ids are
    a stack output);
  - GCP: a regional external static address (google_compute_address), `spec.loadBalancerIP`;
  - Azure: a Standard static zone-redundant public IP in the cluster's resource group,
    `service.beta.kubernetes.io/azure-load-balancer-resource-group` + `loadBalancerIP`; AKS's
    control-plane identity needs Network Contributor on it (AKS docs, "Use a static public IP
    address and DNS label with the AKS load balancer", grant it on the resource group; here only
    on the address).
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct


class AwsIngressAddresses(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, name: str, zones: Sequence[str], tags: dict[str, str]
    ) -> None:
        from cdktf_cdktf_provider_aws.eip import Eip

        super().__init__(scope, id_)
        self.eips = [
            Eip(
                self,
                f"eip_{zone.replace('-', '_')}",
                domain="vpc",
                tags={**tags, "Name": f"{name}-ingress-{zone}"},
            )
            for zone in zones
        ]

    @property
    def addresses(self) -> list[str]:
        return [e.public_ip for e in self.eips]

    @property
    def allocation_ids(self) -> list[str]:
        return [e.allocation_id for e in self.eips]


class GcpIngressAddress(Construct):
    def __init__(
        self, scope: Construct, id_: str, *, name: str, project: str, region: str, labels: dict[str, str]
    ) -> None:
        from cdktf_cdktf_provider_google.compute_address import ComputeAddress

        super().__init__(scope, id_)
        self.address = ComputeAddress(
            self,
            "address",
            name=f"{name}-ingress",
            project=project,
            region=region,
            address_type="EXTERNAL",
            network_tier="PREMIUM",
            labels=labels,
        )

    @property
    def addresses(self) -> list[str]:
        return [self.address.address]


class AzureIngressAddress(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        resource_group_name: str,
        cluster_identity_principal_id: str,
        tags: dict[str, str],
    ) -> None:
        from cdktf_cdktf_provider_azurerm.public_ip import PublicIp
        from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment

        super().__init__(scope, id_)
        self.public_ip = PublicIp(
            self,
            "public_ip",
            name=f"{name}-ingress",
            location=location,
            resource_group_name=resource_group_name,
            sku="Standard",
            allocation_method="Static",
            zones=["1", "2", "3"],
            tags=tags,
        )
        # Scoped to the one address (the AKS docs grant the resource group; the cloud provider
        # only reads and joins this IP).
        RoleAssignment(
            self,
            "cluster_network_contributor",
            scope=self.public_ip.id,
            role_definition_name="Network Contributor",
            principal_id=cluster_identity_principal_id,
            principal_type="ServicePrincipal",
        )

    @property
    def addresses(self) -> list[str]:
        return [self.public_ip.ip_address]
