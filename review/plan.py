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
    # Reasons recorded next to the resource for a secure default turned off (cdktf "//" metadata
    # keys ending in ``_reason``, e.g. ``deletion_protection_reason``): shown next to the change.
    recorded: tuple[tuple[str, str], ...] = ()

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


def recorded_reasons(config: Any) -> tuple[tuple[str, str], ...]:
    """``(key, text)`` of the ``*_reason`` entries in a block's ``"//"`` metadata."""
    meta = config.get(METADATA_KEY) if isinstance(config, dict) else None
    if not isinstance(meta, dict):
        return ()
    return tuple(sorted((k, str(v)) for k, v in meta.items() if k.endswith("_reason") and v))


def blocks_of(document: dict[str, Any]) -> tuple[dict[str, Block], tuple[tuple[str, str], ...]]:
    """Split a parsed ``cdk.tf.json`` into addressable blocks and moved pairs."""
    raw_resources = document.get("resource", {}) if isinstance(document, dict) else {}
    doc = strip_metadata(document)
    blocks: dict[str, Block] = {}

    def add(address: str, kind: str, type_: str, config: Any) -> None:
        recorded: tuple[tuple[str, str], ...] = ()
        if kind == "resource":
            recorded = recorded_reasons(raw_resources.get(type_, {}).get(address.split(".", 1)[1]))
        blocks[address] = Block(address=address, kind=kind, type=type_, config=config, recorded=recorded)

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
    if not directory.is_dir():
        raise OutputDirError(
            f"{directory}: no such directory; synthesize first (`make synth-only`) or fix the path"
        )
    if (directory / "cdk.tf.json").is_file():
        raise OutputDirError(
            f"{directory}: this is ONE stack's folder, not a synth output; pass the folder above "
            f"`stacks/` (e.g. {directory.parent.parent}) so every stack is compared"
        )
    if not stacks_dir.is_dir() and any(directory.glob("*.json")):
        return load_snapshot_dir(directory)
    if not stacks_dir.is_dir():
        raise OutputDirError(
            f"{directory}: not a cdktf output directory (expected {stacks_dir}/<stack-id>/cdk.tf.json); "
            "synthesize first (`make synth-only`) or pass the directory cdktf wrote to"
        )
    found = {p.parent.name: p for p in sorted(stacks_dir.glob("*/cdk.tf.json"))}
    strays = sorted(p.name for p in stacks_dir.iterdir() if p.is_dir() and p.name not in found)
    if strays and not found:
        raise OutputDirError(
            f"{directory}: {stacks_dir} holds no <stack-id>/cdk.tf.json (found {', '.join(strays[:3])}); "
            "not a cdktf synth output"
        )
    _check_stack_ids(directory, list(found))
    return {sid: load_stack(sid, p) for sid, p in found.items()}


# The approved plan: the committed snapshot files (tests/snapshots/__snapshots__/test_snapshots/
# <stack-id>.json, one synthesized stack each, written by the snapshot test). syrupy owns that
# directory (it deletes any file it did not write), so it is recognised by its *.json files.


ENVIRONMENTS = ("prod", "staging", "dev")
_STACK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")


def _check_stack_ids(directory: Path, ids: list[str]) -> None:
    bad = [i for i in ids if not _STACK_ID.match(i)]
    if bad:
        raise OutputDirError(
            f"{directory}: {', '.join(bad[:3])} do not look like stack ids (<env>-<cloud>-<region>-<component>); "
            "pass a cdktf output directory or the snapshot folder tests/snapshots/__snapshots__/test_snapshots"
        )


def load_snapshot_dir(directory: Path) -> dict[str, StackPlan]:
    """Load a directory of ``<stack-id>.json`` snapshot files, keyed by stack id."""
    files = sorted(Path(directory).glob("*.json"))
    _check_stack_ids(Path(directory), [p.stem for p in files])
    plans = {p.stem: load_stack(p.stem, p) for p in files}
    for sid, plan in plans.items():
        if not any(b.kind in ("resource", "terraform", "provider") for b in plan.blocks.values()):
            raise OutputDirError(
                f"{directory}/{sid}.json: not a synthesized stack (no resource/provider/terraform block)"
            )
    return plans
