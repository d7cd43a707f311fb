"""The cloud-neutral node pool spec and the ONE place that translates it per cloud.

A reader should see "GPU pool 0-10, tainted nvidia.com/gpu" become an EKS node group, a GKE node
pool and an AKS node pool side by side:

    spec = NodePoolSpec(role="gpu", instance_type="g5.12xlarge", min_size=0, max_size=10,
                        taints=(Taint("nvidia.com/gpu", "present"),), labels={"accelerator": "nvidia-a10g"},
                        accelerator=Accelerator("nvidia-a10g", 4))
    to_eks(spec)  -> EksNodeGroup arguments   (taint effect NO_SCHEDULE, ami_type AL2023_x86_64_NVIDIA)
    to_gke(spec)  -> ContainerNodePool arguments (taint effect NO_SCHEDULE, guest_accelerator)
    to_aks(spec)  -> KubernetesClusterNodePool arguments (node_taints "nvidia.com/gpu=present:NoSchedule")

The functions return plain dictionaries whose keys are the Terraform argument names of the typed
bindings (aws 6.25 `eks_node_group`, google 6.50 `container_node_pool`, azurerm 4.55
`kubernetes_cluster_node_pool`), typed as TypedDicts, so mypy checks every key and value where
the constructs pass them to the binding classes (which reject an unknown key at run time too). Nothing here imports cdktf, so the translation is tested in milliseconds.
What each cloud needs beyond the spec (subnets, service accounts, launch templates) is the
constructs' business.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NotRequired, TypedDict, overload

Effect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]

# Kubernetes spells taint effects NoSchedule; EKS and GKE want the API enum, AKS the kubectl form.
EFFECT_ENUM: dict[str, str] = {
    "NoSchedule": "NO_SCHEDULE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
}

# The AMI type that brings the NVIDIA driver and container toolkit on EKS (provider-facts.md).
EKS_AMI_STANDARD = "AL2023_x86_64_STANDARD"
EKS_AMI_NVIDIA = "AL2023_x86_64_NVIDIA"

# AKS puts this label and taint on every Spot node itself; the azurerm docs ask to declare them so
# Terraform does not fight AKS over them (https://learn.microsoft.com/azure/aks/spot-node-pool).
AKS_GPU_DRIVER_INSTALL = "Install"

AKS_SPOT_LABEL = ("kubernetes.azure.com/scalesetpriority", "spot")
AKS_SPOT_TAINT = "kubernetes.azure.com/scalesetpriority=spot:NoSchedule"


# ---- the translations' return types: the bindings' argument names, checked by mypy where the
# constructs pass them on (a misspelt key fails `make typecheck`, not only the synth).


class TaintArgs(TypedDict):
    """A taint block of aws_eks_node_group / google_container_node_pool.node_config."""

    key: str
    value: str
    effect: str


class EksScalingArgs(TypedDict):
    min_size: int
    max_size: int
    desired_size: int


class EksNodeGroupArgs(TypedDict):
    node_group_name: str
    instance_types: list[str]
    ami_type: str
    capacity_type: str
    scaling_config: EksScalingArgs
    labels: dict[str, str]
    taint: list[TaintArgs]


class GkeDriverArgs(TypedDict):
    gpu_driver_version: str


class GkeAcceleratorArgs(TypedDict):
    type: str
    count: int
    gpu_driver_installation_config: GkeDriverArgs


class GkeNodeConfigArgs(TypedDict):
    machine_type: str
    disk_size_gb: int
    spot: bool
    labels: dict[str, str]
    taint: list[TaintArgs]
    guest_accelerator: NotRequired[list[GkeAcceleratorArgs]]


class GkeAutoscalingArgs(TypedDict):
    total_min_node_count: int
    total_max_node_count: int
    location_policy: str


class GkeNodePoolArgs(TypedDict):
    name: str
    initial_node_count: int
    autoscaling: GkeAutoscalingArgs
    node_config: GkeNodeConfigArgs


class AksPoolArgs(TypedDict):
    """Arguments both the cluster's default_node_pool block and a node pool resource take."""

    name: str
    vm_size: str
    os_disk_size_gb: int
    node_labels: dict[str, str]
    auto_scaling_enabled: bool
    node_count: int
    min_count: NotRequired[int]
    max_count: NotRequired[int]


class AksDefaultPoolArgs(AksPoolArgs):
    only_critical_addons_enabled: bool
    os_disk_type: NotRequired[str]


class AksUserPoolArgs(AksPoolArgs):
    mode: str
    priority: NotRequired[str]
    eviction_policy: NotRequired[str]
    spot_max_price: NotRequired[float]
    node_taints: NotRequired[list[str]]
    gpu_driver: NotRequired[str]


@dataclass(frozen=True)
class Taint:
    key: str
    value: str = ""
    effect: Effect = "NoSchedule"

    def kubectl(self) -> str:
        """`key=value:Effect`, the form AKS `node_taints` and kubectl use."""
        return f"{self.key}={self.value}:{self.effect}" if self.value else f"{self.key}:{self.effect}"


@dataclass(frozen=True)
class Accelerator:
    """The GPU each machine of a pool carries. `type` is the `accelerator` label value everywhere
    and the `guest_accelerator.type` on GKE; `driver_version` only matters on GKE (EKS gets the
    driver from the AMI, AKS installs it itself)."""

    type: str
    count: int = 1
    driver_version: Literal["DEFAULT", "LATEST", "INSTALLATION_DISABLED"] = "LATEST"


@dataclass(frozen=True)
class NodePoolSpec:
    """One node pool, in no cloud's terms.

    `role` names the pool (system, workload, gpu, batch) and becomes its name on every cloud.
    Sizes are totals for the whole pool (GKE regional pools count per zone; to_gke converts).
    A pool whose min_size equals its max_size is fixed-size.
    """

    role: str
    instance_type: str
    min_size: int
    max_size: int
    initial_size: int | None = None  # left out: min_size
    disk_size_gb: int = 100
    spot: bool = False
    taints: tuple[Taint, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    accelerator: Accelerator | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.min_size <= self.max_size:
            raise ValueError(
                f"node pool {self.role}: need 0 <= min_size <= max_size, got {self.min_size}..{self.max_size}"
            )
        if not self.min_size <= self.initial <= self.max_size:
            raise ValueError(
                f"node pool {self.role}: initial_size {self.initial} outside {self.min_size}..{self.max_size}"
            )

    @property
    def initial(self) -> int:
        return self.min_size if self.initial_size is None else self.initial_size

    @property
    def fixed_size(self) -> bool:
        return self.min_size == self.max_size


# --------------------------------------------------------------------------------------------
# EKS managed node group (aws_eks_node_group)
# --------------------------------------------------------------------------------------------


def to_eks(spec: NodePoolSpec) -> EksNodeGroupArgs:
    """Arguments of `aws_eks_node_group` for the spec (cluster, role, subnets and the launch
    template are added by the construct). The disk size lives in the launch template, because
    EKS refuses `disk_size` on a node group that has one."""
    return {
        "node_group_name": spec.role,
        "instance_types": [spec.instance_type],
        "ami_type": EKS_AMI_NVIDIA if spec.accelerator else EKS_AMI_STANDARD,
        "capacity_type": "SPOT" if spec.spot else "ON_DEMAND",
        "scaling_config": {
            "min_size": spec.min_size,
            "max_size": spec.max_size,
            "desired_size": spec.initial,
        },
        "labels": dict(spec.labels),
        "taint": [{"key": t.key, "value": t.value, "effect": EFFECT_ENUM[t.effect]} for t in spec.taints],
    }


# --------------------------------------------------------------------------------------------
# GKE node pool (google_container_node_pool)
# --------------------------------------------------------------------------------------------


def to_gke(spec: NodePoolSpec, *, zone_count: int = 3) -> GkeNodePoolArgs:
    """Arguments of `google_container_node_pool` for the spec (cluster, service account,
    shielded-instance and metadata settings are added by the construct).

    The pool is regional: `total_min/max_node_count` keep the spec's totals across zones, while
    `initial_node_count` is per zone, rounded up so the pool starts with at least `initial`.
    Spot and GPU pools use location policy ANY (take capacity in whichever zone has it).
    """
    node_config: GkeNodeConfigArgs = {
        "machine_type": spec.instance_type,
        "disk_size_gb": spec.disk_size_gb,
        "spot": spec.spot,
        "labels": dict(spec.labels),
        "taint": [{"key": t.key, "value": t.value, "effect": EFFECT_ENUM[t.effect]} for t in spec.taints],
    }
    if spec.accelerator:
        node_config["guest_accelerator"] = [
            {
                "type": spec.accelerator.type,
                "count": spec.accelerator.count,
                "gpu_driver_installation_config": {"gpu_driver_version": spec.accelerator.driver_version},
            }
        ]
    return {
        "name": spec.role,
        "initial_node_count": math.ceil(spec.initial / zone_count),
        "autoscaling": {
            "total_min_node_count": spec.min_size,
            "total_max_node_count": spec.max_size,
            "location_policy": "ANY" if (spec.spot or spec.accelerator) else "BALANCED",
        },
        "node_config": node_config,
    }


# --------------------------------------------------------------------------------------------
# AKS node pool (azurerm_kubernetes_cluster_node_pool, or the cluster's default_node_pool)
# --------------------------------------------------------------------------------------------


_AZURE_SIZE = re.compile(r"^Standard_[A-Z]+\d+(?:-\d+)?(?P<features>[a-z]*)_")


def has_local_temp_disk(vm_size: str) -> bool:
    """Whether an Azure VM size carries a local temp disk: the additive feature `d` in its name
    (`Standard_D4ds_v5` yes, `Standard_D4s_v5` no).
    https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions"""
    match = _AZURE_SIZE.match(vm_size)
    return bool(match and "d" in match["features"])


@overload
def to_aks(spec: NodePoolSpec, *, default_pool: Literal[True]) -> AksDefaultPoolArgs: ...


@overload
def to_aks(spec: NodePoolSpec, *, default_pool: Literal[False] = False) -> AksUserPoolArgs: ...


def to_aks(spec: NodePoolSpec, *, default_pool: bool = False) -> AksDefaultPoolArgs | AksUserPoolArgs:
    """Arguments of `azurerm_kubernetes_cluster_node_pool` (or, with default_pool=True, of the
    cluster's `default_node_pool` block) for the spec.

    The default (system) pool cannot carry `node_taints` in azurerm 4.x: its taint is
    `only_critical_addons_enabled = true`, which AKS turns into exactly
    `CriticalAddonsOnly=true:NoSchedule`. Any other taint on the default pool is refused.
    """
    taints = [t.kubectl() for t in spec.taints]
    if default_pool:
        return _aks_default(spec, taints)
    args: AksUserPoolArgs = {
        "name": spec.role,
        "vm_size": spec.instance_type,
        "os_disk_size_gb": spec.disk_size_gb,
        "node_labels": dict(spec.labels),
        "mode": "User",
        "auto_scaling_enabled": not spec.fixed_size,
        "node_count": spec.min_size if spec.fixed_size else spec.initial,
    }
    _aks_bounds(args, spec)
    if spec.accelerator:
        # azurerm 4.55 kubernetes_cluster_node_pool: `gpu_driver` "Install" | "None" (forces a new
        # pool). "Install": AKS installs the NVIDIA driver on each node it adds.
        args["gpu_driver"] = AKS_GPU_DRIVER_INSTALL
    if spec.spot:
        # -1: pay up to the on-demand price, evicted only for capacity (never for price).
        args["priority"] = "Spot"
        args["eviction_policy"] = "Delete"
        args["spot_max_price"] = -1
        if AKS_SPOT_TAINT not in taints:
            taints.append(AKS_SPOT_TAINT)
        args["node_labels"][AKS_SPOT_LABEL[0]] = AKS_SPOT_LABEL[1]
    if taints:
        args["node_taints"] = taints
    return args


def _aks_default(spec: NodePoolSpec, taints: list[str]) -> AksDefaultPoolArgs:
    critical = Taint("CriticalAddonsOnly", "true").kubectl()
    others = [t for t in taints if t != critical]
    if others:
        raise ValueError(
            f"AKS default node pool {spec.role}: only the CriticalAddonsOnly taint is possible, got {others}"
        )
    if spec.spot:
        raise ValueError(f"AKS default node pool {spec.role}: the system pool cannot be Spot")
    args: AksDefaultPoolArgs = {
        "name": spec.role,
        "vm_size": spec.instance_type,
        "os_disk_size_gb": spec.disk_size_gb,
        "node_labels": dict(spec.labels),
        "only_critical_addons_enabled": critical in taints,
        "auto_scaling_enabled": not spec.fixed_size,
        "node_count": spec.min_size if spec.fixed_size else spec.initial,
    }
    _aks_bounds(args, spec)
    if has_local_temp_disk(spec.instance_type):
        # The OS disk lives on the VM's local temp disk (CKV_AZURE_226): nothing of a system
        # node persists to Azure Storage, and re-imaging is faster. AKS places it in the cache
        # or the temp disk and refuses a size that does not fit at apply time.
        # https://learn.microsoft.com/azure/aks/concepts-storage#ephemeral-os-disk
        args["os_disk_type"] = "Ephemeral"
    return args


def _aks_bounds(args: AksPoolArgs, spec: NodePoolSpec) -> None:
    """A fixed-size pool has no autoscaler bounds; the others scale within min..max."""
    if not spec.fixed_size:
        args["min_count"] = spec.min_size
        args["max_count"] = spec.max_size


# --------------------------------------------------------------------------------------------
# EKS: what the cluster autoscaler reads from an Auto Scaling group
# --------------------------------------------------------------------------------------------

# Cluster autoscaler on AWS (kubernetes/autoscaler, cluster-autoscaler/cloudprovider/aws/README.md,
# "Auto-Discovery Setup" and "Scaling a node group to 0"): `--node-group-auto-discovery` finds the
# groups tagged with both discovery keys; a group at 0 nodes has no node to copy labels and taints
# from, so the autoscaler builds its template from `node-template/label/<key>`,
# `node-template/taint/<key>` (value `value:Effect`) and `node-template/resources/<name>` tags.
CA_PREFIX = "k8s.io/cluster-autoscaler"


def eks_autoscaler_tags(spec: NodePoolSpec, *, cluster_name: str) -> dict[str, str]:
    """The Auto Scaling group tags the cluster autoscaler needs to discover the pool and to scale
    it up from zero (labels, taints and the GPU count of a node it cannot see yet)."""
    tags = {f"{CA_PREFIX}/enabled": "true", f"{CA_PREFIX}/{cluster_name}": "owned"}
    for key, value in spec.labels.items():
        tags[f"{CA_PREFIX}/node-template/label/{key}"] = value
    for t in spec.taints:
        tags[f"{CA_PREFIX}/node-template/taint/{t.key}"] = f"{t.value}:{t.effect}"
    if spec.accelerator:
        tags[f"{CA_PREFIX}/node-template/resources/nvidia.com/gpu"] = str(spec.accelerator.count)
    return tags
