"""constructs_lib/security_spec.py: every field reaches every cloud's construct."""

from __future__ import annotations

import pytest

from constructs_lib.security_spec import ClusterSecuritySpec

SPEC = ClusterSecuritySpec(
    public_endpoint=True,
    authorized_cidrs=("203.0.113.0/24",),
    deletion_protection=False,
    log_retention_days=400,
    key_rotation_days=30,
)


@pytest.mark.parametrize("cloud", ["eks", "gke", "aks"])
def test_every_field_is_translated_with_its_value(cloud):
    kwargs = getattr(SPEC, f"to_{cloud}")()
    assert kwargs == {
        "public_endpoint": True,
        "authorized_cidrs": ["203.0.113.0/24"],
        "deletion_protection": False,
        "log_retention_days": 400,
        "key_rotation_days": 30,
    }
