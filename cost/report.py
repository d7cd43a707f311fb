"""Text for `make cost` and the review's "Cost" section, from :mod:`cost.estimate` results."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cost.estimate import ASSUMPTIONS, Assumptions, Line, StackCost, estimate_stack
from cost.prices import PriceTable
from review.plan import StackPlan, env_of
from review.risk import env_rank

DRIVERS = 12  # rows shown per environment in the review


def _shown(path: str) -> str:
    """The table's path relative to the working directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def usd(value: float) -> str:
    return f"${value:,.0f}"


def signed(value: float) -> str:
    if round(value) == 0:
        return "$0"
    return f"{'+' if value > 0 else '−'}${abs(value):,.0f}"


def env_totals(costs: Mapping[str, StackCost]) -> dict[str, tuple[float, float]]:
    totals: dict[str, tuple[float, float]] = {}
    for stack_id, cost in costs.items():
        lo, hi = totals.get(env_of(stack_id), (0.0, 0.0))
        totals[env_of(stack_id)] = (lo + cost.monthly_min, hi + cost.monthly_max)
    return totals


def _ordered_envs(envs: Iterable[str]) -> list[str]:
    return sorted(set(envs), key=lambda e: (env_rank(f"{e}-x"), e))


def problems(costs: Mapping[str, StackCost], table: PriceTable) -> list[str]:
    """Missing prices and unclassified types, one line each (never counted as zero)."""
    out: list[str] = []
    for stack_id in sorted(costs):
        cost = costs[stack_id]
        out += [m.message(_shown(table.path)) for m in cost.missing]
        for type_, addresses in sorted(cost.unclassified.items()):
            out.append(
                f"{stack_id}: resource type {type_} ({len(addresses)}x, e.g. {addresses[0]}) is neither priced "
                f"(cost/estimate.py RULES) nor listed under no_charge/contract in {_shown(table.path)}: add it"
            )
    return out


def assumption_lines(assumptions_by_env: Mapping[str, Assumptions], table: PriceTable) -> list[str]:
    lines = [
        f"Prices: {_shown(table.path)}, as of {table.as_of} (rows marked estimated are not re-read list prices)."
    ]
    lines += list(ASSUMPTIONS)
    for env in _ordered_envs(assumptions_by_env):
        a = assumptions_by_env[env]
        sizes = ", ".join(f"{k} {v:,.0f} GB" for k, v in a.storage_gb.items())
        lines.append(f"{env}: {a.hours_per_month:g} h/month; storage per bucket: {sizes}.")
    return lines


def render_text(
    costs: Mapping[str, StackCost], table: PriceTable, assumptions_by_env: Mapping[str, Assumptions]
) -> str:
    """The `make cost` report: per environment and stack, min and max per month."""
    out: list[str] = []
    totals = env_totals(costs)
    for env in _ordered_envs(totals):
        lo, hi = totals[env]
        out.append(f"== {env}: {usd(lo)} - {usd(hi)} per month (min - max scale)")
        width = max(len(s) for s in costs if env_of(s) == env)
        for stack_id in sorted(s for s in costs if env_of(s) == env):
            cost = costs[stack_id]
            flag = "" if cost.complete else "   (incomplete: see below)"
            out.append(
                f"  {stack_id:<{width}}  {usd(cost.monthly_min):>12}  {usd(cost.monthly_max):>12}{flag}"
            )
        out.append("")
    contract = sorted({f"{t}: {table.contract[t]}" for c in costs.values() for t in c.contract})
    if contract:
        out.append("Not included (contract-priced): " + "; ".join(contract))
        out.append("")
    out.append("Assumptions:")
    out += [f"  - {line}" for line in assumption_lines(assumptions_by_env, table)]
    issues = problems(costs, table)
    if issues:
        out += ["", f"MISSING ({len(issues)}): these items are not in the totals above:"]
        out += [f"  - {line}" for line in issues]
    return "\n".join(out) + "\n"


def render_lines(costs: Mapping[str, StackCost], env: str | None = None) -> str:
    """Every priced line (`python -m cost --lines`): what each total is made of."""
    out = []
    for stack_id in sorted(costs):
        if env and env_of(stack_id) != env:
            continue
        for line in costs[stack_id].lines:
            out.append(
                f"{stack_id}\t{line.address}\t{line.what}\t{line.row.label}\t"
                f"{line.monthly_min:.2f}\t{line.monthly_max:.2f}"
            )
    return "\n".join(out) + "\n"


# --- the review's section: what the change does to the bill ----------------------------------------


@dataclass(frozen=True)
class Driver:
    stack_id: str
    address: str
    what_before: str
    what_after: str
    price: str
    delta_min: float
    delta_max: float


def _keyed(cost: StackCost | None) -> dict[tuple[str, str, bool], Line]:
    if cost is None:
        return {}
    # One key per priced part of a resource, so a resized or re-typed pool is one row, not two.
    return {(line.address, line.row.kind, line.row.sku.startswith("gpu:")): line for line in cost.lines}


def cost_delta(
    pairs: Iterable[tuple[str, StackPlan | None, StackPlan | None]],
    table: PriceTable,
    assumptions_for: Callable[[str], Assumptions],
) -> tuple[dict[str, tuple[float, float, float, float]], list[Driver], list[str]]:
    """Per environment (base min, base max, head min, head max), the lines that changed, and the
    problems in the head plan."""
    per_env: dict[str, list[float]] = {}
    drivers: list[Driver] = []
    head_costs: dict[str, StackCost] = {}
    for stack_id, base, head in pairs:
        a = assumptions_for(env_of(stack_id))
        before = estimate_stack(base, table, a) if base is not None else None
        after = estimate_stack(head, table, a) if head is not None else None
        if after is not None:
            head_costs[stack_id] = after
        sums = per_env.setdefault(env_of(stack_id), [0.0, 0.0, 0.0, 0.0])
        if before is not None:
            sums[0] += before.monthly_min
            sums[1] += before.monthly_max
        if after is not None:
            sums[2] += after.monthly_min
            sums[3] += after.monthly_max
        b_lines, h_lines = _keyed(before), _keyed(after)
        unpriced = {m.address for m in after.missing} if after is not None else set()
        for key in sorted(set(b_lines) | set(h_lines)):
            old, new = b_lines.get(key), h_lines.get(key)
            d_min = (new.monthly_min if new else 0.0) - (old.monthly_min if old else 0.0)
            d_max = (new.monthly_max if new else 0.0) - (old.monthly_max if old else 0.0)
            if abs(d_min) < 0.005 and abs(d_max) < 0.005:
                continue
            either = new or old
            if either is None:  # never: the key came from one of the two
                continue
            price = either.row.label
            if old and new and old.row.label != new.row.label:
                price = f"{old.row.label} → {new.row.label}"
            after_text = new.what if new else ("(not priced: see below)" if key[0] in unpriced else "(none)")
            drivers.append(
                Driver(
                    stack_id=stack_id,
                    address=key[0],
                    what_before=old.what if old else "(none)",
                    what_after=after_text,
                    price=price,
                    delta_min=d_min,
                    delta_max=d_max,
                )
            )
    totals = {env: (v[0], v[1], v[2], v[3]) for env, v in per_env.items()}
    return totals, drivers, problems(head_costs, table)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def render_delta_markdown(
    totals: Mapping[str, tuple[float, float, float, float]],
    drivers: Sequence[Driver],
    issues: Sequence[str],
    table: PriceTable,
) -> tuple[str, str]:
    """(title, body) of the review's cost section."""
    changed = {env for env, (b0, b1, h0, h1) in totals.items() if round(h0 - b0) or round(h1 - b1)}
    parts = []
    for env in _ordered_envs(changed):
        b0, b1, h0, h1 = totals[env]
        parts.append(f"{env} {signed(h0 - b0)} / {signed(h1 - b1)}")
    title = "Cost: " + ("; ".join(parts) + " per month (min / max scale)" if parts else "no change per month")
    if issues:
        title += f" · incomplete: {len(issues)} item(s) not priced"
    lines = [
        "| Environment | Before (min – max) | After (min – max) | Δ min | Δ max |",
        "|---|---|---|---|---|",
    ]
    for env in _ordered_envs(totals):
        b0, b1, h0, h1 = totals[env]
        lines.append(
            f"| {env} | {usd(b0)} – {usd(b1)} | {usd(h0)} – {usd(h1)} | {signed(h0 - b0)} | {signed(h1 - b1)} |"
        )
    lines.append("")
    if drivers:
        lines += [
            "What drives it (largest first, per environment):",
            "",
            "| Stack | Resource | Before | After | Price | Δ min | Δ max |",
            "|---|---|---|---|---|---|---|",
        ]
        for env in _ordered_envs(env_of(d.stack_id) for d in drivers):
            mine = sorted(
                (d for d in drivers if env_of(d.stack_id) == env),
                key=lambda d: (-max(abs(d.delta_min), abs(d.delta_max)), d.stack_id, d.address),
            )
            for d in mine[:DRIVERS]:
                lines.append(
                    f"| {_code(d.stack_id)} | {_code(d.address)} | {d.what_before} | {d.what_after} | "
                    f"{d.price} | {signed(d.delta_min)} | {signed(d.delta_max)} |"
                )
            if len(mine) > DRIVERS:
                lines.append(f"| {env} | +{len(mine) - DRIVERS} more rows | | | | | |")
        lines.append("")
    if issues:
        lines += [f"**Not priced ({len(issues)})**, left out of the figures above:", ""]
        lines += [f"- {cell}" for cell in issues]
        lines.append("")
    lines.append(
        f"List prices from `{_shown(table.path)}` (as of {table.as_of}); "
        "storage from each environment's `cost.storage_gb`. `make cost` prints the totals and every assumption."
    )
    return title, "\n".join(lines)
