"""Short, stable ids from parts: `("data_lake", "models-gdpr", "key")` -> `data_lake_models_gdpr_key`.

Terraform logical ids come from one scheme for every stack, the construct path
(stacks/logical_ids.PathLogicalIds); there are no per-resource overrides. This helper names
things that are not construct paths (e.g. ids built from what a resource connects).
"""

from __future__ import annotations

import re

_INVALID = re.compile(r"[^A-Za-z0-9_]+")


def logical_id(*parts: str) -> str:
    """`("data_lake", "models-gdpr", "key")` -> `data_lake_models_gdpr_key`."""
    return "_".join(_INVALID.sub("_", p).strip("_") for p in parts if p)
