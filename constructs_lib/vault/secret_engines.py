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

from cdktf import Fn
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
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
from cdktf_cdktf_provider_vault.gcp_secret_static_account import GcpSecretStaticAccount
from cdktf_cdktf_provider_vault.identity_oidc import IdentityOidc
from constructs import Construct

from constructs_lib.vault.documents import iam_policy_json, iam_statement, logical_id
from constructs_lib.vault.identities import AZURE_TOKEN_EXCHANGE_AUDIENCE, AwsPlatformRole, GcpPlatformRole


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
    """The AWS secrets engine at `path`, federated with IAM: an OIDC provider for Vault's plugin
    issuer, and an IAM role (`role_name`) only this mount's identity token can assume. The
    engine issues STS credentials for platform roles (`credential_type = assumed_role`); its
    own role may assume exactly those roles and nothing else (see `allow`).

    Defaults: STS credentials live 1 hour (4 hours at most), identity tokens 15 minutes.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        account_id: str,
        region: str,
        issuer_url: str,
        role_name: str,
        tags: Mapping[str, str],
        path: str = "aws",
        audience: str = "sts.amazonaws.com",
        identity_token_ttl_seconds: int = 900,
        default_sts_ttl_seconds: int = 3600,
        max_sts_ttl_seconds: int = 14400,
    ) -> None:
        super().__init__(scope, id_)
        self._account_id = account_id
        self._sts = (default_sts_ttl_seconds, max_sts_ttl_seconds)
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
        self.roles: dict[str, AwsSecretBackendRole] = {}

    @property
    def role_arn(self) -> str:
        return self.role.arn

    def allow(self, platform_roles: Mapping[str, AwsPlatformRole]) -> None:
        """Let Vault hand out credentials for these roles (Vault role name -> platform role)."""
        if not platform_roles:
            return
        IamRolePolicy(
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
            )


class GcpSecretsEngine(Construct):
    """The GCP secrets engine at `path`, federated through a workload identity pool that trusts
    only this mount's identity token; Vault then acts as `service_account_id`, which may only
    mint access tokens for the platform service accounts registered with `allow`.

    `project_number` is needed for the token audience (pass the `number` of a
    `google_project` data source). Default token scope: cloud-platform (the IAM grants of each
    service account limit what a token can do).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        project_number: str,
        issuer_url: str,
        service_account_id: str,
        pool_id: str,
        provider_id: str = "vault-plugins",
        path: str = "gcp",
        identity_token_ttl_seconds: int = 900,
    ) -> None:
        super().__init__(scope, id_)
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
            description="Dynamic GCP access tokens (static accounts) via plugin WIF",
            service_account_email=self.service_account.email,
            identity_token_audience=f"//iam.googleapis.com/{pool_path}/providers/{provider_id}",
            identity_token_ttl=identity_token_ttl_seconds,
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
        )
        self.accounts: dict[str, GcpSecretStaticAccount] = {}

    def allow(self, platform_roles: Mapping[str, GcpPlatformRole]) -> None:
        """A static account per platform service account (Vault name -> platform role): Vault
        may create access tokens for it (Token Creator on that account only), nothing more."""
        for name, platform_role in sorted(platform_roles.items()):
            grant = ServiceAccountIamMember(
                self,
                f"token_creator_{logical_id(name)}",
                service_account_id=platform_role.service_account.name,
                role="roles/iam.serviceAccountTokenCreator",
                member=self.service_account.member,
            )
            self.accounts[name] = GcpSecretStaticAccount(
                self,
                f"static_{logical_id(name)}",
                backend=self.backend.path,
                static_account=name,
                service_account_email=platform_role.email,
                secret_type="access_token",
                token_scopes=["https://www.googleapis.com/auth/cloud-platform"],
                depends_on=[grant, self.federation],
            )


class AzureSecretsEngine(Construct):
    """The Azure secrets engine at `path`, federated with a user-assigned identity that trusts
    only this mount's identity token. Vault creates short-lived service principals holding the
    built-in roles of each Vault role.

    To create role assignments the identity gets "Role Based Access Control Administrator" on
    `assignment_scope`, conditioned so it can assign and remove only `assignable_roles`, and only
    to service principals. Creating the service principals also needs the Microsoft Graph
    application permission Application.ReadWrite.OwnedBy, granted outside this construct (the
    azuread provider is not part of this toolchain).

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
        identity_token_ttl_seconds: int = 900,
        ttl_seconds: int = 3600,
        max_ttl_seconds: int = 14400,
    ) -> None:
        super().__init__(scope, id_)
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
                depends_on=[self.rbac_admin, self.federation],
            )


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
