"""Cloud identities around Vault: one per unified platform role and cloud, and Vault's own.

A platform role (data-scientist, ml-engineer, admin) exists once per cloud with the same
least-privilege data-lake grants (`StorageGrant`: a read or write level on one bucket / storage
account, built from the lakes' handles by stacks/data_grants.py): an AWS IAM role, a GCP service
account, an Azure user-assigned identity. Vault hands out short-lived credentials for them (secret_engines.py).
Vault's server identity per cloud is the only principal allowed to use the auto-unseal keys.

Argument names from the typed bindings: aws 21.22.1 (`aws_iam_role`, `aws_iam_role_policy`),
google 16.12.1 (`google_service_account`, `google_storage_bucket_iam_member`,
`google_service_account_iam_member`), azurerm 14.23.1 (`azurerm_user_assigned_identity`,
`azurerm_role_assignment`, `azurerm_federated_identity_credential`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

from constructs_lib.data_access import AZURE_DATA_ROLES, permissions
from constructs_lib.vault.documents import iam_policy_json, iam_statement, logical_id, s3_data_statements

AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"


@dataclass(frozen=True)
class StorageGrant:
    """One `level` (constructs_lib/data_access.py) on one bucket / storage account.

    `label` names what is reached (`us_east_1_training`) and becomes part of the logical id, so
    removing one grant never renames another. `resource`: the bucket ARN (AWS), the bucket name
    (GCP) or the storage account's ARM id (Azure), normally a reference to the lake's stack.
    `key`: AWS only, the bucket's SSE-KMS key ARN (reading needs kms:Decrypt).
    """

    label: str
    level: str
    resource: str
    key: str | None = None


# --------------------------------------------------------------------------------------------
# Platform roles
# --------------------------------------------------------------------------------------------


class AwsPlatformRole(Construct):
    """An IAM role with the S3 actions of each grant's level on that grant's bucket only
    (bucket-level actions on the bucket, object-level on its objects) and the matching KMS
    actions on its key; never a `*` resource or a name pattern. No grants: no policy. Only
    `trusted_role_arn` (Vault's AWS secrets role) may assume it; sessions last at most 1 hour by
    default."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        grants: Sequence[StorageGrant],
        trusted_role_arn: str,
        tags: Mapping[str, str],
        description: str = "",
        max_session_seconds: int = 3600,
    ) -> None:
        super().__init__(scope, id_)
        self.role = IamRole(
            self,
            "role",
            name=name,
            description=description or None,
            assume_role_policy=iam_policy_json(
                [
                    iam_statement(
                        sid="VaultAssumes", principals={"AWS": [trusted_role_arn]}, actions=["sts:AssumeRole"]
                    )
                ]
            ),
            max_session_duration=max_session_seconds,
            tags=dict(tags),
        )
        self.policy = None
        statements = []
        for level in sorted({g.level for g in grants}):
            mine = [g for g in grants if g.level == level]
            perms = permissions(level)
            tag = level.capitalize()
            statements += s3_data_statements(perms.s3_actions, [g.resource for g in mine], sid_prefix=tag)
            keys = [g.key for g in mine if g.key]
            if keys:
                statements.append(iam_statement(sid=f"{tag}Keys", actions=perms.kms_actions, resources=keys))
        if statements:
            self.policy = IamRolePolicy(
                self, "data_lake", name="data-lake", role=self.role.id, policy=iam_policy_json(statements)
            )

    @property
    def arn(self) -> str:
        return self.role.arn


class GcpPlatformRole(Construct):
    """A service account holding, on each grant's bucket only, the storage role of the grant's
    level (a bucket-level IAM member, non-authoritative, so the lake's own bindings stay). No
    project-wide storage role and no name-prefix condition. No keys are created: Vault mints
    access tokens."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        account_id: str,
        grants: Sequence[StorageGrant],
        description: str = "",
    ) -> None:
        super().__init__(scope, id_)
        self.service_account = ServiceAccount(
            self,
            "service_account",
            project=project,
            account_id=account_id,
            display_name=account_id,
            description=description or None,
        )
        self.grants = [
            StorageBucketIamMember(
                self,
                f"grant_{logical_id(g.label)}",
                bucket=g.resource,
                role=permissions(g.level).gcs_role,
                member=self.service_account.member,
            )
            for g in grants
        ]

    @property
    def email(self) -> str:
        return self.service_account.email


class AzurePlatformRole(Construct):
    """A user-assigned identity holding, on each grant's storage account only, the built-in data
    role of the grant's level. A data role never sits on a resource group or subscription."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        location: str,
        grants: Sequence[StorageGrant],
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id_)
        self.identity = UserAssignedIdentity(
            self,
            "identity",
            name=name,
            resource_group_name=resource_group_name,
            location=location,
            tags=dict(tags),
        )
        self.assignments = [
            RoleAssignment(
                self,
                f"grant_{logical_id(g.label)}",
                scope=g.resource,
                role_definition_name=permissions(g.level).azure_role,
                principal_id=self.identity.principal_id,
                principal_type="ServicePrincipal",
            )
            for g in grants
        ]

    @staticmethod
    def data_roles(grants: Sequence[StorageGrant]) -> list[tuple[str, str]]:
        """(built-in role, scope) pairs of `grants`, as Vault's Azure secrets engine assigns them."""
        pairs = list(dict.fromkeys((permissions(g.level).azure_role, g.resource) for g in grants))
        assert all(role in AZURE_DATA_ROLES for role, _ in pairs)
        return pairs


# --------------------------------------------------------------------------------------------
# Vault's own identity on each cloud (the auto-unseal principal)
# --------------------------------------------------------------------------------------------


class AwsVaultServerRole(Construct):
    """The IAM role Vault's server pods run as, through EKS Pod Identity: only pods of the
    service account `<namespace>/<service_account>` may assume it (the session tags Pod
    Identity sets, per the EKS user guide "Create IAM role with trust policy required by EKS
    Pod Identity"). The association with a cluster is made where the cluster is known. Holds no
    permission itself: the unseal key's policy names it."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        tags: Mapping[str, str],
        kubernetes_namespace: str = "vault",
        kubernetes_service_account: str = "vault",
    ) -> None:
        super().__init__(scope, id_)
        self.role = IamRole(
            self,
            "role",
            name=name,
            description="Vault server (EKS Pod Identity); the only principal of the AWS unseal key",
            assume_role_policy=iam_policy_json(
                [
                    iam_statement(
                        sid="EksPodIdentity",
                        principals={"Service": ["pods.eks.amazonaws.com"]},
                        actions=["sts:AssumeRole", "sts:TagSession"],
                        conditions={
                            "StringEquals": {
                                "aws:RequestTag/kubernetes-namespace": kubernetes_namespace,
                                "aws:RequestTag/kubernetes-service-account": kubernetes_service_account,
                            }
                        },
                    )
                ]
            ),
            max_session_duration=3600,
            tags=dict(tags),
        )

    @property
    def arn(self) -> str:
        return self.role.arn


class GcpVaultServerAccount(Construct):
    """The service account Vault's server pods use through GKE Workload Identity: the Kubernetes
    service account `<namespace>/<service_account>` of the project's workload pool may
    impersonate it, nothing else."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        account_id: str,
        kubernetes_namespace: str = "vault",
        kubernetes_service_account: str = "vault",
    ) -> None:
        super().__init__(scope, id_)
        self.service_account = ServiceAccount(
            self,
            "service_account",
            project=project,
            account_id=account_id,
            display_name=account_id,
            description="Vault server (GKE Workload Identity); the only principal of the GCP unseal key",
        )
        self.workload_identity = ServiceAccountIamMember(
            self,
            "workload_identity",
            service_account_id=self.service_account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"serviceAccount:{project}.svc.id.goog[{kubernetes_namespace}/{kubernetes_service_account}]",
        )

    @property
    def member(self) -> str:
        return self.service_account.member


class AzureVaultServerIdentity(Construct):
    """The user-assigned identity Vault's server pods use through AKS workload identity.
    `trust_cluster` adds a federated credential for one cluster's OIDC issuer."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        location: str,
        tags: Mapping[str, str],
        kubernetes_namespace: str = "vault",
        kubernetes_service_account: str = "vault",
    ) -> None:
        super().__init__(scope, id_)
        self.resource_group_name = resource_group_name
        self.subject = f"system:serviceaccount:{kubernetes_namespace}:{kubernetes_service_account}"
        self.identity = UserAssignedIdentity(
            self,
            "identity",
            name=name,
            resource_group_name=resource_group_name,
            location=location,
            tags=dict(tags),
        )

    def trust_cluster(self, cluster_name: str, *, oidc_issuer_url: str) -> FederatedIdentityCredential:
        return FederatedIdentityCredential(
            self,
            f"cluster_{logical_id(cluster_name)}",
            name=f"aks-{cluster_name}",
            parent_id=self.identity.id,
            resource_group_name=self.resource_group_name,
            issuer=oidc_issuer_url,
            subject=self.subject,
            audience=[AZURE_TOKEN_EXCHANGE_AUDIENCE],
        )

    @property
    def principal_id(self) -> str:
        return self.identity.principal_id
