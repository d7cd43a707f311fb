"""Secret shapes: a parameter file holds names and addresses, never credentials.

Every string in an environment file ends up in the plan (tags, descriptions, URLs), so a pasted
key would be copied into `cdk.tf.json`, the review and the state. The shapes follow the
providers' published formats (AWS access key ids `AKIA`/`ASIA` + 16, Google API keys `AIza` +
35, GitHub tokens `ghp_`/`github_pat_`, Slack `xox?-`, Vault tokens `hvs.`, JWTs, PEM blocks)
and tests/secret_scan.py, which checks the synthesized plan for the same shapes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

SHAPES: dict[str, re.Pattern[str]] = {
    "a PEM key block": re.compile(r"-----BEGIN [A-Z0-9 ]*(PRIVATE KEY|CERTIFICATE)-----"),
    "an AWS access key id": re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![A-Z0-9])"),
    "a Google API key": re.compile(r"AIza[0-9A-Za-z_-]{35}"),
    "a GitHub token": re.compile(r"\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})"),
    "a Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "a Vault token": re.compile(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,}"),
    "a JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\."),
    "an API secret key": re.compile(r"\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9_-]{32,}"),
    "an Azure client secret": re.compile(r"\b[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}\b"),
    "a GCP service-account key": re.compile(r'"?type"?\s*:\s*"?service_account'),
    "a password=value pair": re.compile(
        r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|client[_-]?secret)\s*[=:]\s*[^\s,;]{4,}"
    ),
    "a URL with user info": re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@"),
}

# A key whose name says it holds a credential (tags and labels are copied onto every resource).
SECRET_KEY_NAME = re.compile(r"(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)")


def shape_of(value: str) -> str | None:
    for name, pattern in SHAPES.items():
        if pattern.search(value):
            return name
    return None


def strings(data: Any, path: str = "") -> Iterator[tuple[str, str, str | None]]:
    """(path, value, key) for every string value in a parsed YAML tree (keys too, as values)."""
    if isinstance(data, dict):
        for key, value in data.items():
            child = f"{path}.{key}" if path else str(key)
            if isinstance(key, str):
                yield child, key, "(key)"
            if isinstance(value, str):
                yield child, value, str(key)
            else:
                yield from strings(value, child)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            label = item.get("name") if isinstance(item, dict) and isinstance(item.get("name"), str) else None
            child = f"{path}[{i} {label}]" if label else f"{path}[{i}]"
            if isinstance(item, str):
                yield child, item, None
            else:
                yield from strings(item, child)


def redact(value: str) -> str:
    """Enough to find the value in the file, never enough to use it."""
    return f"{value[:4]}…({len(value)} characters)" if len(value) > 8 else "…"
