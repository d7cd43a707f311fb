"""Read real plans: ``terraform show -json <planfile>`` output, one file per stack.

Format (Terraform's documented JSON output, https://developer.hashicorp.com/terraform/internals/json-format):
``{"format_version": "1.2", "resource_changes": [{"address", "type", "name", "mode",
"previous_address"?, "change": {"actions": [...], "before", "after", "after_unknown",
"replace_paths"?}, "action_reason"?}]}``. ``actions`` is one of ``["no-op"]``, ``["create"]``,
``["read"]``, ``["update"]``, ``["delete", "create"]`` / ``["create", "delete"]`` (replace) or
``["delete"]``. Those actions are used as they are, so the counts are exact; the review rules run
on the ``before``/``after`` values.

A directory holds ``<stack-id>.json`` or ``<stack-id>/plan.json`` files (the CI plan matrix
uploads one per stack).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from review.actions import CREATE, DELETE, Action
from review.diff import BlockChange, StackDiff, attribute_changes, block_sort_key
from review.plan import Block, OutputDirError, StackPlan, strip_metadata
from review.replacement import REPLACE, UPDATE


def _action(actions: list[str]) -> str | None:
    if actions in (["delete", "create"], ["create", "delete"]):
        return REPLACE
    single: dict[tuple[str, ...], str] = {("create",): CREATE, ("update",): UPDATE, ("delete",): DELETE}
    return single.get(tuple(actions))


def _path_text(path: Any) -> str:
    if isinstance(path, list):
        return ".".join(str(p) for p in path)
    return str(path)


def plan_files(directory: Path) -> dict[str, Path]:
    directory = Path(directory)
    if not directory.is_dir():
        raise OutputDirError(
            f"{directory}: PLAN_DIR is not a directory; pass the folder holding the plan JSON files"
        )
    files = {p.stem: p for p in sorted(directory.glob("*.json"))}
    files.update({p.parent.name: p for p in sorted(directory.glob("*/plan.json"))})
    if not files:
        raise OutputDirError(
            f"{directory}: no plan JSON files (expected <stack-id>.json or <stack-id>/plan.json, "
            "each written by `terraform show -json <planfile>`)"
        )
    return files


def load_plan(stack_id: str, path: Path) -> StackDiff:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise OutputDirError(f"{path}: cannot read the plan JSON: {exc}") from exc
    if not isinstance(doc, dict) or "format_version" not in doc:
        raise OutputDirError(
            f"{path}: not `terraform show -json` output (no format_version); write it with "
            "`terraform show -json plan.tfplan > <stack-id>.json`"
        )
    changes = doc.get("resource_changes", [])
    if not isinstance(changes, list):
        raise OutputDirError(f"{path}: resource_changes must be a list")
    before: dict[str, Block] = {}
    after: dict[str, Block] = {}
    blocks: list[BlockChange] = []
    planned: dict[str, Action] = {}
    for i, rc in enumerate(changes):
        if not isinstance(rc, dict) or not isinstance(rc.get("change"), dict) or "address" not in rc:
            raise OutputDirError(f"{path}: resource_changes[{i}] lacks address or change")
        if rc.get("mode", "managed") != "managed":
            continue
        address, rtype, change = rc["address"], rc.get("type", ""), rc["change"]
        action = _action(change.get("actions", []))
        b = change.get("before")
        a = change.get("after")
        if b is not None:
            before[address] = Block(address, "resource", rtype, strip_metadata(b))
        if a is not None:
            after[address] = Block(address, "resource", rtype, strip_metadata(a))
        if action is None:
            continue
        reasons = tuple(f"`{_path_text(p)}` (replace_paths)" for p in change.get("replace_paths") or ())
        if action == REPLACE and rc.get("action_reason"):
            reasons += (f"action_reason {rc['action_reason']}",)
        planned[address] = Action(action, reasons)
        kind = {CREATE: "added", DELETE: "removed"}.get(action, "changed")
        previous = rc.get("previous_address")
        blocks.append(
            BlockChange(
                "moved" if previous and kind == "changed" else kind,
                address,
                before.get(address),
                after.get(address),
                attribute_changes(b, a) if kind == "changed" else (),
                moved_from=previous,
            )
        )
    base = StackPlan(stack_id, before)
    head = StackPlan(stack_id, after)
    status = "changed" if planned else "unchanged"
    return StackDiff(stack_id, status, base, head, tuple(sorted(blocks, key=block_sort_key)), planned=planned)


def load_plan_dir(directory: Path) -> tuple[StackDiff, ...]:
    return tuple(load_plan(stack_id, p) for stack_id, p in sorted(plan_files(directory).items()))
