"""Find secrets written as literals in synthesized Terraform JSON.

Two rules: (1) no string anywhere looks like key material or a credential (PEM private key,
AWS access key id, JWT, Vault token, GCP service-account key, Azure client secret); (2) an
argument whose name says it holds a credential carries no literal, only a Terraform expression
(`${...}`) or nothing at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

PATTERNS = {
    "PEM private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."),
    "Vault token": re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}"),
    "GCP service-account key": re.compile(r'"type"\s*:\s*"service_account"'),
    "Azure client secret": re.compile(r"\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}\b"),
}

CREDENTIAL_ARGUMENTS = frozenset(
    {
        "token",
        "api_token",
        "api_key",
        "api_user_service_key",
        "password",
        "admin_password",
        "client_secret",
        "client_certificate",
        "client_certificate_password",
        "secret_key",
        "access_key",
        "secret_access_key",
        "private_key",
        "credentials",
        "credentials_wo",
        "token_reviewer_jwt",
        "secret_id",
        "shared_key",
        "auth_key",
        "pairing_key",
        "oidc_token",
        # IPsec / BGP / circuit keys of the interconnect
        "shared_secret",
        "tunnel1_preshared_key",
        "tunnel2_preshared_key",
        "pre_shared_key",
        "bgp_auth_key",
        "service_key",
        "authorization_key",
    }
)


def _walk(node: Any, path: str) -> Iterator[tuple[str, str | None, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{path}.{key}")
            yield (f"{path}.{key}", key, value)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _walk(value, f"{path}[{i}]")


def find_literal_secrets(doc: dict, name: str = "") -> list[str]:
    """Every place in `doc` that holds a literal secret, as `path: reason`."""
    problems = []
    for path, key, value in _walk(doc, name):
        if isinstance(value, str):
            for label, pattern in PATTERNS.items():
                if pattern.search(value):
                    problems.append(f"{path}: looks like a {label}")
        if key in CREDENTIAL_ARGUMENTS and path.split(".")[-2:-1] != ["//"]:
            literal = isinstance(value, str) and value != "" and "${" not in value
            if literal:
                problems.append(f"{path}: credential argument '{key}' holds a literal")
    return problems
