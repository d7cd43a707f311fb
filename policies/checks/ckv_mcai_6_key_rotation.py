"""CKV_MCAI_6: a Key Vault key rotates automatically and its versions expire (`expire_after`).

The compensating control for checkov's CKV_AZURE_40 (a fixed `expiration_date`): a fixed date stops
every service using the key when it passes, a rotation policy renews the key before it does.
azurerm 4.55 `rotation_policy`: `automatic { time_after_creation | time_before_expiry }`,
`expire_after`, `notify_before_expiry` (ISO 8601 durations).
https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/key_vault_key#rotation_policy
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, mapping


class KeyRotation(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_6")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        policy = mapping(conf.get("rotation_policy"))
        if not policy:
            return ["no rotation_policy"]
        found = []
        raw = conf.get("rotation_policy")
        automatic = mapping(_block(raw, "automatic"))
        if not (automatic.get("time_after_creation") or automatic.get("time_before_expiry")):
            found.append(
                "rotation_policy has no automatic rotation (time_after_creation or time_before_expiry)"
            )
        if not policy.get("expire_after"):
            found.append("rotation_policy has no expire_after: old key versions never expire")
        return found


def _block(value: Any, key: str) -> Any:
    """A nested block of a checkov-wrapped block: [{'automatic': [{...}]}] -> [{...}]."""
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value.get(key) if isinstance(value, dict) else None


check = KeyRotation()
