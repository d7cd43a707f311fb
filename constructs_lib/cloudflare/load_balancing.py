"""Cloudflare load balancing: a health monitor, origin pools and load balancers.

Argument names follow the typed binding of cdktf-cdktf-provider-cloudflare 13.9.1
(Cloudflare provider 5.14.0): resources `cloudflare_load_balancer_monitor`,
`cloudflare_load_balancer_pool`, `cloudflare_load_balancer`
(https://registry.terraform.io/providers/cloudflare/cloudflare/5.14.0/docs/resources/load_balancer).
In v5 `region_pools` is a map of region code -> pool ids and `adaptive_routing` a single object.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_cloudflare.load_balancer import (
    LoadBalancer as CfLoadBalancer,
)
from cdktf_cdktf_provider_cloudflare.load_balancer import (
    LoadBalancerAdaptiveRouting,
    LoadBalancerRandomSteering,
    LoadBalancerSessionAffinityAttributes,
)
from cdktf_cdktf_provider_cloudflare.load_balancer_monitor import LoadBalancerMonitor
from cdktf_cdktf_provider_cloudflare.load_balancer_pool import (
    LoadBalancerPool,
    LoadBalancerPoolLoadShedding,
    LoadBalancerPoolOrigins,
    LoadBalancerPoolOriginsHeader,
)
from constructs import Construct


class HealthMonitor(Construct):
    """An HTTP(S) health check shared by the pools of one service.

    Defaults: HTTPS GET `/healthz` on 443 expecting 200, every 10 s, 5 s timeout, 1 retry, unhealthy
    after 2 failed checks and healthy after 2 passed ones (a failure is seen within
    2 x 10 + 2 x 5 = 30 s, the design's detection time), redirects not followed and certificates
    verified (`allow_insecure` false). The Host header
    comes from each pool's origin (`header.host`), so one monitor serves every cluster.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        account_id: str,
        type: str = "https",
        path: str = "/healthz",
        port: int = 443,
        method: str = "GET",
        expected_codes: str = "200",
        interval_seconds: int = 10,
        timeout_seconds: int = 5,
        retries: int = 1,
        consecutive_down: int = 2,
        consecutive_up: int = 2,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if type not in ("http", "https"):
            raise ValueError(f"HealthMonitor checks HTTP(S) services; type '{type}' is not http or https.")
        self.resource = LoadBalancerMonitor(
            self,
            "monitor",
            account_id=account_id,
            type=type,
            path=path,
            port=port,
            method=method,
            expected_codes=expected_codes,
            interval=interval_seconds,
            timeout=timeout_seconds,
            retries=retries,
            consecutive_down=consecutive_down,
            consecutive_up=consecutive_up,
            follow_redirects=False,
            allow_insecure=False,
            description=description,
        )

    @property
    def id(self) -> str:
        return self.resource.id


class OriginPool(Construct):
    """A pool with one origin: a cluster's ingress, reached by hostname.

    `host_header` left out: the origin's own hostname, so the ingress (and the health monitor)
    sees the name its certificate is issued for. `check_regions` left out: Cloudflare checks
    from every data centre; pass the regions near the origin's jurisdiction to keep probes (and
    their cost) local. `latitude`/`longitude` left out: proximity steering cannot rank the pool.
    `jurisdiction` is what a residency-restricted LoadBalancer checks its pools against.
    `load_shedding` is always sent, shedding nothing by default: with provider 5.14 a pool without
    it shows a change on every plan (fixed upstream in 5.20), and the explicit zeros say the pool
    sheds no traffic.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        account_id: str,
        name: str,
        origin_address: str,
        monitor: HealthMonitor,
        host_header: str | None = None,
        check_regions: Sequence[str] | None = None,
        latitude: float | None = None,
        longitude: float | None = None,
        minimum_origins: int = 1,
        shed_percent: float = 0,
        jurisdiction: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if (latitude is None) != (longitude is None):
            raise ValueError(f"pool {name}: set latitude and longitude together (Cloudflare requires both).")
        self.name = name
        self.jurisdiction = jurisdiction
        self.resource = LoadBalancerPool(
            self,
            "pool",
            account_id=account_id,
            name=name,
            description=description,
            enabled=True,
            origins=[
                LoadBalancerPoolOrigins(
                    name=name,
                    address=origin_address,
                    enabled=True,
                    weight=1,
                    header=LoadBalancerPoolOriginsHeader(host=[host_header or origin_address]),
                )
            ],
            monitor=monitor.id,
            check_regions=list(check_regions) if check_regions is not None else None,
            latitude=latitude,
            longitude=longitude,
            minimum_origins=minimum_origins,
            load_shedding=LoadBalancerPoolLoadShedding(
                default_percent=shed_percent,
                default_policy="random",
                session_percent=0,
                session_policy="hash",
            ),
        )

    @property
    def id(self) -> str:
        return self.resource.id


class LoadBalancer(Construct):
    """A proxied Cloudflare load balancer for one hostname.

    Steering (provider v5.14.0 docs/resources/load_balancer.md, `steering_policy`): `geo` uses
    `region_pools`; `random`, `least_outstanding_requests` and `least_connections` use
    `pool_weights` (sent as `random_steering`); the others use neither. A map or weights the
    chosen policy would ignore is refused here rather than sent.

    Defaults: `geo` steering, cookie session affinity for 30 minutes (cookie always Secure),
    zero-downtime failover `sticky` (a session pinned to a failed origin moves to a healthy one
    and stays there; `temporary` would move it back and forth), failover across pools on.
    `region_pools` left out: every region uses `default_pools`. `jurisdiction` set (e.g. "eu") makes it residency-restricted: its
    description starts with `jurisdiction=<j>` (the policy contract) and every pool passed in
    must carry the same jurisdiction, otherwise construction fails.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        zone_id: str,
        hostname: str,
        default_pools: Sequence[OriginPool],
        fallback_pool: OriginPool,
        region_pools: Mapping[str, Sequence[OriginPool]] | None = None,
        steering_policy: str = "geo",
        pool_weights: Mapping[OriginPool, float] | None = None,
        session_affinity: str = "cookie",
        session_affinity_ttl_seconds: int = 1800,
        zero_downtime_failover: str = "sticky",
        failover_across_pools: bool = True,
        proxied: bool = True,
        jurisdiction: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        region_pools = dict(region_pools or {})
        if not default_pools:
            raise ValueError(f"load balancer {hostname}: default_pools is empty.")
        if region_pools and steering_policy != "geo":
            raise ValueError(
                f"load balancer {hostname}: steering '{steering_policy}' ignores region_pools; use 'geo' or send no map."
            )
        weighted = steering_policy in ("random", "least_outstanding_requests", "least_connections")
        if pool_weights and not weighted:
            raise ValueError(f"load balancer {hostname}: steering '{steering_policy}' ignores pool weights.")
        if zero_downtime_failover == "sticky" and session_affinity == "header":
            raise ValueError(
                f"load balancer {hostname}: sticky zero-downtime failover is not supported with header affinity."
            )
        if jurisdiction is not None:
            referenced = [*default_pools, fallback_pool, *(p for ps in region_pools.values() for p in ps)]
            outside = sorted({p.name for p in referenced if p.jurisdiction != jurisdiction})
            if outside:
                raise ValueError(
                    f"load balancer {hostname} is restricted to jurisdiction={jurisdiction} but references "
                    f"pools outside it: {', '.join(outside)}."
                )
            tag = f"jurisdiction={jurisdiction}"
            description = (
                description if description and tag in description else f"{tag}; {description or hostname}"
            )
        self.hostname = hostname
        self.jurisdiction = jurisdiction
        affinity_attributes = None
        if session_affinity in ("cookie", "ip_cookie"):
            affinity_attributes = LoadBalancerSessionAffinityAttributes(
                secure="Always", samesite="Lax", zero_downtime_failover=zero_downtime_failover
            )
        elif session_affinity == "header":
            affinity_attributes = LoadBalancerSessionAffinityAttributes(
                zero_downtime_failover=zero_downtime_failover
            )
        random_steering = None
        if weighted and pool_weights:
            random_steering = LoadBalancerRandomSteering(
                pool_weights={p.id: w for p, w in pool_weights.items()}, default_weight=0
            )
        self.resource = CfLoadBalancer(
            self,
            "lb",
            zone_id=zone_id,
            name=hostname,
            description=description,
            enabled=True,
            proxied=proxied,
            default_pools=[p.id for p in default_pools],
            fallback_pool=fallback_pool.id,
            region_pools={region: [p.id for p in pools] for region, pools in sorted(region_pools.items())}
            or None,
            steering_policy=steering_policy,
            session_affinity=session_affinity,
            session_affinity_ttl=session_affinity_ttl_seconds if session_affinity != "none" else None,
            session_affinity_attributes=affinity_attributes,
            random_steering=random_steering,
            adaptive_routing=LoadBalancerAdaptiveRouting(failover_across_pools=failover_across_pools),
        )
