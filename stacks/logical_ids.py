"""Logical ids without hash suffixes: the construct path below the stack, joined by `_`.

The one logical-id scheme of every stack (no per-resource overrides).

cdktf names a resource nested in constructs `<path>_<md5 prefix>` (`eks_gpu_pool_1A2B3C4D`).
The hash adds nothing a reader can use and makes a review diff noisy; the path alone is already
unique inside a stack (construct ids are unique among siblings). Top-level elements (providers,
outputs, cross-stack outputs) keep cdktf's own naming, so references between stacks are unchanged.

Logical ids are a contract with the state: changing a construct id renames (replaces) the
resource. Rename only with a state move.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from cdktf import TerraformElement, TerraformStack
from constructs import Node

from stacks.lazy_providers import node_preloaded

# `-` becomes `_` too (`models-gdpr` -> `models_gdpr`), as constructs_lib/logical_id.logical_id
# does, so the data lakes' ids, formerly pinned one by one, equal their paths. No stack had a `-`
# in a nested construct path before, so no id changed (the snapshots stayed byte-identical).
_INVALID = re.compile(r"[^A-Za-z0-9_]")


# The type checker sees the mixin as the TerraformStack it is mixed into (super() and self.node).
if TYPE_CHECKING:
    _MixinBase = TerraformStack
else:
    _MixinBase = object


CONTEXT_KEY = "mcai:pathLogicalIds"  # read by stacks/logical_ids_node.js


class _PathLogicalIdsInPython(_MixinBase):
    """The rule computed in Python: a jsii callback per element (node asks Python, Python asks node
    for the element's path). Used when the node preload is not loaded (stacks.lazy_providers.install
    ran after node started, or not at all)."""

    def _allocate_logical_id(self, tf_element: Node | TerraformElement) -> str:  # overrides allocateLogicalId
        # One jsii round trip for the element's path (walking node.scopes costs one per level,
        # and this runs for every element of the app). Construct ids never contain "/".
        node = tf_element.node if isinstance(tf_element, TerraformElement) else tf_element
        stack_path: str | None = self.__dict__.get("_path_logical_ids_stack_path")
        if stack_path is None:
            stack_path = self.__dict__["_path_logical_ids_stack_path"] = self.node.path
        below = node.path[len(stack_path) + 1 :].split("/") if stack_path else node.path.split("/")
        if len(below) <= 1:
            return super()._allocate_logical_id(tf_element)
        return "_".join(_INVALID.sub("_", segment) for segment in below)


class _PathLogicalIdsInNode(_MixinBase):
    """The same rule in node (stacks/logical_ids_node.js, preloaded by stacks.lazy_providers.install):
    stacks/base.py sets CONTEXT_KEY on the stack before its first child, and node allocates every
    id without a round trip to Python. tests/snapshots hold both to the same output."""


def path_logical_ids_class() -> type:
    """The mixin for this process: node's when the preload is loaded, else Python's."""
    return _PathLogicalIdsInNode if node_preloaded() else _PathLogicalIdsInPython


if TYPE_CHECKING:
    PathLogicalIds = _PathLogicalIdsInPython
else:
    PathLogicalIds = path_logical_ids_class()
    """Mixin for a TerraformStack subclass (put it before the stack class in the bases)."""
