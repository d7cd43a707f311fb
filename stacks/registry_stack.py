"""Container registries per cloud and jurisdiction: `<env>-<cloud>-<region>-registry`.

A registry lives next to the first cluster (in environment order) of its cloud and jurisdiction;
AWS and Azure replicate it to the regions of that cloud's other clusters of the same jurisdiction,
never further (policies/checks CKV_MCAI_14 re-checks it on the plan). Pull grants go to the node
identities of exactly those clusters, taken from their ClusterHandles (real references).
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_google.provider import GoogleProvider
from constructs import Construct

from constructs_lib.aws.registry import EcrRegistry
from constructs_lib.azure.registry import AzureContainerRegistry
from constructs_lib.gcp.registry import ArtifactRegistry
from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment

COMPONENT = "registry"


@dataclass(frozen=True)
class RegistrySite:
    """One registry: its cloud, jurisdiction, home region and the clusters it serves."""

    cloud: str
    jurisdiction: str
    home_region: str
    clusters: tuple[str, ...]  # names, environment order; the first one's region is home

    def replica_regions(self, env: Environment) -> list[str]:
        regions = [env.cluster(c).region for c in self.clusters]
        return [r for r in dict.fromkeys(regions) if r != self.home_region]


def registry_sites(env: Environment) -> list[RegistrySite]:
    """One site per (cloud, jurisdiction) that has clusters, in environment order (pure)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for c in env.clusters:
        groups.setdefault((c.cloud, c.jurisdiction), []).append(c.name)
    return [
        RegistrySite(cloud, j, env.cluster(names[0]).region, tuple(names))
        for (cloud, j), names in groups.items()
    ]


def acr_name(env: Environment, jurisdiction: str) -> str:
    """ACR names are global, 5-50 letters and digits: `<env>acr<jurisdiction><subscription prefix>`."""
    sub = "".join(ch for ch in env.accounts.azure.subscription_id if ch.isalnum())[:8]
    return f"{env.name}acr{jurisdiction}{sub}"


def build(app: Construct, ctx: BuildContext) -> None:
    if not ctx.env.registry.enabled:
        return
    for site in registry_sites(ctx.env):
        RegistryStack(app, env=ctx.env, site=site, handles=[ctx.clusters[c] for c in site.clusters])


class RegistryStack(PathLogicalIds, PlatformStack):
    def _acr_endpoints(
        self, acr: AzureContainerRegistry, handles: list[ClusterHandle], tags: dict[str, str]
    ) -> None:
        """A `registry` private endpoint in the VNet of every AKS cluster the registry serves, in
        its private-endpoint subnet and registered in its privatelink.azurecr.io zone (both from
        the cluster's handle): the kubelets pull at a private address, and the registry takes no
        public traffic. The endpoint lives in its VNet's region, in the registry's group."""
        from constructs_lib.azure.private_link import PrivateEndpointTo

        for handle in handles:
            if not handle.private_endpoint_subnet_id:
                continue
            cluster = handle.spec
            PrivateEndpointTo(
                self,
                f"acr_endpoint_{cluster.name.replace('-', '_')}",
                name=f"pe-{acr.registry.name_input}-{cluster.name}",
                location=cluster.region,
                resource_group_name=acr.resource_group.name,
                subnet_id=handle.private_endpoint_subnet_id,
                resource_id=acr.registry.id,
                subresource="registry",
                dns_zone_ids=handle.private_dns_zone_ids,
                tags=tags,
            )

    def __init__(
        self, scope: Construct, *, env: Environment, site: RegistrySite, handles: list[ClusterHandle]
    ) -> None:
        super().__init__(scope, env=env, component=COMPONENT, cloud=site.cloud, region=site.home_region)
        tags = self.tags(jurisdiction=site.jurisdiction)
        replicas = site.replica_regions(env)
        identities = {h.spec.name: h.node_identity for h in handles if h.node_identity}
        if site.cloud == "aws":
            AwsProvider(
                self,
                "aws",
                region=site.home_region,
                allowed_account_ids=[env.accounts.aws.account_id],
                default_tags=[AwsProviderDefaultTags(tags=tags)],
            )
            self.registry: EcrRegistry | ArtifactRegistry | AzureContainerRegistry = EcrRegistry(
                self,
                "ecr",
                prefix=env.name,
                repositories=env.registry.repositories,
                home_region=site.home_region,
                replica_regions=replicas,
                account_id=env.accounts.aws.account_id,
                pull_role_arns=[identities[k] for k in sorted(identities)],
                tags=tags,
            )
        elif site.cloud == "gcp":
            project = env.accounts.gcp.project_id
            GoogleProvider(self, "google", project=project, region=site.home_region, default_labels=tags)
            self.registry = ArtifactRegistry(
                self,
                "artifact_registry",
                repository_id=f"{env.name}-containers",
                project=project,
                location=site.home_region,
                reader_service_accounts=identities,
                labels=tags,
            )
        else:
            azure = env.accounts.azure
            AzurermProvider(
                self,
                "azurerm",
                features=[AzurermProviderFeatures()],
                subscription_id=azure.subscription_id,
                tenant_id=azure.tenant_id,
            )
            acr = AzureContainerRegistry(
                self,
                "acr",
                name=acr_name(env, site.jurisdiction),
                location=site.home_region,
                replica_locations=replicas,
                pull_principal_ids=identities,
                tags=tags,
            )
            self._acr_endpoints(acr, handles, tags)
            self.registry = acr
