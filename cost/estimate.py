"""Monthly cost of one synthesized stack at minimum and at maximum scale, from the plan alone.

What is priced (each rule names the plan attributes it reads):
- node pools: machine type x node count, min from the autoscaler minimum, max from its maximum
  (EKS ``scaling_config``, GKE ``autoscaling.total_*_node_count``, AKS ``min_count``/``max_count``
  or ``node_count``); spot pools are priced from ``<type>:spot`` rows;
- control planes (EKS, GKE, AKS Standard tier), NAT gateways, public IPv4 addresses;
- object storage: GB per bucket / storage account from the environment's ``cost.storage_gb`` for
  its ``data_classification`` tag (``purpose: access-logs`` buckets use ``access-logs``), at the
  class the data is written in (S3 STANDARD, the bucket's ``storage_class``, the account's
  ``access_tier``);
- keys (KMS, Cloud KMS, Key Vault HSM keys), VPN connections/tunnels/gateways, Megaport MCR and
  VXC, ExpressRoute circuits and gateways, Partner Interconnect attachments, Cloudflare load
  balancers, origins and certificate packs.

Every other resource type must be listed in ``cost/prices.yaml`` under ``no_charge`` (with the
reason) or ``contract``; a type that is in neither is reported as unclassified, and a priced item
without a row is reported as a missing price. Neither is ever counted as zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cost.prices import PriceRow, PriceTable
from review.plan import Block, StackPlan

DEFAULT_HOURS_PER_MONTH = 730.0
_REF = re.compile(r"\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.")

# Assumptions every report lists (the storage sizes and hours come from the environment).
ASSUMPTIONS = (
    "List prices, on demand, before commitments (design: 30 % AWS, 35 % GCP, 28 % Azure) and tax.",
    "Min scale: every node pool at its autoscaler minimum; max: at its maximum. Fixed items are equal in both.",
    "Storage: the GB in the environment's cost.storage_gb per classification for each bucket or storage "
    "account (a replica holds as much as its source), priced at the class it is written in; lifecycle "
    "transitions to colder tiers are not modelled (storage is an upper bound).",
    "Not modelled (usage): data transfer, NAT/LB data processed, requests and key operations, log "
    "ingestion, node boot disks, noncurrent object versions.",
)


@dataclass(frozen=True)
class Line:
    """One priced item: a resource (or a part of one, e.g. a node pool's nodes)."""

    stack_id: str
    address: str
    what: str
    row: PriceRow
    quantity_min: float
    quantity_max: float
    monthly_min: float
    monthly_max: float


@dataclass(frozen=True)
class Missing:
    """A priced item whose row is not in the table."""

    stack_id: str
    address: str
    kind: str
    cloud: str
    region: str
    sku: str
    fix: str = ""

    def message(self, table_path: str = "cost/prices.yaml") -> str:
        if self.fix:
            return f"{self.stack_id}: {self.address}: {self.fix}"
        return (
            f"no price for {self.kind} {self.cloud}/{self.region}/{self.sku} "
            f"({self.stack_id}: {self.address}): add a row (kind: {self.kind}, cloud: {self.cloud}, "
            f"region: {self.region} or '*', sku: {self.sku!r}) to {table_path}"
        )


@dataclass
class StackCost:
    stack_id: str
    lines: list[Line] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    unclassified: dict[str, list[str]] = field(default_factory=dict)  # type -> addresses
    contract: dict[str, list[str]] = field(default_factory=dict)  # type -> addresses

    @property
    def monthly_min(self) -> float:
        return sum(line.monthly_min for line in self.lines)

    @property
    def monthly_max(self) -> float:
        return sum(line.monthly_max for line in self.lines)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unclassified


@dataclass(frozen=True)
class Assumptions:
    """What the plan does not say: GB per classification and hours per month."""

    storage_gb: Mapping[str, float]
    hours_per_month: float = DEFAULT_HOURS_PER_MONTH


class _Ctx:
    def __init__(self, plan: StackPlan, table: PriceTable, assumptions: Assumptions) -> None:
        self.plan = plan
        self.table = table
        self.assumptions = assumptions
        self.result = StackCost(plan.stack_id)

    # --- where a resource runs ------------------------------------------------------------------
    def region(self, block: Block, depth: int = 0) -> str:
        """The resource's own region/location, else its provider's region, else the region of the
        first resource it references (an AKS node pool runs where its cluster runs)."""
        cfg = block.config if isinstance(block.config, dict) else {}
        for key in ("region", "location"):
            value = cfg.get(key)
            if isinstance(value, str) and value and "${" not in value:
                return value.lower()
        provider = self.plan.blocks.get(block.provider_ref)
        if provider is not None and isinstance(provider.config, dict):
            value = provider.config.get("region")
            if isinstance(value, str) and value and "${" not in value:
                return value.lower()
        if depth < 2:
            for type_, name in _REF.findall(str(cfg)):
                ref = self.plan.blocks.get(f"{type_}.{name}")
                if ref is not None and ref.kind == "resource" and ref is not block:
                    found = self.region(ref, depth + 1)
                    if found != "*":
                        return found
        return "*"

    # --- recording ------------------------------------------------------------------------------
    def add(
        self,
        block: Block,
        kind: str,
        cloud: str,
        sku: str,
        qty_min: float,
        qty_max: float | None = None,
        what: str = "",
        region: str | None = None,
    ) -> None:
        region = (
            region
            if region is not None
            else (self.region(block) if cloud in ("aws", "gcp", "azure") else "*")
        )
        qty_max = qty_min if qty_max is None else qty_max
        row = self.table.lookup(kind, cloud, region, sku)
        if row is None:
            self.result.missing.append(Missing(self.plan.stack_id, block.address, kind, cloud, region, sku))
            return
        hours = self.assumptions.hours_per_month
        self.result.lines.append(
            Line(
                stack_id=self.plan.stack_id,
                address=block.address,
                what=what or sku,
                row=row,
                quantity_min=qty_min,
                quantity_max=qty_max,
                monthly_min=row.monthly(qty_min, hours),
                monthly_max=row.monthly(qty_max, hours),
            )
        )

    def storage_gb(self, block: Block, cloud: str, labels: Any) -> tuple[float, str] | None:
        """GB held, from the environment's assumption for the bucket's classification; None (and a
        missing entry) when the bucket has no classification the assumptions know."""
        labels = labels if isinstance(labels, dict) else {}
        key = (
            "access-logs"
            if labels.get("purpose") == "access-logs"
            else str(labels.get("data_classification", ""))
        )
        sizes = self.assumptions.storage_gb
        if key not in sizes:
            self.result.missing.append(
                Missing(
                    self.plan.stack_id,
                    block.address,
                    "storage",
                    cloud,
                    "*",
                    key or "(none)",
                    fix=f"no storage size for data_classification {key or '(no tag)'!r}: tag the bucket "
                    "with a classification, or add the key to cost.storage_gb in the environment file",
                )
            )
            return None
        return float(sizes[key]), key


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _first(value: Any) -> dict[str, Any]:
    """A nested block: cdktf writes some as a list of one mapping, some as a mapping."""
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


def _scale(what: str, lo: int, hi: int) -> str:
    return f"{lo}-{hi} x {what}" if lo != hi else f"{lo} x {what}"


# --- rules: one per priced resource type -----------------------------------------------------------


def _eks_cluster(ctx: _Ctx, b: Block) -> None:
    ctx.add(b, "control_plane", "aws", "eks", 1, what="EKS control plane")


def _eks_node_group(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    scaling = _first(cfg.get("scaling_config"))
    lo, hi = _int(scaling.get("min_size")), _int(scaling.get("max_size"))
    types = cfg.get("instance_types") or []
    sku = str(types[0]) if types else "(instance_types not set)"
    if cfg.get("capacity_type") == "SPOT":
        sku += ":spot"
    ctx.add(b, "instance", "aws", sku, lo, hi, what=_scale(sku, lo, hi))


def _gke_cluster(ctx: _Ctx, b: Block) -> None:
    if b.config.get("enable_autopilot"):
        ctx.add(b, "control_plane", "gcp", "gke-autopilot", 1, what="GKE Autopilot cluster fee")
    else:
        ctx.add(b, "control_plane", "gcp", "gke-standard", 1, what="GKE cluster management fee")


def _gke_node_pool(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    node = _first(cfg.get("node_config"))
    auto = _first(cfg.get("autoscaling"))
    if "total_min_node_count" in auto or "total_max_node_count" in auto:
        lo, hi = _int(auto.get("total_min_node_count")), _int(auto.get("total_max_node_count"))
    elif auto:  # per-zone limits: times the zones the pool runs in (3 when the plan does not say)
        zones = len(cfg.get("node_locations") or []) or 3
        lo, hi = _int(auto.get("min_node_count")) * zones, _int(auto.get("max_node_count")) * zones
    else:
        lo = hi = _int(cfg.get("node_count"), _int(cfg.get("initial_node_count")))
    sku = str(node.get("machine_type") or "e2-medium")  # the provider's default machine type
    if node.get("spot") or node.get("preemptible"):
        sku += ":spot"
    ctx.add(b, "instance", "gcp", sku, lo, hi, what=_scale(sku, lo, hi))
    # Accelerator-optimized machines (a2, a3, a4, g2) include their GPUs in the machine price.
    if not re.match(r"^(a\d|g\d)-", sku):
        for acc in node.get("guest_accelerator") or []:
            count = _int(acc.get("count"), 1)
            gpu = f"gpu:{acc.get('type')}"
            ctx.add(
                b, "instance", "gcp", gpu, lo * count, hi * count, what=_scale(gpu, lo * count, hi * count)
            )


def _aks_cluster(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    if cfg.get("sku_tier", "Free") != "Free":
        ctx.add(b, "control_plane", "azure", str(cfg.get("sku_tier")), 1, what="AKS control plane tier")
    _aks_pool(ctx, b, _first(cfg.get("default_node_pool")), "default node pool ")


def _aks_node_pool(ctx: _Ctx, b: Block) -> None:
    _aks_pool(ctx, b, b.config, "")


def _aks_pool(ctx: _Ctx, b: Block, pool: dict[str, Any], prefix: str) -> None:
    if pool.get("auto_scaling_enabled"):
        lo, hi = _int(pool.get("min_count")), _int(pool.get("max_count"))
    else:
        lo = hi = _int(pool.get("node_count"), 1)
    sku = str(pool.get("vm_size") or "(vm_size not set)")
    if pool.get("priority") == "Spot":
        sku += ":spot"
    ctx.add(b, "instance", "azure", sku, lo, hi, what=prefix + _scale(sku, lo, hi))


def _fixed(kind: str, cloud: str, sku: str, what: str) -> Callable[[_Ctx, Block], None]:
    def rule(ctx: _Ctx, b: Block) -> None:
        ctx.add(b, kind, cloud, sku, 1, what=what)

    return rule


def _aws_instance(ctx: _Ctx, b: Block) -> None:
    sku = str(b.config.get("instance_type") or "(instance_type not set)")
    ctx.add(b, "instance", "aws", sku, 1, what=f"1 x {sku}")


def _gce_instance(ctx: _Ctx, b: Block) -> None:
    sku = str(b.config.get("machine_type") or "(machine_type not set)")
    zone = str(b.config.get("zone") or "")
    # a zone is <region>-<letter> (cloud.google.com/compute/docs/regions-zones)
    region = zone.rsplit("-", 1)[0] if re.match(r"^[a-z]+-[a-z]+\d+-[a-z]$", zone) else None
    ctx.add(b, "instance", "gcp", sku, 1, what=f"1 x {sku}", region=region)


def _vpc_endpoint(ctx: _Ctx, b: Block) -> None:
    # Gateway endpoints (S3, DynamoDB) carry no charge; interface endpoints are billed per hour
    # per AZ (aws.amazon.com/privatelink/pricing/): those need a row.
    kind = str(b.config.get("vpc_endpoint_type") or "Gateway")
    if kind != "Gateway":
        ctx.add(b, "vpc_endpoint", "aws", kind, 1, what=f"{kind} VPC endpoint")


def _s3_bucket(ctx: _Ctx, b: Block) -> None:
    size = ctx.storage_gb(b, "aws", b.config.get("tags"))
    if size is None:
        return
    gb, key = size
    ctx.add(b, "storage", "aws", "STANDARD", gb, what=f"{gb:g} GB {key} (S3 Standard)")


def _gcs_bucket(ctx: _Ctx, b: Block) -> None:
    size = ctx.storage_gb(b, "gcp", b.config.get("labels"))
    if size is None:
        return
    gb, key = size
    sku = str(b.config.get("storage_class") or "STANDARD")
    ctx.add(b, "storage", "gcp", sku, gb, what=f"{gb:g} GB {key} ({sku})")


def _azure_storage_account(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    size = ctx.storage_gb(b, "azure", cfg.get("tags"))
    if size is None:
        return
    gb, key = size
    sku = f"{cfg.get('access_tier') or 'Hot'}:{cfg.get('account_replication_type') or 'LRS'}"
    ctx.add(b, "storage", "azure", sku, gb, what=f"{gb:g} GB {key} ({sku})")


def _gcp_kms_key(ctx: _Ctx, b: Block) -> None:
    level = str(_first(b.config.get("version_template")).get("protection_level") or "SOFTWARE")
    ctx.add(b, "kms_key", "gcp", level, 1, what=f"Cloud KMS key ({level})")


def _azure_key(ctx: _Ctx, b: Block) -> None:
    key_type = str(b.config.get("key_type"))
    if key_type.endswith("-HSM"):
        ctx.add(b, "kms_key", "azure", key_type, 1, what=f"Key Vault key ({key_type})")
    # Software keys (RSA, EC) are charged per operation only: usage, not modelled.


def _azure_gateway(ctx: _Ctx, b: Block) -> None:
    sku = str(b.config.get("sku"))
    kind = "interconnect" if b.config.get("type") == "ExpressRoute" else "vpn"
    ctx.add(b, kind, "azure", sku, 1, what=f"virtual network gateway {sku}")


def _express_route(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    sku = _first(cfg.get("sku"))
    name = f"expressroute:{sku.get('tier')}:{sku.get('family')}:{cfg.get('bandwidth_in_mbps')}"
    ctx.add(
        b, "interconnect", "azure", name, 1, what=f"ExpressRoute circuit {cfg.get('bandwidth_in_mbps')} Mbps"
    )


def _interconnect_attachment(ctx: _Ctx, b: Block) -> None:
    cfg = b.config
    sku = f"partner-attachment:{cfg.get('bandwidth') or cfg.get('type') or 'PARTNER'}"
    ctx.add(b, "interconnect", "gcp", sku, 1, what="Interconnect VLAN attachment")


def _megaport_mcr(ctx: _Ctx, b: Block) -> None:
    speed = b.config.get("port_speed")
    ctx.add(b, "interconnect", "megaport", f"mcr:{speed}", 1, what=f"MCR {speed} Mbps")


def _megaport_vxc(ctx: _Ctx, b: Block) -> None:
    rate = b.config.get("rate_limit")
    ctx.add(b, "interconnect", "megaport", f"vxc:{rate}", 1, what=f"VXC {rate} Mbps")


def _cf_pool(ctx: _Ctx, b: Block) -> None:
    origins = b.config.get("origins") or []
    n = len(origins) if isinstance(origins, list) else 1
    ctx.add(b, "edge", "cloudflare", "endpoint", n, what=f"{n} origin(s)")


RULES: dict[str, Callable[[_Ctx, Block], None]] = {
    "aws_eks_cluster": _eks_cluster,
    "aws_eks_node_group": _eks_node_group,
    "aws_nat_gateway": _fixed("nat_gateway", "aws", "nat-gateway", "NAT gateway"),
    "aws_eip": _fixed("public_ip", "aws", "ipv4", "public IPv4 address"),
    "aws_kms_key": _fixed("kms_key", "aws", "customer-managed", "KMS key"),
    "aws_s3_bucket": _s3_bucket,
    "aws_instance": _aws_instance,
    "aws_vpc_endpoint": _vpc_endpoint,
    "aws_cloudwatch_metric_alarm": _fixed("alarm", "aws", "standard", "CloudWatch alarm"),
    "aws_vpn_connection": _fixed("vpn", "aws", "site-to-site-connection", "Site-to-Site VPN connection"),
    "google_container_cluster": _gke_cluster,
    "google_container_node_pool": _gke_node_pool,
    "google_compute_router_nat": _fixed("nat_gateway", "gcp", "cloud-nat", "Cloud NAT gateway"),
    "google_kms_crypto_key": _gcp_kms_key,
    "google_storage_bucket": _gcs_bucket,
    "google_compute_instance": _gce_instance,
    "google_compute_address": lambda ctx, b: ctx.add(
        b, "public_ip", "gcp", str(b.config.get("address_type") or "EXTERNAL"), 1, what="static IP address"
    ),
    "google_compute_vpn_tunnel": _fixed("vpn", "gcp", "ha-vpn-tunnel", "HA VPN tunnel"),
    "google_compute_interconnect_attachment": _interconnect_attachment,
    "azurerm_kubernetes_cluster": _aks_cluster,
    "azurerm_kubernetes_cluster_node_pool": _aks_node_pool,
    "azurerm_storage_account": _azure_storage_account,
    "azurerm_bastion_host": lambda ctx, b: ctx.add(
        b, "bastion", "azure", str(b.config.get("sku") or "Basic"), 1, what="Bastion host"
    ),
    "azurerm_private_endpoint": _fixed("private_endpoint", "azure", "private-endpoint", "private endpoint"),
    "azurerm_private_dns_zone": _fixed("dns_zone", "azure", "private", "private DNS zone"),
    "azurerm_container_registry": lambda ctx, b: ctx.add(
        b, "registry", "azure", str(b.config.get("sku") or "Basic"), 1, what="container registry"
    ),
    "azurerm_key_vault_key": _azure_key,
    "azurerm_public_ip": lambda ctx, b: ctx.add(
        b, "public_ip", "azure", str(b.config.get("sku") or "Standard"), 1, what="public IP"
    ),
    "azurerm_virtual_network_gateway": _azure_gateway,
    "azurerm_express_route_circuit": _express_route,
    "megaport_mcr": _megaport_mcr,
    "megaport_vxc": _megaport_vxc,
    "cloudflare_load_balancer": _fixed("edge", "cloudflare", "load-balancer", "load balancer"),
    "cloudflare_load_balancer_pool": _cf_pool,
    "cloudflare_certificate_pack": _fixed(
        "edge", "cloudflare", "advanced-certificate-manager", "certificate pack"
    ),
}


def estimate_stack(plan: StackPlan, table: PriceTable, assumptions: Assumptions) -> StackCost:
    """Price every resource of ``plan``; report what has no price or no classification."""
    ctx = _Ctx(plan, table, assumptions)
    for address, block in sorted(plan.resources.items()):
        rule = RULES.get(block.type)
        if rule is not None:
            rule(ctx, block)
        elif block.type in table.contract:
            ctx.result.contract.setdefault(block.type, []).append(address)
        elif block.type not in table.no_charge:
            ctx.result.unclassified.setdefault(block.type, []).append(address)
    return ctx.result


def estimate(
    plans: Iterable[StackPlan], table: PriceTable, assumptions_for: Callable[[str], Assumptions]
) -> dict[str, StackCost]:
    """Cost per stack id; ``assumptions_for(env)`` gives each environment's assumptions."""
    return {p.stack_id: estimate_stack(p, table, assumptions_for(p.env)) for p in plans}
