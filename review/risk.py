"""The "Needs attention" list: changes a reviewer must not miss, each with the reason.

What is flagged (see the module constants for the exact attributes):

- removed: a cluster, node pool, bucket/storage account or key removed (also when its logical
  name changed without a ``moved`` block, which Terraform plays as destroy + create), or a
  protective companion resource removed (S3 public access block, bucket encryption, AKS CMK).
- replaced: one of those resources changes an attribute that forces replacement
  (:mod:`review.replacement`), an AKS node pool is cycled, or a provider's region changes.
- state: a stack removed, or a stack's Terraform backend changed.
- deletion protection: ``deletion_protection`` off, ``force_destroy`` on, a shorter KMS
  deletion window, versioning suspended, ``lifecycle.prevent_destroy`` dropped, purge
  protection off.
- encryption: EKS secrets encryption removed, GKE database encryption DECRYPTED, bucket or
  storage account encryption / customer-managed key removed, a KMS key disabled.
- residency: a ``jurisdiction`` or ``data_classification`` tag/label changed or removed, a
  load balancer's ``jurisdiction=`` marker changed, or a ``data_classification=pii`` resource
  moves to another region/location (its own argument, its provider alias, or its provider's
  region).
- public access: an endpoint opened (EKS public endpoint, GKE private endpoint or private nodes
  off, AKS private cluster off, ``public_network_access_enabled``, S3 public access block flags
  off, GCS public access prevention lifted), and ``0.0.0.0/0`` appearing in authorized networks,
  allowed ranges or ingress rules. New resources are checked for these too.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from review.diff import MISSING, BlockChange, StackDiff, canonical, dotted, flatten, get_path
from review.plan import Block, StackPlan, env_of
from review.replacement import forced_replacements, node_rotations

CATEGORIES = (
    "removed",
    "replaced",
    "state",
    "residency",
    "public access",
    "encryption",
    "deletion protection",
)

CLUSTERS = {
    "aws_eks_cluster": "cluster",
    "google_container_cluster": "cluster",
    "azurerm_kubernetes_cluster": "cluster",
}
NODE_POOLS = {
    "aws_eks_node_group": "node pool",
    "google_container_node_pool": "node pool",
    "azurerm_kubernetes_cluster_node_pool": "node pool",
}
STORAGE = {
    "aws_s3_bucket": "bucket",
    "google_storage_bucket": "bucket",
    "azurerm_storage_account": "storage account",
}
KEYS = {
    "aws_kms_key": "key",
    "google_kms_crypto_key": "key",
    "azurerm_key_vault_key": "key",
}
CRITICAL = {**CLUSTERS, **NODE_POOLS, **STORAGE, **KEYS}

_LOSS = {
    "cluster": "Terraform destroys the cluster and everything running on it",
    "node pool": "the workloads scheduled on it lose their nodes",
    "bucket": "Terraform deletes the bucket (with its objects when force_destroy is set)",
    "storage account": "Terraform deletes the account and the data in it",
    "key": "data encrypted with it becomes unreadable once the key is destroyed",
}

# Companion resources whose removal weakens the resource they protect.
PROTECTIVE = {
    "aws_s3_bucket_public_access_block": (
        "public access",
        "S3 public access block removed: ACLs and bucket policies may make the bucket public again",
    ),
    "aws_s3_account_public_access_block": (
        "public access",
        "account-wide S3 public access block removed",
    ),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "encryption",
        "bucket encryption configuration removed: S3 falls back to SSE-S3, not the customer-managed key",
    ),
    "azurerm_storage_account_customer_managed_key": (
        "encryption",
        "customer-managed key removed: the storage account falls back to Microsoft-managed keys",
    ),
    "aws_s3_bucket_versioning": (
        "deletion protection",
        "bucket versioning resource removed: destroying it suspends versioning",
    ),
}

RESIDENCY_KEYS = ("jurisdiction", "data_classification")
# A residency-restricted Cloudflare load balancer says so in its description (team contract).
_MARKER = re.compile(r"jurisdiction=([a-z0-9_-]+)")
TAG_CONTAINERS = ("tags", "tags_all", "labels", "resource_labels", "default_labels")


@dataclass(frozen=True)
class Attention:
    stack_id: str
    address: str
    category: str
    reason: str

    @property
    def sort_key(self) -> tuple:
        return (
            env_of(self.stack_id),
            self.stack_id,
            self.address,
            CATEGORIES.index(self.category),
            self.reason,
        )


# --- value rules ------------------------------------------------------------------------------

Test = Callable[[Any, Any], bool]


def _eff(value: Any, default: Any) -> Any:
    return default if value is MISSING else value


def turned_false(default: bool) -> Test:
    return lambda before, after: _eff(before, default) is not False and _eff(after, default) is False


def turned_true(default: bool) -> Test:
    return lambda before, after: _eff(before, default) is not True and _eff(after, default) is True


def left(*good: Any) -> Test:
    return lambda before, after: before in good and after not in good


def became(*bad: Any) -> Test:
    return lambda before, after: after in bad and before not in bad


def decreased(default: int) -> Test:
    def test(before: Any, after: Any) -> bool:
        b, a = _eff(before, default), _eff(after, default)
        return isinstance(b, (int, float)) and isinstance(a, (int, float)) and a < b

    return test


def dropped(before: Any, after: Any) -> bool:
    return before is not MISSING and after is MISSING


@dataclass(frozen=True)
class ValueRule:
    category: str
    types: frozenset[str] | None  # None: every resource type
    path: str  # canonical path; list indexes are left out
    test: Test
    message: str
    # For new resources: the "before" a secure default would have had. Only rules that set it
    # run on new resources (a new public endpoint is as open as a flipped one).
    new_baseline: Any = None
    checks_new: bool = False

    @property
    def segments(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


def _types(*names: str) -> frozenset[str]:
    return frozenset(names)


_AKS = _types("azurerm_kubernetes_cluster")
_GKE = _types("google_container_cluster")
_S3_PAB = _types("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block")

VALUE_RULES: tuple[ValueRule, ...] = (
    # deletion protection
    ValueRule(
        "deletion protection",
        _GKE,
        "deletion_protection",
        turned_false(True),
        "deletion protection turned off",
    ),
    ValueRule(
        "deletion protection",
        _types("aws_s3_bucket", "google_storage_bucket"),
        "force_destroy",
        turned_true(False),
        "force_destroy turned on: destroying the bucket also deletes every object",
    ),
    ValueRule(
        "deletion protection",
        _types("aws_kms_key"),
        "deletion_window_in_days",
        decreased(30),
        "key deletion window shortened",
    ),
    ValueRule(
        "deletion protection",
        _types("azurerm_key_vault"),
        "purge_protection_enabled",
        turned_false(False),
        "purge protection turned off",
    ),
    ValueRule(
        "deletion protection",
        _types("aws_s3_bucket_versioning"),
        "versioning_configuration.status",
        left("Enabled"),
        "bucket versioning no longer enabled",
    ),
    ValueRule(
        "deletion protection",
        _types("google_storage_bucket"),
        "versioning.enabled",
        turned_false(False),
        "bucket versioning turned off",
    ),
    ValueRule(
        "deletion protection",
        _types("azurerm_storage_account"),
        "blob_properties.versioning_enabled",
        turned_false(False),
        "blob versioning turned off",
    ),
    ValueRule(
        "deletion protection",
        None,
        "lifecycle.prevent_destroy",
        turned_false(False),
        "lifecycle.prevent_destroy removed",
    ),
    # encryption
    ValueRule(
        "encryption",
        _GKE,
        "database_encryption.state",
        left("ENCRYPTED"),
        "application-layer secrets encryption no longer ENCRYPTED",
    ),
    ValueRule(
        "encryption",
        _types("aws_s3_bucket_server_side_encryption_configuration"),
        "rule.apply_server_side_encryption_by_default.sse_algorithm",
        left("aws:kms", "aws:kms:dsse"),
        "bucket encryption no longer uses KMS",
    ),
    ValueRule(
        "encryption",
        _types("aws_s3_bucket_server_side_encryption_configuration"),
        "rule.apply_server_side_encryption_by_default.kms_master_key_id",
        dropped,
        "bucket encryption key removed",
    ),
    ValueRule(
        "encryption",
        _types("azurerm_storage_account"),
        "infrastructure_encryption_enabled",
        turned_false(False),
        "infrastructure (double) encryption turned off",
    ),
    ValueRule(
        "encryption",
        _types("azurerm_kubernetes_cluster_node_pool"),
        "host_encryption_enabled",
        turned_false(False),
        "host encryption turned off",
    ),
    ValueRule(
        "encryption",
        _AKS,
        "default_node_pool.host_encryption_enabled",
        turned_false(False),
        "host encryption turned off on the default node pool",
    ),
    ValueRule("encryption", _AKS, "disk_encryption_set_id", dropped, "disk encryption set removed"),
    ValueRule(
        "encryption",
        _types("aws_kms_key"),
        "is_enabled",
        turned_false(True),
        "key disabled: everything it encrypts becomes unreadable",
    ),
    ValueRule(
        "encryption",
        _types("aws_kms_key"),
        "enable_key_rotation",
        turned_false(False),
        "key rotation turned off",
    ),
    # public access
    ValueRule(
        "public access",
        _types("aws_eks_cluster"),
        "vpc_config.endpoint_public_access",
        turned_true(True),
        "public API endpoint opened",
        new_baseline=False,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _GKE,
        "private_cluster_config.enable_private_endpoint",
        turned_false(False),
        "private endpoint turned off: the control plane is reachable on its public endpoint",
        new_baseline=True,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _GKE,
        "private_cluster_config.enable_private_nodes",
        turned_false(False),
        "private nodes turned off: nodes get public IPs",
        new_baseline=True,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _GKE,
        "control_plane_endpoints_config.dns_endpoint_config.allow_external_traffic",
        turned_true(False),
        "DNS endpoint opened to external traffic",
        new_baseline=False,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _AKS,
        "private_cluster_enabled",
        turned_false(False),
        "private cluster turned off: the API server gets a public endpoint",
        new_baseline=True,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        None,
        "public_network_access_enabled",
        turned_true(True),
        "public network access enabled",
    ),
    # New resources only where the argument exists and defaults to true (azurerm 4.x).
    ValueRule(
        "public access",
        _types("azurerm_storage_account", "azurerm_key_vault"),
        "public_network_access_enabled",
        turned_true(True),
        "public network access enabled",
        new_baseline=False,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _types("azurerm_storage_account"),
        "allow_nested_items_to_be_public",
        turned_true(True),
        "containers and blobs may be made public",
        new_baseline=False,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _types("azurerm_kubernetes_cluster_node_pool"),
        "node_public_ip_enabled",
        turned_true(False),
        "nodes get public IPs",
        new_baseline=False,
        checks_new=True,
    ),
    ValueRule(
        "public access",
        _AKS,
        "default_node_pool.node_public_ip_enabled",
        turned_true(False),
        "default node pool nodes get public IPs",
        new_baseline=False,
        checks_new=True,
    ),
    *(
        ValueRule(
            "public access",
            _S3_PAB,
            flag,
            turned_false(False),
            f"S3 public access block `{flag}` turned off",
            new_baseline=True,
            checks_new=True,
        )
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        )
    ),
    ValueRule(
        "public access",
        _types("google_storage_bucket"),
        "public_access_prevention",
        left("enforced"),
        "public access prevention no longer enforced",
    ),
    ValueRule(
        "public access",
        _types("aws_s3_bucket_acl"),
        "acl",
        became("public-read", "public-read-write", "authenticated-read"),
        "bucket ACL grants public access",
        new_baseline="private",
        checks_new=True,
    ),
)

# Blocks whose removal (present in base, absent in head) weakens the resource.
BLOCK_RULES: tuple[tuple[str, frozenset[str], str, str], ...] = (
    (
        "encryption",
        _types("aws_eks_cluster"),
        "encryption_config",
        "Kubernetes secrets encryption (KMS) removed",
    ),
    (
        "encryption",
        _types("aws_s3_bucket"),
        "server_side_encryption_configuration",
        "bucket encryption removed",
    ),
    ("encryption", _types("azurerm_storage_account"), "customer_managed_key", "customer-managed key removed"),
    (
        "encryption",
        _types("google_storage_bucket"),
        "encryption",
        "bucket customer-managed encryption key removed",
    ),
    ("encryption", _AKS, "key_management_service", "etcd KMS encryption removed"),
    (
        "encryption",
        _types("google_container_node_pool"),
        "node_config.boot_disk_kms_key",
        "boot disk CMEK removed",
    ),
    (
        "public access",
        _GKE,
        "master_authorized_networks_config",
        "master authorized networks removed: the public endpoint accepts any source",
    ),
    (
        "public access",
        _AKS,
        "api_server_access_profile",
        "API server access profile removed: authorized IP ranges no longer restrict the API server",
    ),
)

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
# (resource types or None, canonical path suffix) where an open CIDR means "reachable from anywhere".
OPEN_CIDR_PLACES: tuple[tuple[frozenset[str] | None, tuple[str, ...]], ...] = (
    (_types("aws_eks_cluster"), ("public_access_cidrs",)),
    (_GKE, ("master_authorized_networks_config", "cidr_blocks", "cidr_block")),
    (_AKS, ("authorized_ip_ranges",)),
    (None, ("network_rules", "ip_rules")),
    (None, ("network_acls", "ip_rules")),
    (_types("google_compute_firewall"), ("source_ranges",)),
    (_types("aws_security_group"), ("ingress", "cidr_blocks")),
    (_types("aws_security_group"), ("ingress", "ipv6_cidr_blocks")),
    (_types("aws_vpc_security_group_ingress_rule"), ("cidr_ipv4",)),
    (_types("aws_vpc_security_group_ingress_rule"), ("cidr_ipv6",)),
)


def _fmt(value: Any) -> str:
    if value is MISSING:
        return "(absent)"
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"


def _transition(before: Any, after: Any) -> str:
    return f"{_fmt(before)} → {_fmt(after)}"


def _rule_applies(types: frozenset[str] | None, block: Block) -> bool:
    return block.kind == "resource" and (types is None or block.type in types)


def _is_open(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip() in OPEN_CIDRS
    if isinstance(value, list):
        return any(_is_open(v) for v in value)
    return False


def _open_place(block: Block, canon: tuple[str, ...]) -> bool:
    if block.kind != "resource":
        return False
    if block.type == "aws_security_group_rule":
        return (
            canon[-1:] in (("cidr_blocks",), ("ipv6_cidr_blocks",)) and block.config.get("type") == "ingress"
        )
    if block.type == "azurerm_network_security_rule":
        cfg = block.config
        inbound_allow = (
            str(cfg.get("direction", "")).lower() == "inbound"
            and str(cfg.get("access", "")).lower() == "allow"
        )
        return inbound_allow and canon[-1:] in (("source_address_prefix",), ("source_address_prefixes",))
    return any(
        (types is None or block.type in types) and canon[-len(suffix) :] == suffix
        for types, suffix in OPEN_CIDR_PLACES
    )


def _opens(block: Block, before: Any, after: Any) -> bool:
    if block.type == "azurerm_network_security_rule":
        anywhere = ("*", "Internet", "0.0.0.0/0", "::/0")
        is_any = lambda v: v in anywhere or (isinstance(v, list) and any(x in anywhere for x in v))  # noqa: E731
        return is_any(after) and not is_any(before)
    return _is_open(after) and not _is_open(before)


def _tag_value(config: Any, key: str) -> Any:
    if not isinstance(config, dict):
        return MISSING
    for container in TAG_CONTAINERS:
        tags = config.get(container)
        if isinstance(tags, dict) and key in tags:
            return tags[key]
    return MISSING


def _is_pii(block: Block | None) -> bool:
    return block is not None and _tag_value(block.config, "data_classification") == "pii"


def _word(block: Block) -> str:
    return CRITICAL.get(block.type, "resource")


# --- checks -----------------------------------------------------------------------------------


class _Collector:
    def __init__(self, stack: StackDiff) -> None:
        self.stack = stack
        self.items: list[Attention] = []

    def add(self, address: str, category: str, reason: str) -> None:
        self.items.append(Attention(self.stack.stack_id, address, category, reason))


def _check_removed(out: _Collector, change: BlockChange) -> None:
    block = change.before
    assert block is not None
    if block.kind != "resource":
        return
    if block.type in CRITICAL:
        word = _word(block)
        renamed = [c.address for c in out.stack.by_action("added", "resource") if c.type == block.type]
        if renamed:
            targets = ", ".join(f"`{a}`" for a in renamed[:3]) + (" …" if len(renamed) > 3 else "")
            out.add(
                change.address,
                "replaced",
                f"{word} replaced: the logical name changed (now {targets}?) without a moved block, so "
                f"Terraform destroys it and creates a new one; {_LOSS[word]}. Use cdktf `move_to` to keep it",
            )
        else:
            out.add(change.address, "removed", f"{word} removed: {_LOSS[word]}")
    if block.type in PROTECTIVE:
        category, reason = PROTECTIVE[block.type]
        out.add(change.address, category, reason)
    if isinstance(block.config, dict) and get_path(block.config, ("lifecycle", "prevent_destroy")) is True:
        out.add(
            change.address,
            "deletion protection",
            "removed although it was protected by lifecycle.prevent_destroy",
        )


def _check_replacement(out: _Collector, change: BlockChange) -> None:
    block = change.after
    assert block is not None
    if block.kind == "resource":
        reasons = forced_replacements(block.type, change.changes)
        if reasons:
            word = _word(block)
            loss = f"; {_LOSS[word]}" if word in _LOSS else ""
            out.add(change.address, "replaced", f"{word} replaced: " + "; ".join(reasons) + loss)
        cycled = node_rotations(block.type, change.changes)
        if cycled:
            out.add(
                change.address,
                "replaced",
                "node pool cycled: changing "
                + ", ".join(cycled)
                + " recreates every node through temporary_name_for_rotation (no cordon and drain)",
            )
    elif block.kind == "provider":
        for attr in change.changes:
            if attr.canonical == ("region",) and attr.before is not MISSING:
                users = [
                    b.address
                    for b in (out.stack.head.blocks.values() if out.stack.head else ())
                    if b.kind in ("resource", "data") and b.provider_ref == change.address
                ]
                out.add(
                    change.address,
                    "replaced",
                    f"provider region changed {_transition(attr.before, attr.after)}: the {len(users)} "
                    "resources using it are looked up, and recreated, in the new region",
                )
    elif block.kind == "terraform":
        backend = [a for a in change.changes if a.canonical[:1] == ("backend",)]
        if backend:
            out.add(
                change.address,
                "state",
                "Terraform backend changed ("
                + ", ".join(f"`{a.dotted}`" for a in backend[:3])
                + "): the stack plans against a different state and would recreate what it cannot find",
            )


def _check_values(out: _Collector, change: BlockChange) -> None:
    block = change.after
    assert block is not None and change.before is not None
    for rule in VALUE_RULES:
        if not _rule_applies(rule.types, block):
            continue
        for attr in change.changes:
            if attr.canonical == rule.segments and rule.test(attr.before, attr.after):
                out.add(
                    change.address,
                    rule.category,
                    f"{rule.message}: `{attr.dotted}` {_transition(attr.before, attr.after)}",
                )
    for category, types, path, message in BLOCK_RULES:
        segments = tuple(path.split("."))
        if _rule_applies(types, block) and dropped(
            get_path(change.before.config, segments), get_path(block.config, segments)
        ):
            out.add(change.address, category, message)
    for attr in change.changes:
        if _open_place(block, attr.canonical) and _opens(block, attr.before, attr.after):
            out.add(
                change.address,
                "public access",
                f"open to the internet: `{attr.dotted}` {_transition(attr.before, attr.after)}",
            )


def _check_new(out: _Collector, change: BlockChange) -> None:
    block = change.after
    assert block is not None
    if block.kind != "resource":
        return
    for rule in VALUE_RULES:
        if rule.checks_new and _rule_applies(rule.types, block):
            value = get_path(block.config, rule.segments)
            if rule.test(rule.new_baseline, value):
                shown = "default" if value is MISSING else _fmt(value)
                out.add(
                    change.address,
                    rule.category,
                    f"new {_word(block)}: {rule.message} (`{rule.path}` {shown})",
                )
    for path, value in sorted(flatten(block.config).items(), key=lambda kv: dotted(kv[0])):
        if _open_place(block, canonical(path)) and _opens(block, MISSING, value):
            out.add(
                change.address,
                "public access",
                f"new {_word(block)} open to the internet: `{dotted(path)}` {_fmt(value)}",
            )


def _check_residency_tags(out: _Collector, change: BlockChange) -> None:
    block = change.after
    assert block is not None
    if block.kind not in ("resource", "provider"):
        return
    for attr in change.changes:
        canon = attr.canonical
        if (
            len(canon) >= 2
            and canon[-1] in RESIDENCY_KEYS
            and canon[-2] in TAG_CONTAINERS
            and attr.before is not MISSING
            and canon[0] != "tags_all"  # computed mirror of tags; reported once, under tags
        ):
            verb = "removed" if attr.after is MISSING else "changed"
            out.add(
                change.address,
                "residency",
                f"residency {canon[-1]} {verb}: `{attr.dotted}` {_transition(attr.before, attr.after)}",
            )
    if block.type == "cloudflare_load_balancer":
        for attr in change.changes:
            if attr.canonical == ("description",):
                before = _MARKER.search(attr.before) if isinstance(attr.before, str) else None
                after = _MARKER.search(attr.after) if isinstance(attr.after, str) else None
                if before and (after is None or after.group(1) != before.group(1)):
                    out.add(
                        change.address,
                        "residency",
                        f"load balancer jurisdiction marker changed: {before.group(0)} → "
                        f"{after.group(0) if after else '(none)'}",
                    )


def _location(block: Block, plan: StackPlan) -> tuple[Any, str]:
    """Where a resource lives: its own location/region argument, else its provider's region."""
    for key in ("location", "region"):
        value = block.config.get(key) if isinstance(block.config, dict) else None
        if value is not None:
            return value, f"`{key}`"
    provider = plan.blocks.get(block.provider_ref)
    if provider is not None and isinstance(provider.config, dict):
        for key in ("region", "location"):
            if provider.config.get(key) is not None:
                return provider.config[key], f"provider `{block.provider_ref.removeprefix('provider.')}`"
    return MISSING, f"provider `{block.provider_ref.removeprefix('provider.')}`"


def _check_pii_moves(out: _Collector) -> None:
    base, head = out.stack.base, out.stack.head
    if base is None or head is None:
        return
    pairs = [(a, a) for a in base.resources if a in head.resources]
    pairs += [(c.moved_from, c.address) for c in out.stack.by_action("moved", "resource")]
    for before_addr, after_addr in sorted(pairs, key=lambda p: p[1]):
        before, after = base.blocks[before_addr], head.blocks[after_addr]
        if not (_is_pii(before) or _is_pii(after)):
            continue
        loc_before, via_before = _location(before, base)
        loc_after, via_after = _location(after, head)
        provider_changed = before.provider_ref != after.provider_ref
        if loc_before != loc_after or provider_changed:
            how = via_after if via_after == via_before else f"{via_before} → {via_after}"
            where = (
                f"{_fmt(loc_before)} → {_fmt(loc_after)}"
                if loc_before != loc_after
                else f"provider {before.provider_ref} → {after.provider_ref} (region unknown)"
            )
            out.add(
                after_addr,
                "residency",
                f"PII {_word(after)} moves: {where} (via {how}); data_classification=pii must stay in its "
                "jurisdiction, and a moved bucket is a new bucket plus a data migration",
            )


def _check_stack(out: _Collector, all_stacks: Iterable[StackDiff]) -> None:
    stack = out.stack
    if stack.status != "removed":
        return
    assert stack.base is not None
    resources = list(stack.base.resources.values())
    kinds: dict[str, int] = {}
    for block in resources:
        if block.type in CRITICAL:
            kinds[_word(block)] = kinds.get(_word(block), 0) + 1
    detail = ", ".join(f"{n} {w}{'s' if n > 1 else ''}" for w, n in sorted(kinds.items()))
    component = stack.stack_id.rsplit("-", 1)[-1]
    twins = [
        s.stack_id
        for s in all_stacks
        if s.status == "added" and s.env == stack.env and s.stack_id.rsplit("-", 1)[-1] == component
    ]
    hint = (
        f" It may have been renamed to {', '.join(f'`{t}`' for t in twins)}: a new stack id is a new state."
        if twins
        else ""
    )
    out.add(
        "(stack)",
        "state",
        f"stack removed: cdktf no longer deploys its {len(resources)} resource{'' if len(resources) == 1 else 's'}"
        + (f" ({detail})" if detail else "")
        + ("; it stays" if len(resources) == 1 else "; they stay")
        + " in its state, unmanaged, until destroyed."
        + hint,
    )


def attention(stacks: Iterable[StackDiff]) -> list[Attention]:
    """Every risky change of the compared plans, sorted by environment, stack and resource."""
    stacks = list(stacks)
    found: list[Attention] = []
    for stack in stacks:
        out = _Collector(stack)
        _check_stack(out, stacks)
        # A removed stack destroys nothing by itself: one stack-level item says what it means.
        for change in stack.blocks if stack.status != "removed" else ():
            if change.action == "removed":
                _check_removed(out, change)
            elif change.action == "added":
                _check_new(out, change)
            else:  # changed or moved
                _check_replacement(out, change)
                _check_values(out, change)
                _check_residency_tags(out, change)
        _check_pii_moves(out)
        found.extend(out.items)
    unique = {(a.stack_id, a.address, a.category, a.reason): a for a in found}
    return sorted(unique.values(), key=lambda a: a.sort_key)
