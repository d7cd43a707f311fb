"""Which changes make Terraform destroy and recreate a resource, from the providers' own schemas.

The table is ``review/force_new.json``: for every resource type this project emits, the arguments
the provider marks ``ForceNew: true`` (SDKv2) or ``RequiresReplace`` (plugin framework), read from
the provider source at the pinned tags by ``review/tools/extract_force_new.py``; each entry names
the file it came from. ``tests/review/test_replacement.py`` fails when the synthesized plan emits
a type the table lacks.

Three verdicts, the same words the report uses:

- ``replace``: a ForceNew argument (or something below it) changed;
- ``may replace``: the type is not verified (``force_new: null``), a ForceNew argument was removed
  (Optional+Computed arguments keep their value), or a conditional replacement applies;
- ``update``: only arguments the provider updates in place changed.

References are followed (:func:`knock_on`): when a resource is replaced, every value it exports
is unknown until apply, so a resource whose ForceNew argument references it is replaced too, and
so on. That is how a replaced VPC leads to its subnets and cluster.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from review.diff import MISSING, AttrChange, flatten

TABLE_FILE = Path(__file__).with_name("force_new.json")

# Attributes that never replace anything: tags and labels are updated in place on every cloud.
IN_PLACE = frozenset(
    {"tags", "tags_all", "labels", "resource_labels", "default_labels", "depends_on", "lifecycle"}
)

REPLACE, MAY_REPLACE, UPDATE = "replace", "may replace", "update"


@cache
def table() -> dict[str, dict[str, Any]]:
    types: dict[str, dict[str, Any]] = json.loads(TABLE_FILE.read_text(encoding="utf-8"))["types"]
    return types


def force_new_of(resource_type: str) -> tuple[str, ...] | None:
    """The ForceNew paths of a type; None when the type is unknown or not verified."""
    entry = table().get(resource_type)
    if entry is None or entry.get("force_new") is None:
        return None
    return tuple(entry["force_new"])


def source_of(resource_type: str) -> str | None:
    entry = table().get(resource_type)
    return entry.get("source") if entry else None


def matches(change_path: tuple[str, ...], rule_path: tuple[str, ...]) -> bool:
    """True if the change touches the rule's attribute: the attribute itself, something below
    it, or a parent leaf that contains it (a whole block written as one value)."""
    n = min(len(change_path), len(rule_path))
    return n > 0 and change_path[:n] == rule_path[:n]


def _exempt(resource_type: str, change: AttrChange) -> bool:
    # Upgrading a general-purpose v1 account to v2 happens in place (azurerm docs).
    return (
        resource_type == "azurerm_storage_account"
        and change.canonical == ("account_kind",)
        and change.before == "Storage"
        and change.after == "StorageV2"
    )


def _verb(change: AttrChange) -> str:
    if change.before is MISSING:
        return "set"
    if change.after is MISSING:
        return "removed"
    return "changed"


@dataclass
class Verdict:
    action: str  # REPLACE | MAY_REPLACE | UPDATE
    reasons: list[str] = field(default_factory=list)


def verdict(resource_type: str, changes: tuple[AttrChange, ...]) -> Verdict:
    """What Terraform does with one changed resource, and why."""
    relevant = [c for c in changes if c.canonical[:1] and c.canonical[0] not in IN_PLACE]
    if not relevant:
        return Verdict(UPDATE)
    rules = force_new_of(resource_type)
    if rules is None:
        names = ", ".join(f"`{c.dotted}`" for c in relevant[:3]) + (" …" if len(relevant) > 3 else "")
        return Verdict(
            MAY_REPLACE, [f"{names} changed; `{resource_type}` is not in the verified ForceNew table"]
        )
    strong: list[str] = []
    weak: list[str] = []
    seen: set[str] = set()
    for change in relevant:
        if _exempt(resource_type, change):
            continue
        for rule in rules:
            if matches(change.canonical, tuple(rule.split("."))) and rule not in seen:
                seen.add(rule)
                if change.after is MISSING:
                    weak.append(
                        f"`{change.dotted}` removed (ForceNew `{rule}`; kept if the provider computes it)"
                    )
                else:
                    strong.append(f"`{change.dotted}` {_verb(change)} (ForceNew `{rule}`)")
                break
    strong += _conditional_replacements(resource_type, changes)
    if strong:
        return Verdict(REPLACE, strong + weak)
    if weak:
        return Verdict(MAY_REPLACE, weak)
    return Verdict(UPDATE)


def _conditional_replacements(resource_type: str, changes: tuple[AttrChange, ...]) -> list[str]:
    """Replacements the providers decide in a CustomizeDiff, not in the schema."""
    out: list[str] = []
    canon = {c.canonical[:1] for c in changes}
    if resource_type == "aws_eks_cluster" and ("encryption_config",) in canon:
        # "You cannot disable envelope encryption after enabling it" -> ForceNewIfChange.
        gone = all(c.after is MISSING for c in changes if c.canonical[:1] == ("encryption_config",))
        if gone:
            out.append("`encryption_config` removed (EKS cannot turn envelope encryption off)")
    if resource_type == "google_container_cluster":
        for flag in ("enable_l4_ilb_subsetting", "enable_fqdn_network_policy"):
            for c in changes:
                if c.canonical == (flag,) and c.before is True and c.after is not True:
                    out.append(f"`{flag}` turned off (forces replacement once enabled)")
    return out


# AKS node pools are not replaced as Terraform resources when these change, but the provider
# cycles them through `temporary_name_for_rotation`: every node is recreated, without cordon
# and drain (azurerm_kubernetes_cluster_node_pool docs, 4.x).
_AKS_ROTATION = (
    "fips_enabled",
    "host_encryption_enabled",
    "kubelet_config",
    "kubelet_disk_type",
    "linux_os_config",
    "max_pods",
    "node_public_ip_enabled",
    "os_disk_size_gb",
    "os_disk_type",
    "pod_subnet_id",
    "snapshot_id",
    "ultra_ssd_enabled",
    "vm_size",
    "vnet_subnet_id",
    "zones",
)
CYCLES_NODES: dict[str, tuple[str, ...]] = {
    "azurerm_kubernetes_cluster_node_pool": _AKS_ROTATION,
    "azurerm_kubernetes_cluster": tuple(f"default_node_pool.{a}" for a in ("name", *_AKS_ROTATION)),
}


def node_rotations(resource_type: str, changes: tuple[AttrChange, ...]) -> list[str]:
    """Attributes whose change recreates every node of an AKS node pool."""
    found = []
    for change in changes:
        for rule in CYCLES_NODES.get(resource_type, ()):
            if matches(change.canonical, tuple(rule.split("."))):
                found.append(f"`{change.dotted}`")
                break
    return found


# --- references ---------------------------------------------------------------------------------

_REF = re.compile(r"\$\{([^}]*)\}")
_ADDR = re.compile(r"\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\b")


def references(value: Any) -> set[str]:
    """Addresses (``type.name`` / ``data.type.name``) referenced by ``${...}`` in ``value``."""
    found: set[str] = set()
    if isinstance(value, str):
        for expr in _REF.findall(value):
            found.update(_ADDR.findall(expr))
    elif isinstance(value, dict):
        for v in value.values():
            found |= references(v)
    elif isinstance(value, list):
        for v in value:
            found |= references(v)
    return found


def knock_on(resources: dict[str, tuple[str, Any]], replaced: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Resources replaced because a ForceNew argument references a replaced resource.

    ``resources``: address -> (type, head configuration); ``replaced``: address -> why. Returns
    address -> (verdict, cause) for the knock-on ones, following chains to a fixed point.
    Unverified types: a reference from any argument gives "may replace".
    """
    found: dict[str, tuple[str, str]] = {}
    frontier = dict(replaced)
    while frontier:
        next_frontier: dict[str, str] = {}
        for address, (rtype, config) in sorted(resources.items()):
            if address in replaced or address in found or not isinstance(config, dict):
                continue
            rules = force_new_of(rtype)
            for path, leaf in flatten(config).items():
                canon = tuple(s for s in path if isinstance(s, str))
                if not canon or canon[0] in IN_PLACE:
                    continue
                hit = references(leaf) & set(frontier)
                if not hit:
                    continue
                source = sorted(hit)[0]
                arg = ".".join(canon)
                if rules is None:
                    found[address] = (MAY_REPLACE, f"`{arg}` references `{source}`, which is replaced")
                elif any(matches(canon, tuple(r.split("."))) for r in rules):
                    found[address] = (REPLACE, f"ForceNew `{arg}` references `{source}`, which is replaced")
                else:
                    continue
                if found[address][0] == REPLACE:
                    next_frontier[address] = found[address][1]
                break
        frontier = next_frontier
    return found
