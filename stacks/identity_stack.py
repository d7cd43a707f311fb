"""Keyless CI and SSO of an environment: `<env>-global-identity`.

From `ci:` (GitHub repository, plan and deploy environments): per cloud, the federation that
lets the workflow's plan job and deploy job in without a stored key (AWS OIDC provider + two
roles, GCP workload identity pool + two service accounts, Azure two managed identities with
federated credentials). The subjects are exact: `repo:<owner>/<repo>:environment:<name>`.

From `sso:` (Okta): AWS SAML provider + one IAM role per unified role, a GCP workforce pool with
the GKE IAM roles of each group (project-wide), and the Entra groups' object ids (Okta provisions
the groups; no azuread provider is needed to refer to them). stacks/access_stack.py grants the
same roles on every cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cdktf import TerraformOutput
from constructs import Construct

from stacks.base import PlatformStack
from stacks.context import BuildContext
from stacks.environments import ENV_DIR
from stacks.logical_ids import PathLogicalIds
from stacks.params import Environment, GithubCi, Sso

COMPONENT = "identity"


@dataclass
class IdentityHandle:
    """What the access stacks use: references, never names rebuilt by convention."""

    aws_sso_role_arns: dict[str, str] = field(default_factory=dict)  # unified role -> IAM role ARN
    aws_deploy_role_arn: str | None = None
    azure_deploy_principal_id: str | None = None
    gcp_sso_members: dict[str, str] = field(default_factory=dict)  # unified role -> principalSet


def build(app: Construct, ctx: BuildContext) -> None:
    if ctx.env.ci is None and ctx.env.sso is None:
        return
    ctx.identity = IdentityStack(app, env=ctx.env).handle


def github_subject(repository: str, environment: str) -> str:
    """The `sub` claim GitHub issues to a job that names a GitHub environment."""
    return f"repo:{repository}:environment:{environment}"


def aws_home_region(env: Environment) -> str:
    if env.backend.kind == "s3":
        return env.backend.region
    return env.clusters_of("aws")[0].region if env.clusters_of("aws") else "us-east-1"


def azure_state_container_scope(env: Environment) -> str | None:
    b = env.backend
    if b.kind != "azurerm":
        return None
    return (
        f"/subscriptions/{env.accounts.azure.subscription_id}/resourceGroups/{b.resource_group_name}"
        f"/providers/Microsoft.Storage/storageAccounts/{b.storage_account_name}"
        f"/blobServices/default/containers/{b.container_name}"
    )


class IdentityStack(PathLogicalIds, PlatformStack):
    def __init__(self, scope: Construct, *, env: Environment) -> None:
        super().__init__(scope, env=env, component=COMPONENT)
        from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
        from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
        from cdktf_cdktf_provider_google.provider import GoogleProvider

        tags = self.tags()
        project = env.accounts.gcp.project_id
        AwsProvider(
            self,
            "aws",
            region=aws_home_region(env),
            allowed_account_ids=[env.accounts.aws.account_id],
            default_tags=[AwsProviderDefaultTags(tags=tags)],
        )
        GoogleProvider(self, "google", project=project, default_labels=tags)
        AzurermProvider(
            self,
            "azurerm",
            features=[AzurermProviderFeatures()],
            subscription_id=env.accounts.azure.subscription_id,
            tenant_id=env.accounts.azure.tenant_id,
        )
        self.handle = IdentityHandle()
        if env.ci is not None:
            self._ci(env, env.ci, tags, project)
        if env.sso is not None:
            self._sso(env, env.sso, tags, project)

    def _ci(self, env: Environment, ci: GithubCi, tags: dict[str, str], project: str) -> None:
        from constructs_lib.aws.identity import GithubOidcRoles, S3StateAccess
        from constructs_lib.azure.identity import GithubFederatedIdentities
        from constructs_lib.gcp.identity import GithubWorkloadIdentity

        b = env.backend
        plan = github_subject(ci.repository, ci.plan_environment)
        deploy = github_subject(ci.repository, ci.deploy_environment)
        aws = GithubOidcRoles(
            self,
            "aws_ci",
            name_prefix=env.name,
            plan_subject=plan,
            deploy_subject=deploy,
            state=S3StateAccess(b.bucket, b.key_prefix, b.region) if b.kind == "s3" else None,
            tags=tags,
            account_id=env.accounts.aws.account_id,
        )
        gcp = GithubWorkloadIdentity(
            self,
            "gcp_ci",
            project=project,
            repository=ci.repository,
            plan_subject=plan,
            deploy_subject=deploy,
            state_bucket=b.bucket if b.kind == "gcs" else None,
        )
        azure_clusters = env.clusters_of("azure")
        azure = GithubFederatedIdentities(
            self,
            "azure_ci",
            name_prefix=env.name,
            location=azure_clusters[0].region if azure_clusters else "westeurope",
            subscription_id=env.accounts.azure.subscription_id,
            plan_subject=plan,
            deploy_subject=deploy,
            state_container_scope=azure_state_container_scope(env),
            tags=tags,
        )
        self.handle.aws_deploy_role_arn = aws.deploy_role.arn
        self.handle.azure_deploy_principal_id = azure.deploy.principal_id
        # What the workflow's repository/environment variables must hold (README, "CI").
        TerraformOutput(self, "aws_plan_role_arn", value=aws.plan_role.arn)
        TerraformOutput(self, "aws_deploy_role_arn", value=aws.deploy_role.arn)
        TerraformOutput(self, "gcp_workload_identity_provider", value=gcp.provider.name)
        TerraformOutput(self, "gcp_plan_service_account", value=gcp.plan_account.email)
        TerraformOutput(self, "gcp_deploy_service_account", value=gcp.deploy_account.email)
        TerraformOutput(self, "azure_plan_client_id", value=azure.plan.client_id)
        TerraformOutput(self, "azure_deploy_client_id", value=azure.deploy.client_id)

    def _sso(self, env: Environment, sso: Sso, tags: dict[str, str], project: str) -> None:
        from constructs_lib.aws.identity import SamlSsoRoles
        from constructs_lib.gcp.identity import WorkforceSso

        path = ENV_DIR / sso.aws_saml_metadata_file
        try:
            metadata = path.read_text(encoding="utf-8")
        except OSError as exc:  # validation reports a missing file first; this is the backstop
            raise ValueError(
                f"environments/{env.name}.yaml: sso.aws_saml_metadata_file: cannot read {path}: {exc.strerror}"
            ) from None
        aws = SamlSsoRoles(
            self,
            "aws_sso",
            provider_name="okta",
            metadata_document=metadata,
            roles={m.role: f"{env.name}-sso-{m.role}" for m in sso.roles},
            tags=tags,
        )
        gcp = WorkforceSso(
            self,
            "gcp_sso",
            organization_id=sso.gcp_organization_id,
            pool_id=f"{env.name}-okta",
            issuer_uri=sso.oidc_issuer_uri,
            client_id=sso.gcp_oidc_client_id,
            project=project,
            groups={m.idp_group: m.kubernetes for m in sso.roles},
        )
        for m in sso.roles:
            self.handle.aws_sso_role_arns[m.role] = aws.roles[m.role].arn
            self.handle.gcp_sso_members[m.role] = gcp.members[m.idp_group]
