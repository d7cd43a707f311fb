"""Compare two synthesized plans: stacks, blocks, and the attribute-level changes of each block.

Attribute paths are the JSON paths of the synthesized configuration, joined with dots. cdktf
writes a single nested block as an object (``vpc_config.endpoint_public_access``) and repeated
blocks as lists (``taint.0.effect``). Lists of plain values (subnet ids, CIDRs) are compared as a
whole: ``public_access_cidrs: ["10.0.0.0/8"] -> ["10.0.0.0/8", "0.0.0.0/0"]`` reads better than
one line per index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from review.plan import KIND_ORDER, Block, StackPlan, env_of

if TYPE_CHECKING:
    from review.actions import Action  # review.actions imports this module

Segment = str | int
Path = tuple[Segment, ...]


class _Missing:
    """The value of an attribute that is not in the configuration at all."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


def _is_scalar_list(value: list[Any]) -> bool:
    return not any(isinstance(v, (dict, list)) for v in value)


def flatten(value: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Map every leaf of ``value`` to its path. Empty objects and plain lists are leaves."""
    if isinstance(value, dict) and value:
        out: dict[Path, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, prefix + (key,)))
        return out
    if isinstance(value, list) and value and not _is_scalar_list(value):
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, prefix + (index,)))
        return out
    return {prefix: value}


def path_sort_key(path: Path) -> tuple[tuple[int, int, str], ...]:
    # Numbers before names and in numeric order, so `taint.10` follows `taint.9`.
    return tuple((0, s, "") if isinstance(s, int) else (1, 0, s) for s in path)


def dotted(path: Path) -> str:
    """``("tags", "kubernetes.io/role")`` -> ``tags["kubernetes.io/role"]``; plain names join with dots."""
    if not path:
        return "(value)"
    out = ""
    for segment in path:
        text = str(segment)
        if isinstance(segment, str) and (not text or any(c in text for c in '."[] ')):
            out += f'["{text}"]'
        else:
            out += ("." if out else "") + text
    return out


def canonical(path: Path) -> tuple[str, ...]:
    """The path without list indexes, for matching rules: ``node_pool.0.name`` -> ``node_pool.name``."""
    return tuple(s for s in path if isinstance(s, str))


def get_path(value: Any, path: Iterable[Segment]) -> Any:
    """The value at ``path`` in ``value``, or ``MISSING``. Indexes may be left out for one-item lists."""
    current: Any = value
    for segment in path:
        if isinstance(current, list) and isinstance(segment, str):
            if len(current) != 1:
                return MISSING
            current = current[0]
        if isinstance(current, dict) and isinstance(segment, str) and segment in current:
            current = current[segment]
            continue
        if isinstance(current, list) and isinstance(segment, int) and 0 <= segment < len(current):
            current = current[segment]
            continue
        return MISSING
    return current


@dataclass(frozen=True)
class AttrChange:
    path: Path
    before: Any
    after: Any

    @property
    def dotted(self) -> str:
        return dotted(self.path)

    @property
    def canonical(self) -> tuple[str, ...]:
        return canonical(self.path)


def attribute_changes(before: Any, after: Any) -> tuple[AttrChange, ...]:
    """Leaf-level differences between two block configurations, sorted by path."""
    flat_before, flat_after = flatten(before), flatten(after)
    paths = sorted(set(flat_before) | set(flat_after), key=path_sort_key)
    return tuple(
        AttrChange(p, flat_before.get(p, MISSING), flat_after.get(p, MISSING))
        for p in paths
        if flat_before.get(p, MISSING) != flat_after.get(p, MISSING)
        or type(flat_before.get(p, MISSING)) is not type(flat_after.get(p, MISSING))
    )


@dataclass(frozen=True)
class BlockChange:
    """One block that differs between base and head."""

    action: str  # "added" | "removed" | "changed" | "moved"
    address: str
    before: Block | None
    after: Block | None
    changes: tuple[AttrChange, ...] = ()
    moved_from: str | None = None

    @property
    def block(self) -> Block:
        """The head's block, or the base's for a removed one (a change has at least one)."""
        block = self.after or self.before
        if block is None:
            raise ValueError(f"{self.address}: a change with neither a base nor a head block")
        return block

    @property
    def kind(self) -> str:
        return self.block.kind

    @property
    def type(self) -> str:
        return self.block.type


def block_sort_key(change: BlockChange) -> tuple[int, str]:
    kind_rank = KIND_ORDER.index(change.kind) if change.kind in KIND_ORDER else len(KIND_ORDER)
    return (kind_rank, change.address)


@dataclass(frozen=True)
class StackDiff:
    stack_id: str
    status: str  # "added" | "removed" | "changed" | "unchanged"
    base: StackPlan | None
    head: StackPlan | None
    blocks: tuple[BlockChange, ...] = ()
    # From a real plan (terraform show -json): address -> review.actions.Action, used as it is.
    planned: dict[str, Action] | None = None

    @property
    def env(self) -> str:
        return env_of(self.stack_id)

    def by_action(self, action: str, kind: str | None = None) -> list[BlockChange]:
        return [b for b in self.blocks if b.action == action and (kind is None or b.kind == kind)]


def diff_blocks(base: StackPlan | None, head: StackPlan | None) -> tuple[BlockChange, ...]:
    before = base.blocks if base else {}
    after = head.blocks if head else {}
    removed = set(before) - set(after)
    added = set(after) - set(before)
    changes: list[BlockChange] = []

    # A cdktf `move_to` keeps the real resource: pair its old and new address instead of
    # reporting a removal and an addition.
    for source, target in head.moved if head else ():
        if source in removed and target in added:
            removed.discard(source)
            added.discard(target)
            changes.append(
                BlockChange(
                    action="moved",
                    address=target,
                    before=before[source],
                    after=after[target],
                    changes=attribute_changes(before[source].config, after[target].config),
                    moved_from=source,
                )
            )
    for address in removed:
        changes.append(BlockChange("removed", address, before[address], None))
    for address in added:
        changes.append(BlockChange("added", address, None, after[address]))
    for address in set(before) & set(after):
        attrs = attribute_changes(before[address].config, after[address].config)
        if attrs:
            changes.append(BlockChange("changed", address, before[address], after[address], attrs))
    return tuple(sorted(changes, key=block_sort_key))


def diff_plans(base: dict[str, StackPlan], head: dict[str, StackPlan]) -> tuple[StackDiff, ...]:
    """Every stack of either side, sorted by id, with its block-level changes."""
    result = []
    for stack_id in sorted(set(base) | set(head)):
        b, h = base.get(stack_id), head.get(stack_id)
        blocks = diff_blocks(b, h)
        if b is None:
            status = "added"
        elif h is None:
            status = "removed"
        else:
            status = "changed" if blocks else "unchanged"
        result.append(StackDiff(stack_id, status, b, h, blocks))
    return tuple(result)


@dataclass
class Counts:
    """Totals for the summary line."""

    stacks: dict[str, int] = field(default_factory=dict)
    resources: dict[str, int] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, stacks: Iterable[StackDiff]) -> Counts:
        counts = cls()
        for stack in stacks:
            counts.stacks[stack.status] = counts.stacks.get(stack.status, 0) + 1
            for change in stack.blocks:
                bucket = counts.resources if change.kind == "resource" else counts.other
                bucket[change.action] = bucket.get(change.action, 0) + 1
        return counts
