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

from review import privilege, risk_classes
from review.actions import stack_actions
from review.diff import MISSING, BlockChange, StackDiff, canonical, dotted, flatten, get_path
from review.plan import Block, env_of
from review.replacement import MAY_REPLACE, REPLACE, node_rotations
from review.risk_classes import jurisdiction_of, location_of

CATEGORIES = (
    "state",
    "data protection",
    "privilege",
    "residency",
    "availability",
    "public access",
    "encryption",
    "replaced",
    "removed",
)

# The consequence of each class, in the words a reviewer acts on.
CONSEQUENCE = {
    "state": "resources leave Terraform's management or are recreated",
    "data protection": "possible data loss",
    "privilege": "grants more access",
    "residency": "data may leave its jurisdiction",
    "availability": "less capacity or redundancy: possible outage",
    "public access": "reachable from the internet",
    "encryption": "data less protected at rest",
    "replaced": "destroyed and recreated",
    "removed": "destroyed",
}

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
        "data protection",
        "bucket versioning resource removed: destroying it suspends versioning",
    ),
    "aws_s3_bucket_object_lock_configuration": (
        "data protection",
        "object lock configuration removed: new objects get no default retention",
    ),
    "aws_s3_bucket_replication_configuration": (
        "data protection",
        "bucket replication removed: the replica stops receiving new objects",
    ),
}

RESIDENCY_KEYS = ("jurisdiction", "data_classification")
# A residency-restricted Cloudflare load balancer says so in its description (team contract).
_MARKER = re.compile(r"jurisdiction=([a-z0-9_-]+)")
TAG_CONTAINERS = ("tags", "tags_all", "labels", "resource_labels", "default_labels")


ENV_ORDER = ("prod", "staging", "dev")


def env_rank(stack_id: str) -> int:
    env = env_of(stack_id)
    return ENV_ORDER.index(env) if env in ENV_ORDER else len(ENV_ORDER)


@dataclass(frozen=True)
class Attention:
    stack_id: str
    address: str
    category: str
    reason: str
    # The rule's short name: the report has one row per rule and stack.
    rule: str = ""
    # Full before/after (policy statements, HCL), never cut; rendered folded.
    detail: str = ""
    # Reasons recorded for a secure default turned off on this resource, shown next to it.
    recorded: tuple[tuple[str, str], ...] = ()

    @property
    def rule_name(self) -> str:
        return self.rule or self.category

    @property
    def consequence(self) -> str:
        return CONSEQUENCE.get(self.category, "")

    @property
    def sort_key(self) -> tuple[int, str, int, str, str, str]:
        return (
            env_rank(self.stack_id),
            self.stack_id,
            CATEGORIES.index(self.category),
            self.rule_name,
            self.address,
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


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)s?", value.strip())
        return float(m.group(1)) if m else None
    return None


def shortened(before: Any, after: Any) -> bool:
    """A retention number (days, seconds, "86400s") lowered or removed."""
    b, a = _number(before), _number(after)
    return b is not None and (after is MISSING or (a is not None and a < b))


def log_retention_shortened(before: Any, after: Any) -> bool:
    """CloudWatch ``retention_in_days``: 0 or absent keeps events forever (aws logs/group.go)."""

    def days(v: Any) -> float:
        return float("inf") if v in (MISSING, 0, None) else float(v)

    return days(after) < days(before)


def ranked_down(*order: Any) -> Test:
    """The value moved down an ordered scale (weakest first), or was removed."""

    def test(before: Any, after: Any) -> bool:
        if before not in order:
            return False
        return after not in order or order.index(after) < order.index(before)

    return test


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
        "data protection",
        _GKE,
        "deletion_protection",
        turned_false(True),
        "deletion protection turned off",
    ),
    ValueRule(
        "data protection",
        _types("aws_s3_bucket", "google_storage_bucket"),
        "force_destroy",
        turned_true(False),
        "force_destroy turned on: destroying the bucket also deletes every object",
    ),
    ValueRule(
        "data protection",
        _types("aws_kms_key"),
        "deletion_window_in_days",
        decreased(30),
        "key deletion window shortened",
    ),
    ValueRule(
        "data protection",
        _types("azurerm_key_vault"),
        "purge_protection_enabled",
        turned_false(False),
        "purge protection turned off",
    ),
    ValueRule(
        "data protection",
        _types("aws_s3_bucket_versioning"),
        "versioning_configuration.status",
        left("Enabled"),
        "bucket versioning no longer enabled",
    ),
    ValueRule(
        "data protection",
        _types("google_storage_bucket"),
        "versioning.enabled",
        turned_false(False),
        "bucket versioning turned off",
    ),
    ValueRule(
        "data protection",
        _types("azurerm_storage_account"),
        "blob_properties.versioning_enabled",
        turned_false(False),
        "blob versioning turned off",
    ),
    ValueRule(
        "data protection",
        _types("aws_eks_cluster"),
        "deletion_protection",
        turned_false(False),
        "deletion protection turned off",
    ),
    ValueRule(
        "data protection",
        _types("google_kms_crypto_key"),
        "destroy_scheduled_duration",
        shortened,
        "key destruction delay shortened",
    ),
    ValueRule(
        "data protection",
        _types("azurerm_key_vault"),
        "soft_delete_retention_days",
        shortened,
        "key vault soft-delete retention shortened",
    ),
    # retention and immutability
    *(
        ValueRule("data protection", _types("aws_s3_bucket_object_lock_configuration"), path, shortened, msg)
        for path, msg in (
            ("rule.default_retention.days", "object lock retention shortened"),
            ("rule.default_retention.years", "object lock retention shortened"),
        )
    ),
    ValueRule(
        "data protection",
        _types("aws_s3_bucket_object_lock_configuration"),
        "rule.default_retention.mode",
        ranked_down("GOVERNANCE", "COMPLIANCE"),
        "object lock weakened: GOVERNANCE retention can be bypassed with s3:BypassGovernanceRetention",
    ),
    ValueRule(
        "data protection",
        _types("aws_s3_bucket_object_lock_configuration"),
        "object_lock_enabled",
        left("Enabled"),
        "object lock turned off",
    ),
    ValueRule(
        "data protection",
        _types("aws_cloudwatch_log_group"),
        "retention_in_days",
        log_retention_shortened,
        "log retention shortened",
    ),
    ValueRule(
        "data protection",
        _types("google_storage_bucket"),
        "retention_policy.retention_period",
        shortened,
        "bucket retention shortened",
    ),
    ValueRule(
        "data protection",
        _types("google_storage_bucket"),
        "retention_policy.is_locked",
        turned_false(False),
        "bucket retention policy unlocked",
    ),
    ValueRule(
        "data protection",
        _types("google_storage_bucket"),
        "soft_delete_policy.retention_duration_seconds",
        shortened,
        "soft-delete retention shortened",
    ),
    ValueRule(
        "data protection",
        _types("azurerm_storage_account"),
        "immutability_policy.period_since_creation_in_days",
        shortened,
        "immutability period shortened",
    ),
    ValueRule(
        "data protection",
        _types("azurerm_storage_account"),
        "immutability_policy.state",
        ranked_down("Disabled", "Unlocked", "Locked"),
        "immutability policy weakened (Locked > Unlocked > Disabled)",
    ),
    *(
        ValueRule(
            "data protection", _types("azurerm_storage_account"), f"blob_properties.{p}.days", shortened, msg
        )
        for p, msg in (
            ("delete_retention_policy", "blob soft-delete retention shortened"),
            ("container_delete_retention_policy", "container soft-delete retention shortened"),
        )
    ),
    ValueRule(
        "data protection",
        _types("azurerm_storage_account"),
        "blob_properties.change_feed_enabled",
        turned_false(False),
        "blob change feed turned off",
    ),
    ValueRule(
        "data protection",
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
        "data protection",
        _types("google_storage_bucket"),
        "retention_policy",
        "bucket retention policy removed",
    ),
    (
        "data protection",
        _types("azurerm_storage_account"),
        "immutability_policy",
        "immutability policy removed",
    ),
    (
        "data protection",
        _types("aws_s3_bucket_object_lock_configuration"),
        "rule.default_retention",
        "object lock default retention removed",
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
    # Never cut: a reviewer must see the value exactly where it changes.
    if value is MISSING:
        return "(absent)"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


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

        def is_any(v: Any) -> bool:
            return v in anywhere or (isinstance(v, list) and any(x in anywhere for x in v))

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
    return CRITICAL.get(block.type, block.type)


# --- checks -----------------------------------------------------------------------------------


class _Collector:
    def __init__(self, stack: StackDiff) -> None:
        self.stack = stack
        self.items: list[Attention] = []

    def _recorded(self, address: str) -> tuple[tuple[str, str], ...]:
        for plan in (self.stack.head, self.stack.base):
            block = plan.blocks.get(address) if plan else None
            if block is not None and block.recorded:
                return block.recorded
        return ()

    def add(self, address: str, category: str, reason: str, *, rule: str = "", detail: str = "") -> None:
        # A recorded reason goes next to the change it explains, not next to every item.
        recorded = tuple(
            (key, text) for key, text in self._recorded(address) if _explains(key, f"{rule} {reason}")
        )
        self.items.append(Attention(self.stack.stack_id, address, category, reason, rule, detail, recorded))


def _explains(reason_key: str, text: str) -> bool:
    """``deletion_protection_reason`` explains an item that speaks of deletion protection."""
    words = reason_key.removesuffix("_reason").split("_")
    lowered = text.lower().replace("_", " ")
    return all(w in lowered for w in words)


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
                rule=f"{word} renamed without moved block",
            )
        else:
            category = "availability" if word in ("cluster", "node pool") else "data protection"
            out.add(change.address, category, f"{word} removed: {_LOSS[word]}", rule=f"{word} removed")
    if block.type in PROTECTIVE:
        category, reason = PROTECTIVE[block.type]
        out.add(change.address, category, reason, rule=reason.split(":")[0])
    if isinstance(block.config, dict) and get_path(block.config, ("lifecycle", "prevent_destroy")) is True:
        out.add(
            change.address,
            "data protection",
            "removed although it was protected by lifecycle.prevent_destroy",
            rule="prevent_destroy resource removed",
        )


def _check_replacements(out: _Collector) -> None:
    """Replacements (offline estimate or real plan), with the knock-on ones and their cause."""
    stack = out.stack
    if stack.status == "removed":
        return
    for address, action in sorted(stack_actions(stack).items()):
        if action.action not in (REPLACE, MAY_REPLACE):
            continue
        block = (stack.head.blocks.get(address) if stack.head else None) or (
            stack.base.blocks.get(address) if stack.base else None
        )
        word = _word(block) if block else "resource"
        loss = f"; {_LOSS[word]}" if word in _LOSS else ""
        verb = "replaced" if action.action == REPLACE else "may be replaced"
        why = "; ".join(action.reasons)
        if action.cause:
            why = (why + "; " if why else "") + f"knock-on: {action.cause}"
        rule = f"{word} {verb} (knock-on)" if action.cause and not action.reasons else f"{word} {verb}"
        out.add(address, "replaced", f"{word} {verb}: {why}{loss}", rule=rule)
    for change in stack.blocks:
        if change.kind == "resource" and change.action in ("changed", "moved"):
            cycled = node_rotations(change.type, change.changes)
            if cycled:
                out.add(
                    change.address,
                    "availability",
                    "node pool cycled: changing "
                    + ", ".join(cycled)
                    + " recreates every node through temporary_name_for_rotation (no cordon and drain)",
                    rule="AKS node pool cycled",
                )


def _check_blocks(out: _Collector, change: BlockChange) -> None:
    if change.kind == "provider":
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
                    rule="provider region changed",
                )
    elif change.kind == "terraform":
        backend = [a for a in change.changes if a.canonical[:1] == ("backend",)]
        if backend:
            out.add(
                change.address,
                "state",
                "Terraform backend changed ("
                + ", ".join(f"`{a.dotted}`" for a in backend[:3])
                + "): the stack plans against a different state and would recreate what it cannot find",
                rule="backend changed",
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
                    rule=rule.message,
                )
    for category, types, path, message in BLOCK_RULES:
        segments = tuple(path.split("."))
        if _rule_applies(types, block) and dropped(
            get_path(change.before.config, segments), get_path(block.config, segments)
        ):
            out.add(change.address, category, message, rule=message)
    for attr in change.changes:
        if _open_place(block, attr.canonical) and _opens(block, attr.before, attr.after):
            out.add(
                change.address,
                "public access",
                f"open to the internet: `{attr.dotted}` {_transition(attr.before, attr.after)}",
                rule="open to the internet",
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
                    rule=f"new: {rule.message}",
                )
    for path, value in sorted(flatten(block.config).items(), key=lambda kv: dotted(kv[0])):
        if _open_place(block, canonical(path)) and _opens(block, MISSING, value):
            out.add(
                change.address,
                "public access",
                f"new {_word(block)} open to the internet: `{dotted(path)}` {_fmt(value)}",
                rule="new: open to the internet",
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
                rule=f"{canon[-1]} tag {verb}",
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
                        rule="LB jurisdiction marker changed",
                    )


def _check_recorded(out: _Collector, change: BlockChange) -> None:
    """A secure default newly turned off: its recorded reason is the item."""
    before = dict(change.before.recorded) if change.before else {}
    for key, text in change.after.recorded if change.after else ():
        if before.get(key) != text:
            what = key.removesuffix("_reason").replace("_", " ")
            out.add(
                change.address,
                "data protection" if "deletion" in key else "public access",
                f"secure default turned off ({what}); recorded reason: “{text}”",
                rule=f"secure default off: {what}",
            )


def _check_pii_moves(out: _Collector) -> None:
    base, head = out.stack.base, out.stack.head
    if base is None or head is None:
        return
    pairs = [(a, a) for a in base.resources if a in head.resources]
    pairs += [(c.moved_from, c.address) for c in out.stack.by_action("moved", "resource") if c.moved_from]
    for before_addr, after_addr in sorted(pairs, key=lambda p: p[1]):
        before, after = base.blocks[before_addr], head.blocks[after_addr]
        if not (_is_pii(before) or _is_pii(after)):
            continue
        loc_before, loc_after = location_of(before, base), location_of(after, head)
        if loc_before == loc_after:
            continue
        j_before, j_after = jurisdiction_of(loc_before), jurisdiction_of(loc_after)
        if j_before is not None and j_before == j_after:
            continue  # inside the jurisdiction: a replacement (reported as such), not a residency event
        out.add(
            after_addr,
            "residency",
            f"PII {_word(after)} moves {_fmt(loc_before)} ({j_before or '?'}) → {_fmt(loc_after)} "
            f"({j_after or 'unknown jurisdiction'}): data_classification=pii must stay in its jurisdiction",
            rule="PII moves out of its jurisdiction",
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
        rule="stack removed",
    )


def attention(stacks: Iterable[StackDiff]) -> list[Attention]:
    """Every risky change of the compared plans: prod first, then staging, then dev."""
    stacks = list(stacks)
    found: list[Attention] = []
    for stack in stacks:
        out = _Collector(stack)
        _check_stack(out, stacks)
        if stack.status != "removed":
            # A removed stack destroys nothing by itself: one stack-level item says what it means.
            for change in stack.blocks:
                if change.action == "removed":
                    _check_removed(out, change)
                elif change.action == "added":
                    _check_new(out, change)
                    _check_recorded(out, change)
                else:  # changed or moved
                    _check_blocks(out, change)
                    if change.kind == "resource":
                        _check_values(out, change)
                        _check_recorded(out, change)
                    _check_residency_tags(out, change)
            _check_replacements(out)
            _check_pii_moves(out)
            privilege.check(stack, out.add)
            risk_classes.check(stack, out.add)
        found.extend(out.items)
    unique = {(a.stack_id, a.address, a.category, a.reason): a for a in found}
    # "secure default off" stands alone only when no rule already flagged the change it explains.
    explained = {
        (a.stack_id, a.address, k)
        for a in unique.values()
        if a.recorded and not a.rule_name.startswith("secure default off")
        for k, _ in a.recorded
    }
    kept = [
        a
        for a in unique.values()
        if not (
            a.rule_name.startswith("secure default off")
            and all((a.stack_id, a.address, k) in explained for k, _ in a.recorded)
        )
    ]
    return sorted(kept, key=lambda a: a.sort_key)
