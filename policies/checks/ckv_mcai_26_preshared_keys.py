"""CKV_MCAI_26: a generated password is strong, and one used as an IPsec pre-shared key fits every cloud.

No checkov check reads the random provider. Rules (constructs_lib/ipsec.py has the reasons):
- every random_password: `length` at least 32 and upper and lower case letters on;
- a random_password referenced by a VPN tunnel of the stack (aws_vpn_connection
  tunnel1/2_preshared_key, google_compute_vpn_tunnel shared_secret,
  azurerm_virtual_network_gateway_connection shared_key) is also a key AWS accepts: at most 64
  characters, special characters only from `._` (`override_special`), and no digits
  (`numeric = false`): AWS refuses a key that starts with 0 (AWS Site-to-Site VPN user guide,
  tunnel options: pre-shared key), and leaving digits out is the only way a random key never does.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile, refs_to

TUNNEL_KEYS = {
    "aws_vpn_connection": ("tunnel1_preshared_key", "tunnel2_preshared_key"),
    "google_compute_vpn_tunnel": ("shared_secret",),
    "azurerm_virtual_network_gateway_connection": ("shared_key",),
}
MIN_LENGTH = 32
AWS_MAX_LENGTH = 64
AWS_SPECIALS = set("._")


class PresharedKeys(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_26")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        found = []
        length = raw.get("length")
        if not isinstance(length, int) or isinstance(length, bool) or length < MIN_LENGTH:
            found.append(f"length {length!r} is below {MIN_LENGTH}")
        if raw.get("upper") is False or raw.get("lower") is False:
            found.append("upper or lower case letters are off")
        users = [
            f"{rtype}.{name}"
            for rtype, arguments in TUNNEL_KEYS.items()
            for name, tunnel in stack.resources(rtype).items()
            if any(self.entity_name in refs_to(tunnel.get(a), "random_password") for a in arguments)
        ]
        if users:
            if isinstance(length, int) and length > AWS_MAX_LENGTH:
                found.append(f"pre-shared key of {users[0]}: length {length} exceeds AWS's {AWS_MAX_LENGTH}")
            if (
                raw.get("special", True) is not False
                and not set(raw.get("override_special") or "!@#") <= AWS_SPECIALS
            ):
                found.append(f"pre-shared key of {users[0]}: special characters beyond '._'")
            if raw.get("numeric", True) is not False:
                found.append(f"pre-shared key of {users[0]}: digits on, so it may start with 0 (AWS refuses)")
        return found


check = PresharedKeys()
