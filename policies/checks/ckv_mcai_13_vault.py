"""CKV_MCAI_13: Vault: root CA lifetime, no `sudo`, bounded token TTLs.

No checkov check reads the vault provider. Limits (literals here, reasons beside them):
- vault_pki_secret_backend_root_cert `ttl` at most 10 years (315,360,000 s): the root signs only the
  intermediate; a longer life outlives the key's cryptoperiod (NIST SP 800-57 Part 1 table 1).
- vault_policy: no `sudo` capability (it unlocks root-protected paths such as sys/raw, sys/rotate).
- vault_kubernetes_auth_backend_role: `token_ttl` set and at most 1 hour, `token_max_ttl` set and at
  most 24 hours: a stolen workload token is short-lived and cannot be renewed forever.
"""

from __future__ import annotations

import re
from typing import Any

from mcai_lib import McaiCheck, scalar

ROOT_CA_MAX_SECONDS = 10 * 365 * 24 * 3600
TOKEN_TTL_MAX = 3600
TOKEN_MAX_TTL_MAX = 24 * 3600
SUDO = re.compile(r"capabilities\s*=\s*\[[^\]]*\"sudo\"", re.S)
DURATION = re.compile(r"^(\d+)([smhd]?)$")
UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    match = DURATION.match(str(value).strip())
    return int(match[1]) * UNIT[match[2]] if match else None


class Vault(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_13")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        t = self.entity_type
        if t == "vault_pki_secret_backend_root_cert":
            ttl = seconds(scalar(conf.get("ttl")))
            if ttl is None:
                return ["root CA ttl is not set to a literal duration"]
            if ttl > ROOT_CA_MAX_SECONDS:
                return [f"root CA ttl {ttl}s exceeds 10 years ({ROOT_CA_MAX_SECONDS}s)"]
            return []
        if t == "vault_policy":
            text = str(scalar(conf.get("policy")) or "")
            return ["policy grants the sudo capability"] if SUDO.search(text) else []
        found = []
        for key, limit in (("token_ttl", TOKEN_TTL_MAX), ("token_max_ttl", TOKEN_MAX_TTL_MAX)):
            value = seconds(scalar(conf.get(key)))
            if value is None or value == 0:
                found.append(f"{key} is not set (0 means the mount's default, up to 32 days)")
            elif value > limit:
                found.append(f"{key} {value}s exceeds {limit}s")
        return found


check = Vault()
