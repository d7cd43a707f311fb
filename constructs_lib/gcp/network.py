"""A GCP VPC for one GKE cluster: a VPC-native subnetwork and Cloud NAT.

Resources (google 6.50): google_compute_network, google_compute_firewall,
google_compute_subnetwork, google_compute_router, google_compute_router_nat.
"""

from __future__ import annotations

from cdktf_cdktf_provider_google.compute_firewall import (
    ComputeFirewall,
    ComputeFirewallDeny,
    ComputeFirewallLogConfig,
)
from cdktf_cdktf_provider_google.compute_network import ComputeNetwork
from cdktf_cdktf_provider_google.compute_router import ComputeRouter
from cdktf_cdktf_provider_google.compute_router_nat import ComputeRouterNat, ComputeRouterNatLogConfig
from cdktf_cdktf_provider_google.compute_subnetwork import (
    ComputeSubnetwork,
    ComputeSubnetworkLogConfig,
    ComputeSubnetworkSecondaryIpRange,
)
from constructs import Construct

PODS_RANGE = "pods"
SERVICES_RANGE = "services"


class GcpClusterNetwork(Construct):
    """A custom-mode VPC with one regional subnetwork for nodes and two secondary ranges
    (`pods`, `services`) for a VPC-native GKE cluster.

    Nodes have no external addresses; they reach Google APIs through Private Google Access and
    the internet through Cloud NAT. Subnetwork flow logs are on (5 s aggregation, half the flows
    sampled, all metadata).

    Props:
      name: network, subnetwork, router and NAT names (`prod-gcp-us-central1`).
      nat: False leaves the network without internet egress (Private Google Access remains).
      flow_log_sampling: fraction of flows logged (0..1).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        project: str,
        region: str,
        cidr: str,
        pods_cidr: str,
        services_cidr: str,
        nat: bool = True,
        flow_log_sampling: float = 0.5,
    ) -> None:
        super().__init__(scope, id_)
        self.network = ComputeNetwork(
            self,
            "vpc",
            name=name,
            project=project,
            auto_create_subnetworks=False,
            description=f"Network of GKE cluster {name}",
        )
        # The implied ingress deny, written out and logged. GKE's own rules (priority 1000) and
        # any rule another stack adds for the interconnect take precedence.
        ComputeFirewall(
            self,
            "deny_ingress",
            name=f"{name}-deny-all-ingress",
            project=project,
            network=self.network.id,
            direction="INGRESS",
            priority=65534,
            source_ranges=["0.0.0.0/0"],
            deny=[ComputeFirewallDeny(protocol="all")],
            log_config=ComputeFirewallLogConfig(metadata="INCLUDE_ALL_METADATA"),
        )
        self.subnetwork = ComputeSubnetwork(
            self,
            "nodes",
            name=f"{name}-nodes",
            project=project,
            region=region,
            network=self.network.id,
            ip_cidr_range=cidr,
            private_ip_google_access=True,
            secondary_ip_range=[
                ComputeSubnetworkSecondaryIpRange(range_name=PODS_RANGE, ip_cidr_range=pods_cidr),
                ComputeSubnetworkSecondaryIpRange(range_name=SERVICES_RANGE, ip_cidr_range=services_cidr),
            ],
            log_config=ComputeSubnetworkLogConfig(
                aggregation_interval="INTERVAL_5_SEC",
                flow_sampling=flow_log_sampling,
                metadata="INCLUDE_ALL_METADATA",
            ),
        )
        if nat:
            router = ComputeRouter(
                self, "router", name=f"{name}-router", project=project, region=region, network=self.network.id
            )
            ComputeRouterNat(
                self,
                "nat",
                name=f"{name}-nat",
                project=project,
                region=region,
                router=router.name,
                nat_ip_allocate_option="AUTO_ONLY",
                source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
                log_config=ComputeRouterNatLogConfig(enable=True, filter="ERRORS_ONLY"),
            )
