"""The global edge: Cloudflare health monitor, one pool per cluster, the API load balancers.

Stack id `<env>-global-edge`. The routing (which pools serve which Cloudflare region, which
hostnames are residency-restricted) is planned in stacks/routing.py from the environment's
cluster inventory; this module only turns that plan into constructs.

The edge needs no cluster tokens: a pool's origin is the cluster's ingress hostname, a plain
string. When the cluster stacks have registered handles (ctx.clusters), their
`ingress_hostname` is used; otherwise the environment file's. Either way the stack builds, so
the build order of components does not matter.
"""

from __future__ import annotations

from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
from constructs import Construct

from constructs_lib.cloudflare.edge_tls import AdvancedCertificate, MinimumTls, RegionalHostname
from constructs_lib.cloudflare.load_balancing import HealthMonitor, LoadBalancer, OriginPool
from constructs_lib.cloudflare.origins import PoolHealthNotification, StrictOriginTls
from stacks.base import PlatformStack
from stacks.context import BuildContext
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment
from stacks.residency import Residency
from stacks.routing import EdgePlan, plan_edge


class EdgeStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, env: Environment, plan: EdgePlan) -> None:
        super().__init__(scope, env=env, component="edge")
        self.plan = plan
        edge = env.edge
        # No credentials here: the provider reads CLOUDFLARE_API_TOKEN from its environment.
        CloudflareProvider(self, "cloudflare")

        m = edge.monitor
        self.monitor = HealthMonitor(
            self,
            "monitor_api",
            account_id=edge.cloudflare_account_id,
            type=m.type,
            path=m.path,
            port=m.port,
            expected_codes=m.expected_codes,
            interval_seconds=m.interval_seconds,
            timeout_seconds=m.timeout_seconds,
            retries=m.retries,
            consecutive_down=m.consecutive_down,
            consecutive_up=m.consecutive_up,
            description=f"{env.name} API ingress health ({m.type.upper()} {m.path})",
        )

        self.pools: dict[str, OriginPool] = {}
        for p in plan.pools:
            self.pools[p.name] = OriginPool(
                self,
                f"pool_{p.key}",
                account_id=edge.cloudflare_account_id,
                name=p.name,
                origin_address=p.address,
                monitor=self.monitor,
                check_regions=p.check_regions,
                latitude=p.latitude,
                longitude=p.longitude,
                jurisdiction=p.jurisdiction,
                description=f"cluster {p.cluster} ({p.jurisdiction})",
            )

        self.load_balancers: dict[str, LoadBalancer] = {}
        self.regional_hostnames: dict[str, RegionalHostname] = {}
        for lb in plan.load_balancers:
            self.load_balancers[lb.hostname] = LoadBalancer(
                self,
                f"lb_{lb.key}",
                zone_id=edge.cloudflare_zone_id,
                hostname=lb.hostname,
                description=lb.description,
                jurisdiction=lb.jurisdiction,
                default_pools=[self.pools[n] for n in lb.default_pools],
                fallback_pool=self.pools[lb.fallback_pool],
                region_pools={r: [self.pools[n] for n in names] for r, names in lb.region_pools.items()},
                steering_policy=plan.steering_policy,
                pool_weights={self.pools[n]: w for n, w in sorted(lb.pool_weights.items())} or None,
                session_affinity=edge.session_affinity,
                session_affinity_ttl_seconds=edge.session_affinity_ttl_seconds,
                zero_downtime_failover=edge.zero_downtime_failover,
                failover_across_pools=edge.failover_across_pools,
            )
            if lb.jurisdiction is not None:
                if lb.regional_key is None:
                    # Validation reports this first (edge.residency_hostnames.<j>).
                    raise ValueError(f"{lb.hostname}: residency hostname without a regional hostname key.")
                self.regional_hostnames[lb.hostname] = RegionalHostname(
                    self,
                    f"regional_{lb.key}",
                    zone_id=edge.cloudflare_zone_id,
                    hostname=lb.hostname,
                    region_key=lb.regional_key,
                )

        # ---- TLS at the edge: certificates that cover every name, TLS 1.3 minimum -------------
        self.certificate: AdvancedCertificate | None = None
        if plan.certificate_hostnames:
            self.certificate = AdvancedCertificate(
                self,
                "certificate_api",
                zone_id=edge.cloudflare_zone_id,
                zone_name=env.dns_zone,
                hostnames=plan.certificate_hostnames,
            )
        self.tls = MinimumTls(
            self, "tls", zone_id=edge.cloudflare_zone_id, min_tls_version=edge.min_tls_version
        )
        # ---- Origins: TLS verified (Full (strict)), health changes to the notification target ----
        self.origin_tls = StrictOriginTls(self, "origin_tls", zone_id=edge.cloudflare_zone_id)
        self.pool_health = PoolHealthNotification(
            self,
            "pool_health",
            account_id=edge.cloudflare_account_id,
            name=f"{env.name} load balancer pool health",
            pool_ids=[self.pools[n].id for n in sorted(self.pools)],
            email=env.notifications.email,
        )


def build(app: Construct, ctx: BuildContext, residency: Residency | None = None) -> EdgeStack | None:
    """Add `<env>-global-edge` to the app (nothing when edge.enabled is false)."""
    env = ctx.env
    if not env.edge.enabled:
        return None
    hostnames = {name: h.ingress_hostname for name, h in ctx.clusters.items() if h.ingress_hostname}
    plan = plan_edge(env, residency or ctx.residency, ingress_hostnames=hostnames)
    return EdgeStack(app, env=env, plan=plan)
