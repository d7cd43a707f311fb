"""Command line: ``python -m review`` (``make review`` calls it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from cost.review_section import cost_sections
from review import access_matrix
from review.diff import StackDiff, diff_plans
from review.plan import OutputDirError, StackPlan, env_of, load_output_dir
from review.planjson import load_plan_dir
from review.render import COMMENT_LIMIT, Section, render
from review.risk import Attention, attention
from review.synth import SynthError, repo_root, synth_command, synthesize, worktree

EXIT_OK = 0
EXIT_ATTENTION = 1
EXIT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m review",
        description=(
            "Compare two synthesized cdktf outputs and write one Markdown review page: per environment "
            "and stack, the blocks added, removed and changed (with attribute-level changes), and a "
            "'Needs attention' list of risky changes on top. The report is informational: the exit code "
            "is 0 unless --fail-on-attention is given."
        ),
    )
    base = parser.add_mutually_exclusive_group(required=True)
    base.add_argument(
        "--plan-dir",
        type=Path,
        metavar="DIR",
        help="real plans: DIR/<stack-id>.json (or DIR/<stack-id>/plan.json) written by "
        "`terraform show -json`; their actions are used as they are",
    )
    base.add_argument(
        "--base-out",
        type=Path,
        metavar="DIR",
        help="synthesized base: a cdktf output directory (DIR/stacks/<stack-id>/cdk.tf.json)",
    )
    base.add_argument(
        "--base",
        metavar="REF",
        help="git ref to synthesize as the base, in a temporary worktree that is removed afterwards",
    )
    parser.add_argument(
        "--head-out",
        type=Path,
        metavar="DIR",
        help="synthesized head; default: synthesize the working tree into its --synth-out",
    )
    parser.add_argument(
        "--output",
        default="review.md",
        metavar="FILE",
        help="the pull-request comment, under 60,000 characters (default: review.md; '-' for stdout only)",
    )
    parser.add_argument(
        "--full-output",
        default="review-full.md",
        metavar="FILE",
        help="the full report, nothing left out (default: review-full.md; the CI uploads it as an artifact)",
    )
    parser.add_argument(
        "--synth-cmd",
        metavar="CMD",
        help="command that synthesizes a tree, run in its root (default: "
        "'<this python> -m stacks synth --out <synth-out>'; e.g. 'make synth')",
    )
    parser.add_argument(
        "--synth-out",
        default="cdktf.out",
        metavar="DIR",
        help="where the synth command writes, relative to the tree (default: cdktf.out)",
    )
    parser.add_argument(
        "--repo",
        type=Path,
        default=Path.cwd(),
        metavar="DIR",
        help="the git repository (default: the current directory)",
    )
    parser.add_argument(
        "--base-missing-ok",
        action="store_true",
        help="with --base: if the ref cannot be synthesized (e.g. it predates the app), "
        "compare against an empty plan instead of failing",
    )
    parser.add_argument(
        "--fail-on-attention", action="store_true", help="exit 1 when the 'Needs attention' list is not empty"
    )
    return parser


def _load_base(args: argparse.Namespace) -> tuple[dict[str, StackPlan], str]:
    if args.base_out is not None:
        return load_output_dir(args.base_out), str(args.base_out)
    repo = repo_root(args.repo)
    cmd = synth_command(args.synth_cmd, args.synth_out)
    with worktree(repo, args.base) as (tree, commit):
        label = f"{args.base} ({commit[:12]})"
        try:
            out_dir = synthesize(tree, cmd, args.synth_out)
        except SynthError as exc:
            if not args.base_missing_ok:
                raise
            print(f"review: base not synthesized, comparing against an empty plan: {exc}", file=sys.stderr)
            return {}, f"{label}, not synthesizable: empty"
        return load_output_dir(out_dir), label  # read before the worktree goes away


def _load_head(args: argparse.Namespace) -> tuple[dict[str, StackPlan], str]:
    if args.head_out is not None:
        return load_output_dir(args.head_out), str(args.head_out)
    tree = repo_root(args.repo)
    out_dir = synthesize(tree, synth_command(args.synth_cmd, args.synth_out), args.synth_out)
    return load_output_dir(out_dir), "working tree"


def scope_to_head(base: dict[str, StackPlan], head: dict[str, StackPlan]) -> tuple[dict[str, StackPlan], str]:
    """A partial synth (``make synth-only ENV=prod``) holds some environments only: compare those,
    instead of reporting every other environment's stacks as removed."""
    head_envs = {env_of(s) for s in head}
    base_envs = {env_of(s) for s in base}
    if not head or head_envs >= base_envs:
        return base, ""
    kept = {s: p for s, p in base.items() if env_of(s) in head_envs}
    left = ", ".join(sorted(base_envs - head_envs))
    return (
        kept,
        f"partial synth: compared {', '.join(sorted(head_envs))} only ({left} not synthesized, not compared)",
    )


def extra_sections(stacks: Sequence[StackDiff], items: Sequence[Attention]) -> list[Section]:
    """Sections other review features add (cost delta, diagram, access matrix): append here."""
    sections: list[Section] = []
    sections += cost_sections(stacks)
    from diagram.review_section import topology_sections  # diagram imports review: import here

    sections += topology_sections(stacks)
    return sections


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    scope_note = ""
    head = None
    try:
        if args.plan_dir is not None:
            stacks = load_plan_dir(args.plan_dir)
            base_label, head_label = "state (terraform plan)", f"plans in {args.plan_dir}"
            scope_note = "exact actions from terraform plan JSON"
        else:
            base, base_label = _load_base(args)
            head, head_label = _load_head(args)
            base, scope_note = scope_to_head(base, head)
            stacks = diff_plans(base, head)
    except (OutputDirError, SynthError) as exc:
        print(f"review: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    items = attention(stacks)
    extras = extra_sections(stacks, items)
    if head is not None:  # issue #13: who can reach which data, read from the head's plan
        extras.append(Section("Data access (head)", access_matrix.review_body(head)))
    page = partial(
        render,
        stacks,
        items,
        base_label=base_label,
        head_label=head_label,
        scope_note=scope_note,
        extra_sections=extras,
    )
    full = page()
    report = page(limit=COMMENT_LIMIT, full_report_name=Path(args.full_output).name)
    sys.stdout.write(report)
    if args.output != "-":
        Path(args.output).write_text(report, encoding="utf-8")
    if args.full_output != "-":
        Path(args.full_output).write_text(full, encoding="utf-8")
    if args.fail_on_attention and items:
        print(f"review: {len(items)} change(s) need attention", file=sys.stderr)
        return EXIT_ATTENTION
    return EXIT_OK
