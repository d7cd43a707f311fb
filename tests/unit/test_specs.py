"""constructs_lib/specs.py: one node pool spec, translated per cloud. Pure Python, no jsii."""

from __future__ import annotations

import pytest

from constructs_lib.specs import (
    AKS_SPOT_LABEL,
    AKS_SPOT_TAINT,
    EKS_AMI_NVIDIA,
    EKS_AMI_STANDARD,
    Accelerator,
    NodePoolSpec,
    Taint,
    eks_autoscaler_tags,
    to_aks,
    to_eks,
    to_gke,
)

GPU_TAINT = Taint("nvidia.com/gpu", "present", "NoSchedule")
SYSTEM_TAINT = Taint("CriticalAddonsOnly", "true", "NoSchedule")


def gpu(**kw) -> NodePoolSpec:
    base = dict(
        role="gpu",
        instance_type="g5.12xlarge",
        min_size=0,
        max_size=10,
        taints=(GPU_TAINT,),
        labels={"pool": "gpu", "accelerator": "nvidia-a10g"},
        accelerator=Accelerator("nvidia-a10g", 4, "LATEST"),
    )
    base.update(kw)
    return NodePoolSpec(**base)


def system(**kw) -> NodePoolSpec:
    base = dict(
        role="system",
        instance_type="m6i.xlarge",
        min_size=3,
        max_size=3,
        taints=(SYSTEM_TAINT,),
        labels={"pool": "system"},
    )
    base.update(kw)
    return NodePoolSpec(**base)


# ---------------------------------------------------------------------------- the spec itself


def test_spec_initial_size_defaults_to_min_size():
    assert gpu().initial == 0
    assert gpu(min_size=2, initial_size=4).initial == 4


@pytest.mark.parametrize("kw", [dict(min_size=5, max_size=2), dict(min_size=-1), dict(initial_size=11)])
def test_spec_rejects_inconsistent_sizes(kw):
    with pytest.raises(ValueError):
        gpu(**kw)


def test_taint_kubectl_form_with_and_without_value():
    assert GPU_TAINT.kubectl() == "nvidia.com/gpu=present:NoSchedule"
    assert Taint("dedicated", "", "NoExecute").kubectl() == "dedicated:NoExecute"


# ---------------------------------------------------------------------------- EKS


def test_eks_gpu_pool_uses_nvidia_ami_and_enum_taint_effect():
    args = to_eks(gpu())
    assert args["ami_type"] == EKS_AMI_NVIDIA == "AL2023_x86_64_NVIDIA"
    assert args["taint"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert args["labels"]["accelerator"] == "nvidia-a10g"


def test_eks_sizes_go_to_scaling_config():
    assert to_eks(gpu(min_size=1, max_size=7, initial_size=2))["scaling_config"] == {
        "min_size": 1,
        "max_size": 7,
        "desired_size": 2,
    }


def test_eks_cpu_pool_uses_standard_ami_and_on_demand():
    args = to_eks(system())
    assert args["ami_type"] == EKS_AMI_STANDARD
    assert args["capacity_type"] == "ON_DEMAND"
    assert args["node_group_name"] == "system"


def test_eks_spot_pool_capacity_type_spot():
    assert to_eks(system(role="batch", min_size=0, max_size=20, spot=True))["capacity_type"] == "SPOT"


@pytest.mark.parametrize(
    "effect,enum",
    [("NoSchedule", "NO_SCHEDULE"), ("PreferNoSchedule", "PREFER_NO_SCHEDULE"), ("NoExecute", "NO_EXECUTE")],
)
def test_eks_and_gke_taint_effect_mapping(effect, enum):
    spec = system(taints=(Taint("k", "v", effect),))
    assert to_eks(spec)["taint"][0]["effect"] == enum
    assert to_gke(spec)["node_config"]["taint"][0]["effect"] == enum


# ---------------------------------------------------------------------------- GKE


def test_gke_gpu_pool_guest_accelerator_with_driver_installation():
    spec = gpu(instance_type="a2-highgpu-1g", accelerator=Accelerator("nvidia-tesla-a100", 1, "LATEST"))
    cfg = to_gke(spec)["node_config"]
    assert cfg["guest_accelerator"] == [
        {
            "type": "nvidia-tesla-a100",
            "count": 1,
            "gpu_driver_installation_config": {"gpu_driver_version": "LATEST"},
        }
    ]
    assert cfg["machine_type"] == "a2-highgpu-1g"
    assert cfg["taint"] == [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]


def test_gke_cpu_pool_has_no_guest_accelerator():
    assert "guest_accelerator" not in to_gke(system())["node_config"]


def test_gke_sizes_are_pool_totals_and_initial_count_per_zone_rounds_up():
    args = to_gke(system(role="workload", min_size=5, max_size=50, taints=()), zone_count=3)
    assert args["autoscaling"]["total_min_node_count"] == 5
    assert args["autoscaling"]["total_max_node_count"] == 50
    assert args["initial_node_count"] == 2  # 2 per zone x 3 zones >= 5
    assert to_gke(system(), zone_count=3)["initial_node_count"] == 1


def test_gke_spot_and_gpu_pools_take_capacity_in_any_zone():
    assert to_gke(gpu())["autoscaling"]["location_policy"] == "ANY"
    assert to_gke(system(role="batch", min_size=0, max_size=20, spot=True))["node_config"]["spot"] is True
    assert to_gke(system())["autoscaling"]["location_policy"] == "BALANCED"


# ---------------------------------------------------------------------------- AKS


def test_aks_gpu_pool_taint_is_kubectl_string_and_user_mode():
    args = to_aks(gpu(instance_type="Standard_NC24ads_A100_v4"))
    assert args["node_taints"] == ["nvidia.com/gpu=present:NoSchedule"]
    assert args["mode"] == "User"
    assert args["node_labels"]["accelerator"] == "nvidia-a10g"
    assert (args["min_count"], args["max_count"], args["auto_scaling_enabled"]) == (0, 10, True)


def test_aks_default_pool_system_taint_becomes_only_critical_addons():
    args = to_aks(system(instance_type="Standard_D4s_v5"), default_pool=True)
    assert args["only_critical_addons_enabled"] is True
    assert "node_taints" not in args and "mode" not in args
    assert (args["auto_scaling_enabled"], args["node_count"]) == (False, 3)


@pytest.mark.parametrize(
    "vm_size, ephemeral",
    # "d" among the additive features = a local temp disk
    # (https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions)
    [
        ("Standard_D4ds_v5", True),
        ("Standard_D4s_v5", False),
        ("Standard_E8-4ds_v5", True),
        ("Standard_D8s_v3", False),
    ],
)
def test_aks_default_pool_os_disk_is_ephemeral_only_on_sizes_with_a_temp_disk(vm_size, ephemeral):
    args = to_aks(system(instance_type=vm_size), default_pool=True)
    assert (args.get("os_disk_type") == "Ephemeral") is ephemeral


def test_aks_default_pool_refuses_other_taints():
    with pytest.raises(ValueError, match="CriticalAddonsOnly"):
        to_aks(system(taints=(SYSTEM_TAINT, GPU_TAINT)), default_pool=True)


def test_aks_spot_pool_priority_eviction_price_and_azure_spot_taint():
    args = to_aks(
        system(role="batch", min_size=0, max_size=20, spot=True, taints=(Taint("workload", "batch"),))
    )
    assert (args["priority"], args["eviction_policy"], args["spot_max_price"]) == ("Spot", "Delete", -1)
    assert args["node_taints"] == ["workload=batch:NoSchedule", AKS_SPOT_TAINT]
    assert args["node_labels"][AKS_SPOT_LABEL[0]] == "spot"


def test_aks_on_demand_pool_has_no_spot_settings():
    args = to_aks(gpu())
    assert not {"priority", "eviction_policy", "spot_max_price"} & set(args)


# ---------------------------------------------------------------------------- parity


def test_same_spec_gives_same_sizes_taints_and_labels_on_every_cloud():
    spec = gpu(min_size=1, max_size=6, initial_size=3)
    eks, gke, aks = to_eks(spec), to_gke(spec), to_aks(spec)
    sizes = {
        "eks": (eks["scaling_config"]["min_size"], eks["scaling_config"]["max_size"]),
        "gke": (gke["autoscaling"]["total_min_node_count"], gke["autoscaling"]["total_max_node_count"]),
        "aks": (aks["min_count"], aks["max_count"]),
    }
    assert set(sizes.values()) == {(1, 6)}
    assert eks["labels"] == gke["node_config"]["labels"] == aks["node_labels"]
    assert [f"{t['key']}={t['value']}" for t in eks["taint"]] == [t.split(":")[0] for t in aks["node_taints"]]


# ---------------------------------------------------------------------------- issue 19


def test_eks_autoscaler_tags_describe_a_gpu_node_the_autoscaler_cannot_see_yet():
    # Key spellings from kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md.
    assert eks_autoscaler_tags(gpu(), cluster_name="prod-aws-us-east-1") == {
        "k8s.io/cluster-autoscaler/enabled": "true",
        "k8s.io/cluster-autoscaler/prod-aws-us-east-1": "owned",
        "k8s.io/cluster-autoscaler/node-template/label/pool": "gpu",
        "k8s.io/cluster-autoscaler/node-template/label/accelerator": "nvidia-a10g",
        "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "present:NoSchedule",
        "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": "4",
    }


def test_eks_autoscaler_tags_of_a_cpu_pool_have_no_gpu_resource():
    tags = eks_autoscaler_tags(system(min_size=1, max_size=5), cluster_name="c")
    assert not any("resources/" in k for k in tags)
    assert tags["k8s.io/cluster-autoscaler/node-template/taint/CriticalAddonsOnly"] == "true:NoSchedule"


def test_aks_gpu_pool_installs_the_driver_and_cpu_pools_do_not():
    assert to_aks(gpu(instance_type="Standard_NC24ads_A100_v4"))["gpu_driver"] == "Install"
    assert "gpu_driver" not in to_aks(gpu(accelerator=None, taints=(), instance_type="Standard_D8s_v5"))
