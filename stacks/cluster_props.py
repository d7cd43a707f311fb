"""Environment model -> cluster construct props: pure functions, tested without synthesizing.

cluster_stack.py builds the stacks from these; the constructs never see the parameter models.
"""

from __future__ import annotations

from constructs_lib.security_spec import ClusterSecuritySpec
from constructs_lib.specs import Accelerator, NodePoolSpec, Taint
from stacks.params import Cluster, Environment, NodePool


def pool_specs(cluster: Cluster) -> list[NodePoolSpec]:
    """The cluster's pools (system, workload, gpu, and batch when configured) as specs."""
    return [pool_spec(role, pool) for role, pool in cluster.node_pools.items()]


def pool_spec(role: str, pool: NodePool) -> NodePoolSpec:
    accel = getattr(pool, "accelerator", None)
    if pool.instance_type is None:  # the model fills it from the cloud's defaults
        raise ValueError(f"node pool {role} has no instance_type")
    return NodePoolSpec(
        role=role,
        instance_type=pool.instance_type,
        min_size=pool.min_size,
        max_size=pool.max_size,
        initial_size=pool.initial_size,
        disk_size_gb=pool.disk_size_gb,
        spot=pool.spot,
        taints=tuple(Taint(t.key, t.value, t.effect) for t in pool.taints),
        labels=dict(pool.labels),
        accelerator=Accelerator(accel.type, accel.count, accel.driver_version) if accel else None,
    )


def resource_name(env: Environment, cluster: Cluster) -> str:
    """`prod-aws-us-east-1`: the cloud-side name of the cluster and the prefix of its resources."""
    return f"{env.name}-{cluster.name}"


def default_zones(cluster: Cluster) -> list[str]:
    if cluster.zones:
        return list(cluster.zones)
    if cluster.cloud == "aws":
        return [f"{cluster.region}{z}" for z in "abc"]
    if cluster.cloud == "azure":
        return ["1", "2", "3"]
    return []  # GKE: the region's default zones


def authorized_cidrs(cluster: Cluster) -> list[str]:
    return [str(c) for c in cluster.security.authorized_cidrs]


def ingress_hostname(env: Environment, cluster: Cluster) -> str:
    return cluster.ingress_hostname or f"ingress.{cluster.name}.{env.dns_zone}"


def node_service_account_id(cluster: Cluster) -> str:
    """GCP account ids are 6-30 characters; the cluster name is unique in its project."""
    return f"{cluster.name}-nodes"[:30].rstrip("-")


def key_vault_name(env: Environment, cluster: Cluster) -> str:
    """Key Vault names are global and 3-24 characters: `<env>-<region>-<subscription prefix>`,
    e.g. `prod-westeurope-3f2b8c`."""
    head = f"{env.name[:4]}-{cluster.region}"[:17].rstrip("-")
    return f"{head}-{env.accounts.azure.subscription_id[:6]}"


def security_spec(cluster: Cluster) -> ClusterSecuritySpec:
    """`clusters[].security` as the one cloud-neutral spec the three cluster constructs take."""
    sec = cluster.security
    return ClusterSecuritySpec(
        public_endpoint=sec.public_endpoint,
        authorized_cidrs=tuple(authorized_cidrs(cluster)),
        deletion_protection=sec.deletion_protection,
        log_retention_days=sec.audit_log_retention_days,
        key_rotation_days=sec.key_rotation_days,
    )
