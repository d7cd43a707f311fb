"""Keyless identities of a GCP project: GitHub Actions through workload identity federation,
people through workforce identity federation (Okta OIDC).

Resources (google 6.50): google_iam_workload_identity_pool(_provider), google_service_account,
google_service_account_iam_member, google_project_iam_member, google_storage_bucket_iam_member,
google_iam_workforce_pool(_provider).

GitHub: the provider maps `google.subject = assertion.sub` and refuses every token whose
`repository` is not this one (`attribute_condition`); each service account lets exactly one
subject impersonate it (`principal://.../subject/repo:<owner>/<repo>:environment:<name>`)
(github.com/google-github-actions/auth README, "Workload Identity Federation through a Service
Account"). No service account key exists.

People: a workforce pool under the organization with Okta as OIDC provider; groups arrive in
the `groups` claim (`google.groups = assertion.groups`) and are granted as
`principalSet://iam.googleapis.com/locations/global/workforcePools/<pool>/group/<group>`
(cloud.google.com/iam/docs/workforce-identity-federation). GKE authorizes these principals by
IAM; the container roles are project-wide (GKE has no per-cluster IAM resource).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_google.iam_workforce_pool import IamWorkforcePool
from cdktf_cdktf_provider_google.iam_workforce_pool_provider import (
    IamWorkforcePoolProvider,
    IamWorkforcePoolProviderOidc,
    IamWorkforcePoolProviderOidcWebSsoConfig,
)
from cdktf_cdktf_provider_google.iam_workload_identity_pool import IamWorkloadIdentityPool
from cdktf_cdktf_provider_google.iam_workload_identity_pool_provider import (
    IamWorkloadIdentityPoolProvider,
    IamWorkloadIdentityPoolProviderOidc,
)
from cdktf_cdktf_provider_google.project_iam_member import ProjectIamMember
from cdktf_cdktf_provider_google.service_account import ServiceAccount
from cdktf_cdktf_provider_google.service_account_iam_member import ServiceAccountIamMember
from cdktf_cdktf_provider_google.storage_bucket_iam_member import StorageBucketIamMember
from constructs import Construct

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"

# Unified Kubernetes access level -> the GKE IAM role (cloud.google.com/kubernetes-engine/docs/
# how-to/iam#predefined): admin full API access, developer read/write of workload objects,
# viewer read-only. clusterViewer comes with each so `gcloud container clusters
# get-credentials` works.
GKE_ROLES = {
    "admin": "roles/container.admin",
    "edit": "roles/container.developer",
    "view": "roles/container.viewer",
}


def _rid(text: str) -> str:
    return text.replace("-", "_").replace(".", "_").replace("/", "_")


class GithubWorkloadIdentity(Construct):
    """Pool `github`, provider `github`, service accounts `ci-plan` and `ci-deploy`.

    Props:
      repository: owner/name; tokens of any other repository, or of another subject than the
        two below, are refused by the provider itself (checkov CKV_GCP_125).
      plan_subject / deploy_subject: the one OIDC subject each service account trusts.
      plan_roles / deploy_roles: project roles of each account. deploy applies everything
        (IAM included), hence roles/owner; the protected GitHub environment is the guard.
      state_bucket: GCS state bucket the plan account may read and lock (None: not GCS state).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        project: str,
        repository: str,
        plan_subject: str,
        deploy_subject: str,
        plan_roles: Sequence[str] = ("roles/viewer",),
        deploy_roles: Sequence[str] = ("roles/owner",),
        state_bucket: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.pool = IamWorkloadIdentityPool(
            self,
            "pool",
            project=project,
            workload_identity_pool_id="github",
            display_name="GitHub Actions",
        )
        self.provider = IamWorkloadIdentityPoolProvider(
            self,
            "provider",
            project=project,
            workload_identity_pool_id=self.pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="github",
            display_name="GitHub Actions OIDC",
            attribute_mapping={
                "google.subject": "assertion.sub",
                "attribute.repository": "assertion.repository",
                "attribute.environment": "assertion.environment",
            },
            # Only this repository, and only the two subjects the service accounts trust.
            attribute_condition=(
                f"assertion.repository == '{repository}' && "
                f"(assertion.sub == '{plan_subject}' || assertion.sub == '{deploy_subject}')"
            ),
            oidc=IamWorkloadIdentityPoolProviderOidc(issuer_uri=GITHUB_ISSUER),
        )
        self.plan_account = self._account(project, "ci-plan", plan_subject, plan_roles)
        self.deploy_account = self._account(project, "ci-deploy", deploy_subject, deploy_roles)
        if state_bucket:
            # objectUser: read the state and write/delete the lock object.
            StorageBucketIamMember(
                self,
                "plan_state",
                bucket=state_bucket,
                role="roles/storage.objectUser",
                member=self.plan_account.member,
            )

    def _account(self, project: str, name: str, subject: str, roles: Sequence[str]) -> ServiceAccount:
        rid = _rid(name)
        account = ServiceAccount(
            self, f"{rid}_sa", project=project, account_id=name, display_name=f"GitHub Actions {name}"
        )
        ServiceAccountIamMember(
            self,
            f"{rid}_federation",
            service_account_id=account.name,
            role="roles/iam.workloadIdentityUser",
            member=f"principal://iam.googleapis.com/{self.pool.name}/subject/{subject}",
        )
        for role in roles:
            ProjectIamMember(
                self, f"{rid}_{_rid(role.split('/')[-1])}", project=project, role=role, member=account.member
            )
        return account


class WorkforceSso(Construct):
    """A workforce pool with Okta as OIDC provider, and each group's GKE role in `project`.

    Props:
      organization_id: parent of the pool (workforce pools live in the organization).
      pool_id: globally unique in the organization (`<env>-okta`).
      issuer_uri / client_id: the Okta OIDC app.
      groups: IdP group -> unified Kubernetes level (admin | edit | view).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        organization_id: str,
        pool_id: str,
        issuer_uri: str,
        client_id: str,
        project: str,
        groups: Mapping[str, str],
        session_hours: int = 8,
    ) -> None:
        super().__init__(scope, id_)
        self.pool = IamWorkforcePool(
            self,
            "pool",
            parent=f"organizations/{organization_id}",
            location="global",
            workforce_pool_id=pool_id,
            display_name=f"Okta ({pool_id})",
            session_duration=f"{session_hours * 3600}s",
        )
        IamWorkforcePoolProvider(
            self,
            "provider",
            location="global",
            workforce_pool_id=self.pool.workforce_pool_id,
            provider_id="okta",
            display_name="Okta OIDC",
            attribute_mapping={"google.subject": "assertion.sub", "google.groups": "assertion.groups"},
            # ID_TOKEN flow: no client secret is stored anywhere.
            oidc=IamWorkforcePoolProviderOidc(
                issuer_uri=issuer_uri,
                client_id=client_id,
                web_sso_config=IamWorkforcePoolProviderOidcWebSsoConfig(
                    response_type="ID_TOKEN", assertion_claims_behavior="ONLY_ID_TOKEN_CLAIMS"
                ),
            ),
        )
        self.members: dict[str, str] = {}
        for group, level in groups.items():
            member = (
                f"principalSet://iam.googleapis.com/locations/global/workforcePools/{pool_id}/group/{group}"
            )
            self.members[group] = member
            for role in (GKE_ROLES[level], "roles/container.clusterViewer"):
                ProjectIamMember(
                    self,
                    f"{_rid(group)}_{_rid(role.split('/')[-1])}",
                    project=project,
                    role=role,
                    member=member,
                )
