"""Keyless identities of an AWS account: GitHub Actions through OIDC, people through SAML SSO.

Resources (aws 6.25): aws_iam_openid_connect_provider, aws_iam_saml_provider, aws_iam_role,
aws_iam_role_policy, aws_iam_role_policy_attachment, aws_iam_policy (the deploy role's
permissions boundary).

GitHub: the OIDC provider `token.actions.githubusercontent.com` with audience
`sts.amazonaws.com`, and roles whose trust names the token's `sub` exactly
(`repo:<owner>/<repo>:environment:<name>`), never a wildcard: a workflow of another repository,
or a job of this one outside that GitHub environment, cannot assume them
(docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services).

SSO: one role per unified role, assumable only through the SAML provider with the AWS sign-in
audience (`SAML:aud`), as Okta's "AWS Account Federation" app asks for. No IAM users, no access
keys anywhere.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_policy import IamPolicy
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.iam_saml_provider import IamSamlProvider
from constructs import Construct

from constructs_lib.aws.iam import policy_document

GITHUB_ISSUER_HOST = "token.actions.githubusercontent.com"
STS_AUDIENCE = "sts.amazonaws.com"
SAML_SIGNIN_AUDIENCE = "https://signin.aws.amazon.com/saml"


def github_trust_policy(provider_arn: str, subject: str) -> str:
    """Trust for one exact GitHub OIDC subject (StringEquals, no wildcard)."""
    return policy_document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider_arn},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{GITHUB_ISSUER_HOST}:aud": STS_AUDIENCE,
                        f"{GITHUB_ISSUER_HOST}:sub": subject,
                    }
                },
            }
        ]
    )


# What the CI deploy role may never do, whatever its policies grant (deploy_boundary_policy).
NO_IAM_USERS = (
    "iam:CreateUser",
    "iam:CreateAccessKey",
    "iam:UpdateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AttachUserPolicy",
    "iam:PutUserPolicy",
    "iam:AddUserToGroup",
)
NO_AUDIT_TRAIL_STOP = (
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:StopEventDataStoreIngestion",
    "cloudtrail:DeleteEventDataStore",
)
BOUNDARY_EDITS = (
    "iam:CreatePolicyVersion",
    "iam:DeletePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:DeletePolicy",
)
ROLE_BOUNDARY_EDITS = ("iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary")
POLICY_ATTACH = ("iam:AttachRolePolicy", "iam:AttachGroupPolicy", "iam:AttachUserPolicy")
STATE_BUCKET_DESTRUCTION = (
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
)


def deploy_boundary_policy(*, boundary_arn: str, deploy_role_arn: str, state_bucket_arn: str | None) -> str:
    """The CI deploy role's permissions boundary.

    A permissions boundary sets the most an identity's policies can grant and grants nothing by
    itself (IAM User Guide, "Permissions boundaries for IAM entities": effective permissions are
    the intersection of the identity-based policies and the boundary; an explicit deny in either
    wins). The allow is therefore "every action except IAM users, access keys and stopping the
    audit trail" (NotAction), and the denies take away, for the deploy role only:
      - editing or deleting this boundary, removing or replacing its own boundary, and attaching
        the boundary as an ordinary policy anywhere (it would then grant what it only limits);
      - IAM users, access keys and console passwords (the platform has none: people use SSO,
        machines OIDC);
      - stopping or deleting CloudTrail trails and event data stores;
      - deleting the Terraform state bucket, changing its policy, versioning or lifecycle, and
        deleting object versions (Terraform's lock file is released by DeleteObject, a delete
        marker in the versioned bucket, which stays allowed).
    Changing any of these needs an administrator outside CI. What it does not stop: the role
    still creates the platform's other roles (EKS, nodes, replication), which carry no boundary.
    """
    statements: list[dict[str, Any]] = [
        {
            "Sid": "CeilingEverythingButUsersKeysAndAuditStop",
            "Effect": "Allow",
            "NotAction": [*NO_IAM_USERS, *NO_AUDIT_TRAIL_STOP],
            "Resource": "*",
        },
        {"Sid": "NoIamUsersOrAccessKeys", "Effect": "Deny", "Action": list(NO_IAM_USERS), "Resource": "*"},
        {"Sid": "NoAuditTrailStop", "Effect": "Deny", "Action": list(NO_AUDIT_TRAIL_STOP), "Resource": "*"},
        {
            "Sid": "BoundaryIsFixed",
            "Effect": "Deny",
            "Action": list(BOUNDARY_EDITS),
            "Resource": boundary_arn,
        },
        {
            "Sid": "OwnBoundaryStays",
            "Effect": "Deny",
            "Action": list(ROLE_BOUNDARY_EDITS),
            "Resource": deploy_role_arn,
        },
        {
            "Sid": "BoundaryIsNeverAGrant",
            "Effect": "Deny",
            "Action": list(POLICY_ATTACH),
            "Resource": "*",
            "Condition": {"ArnEquals": {"iam:PolicyARN": boundary_arn}},
        },
    ]
    if state_bucket_arn is not None:
        statements += [
            {
                "Sid": "StateBucketStays",
                "Effect": "Deny",
                "Action": list(STATE_BUCKET_DESTRUCTION),
                "Resource": state_bucket_arn,
            },
            {
                "Sid": "StateHistoryStays",
                "Effect": "Deny",
                "Action": ["s3:DeleteObjectVersion"],
                "Resource": f"{state_bucket_arn}/*",
            },
        ]
    return policy_document(statements)


@dataclass(frozen=True)
class S3StateAccess:
    """The state objects the plan role may read, and lock (`<key>.tflock`) while it plans."""

    bucket: str
    key_prefix: str
    region: str


class GithubOidcRoles(Construct):
    """The GitHub OIDC provider and two roles: `plan` (read-only) and `deploy`.

    Props:
      name_prefix: role names are `<prefix>-ci-plan` / `<prefix>-ci-deploy`.
      plan_subject / deploy_subject: the exact OIDC `sub` each role trusts.
      state: the S3 state the plan role may read and lock; None: no state grant (non-S3 state).
      deploy_policy_arns: what the deploy role may do. It applies every resource of the
        environment, IAM included, so AdministratorAccess is the honest default; the protected
        GitHub environment (required reviewers, main only) is the guard, and the permissions
        boundary `<prefix>-ci-deploy-boundary` (deploy_boundary_policy) the ceiling.
      account_id: the account of the roles (the boundary names its own ARN and the role's).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name_prefix: str,
        plan_subject: str,
        deploy_subject: str,
        tags: dict[str, str],
        account_id: str,
        state: S3StateAccess | None = None,
        partition: str = "aws",
        deploy_policy_arns: Sequence[str] = ("arn:aws:iam::aws:policy/AdministratorAccess",),
    ) -> None:
        super().__init__(scope, id_)
        # No thumbprint: AWS trusts GitHub's OIDC endpoint through its own CA library (aws 6:
        # thumbprint_list is optional).
        self.provider = IamOpenidConnectProvider(
            self, "github", url=f"https://{GITHUB_ISSUER_HOST}", client_id_list=[STS_AUDIENCE], tags=tags
        )
        self.plan_role = IamRole(
            self,
            "plan_role",
            name=f"{name_prefix}-ci-plan",
            description="GitHub Actions plan job: read-only, and the state lock",
            assume_role_policy=github_trust_policy(self.provider.arn, plan_subject),
            max_session_duration=3600,
            tags=tags,
        )
        IamRolePolicyAttachment(
            self,
            "plan_read_only",
            role=self.plan_role.name,
            policy_arn=f"arn:{partition}:iam::aws:policy/ReadOnlyAccess",
        )
        if state is not None:
            bucket_arn = f"arn:{partition}:s3:::{state.bucket}"
            IamRolePolicy(
                self,
                "plan_state",
                name="terraform-state",
                role=self.plan_role.name,
                policy=policy_document(
                    [
                        {"Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": bucket_arn},
                        {
                            "Effect": "Allow",
                            "Action": ["s3:GetObject"],
                            "Resource": f"{bucket_arn}/{state.key_prefix}/*",
                        },
                        {
                            # A plan takes the lock: the lock file is the only object it writes.
                            "Effect": "Allow",
                            "Action": ["s3:DeleteObject", "s3:PutObject"],
                            "Resource": f"{bucket_arn}/{state.key_prefix}/*.tflock",
                        },
                        {
                            "Effect": "Allow",
                            "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                            "Resource": f"arn:{partition}:kms:{state.region}:*:key/*",
                            "Condition": {
                                "StringEquals": {"kms:ViaService": f"s3.{state.region}.amazonaws.com"},
                                "StringLike": {"kms:EncryptionContext:aws:s3:arn": f"{bucket_arn}*"},
                            },
                        },
                    ]
                ),
            )
        deploy_name = f"{name_prefix}-ci-deploy"
        boundary_name = f"{deploy_name}-boundary"
        # ARNs spelled out: the boundary names itself and the role that uses it (a reference
        # would be a cycle); both names are fixed by this construct.
        self.deploy_boundary = IamPolicy(
            self,
            "deploy_boundary",
            name=boundary_name,
            description="Permissions boundary of the CI deploy role (constructs_lib/aws/identity.py)",
            policy=deploy_boundary_policy(
                boundary_arn=f"arn:{partition}:iam::{account_id}:policy/{boundary_name}",
                deploy_role_arn=f"arn:{partition}:iam::{account_id}:role/{deploy_name}",
                state_bucket_arn=f"arn:{partition}:s3:::{state.bucket}" if state else None,
            ),
            tags=tags,
        )
        self.deploy_role = IamRole(
            self,
            "deploy_role",
            name=deploy_name,
            description="GitHub Actions deploy job (protected environment)",
            assume_role_policy=github_trust_policy(self.provider.arn, deploy_subject),
            max_session_duration=3600,
            permissions_boundary=self.deploy_boundary.arn,
            tags=tags,
        )
        for arn in deploy_policy_arns:
            IamRolePolicyAttachment(
                self, f"deploy_{arn.rsplit('/', 1)[-1]}", role=self.deploy_role.name, policy_arn=arn
            )


class SamlSsoRoles(Construct):
    """Okta as a SAML provider and one IAM role per unified role.

    Props:
      provider_name: the SAML provider's name in IAM.
      metadata_document: the IdP's SAML metadata XML.
      roles: unified role name -> IAM role name.
      role_policy_arns: unified role name -> managed policies (cluster access itself is an EKS
        access entry, not IAM; the roles need only to find the clusters).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        provider_name: str,
        metadata_document: str,
        roles: Mapping[str, str],
        tags: dict[str, str],
        session_hours: int = 8,
        partition: str = "aws",
    ) -> None:
        super().__init__(scope, id_)
        self.provider = IamSamlProvider(
            self, "provider", name=provider_name, saml_metadata_document=metadata_document, tags=tags
        )
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Federated": self.provider.arn},
                        "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                        "Condition": {"StringEquals": {"SAML:aud": SAML_SIGNIN_AUDIENCE}},
                    }
                ],
            },
            sort_keys=True,
        )
        self.roles: dict[str, IamRole] = {}
        for unified, role_name in roles.items():
            key = unified.replace("-", "_")
            role = IamRole(
                self,
                f"{key}_role",
                name=role_name,
                description=f"SSO role of unified role {unified} (Okta SAML)",
                assume_role_policy=trust,
                max_session_duration=session_hours * 3600,
                tags=tags,
            )
            # `aws eks update-kubeconfig` needs to describe the cluster; Kubernetes permissions
            # come from the cluster's access entry for this role.
            IamRolePolicy(
                self,
                f"{key}_find_clusters",
                name="find-clusters",
                role=role.name,
                policy=policy_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": ["eks:DescribeCluster", "eks:ListClusters"],
                            "Resource": "*",
                        }
                    ]
                ),
            )
            # The operator path (constructs_lib/aws/cluster_access.SsmApiPath): port forwarding to
            # a remote host, only through the hosts tagged component=access, only with AWS's
            # port-forwarding document, and only the caller's own sessions may be ended.
            IamRolePolicy(
                self,
                f"{key}_operator_path",
                name="operator-path",
                role=role.name,
                policy=policy_document(
                    [
                        {
                            "Effect": "Allow",
                            "Action": ["ssm:StartSession"],
                            "Resource": f"arn:{partition}:ec2:*:*:instance/*",
                            "Condition": {"StringEquals": {"ssm:resourceTag/component": "access"}},
                        },
                        {
                            "Effect": "Allow",
                            "Action": ["ssm:StartSession"],
                            "Resource": f"arn:{partition}:ssm:*::document/AWS-StartPortForwardingSessionToRemoteHost",
                        },
                        {
                            "Effect": "Allow",
                            "Action": ["ssm:ResumeSession", "ssm:TerminateSession"],
                            "Resource": f"arn:{partition}:ssm:*:*:session/${{aws:userid}}-*",
                        },
                        {"Effect": "Allow", "Action": ["ec2:DescribeInstances"], "Resource": "*"},
                    ]
                ),
            )
            self.roles[unified] = role
