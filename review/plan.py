"""Read a synthesized cdktf output directory into plain data that two versions can be compared on.

Layout (cdktf standard, see the team contract): ``DIR/stacks/<stack-id>/cdk.tf.json``. Every
top-level block of a stack becomes one addressable :class:`Block`; cdktf's ``"//"`` metadata
(construct paths, unique ids) is dropped everywhere, because it changes with refactorings that
do not change the plan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

METADATA_KEY = "//"

# The order blocks are listed in, inside a stack.
KIND_ORDER = ("resource", "data", "provider", "output", "variable", "module", "locals", "terraform")


class OutputDirError(Exception):
    """A directory that is not a readable cdktf output directory (the message says why)."""


@dataclass(frozen=True)
class Block:
    """One addressable top-level block of a stack, e.g. ``aws_s3_bucket.pii`` or ``provider.aws.eu``."""

    address: str
    kind: str
    type: str
    config: Any

    @property
    def provider_ref(self) -> str:
        """The provider block address this resource or data source is configured by.

        ``"provider": "aws.eu"`` selects ``provider.aws.eu``; without it Terraform uses the
        default (alias-less) configuration of the type's provider, ``provider.aws``.
        """
        explicit = self.config.get("provider") if isinstance(self.config, dict) else None
        if isinstance(explicit, str) and explicit:
            return f"provider.{explicit}"
        return f"provider.{self.type.split('_', 1)[0]}"


@dataclass(frozen=True)
class StackPlan:
    """The synthesized configuration of one stack."""

    stack_id: str
    blocks: dict[str, Block]
    # (from, to) pairs of cdktf ``move_to`` / Terraform ``moved`` blocks, indexes stripped.
    moved: tuple[tuple[str, str], ...] = ()

    @property
    def env(self) -> str:
        """The environment: the first segment of ``<env>-<cloud>-<region>-<component>``."""
        return env_of(self.stack_id)

    @property
    def resources(self) -> dict[str, Block]:
        return {a: b for a, b in self.blocks.items() if b.kind == "resource"}


def env_of(stack_id: str) -> str:
    return stack_id.split("-", 1)[0]


def strip_metadata(value: Any) -> Any:
    """Return ``value`` without cdktf's ``"//"`` keys, at any depth."""
    if isinstance(value, dict):
        return {k: strip_metadata(v) for k, v in value.items() if k != METADATA_KEY}
    if isinstance(value, list):
        return [strip_metadata(v) for v in value]
    return value


_INDEX_SUFFIX = re.compile(r"\[[^\]]*\]$")


def _plain_address(address: str) -> str:
    """``aws_s3_bucket.a[0]`` -> ``aws_s3_bucket.a``: moved blocks may point at instances."""
    return _INDEX_SUFFIX.sub("", address.strip())


def blocks_of(document: dict[str, Any]) -> tuple[dict[str, Block], tuple[tuple[str, str], ...]]:
    """Split a parsed ``cdk.tf.json`` into addressable blocks and moved pairs."""
    doc = strip_metadata(document)
    blocks: dict[str, Block] = {}

    def add(address: str, kind: str, type_: str, config: Any) -> None:
        blocks[address] = Block(address=address, kind=kind, type=type_, config=config)

    for key, section in sorted(doc.items()):
        if key == "resource":
            for type_, named in sorted(section.items()):
                for name, config in sorted(named.items()):
                    add(f"{type_}.{name}", "resource", type_, config)
        elif key == "data":
            for type_, named in sorted(section.items()):
                for name, config in sorted(named.items()):
                    add(f"data.{type_}.{name}", "data", type_, config)
        elif key == "provider":
            for name, configs in sorted(section.items()):
                for config in configs if isinstance(configs, list) else [configs]:
                    alias = config.get("alias") if isinstance(config, dict) else None
                    add(f"provider.{name}" + (f".{alias}" if alias else ""), "provider", name, config)
        elif key in ("output", "variable", "module"):
            for name, config in sorted(section.items()):
                add(f"{key}.{name}", key, "", config)
        elif key == "moved":
            continue
        else:  # terraform, locals, and anything newer: one block each
            add(key, key, "", section)

    moved = tuple(
        sorted(
            (_plain_address(m["from"]), _plain_address(m["to"]))
            for m in doc.get("moved", [])
            if isinstance(m, dict) and "from" in m and "to" in m
        )
    )
    return blocks, moved


def load_stack(stack_id: str, path: Path) -> StackPlan:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise OutputDirError(f"{path}: cannot read the synthesized stack: {exc}") from exc
    if not isinstance(document, dict):
        raise OutputDirError(f"{path}: expected a JSON object at the top level")
    blocks, moved = blocks_of(document)
    return StackPlan(stack_id=stack_id, blocks=blocks, moved=moved)


def load_output_dir(directory: Path) -> dict[str, StackPlan]:
    """Load every ``stacks/<stack-id>/cdk.tf.json`` below ``directory``, keyed by stack id.

    An existing ``stacks/`` folder without stacks is an empty plan (nothing synthesized yet);
    a directory without ``stacks/`` is an error, because it is most likely the wrong path.
    """
    directory = Path(directory)
    stacks_dir = directory / "stacks"
    if not stacks_dir.is_dir() and any(directory.glob("*.json")):
        return load_snapshot_dir(directory)
    if not stacks_dir.is_dir():
        raise OutputDirError(
            f"{directory}: not a cdktf output directory (expected {stacks_dir}/<stack-id>/cdk.tf.json); "
            "synthesize first (`make synth`) or pass the directory cdktf wrote to"
        )
    return {p.parent.name: load_stack(p.parent.name, p) for p in sorted(stacks_dir.glob("*/cdk.tf.json"))}


# The approved plan: the committed snapshot files (tests/snapshots/__snapshots__/test_snapshots/
# <stack-id>.json, one synthesized stack each, written by the snapshot test). syrupy owns that
# directory (it deletes any file it did not write), so it is recognised by its *.json files.


def load_snapshot_dir(directory: Path) -> dict[str, StackPlan]:
    """Load a directory of ``<stack-id>.json`` snapshot files, keyed by stack id."""
    return {p.stem: load_stack(p.stem, p) for p in sorted(Path(directory).glob("*.json"))}
