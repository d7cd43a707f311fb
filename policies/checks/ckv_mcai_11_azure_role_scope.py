"""CKV_MCAI_11: no Owner, Contributor or User Access Administrator role at subscription scope.

checkov's Azure role checks read custom role definitions, not assignments of built-in roles. A
subscription-wide Owner/Contributor/UAA lets one identity change (or grant itself) everything.
The role is read from role_definition_name, or from role_definition_id by the built-in role GUIDs
(https://learn.microsoft.com/azure/role-based-access-control/built-in-roles):
Owner 8e3af657-a8ff-443c-a75c-2fe8c4bcb635, Contributor b24988ac-6180-42a0-ab88-20f7382dd24c,
User Access Administrator 18d7d88d-d35e-4fb5-a5c3-7773c4a72abd. A scope that is
`/subscriptions/<id>` (nothing below it) or an expression naming a subscription only
(`...subscription_id}` with no resource group below) counts as subscription scope.
"""

from __future__ import annotations

import re
from typing import Any

from mcai_lib import McaiCheck, scalar

PRIVILEGED = {
    "owner": "Owner",
    "contributor": "Contributor",
    "user access administrator": "User Access Administrator",
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c4a72abd": "User Access Administrator",
}
SUBSCRIPTION = re.compile(r"^/subscriptions/[^/]+/?$")
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


class AzureRoleScope(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_11")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        name = scalar(conf.get("role_definition_name"))
        role = PRIVILEGED.get(str(name).strip().lower()) if name else None
        if role is None:
            ident = str(scalar(conf.get("role_definition_id")) or "")
            role = next((PRIVILEGED[g.lower()] for g in GUID.findall(ident) if g.lower() in PRIVILEGED), None)
        if role is None:
            return []
        scope = str(scalar(conf.get("scope")) or "")
        tail = scope.rsplit("}", 1)[-1]
        whole = SUBSCRIPTION.match(scope) or (
            "${" in scope
            and "subscription" in scope.lower()
            and "/" not in tail.strip("/")
            and "resourcegroups" not in scope.lower()
        )
        if whole:
            return [f"{role} at subscription scope ({scope}): assign a narrower role or scope"]
        return []


check = AzureRoleScope()
