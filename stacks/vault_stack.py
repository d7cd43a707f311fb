"""Vault, wired to every cluster and every cloud: stack `<env>-global-vault`.

Inside Vault: a KV v2 mount, a file audit device, a PKI root and intermediate for service
mTLS, one ACL policy per unified role (vault.roles), and one Kubernetes auth backend per
cluster with a login role per kubernetes binding. Around Vault, on each cloud the environment
uses: Vault's server identity and its auto-unseal key, the platform roles (one IAM role / service
account / managed identity per unified role, same data-lake grant everywhere) and a secrets
engine federated with the cloud (no static credential anywhere).

Cluster handles: the Kubernetes auth backends need each cluster's endpoint and CA, which only
the cluster stacks know (ctx.clusters, filled by the `cluster` component). A cluster without a
handle gets no auth backend: `VaultStack.kubernetes_auth_skipped` names it, and the rest of the
stack is built from the parameters alone. With handles, the endpoint and CA are cross-stack
references (cdktf adds the outputs and the remote-state lookup), never copied literals.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable, Token
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_azuread.provider import AzureadProvider
from cdktf_cdktf_provider_azurerm.data_azurerm_client_config import DataAzurermClientConfig
from cdktf_cdktf_provider_azurerm.provider import AzurermProvider, AzurermProviderFeatures
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_google.data_google_project import DataGoogleProject
from cdktf_cdktf_provider_google.provider import GoogleProvider
from cdktf_cdktf_provider_vault.provider import VaultProvider
from constructs import Construct

from constructs_lib.vault.engines import AclPolicy, FileAudit, KvV2Engine, PkiHierarchy
from constructs_lib.vault.identities import (
    AwsPlatformRole,
    AwsVaultServerRole,
    AzurePlatformRole,
    AzureVaultServerIdentity,
    GcpPlatformRole,
    GcpVaultServerAccount,
    StorageGrant,
)
from constructs_lib.vault.kubernetes_auth import KubernetesAuth
from constructs_lib.vault.secret_engines import (
    AwsSecretsEngine,
    AzureSecretsEngine,
    GcpSecretsEngine,
    PluginIdentityIssuer,
)
from constructs_lib.vault.unseal import AwsUnsealKey, AzureUnsealKey, GcpUnsealKey
from stacks.base import PlatformStack
from stacks.context import BuildContext, ClusterHandle, DataLakeHandle
from stacks.data_grants import DataGrant, plan_data_grants
from stacks.logical_ids import PathLogicalIds
from stacks.params import Cluster, Environment
from stacks.vault_plan import (
    azure_key_vault_name,
    engine_clouds,
    gcp_account_id,
    plan_vault,
)
from stacks.vault_policies import EngineMounts, role_policy_paths
from stacks.vault_reach import plan_reach

# Where Vault's server pods run in Kubernetes (the Helm chart's defaults).
VAULT_NAMESPACE = "vault"
VAULT_SERVICE_ACCOUNT = "vault"


def kubernetes_host(handle: ClusterHandle) -> str:
    """The API server URL of a cluster handle.

    `ClusterHandle.endpoint` carries each provider's own attribute: EKS `endpoint` and AKS
    `kube_config.host` are URLs, GKE `endpoint` is a bare address, hence the scheme added there.
    """
    endpoint = handle.endpoint
    if Token.is_unresolved(endpoint):
        return f"https://{endpoint}" if handle.spec.cloud == "gcp" else endpoint
    return endpoint if endpoint.startswith("https://") else f"https://{endpoint}"


def _first(env: Environment, cloud: str) -> Cluster | None:
    clusters = env.clusters_of(cloud)
    return clusters[0] if clusters else None


class VaultStack(PathLogicalIds, PlatformStack):
    def __init__(
        self,
        scope: Construct,
        *,
        env: Environment,
        clusters: dict[str, ClusterHandle],
        data_lakes: Sequence[DataLakeHandle] = (),
    ) -> None:
        super().__init__(scope, env=env, component="vault")
        vault = env.vault
        # Role -> its grants on the data lakes' handles (references, never name patterns).
        self.data_grants = plan_data_grants(env, data_lakes)
        if any(g.lake.cloud not in engine_clouds(env) for gs in self.data_grants.values() for g in gs):
            raise ValueError(  # validation (stacks/vault_checks.py) reports this first, with the key
                "vault.roles[].data_access reaches a cloud without a Vault secrets engine; set data_clouds"
            )
        # No token here: the provider reads VAULT_TOKEN from its environment.
        VaultProvider(self, "vault", address=vault.address)
        self.enterprise = vault.edition == "enterprise"
        self.issuer: PluginIdentityIssuer | None = None
        if self.enterprise:
            self.issuer = PluginIdentityIssuer(self, "identity_issuer", vault_address=vault.address)

        # ---- Vault's own engines -----------------------------------------------------------
        self.kv = KvV2Engine(self, "kv", path=vault.kv_mount_path)
        self.audit = FileAudit(self, "audit", file_path=vault.audit_file_path)
        self.pki = PkiHierarchy(
            self,
            "pki",
            domain=vault.pki_domain or f"svc.{env.dns_zone}",
            root_common_name=f"{env.name} platform root CA",
            root_ttl_days=vault.pki_root_ttl_days,
            intermediate_ttl_days=vault.pki_intermediate_ttl_days,
            urls_base=vault.address,
        )

        # ---- The clouds: server identity, unseal key, platform roles, secrets engine -------
        self.unseal_keys: dict[str, Construct] = {}
        self.secret_engines: dict[str, AwsSecretsEngine | GcpSecretsEngine | AzureSecretsEngine] = {}
        engines = engine_clouds(env)
        if (home := _first(env, "aws")) is not None:
            self._aws(home, "aws" in engines)
        if (home := _first(env, "gcp")) is not None:
            self._gcp(home, "gcp" in engines)
        if (home := _first(env, "azure")) is not None:
            self._azure(home, clusters, "azure" in engines)

        # ---- One policy per unified role, generated from what the role may use ------------
        mounts = EngineMounts(
            kv=self.kv.path,
            pki_issue_path=f"{self.pki.intermediate_mount.path}/issue/{self.pki.mtls_role.name}",
            credential_paths={
                cloud: {name: engine.credential_path(name) for name in engine.roles}
                for cloud, engine in self.secret_engines.items()
            },
        )
        self.policy_paths = {role.name: role_policy_paths(role, mounts) for role in vault.roles}
        self.policies = {
            role.name: AclPolicy(
                self,
                f"policy_{role.name.replace('-', '_')}",
                name=role.name,
                paths=self.policy_paths[role.name],
            )
            for role in vault.roles
        }

        # ---- One Kubernetes auth backend per cluster with a handle -------------------------
        plan = plan_vault(env, clusters)
        self.reach = {r.cluster: r for r in plan_reach(env)}
        self.kubernetes_auth: dict[str, KubernetesAuth] = {}
        self.kubernetes_auth_skipped = plan.skipped
        for item in plan.kubernetes_auth:
            handle = clusters[item.cluster]
            spec = handle.spec
            auth = KubernetesAuth(
                self,
                f"k8s_{item.cluster.replace('-', '_')}",
                path=item.path,
                kubernetes_host=kubernetes_host(handle),
                ca_certificate_base64=handle.ca_certificate,
                issuer=handle.oidc_issuer_url or None,
                description=f"Kubernetes auth for cluster {item.cluster} ({spec.cloud} {spec.region})",
            )
            for role in item.roles:
                auth.add_role(
                    role.name,
                    namespaces=[role.namespace],
                    service_accounts=[role.service_account],
                    policies=[self.policies[role.policy].policy.name],
                    token_ttl_seconds=vault.token_ttl_seconds,
                )
            self.kubernetes_auth[item.cluster] = auth

    def _issuer_ready(self) -> list[ITerraformDependable]:
        """What a federated engine needs before Vault signs its first identity token."""
        return [self.issuer.config] if self.issuer is not None else []

    # AWS ------------------------------------------------------------------------------------
    def _aws(self, home: Cluster, with_engine: bool) -> None:
        env = self.env
        account = env.accounts.aws.account_id
        tags = self.tags()  # identities hold no data: no jurisdiction
        AwsProvider(
            self,
            "aws",
            region=home.region,
            allowed_account_ids=[account],
            default_tags=[AwsProviderDefaultTags(tags=self.tags())],
        )
        server = AwsVaultServerRole(
            self,
            "aws_vault_server",
            name=f"{env.name}-vault-server",
            tags=tags,
            kubernetes_namespace=VAULT_NAMESPACE,
            kubernetes_service_account=VAULT_SERVICE_ACCOUNT,
        )
        self.unseal_keys["aws"] = AwsUnsealKey(
            self,
            "aws_unseal",
            name=f"{env.name}-vault-unseal",
            account_id=account,
            vault_role_arn=server.arn,
            tags=self.tags(jurisdiction=home.jurisdiction),
        )
        if not with_engine:
            return
        if self.issuer is not None:
            engine = AwsSecretsEngine(
                self,
                "aws_secrets",
                account_id=account,
                region=home.region,
                issuer_url=self.issuer.plugin_issuer_url,
                role_name=f"{env.name}-vault-secrets-aws",
                depends_on=self._issuer_ready(),
                max_sts_ttl_seconds=env.vault.aws_max_sts_ttl_seconds,
                default_sts_ttl_seconds=min(3600, env.vault.aws_max_sts_ttl_seconds),
                tags=tags,
            )
        else:
            engine = AwsSecretsEngine(
                self,
                "aws_secrets",
                account_id=account,
                region=home.region,
                caller_role=server.role,
                max_sts_ttl_seconds=env.vault.aws_max_sts_ttl_seconds,
                default_sts_ttl_seconds=min(3600, env.vault.aws_max_sts_ttl_seconds),
                tags=tags,
            )
        roles = {
            role.name: AwsPlatformRole(
                self,
                f"aws_role_{role.name.replace('-', '_')}",
                name=f"{env.name}-{role.name}",
                description=role.description,
                grants=[
                    StorageGrant(g.label, g.level, g.lake.grant_scope, g.lake.kms_key_arn)
                    for g in self._grants(role.name, "aws")
                ],
                trusted_role_arn=engine.role_arn,
                tags=tags,
            )
            for role in env.vault.roles
            if self._grants(role.name, "aws")
        }
        engine.allow(roles)
        self.secret_engines["aws"] = engine

    # GCP ------------------------------------------------------------------------------------
    def _gcp(self, home: Cluster, with_engine: bool) -> None:
        env = self.env
        project = env.accounts.gcp.project_id
        key_labels = self.tags(jurisdiction=home.jurisdiction)
        GoogleProvider(self, "google", project=project, region=home.region, default_labels=self.tags())
        number = DataGoogleProject(self, "gcp_project", project_id=project).number
        server = GcpVaultServerAccount(
            self,
            "gcp_vault_server",
            project=project,
            account_id=gcp_account_id(env, "vault-server"),
            kubernetes_namespace=VAULT_NAMESPACE,
            kubernetes_service_account=VAULT_SERVICE_ACCOUNT,
        )
        self.unseal_keys["gcp"] = GcpUnsealKey(
            self,
            "gcp_unseal",
            project=project,
            location=home.region,
            key_ring_name=f"{env.name}-vault-unseal",
            vault_member=server.member,
            labels=key_labels,
        )
        if not with_engine:
            return
        if self.issuer is not None:
            engine = GcpSecretsEngine(
                self,
                "gcp_secrets",
                project=project,
                project_number=number,
                issuer_url=self.issuer.plugin_issuer_url,
                service_account_id=gcp_account_id(env, "vault-secrets"),
                pool_id=f"{env.name}-vault-plugins",
                depends_on=self._issuer_ready(),
                token_ttl_seconds=env.vault.gcp_token_ttl_seconds,
            )
        else:
            engine = GcpSecretsEngine(
                self,
                "gcp_secrets",
                project=project,
                caller_member=server.member,
                token_ttl_seconds=env.vault.gcp_token_ttl_seconds,
            )
        roles = {
            role.name: GcpPlatformRole(
                self,
                f"gcp_role_{role.name.replace('-', '_')}",
                project=project,
                account_id=gcp_account_id(env, role.name),
                description=role.description,
                grants=[
                    StorageGrant(g.label, g.level, g.lake.grant_scope) for g in self._grants(role.name, "gcp")
                ],
            )
            for role in env.vault.roles
            if self._grants(role.name, "gcp")
        }
        engine.allow(roles)
        self.secret_engines["gcp"] = engine

    # Azure ----------------------------------------------------------------------------------
    def _vault_server_subnets(self, clusters: dict[str, ClusterHandle]) -> list[str]:
        """The node subnets of the Azure clusters Vault servers run on (through their handles)."""
        return [
            h.node_subnet_id
            for c in self.env.clusters_of("azure")
            if (h := clusters.get(c.name)) is not None and h.node_subnet_id
        ]

    def _unseal_endpoints(
        self, unseal: AzureUnsealKey, resource_group_name: str, clusters: dict[str, ClusterHandle]
    ) -> None:
        """A private endpoint to the unseal vault in the VNet of every AKS cluster Vault servers
        run on, in the VNet's private-endpoint subnet and registered in its
        privatelink.vaultcore.azure.net zone (both through the cluster's handle), so the servers
        reach the vault at a private address (the data lake's vault endpoints follow the same
        path, stacks/datalake_stack.py). The endpoint lives in the VNet's region, in Vault's
        resource group; its name carries the cluster's."""
        from constructs_lib.azure.private_link import PrivateEndpointTo

        for cluster in self.env.clusters_of("azure"):
            handle = clusters.get(cluster.name)
            if handle is None or not handle.private_endpoint_subnet_id:
                continue
            PrivateEndpointTo(
                self,
                f"azure_unseal_endpoint_{cluster.name.replace('-', '_')}",
                name=f"pe-{azure_key_vault_name(self.env)}-{cluster.name}",
                location=cluster.region,
                resource_group_name=resource_group_name,
                subnet_id=handle.private_endpoint_subnet_id,
                resource_id=unseal.key_vault.id,
                subresource="vault",
                dns_zone_ids=handle.private_dns_zone_ids,
                tags=self.tags(jurisdiction=cluster.jurisdiction, cluster=cluster.name),
            )

    def _azure(self, home: Cluster, clusters: dict[str, ClusterHandle], with_engine: bool) -> None:
        env = self.env
        account = env.accounts.azure
        tags = self.tags()  # identities hold no data: no jurisdiction
        AzurermProvider(
            self,
            "azurerm",
            features=[AzurermProviderFeatures()],
            subscription_id=account.subscription_id,
            tenant_id=account.tenant_id,
        )
        subscription = f"/subscriptions/{account.subscription_id}"
        group = ResourceGroup(
            self, "azure_vault_group", name=f"{env.name}-vault", location=home.region, tags=tags
        )
        server = AzureVaultServerIdentity(
            self,
            "azure_vault_server",
            name=f"{env.name}-vault-server",
            resource_group_name=group.name,
            location=home.region,
            tags=tags,
            kubernetes_namespace=VAULT_NAMESPACE,
            kubernetes_service_account=VAULT_SERVICE_ACCOUNT,
        )
        for cluster in env.clusters_of("azure"):
            handle = clusters.get(cluster.name)
            if handle is not None and handle.oidc_issuer_url:
                server.trust_cluster(cluster.name, oidc_issuer_url=handle.oidc_issuer_url)
        deployer = DataAzurermClientConfig(self, "azure_deployer")
        self.unseal_keys["azure"] = unseal = AzureUnsealKey(
            self,
            "azure_unseal",
            key_vault_name=azure_key_vault_name(env),
            resource_group_name=group.name,
            location=home.region,
            tenant_id=account.tenant_id,
            vault_principal_id=server.principal_id,
            deployer_principal_id=deployer.object_id,
            # The runner creates the key through the vault's data plane; the Vault servers on the
            # AKS clusters unseal through their node subnets' service endpoint.
            allowed_ip_cidrs=[str(n) for n in env.runner.ip_ranges],
            allowed_subnet_ids=[*env.runner.azure_subnet_ids, *self._vault_server_subnets(clusters)],
            tags=self.tags(jurisdiction=home.jurisdiction),
        )
        self._unseal_endpoints(unseal, group.name, clusters)
        if not with_engine or self.issuer is None:
            # Validation refuses an Azure engine without Enterprise (no documented secret-less
            # credential for a Community server running in Kubernetes).
            return
        # Microsoft Graph (Entra ID) for the engine's Graph permission; no credentials here either.
        AzureadProvider(self, "azuread", tenant_id=account.tenant_id)
        grants = {
            role.name: [
                StorageGrant(g.label, g.level, g.lake.grant_scope) for g in self._grants(role.name, "azure")
            ]
            for role in env.vault.roles
        }
        azure_roles = {name: AzurePlatformRole.data_roles(gs) for name, gs in grants.items() if gs}
        engine = AzureSecretsEngine(
            self,
            "azure_secrets",
            subscription_id=account.subscription_id,
            tenant_id=account.tenant_id,
            resource_group_name=group.name,
            location=home.region,
            identity_name=f"{env.name}-vault-secrets",
            issuer_url=self.issuer.plugin_issuer_url,
            depends_on=self._issuer_ready(),
            ttl_seconds=env.vault.azure_credential_ttl_seconds,
            max_ttl_seconds=env.vault.azure_credential_max_ttl_seconds,
            assignable_roles=sorted({r for pairs in azure_roles.values() for r, _ in pairs}),
            assignment_scope=subscription,
            tags=tags,
        )
        for role in env.vault.roles:
            if grants[role.name]:
                AzurePlatformRole(
                    self,
                    f"azure_role_{role.name.replace('-', '_')}",
                    name=f"{env.name}-{role.name}",
                    resource_group_name=group.name,
                    location=home.region,
                    grants=grants[role.name],
                    tags=tags,
                )
        engine.allow(azure_roles)
        self.secret_engines["azure"] = engine

    def _grants(self, role: str, cloud: str) -> list[DataGrant]:
        return [g for g in self.data_grants.get(role, []) if g.lake.cloud == cloud]


def build(app: Construct, ctx: BuildContext) -> VaultStack | None:
    """Add `<env>-global-vault` to the app (nothing when vault.enabled is false)."""
    if not ctx.env.vault.enabled:
        return None
    return VaultStack(app, env=ctx.env, clusters=ctx.clusters, data_lakes=list(ctx.data_lakes.values()))
