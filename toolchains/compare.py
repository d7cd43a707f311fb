"""Compare the same app synthesized by two toolchains (cdktf and CDK Terrain), stack by stack.

    python -m toolchains.compare cdktf.out cdktn.out --output toolchain-report.md

Each side is a synth output folder (`<dir>/stacks/<stack id>/cdk.tf.json`). Before comparing,
`normalize()` removes what is expected to differ between toolchains and says nothing about
the infrastructure:

- every `//` key (cdktf's metadata: tool version, construct paths, stack traces);
- `terraform.required_providers.<p>.version` (each toolchain pins its own provider versions;
  the pins are listed once, side by side, at the top of the report);
- the spelling of a provider source without a namespace: cdktf's aws and google bindings write
  `"aws"`, cdktn's `"hashicorp/aws"`. Terraform reads both as the same provider
  (hashicorp/terraform internal/addrs/provider.go, ParseProviderSourceString: "if
  !ret.HasKnownNamespace() { ret.Namespace = "hashicorp" }"), so a bare source is compared as
  `hashicorp/<type>`; any other source difference is reported.

Everything else is compared as it is: a resource or data source present on one side only, an
argument (a path such as `node_pool[0].autoscaling.max_count`) added, removed or changed. Where a
difference has a known provider cause, the report gives the provider CHANGELOG entry
(toolchains/provider_changes.py). If the cdktn synth recorded arguments the newer bindings do
not accept (`<cdktn dir>/toolchain.json`, see stacks/toolchain.py), those come first: that plan
lacks them and is a measurement, not a plan to apply.

Exit status 0 whether or not there are differences (the CI job is informational); 2 on bad input.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolchains.provider_changes import reason_for

# Top-level blocks of a cdk.tf.json whose entries are keyed <type>.<name>.
TYPED_BLOCKS = ("resource", "data")
# Top-level blocks keyed by name.
NAMED_BLOCKS = ("provider", "output", "variable", "locals", "module", "moved", "import", "check")

_MISSING = object()


def _strip_comments(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_comments(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [_strip_comments(v) for v in value]
    return value


def normalize(plan: dict) -> dict:
    """A copy of a cdk.tf.json without what differs by toolchain alone (see the module doc)."""
    out = _strip_comments(copy.deepcopy(plan))
    providers = out.get("terraform", {}).get("required_providers", {})
    for spec in providers.values():
        if isinstance(spec, dict):
            spec.pop("version", None)
            source = spec.get("source")
            if isinstance(source, str) and "/" not in source:
                spec["source"] = f"hashicorp/{source}"
    return out


def provider_pins(plan: dict) -> dict[str, str]:
    """`required_providers` version constraints: {'aws': '6.25.0', ...}."""
    providers = plan.get("terraform", {}).get("required_providers", {})
    return {name: spec.get("version", "") for name, spec in providers.items() if isinstance(spec, dict)}


@dataclass(frozen=True)
class ArgDiff:
    path: str  # argument path inside the block: `tags.env`, `node_pool[0].max_count`
    old: Any  # _MISSING when added
    new: Any  # _MISSING when removed

    @property
    def kind(self) -> str:
        if self.old is _MISSING:
            return "added"
        if self.new is _MISSING:
            return "removed"
        return "changed"


def diff_values(old: Any, new: Any, path: str = "") -> Iterator[ArgDiff]:
    """Leaf-level differences between two JSON values."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            sub = f"{path}.{key}" if path else key
            if key not in old:
                yield ArgDiff(sub, _MISSING, new[key])
            elif key not in new:
                yield ArgDiff(sub, old[key], _MISSING)
            else:
                yield from diff_values(old[key], new[key], sub)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            yield from diff_values(a, b, f"{path}[{i}]")
    elif old != new:
        yield ArgDiff(path, old, new)


@dataclass
class BlockDiff:
    address: str  # `resource.aws_eks_cluster.cluster`, `provider.aws`
    block_type: str  # terraform type (`aws_eks_cluster`) or the block kind (`provider`)
    only_in: str | None = None  # "cdktf" / "cdktn" when present on one side only
    args: list[ArgDiff] = field(default_factory=list)


@dataclass
class StackDiff:
    stack: str
    only_in: str | None = None
    blocks: list[BlockDiff] = field(default_factory=list)
    resources_old: int = 0
    resources_new: int = 0

    @property
    def identical(self) -> bool:
        return self.only_in is None and not self.blocks


def _entries(plan: dict) -> dict[str, tuple[str, Any]]:
    """address -> (type, body) for every block entry of a normalized plan."""
    out: dict[str, tuple[str, Any]] = {}
    for kind in TYPED_BLOCKS:
        for rtype, items in plan.get(kind, {}).items():
            for name, body in items.items():
                out[f"{kind}.{rtype}.{name}"] = (rtype, body)
    for kind in NAMED_BLOCKS:
        block = plan.get(kind)
        if isinstance(block, dict):
            for name, body in block.items():
                out[f"{kind}.{name}"] = (kind, body)
        elif block is not None:
            out[kind] = (kind, block)
    if "terraform" in plan:
        out["terraform"] = ("terraform", plan["terraform"])
    return out


def _count_resources(plan: dict) -> int:
    return sum(len(items) for items in plan.get("resource", {}).values())


def diff_stack(stack: str, old_plan: dict, new_plan: dict, names: tuple[str, str]) -> StackDiff:
    old, new = normalize(old_plan), normalize(new_plan)
    result = StackDiff(stack, resources_old=_count_resources(old), resources_new=_count_resources(new))
    a, b = _entries(old), _entries(new)
    for address in sorted(set(a) | set(b)):
        if address not in b:
            result.blocks.append(BlockDiff(address, a[address][0], only_in=names[0]))
        elif address not in a:
            result.blocks.append(BlockDiff(address, b[address][0], only_in=names[1]))
        else:
            args = list(diff_values(a[address][1], b[address][1]))
            if args:
                result.blocks.append(BlockDiff(address, a[address][0], args=args))
    return result


def _stacks(folder: Path) -> dict[str, Path]:
    root = folder / "stacks"
    if not root.is_dir():
        raise FileNotFoundError(f"{folder}: no stacks/ folder; synthesize first (make synth-only)")
    return {p.parent.name: p for p in sorted(root.glob("*/cdk.tf.json"))}


def compare(old_dir: Path, new_dir: Path, names: tuple[str, str] = ("cdktf", "cdktn")) -> list[StackDiff]:
    old, new = _stacks(old_dir), _stacks(new_dir)
    out = []
    for stack in sorted(set(old) | set(new)):
        if stack not in new:
            out.append(StackDiff(stack, only_in=names[0]))
        elif stack not in old:
            out.append(StackDiff(stack, only_in=names[1]))
        else:
            out.append(
                diff_stack(
                    stack,
                    json.loads(old[stack].read_text(encoding="utf-8")),
                    json.loads(new[stack].read_text(encoding="utf-8")),
                    names,
                )
            )
    return out


# ---- the Markdown report ------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is _MISSING:
        return "—"
    text = json.dumps(value, sort_keys=True)
    text = text if len(text) <= 80 else text[:77] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def _top_argument(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def _reason(block_type: str, path: str) -> str:
    found = reason_for(block_type, _top_argument(path))
    return f"{found.text} ([changelog]({found.url}))" if found else ""


@dataclass
class Summary:
    stacks: int
    identical: int
    with_differences: int
    only_old: int
    only_new: int
    blocks_only_old: int
    blocks_only_new: int
    blocks_changed: int
    arguments: dict[str, int]  # added / removed / changed
    explained: int  # argument differences with a known provider reason


def summarize(diffs: list[StackDiff]) -> Summary:
    args = {"added": 0, "removed": 0, "changed": 0}
    explained = 0
    blocks_old = blocks_new = changed = 0
    for d in diffs:
        for b in d.blocks:
            if b.only_in is not None:
                blocks_old += b.only_in == "cdktf"
                blocks_new += b.only_in != "cdktf"
                continue
            changed += 1
            for a in b.args:
                args[a.kind] += 1
                explained += bool(_reason(b.block_type, a.path))
    return Summary(
        stacks=len(diffs),
        identical=sum(d.identical for d in diffs),
        with_differences=sum(not d.identical and d.only_in is None for d in diffs),
        only_old=sum(d.only_in == "cdktf" for d in diffs),
        only_new=sum(d.only_in not in (None, "cdktf") for d in diffs),
        blocks_only_old=blocks_old,
        blocks_only_new=blocks_new,
        blocks_changed=changed,
        arguments=args,
        explained=explained,
    )


def _pins(folder: Path) -> dict[str, str]:
    pins: dict[str, str] = {}
    for path in _stacks(folder).values():
        pins.update(provider_pins(json.loads(path.read_text(encoding="utf-8"))))
    return pins


def _tool_version(folder: Path) -> str:
    for path in _stacks(folder).values():
        meta = json.loads(path.read_text(encoding="utf-8")).get("//", {}).get("metadata", {})
        if "version" in meta:
            return str(meta["version"])
    return "?"


def _recorded(folder: Path) -> dict:
    path = folder / "toolchain.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _terraform_type(module: str) -> str:
    """`cdktn_provider_azurerm.subnet` -> `azurerm_subnet` (the binding names modules so)."""
    package, _, sub = module.partition(".")
    provider = package.rsplit("_provider_", 1)[-1]
    sub = sub.split(".")[0]
    if sub.startswith(f"data_{provider}_"):
        return sub[len("data_") :]
    return f"{provider}_{sub}"


def render(old_dir: Path, new_dir: Path, diffs: list[StackDiff], max_rows_per_stack: int = 60) -> str:
    s = summarize(diffs)
    recorded = _recorded(new_dir)
    lines = [
        "# Toolchain comparison: cdktf vs CDK Terrain (cdktn)",
        "",
        f"`{old_dir}` (cdktf {_tool_version(old_dir)}) against `{new_dir}` "
        f"(cdktn {_tool_version(new_dir)}), normalized: `//` metadata and "
        "`required_providers.*.version` removed, a bare provider source `aws` read as Terraform "
        "reads it, `hashicorp/aws` (toolchains/compare.py).",
        "",
        "## Summary",
        "",
        f"- stacks: {s.stacks}; identical after normalization: {s.identical}; with differences: "
        f"{s.with_differences}; only in cdktf: {s.only_old}; only in cdktn: {s.only_new}",
        f"- blocks (resources, data sources, providers, outputs) only in cdktf: {s.blocks_only_old}; "
        f"only in cdktn: {s.blocks_only_new}; present in both with different arguments: {s.blocks_changed}",
        f"- argument differences: {s.arguments['added']} added, {s.arguments['removed']} removed, "
        f"{s.arguments['changed']} changed; {s.explained} of them with a provider changelog reason",
        "",
        "## Provider pins",
        "",
        "| provider | cdktf | cdktn |",
        "|---|---|---|",
    ]
    old_pins, new_pins = _pins(old_dir), _pins(new_dir)
    for name in sorted(set(old_pins) | set(new_pins)):
        lines.append(f"| {name} | {old_pins.get(name, '—')} | {new_pins.get(name, '—')} |")
    if recorded.get("packages"):
        lines += ["", "cdktn packages: " + ", ".join(f"{k} {v}" for k, v in recorded["packages"].items())]
    found = recorded.get("dropped_arguments", [])
    lines += ["", "## Arguments the cdktn bindings refused (recorded by the synth, not in its plan)", ""]
    if not found:
        lines.append("None recorded." if recorded else "No `toolchain.json` in the cdktn output.")
    else:
        lines += [
            "The app passes these; the newer binding does not accept them (`dropped`: left out of "
            "the cdktn plan) or requires a block the app does not pass (`required`: an empty block "
            "was passed). Each needs a code change before the move.",
            "",
            "| resource | class | argument | kind | count | first construct path | provider reason |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in found:
            rtype = _terraform_type(f["module"])
            first = f["paths"][0] if f["paths"] and f["paths"][0] else "(block)"
            lines.append(
                f"| `{rtype}` | `{f['class']}` | `{f['argument']}` | {f['kind']} | {f['count']} | "
                f"`{first}` | {_reason(rtype, f['argument'])} |"
            )
    lines += ["", "## Per stack", ""]
    lines += ["| stack | resources cdktf | resources cdktn | blocks differing |", "|---|---|---|---|"]
    for d in diffs:
        state = (d.only_in and f"only in {d.only_in}") or (len(d.blocks) or "identical")
        lines.append(f"| {d.stack} | {d.resources_old} | {d.resources_new} | {state} |")
    for d in diffs:
        if d.identical or d.only_in:
            continue
        lines += ["", f"### {d.stack}", ""]
        rows = 0
        for b in d.blocks:
            if b.only_in:
                lines.append(f"- `{b.address}`: only in {b.only_in}")
                rows += 1
                continue
            lines.append(f"- `{b.address}`")
            for a in b.args:
                if rows >= max_rows_per_stack:
                    break
                reason = _reason(b.block_type, a.path)
                lines.append(
                    f"  - `{a.path}` {a.kind}: {_show(a.old)} → {_show(a.new)}"
                    + (f" — {reason}" if reason else "")
                )
                rows += 1
            if rows >= max_rows_per_stack:
                more = sum(len(x.args) or 1 for x in d.blocks) - rows
                lines.append(f"- … {more} more differences in this stack (limit {max_rows_per_stack})")
                break
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m toolchains.compare", description=__doc__.splitlines()[0])
    parser.add_argument("old", type=Path, help="cdktf synth output (cdktf.out)")
    parser.add_argument("new", type=Path, help="cdktn synth output (cdktn.out)")
    parser.add_argument("--output", type=Path, default=Path("toolchain-report.md"))
    args = parser.parse_args(argv)
    try:
        diffs = compare(args.old, args.new)
    except (FileNotFoundError, json.JSONDecodeError) as exc:
        print(f"compare: {exc}", file=sys.stderr)
        return 2
    args.output.write_text(render(args.old, args.new, diffs), encoding="utf-8")
    s = summarize(diffs)
    print(
        f"{args.output}: {s.stacks} stacks, {s.identical} identical, {s.with_differences} with differences, "
        f"{sum(s.arguments.values())} argument differences ({s.explained} explained)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
