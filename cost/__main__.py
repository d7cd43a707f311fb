"""Command line: ``python -m cost`` (``make cost``): monthly cost per environment and stack,
at minimum and maximum scale, from the synthesized plan and cost/prices.yaml. Offline.

Exit code 0; 1 with ``--strict`` when a priced item has no price or a resource type is not
classified (the report lists them); 2 when the plan or the table cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cost.assumptions import assumptions_by_env
from cost.estimate import estimate
from cost.prices import PRICES_FILE, PriceTableError, load_prices
from cost.report import problems, render_lines, render_text
from review.plan import OutputDirError, load_output_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cost", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=Path("cdktf.out"), help="synthesized output (default: cdktf.out)"
    )
    parser.add_argument("--env", help="only this environment")
    parser.add_argument(
        "--prices", type=Path, default=PRICES_FILE, help="price table (default: cost/prices.yaml)"
    )
    parser.add_argument(
        "--lines", action="store_true", help="print every priced line (tab-separated) instead"
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 when a price or classification is missing"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        table = load_prices(args.prices)
        plans = load_output_dir(args.out)
    except (PriceTableError, OutputDirError) as exc:
        print(f"cost: error: {exc}", file=sys.stderr)
        return 2
    if args.env:
        plans = {s: p for s, p in plans.items() if p.env == args.env}
    if not plans:
        print(
            f"cost: error: no synthesized stacks in {args.out}{' for ' + args.env if args.env else ''}; "
            "run `make synth-only` first",
            file=sys.stderr,
        )
        return 2
    envs = sorted({p.env for p in plans.values()})
    by_env, notes = assumptions_by_env(envs)
    for note in notes:
        print(f"cost: {note}", file=sys.stderr)
    costs = estimate(plans.values(), table, lambda env: by_env[env])
    sys.stdout.write(render_lines(costs) if args.lines else render_text(costs, table, by_env))
    if args.strict and problems(costs, table):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
