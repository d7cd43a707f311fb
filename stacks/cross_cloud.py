"""Cross-cloud traffic: which cluster ranges reach which cluster, and the rules that admit them.

Routes and firewalls are two halves of one decision. The interconnect carries a cluster's ranges
only to the clusters it is routed to, so each cluster's ingress rules admit exactly those ranges:
- what a cluster advertises (stacks/interconnect_stack.py): AWS its VPC range (the Direct Connect
  association's allowed prefixes / the VGW; EKS pods take VPC addresses), Azure its VNet address
  space (AKS overlay pods leave as node addresses), GCP its declared ranges in custom mode
  (nodes, pods, services);
- who is routed to whom: Megaport - the clusters with a VXC on the same Cloud Router, plus the AWS
  clusters of the router's jurisdiction (associated with its Direct Connect gateway); VPN - the
  two ends of a link (stacks/interconnect_plan.link_pairs). Same-cloud clusters are not routed
  through the interconnect (a Direct Connect gateway does not route between its VPCs).

Per cloud:
- GCP: the network's logged deny-all ingress (priority 65534) drops what is not allowed, so a
  `google_compute_firewall` allow at priority 1000 admits the peers' ranges (GCP "VPC firewall
  rules" page: lower number wins; https://cloud.google.com/firewall/docs/firewalls).
- AWS: the EKS cluster security group (the managed node groups' group, no launch-template groups)
  admits only itself; one `aws_vpc_security_group_ingress_rule` per peer range.
- Azure: nothing to add. The NSG's default AllowVnetInBound admits the `VirtualNetwork` tag, which
  includes the address spaces the VNet's gateway learns over ExpressRoute/VPN (Azure "network
  security groups" and "service tags" pages) - exactly the routed ranges, nothing wider.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from stacks.interconnect_plan import link_pairs
from stacks.params import Cluster, Environment

if TYPE_CHECKING:
    from cdktf import TerraformStack

    from stacks.context import ClusterHandle


def advertised_ranges(cluster: Cluster) -> list[str]:
    """The ranges the interconnect carries for `cluster` (see the module docstring)."""
    if cluster.cloud == "gcp":
        return [str(net) for _key, net in cluster.network.ranges()]
    return [str(cluster.network.cidr)]


def routed_peers(env: Environment) -> dict[str, list[Cluster]]:
    """Cluster name -> the clusters of OTHER clouds the interconnect routes to it, in file order."""
    peers: dict[str, set[str]] = {c.name: set() for c in env.clusters}
    ic = env.interconnect
    if ic.kind == "megaport":
        for router in ic.routers:
            members = {v.cluster for v in router.vxcs}
            if any(v.cloud == "aws" for v in router.vxcs):
                members |= {c.name for c in env.clusters_of("aws") if c.jurisdiction == router.jurisdiction}
            for m in members:
                peers[m] |= members - {m}
    else:
        for a, b in link_pairs(env.clusters, ic.hub_cluster):
            peers[a.name].add(b.name)
            peers[b.name].add(a.name)
    by_name = {c.name: c for c in env.clusters}
    return {
        name: [c for c in env.clusters if c.name in names and c.cloud != by_name[name].cloud]
        for name, names in peers.items()
    }


def peer_ranges(env: Environment) -> dict[str, list[str]]:
    """Cluster name -> the CIDRs its ingress rules admit (sorted, no duplicates)."""
    return {
        name: sorted({r for p in ps for r in advertised_ranges(p)}) for name, ps in routed_peers(env).items()
    }


def add_cross_cloud_rules(
    stack: TerraformStack, env: Environment, handles: Mapping[str, ClusterHandle]
) -> None:
    """The ingress rules of every cluster with routed peers, in `stack` (the interconnect stack,
    whose providers they use). `handles`: cluster name -> ClusterHandle."""
    for cluster in env.clusters:
        ranges = peer_ranges(env)[cluster.name]
        handle = handles.get(cluster.name)
        if not ranges or handle is None:
            continue
        lid = cluster.name.replace("-", "_")
        if cluster.cloud == "gcp":
            from cdktf_cdktf_provider_google.compute_firewall import (
                ComputeFirewall,
                ComputeFirewallAllow,
                ComputeFirewallLogConfig,
            )

            ComputeFirewall(
                stack,
                f"{lid}_from_peers",
                name=f"{env.name}-{cluster.name}-from-peers"[:63].rstrip("-"),
                project=env.accounts.gcp.project_id,
                network=handle.network_id,
                direction="INGRESS",
                priority=1000,
                source_ranges=ranges,
                allow=[ComputeFirewallAllow(protocol=p) for p in ("tcp", "udp", "icmp")],
                description="Other clouds' cluster ranges the interconnect routes here (stacks/cross_cloud.py)",
                log_config=ComputeFirewallLogConfig(metadata="INCLUDE_ALL_METADATA"),
            )
        elif cluster.cloud == "aws" and handle.node_security_group_id:
            from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule

            for cidr in ranges:
                VpcSecurityGroupIngressRule(
                    stack,
                    f"{lid}_from_{cidr.replace('.', '_').replace('/', '_')}",
                    region=cluster.region,
                    security_group_id=handle.node_security_group_id,
                    ip_protocol="-1",
                    cidr_ipv4=cidr,
                    description="A cluster range of another cloud routed here by the interconnect",
                )
