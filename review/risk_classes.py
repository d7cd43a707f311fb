"""Data protection, residency and availability rules that need more than one attribute at a time.

Single-attribute rules (a flag turned off, a number lowered) are the ``VALUE_RULES`` table in
:mod:`review.risk`; the rules here compare whole blocks: lifecycle expirations keyed by rule,
replication destinations resolved through references to a jurisdiction, load-balancer pools, and
Kubernetes versions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from review.diff import MISSING, BlockChange, StackDiff, flatten
from review.plan import Block, StackPlan
from review.replacement import references

Add = Callable[..., None]
RESIDENCY_FILE = Path(__file__).resolve().parent.parent / "policies" / "residency.yaml"


# --- jurisdictions ------------------------------------------------------------------------------


@cache
def jurisdiction_map() -> dict[str, str]:
    """region/location/cloudflare region (lower case) -> jurisdiction, from policies/residency.yaml."""
    import yaml  # the project's own dependency (pydantic models read YAML too)

    doc = yaml.safe_load(RESIDENCY_FILE.read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for juris, clouds in doc["jurisdictions"].items():
        for regions in clouds.values():
            for region in regions:
                out[str(region).lower()] = juris
    return out


def jurisdiction_of(location: Any) -> str | None:
    if not isinstance(location, str):
        return None
    return jurisdiction_map().get(location.lower())


def location_of(block: Block, plan: StackPlan) -> Any:
    """A resource's own location/region argument, else its provider's region."""
    cfg = block.config if isinstance(block.config, dict) else {}
    for key in ("location", "region"):
        if isinstance(cfg.get(key), str):
            return cfg[key]
    provider = plan.blocks.get(block.provider_ref)
    if provider is not None and isinstance(provider.config, dict):
        for key in ("region", "location"):
            if isinstance(provider.config.get(key), str):
                return provider.config[key]
    return MISSING


def _tag(block: Block | None, key: str) -> Any:
    if block is None or not isinstance(block.config, dict):
        return MISSING
    for container in ("tags", "labels"):
        tags = block.config.get(container)
        if isinstance(tags, dict) and key in tags:
            return tags[key]
    return MISSING


def _referenced(value: Any, plan: StackPlan) -> list[Block]:
    return [plan.blocks[a] for a in sorted(references(value)) if a in plan.blocks]


# --- data protection: lifecycle expiration -----------------------------------------------------


def _expirations(block: Block | None) -> dict[str, float]:
    """rule key -> days after which objects (or versions) are deleted."""
    if block is None or not isinstance(block.config, dict):
        return {}
    out: dict[str, float] = {}
    cfg = block.config
    if block.type == "aws_s3_bucket_lifecycle_configuration":
        for rule in cfg.get("rule", []) or []:
            if not isinstance(rule, dict) or rule.get("status") == "Disabled":
                continue
            rid = rule.get("id", "?")
            for kind, key in (("expiration", "days"), ("noncurrent_version_expiration", "noncurrent_days")):
                for item in rule.get(kind, []) if isinstance(rule.get(kind), list) else [rule.get(kind)]:
                    if isinstance(item, dict) and isinstance(item.get(key), (int, float)):
                        out[f"rule {rid}: {kind}.{key}"] = item[key]
    elif block.type == "google_storage_bucket":
        for rule in cfg.get("lifecycle_rule", []) or []:
            if isinstance(rule, dict) and (rule.get("action") or {}).get("type") == "Delete":
                cond = dict(rule.get("condition") or {})
                days = cond.pop("age", None)
                if days is None:
                    days = cond.pop("days_since_noncurrent_time", None)
                key = "lifecycle_rule Delete " + ",".join(f"{k}={v}" for k, v in sorted(cond.items()))
                out[key] = days if isinstance(days, (int, float)) else 0
    elif block.type == "azurerm_storage_management_policy":
        for rule in cfg.get("rule", []) or []:
            if not isinstance(rule, dict) or rule.get("enabled") is False:
                continue
            for path, value in flatten(rule.get("actions", {})).items():
                if path and str(path[-1]).startswith("delete_after") and isinstance(value, (int, float)):
                    out[f"rule {rule.get('name', '?')}: {'.'.join(map(str, path))}"] = value
    return out


def _on_existing_storage(change: BlockChange, stack: StackDiff) -> bool:
    """An added lifecycle resource that governs a bucket/account which already existed."""
    if stack.base is None or stack.head is None or change.after is None:
        return False
    targets = [b for b in _referenced(change.after.config, stack.head) if b.type in STORAGE]
    return any(t.address in stack.base.blocks for t in targets)


def check_expiration(stack: StackDiff, add: Add) -> None:
    for change in stack.blocks:
        if change.kind != "resource" or change.action == "removed":
            continue
        before, after = _expirations(change.before), _expirations(change.after)
        for key, days in sorted(after.items()):
            if key not in before:
                if change.action == "added" and not _on_existing_storage(change, stack):
                    continue  # the lifecycle of a new bucket is its design, not a change to kept data
                add(
                    change.address,
                    "data protection",
                    f"lifecycle expiration added: {key} = {days} days",
                    rule="lifecycle expiration added",
                )
            elif days < before[key]:
                add(
                    change.address,
                    "data protection",
                    f"lifecycle expiration shortened: {key} {before[key]} → {days} days",
                    rule="lifecycle expiration shortened",
                )


# --- residency ----------------------------------------------------------------------------------

REPLICATION = {
    "aws_s3_bucket_replication_configuration": ("bucket", "rule"),
    "google_storage_transfer_job": ("replication_spec.gcs_data_source", "replication_spec.gcs_data_sink"),
    "azurerm_storage_object_replication": ("source_storage_account_id", "destination_storage_account_id"),
}
STORAGE = ("aws_s3_bucket", "google_storage_bucket", "azurerm_storage_account")


def _get(config: Any, dotted: str) -> Any:
    cur = config
    for seg in dotted.split("."):
        if isinstance(cur, list) and len(cur) == 1:
            cur = cur[0]
        if not isinstance(cur, dict) or seg not in cur:
            return MISSING
        cur = cur[seg]
    return cur


def _ends(block: Block, plan: StackPlan) -> tuple[list[Block], list[Block]]:
    src_key, dst_key = REPLICATION[block.type]
    src = _referenced(_get(block.config, src_key), plan)
    dst = _referenced(_get(block.config, dst_key), plan)
    return [b for b in src if b.type in STORAGE], [b for b in dst if b.type in STORAGE]


def _where(blocks: list[Block], plan: StackPlan) -> list[tuple[str, Any, str | None]]:
    return [(b.address, loc, jurisdiction_of(loc)) for b in blocks for loc in [location_of(b, plan)]]


def check_replication(stack: StackDiff, add: Add) -> None:
    head = stack.head
    if head is None:
        return
    for change in stack.blocks:
        if change.kind != "resource" or change.type not in REPLICATION or change.action == "removed":
            continue
        assert change.after is not None
        src, dst = _ends(change.after, head)
        old_dst: set[str] = set()
        if change.before is not None and stack.base is not None:
            old_dst = {b.address for b in _ends(change.before, stack.base)[1]}
        pii = any(_tag(b, "data_classification") == "pii" for b in src + dst)
        src_j = {j for _, _, j in _where(src, head)}
        for address, loc, juris in _where(dst, head):
            if address in old_dst:
                continue
            crossing = juris is not None and src_j and juris not in src_j
            if crossing:
                add(
                    change.address,
                    "residency",
                    f"replication crosses jurisdictions: {', '.join(sorted(j or 'unknown' for j in src_j))} → {juris} (`{address}` in {loc})",
                    rule="replication crosses jurisdiction",
                )
            elif pii:
                add(
                    change.address,
                    "residency",
                    f"new copy of PII: replicated to `{address}` in {loc} ({juris or 'unknown jurisdiction'})",
                    rule="new PII replica",
                )
            elif juris is None:
                add(
                    change.address,
                    "residency",
                    f"replication to `{address}` in an unknown location ({loc})",
                    rule="replication destination unknown",
                )
    # A new storage resource holding PII is a new copy of it.
    for change in stack.by_action("added", "resource"):
        added = change.after
        if added is not None and change.type in STORAGE and _tag(added, "data_classification") == "pii":
            loc = location_of(added, head)
            add(
                change.address,
                "residency",
                f"new PII store in {loc} ({jurisdiction_of(loc) or 'unknown jurisdiction'})",
                rule="new PII store",
            )


_MARKER = re.compile(r"jurisdiction=([a-z0-9_-]+)")
_POOL_KEYS = ("default_pools", "fallback_pool", "region_pools", "pop_pools", "country_pools")


def _pools(config: Any) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for key in _POOL_KEYS:
        value = config.get(key) if isinstance(config, dict) else None
        if value is not None:
            out[key] = references(value)
    return out


def _pool_jurisdiction(address: str, plan: StackPlan | None) -> str | None:
    block = plan.blocks.get(address) if plan else None
    if block is None or not isinstance(block.config, dict):
        return None
    regions = {jurisdiction_of(r) for r in block.config.get("check_regions", []) or []}
    regions.discard(None)
    return regions.pop() if len(regions) == 1 else None


def check_load_balancers(stack: StackDiff, add: Add) -> None:
    for change in stack.blocks:
        if change.type == "cloudflare_regional_hostname" and change.action in ("changed", "moved", "removed"):
            # Regional Services: TLS termination and processing only inside region_key's region.
            before = change.before.config.get("region_key") if change.before else None
            after = change.after.config.get("region_key") if change.after else None
            if before != after:
                add(
                    change.address,
                    "residency",
                    f"regional hostname region_key {before!r} → {after!r}: traffic may be processed outside {before}",
                    rule="regional hostname region changed",
                )
        if change.type != "cloudflare_load_balancer" or change.action not in ("changed", "moved"):
            continue
        assert change.before is not None and change.after is not None
        desc = change.before.config.get("description", "")
        marker = _MARKER.search(desc) if isinstance(desc, str) else None
        if marker is None:
            continue
        juris = marker.group(1)
        before, after = _pools(change.before.config), _pools(change.after.config)
        for key in _POOL_KEYS:
            added = sorted(after.get(key, set()) - before.get(key, set()))
            removed = sorted(before.get(key, set()) - after.get(key, set()))
            if not added and not removed:
                continue
            outside = [a for a in added if _pool_jurisdiction(a, stack.head) not in (juris, None)]
            text = f"`{key}` of a jurisdiction={juris} load balancer changed"
            if added:
                text += f"; added {', '.join(f'`{a}`' for a in added)}"
            if removed:
                text += f"; removed {', '.join(f'`{a}`' for a in removed)}"
            if outside:
                text += f"; OUTSIDE {juris}: {', '.join(f'`{a}`' for a in outside)}"
            rule = "residency LB fallback changed" if key == "fallback_pool" else "residency LB pools changed"
            add(change.address, "residency", text, rule=rule)


# --- availability -------------------------------------------------------------------------------

CAPACITY_ZERO = {
    "aws_eks_node_group": ("scaling_config.max_size",),
    "google_container_node_pool": (
        "autoscaling.max_node_count",
        "autoscaling.total_max_node_count",
        "node_count",
    ),
    "azurerm_kubernetes_cluster_node_pool": ("max_count", "node_count"),
    "azurerm_kubernetes_cluster": ("default_node_pool.max_count", "default_node_pool.node_count"),
    "megaport_vxc": ("rate_limit",),
    "cloudflare_load_balancer_pool": ("minimum_origins",),
}
LINKS = {
    "megaport_vxc": "VXC",
    "google_compute_vpn_tunnel": "VPN tunnel",
    "aws_vpn_connection": "VPN connection",
    "azurerm_virtual_network_gateway_connection": "gateway connection",
    "google_compute_interconnect_attachment": "interconnect attachment",
    "aws_dx_hosted_private_virtual_interface_accepter": "Direct Connect interface",
    "azurerm_express_route_circuit": "ExpressRoute circuit",
    "cloudflare_load_balancer_pool": "load balancer pool",
    "google_compute_router_peer": "BGP peer",
}
K8S_VERSION = {
    "aws_eks_cluster": ("version",),
    "google_container_cluster": ("min_master_version",),
    "google_container_node_pool": ("version",),
    "azurerm_kubernetes_cluster": ("kubernetes_version", "default_node_pool.orchestrator_version"),
    "azurerm_kubernetes_cluster_node_pool": ("orchestrator_version",),
}


def _minor(version: Any) -> tuple[int, int] | None:
    m = re.match(r"^v?(\d+)\.(\d+)", str(version)) if isinstance(version, str) else None
    return (int(m.group(1)), int(m.group(2))) if m else None


def check_availability(stack: StackDiff, add: Add) -> None:
    for change in stack.blocks:
        if change.kind != "resource":
            continue
        if change.action == "removed" and change.type in LINKS:
            add(
                change.address,
                "availability",
                f"{LINKS[change.type]} removed: one path less; the rest must carry its traffic",
                rule=f"{LINKS[change.type]} removed",
            )
            continue
        if change.action not in ("changed", "moved"):
            continue
        for attr in change.changes:
            path = ".".join(attr.canonical)
            if path in CAPACITY_ZERO.get(change.type, ()) and attr.after == 0 and attr.before != 0:
                add(
                    change.address,
                    "availability",
                    f"capacity set to zero: `{attr.dotted}` {attr.before} → 0",
                    rule="capacity set to zero",
                )
            if (
                path == "enabled"
                and change.type.startswith("cloudflare_load_balancer")
                and attr.after is False
            ):
                add(
                    change.address,
                    "availability",
                    "disabled: `enabled` true → false",
                    rule="load balancer/pool disabled",
                )
            if path in K8S_VERSION.get(change.type, ()):
                b, a = _minor(attr.before), _minor(attr.after)
                if b and a and a < b:
                    add(
                        change.address,
                        "availability",
                        f"Kubernetes downgrade {attr.before} → {attr.after}: the cloud refuses it (no downgrades)",
                        rule="Kubernetes downgrade",
                    )
                elif b and a and a[0] == b[0] and a[1] - b[1] > 1:
                    add(
                        change.address,
                        "availability",
                        f"Kubernetes {attr.before} → {attr.after} skips {a[1] - b[1] - 1} minor version(s): upgrades go one minor at a time",
                        rule="Kubernetes minor skipped",
                    )


def check(stack: StackDiff, add: Add) -> None:
    check_expiration(stack, add)
    check_replication(stack, add)
    check_load_balancers(stack, add)
    check_availability(stack, add)


__all__ = ["BlockChange", "check", "jurisdiction_of", "location_of"]
