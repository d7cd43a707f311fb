"""Render the review as Markdown: a short page a person reads, and the full report as a file.

Order: the summary (one ``terraform plan``-style line per changed stack, prod first, then staging,
then dev), then "Needs attention" with one row per rule and stack (count, consequence, the first
resources), then the details folded in ``<details>``. Values are never cut; the pull-request
comment stays under :data:`COMMENT_LIMIT` by leaving out whole folded sections, which the full
report (the CI artifact) keeps.

Other review features add sections through ``extra_sections``: each :class:`Section` is rendered
folded, after the attention table (cost delta, diagrams, access matrix, ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from review.actions import stack_actions, summary_line
from review.diff import MISSING, AttrChange, BlockChange, StackDiff
from review.risk import Attention, env_rank

# The CI can find (and update) its earlier comment by this marker.
MARKER = "<!-- cdktf-plan-review -->"
# GitHub refuses comments over 65,536 characters; keep a margin for the CI's own footer.
COMMENT_LIMIT = 60_000
FIRST_RESOURCES = 3
# Values under attributes named like secrets are not copied into a pull request comment.
SENSITIVE = re.compile(
    r"(password|secret|token|private_key|client_key|access_key|auth_key|shared_key|"
    r"pairing_key|service_key|sas|connection_string|certificate)",
    re.IGNORECASE,
)
_SAFE_TOKEN_KEYS = re.compile(r"^token_(policies|ttl|max_ttl|period|type|num_uses|bound_cidrs)$")

_ACTION_SIGN = {"added": "+", "removed": "−", "changed": "~", "moved": "→"}


@dataclass(frozen=True)
class Section:
    """An extra section (cost delta, diagram, access matrix): rendered folded, in order."""

    title: str
    body: str
    open: bool = False


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
    return code(json.dumps(v, sort_keys=True, ensure_ascii=False))


def cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sensitive(attr: AttrChange) -> bool:
    names = [s for s in attr.path if isinstance(s, str)]
    return any(SENSITIVE.search(s) and not _SAFE_TOKEN_KEYS.match(s) for s in names)


def _details(summary: str, body: list[str], open_: bool = False) -> list[str]:
    return [
        f"<details{' open' if open_ else ''}><summary>{summary}</summary>",
        "",
        *body,
        "",
        "</details>",
        "",
    ]


def ordered(stacks: Iterable[StackDiff]) -> list[StackDiff]:
    return sorted(stacks, key=lambda s: (env_rank(s.stack_id), s.stack_id))


# --- summary ------------------------------------------------------------------------------------


def _summary(stacks: list[StackDiff], items: list[Attention], scope_note: str) -> list[str]:
    changed = [s for s in stacks if s.status != "unchanged"]
    totals: dict[str, int] = {}
    rows = []
    for stack in changed:
        actions = stack_actions(stack)
        for a in actions.values():
            totals[a.action] = totals.get(a.action, 0) + 1
        n = sum(1 for i in items if i.stack_id == stack.stack_id)
        status = "" if stack.status == "changed" else f" (stack {stack.status})"
        rows.append(f"| {code(stack.stack_id)}{status} | {summary_line(actions)} | {n} |")
    unchanged = len(stacks) - len(changed)
    lines = [
        f"**{_plural(len(changed), 'stack')} changed, {unchanged} unchanged · "
        f"{_plural(len(items), 'item')} need attention**" + (f" · {scope_note}" if scope_note else ""),
        "",
    ]
    if rows:
        lines += ["| Stack | Plan | Attention |", "|---|---|---|", *rows, ""]
    return lines


# --- needs attention ----------------------------------------------------------------------------


def _attention_rows(items: list[Attention]) -> list[str]:
    lines = ["| Stack | Class | Rule | Consequence | Count | First resources |", "|---|---|---|---|---|---|"]
    key = lambda i: (env_rank(i.stack_id), i.stack_id, i.category, i.rule_name)  # noqa: E731
    for (_, stack_id, category, rule), group in groupby(sorted(items, key=lambda i: i.sort_key), key=key):
        members = list(group)
        addresses = list(dict.fromkeys(i.address for i in members))
        first = ", ".join(code(a) for a in addresses[:FIRST_RESOURCES])
        if len(addresses) > FIRST_RESOURCES:
            first += f" +{len(addresses) - FIRST_RESOURCES} more"
        recorded = sorted({text for i in members for _, text in i.recorded})
        why = f" — recorded reason: “{'”; “'.join(recorded)}”" if recorded else ""
        lines.append(
            f"| {code(stack_id)} | {category} | {cell(rule + why)} | {members[0].consequence} | {len(members)} | {first} |"
        )
    return lines + [""]


def _item_lines(items: list[Attention]) -> list[str]:
    lines = []
    for item in items:
        lines.append(f"- **{item.category}** {code(item.address)}: {item.reason}")
        for key, text in item.recorded:
            lines.append(f"  - recorded `{key}`: {text}")
        if item.detail:
            lines += ["", *("  " + x for x in item.detail.splitlines()), ""]
    return lines


# --- per-stack changes --------------------------------------------------------------------------


def _attr_table(change: BlockChange) -> list[str]:
    rows = ["| Attribute | Before | After |", "|---|---|---|"]
    for attr in change.changes:
        secret = _sensitive(attr)
        rows.append(f"| {code(attr.dotted)} | {value(attr.before, secret)} | {value(attr.after, secret)} |")
    return rows


def _stack_body(stack: StackDiff, items: list[Attention]) -> list[str]:
    lines: list[str] = []
    mine = [i for i in items if i.stack_id == stack.stack_id]
    if mine:
        lines += ["**Needs attention**", "", *_item_lines(mine), ""]
    actions = stack_actions(stack)
    if stack.status in ("added", "removed"):
        plan = stack.head if stack.status == "added" else stack.base
        assert plan is not None
        lines.append(
            f"{_plural(len(plan.resources), 'resource')}: "
            + (", ".join(code(a) for a in sorted(plan.resources)) or "none")
        )
        return lines + [""]
    for action_name in ("added", "removed"):
        group = stack.by_action(action_name)
        if group:
            lines += [
                f"**{action_name.capitalize()} ({len(group)})**: "
                + ", ".join(code(c.address) for c in group),
                "",
            ]
    for c in stack.by_action("moved"):
        lines.append(f"- moved {code(c.moved_from or '')} → {code(c.address)}")
    changed = [c for c in stack.blocks if c.action in ("changed", "moved") and c.changes]
    for change in changed:
        action = actions.get(change.address)
        verb = action.action if action else "change"
        sign = {"replace": "-/+", "may replace": "?/+"}.get(verb, "~")
        lines += [f"{sign} {code(change.address)} ({verb}, {_plural(len(change.changes), 'attribute')})", ""]
        lines += _attr_table(change) + [""]
    return lines


# --- the page -----------------------------------------------------------------------------------


def render(
    stacks: Iterable[StackDiff],
    attention: list[Attention],
    *,
    base_label: str,
    head_label: str,
    scope_note: str = "",
    extra_sections: Sequence[Section] = (),
    limit: int | None = None,
    full_report_name: str = "review-full.md",
) -> str:
    """The review page. With ``limit`` (the PR comment), folded stack sections that do not fit
    are left out and the page says where the full report is; without it, everything."""
    stacks = ordered(stacks)
    head = [
        MARKER,
        "# Plan review",
        "",
        f"Base: {code(base_label)} · Head: {code(head_label)}",
        "",
        *_summary(stacks, attention, scope_note),
    ]
    head += [f"## Needs attention ({len(attention)})", ""]
    if attention:
        head += _attention_rows(attention)
    else:
        head += ["Nothing risky found by the review rules (`terraform plan` remains the authority).", ""]
    for section in extra_sections:
        head += _details(f"<b>{section.title}</b>", section.body.splitlines(), section.open)
    blocks: list[list[str]] = []
    for env, group in groupby([s for s in stacks if s.status != "unchanged"], key=lambda s: s.env):
        blocks.append([f"## Environment {code(env)}", ""])
        for stack in group:
            n = sum(1 for i in attention if i.stack_id == stack.stack_id)
            title = f"{code(stack.stack_id)} — {summary_line(stack_actions(stack))}" + (
                f" · {n} need attention" if n else ""
            )
            blocks.append(_details(title, _stack_body(stack, attention)))
    if not blocks:
        head += ["No differences between the plans.", ""]
    text = "\n".join(head)
    if limit is None:
        return "\n".join([text, *("\n".join(b) for b in blocks)]).rstrip() + "\n"
    footer_room = 400
    kept: list[str] = []
    used = len(text)
    omitted = 0
    for b in blocks:
        piece = "\n".join(b)
        if used + len(piece) + 1 + footer_room <= limit:
            kept.append(piece)
            used += len(piece) + 1
        else:
            omitted += 1
    page = "\n".join([text, *kept]).rstrip() + "\n"
    if omitted:
        page += (
            f"\n*{omitted} folded section(s) left out to stay under {limit:,} characters: "
            f"the full report is the `{full_report_name}` artifact of this run.*\n"
        )
    if len(page) > limit:  # the attention table alone is too long: cut rows, never values in a row
        keep = page[: limit - footer_room].rsplit("\n", 1)[0]
        page = keep + f"\n\n*Report cut at {limit:,} characters: see the `{full_report_name}` artifact.*\n"
    return page
