"""Render the comparison as one Markdown page (GitHub-flavoured, fit for a pull request comment)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from itertools import groupby
from typing import Any

from review.diff import MISSING, AttrChange, BlockChange, Counts, StackDiff
from review.risk import Attention

# The CI can find (and update) its earlier comment by this marker.
MARKER = "<!-- cdktf-plan-review -->"
VALUE_LIMIT = 80
ATTRS_PER_BLOCK = 40
# Values under attributes named like secrets are not copied into a pull request comment.
SENSITIVE = re.compile(
    r"(password|secret|token|private_key|client_key|access_key|auth_key|shared_key|"
    r"pairing_key|service_key|sas|connection_string|certificate)",
    re.IGNORECASE,
)

_ACTION_SIGN = {"added": "+", "removed": "−", "changed": "~", "moved": "→"}
_KIND_NAMES = {
    "resource": "resources",
    "data": "data sources",
    "provider": "providers",
    "output": "outputs",
    "variable": "variables",
    "module": "modules",
}


def code(text: str) -> str:
    """An inline code span that survives backticks and table pipes in ``text``."""
    text = text.replace("\n", "\\n").replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def value(v: Any, sensitive: bool = False) -> str:
    if v is MISSING:
        return "*(absent)*"
    if sensitive:
        return "*(sensitive)*"
    text = json.dumps(v, sort_keys=True, ensure_ascii=False)
    if len(text) > VALUE_LIMIT:
        text = text[: VALUE_LIMIT - 1] + "…"
    return code(text)


def cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _changes_phrase(counts: dict[str, int]) -> str:
    parts = [
        f"{_ACTION_SIGN[a]}{counts[a]} {a}" for a in ("added", "removed", "changed", "moved") if counts.get(a)
    ]
    return ", ".join(parts) if parts else "no changes"


def summary(stacks: list[StackDiff], attention: list[Attention]) -> str:
    counts = Counts.of(stacks)
    total = len(stacks)
    stack_parts = [f"{counts.stacks[s]} {s}" for s in ("added", "removed", "changed") if counts.stacks.get(s)]
    stacks_text = f"{_plural(total, 'stack')} compared" + (
        f" ({', '.join(stack_parts)})" if stack_parts else ", no changes"
    )
    line = f"**Summary:** {stacks_text} · resources: {_changes_phrase(counts.resources)}"
    if counts.other:
        line += f" · other blocks: {_changes_phrase(counts.other)}"
    line += f" · **{len(attention)} need{'s' if len(attention) == 1 else ''} attention**"
    return line


def _attention_section(items: list[Attention]) -> list[str]:
    lines = [f"## Needs attention ({len(items)})", ""]
    if not items:
        return lines + [
            "Nothing risky found by the review rules (`terraform plan` remains the authority).",
            "",
        ]
    lines += ["| Kind | Stack | Resource | Why |", "|---|---|---|---|"]
    for item in items:
        lines.append(
            f"| {item.category} | {code(item.stack_id)} | {code(item.address)} | {cell(item.reason)} |"
        )
    return lines + [""]


def _attr_table(change: BlockChange) -> list[str]:
    rows = ["| Attribute | Before | After |", "|---|---|---|"]
    shown = change.changes[:ATTRS_PER_BLOCK]
    for attr in shown:
        rows.append(_attr_row(attr))
    if len(change.changes) > len(shown):
        rows.append(f"| *… {len(change.changes) - len(shown)} more* | | |")
    return rows


def _attr_row(attr: AttrChange) -> str:
    secret = any(SENSITIVE.search(str(s)) for s in attr.path if isinstance(s, str))
    return f"| {code(attr.dotted)} | {value(attr.before, secret)} | {value(attr.after, secret)} |"


def _block_list(title: str, changes: list[BlockChange]) -> list[str]:
    if not changes:
        return []
    lines = [f"**{title} ({len(changes)})**", ""]
    for kind, group in groupby(changes, key=lambda c: c.kind):
        addresses = ", ".join(code(c.address) for c in group)
        label = _KIND_NAMES.get(kind, kind)
        lines.append(f"- {label}: {addresses}" if kind != "resource" else f"- {addresses}")
    return lines + [""]


def _stack_section(stack: StackDiff) -> list[str]:
    lines = [f"### {code(stack.stack_id)} — {stack.status}", ""]
    if stack.status in ("added", "removed"):
        plan = stack.head if stack.status == "added" else stack.base
        assert plan is not None
        n = len(plan.resources)
        lines.append(
            f"{_plural(n, 'resource')}: " + (", ".join(code(a) for a in sorted(plan.resources)) or "none")
        )
        return lines + [""]
    lines += _block_list("Added", stack.by_action("added"))
    lines += _block_list("Removed", stack.by_action("removed"))
    moved = stack.by_action("moved")
    if moved:
        lines += [f"**Moved ({len(moved)})**", ""]
        lines += [f"- {code(c.moved_from or '')} → {code(c.address)}" for c in moved]
        lines.append("")
    changed = stack.by_action("changed") + [c for c in moved if c.changes]
    if changed:
        lines += [f"**Changed ({len(changed)})**", ""]
        for change in changed:
            origin = f", moved from {code(change.moved_from)}" if change.moved_from else ""
            lines += [f"~ {code(change.address)} ({_plural(len(change.changes), 'attribute')}{origin})", ""]
            lines += _attr_table(change) + [""]
    return lines


def render(
    stacks: Iterable[StackDiff],
    attention: list[Attention],
    *,
    base_label: str,
    head_label: str,
) -> str:
    stacks = list(stacks)
    lines = [
        MARKER,
        "# Synthesized plan review",
        "",
        f"Base: {code(base_label)} · Head: {code(head_label)}",
        "",
        summary(stacks, attention),
        "",
    ]
    lines += _attention_section(attention)
    visible = [s for s in stacks if s.status != "unchanged"]
    if not visible:
        lines += ["No differences between the synthesized plans.", ""]
    for env, group in groupby(visible, key=lambda s: s.env):
        group = list(group)
        unchanged = sum(1 for s in stacks if s.env == env and s.status == "unchanged")
        lines += [f"## Environment {code(env)}", ""]
        added = [s.stack_id for s in group if s.status == "added"]
        removed = [s.stack_id for s in group if s.status == "removed"]
        if added:
            lines.append("- Stacks added: " + ", ".join(code(s) for s in added))
        if removed:
            lines.append("- Stacks removed: " + ", ".join(code(s) for s in removed))
        if unchanged:
            lines.append(f"- Unchanged: {_plural(unchanged, 'stack')}")
        if lines[-1]:
            lines.append("")
        for stack in group:
            lines += _stack_section(stack)
    return "\n".join(lines).rstrip() + "\n"
