"""Deterministic, globally unique-enough Azure names (pure Python).

Storage account names are 3-24 lowercase letters and digits and global across Azure; Key Vault
names are 3-24 letters, digits and hyphens, start with a letter, and are global too (and stay
reserved while a deleted vault is soft-deleted). A readable stem plus a short hash of
(seed, region, purpose) makes them unique per subscription and region without a random suffix
that would change between synths.
"""

from __future__ import annotations

import hashlib
import re

# One short code per data classification (and the access-log account) keeps names readable.
CLASSIFICATION_CODES = {
    "pii": "pii",
    "training": "trn",
    "models": "mdl",
    "models-gdpr": "mdg",
    "archive": "arc",
    "logs": "log",
}

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _digest(*parts: str) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


def storage_account_name(*, env: str, seed: str, region: str, purpose: str, replica: bool = False) -> str:
    """`dl` + env (<= 5) + purpose code + `p`/`r` (primary/replica) + hash, exactly 24 characters.

    `seed` is what makes the name unique to its owner (the subscription id); `purpose` is a data
    classification or `logs`.
    """
    code = CLASSIFICATION_CODES.get(purpose) or _NOT_ALNUM.sub("", purpose.lower())[:3]
    stem = f"dl{_NOT_ALNUM.sub('', env.lower())[:5]}{code}{'r' if replica else 'p'}"
    return (stem + _digest(seed, region, purpose, "replica" if replica else "primary"))[:24]


def key_vault_name(*, env: str, seed: str, region: str) -> str:
    """`kv-<env>-<hash>`, at most 24 characters."""
    stem = f"kv-{_NOT_ALNUM.sub('', env.lower())[:6]}-"
    return stem + _digest(seed, region, "datalake-keys")[: 24 - len(stem)]
