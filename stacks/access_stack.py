"""Day-2 access to one cluster: `<env>-<cloud>-<region>-access`.

Who: every unified role of `sso.roles` at its Kubernetes level (admin | edit | view), and the CI
deploy identity as cluster admin (creator admin is off, so the pipeline that installs add-ons
needs an explicit grant):
  - EKS: access entries + access policies for the SSO roles and the CI deploy role;
  - GKE: IAM is project-wide (constructs_lib/gcp/identity.py, identity stack); this stack only
    gives the groups the operator path;
  - AKS: Entra RBAC role assignments on the cluster for the groups and the CI deploy identity.
How (one declared, audited operator path per cluster to the private API):
  - AWS: SSM port forwarding through a host with no inbound rule (constructs_lib/aws/cluster_access.py);
  - GCP: IAP TCP forwarding to a host in the cluster subnetwork (constructs_lib/gcp/cluster_access.py);
  - Azure: Azure Bastion with native-client tunnelling (constructs_lib/azure/cluster_access.py).
The README's "Day-2 access" section has the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs import Construct

from constructs_lib.cidrs import bastion_cidr
from stacks.base import PlatformStack
from stacks.cluster_props import resource_name
from stacks.context import BuildContext, ClusterHandle
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment

if TYPE_CHECKING:
    from stacks.identity_stack import IdentityHandle

COMPONENT = "access"


def build(app: Construct, ctx: BuildContext) -> None:
    if ctx.identity is None:
        return
    for cluster in ctx.env.clusters:
        AccessStack(app, env=ctx.env, handle=ctx.clusters[cluster.name], identity=ctx.identity)


def bastion_subnet_cidr(vnet_cidr: str) -> str:
    """The VNet's third-to-last /26 (constructs_lib/cidrs.py, the VNet address plan). It was the
    second-to-last, the very block the cluster's private-endpoint subnet took (issue #13): the
    two subnets could never both have been created."""
    return bastion_cidr(vnet_cidr)


def gcp_zone(region: str) -> str:
    """The host's zone: `<region>-b`, a zone every GKE region of the residency map has."""
    return f"{region}-b"


def _required(value: str | None, handle: ClusterHandle, what: str) -> str:
    """A handle field the cluster's own cloud always fills (None only for the other clouds)."""
    if value is None:
        raise ValueError(f"cluster {handle.spec.name}: its handle has no {what} (the cluster stack sets it)")
    return value


class AccessStack(PathLogicalIds, PlatformStack):
    def __init__(
        self, scope: Construct, *, env: Environment, handle: ClusterHandle, identity: IdentityHandle
    ) -> None:
        cluster = handle.spec
        super().__init__(scope, env=env, component=COMPONENT, cloud=cluster.cloud, region=cluster.region)
        self.cluster = cluster
        tags = self.tags(jurisdiction=cluster.jurisdiction, cluster=cluster.name)
        name = resource_name(env, cluster)
        {"aws": self._aws, "gcp": self._gcp, "azure": self._azure}[cluster.cloud](
            env, handle, identity, name, tags
        )

    def _aws(
        self,
        env: Environment,
        handle: ClusterHandle,
        identity: IdentityHandle,
        name: str,
        tags: dict[str, str],
    ) -> None:
        from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

        from constructs_lib.aws.cluster_access import EksAccess, SsmApiPath

        AwsProvider(
            self,
            "aws",
            region=self.cluster.region,
            allowed_account_ids=[env.accounts.aws.account_id],
            default_tags=[AwsProviderDefaultTags(tags=tags)],
        )
        principals = {}
        if env.sso is not None:
            for m in env.sso.roles:
                principals[f"sso_{m.role}"] = (identity.aws_sso_role_arns[m.role], m.kubernetes)
        if identity.aws_deploy_role_arn is not None:
            principals["ci_deploy"] = (identity.aws_deploy_role_arn, "admin")
        EksAccess(self, "eks_access", cluster_name=handle.cluster_name, principals=principals, tags=tags)
        SsmApiPath(
            self,
            "api_path",
            name=name,
            vpc_id=handle.network_id,
            subnet_id=handle.subnet_ids[0],
            api_security_group_id=_required(handle.node_security_group_id, handle, "node security group"),
            tags=tags,
        )

    def _gcp(
        self,
        env: Environment,
        handle: ClusterHandle,
        identity: IdentityHandle,
        name: str,
        tags: dict[str, str],
    ) -> None:
        from cdktf_cdktf_provider_google.provider import GoogleProvider

        from constructs_lib.gcp.cluster_access import IapApiPath

        project = env.accounts.gcp.project_id
        GoogleProvider(self, "google", project=project, region=self.cluster.region, default_labels=tags)
        IapApiPath(
            self,
            "api_path",
            name=f"{name}-api-path",
            project=project,
            zone=gcp_zone(self.cluster.region),
            network=handle.network_id,
            subnetwork=handle.subnet_ids[0],
            service_account_id=f"{self.cluster.name}-path"[:30].rstrip("-"),
            members=[identity.gcp_sso_members[m.role] for m in env.sso.roles] if env.sso else [],
            labels=tags,
        )

    def _azure(
        self,
        env: Environment,
        handle: ClusterHandle,
        identity: IdentityHandle,
        name: str,
        tags: dict[str, str],
    ) -> None:
        from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures

        from constructs_lib.azure.cluster_access import AksAccess, BastionApiPath

        AzurermProvider(
            self,
            "azurerm",
            features=[AzurermProviderFeatures()],
            subscription_id=env.accounts.azure.subscription_id,
            tenant_id=env.accounts.azure.tenant_id,
        )
        principals = {}
        if env.sso is not None:
            for m in env.sso.roles:
                principals[f"sso_{m.role}"] = (m.azure_group_object_id, m.kubernetes, "Group")
        if identity.azure_deploy_principal_id is not None:
            principals["ci_deploy"] = (identity.azure_deploy_principal_id, "admin", "ServicePrincipal")
        AksAccess(self, "aks_access", cluster_id=handle.cluster_id, principals=principals)
        BastionApiPath(
            self,
            "api_path",
            name=name,
            location=self.cluster.region,
            resource_group_name=_required(handle.resource_group_name, handle, "resource group"),
            virtual_network_name=handle.network_name,
            subnet_cidr=bastion_subnet_cidr(str(self.cluster.network.cidr)),
            tags=tags,
            users={
                f"sso_{m.role.replace('-', '_')}": (m.azure_group_object_id, "Group") for m in env.sso.roles
            }
            if env.sso
            else None,
        )
