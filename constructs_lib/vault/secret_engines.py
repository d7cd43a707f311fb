"""Vault's AWS, GCP and Azure secrets engines, federated instead of configured with keys.

Each engine authenticates to its cloud with plugin workload identity federation: Vault signs a
short-lived identity token (issuer `<vault>/v1/identity/oidc/plugins`, subject
`plugin-identity:<namespace id>:secret:<mount accessor>`) and the cloud trusts exactly that
subject. No access key, client secret or service-account key exists anywhere, so none can end
up in the synthesized JSON or the state. (Plugin WIF needs Vault Enterprise >= 1.16/1.17.)

Argument names from the typed bindings: vault 15.6.1 (`vault_aws_secret_backend[_role]`,
`vault_gcp_secret_backend`, `vault_gcp_secret_static_account`, `vault_azure_secret_backend[_role]`:
`identity_token_audience`, `role_arn`, `service_account_email`, `client_id`), aws 21.22.1
(`aws_iam_openid_connect_provider`), google 16.12.1 (`google_iam_workload_identity_pool[_provider]`),
azurerm 14.23.1 (`azurerm_federated_identity_credential`, `azurerm_role_assignment` `condition`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

from cdktf import Fn, ITerraformDependable
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_azuread.app_role_assignment import AppRoleAssignment
from cdktf_cdktf_provider_azuread.data_azuread_service_principal import DataAzureadServicePrincipal
from cdktf_cdktf_provider_azurerm.data_azurerm_role_definition import DataAzurermRoleDefinition
from cdktf_cdktf_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from cdktf_cdktf_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktf_cdktf_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_vault.aws_secret_backend import AwsSecretBackend
from cdktf_cdktf_provider_vault.aws_secret_backend_role import AwsSecretBackendRole
from cdktf_cdktf_provider_vault.azure_secret_backend import AzureSecretBackend
from cdktf_cdktf_provider_vault.azure_secret_backend_role import (
    AzureSecretBackendRole,
    AzureSecretBackendRoleAzureRoles,
)
from cdktf_cdktf_provider_vault.gcp_secret_backend import GcpSecretBackend
from cdktf_cdktf_provider_vault.gcp_secret_impersonated_account import GcpSecretImpersonatedAccount
from cdktf_cdktf_provider_vault.identity_oidc import IdentityOidc
from constructs import Construct

from constructs_lib.vault.documents import iam_policy_json, iam_statement, logical_id
from constructs_lib.vault.identities import AZURE_TOKEN_EXCHANGE_AUDIENCE, AwsPlatformRole, GcpPlatformRole

# Microsoft Graph's well-known application id, and the one Graph application permission the
# Azure secrets engine needs to create and delete the applications it owns.
MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
GRAPH_APP_PERMISSION = "Application.ReadWrite.OwnedBy"


class PluginIdentityIssuer(Construct):
    """Vault's identity-token issuer, set to `https://<host of vault_address>` (no port).

    AWS IAM refuses an OIDC provider URL with a port, and Vault's default issuer is its
    api_addr (`https://vault...:8200`), so the issuer is configured explicitly. The discovery
    documents under `<issuer>/v1/identity/oidc/plugins/.well-known/` must then be reachable on
    port 443 from AWS, Google and Entra ID.
    """

    def __init__(self, scope: Construct, id_: str, *, vault_address: str) -> None:
        super().__init__(scope, id_)
        parts = urlsplit(vault_address)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"vault address '{vault_address}' must be an https URL.")
        self.issuer = f"https://{parts.hostname}"
        self.config = IdentityOidc(self, "config", issuer=self.issuer)

    @property
    def plugin_issuer_url(self) -> str:
        """The `iss` of the tokens secrets engines sign (root namespace)."""
        return f"{self.issuer}/v1/identity/oidc/plugins"


def plugin_subject(mount_accessor: str, namespace_id: str = "root") -> str:
    """The `sub` claim of the identity tokens one secrets-engine mount signs."""
    return f"plugin-identity:{namespace_id}:secret:{mount_accessor}"


class AwsSecretsEngine(Construct):
    """The AWS secrets engine at `path`. It issues STS credentials for platform roles
    (`credential_type = assumed_role`); the identity it calls AWS with may assume exactly those
    roles and nothing else (see `allow`).

    Two ways to give the engine its AWS identity, one per Vault edition:
    - `issuer_url` set (Vault Enterprise >= 1.16): plugin workload identity federation. An OIDC
      provider for Vault's plugin issuer and an IAM role (`role_name`) only this mount's identity
      token can assume. terraform-provider-vault v5.6.0 vault/resource_aws_secret_backend.go sends
      `identity_token_audience`/`role_arn` only when `IsAPISupported(VaultVersion116) &&
      IsEnterpriseSupported`: against Community Edition they are dropped without an error.
    - `caller_role` set (Community Edition): no credentials in the mount config, so the plugin uses
      the AWS SDK's default chain, i.e. the Vault server pods' own role (EKS Pod Identity). The
      platform roles then trust that role and the assume-role grant is attached to it.

    TTLs: AWS limits a session reached by role chaining (AssumeRole called with credentials that
    came from an assumed role, which both ways are) to 1 hour ("Role chaining limits your AWS CLI
    or AWS API role session to a maximum of one hour", IAM user guide, "Roles terms and concepts"),
    so `max_sts_ttl_seconds` above 3600 is refused. Defaults: 1 hour; identity tokens 15 minutes.
    """

    ROLE_CHAINING_MAX_SECONDS = 3600

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        account_id: str,
        region: str,
        tags: Mapping[str, str],
        issuer_url: str | None = None,
        role_name: str | None = None,
        caller_role: IamRole | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        path: str = "aws",
        audience: str = "sts.amazonaws.com",
        identity_token_ttl_seconds: int = 900,
        default_sts_ttl_seconds: int = 3600,
        max_sts_ttl_seconds: int = 3600,
    ) -> None:
        super().__init__(scope, id_)
        if (issuer_url is None) == (caller_role is None):
            raise ValueError(
                "AwsSecretsEngine: pass issuer_url (plugin WIF) or caller_role (server identity), not both."
            )
        if issuer_url is not None and not role_name:
            raise ValueError("AwsSecretsEngine: plugin WIF needs role_name.")
        if (
            max_sts_ttl_seconds > self.ROLE_CHAINING_MAX_SECONDS
            or default_sts_ttl_seconds > max_sts_ttl_seconds
        ):
            raise ValueError(
                f"AwsSecretsEngine: max_sts_ttl_seconds {max_sts_ttl_seconds} (default {default_sts_ttl_seconds}) "
                f"must be at most {self.ROLE_CHAINING_MAX_SECONDS}: AWS caps role chaining at 1 hour."
            )
        self.path = path
        self.roles: dict[str, AwsSecretBackendRole] = {}
        self._account_id = account_id
        self._sts = (default_sts_ttl_seconds, max_sts_ttl_seconds)
        self.federated = issuer_url is not None
        if caller_role is not None:
            self.backend = AwsSecretBackend(
                self,
                "backend",
                path=path,
                description="Dynamic AWS credentials (STS, assumed roles) as the Vault server's own role",
                region=region,
            )
            self.role = caller_role
            self._ready: list[ITerraformDependable] = []
            return
        assert issuer_url is not None  # exactly one of issuer_url / caller_role, checked above
        # The role ARN is written out rather than referenced: the role's trust policy names
        # this mount's accessor, so a reference back would be a cycle.
        self.backend = AwsSecretBackend(
            self,
            "backend",
            path=path,
            description="Dynamic AWS credentials (STS, assumed roles) via plugin WIF",
            region=region,
            role_arn=f"arn:aws:iam::{account_id}:role/{role_name}",
            identity_token_audience=audience,
            identity_token_ttl=identity_token_ttl_seconds,
            depends_on=list(depends_on) or None,
        )
        self.oidc_provider = IamOpenidConnectProvider(
            self, "oidc_provider", url=issuer_url, client_id_list=[audience], tags=dict(tags)
        )
        host = issuer_url.removeprefix("https://")
        self.role = IamRole(
            self,
            "role",
            name=role_name,
            description=f"Vault AWS secrets engine ({path}): assumes the platform roles",
            assume_role_policy=iam_policy_json(
                [
                    iam_statement(
                        sid="VaultPluginIdentity",
                        principals={"Federated": [self.oidc_provider.arn]},
                        actions=["sts:AssumeRoleWithWebIdentity"],
                        conditions={
                            "StringEquals": {
                                f"{host}:aud": audience,
                                f"{host}:sub": plugin_subject(self.backend.accessor),
                            }
                        },
                    )
                ]
            ),
            max_session_duration=3600,
            tags=dict(tags),
        )
        # A credential request before the OIDC provider and the role exist fails at run time.
        self._ready = [self.oidc_provider, self.role]

    @property
    def role_arn(self) -> str:
        """The role the engine calls AWS as (the platform roles trust it)."""
        return self.role.arn

    def allow(self, platform_roles: Mapping[str, AwsPlatformRole]) -> None:
        """Let Vault hand out credentials for these roles (Vault role name -> platform role)."""
        if not platform_roles:
            return
        grant = IamRolePolicy(
            self,
            "assume_platform_roles",
            name="assume-platform-roles",
            role=self.role.id,
            policy=iam_policy_json(
                [
                    iam_statement(
                        sid="AssumePlatformRoles",
                        actions=["sts:AssumeRole"],
                        resources=[r.arn for _, r in sorted(platform_roles.items())],
                    )
                ]
            ),
        )
        for name, platform_role in sorted(platform_roles.items()):
            self.roles[name] = AwsSecretBackendRole(
                self,
                f"role_{logical_id(name)}",
                backend=self.backend.path,
                name=name,
                credential_type="assumed_role",
                role_arns=[platform_role.arn],
                default_sts_ttl=self._sts[0],
                max_sts_ttl=self._sts[1],
                depends_on=[*self._ready, grant],
            )

    def credential_path(self, role: str) -> str:
        """The path a workload reads STS credentials of `role` from (Vault API: /aws/sts/:name)."""
        return f"{self.path}/sts/{role}"


class GcpSecretsEngine(Construct):
    """The GCP secrets engine at `path`. Workloads get OAuth2 access tokens of platform service
    accounts through impersonated accounts (`vault_gcp_secret_impersonated_account`,
    terraform-provider-vault v5.6.0 vault/resource_gcp_secret_impersonated_account.go): Vault
    calls `generateAccessToken` as its own identity, which holds Token Creator on each platform
    account and nothing else. No service-account key is ever created (static accounts with
    `secret_type = access_token` make Vault create and rotate a key, which Token Creator does not
    allow and org policy `iam.disableServiceAccountKeyCreation` forbids).

    Vault's own identity, one way per edition:
    - `issuer_url` set (Vault Enterprise >= 1.17): plugin workload identity federation through a
      workload identity pool that trusts only this mount's identity token; Vault then acts as
      `service_account_id`. vault/resource_gcp_secret_backend.go (v5.6.0) sends
      `identity_token_audience` only when `IsAPISupported(VaultVersion117) && IsEnterpriseSupported`.
      `project_number` is needed for the token audience (the `number` of a `google_project` data source).
    - `caller` set (Community Edition): no `credentials` in the mount config, so the plugin uses
      Application Default Credentials: the Vault server pods' own account (GKE Workload Identity).

    Default token scope: cloud-platform (the IAM grants of each service account limit what a token
    can do); tokens live 1 hour (the generateAccessToken default and maximum without an org policy
    exception).
    """

    TOKEN_MAX_SECONDS = 3600

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        project_number: str | None = None,
        issuer_url: str | None = None,
        service_account_id: str | None = None,
        pool_id: str | None = None,
        caller_member: str | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
        provider_id: str = "vault-plugins",
        path: str = "gcp",
        identity_token_ttl_seconds: int = 900,
        token_ttl_seconds: int = 3600,
    ) -> None:
        super().__init__(scope, id_)
        if (issuer_url is None) == (caller_member is None):
            raise ValueError(
                "GcpSecretsEngine: pass issuer_url (plugin WIF) or caller_member (server identity), not both."
            )
        if token_ttl_seconds > self.TOKEN_MAX_SECONDS:
            raise ValueError(
                f"GcpSecretsEngine: token_ttl_seconds {token_ttl_seconds} exceeds {self.TOKEN_MAX_SECONDS}: "
                "GCP access tokens live at most 1 hour."
            )
        self.path = path
        self._token_ttl = token_ttl_seconds
        self.accounts: dict[str, GcpSecretImpersonatedAccount] = {}
        self.federated = issuer_url is not None
        if caller_member is not None:
            self.backend = GcpSecretBackend(
                self,
                "backend",
                path=path,
                description="Dynamic GCP access tokens (impersonated accounts) as the Vault server's own account",
            )
            self._member = caller_member
            self._ready: list[ITerraformDependable] = []
            return
        assert issuer_url is not None  # exactly one of issuer_url / caller_member, checked above
        if not (project_number and service_account_id and pool_id):
            raise ValueError(
                "GcpSecretsEngine: plugin WIF needs project_number, service_account_id and pool_id."
            )
        pool_path = f"projects/{project_number}/locations/global/workloadIdentityPools/{pool_id}"
        self.service_account = ServiceAccount(
            self,
            "service_account",
            project=project,
            account_id=service_account_id,
            display_name=service_account_id,
            description=f"Vault GCP secrets engine ({path}): mints tokens for the platform service accounts",
        )
        # Audience written out from the pool/provider ids: the provider's condition names this
        # mount's accessor, so a reference from the mount to the provider would be a cycle.
        self.backend = GcpSecretBackend(
            self,
            "backend",
            path=path,
            description="Dynamic GCP access tokens (impersonated accounts) via plugin WIF",
            service_account_email=self.service_account.email,
            identity_token_audience=f"//iam.googleapis.com/{pool_path}/providers/{provider_id}",
            identity_token_ttl=identity_token_ttl_seconds,
            depends_on=list(depends_on) or None,
        )
        subject = plugin_subject(self.backend.accessor)
        self.pool = IamWorkloadIdentityPool(
            self,
            "pool",
            project=project,
            workload_identity_pool_id=pool_id,
            display_name=pool_id,
            description="Vault plugin identity tokens",
        )
        self.provider = IamWorkloadIdentityPoolProvider(
            self,
            "provider",
            project=project,
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id=provider_id,
            display_name=provider_id,
            attribute_mapping={"google.subject": "assertion.sub"},
            attribute_condition=f"assertion.sub == '{subject}'",
            oidc=IamWorkloadIdentityPoolProviderOidc(issuer_uri=issuer_url),
        )
        self.federation = ServiceAccountIamMember(
            self,
            "federation",
            service_account_id=self.service_account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"principal://iam.googleapis.com/{pool_path}/subject/{subject}",
            # The member names the pool by path, not by reference: without this, Terraform may grant
            # it before the provider that issues the subject exists (and a token exchange in that
            # window fails).
            depends_on=[self.provider],
        )
        self._member = self.service_account.member
        # A token request before the pool provider and the federation binding exist fails.
        self._ready = [self.provider, self.federation]

    def allow(self, platform_roles: Mapping[str, GcpPlatformRole]) -> None:
        """An impersonated account per platform service account (Vault name -> platform role):
        Vault's identity may create access tokens for it (Token Creator on that account only)."""
        for name, platform_role in sorted(platform_roles.items()):
            grant = ServiceAccountIamMember(
                self,
                f"token_creator_{logical_id(name)}",
                service_account_id=platform_role.service_account.name,
                role="roles/iam.serviceAccountTokenCreator",
                member=self._member,
            )
            self.accounts[name] = GcpSecretImpersonatedAccount(
                self,
                f"impersonated_{logical_id(name)}",
                backend=self.backend.path,
                impersonated_account=name,
                service_account_email=platform_role.email,
                token_scopes=["https://www.googleapis.com/auth/cloud-platform"],
                ttl=str(self._token_ttl),
                depends_on=[grant, *self._ready],
            )

    @property
    def roles(self) -> dict[str, GcpSecretImpersonatedAccount]:
        """Vault role name -> impersonated account (same shape as the other engines' `roles`)."""
        return self.accounts

    def credential_path(self, role: str) -> str:
        """Vault API: /gcp/impersonated-account/:name/token."""
        return f"{self.path}/impersonated-account/{role}/token"


class AzureSecretsEngine(Construct):
    """The Azure secrets engine at `path`, federated with a user-assigned identity that trusts
    only this mount's identity token. Vault creates short-lived service principals holding the
    built-in roles of each Vault role.

    To create role assignments the identity gets "Role Based Access Control Administrator" on
    `assignment_scope`, conditioned so it can assign and remove only `assignable_roles`, and only
    to service principals. Creating the applications and service principals also needs the
    Microsoft Graph application permission Application.ReadWrite.OwnedBy (Vault docs, Azure
    secrets engine, "Required permissions"): `grant_graph_permission` assigns that app role.

    Plugin WIF (`identity_token_audience`) is sent by terraform-provider-vault v5.6.0
    (vault/resource_azure_secret_backend.go) only to Vault Enterprise >= 1.17: this construct is
    for Enterprise; validation refuses the Azure engine with Community Edition.

    Defaults: credentials live 1 hour (4 hours at most).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        subscription_id: str,
        tenant_id: str,
        resource_group_name: str,
        location: str,
        identity_name: str,
        issuer_url: str,
        assignable_roles: Sequence[str],
        assignment_scope: str,
        tags: Mapping[str, str],
        path: str = "azure",
        depends_on: Sequence[ITerraformDependable] = (),
        identity_token_ttl_seconds: int = 900,
        ttl_seconds: int = 3600,
        max_ttl_seconds: int = 14400,
    ) -> None:
        super().__init__(scope, id_)
        self.path = path
        self._graph: list[ITerraformDependable] = []
        self._scope = assignment_scope
        self._ttl = (ttl_seconds, max_ttl_seconds)
        self._assignable = sorted(set(assignable_roles))
        self.identity = UserAssignedIdentity(
            self,
            "identity",
            name=identity_name,
            resource_group_name=resource_group_name,
            location=location,
            tags=dict(tags),
        )
        self.backend = AzureSecretBackend(
            self,
            "backend",
            path=path,
            description="Dynamic Azure service principals via plugin WIF",
            subscription_id=subscription_id,
            tenant_id=tenant_id,
            client_id=self.identity.client_id,
            environment="AzurePublicCloud",
            identity_token_audience=AZURE_TOKEN_EXCHANGE_AUDIENCE,
            identity_token_ttl=identity_token_ttl_seconds,
            depends_on=list(depends_on) or None,
        )
        self.federation = FederatedIdentityCredential(
            self,
            "federation",
            name="vault-plugin-identity",
            parent_id=self.identity.id,
            resource_group_name=resource_group_name,
            issuer=issuer_url,
            subject=plugin_subject(self.backend.accessor),
            audience=[AZURE_TOKEN_EXCHANGE_AUDIENCE],
        )
        guids = []
        for role in self._assignable:
            definition = DataAzurermRoleDefinition(
                self, f"definition_{logical_id(role)}", name=role, scope=assignment_scope
            )
            # role_definition_id is the full ARM id when looked up by name; the condition wants the GUID.
            guids.append(Fn.basename(definition.role_definition_id))
        self.rbac_admin = RoleAssignment(
            self,
            "assign_platform_roles",
            scope=assignment_scope,
            role_definition_name="Role Based Access Control Administrator",
            principal_id=self.identity.principal_id,
            principal_type="ServicePrincipal",
            description="Vault may assign only the platform roles, only to service principals",
            condition=_constrain_role_assignments(guids),
            condition_version="2.0",
        )
        self.roles: dict[str, AzureSecretBackendRole] = {}
        self.graph_permission = self._grant_graph_permission()
        self._graph = [self.graph_permission]

    def _grant_graph_permission(self) -> AppRoleAssignment:
        """Microsoft Graph `Application.ReadWrite.OwnedBy` for the engine's identity: it creates the
        short-lived applications and service principals and may then manage only those it owns
        (Vault docs, secrets/azure, "Microsoft Graph API permissions"). An application permission
        granted by an app role assignment on the Microsoft Graph service principal (azuread
        provider 3.7.0, docs/resources/app_role_assignment.md); needs an admin-consented deployer
        (Privileged Role Administrator or an equivalent Graph permission)."""
        graph = DataAzureadServicePrincipal(self, "microsoft_graph", client_id=MICROSOFT_GRAPH_APP_ID)
        return AppRoleAssignment(
            self,
            "graph_application_owned_by",
            app_role_id=graph.app_role_ids.lookup(GRAPH_APP_PERMISSION),
            principal_object_id=self.identity.principal_id,
            resource_object_id=graph.object_id,
        )

    def allow(self, roles: Mapping[str, Sequence[tuple[str, str]]]) -> None:
        """A Vault role per entry (Vault role name -> (built-in Azure role name, scope) pairs; the
        scope is where the role is assigned, e.g. one storage account)."""
        for name, pairs in sorted(roles.items()):
            if not pairs:
                continue
            unknown = sorted({r for r, _ in pairs} - set(self._assignable))
            if unknown:
                raise ValueError(
                    f"Vault role {name}: {unknown} are not in assignable_roles; Azure would refuse them."
                )
            self.roles[name] = AzureSecretBackendRole(
                self,
                f"role_{logical_id(name)}",
                backend=self.backend.path,
                role=name,
                azure_roles=[
                    AzureSecretBackendRoleAzureRoles(role_name=r, scope=scope) for r, scope in pairs
                ],
                ttl=str(self._ttl[0]),
                max_ttl=str(self._ttl[1]),
                depends_on=[self.rbac_admin, self.federation, *self._graph],
            )

    def credential_path(self, role: str) -> str:
        """Vault API: /azure/creds/:role."""
        return f"{self.path}/creds/{role}"


def _constrain_role_assignments(role_definition_guids: Sequence[str]) -> str:
    """An ABAC condition (Azure's "constrain roles and principal types" delegation example):
    write and delete role assignments only for these role definitions and service principals."""
    guids = ", ".join(role_definition_guids)
    return (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        f"(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{guids}}} "
        "AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'})) "
        "AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR "
        f"(@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {{{guids}}} "
        "AND @Resource[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'}))"
    )
