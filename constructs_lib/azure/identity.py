"""Keyless GitHub Actions identities in an Azure subscription: user-assigned managed
identities with federated credentials (no client secret, no certificate).

Resources (azurerm 4.55): azurerm_resource_group, azurerm_user_assigned_identity,
azurerm_federated_identity_credential, azurerm_role_assignment.

Each identity trusts exactly one GitHub subject (`repo:<owner>/<repo>:environment:<name>`) with
the issuer `https://token.actions.githubusercontent.com` and the audience
`api://AzureADTokenExchange` (learn.microsoft.com/en-us/entra/workload-id/
workload-identity-federation-create-trust-user-assigned-managed-identity; azure/login README).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_azurerm.federated_identity_credential import FederatedIdentityCredential
from cdktf_cdktf_provider_azurerm.resource_group import ResourceGroup
from cdktf_cdktf_provider_azurerm.role_assignment import RoleAssignment
from cdktf_cdktf_provider_azurerm.user_assigned_identity import UserAssignedIdentity
from constructs import Construct

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
AZURE_AUDIENCE = "api://AzureADTokenExchange"


class GithubFederatedIdentities(Construct):
    """Identities `id-<prefix>-ci-plan` (Reader) and `id-<prefix>-ci-deploy` (Owner) at
    subscription scope.

    Owner, by decision: the deploy identity writes role assignments and AKS management locks
    besides every resource, and Contributor's NotActions exclude Microsoft.Authorization/*/Write
    and */Delete (Azure built-in roles, General: Contributor). The protected GitHub environment
    (required reviewers, main only) is the guard, as for the AWS and GCP deploy identities.

    Props: name_prefix, location, subscription_id, plan_subject, deploy_subject, tags,
      state_container_scope (the azurerm state container the plan identity may read and lease).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name_prefix: str,
        location: str,
        subscription_id: str,
        plan_subject: str,
        deploy_subject: str,
        tags: dict[str, str],
        plan_roles: Sequence[str] = ("Reader",),
        deploy_roles: Sequence[str] = ("Owner",),
        state_container_scope: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.resource_group = ResourceGroup(
            self, "resource_group", name=f"rg-{name_prefix}-ci", location=location, tags=tags
        )
        subscription = f"/subscriptions/{subscription_id}"
        self.plan = self._identity(
            "plan", name_prefix, location, plan_subject, subscription, plan_roles, tags
        )
        self.deploy = self._identity(
            "deploy", name_prefix, location, deploy_subject, subscription, deploy_roles, tags
        )
        if state_container_scope:
            RoleAssignment(
                self,
                "plan_state",
                scope=state_container_scope,
                role_definition_name="Storage Blob Data Contributor",  # the lock is a blob lease
                principal_id=self.plan.principal_id,
                principal_type="ServicePrincipal",
            )

    def _identity(
        self,
        kind: str,
        prefix: str,
        location: str,
        subject: str,
        scope: str,
        roles: Sequence[str],
        tags: dict[str, str],
    ) -> UserAssignedIdentity:
        identity = UserAssignedIdentity(
            self,
            f"{kind}_identity",
            name=f"id-{prefix}-ci-{kind}",
            location=location,
            resource_group_name=self.resource_group.name,
            tags=tags,
        )
        FederatedIdentityCredential(
            self,
            f"{kind}_github",
            name=f"github-{kind}",
            resource_group_name=self.resource_group.name,
            parent_id=identity.id,
            issuer=GITHUB_ISSUER,
            subject=subject,
            audience=[AZURE_AUDIENCE],
        )
        for role in roles:
            RoleAssignment(
                self,
                f"{kind}_{role.lower().replace(' ', '_')}",
                scope=scope,
                role_definition_name=role,
                principal_id=identity.principal_id,
                principal_type="ServicePrincipal",
            )
        return identity
