"""The literal-secret scanner used on the synthesized JSON can find what it claims to find."""

from __future__ import annotations

import pytest

from tests.secret_scan import find_literal_secrets

CLEAN = {
    "provider": {"vault": [{"address": "https://vault.example.com"}], "cloudflare": [{}]},
    "resource": {"x": {"y": {"token": "${var.token}", "kubernetes_ca_cert": "${base64decode(data.x.y)}"}}},
}


def test_clean_document_passes():
    assert find_literal_secrets(CLEAN) == []


@pytest.mark.parametrize(
    "value",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE...",
        "AKIAIOSFODNN7EXAMPLE",
        "hvs.CAESIJ0123456789abcdefghijklmnopq",
        '{"type": "service_account", "private_key_id": "x"}',
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2ln",
    ],
)
def test_key_material_anywhere_is_found(value):
    doc = {"resource": {"t": {"n": {"description": value}}}}
    assert find_literal_secrets(doc), value


@pytest.mark.parametrize("key", ["token", "api_token", "client_secret", "password", "secret_key"])
def test_literal_in_credential_argument_is_found(key):
    assert find_literal_secrets({"provider": {"p": [{key: "s3cr3t-value"}]}})
