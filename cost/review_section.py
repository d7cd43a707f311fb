"""The review's "Cost" section (review.cli.extra_sections): what the change does to the monthly bill,
per environment at min and max scale, and the rows that drive it."""

from __future__ import annotations

from collections.abc import Sequence

from cost.assumptions import assumptions_by_env
from cost.prices import PriceTableError, load_prices
from cost.report import cost_delta, render_delta_markdown
from review.diff import StackDiff
from review.render import Section


def cost_sections(stacks: Sequence[StackDiff]) -> list[Section]:
    """One folded section; a price table that cannot be read gives a section saying so, never
    a failed review."""
    try:
        table = load_prices()
    except PriceTableError as exc:
        return [Section("Cost: not computed", f"The price table cannot be read: {exc}")]
    by_env, notes = assumptions_by_env(sorted({s.env for s in stacks}))
    totals, drivers, issues = cost_delta(
        ((s.stack_id, s.base, s.head) for s in stacks), table, lambda env: by_env[env]
    )
    title, body = render_delta_markdown(totals, drivers, [*notes, *issues], table)
    return [Section(title, body)]
