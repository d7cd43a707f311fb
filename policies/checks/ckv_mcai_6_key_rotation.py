"""CKV_MCAI_6: a Key Vault key rotates automatically, at least once a year.

The compensating control for checkov's CKV_AZURE_40 (a fixed `expiration_date`): a fixed date stops
every service using the key when it passes; a rotation policy renews the key instead. azurerm 4.55
`rotation_policy { automatic { time_after_creation | time_before_expiry } }` (ISO 8601 durations).
https://registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/key_vault_key#rotation_policy

`expire_after` is NOT required, although issue 16 first asked for it: azurerm 4.55 reads
`expiration_date` back from the newest key version and forces a replacement when state holds a date
the configuration does not (internal/services/keyvault/key_vault_key_resource.go, CustomizeDiff
ForceNewIfChange("expiration_date")), so expiring versions would make every plan replace the key
(the finding behind constructs_lib/azure/data_lake.py and aks.py, issue #26).
"""

from __future__ import annotations

import re
from typing import Any

from mcai_lib import McaiCheck, mapping

MAX_DAYS = 365
DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def days(value: Any) -> int | None:
    match = DURATION.match(str(value or "").strip().upper())
    if not match or not any(match.groups()):
        return None
    y, m, d = (int(g or 0) for g in match.groups())
    return y * 365 + m * 30 + d


class KeyRotation(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_6")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        raw = conf.get("rotation_policy")
        if not mapping(raw):
            return ["no rotation_policy"]
        automatic = mapping(_block(raw, "automatic"))
        period = automatic.get("time_after_creation")
        if not period and automatic.get("time_before_expiry"):
            return []  # rotation tied to the expiry date
        n = days(period)
        if n is None:
            return ["rotation_policy has no automatic rotation (time_after_creation or time_before_expiry)"]
        if n > MAX_DAYS:
            return [f"automatic rotation every {period} ({n} days) is rarer than once a year"]
        return []


def _block(value: Any, key: str) -> Any:
    """A nested block of a checkov-wrapped block: [{'automatic': [{...}]}] -> [{...}]."""
    while isinstance(value, list):
        if not value:
            return None
        value = value[0]
    return value.get(key) if isinstance(value, dict) else None


check = KeyRotation()
