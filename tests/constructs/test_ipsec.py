"""The guard every VPN construct puts on its keys: a literal secret is refused by name.

Imports cdktf only (no provider binding), so it runs in about a second.
"""

from __future__ import annotations

import pytest
from cdktf import TerraformStack, TerraformVariable
from cdktf import Testing as CdktfTesting  # aliased: pytest would try to collect a class named Test*

from constructs_lib.ipsec import PSK_SPECIAL_CHARACTERS, require_reference


def test_literal_preshared_key_refused_with_owner_and_argument():
    with pytest.raises(ValueError, match=r"AwsSiteToSiteVpn x: preshared_keys\[0\] is a literal"):
        require_reference("AwsSiteToSiteVpn x", "preshared_keys[0]", "hunter2hunter2")


def test_reference_preshared_key_passes_unchanged():
    stack = TerraformStack(CdktfTesting.app(), "psk")
    key = TerraformVariable(stack, "key", type="string", sensitive=True).string_value
    assert require_reference("HaVpn x", "shared_secret", key) is key


def test_psk_alphabet_is_what_aws_accepts():
    # AWS: letters, digits, '.' and '_' only
    assert set(PSK_SPECIAL_CHARACTERS) <= {".", "_"}
