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


# --------------------------------------------------------------------------------------------
# GCP
# --------------------------------------------------------------------------------------------


def node_service_account_id(cluster: Cluster) -> str:
    """GCP account ids are 6-30 characters; the cluster name is unique in its project."""
    return f"{cluster.name}-nodes"[:30].rstrip("-")


def _build_gcp(stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]) -> ClusterHandle:
    from cdktf_cdktf_provider_google.provider import GoogleProvider

    from constructs_lib.gcp.gke import Gke
    from constructs_lib.gcp.network import GcpClusterNetwork

    project = env.accounts.gcp.project_id
    name = resource_name(env, cluster)
    sec, net, maint = cluster.security, cluster.network, cluster.maintenance
    GoogleProvider(stack, "google", project=project, region=cluster.region, default_labels=tags)
    network = GcpClusterNetwork(
        stack,
        "network",
        name=name,
        project=project,
        region=cluster.region,
        cidr=str(net.cidr),
        pods_cidr=str(net.pods_cidr),
        services_cidr=str(net.services_cidr),
        nat=net.nat,
    )
    gke = Gke(
        stack,
        "gke",
        name=name,
        project=project,
        region=cluster.region,
        kubernetes_version=cluster.kubernetes_version,
        network=network,
        network_cidr=str(net.cidr),
        node_pools=pool_specs(cluster),
        node_service_account_id=node_service_account_id(cluster),
        labels=tags,
        upgrade_channel=maint.upgrade_channel,
        maintenance_day=maint.day,
        maintenance_start_hour_utc=maint.start_hour_utc,
        maintenance_duration_hours=maint.duration_hours,
        public_endpoint=sec.public_endpoint,
        authorized_cidrs=authorized_cidrs(cluster),
        zones=default_zones(cluster),
        key_rotation_days=sec.key_rotation_days,
        deletion_protection=sec.deletion_protection,
    )
    return ClusterHandle(
        spec=cluster,
        stack=stack,
        endpoint=gke.endpoint,
        ca_certificate=gke.ca_certificate,
        oidc_issuer_url=gke.oidc_issuer_url,
        network_id=network.network.self_link,
        network_name=network.network.name,
        ingress_hostname=_ingress_hostname(env, cluster),
    )


# --------------------------------------------------------------------------------------------
# Azure
# --------------------------------------------------------------------------------------------


def key_vault_name(env: Environment, cluster: Cluster) -> str:
    """Key Vault names are global and 3-24 characters: `<env>-<region>-<subscription prefix>`,
    e.g. `prod-westeurope-3f2b8c`."""
    head = f"{env.name[:4]}-{cluster.region}"[:17].rstrip("-")
    return f"{head}-{env.accounts.azure.subscription_id[:6]}"


def _build_azure(stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]) -> ClusterHandle:
    from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures

    from constructs_lib.azure.aks import Aks
    from constructs_lib.azure.network import AzureClusterNetwork

    azure = env.accounts.azure
    name = resource_name(env, cluster)
    sec, net, maint = cluster.security, cluster.network, cluster.maintenance
    if net.pods_cidr is None or net.services_cidr is None:  # validation reports it with the file path
        raise ValueError(f"cluster {cluster.name}: AKS needs network.pods_cidr and network.services_cidr")
    AzurermProvider(stack, "azurerm", features=[AzurermProviderFeatures()], subscription_id=azure.subscription_id, tenant_id=azure.tenant_id)
    network = AzureClusterNetwork(stack, "network", name=name, location=cluster.region, cidr=str(net.cidr), tags=tags)
    aks = Aks(
        stack,
        "aks",
        name=name,
        location=cluster.region,
        kubernetes_version=cluster.kubernetes_version,
        network=network,
        node_pools=pool_specs(cluster),
        key_vault_name=key_vault_name(env, cluster),
        tenant_id=azure.tenant_id,
        pods_cidr=str(net.pods_cidr),
        services_cidr=str(net.services_cidr),
        zones=default_zones(cluster),
        upgrade_channel=maint.upgrade_channel,
        maintenance_day=maint.day,
        maintenance_start_hour_utc=maint.start_hour_utc,
        maintenance_duration_hours=maint.duration_hours,
        public_endpoint=sec.public_endpoint,
        authorized_cidrs=authorized_cidrs(cluster),
        log_retention_days=sec.audit_log_retention_days,
        key_rotation_days=sec.key_rotation_days,
        tags=tags,
    )
    return ClusterHandle(
        spec=cluster,
        stack=stack,
        endpoint=aks.endpoint,
        ca_certificate=aks.ca_certificate,
        oidc_issuer_url=aks.oidc_issuer_url,
        network_id=network.vnet.id,
        network_name=network.vnet.name,
        ingress_hostname=_ingress_hostname(env, cluster),
        resource_group_name=network.resource_group.name,
        gateway_subnet_id=network.gateway_subnet.id,
    )
