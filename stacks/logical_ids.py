"""Logical ids without hash suffixes: the construct path below the stack, joined by `_`.

cdktf names a resource nested in constructs `<path>_<md5 prefix>` (`eks_gpu_pool_1A2B3C4D`).
The hash adds nothing a reader can use and makes a review diff noisy; the path alone is already
unique inside a stack (construct ids are unique among siblings). Top-level elements (providers,
outputs, cross-stack outputs) keep cdktf's own naming, so references between stacks are unchanged.

Logical ids are a contract with the state: changing a construct id renames (replaces) the
resource. Rename only with a state move.
"""

from __future__ import annotations

import re

from cdktf import TerraformElement

_INVALID = re.compile(r"[^A-Za-z0-9_-]")


class PathLogicalIds:
    """Mixin for a TerraformStack subclass (put it before the stack class in the bases)."""

    def _allocate_logical_id(self, tf_element):  # overrides TerraformStack.allocateLogicalId
        node = tf_element.node if isinstance(tf_element, TerraformElement) else tf_element
        paths = [scope.node.path for scope in node.scopes]
        below = node.scopes[paths.index(self.node.path) + 1 :]
        if len(below) <= 1:
            return super()._allocate_logical_id(tf_element)
        return "_".join(_INVALID.sub("_", scope.node.id) for scope in below)
