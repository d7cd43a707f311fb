"""Cloud identities around Vault: one per unified platform role and cloud, and Vault's own.

A platform role (data-scientist, ml-engineer, admin) exists once per cloud with the same
least-privilege data-lake grant: an AWS IAM role, a GCP service account, an Azure
user-assigned identity. Vault hands out short-lived credentials for them (secret_engines.py).
Vault's server identity per cloud is the only principal allowed to use the auto-unseal keys.

Argument names from the typed bindings: aws 21.22.1 (`aws_iam_role`, `aws_iam_role_policy`),
google 16.12.1 (`google_service_account`, `google_project_iam_member`,
`google_service_account_iam_member`), azurerm 14.23.1 (`azurerm_user_assigned_identity`,
`azurerm_role_assignment`, `azurerm_federated_identity_credential`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember, ProjectIamMemberCondition
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from constructs import Construct

from constructs_lib.vault.documents import iam_policy_json, iam_statement, logical_id, s3_data_statements

AZURE_TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange"


# --------------------------------------------------------------------------------------------
# Platform roles
# --------------------------------------------------------------------------------------------


class AwsPlatformRole(Construct):
    """An IAM role with S3 `actions` on the data-lake buckets only (bucket-level actions on the
    buckets, object-level on their objects; never a `*` resource). Only `trusted_role_arn`
    (Vault's AWS secrets role) may assume it; sessions last at most 1 hour by default."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        actions: Sequence[str],
        bucket_arns: Sequence[str],
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
        self.policy = IamRolePolicy(
            self,
            "data_lake",
            name="data-lake",
            role=self.role.id,
            policy=iam_policy_json(s3_data_statements(actions, bucket_arns)),
        )

    @property
    def arn(self) -> str:
        return self.role.arn


class GcpPlatformRole(Construct):
    """A service account holding `roles` in `project`, each conditioned on the data-lake buckets
    (`resource.name` starts with `projects/_/buckets/<bucket_prefix>`), so a storage role never
    reaches another bucket of the project. No keys are created: Vault mints access tokens."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        account_id: str,
        roles: Sequence[str],
        bucket_prefix: str,
        description: str = "",
    ) -> None:
        super().__init__(scope, id_)
        if not bucket_prefix:
            raise ValueError(
                "GcpPlatformRole: an empty bucket_prefix would grant every bucket of the project."
            )
        self.service_account = ServiceAccount(
            self,
            "service_account",
            project=project,
            account_id=account_id,
            display_name=account_id,
            description=description or None,
        )
        condition = ProjectIamMemberCondition(
            title="data-lake-buckets-only",
            description=f"Only buckets named {bucket_prefix}*",
            expression=f'resource.name.startsWith("projects/_/buckets/{bucket_prefix}")',
        )
        self.grants = [
            ProjectIamMember(
                self,
                f"grant_{logical_id(role)}",
                project=project,
                role=role,
                member=self.service_account.member,
                condition=condition,
            )
            for role in sorted(set(roles))
        ]

    @property
    def email(self) -> str:
        return self.service_account.email


class AzurePlatformRole(Construct):
    """A user-assigned identity holding the built-in `role_names` at `scope` (a subscription or
    resource group id)."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        resource_group_name: str,
        location: str,
        role_names: Sequence[str],
        assignment_scope: str,
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
                f"grant_{logical_id(role)}",
                scope=assignment_scope,
                role_definition_name=role,
                principal_id=self.identity.principal_id,
                principal_type="ServicePrincipal",
            )
            for role in sorted(set(role_names))
        ]


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
