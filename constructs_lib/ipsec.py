"""Pre-shared keys for IPsec tunnels, generated at apply time and never written as literals.

Resource (random 3.x): random_password. The key lives in the Terraform state (keep the state
encrypted and access-controlled); `result` is sensitive, so plans and outputs redact it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

from cdktf import Token
from cdktf_cdktf_provider_random.password import Password
from constructs import Construct

# Every cloud accepts these: AWS allows only letters, digits, '.' and '_' (8-64 characters,
# not starting with '0'); GCP and Azure accept any printable ASCII.
PSK_SPECIAL_CHARACTERS = "._"


class PresharedKey(Construct):
    """A random IPsec pre-shared key valid on AWS, GCP and Azure alike.

    Letters plus '.' and '_', no digits: AWS refuses a key that starts with '0', and leaving
    digits out is the only way a random key can never start with one. 48 characters of a
    54-symbol alphabet carry about 276 bits.

    Props:
      length: 8..64 characters (AWS's bounds). Default 48.
      rotation: any value; changing it generates a new key (and so replaces the tunnels' keys).
        Omitted: the key is kept for the life of the state.
    """

    def __init__(
        self, scope: Construct, id_: str, *, length: int = 48, rotation: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(scope, id_)
        if not 8 <= length <= 64:
            raise ValueError(f"PresharedKey {id_}: length {length} is outside AWS's 8..64.")
        self.password = Password(
            self,
            "key",
            length=length,
            special=True,
            override_special=PSK_SPECIAL_CHARACTERS,
            numeric=False,
            upper=True,
            lower=True,
            min_upper=4,
            min_lower=4,
            keepers=dict(rotation) if rotation else None,
        )

    @property
    def value(self) -> str:
        """The key as a reference (`${random_password.<id>.result}`), sensitive."""
        return self.password.result


def require_reference(owner: str, argument: str, value: str) -> str:
    """Refuse a literal secret: constructs accept only references to generated secrets."""
    if not Token.is_unresolved(value):
        raise ValueError(
            f"{owner}: {argument} is a literal; pass a generated secret (PresharedKey(...).value) so no "
            "key is written into the synthesized JSON."
        )
    return value


# ---- the pinned IPsec suite ---------------------------------------------------------------------
# One suite every side accepts, so no tunnel falls back to a weaker proposal the clouds would
# otherwise offer (AWS offers AES128/SHA1/DH2 by default). It is Microsoft's own custom-policy
# example (New-AzIpsecPolicy: IkeEncryption AES256, IkeIntegrity SHA256, DhGroup DHGroup14,
# IpsecEncryption GCMAES256, IpsecIntegrity GCMAES256, PfsGroup PFS2048), in each cloud's names.
# GCP Cloud VPN takes no proposal from the configuration; it negotiates from its supported list,
# which holds these (phase 1 AES-CBC-256 / SHA2-256 / group 14, phase 2 AES-GCM-16-256 / group 14).
class AwsIpsecProposals(TypedDict):
    """aws_vpn_connection's tunnel<N>_phase* arguments, without the tunnel prefix."""

    phase1_encryption_algorithms: list[str]
    phase1_integrity_algorithms: list[str]
    phase1_dh_group_numbers: list[float]
    phase2_encryption_algorithms: list[str]
    phase2_integrity_algorithms: list[str]
    phase2_dh_group_numbers: list[float]


class AzureIpsecPolicy(TypedDict):
    """azurerm_virtual_network_gateway_connection's ipsec_policy block."""

    ike_encryption: str
    ike_integrity: str
    dh_group: str
    ipsec_encryption: str
    ipsec_integrity: str
    pfs_group: str


AWS_IPSEC: AwsIpsecProposals = {
    "phase1_encryption_algorithms": ["AES256"],
    "phase1_integrity_algorithms": ["SHA2-256"],
    "phase1_dh_group_numbers": [14],
    "phase2_encryption_algorithms": ["AES256-GCM-16"],
    "phase2_integrity_algorithms": ["SHA2-256"],
    "phase2_dh_group_numbers": [14],
}
AZURE_IPSEC: AzureIpsecPolicy = {
    "ike_encryption": "AES256",
    "ike_integrity": "SHA256",
    "dh_group": "DHGroup14",
    "ipsec_encryption": "GCMAES256",
    "ipsec_integrity": "GCMAES256",
    "pfs_group": "PFS2048",
}
