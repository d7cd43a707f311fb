"""One stack per cluster: `<env>-<cloud>-<region>-cluster`.

Here the environment model becomes construct props: pool parameters become cloud-neutral
NodePoolSpecs (stacks/cluster_props.py; constructs_lib/specs.py translates them per cloud),
security and maintenance parameters become the constructs' named props. Each stack registers a
ClusterHandle so the interconnect, edge and Vault stacks refer to the cluster through real
references, and writes the same values as outputs.
"""

from __future__ import annotations

from cdktf import TerraformOutput, TerraformResource
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_google.provider import GoogleProvider
from constructs import Construct

from constructs_lib.aws.eks import Eks
from constructs_lib.aws.kms import RotatingKey
from constructs_lib.aws.network import AwsClusterNetwork
from constructs_lib.azure.aks import Aks
from constructs_lib.azure.network import AzureClusterNetwork
from constructs_lib.gcp.gke import Gke
from constructs_lib.gcp.network import GcpClusterNetwork
from constructs_lib.ingress_address import AwsIngressAddresses, AzureIngressAddress, GcpIngressAddress
from stacks.base import PlatformStack
from stacks.cluster_props import (
    default_zones,
    ingress_hostname,
    key_vault_name,
    node_service_account_id,
    pool_specs,
    resource_name,
    security_spec,
)
from stacks.context import BuildContext, ClusterHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment

COMPONENT = "cluster"


def build(app: Construct, ctx: BuildContext) -> None:
    """Add one cluster stack per cluster of the environment and register its handle."""
    for cluster in ctx.env.clusters:
        stack = ClusterStack(app, env=ctx.env, cluster=cluster)
        ctx.clusters[cluster.name] = stack.handle


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
        # The handle carries each provider's own attribute (GKE: a bare address); the output is
        # the API server URL on every cloud.
        url = f"https://{h.endpoint}" if self.cluster.cloud == "gcp" else h.endpoint
        TerraformOutput(self, "endpoint", value=url, description="Kubernetes API server URL.")
        TerraformOutput(
            self,
            "ca_certificate",
            value=h.ca_certificate,
            sensitive=True,
            description="Cluster CA, base64 PEM.",
        )
        TerraformOutput(
            self, "oidc_issuer_url", value=h.oidc_issuer_url, description="Service account token issuer."
        )
        TerraformOutput(self, "network_id", value=h.network_id)
        TerraformOutput(self, "network_name", value=h.network_name)
        TerraformOutput(self, "ingress_hostname", value=h.ingress_hostname)
        if h.private_route_table_ids:
            TerraformOutput(self, "private_route_table_ids", value=list(h.private_route_table_ids))
        if h.resource_group_name:
            TerraformOutput(self, "resource_group_name", value=h.resource_group_name)
        if h.gateway_subnet_id:
            TerraformOutput(self, "gateway_subnet_id", value=h.gateway_subnet_id)


def record_reasons(resource: TerraformResource, cluster: Cluster) -> None:
    """A secure default turned off keeps its stated reason next to the resource in the plan
    (cdk.tf.json `//` comment), where a reviewer of the diff sees it."""
    sec = cluster.security
    if sec.public_endpoint:
        resource.add_override("//.public_endpoint_reason", sec.public_endpoint_reason)
    if not sec.deletion_protection:
        resource.add_override("//.deletion_protection_reason", sec.deletion_protection_reason)


# --------------------------------------------------------------------------------------------
# AWS
# --------------------------------------------------------------------------------------------


def _build_aws(
    stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]
) -> ClusterHandle:
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
        region=cluster.region,
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
        services_cidr=str(cluster.network.services_cidr) if cluster.network.services_cidr else None,
        tags=tags,
        **security_spec(cluster).to_eks(),
    )
    record_reasons(eks.cluster, cluster)
    ingress = AwsIngressAddresses(stack, "ingress", name=name, zones=default_zones(cluster), tags=tags)
    TerraformOutput(
        stack,
        "ingress_eip_allocation_ids",
        value=ingress.allocation_ids,
        description="service.beta.kubernetes.io/aws-load-balancer-eip-allocations of the ingress Service.",
    )
    return ClusterHandle(
        spec=cluster,
        stack=stack,
        endpoint=eks.endpoint,
        ca_certificate=eks.ca_certificate,
        oidc_issuer_url=eks.oidc_issuer_url,
        network_id=network.vpc.id,
        network_name=network.vpc.id,
        ingress_hostname=ingress_hostname(env, cluster),
        private_route_table_ids=network.private_route_table_ids,
        cluster_name=eks.cluster.name,
        cluster_id=eks.cluster.arn,
        subnet_ids=tuple(network.private_subnet_ids),
        node_identity=eks.node_role.arn,
        ingress_addresses=tuple(ingress.addresses),
        node_security_group_id=eks.cluster.vpc_config.cluster_security_group_id,
    )


# --------------------------------------------------------------------------------------------
# GCP
# --------------------------------------------------------------------------------------------


def _build_gcp(
    stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]
) -> ClusterHandle:
    project = env.accounts.gcp.project_id
    name = resource_name(env, cluster)
    net, maint = cluster.network, cluster.maintenance
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
        zones=default_zones(cluster),
        security_group=env.sso.gke_security_group if env.sso else None,
        **security_spec(cluster).to_gke(),
    )
    record_reasons(gke.cluster, cluster)
    ingress = GcpIngressAddress(
        stack, "ingress", name=name, project=project, region=cluster.region, labels=tags
    )
    return ClusterHandle(
        spec=cluster,
        stack=stack,
        endpoint=gke.endpoint,
        ca_certificate=gke.ca_certificate,
        oidc_issuer_url=gke.oidc_issuer_url,
        network_id=network.network.self_link,
        network_name=network.network.name,
        ingress_hostname=ingress_hostname(env, cluster),
        cluster_name=gke.cluster.name,
        cluster_id=gke.cluster.id,
        subnet_ids=(network.subnetwork.self_link,),
        node_identity=gke.node_service_account.email,
        ingress_addresses=tuple(ingress.addresses),
    )


# --------------------------------------------------------------------------------------------
# Azure
# --------------------------------------------------------------------------------------------


def _build_azure(
    stack: ClusterStack, env: Environment, cluster: Cluster, tags: dict[str, str]
) -> ClusterHandle:
    azure = env.accounts.azure
    name = resource_name(env, cluster)
    net, maint = cluster.network, cluster.maintenance
    if net.pods_cidr is None or net.services_cidr is None:  # validation reports it with the file path
        raise ValueError(f"cluster {cluster.name}: AKS needs network.pods_cidr and network.services_cidr")
    AzurermProvider(
        stack,
        "azurerm",
        features=[AzurermProviderFeatures()],
        subscription_id=azure.subscription_id,
        tenant_id=azure.tenant_id,
    )
    network = AzureClusterNetwork(
        stack, "network", name=name, location=cluster.region, cidr=str(net.cidr), tags=tags
    )
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
        tags=tags,
        # The runner creates the etcd and disk keys through the vault's data plane
        # (stacks/params.py Runner); the vault's firewall admits nothing else.
        key_vault_allowed_cidrs=[str(n) for n in env.runner.ip_ranges],
        key_vault_allowed_subnet_ids=list(env.runner.azure_subnet_ids),
        **security_spec(cluster).to_aks(),
    )
    record_reasons(aks.cluster, cluster)
    ingress = AzureIngressAddress(
        stack,
        "ingress",
        name=name,
        location=cluster.region,
        resource_group_name=network.resource_group.name,
        cluster_identity_principal_id=aks.identity.principal_id,
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
        ingress_hostname=ingress_hostname(env, cluster),
        resource_group_name=network.resource_group.name,
        gateway_subnet_id=network.gateway_subnet.id,
        cluster_name=aks.cluster.name,
        cluster_id=aks.cluster.id,
        node_identity=aks.kubelet_object_id,
        ingress_addresses=tuple(ingress.addresses),
        node_subnet_id=network.node_subnet.id,
        private_endpoint_subnet_id=network.private_endpoint_subnet.id,
        private_dns_zone_ids=dict(network.private_link_dns.zone_ids),
    )
