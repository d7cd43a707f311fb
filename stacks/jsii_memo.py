"""A provider resource's attribute, read again, answered from Python instead of node.

Why: each read of `bucket.arn` is a jsii round trip (Python -> node -> Python) in which cdktf
makes a new token for the same reference. A full synth reads 5,404 properties, 2,934 of them a
second time or more on the same object (`id` alone 1,613 times; counted 2026-11-30), ~0.25 ms
of node plus the Python side each.

What is remembered: `jsii.get(obj, name)` when `obj` is a resource or data source of a provider
package (an instance of cdktf's TerraformResource or TerraformDataSource, of a class defined by
a provider module) and `name` is one of its own attributes. A provider's attribute getter
returns a token for `${<type>.<name>.<attribute>}` or the one output-reference object its
constructor made, whatever the resource's configuration is at the time: the first answer stands
for every later read. Never remembered: `...Input` getters (the configured value, which setters
change) and every property the cdktf base classes declare (`count`, `dependsOn`, `lifecycle`,
`terraformMetaArguments`, ...: state, read from the classes themselves). A `jsii.set` on an
object forgets what was remembered of it (no attribute depends on it, but nothing is assumed).

A list or map attribute is handed out as a copy on every read (jsii builds a new container per
read; a shared one would let code that changes it change what later reads see). MCAI_JSII_MEMO=off
turns the memo off.

Output: a remembered read gives the same token string as the first read instead of a new one
that resolves to the same text, so the synthesized files are byte-identical (tests/snapshots,
the whole plan); tests/unit/test_jsii_memo.py holds the rules in a real kernel.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stacks.toolchain import PROVIDER_PREFIXES

ENV = "MCAI_JSII_MEMO"
_INSTALLED: Callable[[Any, str], Any] | None = None  # the jsii.get install() put in place


def _state_properties(classes: tuple[type, ...]) -> frozenset[str]:
    """jsii names of the properties `classes` and their bases declare (the generated Python
    getters carry them as `__jsii_name__`)."""
    names: set[str] = set()
    for cls in classes:
        for klass in cls.__mro__:
            for attr in vars(klass).values():
                if isinstance(attr, property) and attr.fget is not None:
                    name = getattr(attr.fget, "__jsii_name__", None)
                    if isinstance(name, str):
                        names.add(name)
    return frozenset(names)


def _remembering(
    original_get: Callable[[Any, str], Any], original_set: Callable[[Any, str, Any], None]
) -> tuple[Callable[[Any, str], Any], Callable[[Any, str, Any], None]]:
    memo: dict[str, dict[str, Any]] = {}
    elements: tuple[type, ...] = ()
    state: frozenset[str] = frozenset()

    def get(obj: Any, property: str) -> Any:
        nonlocal elements, state
        if property.endswith("Input") or not type(obj).__module__.startswith(PROVIDER_PREFIXES):
            return original_get(obj, property)
        if not elements:
            from cdktf import TerraformDataSource, TerraformResource  # loaded: a provider object exists

            elements = (TerraformResource, TerraformDataSource)
            state = _state_properties(elements)
        ref: str = obj.__jsii_ref__.ref
        if property in state or not isinstance(obj, elements):
            return original_get(obj, property)
        known = memo.setdefault(ref, {})
        if property not in known:
            known[property] = original_get(obj, property)
        value = known[property]
        # A list or map attribute (`ids`, `result` of random_shuffle) comes back as a new Python
        # container on every kernel read: each remembered read gets its own copy too, so code that
        # changes one read's container never changes another's.
        if isinstance(value, list):
            return list(value)
        if isinstance(value, dict):
            return dict(value)
        return value

    def set_(obj: Any, property: str, value: Any) -> None:
        ref = getattr(obj, "__jsii_ref__", None)
        if ref is not None:
            memo.pop(ref.ref, None)
        original_set(obj, property, value)

    return get, set_


def install(environ: Mapping[str, str]) -> bool:
    """Route `jsii.get`/`jsii.set` through the memo, unless MCAI_JSII_MEMO=off (every read then
    asks the kernel, as cdktf does). Idempotent; before or after cdktf loads (the generated
    classes look `jsii.get` up at each call). Returns True if the memo is in place."""
    global _INSTALLED
    if environ.get(ENV, "").strip().lower() == "off":
        return False
    import jsii

    if _INSTALLED is not None and jsii.get is _INSTALLED:
        return True
    get, set_ = _remembering(jsii.get, jsii.set)
    # The module's own namespace: the generated classes call jsii.get / jsii.set through it.
    vars(jsii).update(get=get, set=set_)
    _INSTALLED = get
    return True
