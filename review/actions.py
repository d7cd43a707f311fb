"""What Terraform would do with each resource of a stack: create, update, replace, delete.

Offline (two synthesized configurations) the action is estimated: a new address is created, a
missing one destroyed, a changed one updated or replaced according to :mod:`review.replacement`,
and replacements are followed through references (knock-on). With real plans
(``terraform show -json``, :mod:`review.planjson`) the provider's own actions are used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from review.diff import StackDiff
from review.replacement import MAY_REPLACE, REPLACE, UPDATE, knock_on, verdict

CREATE, DELETE = "create", "delete"
# The order of the summary line, like `terraform plan`'s "Plan: 1 to add, 2 to change, 1 to destroy".
SUMMARY_ORDER = (CREATE, UPDATE, REPLACE, MAY_REPLACE, DELETE)
SUMMARY_WORDS = {
    CREATE: "to add",
    UPDATE: "to change",
    REPLACE: "to replace",
    MAY_REPLACE: "may be replaced",
    DELETE: "to destroy",
}


@dataclass(frozen=True)
class Action:
    action: str
    reasons: tuple[str, ...] = ()
    cause: str | None = None  # knock-on: why a referenced replacement replaces this one too


def stack_actions(stack: StackDiff) -> dict[str, Action]:
    """address -> Action for every resource that changes (data sources and providers left out)."""
    if stack.planned is not None:
        return dict(stack.planned)
    out: dict[str, Action] = {}
    if stack.status == "removed":
        assert stack.base is not None
        return {a: Action(DELETE) for a in stack.base.resources}
    for change in stack.blocks:
        if change.kind != "resource":
            continue
        if change.action == "added":
            out[change.address] = Action(CREATE)
        elif change.action == "removed":
            out[change.address] = Action(DELETE)
        else:
            v = verdict(change.type, change.changes)
            if change.changes or change.action == "changed":
                out[change.address] = Action(v.action, tuple(v.reasons))
    if stack.head is not None:
        replaced = {a: "; ".join(x.reasons) for a, x in out.items() if x.action == REPLACE}
        resources = {a: (b.type, b.config) for a, b in stack.head.resources.items()}
        for address, (action, cause) in knock_on(resources, replaced).items():
            previous = out.get(address)
            if previous is None or previous.action in (UPDATE, MAY_REPLACE):
                reasons = previous.reasons if previous else ()
                out[address] = Action(action, reasons, cause)
    return out


def counts(actions: dict[str, Action]) -> dict[str, int]:
    result = dict.fromkeys(SUMMARY_ORDER, 0)
    for a in actions.values():
        result[a.action] = result.get(a.action, 0) + 1
    return result


def summary_line(actions: dict[str, Action]) -> str:
    """``Plan: 2 to add, 1 to change, 1 to replace, 0 to destroy.`` (``may be replaced`` when any)."""
    c = counts(actions)
    parts = [f"{c[a]} {SUMMARY_WORDS[a]}" for a in SUMMARY_ORDER if a != MAY_REPLACE or c[a]]
    return "Plan: " + ", ".join(parts) + "."
