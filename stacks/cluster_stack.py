"""One stack per cluster: `<env>-<cloud>-<region>-cluster`.

This module is where the environment model becomes construct props: pool parameters become
cloud-neutral NodePoolSpecs (constructs_lib/specs.py translates them per cloud), security and
maintenance parameters become the constructs' named props. Each stack registers a ClusterHandle
so the interconnect, edge and Vault stacks refer to the cluster through real references.
"""

from __future__ import annotations

from ipaddress import IPv4Network

from cdktf import TerraformOutput
from constructs import Construct

from constructs_lib.specs import Accelerator, NodePoolSpec, Taint
from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment, NodePool

COMPONENT = "cluster"


def build(app: Construct, ctx: BuildContext) -> None:
    """Add one cluster stack per cluster of the environment and register its handle."""
    for cluster in ctx.env.clusters:
        stack = ClusterStack(app, env=ctx.env, cluster=cluster)
        ctx.clusters[cluster.name] = stack.handle


# --------------------------------------------------------------------------------------------
# Environment model -> construct props (pure; tested without synthesizing)
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# The stack
# --------------------------------------------------------------------------------------------


class ClusterStack(PathLogicalIds, PlatformStack):
    """A cluster, its network and its keys, in the cloud's own provider."""

    def __init__(self, scope: Construct, *, env: Environment, cluster: Cluster) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud=cluster.cloud, region=cluster.region)
        self.cluster = cluster
        tags = self.tags(jurisdiction=cluster.jurisdiction, cluster=cluster.name)
        builder = {"aws": _build_aws, "gcp": _build_gcp, "azure": _build_azure}[cluster.cloud]
        self.handle: ClusterHandle = builder(self, env, cluster, tags)
        self._outputs(self.handle)

    def _outputs(self, h: ClusterHandle) -> None:
        TerraformOutput(self, "endpoint", value=h.endpoint, description="Kubernetes API endpoint (private).")
        TerraformOutput(self, "ca_certificate", value=h.ca_certificate, sensitive=True, description="Cluster CA, base64 PEM.")
        TerraformOutput(self, "oidc_issuer_url", value=h.oidc_issuer_url, description="Service account token issuer.")
        TerraformOutput(self, "network_id", value=h.network_id)
        TerraformOutput(self, "network_name", value=h.network_name)
        TerraformOutput(self, "ingress_hostname", value=h.ingress_hostname)
        if h.private_route_table_ids:
            TerraformOutput(self, "private_route_table_ids", value=list(h.private_route_table_ids))
        if h.resource_group_name:
            TerraformOutput(self, "resource_group_name", value=h.resource_group_name)
        if h.gateway_subnet_id:
            TerraformOutput(self, "gateway_subnet_id", value=h.gateway_subnet_id)


def _ingress_hostname(env: Environment, cluster: Cluster) -> str:
    return cluster.ingress_hostname or f"ingress.{cluster.name}.{env.dns_zone}"


# --------------------------------------------------------------------------------------------
# AWS
# --------------------------------------------------------------------------------------------


def _build_aws(stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]) -> ClusterHandle:
    from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

    from constructs_lib.aws.eks import Eks
    from constructs_lib.aws.kms import RotatingKey
    from constructs_lib.aws.network import AwsClusterNetwork

    account = env.accounts.aws.account_id
    name = resource_name(env, cluster)
    sec = cluster.security
    AwsProvider(
        stack,
        "aws",
        region=cluster.region,
        allowed_account_ids=[account],  # a wrong profile fails the plan instead of the account
        default_tags=[AwsProviderDefaultTags(tags=tags)],
    )
    logs_key = RotatingKey(
        stack,
        "logs_key",
        alias=f"{name}-logs",
        description=f"CloudWatch Logs of cluster {name} (control plane, VPC flow logs)",
        account_id=account,
        logs_region=cluster.region,
        rotation_days=sec.key_rotation_days,
        tags=tags,
    )
    network = AwsClusterNetwork(
        stack,
        "network",
        name=name,
        cluster_name=name,
        cidr=str(cluster.network.cidr),
        zones=default_zones(cluster),
        logs_key=logs_key,
        nat=cluster.network.nat,
        flow_log_retention_days=sec.audit_log_retention_days,
        tags=tags,
    )
    eks = Eks(
        stack,
        "eks",
        name=name,
        kubernetes_version=cluster.kubernetes_version,
        network=network,
        node_pools=pool_specs(cluster),
        account_id=account,
        logs_key=logs_key,
        public_endpoint=sec.public_endpoint,
        authorized_cidrs=authorized_cidrs(cluster),
        services_cidr=str(cluster.network.services_cidr) if cluster.network.services_cidr else None,
        log_retention_days=sec.audit_log_retention_days,
        key_rotation_days=sec.key_rotation_days,
        deletion_protection=sec.deletion_protection,
        tags=tags,
    )
    return ClusterHandle(
        spec=cluster,
        stack=stack,
        endpoint=eks.endpoint,
        ca_certificate=eks.ca_certificate,
        oidc_issuer_url=eks.oidc_issuer_url,
        network_id=network.vpc.id,
        network_name=network.vpc.id,
        ingress_hostname=_ingress_hostname(env, cluster),
        private_route_table_ids=network.private_route_table_ids,
    )


def _build_gcp(stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]) -> ClusterHandle:
    raise NotImplementedError


def _build_azure(stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]) -> ClusterHandle:
    raise NotImplementedError
