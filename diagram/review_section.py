"""The review's topology section: each changed environment's picture, changes highlighted.

``review.cli.extra_sections`` calls :func:`topology_sections`; the review renders the section
folded (``<details>``) after the "Needs attention" table. The review keeps its comment under
60,000 characters by leaving out whole stack sections, never the extra sections, so this section
keeps its own budget (:data:`BUDGET`): the whole picture of each changed environment while it
fits, then only the changed elements and their neighbours, then a line saying what was left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from diagram.compare import compare, focus
from diagram.mermaid import LEGEND, STATUSES, fenced, render
from diagram.topology import read_topology
from review.actions import stack_actions
from review.diff import StackDiff
from review.plan import ENVIRONMENTS
from review.render import Section

TITLE = "Topology: what this change does to the picture"
# Whole pictures: prod ~8,000 characters, staging ~7,000, dev ~2,000: all three fit, and the
# stacks' own sections keep the rest of the 60,000-character comment.
BUDGET = 20_000


def _counts(status: dict[str, str]) -> str:
    return ", ".join(
        f"{sum(1 for s in status.values() if s == x)} {x}" for x in STATUSES if x in status.values()
    )


def topology_body(stacks: Sequence[StackDiff], budget: int = BUDGET) -> str:
    """The section's Markdown, or "" when no environment changed."""
    changed_envs = [e for e in ENVIRONMENTS if any(s.env == e and s.status != "unchanged" for s in stacks)]
    changed_envs += sorted({s.env for s in stacks if s.status != "unchanged"} - set(changed_envs))
    if not changed_envs:
        return ""
    if any(s.planned is not None for s in stacks):
        return (
            "No topology picture: real plans (`terraform show -json`) resolve the references between "
            "resources to values, and the picture is drawn from those references. Run `make review` on "
            "synthesized output (or `make diagram`) for it."
        )
    parts: list[str] = [LEGEND, ""]
    used = len(LEGEND)
    for env in changed_envs:
        mine = [s for s in stacks if s.env == env]
        base = read_topology(env, {s.stack_id: s.base for s in mine if s.base is not None})
        head = read_topology(env, {s.stack_id: s.head for s in mine if s.head is not None})
        actions = {s.stack_id: stack_actions(s) for s in mine if s.status != "unchanged"}
        union, status = compare(base, head, actions)
        if not status:
            parts += [f"**{env}**: nothing drawn in the topology changed.", ""]
            continue
        heading = f"**{env}**: {_counts(status)}"
        whole = fenced(render(union, status))
        if used + len(whole) <= budget:
            parts += [heading, "", whole]
            used += len(whole) + len(heading)
            continue
        focused = fenced(render(union, status, keep=focus(union, status)))
        if used + len(focused) <= budget:
            parts += [
                heading + " (only the changed elements and their neighbours, to keep the comment short)",
                "",
                focused,
            ]
            used += len(focused) + len(heading)
            continue
        parts += [
            heading + f" — picture left out to stay under {budget:,} characters; `make diagram` draws it.",
            "",
        ]
    return "\n".join(parts).rstrip() + "\n"


def topology_sections(stacks: Sequence[StackDiff]) -> list[Section]:
    body = topology_body(stacks)
    return [Section(TITLE, body)] if body else []
