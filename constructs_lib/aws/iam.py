"""Small IAM helpers: trust policies and least-privilege grants, written once.

Policies are built as Python data and serialized with json.dumps; cdktf resolves the token
strings (ARNs of resources in the same stack) inside them at synth time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct


def policy_document(statements: Iterable[dict[str, Any]]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True)


def assume_role_policy(service: str, *, actions: Sequence[str] = ("sts:AssumeRole",)) -> str:
    """Trust policy letting one AWS service principal (`eks.amazonaws.com`) assume the role."""
    return policy_document([{"Effect": "Allow", "Principal": {"Service": service}, "Action": list(actions)}])


def service_role(
    scope: Construct,
    id_: str,
    *,
    name: str,
    service: str,
    managed_policy_arns: Sequence[str] = (),
    tags: dict[str, str],
    trust_actions: Sequence[str] = ("sts:AssumeRole",),
) -> tuple[IamRole, list[IamRolePolicyAttachment]]:
    """A role for one service with AWS-managed policies attached one by one (attachments are
    separate resources so adding one never replaces the role)."""
    role = IamRole(
        scope,
        id_,
        name=name,
        assume_role_policy=assume_role_policy(service, actions=trust_actions),
        tags=tags,
    )
    attachments = [
        IamRolePolicyAttachment(scope, f"{id_}_{arn.rsplit('/', 1)[-1]}", role=role.name, policy_arn=arn)
        for arn in managed_policy_arns
    ]
    return role, attachments


def grant_kms_use(
    scope: Construct, id_: str, *, role: IamRole, key_arn: str, actions: Sequence[str]
) -> IamRolePolicy:
    """Let `role` use exactly one KMS key for exactly the given actions."""
    return IamRolePolicy(
        scope,
        id_,
        role=role.name,
        name=id_,
        policy=policy_document([{"Effect": "Allow", "Action": sorted(actions), "Resource": key_arn}]),
    )
