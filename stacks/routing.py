"""Inventory -> Cloudflare load-balancing plan: pools, region routing, residency hostnames.

Pure Python (no cdktf, no provider): the edge stack turns this plan into resources, and the
unit tests check the routing rules in milliseconds. Everything derives from the environment's
cluster list and the residency map, so adding a cluster to an environment file adds its pool
and its routing without touching code.

Contract with the policy checks (team brief): a pool's `name` is `<env>-<cloud>-<region>`, and a
residency-restricted load balancer's `description` contains `jurisdiction=<j>`; such a load
balancer references only pools of that jurisdiction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from stacks.edge_checks import WEIGHTED_STEERING
from stacks.params import Cluster, Environment
from stacks.residency import Residency

# Approximate location of each cloud region's metro (degrees). Cloudflare's `proximity` steering
# picks the pool closest to the visitor's PoP from these; city precision is plenty. A region
# missing here gets a pool without coordinates (proximity steering then cannot rank it), and a
# unit test fails for every cluster region of an environment file that is not listed.
REGION_COORDINATES: dict[tuple[str, str], tuple[float, float]] = {
    # AWS
    ("aws", "us-east-1"): (38.9, -77.4),
    ("aws", "us-east-2"): (40.0, -83.0),
    ("aws", "us-west-1"): (37.4, -121.9),
    ("aws", "us-west-2"): (45.8, -119.7),
    ("aws", "eu-west-1"): (53.3, -6.3),
    ("aws", "eu-west-3"): (48.9, 2.4),
    ("aws", "eu-central-1"): (50.1, 8.7),
    ("aws", "eu-north-1"): (59.3, 18.1),
    ("aws", "eu-south-1"): (45.5, 9.2),
    ("aws", "eu-south-2"): (41.6, -0.9),
    ("aws", "ap-east-1"): (22.3, 114.2),
    ("aws", "ap-northeast-1"): (35.7, 139.7),
    ("aws", "ap-northeast-2"): (37.6, 127.0),
    ("aws", "ap-northeast-3"): (34.7, 135.5),
    ("aws", "ap-south-1"): (19.1, 72.9),
    ("aws", "ap-southeast-1"): (1.4, 103.8),
    ("aws", "ap-southeast-2"): (-33.9, 151.2),
    # GCP
    ("gcp", "us-central1"): (41.3, -95.9),
    ("gcp", "us-east1"): (33.2, -80.0),
    ("gcp", "us-east4"): (39.0, -77.5),
    ("gcp", "us-east5"): (40.0, -83.0),
    ("gcp", "us-south1"): (32.8, -96.8),
    ("gcp", "us-west1"): (45.6, -121.2),
    ("gcp", "us-west2"): (34.1, -118.2),
    ("gcp", "us-west3"): (40.8, -111.9),
    ("gcp", "us-west4"): (36.2, -115.1),
    ("gcp", "europe-west1"): (50.4, 3.8),
    ("gcp", "europe-west3"): (50.1, 8.7),
    ("gcp", "europe-west4"): (53.4, 6.8),
    ("gcp", "europe-west8"): (45.5, 9.2),
    ("gcp", "europe-west9"): (48.9, 2.4),
    ("gcp", "europe-west10"): (52.5, 13.4),
    ("gcp", "europe-west12"): (45.1, 7.7),
    ("gcp", "europe-north1"): (60.6, 27.2),
    ("gcp", "europe-central2"): (52.2, 21.0),
    ("gcp", "europe-southwest1"): (40.4, -3.7),
    ("gcp", "asia-east1"): (24.1, 120.7),
    ("gcp", "asia-east2"): (22.3, 114.2),
    ("gcp", "asia-northeast1"): (35.7, 139.7),
    ("gcp", "asia-northeast2"): (34.7, 135.5),
    ("gcp", "asia-northeast3"): (37.6, 127.0),
    ("gcp", "asia-south1"): (19.1, 72.9),
    ("gcp", "asia-southeast1"): (1.4, 103.8),
    ("gcp", "asia-southeast2"): (-6.2, 106.8),
    ("gcp", "australia-southeast1"): (-33.9, 151.2),
    # Azure
    ("azure", "eastus"): (37.4, -79.4),
    ("azure", "eastus2"): (36.7, -78.4),
    ("azure", "centralus"): (41.6, -93.6),
    ("azure", "northcentralus"): (41.9, -87.6),
    ("azure", "southcentralus"): (29.4, -98.5),
    ("azure", "westcentralus"): (41.1, -104.8),
    ("azure", "westus"): (37.8, -122.4),
    ("azure", "westus2"): (47.2, -119.9),
    ("azure", "westus3"): (33.4, -112.1),
    ("azure", "westeurope"): (52.4, 4.9),
    ("azure", "northeurope"): (53.3, -6.3),
    ("azure", "francecentral"): (48.9, 2.4),
    ("azure", "germanywestcentral"): (50.1, 8.7),
    ("azure", "swedencentral"): (60.7, 17.1),
    ("azure", "italynorth"): (45.5, 9.2),
    ("azure", "polandcentral"): (52.2, 21.0),
    ("azure", "spaincentral"): (40.4, -3.7),
    ("azure", "southeastasia"): (1.4, 103.8),
    ("azure", "eastasia"): (22.3, 114.2),
    ("azure", "japaneast"): (35.7, 139.7),
    ("azure", "japanwest"): (34.7, 135.5),
    ("azure", "koreacentral"): (37.6, 127.0),
    ("azure", "australiaeast"): (-33.9, 151.2),
    ("azure", "centralindia"): (18.6, 73.9),
}


@dataclass(frozen=True)
class PoolPlan:
    """One Cloudflare pool: the ingress of one cluster."""

    key: str  # logical id suffix, stable: the cluster name with `_`
    name: str  # `<env>-<cloud>-<region>` (policy contract)
    cluster: str
    cloud: str
    jurisdiction: str
    address: str  # the cluster's ingress hostname
    check_regions: tuple[str, ...]  # Cloudflare regions of the cluster's jurisdiction
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class LoadBalancerPlan:
    """One Cloudflare load balancer. Pools are referenced by PoolPlan.name."""

    key: str
    hostname: str  # fully qualified
    description: str
    jurisdiction: str | None  # set: residency-restricted (pools of that jurisdiction only)
    default_pools: tuple[str, ...]
    fallback_pool: str
    region_pools: dict[str, tuple[str, ...]] = field(default_factory=dict)
    pool_weights: dict[str, float] = field(default_factory=dict)  # pool name -> weight (weighted steering)
    regional_key: str | None = None  # Data Localization Suite region (residency hostnames)

    def referenced_pools(self) -> set[str]:
        """Every pool name the load balancer may send traffic to."""
        refs = set(self.default_pools) | {self.fallback_pool}
        for pools in self.region_pools.values():
            refs.update(pools)
        return refs


@dataclass(frozen=True)
class EdgePlan:
    pools: tuple[PoolPlan, ...]
    load_balancers: tuple[LoadBalancerPlan, ...]
    steering_policy: str = "geo"
    certificate_hostnames: tuple[str, ...] = ()  # names Universal SSL does not cover (advanced certificate)

    def pool(self, name: str) -> PoolPlan:
        for p in self.pools:
            if p.name == name:
                return p
        raise KeyError(name)


def pool_name(env: Environment, cluster: Cluster) -> str:
    return f"{env.name}-{cluster.cloud}-{cluster.region}"


def _key(name: str) -> str:
    return name.replace("-", "_").replace(".", "_")


def _region_pools(
    clusters: tuple[Cluster, ...], names: Mapping[str, str], residency: Residency
) -> dict[str, tuple[str, ...]]:
    """Cloudflare region -> the pools of clusters in the jurisdiction that region belongs to.

    Pools keep inventory order (the order of the environment file), which is also their
    failover priority inside a region. Regions with no cluster in their jurisdiction are left
    out: Cloudflare then uses default_pools for them.
    """
    out: dict[str, tuple[str, ...]] = {}
    for jurisdiction in residency.jurisdictions:
        pools = tuple(names[c.name] for c in clusters if c.jurisdiction == jurisdiction)
        if not pools:
            continue
        for region in residency.cloudflare_regions.get(jurisdiction, ()):
            out[region] = pools
    return dict(sorted(out.items()))


def plan_edge(
    env: Environment,
    residency: Residency,
    *,
    ingress_hostnames: Mapping[str, str] | None = None,
) -> EdgePlan:
    """The pools and load balancers of one environment.

    `ingress_hostnames` (cluster name -> hostname) overrides the hostnames of the environment
    file, e.g. with the values the cluster stacks registered; left out, each cluster's
    `ingress_hostname` from the parameters is used.
    """
    overrides = dict(ingress_hostnames or {})
    clusters = env.clusters
    names = {c.name: pool_name(env, c) for c in clusters}

    pools = []
    for c in clusters:
        address = overrides.get(c.name) or c.ingress_hostname or f"ingress.{c.name}.{env.dns_zone}"
        lat_lon = REGION_COORDINATES.get((c.cloud, c.region))
        pools.append(
            PoolPlan(
                key=_key(c.name),
                name=names[c.name],
                cluster=c.name,
                cloud=c.cloud,
                jurisdiction=c.jurisdiction,
                address=address,
                check_regions=tuple(residency.cloudflare_regions.get(c.jurisdiction, ())),
                latitude=lat_lon[0] if lat_lon else None,
                longitude=lat_lon[1] if lat_lon else None,
            )
        )

    edge = env.edge
    fallback_cluster = edge.fallback_cluster or clusters[0].name

    def _map(members: tuple[Cluster, ...]) -> dict[str, tuple[str, ...]]:
        # Only `geo` steering reads region_pools (provider docs, load_balancer.md `steering_policy`).
        return _region_pools(members, names, residency) if edge.steering_policy == "geo" else {}

    def _weights(members: tuple[Cluster, ...]) -> dict[str, float]:
        # Only weighted steering reads pool weights: a cloud's share, split evenly over its pools.
        if edge.steering_policy not in WEIGHTED_STEERING:
            return {}
        per_cloud = {cloud: [c for c in members if c.cloud == cloud] for cloud in {c.cloud for c in members}}
        total = sum(edge.pool_weights.get(cloud, 0) for cloud in per_cloud)
        return {
            names[c.name]: round(edge.pool_weights.get(cloud, 0) / total / len(group), 4)
            for cloud, group in sorted(per_cloud.items())
            for c in group
        }

    lbs = [
        LoadBalancerPlan(
            key=_key(edge.api_hostname),
            hostname=f"{edge.api_hostname}.{env.dns_zone}",
            description=f"{env.name} public API: every cluster, steering {edge.steering_policy}",
            jurisdiction=None,
            default_pools=tuple(names[c.name] for c in clusters),
            fallback_pool=names[fallback_cluster],
            region_pools=_map(clusters),
            pool_weights=_weights(clusters),
        )
    ]

    for jurisdiction, host in sorted(edge.residency_hostnames.items()):
        inside = tuple(c for c in clusters if c.jurisdiction == jurisdiction)
        if not inside:
            # Validation reports this (edge.residency_hostnames.<j>); never route it elsewhere.
            raise ValueError(f"edge.residency_hostnames.{jurisdiction}: no cluster lies in '{jurisdiction}'.")
        fallback = fallback_cluster if any(c.name == fallback_cluster for c in inside) else inside[0].name
        lbs.append(
            LoadBalancerPlan(
                key=_key(host),
                hostname=f"{host}.{env.dns_zone}",
                description=(
                    f"jurisdiction={jurisdiction}: {env.name} API served only by {jurisdiction} clusters; "
                    "traffic never fails over outside the jurisdiction"
                ),
                jurisdiction=jurisdiction,
                default_pools=tuple(names[c.name] for c in inside),
                fallback_pool=names[fallback],
                region_pools=_map(inside),
                pool_weights=_weights(inside),
                regional_key=edge.regional_hostname_keys.get(jurisdiction),
            )
        )
    deep = tuple(lb.hostname for lb in lbs if lb.hostname.count(".") > env.dns_zone.count(".") + 1)
    return EdgePlan(
        pools=tuple(pools),
        load_balancers=tuple(lbs),
        steering_policy=edge.steering_policy,
        certificate_hostnames=deep if edge.advanced_certificate else (),
    )
