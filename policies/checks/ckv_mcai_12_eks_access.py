"""CKV_MCAI_12: an EKS cluster grants no implicit cluster-admin to the identity that created it.

With `bootstrap_cluster_creator_admin_permissions = true` whoever ran the first apply keeps an
invisible cluster-admin access entry. Secure default (terraform-aws-modules/eks v20+:
`enable_cluster_creator_admin_permissions = false`): admins come from explicit
`aws_eks_access_entry` + `aws_eks_access_policy_association` resources, which need
`authentication_mode` API or API_AND_CONFIG_MAP.
https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/resources/eks_cluster#access_config
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, mapping, truthy


class EksAccess(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_12")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        access = mapping(conf.get("access_config"))
        found = []
        mode = access.get("authentication_mode") or "CONFIG_MAP"
        if mode not in ("API", "API_AND_CONFIG_MAP"):
            found.append(f"authentication_mode {mode}: access entries need API or API_AND_CONFIG_MAP")
        # The provider's default is true: absent counts as granted.
        if access.get("bootstrap_cluster_creator_admin_permissions") is None or truthy(
            access.get("bootstrap_cluster_creator_admin_permissions")
        ):
            found.append(
                "bootstrap_cluster_creator_admin_permissions is true: the creating identity is an "
                "implicit cluster-admin; declare admins as access entries instead"
            )
        return found


check = EksAccess()
