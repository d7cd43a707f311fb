"""DNS of the Cloudflare origins: `<env>-global-dns`.

Every cluster's ingress hostname (`ingress.<cluster>.<zone>`, the origin address of its Cloudflare
pool, see stacks/routing.py) gets A records for the public addresses its cluster stack reserved
for the ingress (ClusterHandle.ingress_addresses: real cross-stack references). A separate stack
from the edge so the edge keeps building without the cluster stacks.
"""

from __future__ import annotations

from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
from constructs import Construct

from constructs_lib.cloudflare.origins import OriginRecords
from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment

COMPONENT = "dns"


class DnsStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, env: Environment, handles: list[ClusterHandle]) -> None:
        super().__init__(scope, env=env, component=COMPONENT)
        CloudflareProvider(self, "cloudflare")  # CLOUDFLARE_API_TOKEN from the environment
        self.records: dict[str, OriginRecords] = {}
        for h in handles:
            host = h.ingress_hostname
            if not host.endswith(f".{env.dns_zone}"):
                raise ValueError(
                    f"cluster {h.spec.name}: ingress_hostname {host} is outside dns_zone {env.dns_zone}; "
                    "Cloudflare can only hold records of its zone. Fix clusters[].ingress_hostname."
                )
            self.records[h.spec.name] = OriginRecords(
                self,
                f"origin_{h.spec.name.replace('-', '_')}",
                zone_id=env.edge.cloudflare_zone_id,
                hostname=host,
                addresses=h.ingress_addresses,
                comment=f"ingress of cluster {h.spec.name} (origin of its load balancer pool)",
            )


def build(app: Construct, ctx: BuildContext) -> DnsStack | None:
    if not ctx.env.edge.enabled:
        return None
    handles = [h for h in ctx.clusters.values() if h.ingress_addresses]
    return DnsStack(app, env=ctx.env, handles=handles) if handles else None
