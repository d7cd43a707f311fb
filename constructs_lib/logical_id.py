"""Short, stable Terraform logical ids for resources nested inside constructs.

cdktf names a resource that sits below a construct `<path>_<8-hex hash>`; that hash changes when
the construct tree is rearranged and reads badly in a plan. Constructs call `pin` with the parts
that make the id unique in its stack (`data_lake`, `pii`, `bucket` -> `data_lake_pii_bucket`).
Logical ids are a contract with the state: change one only together with a state move.
"""

from __future__ import annotations

import re
from typing import TypeVar

from cdktf import TerraformElement

Element = TypeVar("Element", bound=TerraformElement)

_INVALID = re.compile(r"[^A-Za-z0-9_]+")


def logical_id(*parts: str) -> str:
    """`("data_lake", "models-gdpr", "key")` -> `data_lake_models_gdpr_key`."""
    return "_".join(_INVALID.sub("_", p).strip("_") for p in parts if p)


def pin(element: Element, *parts: str) -> Element:
    """Override `element`'s logical id with `logical_id(*parts)` and return it."""
    element.override_logical_id(logical_id(*parts))
    return element
