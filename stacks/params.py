"""Typed, frozen parameter models for one environment (environments/<env>.yaml).

The models hold the defaults; an environment file states only what differs from them, so a
reviewer sees the differences between dev, staging and prod at a glance. Field-level rules live
here (types, ranges, patterns); rules that relate several fields (regions, CIDRs, ASNs, names)
live in stacks/validation.py so that every problem in a file is reported at once with its path.

Nothing here imports cdktf or a provider: loading and validating a file takes milliseconds.
"""

from __future__ import annotations

import copy
import re
from ipaddress import IPv4Network
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Cloud = Literal["aws", "gcp", "azure"]
Jurisdiction = Literal["us", "eu", "apac"]
Classification = Literal["pii", "training", "models", "models-gdpr", "archive"]
TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]
Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# Label/tag values must satisfy the strictest cloud (GCP labels): lowercase, digits, _ and -.
LabelValue = Annotated[str, Field(pattern=r"^[a-z0-9_-]{0,63}$")]
LabelKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,62}$")]
Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")]


class Model(BaseModel):
    """Base of every parameter model: immutable, unknown keys rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_bool_as_number(cls, data: Any) -> Any:
        """YAML `true` is not 1: pydantic's lax mode would take it for an int field. The value is
        handed on as the text `true`, so the int field reports it at its own key."""
        if not isinstance(data, dict):
            return data
        out = data
        for key, value in data.items():
            field = cls.model_fields.get(key) if isinstance(key, str) else None
            if isinstance(value, bool) and field is not None:
                annotation = field.annotation
                options = (
                    get_args(annotation) if get_origin(annotation) in (Union, UnionType) else (annotation,)
                )
                if int in options and bool not in options:
                    out = dict(out) if out is data else out
                    out[key] = str(value).lower()
        return out


# --------------------------------------------------------------------------------------------
# Node pools: one cloud-neutral spec per role; constructs_lib/specs.py translates it per cloud.
# --------------------------------------------------------------------------------------------

# The instance types a pool gets when the file leaves `instance_type` out (from the design's
# instance-type table). GPU defaults: "LLM serving" row.
DEFAULT_INSTANCE_TYPES: dict[str, dict[str, str]] = {
    "aws": {
        "system": "m6i.xlarge",
        "workload": "m5.2xlarge",
        "gpu": "g5.12xlarge",
        "batch": "m5.2xlarge",
        "training": "p4d.24xlarge",
    },
    "gcp": {
        "system": "n2-standard-4",
        "workload": "n2-standard-8",
        "gpu": "a2-highgpu-1g",
        "batch": "n2-standard-8",
        "training": "a2-ultragpu-8g",
    },
    "azure": {
        "system": "Standard_D4ds_v5",  # local temp disk: ephemeral OS disk
        "workload": "Standard_D8s_v3",
        "gpu": "Standard_NC24ads_A100_v4",
        "batch": "Standard_D8s_v3",
        "training": "Standard_NC96ads_A100_v4",
    },
}

# The accelerator each default GPU machine carries: `type` is the `accelerator` label value
# and, on GCP, the guest_accelerator type.
DEFAULT_ACCELERATORS: dict[str, dict[str, Any]] = {
    "aws": {"type": "nvidia-a10g", "count": 4},
    "gcp": {"type": "nvidia-tesla-a100", "count": 1},
    "azure": {"type": "nvidia-a100", "count": 1},
}

# The design's "Training" row: p4d.24xlarge carries 8 A100 40GB, a2-ultragpu-8g 8 A100 80GB
# (GCP accelerator type nvidia-a100-80gb), NC96ads_A100_v4 4 A100 80GB (the clouds' machine pages).
TRAINING_ACCELERATORS: dict[str, dict[str, Any]] = {
    "aws": {"type": "nvidia-a100", "count": 8},
    "gcp": {"type": "nvidia-a100-80gb", "count": 8},
    "azure": {"type": "nvidia-a100", "count": 4},
}

GPU_TAINT = {"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}
SYSTEM_TAINT = {"key": "CriticalAddonsOnly", "value": "true", "effect": "NoSchedule"}
BATCH_TAINT = {"key": "workload", "value": "batch", "effect": "NoSchedule"}


class Taint(Model):
    key: str = Field(pattern=r"^([a-z0-9.-]+/)?[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
    value: str = Field(default="", pattern=r"^[A-Za-z0-9._-]{0,63}$")
    effect: TaintEffect = "NoSchedule"


class Accelerator(Model):
    """The GPU a pool's machines carry. On GCP it becomes `guest_accelerator`."""

    type: str = Field(pattern=r"^[a-z0-9-]+$")
    count: int = Field(default=1, ge=1, le=16)
    # GCP gpu_driver_installation_config.gpu_driver_version
    driver_version: Literal["DEFAULT", "LATEST", "INSTALLATION_DISABLED"] = "LATEST"


class NodePool(Model):
    instance_type: str | None = Field(
        default=None, description="Machine type; left out, the cloud's default for the pool role."
    )
    min_size: int = Field(ge=0, le=1000)
    max_size: int = Field(ge=0, le=1000)
    desired_size: int | None = Field(default=None, ge=0, description="Left out: min_size.")
    disk_size_gb: int = Field(default=100, ge=20, le=4096)
    spot: bool = False
    taints: tuple[Taint, ...] = ()
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict)

    @property
    def initial_size(self) -> int:
        return self.desired_size if self.desired_size is not None else self.min_size


class SystemPool(NodePool):
    """Critical add-ons only: fixed size, on demand, tainted CriticalAddonsOnly."""

    min_size: int = Field(default=3, ge=1, le=1000)
    max_size: int = Field(default=3, ge=1, le=1000)
    taints: tuple[Taint, ...] = (Taint(**SYSTEM_TAINT),)
    labels: dict[LabelKey, LabelValue] = Field(default_factory=lambda: {"pool": "system"})


class WorkloadPool(NodePool):
    min_size: int = Field(default=5, ge=0, le=1000)
    max_size: int = Field(default=50, ge=0, le=1000)
    labels: dict[LabelKey, LabelValue] = Field(default_factory=lambda: {"pool": "workload"})


class GpuPool(NodePool):
    """Scale-from-zero GPU pool, tainted so only pods that tolerate the GPU taint land there."""

    min_size: int = Field(default=0, ge=0, le=1000)
    max_size: int = Field(default=10, ge=0, le=1000)
    taints: tuple[Taint, ...] = (Taint(**GPU_TAINT),)
    accelerator: Accelerator | None = Field(default=None, description="Left out: the cloud's default.")
    labels: dict[LabelKey, LabelValue] = Field(default_factory=lambda: {"pool": "gpu"})


class BatchPool(NodePool):
    """Optional spot/preemptible pool for fault-tolerant batch and training jobs."""

    min_size: int = Field(default=0, ge=0, le=1000)
    max_size: int = Field(default=20, ge=0, le=1000)
    spot: bool = True
    taints: tuple[Taint, ...] = (Taint(**BATCH_TAINT),)
    labels: dict[LabelKey, LabelValue] = Field(default_factory=lambda: {"pool": "batch"})


class TrainingPool(GpuPool):
    """Optional scale-from-zero pool on the design's training machines (p4d.24xlarge,
    a2-ultragpu-8g, NC96ads_A100_v4), GPU-tainted like the GPU pool."""

    max_size: int = Field(default=4, ge=0, le=1000)
    labels: dict[LabelKey, LabelValue] = Field(default_factory=lambda: {"pool": "training"})


class NodePools(Model):
    system: SystemPool = SystemPool()
    workload: WorkloadPool = WorkloadPool()
    gpu: GpuPool = GpuPool()
    batch: BatchPool | None = None
    training: TrainingPool | None = None

    def items(self) -> list[tuple[str, NodePool]]:
        pools: list[tuple[str, NodePool]] = [
            ("system", self.system),
            ("workload", self.workload),
            ("gpu", self.gpu),
        ]
        if self.batch is not None:
            pools.append(("batch", self.batch))
        if self.training is not None:
            pools.append(("training", self.training))
        return pools


# --------------------------------------------------------------------------------------------
# Clusters
# --------------------------------------------------------------------------------------------


class ClusterNetwork(Model):
    cidr: IPv4Network = Field(description="VPC / VNet / primary subnetwork range.")
    pods_cidr: IPv4Network | None = Field(default=None, description="Pod range (GKE secondary, AKS overlay).")
    services_cidr: IPv4Network | None = Field(default=None, description="Service range.")
    nat: bool = Field(default=True, description="Egress through managed NAT (nodes have no public IPs).")

    def ranges(self) -> list[tuple[str, IPv4Network]]:
        out = [("cidr", self.cidr)]
        if self.pods_cidr is not None:
            out.append(("pods_cidr", self.pods_cidr))
        if self.services_cidr is not None:
            out.append(("services_cidr", self.services_cidr))
        return out


class ClusterSecurity(Model):
    """Secure defaults. Turning one off needs a stated reason (kept in the plan as a tag/comment)."""

    public_endpoint: bool = False
    public_endpoint_reason: str | None = None
    authorized_cidrs: tuple[IPv4Network, ...] = Field(
        default=(), description="Networks allowed to reach the API endpoint (private or public)."
    )
    deletion_protection: bool = True
    deletion_protection_reason: str | None = None
    audit_log_retention_days: int = Field(default=365, ge=1, le=3653)
    key_rotation_days: int = Field(default=90, ge=1, le=365)


class Maintenance(Model):
    upgrade_channel: Literal["rapid", "regular", "stable"] = "stable"
    day: Weekday = "Sunday"
    start_hour_utc: int = Field(default=3, ge=0, le=23)
    # 12: GKE refuses windows leaving under 48 h of maintenance per 32 days (4 weekly windows).
    duration_hours: int = Field(default=12, ge=4, le=24)


class Cluster(Model):
    name: Name
    cloud: Cloud
    region: str
    jurisdiction: Jurisdiction
    role: str = Field(default="", description="What the cluster is for (primary, dr, eu, training...).")
    kubernetes_version: str = Field(pattern=r"^1\.[0-9]{2}$", description="Left out: the environment's.")
    zones: tuple[str, ...] | None = Field(default=None, description="Left out: three zones of the region.")
    network: ClusterNetwork
    node_pools: NodePools = NodePools()
    security: ClusterSecurity = ClusterSecurity()
    maintenance: Maintenance = Maintenance()
    ingress_hostname: str | None = Field(default=None, description="Left out: ingress.<name>.<dns_zone>.")

    @model_validator(mode="before")
    @classmethod
    def _cloud_defaults(cls, data: Any) -> Any:
        """Fill pool instance types and the GPU accelerator from the cloud's defaults."""
        if not isinstance(data, dict) or not isinstance(data.get("cloud"), str):
            return data
        if data["cloud"] not in DEFAULT_INSTANCE_TYPES:
            return data
        data = copy.deepcopy(data)
        cloud = data["cloud"]
        pools = data.setdefault("node_pools", {}) or {}
        if not isinstance(pools, dict):
            return data  # the field error says what node_pools must be
        data["node_pools"] = pools
        for role in ("system", "workload", "gpu"):
            pools.setdefault(role, {})
        for role, pool in pools.items():
            if isinstance(pool, dict) and role in DEFAULT_INSTANCE_TYPES[cloud]:
                pool.setdefault("instance_type", DEFAULT_INSTANCE_TYPES[cloud][role])
        for role, accelerators in (("gpu", DEFAULT_ACCELERATORS), ("training", TRAINING_ACCELERATORS)):
            gpu = pools.get(role)
            if isinstance(gpu, dict):
                gpu.setdefault("accelerator", dict(accelerators[cloud]))
                accel = gpu["accelerator"]
                if isinstance(accel, dict):
                    labels = gpu.setdefault("labels", {"pool": role})
                    if isinstance(labels, dict):
                        labels.setdefault("accelerator", accel.get("type"))
        return data

    @property
    def minor_version(self) -> str:
        return self.kubernetes_version


class PartialNetwork(Model):
    """`network` inside cluster_defaults: every key optional (a cluster still needs its own cidr)."""

    cidr: IPv4Network | None = None
    pods_cidr: IPv4Network | None = None
    services_cidr: IPv4Network | None = None
    nat: bool | None = None


class ClusterDefaults(Model):
    """`cluster_defaults`: a typed partial cluster, merged under every cluster entry.

    Every key is optional and unknown keys are refused, so a mistake here is reported once at
    `cluster_defaults.<path>` instead of once per cluster. Identity keys (name, cloud, region,
    jurisdiction, ingress_hostname) are not accepted: they differ per cluster by definition.
    The pool, security and maintenance models are the cluster's own: their fields all have
    defaults, so a partial entry validates against them field by field.
    """

    role: str | None = None
    kubernetes_version: str | None = Field(default=None, pattern=r"^1\.[0-9]{2}$")
    zones: tuple[str, ...] | None = None
    network: PartialNetwork | None = None
    node_pools: NodePools | None = None
    security: ClusterSecurity | None = None
    maintenance: Maintenance | None = None


# --------------------------------------------------------------------------------------------
# Data lakes
# --------------------------------------------------------------------------------------------


class LifecycleTiers(Model):
    """hot -> warm -> cold, in days since creation (design: 30 and 90)."""

    warm_after_days: int = Field(default=30, ge=30, description="S3 STANDARD_IA minimum is 30 days.")
    cold_after_days: int = Field(default=90, ge=1)
    noncurrent_cold_after_days: int = Field(default=30, ge=1)
    noncurrent_expire_after_days: int | None = Field(default=None, ge=1, description="Left out: kept.")
    abort_incomplete_multipart_days: int = Field(default=7, ge=1)


class DataLake(Model):
    enabled: bool = True
    zones: tuple[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")], ...] = (
        "raw",
        "processed",
        "curated",
        "models",
    )
    classifications: tuple[Classification, ...] = ("pii", "training", "models", "models-gdpr", "archive")
    tiers: LifecycleTiers = LifecycleTiers()
    archive_retention_days: int = Field(default=2557, ge=1, description="Compliance archive: 7 years.")
    archive_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    access_log_retention_days: int = Field(default=365, ge=1)
    replica_regions: dict[str, str] = Field(
        default_factory=dict,
        description="Source region -> replica region (same cloud) for classifications allowed to replicate.",
    )
    force_destroy: bool = Field(default=False, description="Only for throwaway environments.")
    erasure_days: dict[Classification, int] = Field(
        default_factory=lambda: dict[Classification, int]({"pii": 30, "models-gdpr": 30}),
        description="Classification -> days after which a noncurrent (overwritten or deleted) version is "
        "deleted on every cloud, so an erasure request completes. `archive` is refused: its "
        "compliance lock decides. Classifications left out keep noncurrent_expire_after_days.",
    )


# --------------------------------------------------------------------------------------------
# Interconnect: Megaport (prod) or site-to-site VPN (dev/staging)
# --------------------------------------------------------------------------------------------


class OnRamp(Model):
    """Where a cloud's Megaport partner ports are: `megaport_partner` filters (provider 1.13.1
    internal/provider/partner_port_data_source.go filters on product_name, connect_type,
    company_name, location_id and diversity_zone). The diversity zone is the router's."""

    location_id: int = Field(ge=1, description="Megaport location id of the on-ramp (its name in a comment).")
    product_name: str = Field(
        min_length=1,
        description="The partner port's product name, e.g. 'US East (N. Virginia) (us-east-1)' for AWS.",
    )
    metro: Name = Field(
        description="Short name of the on-ramp's metro; names the VXC (vxc_<cluster>_<zone>_<metro>)."
    )


class VxcPlan(Model):
    """One virtual cross connect from a Megaport Cloud Router to one cloud's on-ramp.

    The VXC's diversity zone is its router's (`routers[].diversity_zone`)."""

    cloud: Cloud
    cluster: Name = Field(description="The cluster whose network this VXC lands in.")
    vlan: int = Field(ge=2, le=4093, description="VLAN on the cloud side (Azure peering VLAN, AWS VIF VLAN).")
    rate_limit_mbps: int | None = Field(default=None, ge=1, description="Left out: the interconnect's.")
    onramp: OnRamp | None = Field(
        default=None, description="AWS and GCP: the partner port's on-ramp. Azure: left out (service key)."
    )


class MegaportRouter(Model):
    name: Name
    jurisdiction: Jurisdiction
    diversity_zone: Literal["red", "blue"] = Field(
        description="The MCR's diversity zone; a jurisdiction has one red and one blue router so the two "
        "paths to each cloud share no router."
    )
    location_id: int = Field(ge=1, description="Megaport location id of the MCR (megaport_location).")
    asn: int = Field(ge=1, le=4294967295)
    port_speed_mbps: Literal[1000, 2500, 5000, 10000, 25000, 50000, 100000] = 10000
    azure_peering_location: str = Field(description="ExpressRoute peering location served by Megaport.")
    vxcs: tuple[VxcPlan, ...]


class SlaClaims(Model):
    """The availability each cloud path claims (percent); validation refuses a claim the topology
    cannot meet (stacks/interconnect_plan.py path_slas)."""

    aws: float = Field(default=99.99, ge=0, le=100)
    gcp: float = Field(default=99.99, ge=0, le=100)
    azure: float = Field(default=99.95, ge=0, le=100)


class Megaport(Model):
    kind: Literal["megaport"] = "megaport"
    environment: Literal["production", "staging", "development"] = "production"
    contract_term_months: Literal[1, 12, 24, 36, 48, 60] = 12
    rate_limit_mbps: int = Field(default=10000, ge=1, description="VXC speed unless a VXC sets its own.")
    wait_time_minutes: int = Field(
        default=30,
        ge=1,
        description="Provider wait_time: its default is 10 and its docs advise more for VXCs to cloud providers.",
    )
    aws_amazon_side_asn: int = Field(default=64512, ge=1)
    azure_circuit_bandwidth_mbps: int = Field(default=10000, ge=50)
    azure_sku_tier: Literal["Standard", "Premium"] = "Standard"
    azure_gateway_sku: Literal["ErGw1AZ", "ErGw2AZ", "ErGw3AZ"] = Field(
        default="ErGw3AZ", description="ExpressRoute gateway; must carry azure_circuit_bandwidth_mbps."
    )
    sla_claims: SlaClaims = SlaClaims()
    link_cidr: IPv4Network = Field(
        default=IPv4Network("192.168.255.0/24"),
        description="Pool of the /30s of the links (AWS VIF and Azure peering addresses): a /26 per "
        "router in file order, a /30 per VXC by position (see stacks/interconnect_plan.py). "
        "Must not overlap any cluster range.",
    )
    routers: tuple[MegaportRouter, ...] = Field(min_length=1)


class Vpn(Model):
    kind: Literal["vpn"] = "vpn"
    hub_cluster: Name | None = Field(
        default=None,
        description="Left out: a full mesh between every two clusters on different clouds. Set: only "
        "the hub's links to the other clouds' clusters (the hub must be on AWS or Azure).",
    )
    aws_amazon_side_asn: int = Field(default=64512, ge=1)
    gcp_router_asn: int = Field(default=65010, ge=1)
    azure_gateway_asn: int = Field(default=65515, ge=1)
    throughput_mbps: int = Field(
        default=1000,
        ge=100,
        description="What each link must carry (design: VPN 1-10 Gbps). Sizes the Azure gateway (validated).",
    )
    azure_gateway_sku: Literal["VpnGw1AZ", "VpnGw2AZ", "VpnGw3AZ", "VpnGw4AZ", "VpnGw5AZ"] = Field(
        default="VpnGw2AZ", description="Azure VPN gateway; must carry throughput_mbps."
    )
    tunnels_per_link: Literal[2] = 2
    bgp_inside_cidr: IPv4Network = Field(
        default=IPv4Network("169.254.21.0/24"),
        description="Link-local pool the /30 tunnel inside addresses come from (Azure APIPA range).",
    )


# --------------------------------------------------------------------------------------------
# Edge (Cloudflare) and Vault
# --------------------------------------------------------------------------------------------


class Monitor(Model):
    """Health checks. The design detects a failed cluster within 30 s (architecture, "Failover
    Process" step 1): interval x consecutive_down + timeout must stay within
    `edge.failure_detection_seconds` (validated). A 10 s interval needs a Cloudflare plan that allows it."""

    type: Literal["http", "https"] = "https"
    path: str = "/healthz"
    port: int = Field(default=443, ge=1, le=65535)
    expected_codes: str = "200"
    interval_seconds: int = Field(default=10, ge=5, le=3600)
    timeout_seconds: int = Field(default=5, ge=1, le=10)
    retries: int = Field(default=1, ge=0, le=5, description="Immediate retries of a timed-out check.")
    consecutive_down: int = Field(default=2, ge=1, description="Failed checks before an origin is unhealthy.")
    consecutive_up: int = Field(
        default=2, ge=1, description="Passed checks before an origin is healthy again."
    )


class Edge(Model):
    enabled: bool = True
    cloudflare_account_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    cloudflare_zone_id: str = Field(pattern=r"^[0-9a-f]{32}$")
    api_hostname: str = Field(default="api", description="Relative to dns_zone.")
    residency_hostnames: dict[Jurisdiction, str] = Field(
        default_factory=lambda: dict[Jurisdiction, str]({"eu": "api.eu"}),
        description="Hostnames whose traffic never leaves the jurisdiction (pools and fallback inside it).",
    )
    steering_policy: Literal[
        "off",
        "geo",
        "random",
        "dynamic_latency",
        "proximity",
        "least_outstanding_requests",
        "least_connections",
    ] = Field(
        default="geo",
        description="geo: region_pools (the residency map's Cloudflare regions) decide; random / "
        "least_outstanding_requests / least_connections: pool_weights decide and no region map is sent; "
        "proximity / dynamic_latency / off: no region map (Cloudflare would ignore it).",
    )
    pool_weights: dict[Cloud, int] = Field(
        default_factory=lambda: dict[Cloud, int]({"aws": 40, "gcp": 40, "azure": 20}),
        description="Traffic share per cloud in percent (design: 40/40/20), split evenly over the cloud's "
        "pools. Applied only by weighted steering (random, least_outstanding_requests, least_connections).",
    )
    session_affinity: Literal["none", "cookie", "ip_cookie", "header"] = "cookie"
    session_affinity_ttl_seconds: int = Field(default=1800, ge=1800, le=604800)
    zero_downtime_failover: Literal["none", "temporary", "sticky"] = Field(
        default="sticky",
        description="sticky: a session pinned to a failed origin moves for good (no flapping back); "
        "temporary: moves back when the origin recovers; none: the session fails with its origin.",
    )
    failover_across_pools: bool = True
    fallback_cluster: Name | None = Field(default=None, description="Left out: the first cluster.")
    monitor: Monitor = Monitor()
    failure_detection_seconds: int = Field(default=30, ge=5, description="Design: failure detected in 30 s.")
    min_tls_version: Literal["1.2", "1.3"] = Field(default="1.3", description="Design: TLS 1.3 in transit.")
    regional_hostname_keys: dict[Jurisdiction, str] = Field(
        default_factory=lambda: dict[Jurisdiction, str]({"eu": "eu", "us": "us"}),
        description="Cloudflare Data Localization Suite region key per jurisdiction: a residency hostname "
        "gets a cloudflare_regional_hostname so TLS and WAF run only in that region (validated).",
    )
    advanced_certificate: bool = Field(
        default=True,
        description="Order an advanced certificate covering every hostname deeper than one level below "
        "dns_zone (Universal SSL covers the apex and *.<zone> only). False: such hostnames are refused.",
    )


class VaultRole(Model):
    """One platform role: Vault policy paths, and which data-lake classifications it may read or
    write. The access is declared once, per classification; each cloud's permissions for a level
    come from constructs_lib/data_access.py, granted on that classification's buckets / storage
    accounts only (stacks/data_grants.py). A classification left out is not reachable at all:
    `pii` only for the roles that list it."""

    name: Name
    description: str = ""
    vault_paths: dict[str, tuple[Literal["create", "read", "update", "delete", "list", "sudo", "patch"], ...]]
    data_access: dict[Classification, Literal["read", "write"]] = Field(
        default_factory=dict,
        description="Data-lake classification -> read or write, on every cloud and region of the environment.",
    )
    data_clouds: tuple[Cloud, ...] | None = Field(
        default=None,
        description="Clouds whose lakes data_access applies to. Left out: every cloud of the environment "
        "(a Community Vault issues credentials on its home cloud only: list that cloud).",
    )
    pki_issue: bool = Field(
        default=True, description="May issue service mTLS certificates (pki_int/issue/...)."
    )


def _default_roles() -> tuple[VaultRole, ...]:
    return (
        VaultRole(
            name="data-scientist",
            description="Reads training data and models, writes experiments, runs training jobs.",
            vault_paths={
                "secret/data/training/*": ("read", "list"),
                "secret/data/experiments/*": ("create", "read", "update", "list"),
                "secret/data/models/*": ("read", "list"),
            },
            data_access={"training": "read", "models": "read", "models-gdpr": "read"},
        ),
        VaultRole(
            name="ml-engineer",
            description="Reads models, writes deployments, runs inference.",
            vault_paths={
                "secret/data/models/*": ("read", "list"),
                "secret/data/deployments/*": ("create", "read", "update", "list"),
            },
            data_access={"models": "write", "models-gdpr": "write"},
        ),
        VaultRole(
            name="admin",
            description="Platform administrators.",
            vault_paths={
                "secret/*": ("create", "read", "update", "delete", "list"),
                "sys/policies/acl/*": ("read", "list"),
            },
            data_access={
                "pii": "write",
                "training": "write",
                "models": "write",
                "models-gdpr": "write",
                "archive": "write",
            },
        ),
    )


class KubernetesBinding(Model):
    """A Kubernetes service account that may log in to Vault with a role."""

    namespace: str = Field(pattern=r"^[a-z0-9-]{1,63}$")
    service_account: str = Field(pattern=r"^[a-z0-9-]{1,63}$")
    role: Name


class VaultServers(Model):
    """Where Vault's servers run and the addresses they reach the clusters' API servers from."""

    home_cluster: Name | None = Field(default=None, description="Left out: the first cluster.")
    source_cidrs: tuple[IPv4Network, ...] = Field(
        default=(),
        description="Networks Vault's requests to API servers come from. Left out: the home cluster's "
        "network and pod ranges. Every cluster's API server must admit them (authorized ranges).",
    )


CostStorageKey = Classification | Literal["access-logs"]
DEFAULT_STORAGE_GB: dict[CostStorageKey, int] = {
    "pii": 1_000,
    "training": 20_000,
    "models": 2_000,
    "models-gdpr": 1_000,
    "archive": 10_000,
    "access-logs": 100,
}


class CostAssumptions(Model):
    """What `make cost` and the review's cost section assume where the plan says nothing
    (python -m cost; prices in cost/prices.yaml). Changing it changes no infrastructure."""

    storage_gb: dict[CostStorageKey, Annotated[int, Field(ge=0)]] = Field(
        default_factory=lambda: dict(DEFAULT_STORAGE_GB),
        description="Data held per bucket / storage account of each classification, in GB (a replica "
        "holds the same). Keys left out keep their default; access-logs: the access-log buckets.",
    )
    hours_per_month: float = Field(default=730, gt=0, le=744, description="730 = 8,760 h / 12.")

    @model_validator(mode="before")
    @classmethod
    def _merge_storage_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("storage_gb"), dict):
            data = {**data, "storage_gb": {**DEFAULT_STORAGE_GB, **data["storage_gb"]}}
        return data


class Vault(Model):
    enabled: bool = True
    address: str = Field(pattern=r"^https://", description="TLS only.")
    edition: Literal["community", "enterprise"] = Field(
        description="community: the secrets engines use the Vault servers' own cloud identity, so only the "
        "home cluster's cloud gets an engine; enterprise: plugin workload identity federation on every cloud."
    )
    min_version: str = Field(
        default="1.17",
        pattern=r"^1\.\d{1,2}$",
        description="Oldest Vault server version deployed; plugin WIF needs Enterprise 1.16 (AWS) / 1.17 (GCP, Azure).",
    )
    servers: VaultServers = VaultServers()
    aws_max_sts_ttl_seconds: int = Field(
        default=3600, ge=900, description="AWS caps role chaining at 1 h (validated)."
    )
    gcp_token_ttl_seconds: int = Field(default=3600, ge=60, description="GCP access tokens live at most 1 h.")
    azure_credential_ttl_seconds: int = Field(default=3600, ge=60)
    azure_credential_max_ttl_seconds: int = Field(default=14400, ge=60)
    kv_mount_path: str = "secret"
    audit_file_path: str = "/vault/audit/audit.log"
    pki_root_ttl_days: int = Field(default=3650, ge=1)
    pki_intermediate_ttl_days: int = Field(default=365, ge=1)
    pki_domain: str | None = Field(default=None, description="Left out: svc.<dns_zone>.")
    token_ttl_seconds: int = Field(default=3600, ge=60)
    roles: tuple[VaultRole, ...] = Field(default_factory=_default_roles)
    kubernetes_bindings: tuple[KubernetesBinding, ...] = (
        KubernetesBinding(namespace="ml-training", service_account="trainer", role="data-scientist"),
        KubernetesBinding(namespace="ml-serving", service_account="inference", role="ml-engineer"),
    )


class Runner(Model):
    """The network the Terraform runner (CI or an operator) reaches the clouds' data planes from.

    Terraform creates Key Vault keys through the vault's data plane from the machine that runs it,
    so a vault that denies all networks needs at least one of these (stacks/validation.py refuses
    an environment with Azure key vaults and no path). Storage accounts are managed through ARM
    only (the provider's `data_plane_available = false`; containers by `storage_account_id` use the
    Resource Manager client, azurerm v4.55.0 internal/services/storage/storage_container_resource.go),
    so they need no runner path.
    """

    ip_ranges: tuple[IPv4Network, ...] = Field(
        default=(), description="Public egress ranges of the runner (a CI NAT, an operator VPN)."
    )
    azure_subnet_ids: tuple[
        Annotated[
            str,
            Field(
                pattern=r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/"
                r"virtualNetworks/[^/]+/subnets/[^/]+$"
            ),
        ],
        ...,
    ] = Field(
        default=(),
        description="Subnets of a self-hosted runner (with the Microsoft.KeyVault service endpoint).",
    )
    private_endpoints: bool = Field(
        default=False,
        description="The runner reaches the vaults through the private endpoints in the AKS VNets and "
        "resolves their private DNS zones (peered network or a runner inside the VNet).",
    )

    @property
    def declared(self) -> bool:
        return bool(self.ip_ranges or self.azure_subnet_ids or self.private_endpoints)


# --------------------------------------------------------------------------------------------
# State backends
# --------------------------------------------------------------------------------------------


class LocalBackend(Model):
    """Local state: terraform.<stack>.tfstate beside each stack (offline default)."""

    kind: Literal["local"] = "local"


class S3Backend(Model):
    kind: Literal["s3"]
    bucket: str = Field(
        pattern=r"^[a-z0-9][a-z0-9.-]{1,49}[a-z0-9]$",
        description="S3 bucket name, at most 51 characters: its server access logs go to "
        "`<bucket>-access-logs`, and S3 allows 63.",
    )
    region: str
    key_prefix: str = "cdktf"
    encrypt: Literal[True] = True


class GcsBackend(Model):
    kind: Literal["gcs"]
    bucket: str
    prefix: str = "cdktf"


class AzurermBackend(Model):
    kind: Literal["azurerm"]
    resource_group_name: str
    storage_account_name: str
    container_name: str = "tfstate"


class RemoteBackend(Model):
    """HCP Terraform / Terraform Enterprise: one workspace per stack, `<prefix><stack id>`."""

    kind: Literal["remote"]
    organization: str
    workspace_prefix: str = ""
    hostname: str = "app.terraform.io"


Backend = Annotated[
    LocalBackend | S3Backend | GcsBackend | AzurermBackend | RemoteBackend, Field(discriminator="kind")
]


# --------------------------------------------------------------------------------------------
# Day-2 access: CI through OIDC federation, people through SSO (stacks/identity_stack.py,
# stacks/access_stack.py)
# --------------------------------------------------------------------------------------------

Uuid = Annotated[str, Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
GithubEnvironment = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,255}$")]


class GithubCi(Model):
    """The GitHub repository whose workflow plans and deploys this environment, keyless.

    The OIDC token's subject is `repo:<repository>:environment:<name>` for a job that names a
    GitHub environment; the plan role trusts `plan_environment` only, the deploy role
    `deploy_environment` only (protect it with required reviewers and a main-only branch rule).
    """

    repository: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", description="owner/name")
    plan_environment: GithubEnvironment = "plan"
    deploy_environment: GithubEnvironment = Field(
        description="Protected GitHub environment of the deploy job."
    )


class RoleAccess(Model):
    """One unified role (a `vault.roles` name) as the identity provider and the clusters see it."""

    role: Name
    idp_group: str = Field(
        pattern=r"^[A-Za-z0-9_.@-]{1,120}$", description="Okta group name (the groups claim)."
    )
    kubernetes: Literal["admin", "edit", "view"] = Field(
        description="Access on every cluster: admin = cluster-admin, edit = read/write workloads, view = read-only."
    )
    azure_group_object_id: Uuid = Field(
        description="Object id of the Entra group Okta provisions for idp_group."
    )


GKE_SECURITY_GROUP = re.compile(r"gke-security-groups@([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


class Sso(Model):
    """Okta in front of every cloud (design: SAML to AWS IAM, OIDC to GCP IAM and to Entra ID)."""

    aws_saml_metadata_file: str = Field(
        pattern=r"^[A-Za-z0-9_./-]+\.xml$",
        description="Okta's SAML metadata for the AWS app, relative to environments/.",
    )
    gcp_organization_id: str = Field(pattern=r"^\d{6,20}$", description="Parent of the workforce pool.")
    oidc_issuer_uri: str = Field(pattern=r"^https://", description="Okta authorization server (OIDC issuer).")
    gcp_oidc_client_id: str = Field(min_length=1, description="Okta OIDC app client id for Google Cloud.")
    gke_security_group: str = Field(
        description="Google Groups for RBAC on every GKE cluster (authenticator_groups_config): the "
        "Google Workspace / Cloud Identity group `gke-security-groups@<your domain>` whose member "
        "groups Kubernetes RoleBindings may name. GKE accepts no other group name.",
        # For editors only: the validator below checks it with a message that names the rule.
        json_schema_extra={"pattern": f"^{GKE_SECURITY_GROUP.pattern}$"},
    )
    roles: tuple[RoleAccess, ...] = Field(min_length=1)

    @field_validator("gke_security_group")
    @classmethod
    def _gke_security_group_name(cls, value: str) -> str:
        # google 6.50 container_cluster, authenticator_groups_config.security_group: "Group name
        # must be in format gke-security-groups@yourdomain.com" (resource_container_cluster.go).
        if not GKE_SECURITY_GROUP.fullmatch(value):
            raise ValueError(
                "not a GKE security group: GKE requires the Google group named exactly "
                "gke-security-groups@<your Workspace domain>, e.g. gke-security-groups@example.com"
            )
        return value


# --------------------------------------------------------------------------------------------
# The environment
# --------------------------------------------------------------------------------------------


class AwsAccount(Model):
    account_id: str = Field(pattern=r"^[0-9]{12}$")


class GcpAccount(Model):
    project_id: str = Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")


class AzureAccount(Model):
    subscription_id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    tenant_id: str = Field(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Accounts(Model):
    aws: AwsAccount
    gcp: GcpAccount
    azure: AzureAccount


def deep_merge(base: Any, override: Any) -> Any:
    """Dicts merge key by key (override wins); anything else is replaced by the override."""
    if isinstance(base, dict) and isinstance(override, dict):
        out = dict(base)
        for key, value in override.items():
            out[key] = deep_merge(base[key], value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


class Registry(Model):
    """Container registries, one per cloud and jurisdiction (issue 19), next to that jurisdiction's
    first cluster of the cloud; AWS and Azure replicate to the cloud's other cluster regions of the
    jurisdiction, never outside it."""

    enabled: bool = True
    repositories: tuple[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")], ...] = Field(
        default=("serving", "training", "tools"),
        description="ECR repositories (`<env>/<name>`); Artifact Registry and ACR hold any image path.",
    )


class Budget(Model):
    """A monthly budget per cloud for the environment, alerting at each threshold (percent of the
    amount, actual spend; the last one also on forecast)."""

    monthly_usd: dict[Cloud, int] = Field(description="Monthly amount per cloud, in USD (whole dollars).")
    thresholds_percent: tuple[Annotated[int, Field(ge=1, le=1000)], ...] = (50, 80, 100)
    gcp_billing_account: str = Field(
        pattern=r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$",
        description="Billing account the GCP budget belongs to (google_billing_budget.billing_account).",
    )
    azure_start_month: str = Field(
        default="2026-12",
        pattern=r"^20[2-9][0-9]-(0[1-9]|1[0-2])$",
        description="First month of the Azure budget (azurerm: start_date is the first of a month, "
        "not more than 12 months ahead; changing it replaces the budget).",
    )


class Notifications(Model):
    """The environment's one notification target: budget, replication and edge alerts go here."""

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class CostAllocation(Model):
    """Cost-allocation tags every taggable resource carries (with `env`)."""

    team: LabelValue = Field(description="The team that pays.")
    model: LabelValue = Field(default="shared", description="The model the spend serves; shared: platform.")


class Environment(Model):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9]{1,9}$")]
    kubernetes_version: str = Field(default="1.34", pattern=r"^1\.[0-9]{2}$")
    dns_zone: str = Field(pattern=r"^([a-z0-9-]+\.)+[a-z]{2,}$")
    accounts: Accounts
    tags: dict[LabelKey, LabelValue] = Field(
        default_factory=dict, description="Extra tags on every resource."
    )
    backend: Backend = LocalBackend()
    ci: GithubCi | None = Field(default=None, description="Left out: no CI identities are declared.")
    sso: Sso | None = Field(default=None, description="Left out: no SSO and no human cluster access.")
    cluster_defaults: ClusterDefaults = Field(
        default_factory=lambda: ClusterDefaults(),
        description="Merged under every cluster entry (the cluster's own keys win).",
    )
    clusters: tuple[Cluster, ...] = Field(min_length=1)
    data_lake: DataLake = DataLake()
    interconnect: Annotated[Megaport | Vpn, Field(discriminator="kind")]
    edge: Edge
    vault: Vault
    registry: Registry = Registry()
    cost_allocation: CostAllocation
    budget: Budget
    notifications: Notifications
    runner: Runner = Runner()
    cost: CostAssumptions = CostAssumptions()

    @model_validator(mode="before")
    @classmethod
    def _expand_cluster_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not isinstance(data.get("clusters"), list):
            return data
        data = dict(data)
        defaults = data.get("cluster_defaults") or {}
        version = data.get("kubernetes_version", cls.model_fields["kubernetes_version"].default)
        clusters = []
        for entry in data["clusters"]:
            if isinstance(entry, dict):
                entry = deep_merge(defaults, entry) if isinstance(defaults, dict) else dict(entry)
                entry.setdefault("kubernetes_version", version)
                if "name" in entry and isinstance(data.get("dns_zone"), str):
                    entry.setdefault("ingress_hostname", f"ingress.{entry['name']}.{data['dns_zone']}")
            clusters.append(entry)
        data["clusters"] = clusters
        return data

    def cluster(self, name: str) -> Cluster:
        for c in self.clusters:
            if c.name == name:
                return c
        raise KeyError(name)

    def clusters_of(self, cloud: str) -> tuple[Cluster, ...]:
        return tuple(c for c in self.clusters if c.cloud == cloud)
