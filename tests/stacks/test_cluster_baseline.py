"""Issue 19 on the synthesized plan: clusters that scale and run GPUs (items 1-2).

Expected values are literals from the providers' docs and the autoscaler's README (cited in the
constructs), or from the environment files, never recomputed by the code under test.
"""

from __future__ import annotations

import json

import pytest

from stacks.environments import load_environments
from tests.conftest import resources

ENVS = {env.name: env for env in load_environments()}
CLUSTERS = [(env, c) for env in ENVS.values() for c in env.clusters]


def of_cloud(cloud: str):
    return [pytest.param(e, c, id=f"{e.name}-{c.name}") for e, c in CLUSTERS if c.cloud == cloud]


def stack(synthesized, env, cluster) -> dict:
    return synthesized[f"{env.name}-{cluster.cloud}-{cluster.region}-cluster"]


# ---- EKS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("env,cluster", of_cloud("aws"))
def test_eks_autoscaler_gets_a_pod_identity_role_limited_to_its_own_groups(synthesized, env, cluster):
    s = stack(synthesized, env, cluster)
    name = f"{env.name}-{cluster.name}"
    role = resources(s, "aws_iam_role")["eks_autoscaler_role"]
    trust = json.loads(role["assume_role_policy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert sorted(trust["Action"]) == ["sts:AssumeRole", "sts:TagSession"]
    assoc = resources(s, "aws_eks_pod_identity_association")["eks_autoscaler_pod_identity"]
    assert (assoc["namespace"], assoc["service_account"]) == ("kube-system", "cluster-autoscaler")
    assert assoc["role_arn"] == "${aws_iam_role.eks_autoscaler_role.arn}"
    policy = json.loads(resources(s, "aws_iam_role_policy")["eks_autoscaler_policy"]["policy"])
    resize = next(st for st in policy["Statement"] if "autoscaling:SetDesiredCapacity" in st["Action"])
    assert resize["Condition"] == {
        "StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{name}": "owned"}
    }
    assert all("*" not in a for st in policy["Statement"] for a in st["Action"])


@pytest.mark.parametrize("env,cluster", of_cloud("aws"))
def test_eks_gpu_pool_scales_from_zero_with_node_template_tags(synthesized, env, cluster):
    s = stack(synthesized, env, cluster)
    group = resources(s, "aws_eks_node_group")["eks_gpu_pool"]
    assert group["scaling_config"]["min_size"] == 0
    assert group["ami_type"] == "AL2023_x86_64_NVIDIA"  # driver and toolkit in the AMI
    tags = {
        t["tag"]["key"]: t["tag"]["value"]
        for t in resources(s, "aws_autoscaling_group_tag").values()
        if t["autoscaling_group_name"]
        == "${aws_eks_node_group.eks_gpu_pool.resources[0].autoscaling_groups[0].name}"
    }
    gpu = cluster.node_pools.gpu
    expected = {
        "k8s.io/cluster-autoscaler/enabled": "true",
        f"k8s.io/cluster-autoscaler/{env.name}-{cluster.name}": "owned",
        "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu": "present:NoSchedule",
        "k8s.io/cluster-autoscaler/node-template/label/pool": "gpu",
        "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu": str(gpu.accelerator.count),
    }
    assert expected.items() <= tags.items(), tags
    assert all(
        t["tag"]["propagate_at_launch"] is False for t in resources(s, "aws_autoscaling_group_tag").values()
    )


@pytest.mark.parametrize("env,cluster", of_cloud("aws"))
def test_eks_fixed_system_pool_gets_no_autoscaler_tags(synthesized, env, cluster):
    groups = {
        t["autoscaling_group_name"]
        for t in resources(stack(synthesized, env, cluster), "aws_autoscaling_group_tag").values()
    }
    assert not any("eks_system_pool" in g for g in groups)


@pytest.mark.parametrize("env,cluster", of_cloud("aws"))
def test_eks_ebs_csi_addon_with_pod_identity_role(synthesized, env, cluster):
    s = stack(synthesized, env, cluster)
    addon = resources(s, "aws_eks_addon")["eks_addon_aws_ebs_csi_driver"]
    assert addon["addon_name"] == "aws-ebs-csi-driver"
    assert addon["pod_identity_association"] == [
        {"role_arn": "${aws_iam_role.eks_ebs_csi_role.arn}", "service_account": "ebs-csi-controller-sa"}
    ]
    attach = resources(s, "aws_iam_role_policy_attachment")["eks_ebs_csi_role_policy"]
    assert attach["policy_arn"] == "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
    trust = json.loads(resources(s, "aws_iam_role")["eks_ebs_csi_role"]["assume_role_policy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert "aws_eks_node_group.eks_gpu_pool" in addon["depends_on"]


# ---- GKE ------------------------------------------------------------------------------------


@pytest.mark.parametrize("env,cluster", of_cloud("gcp"))
def test_gke_autoscaling_profile_and_gpu_driver(synthesized, env, cluster):
    s = stack(synthesized, env, cluster)
    gke = resources(s, "google_container_cluster")["gke_cluster"]
    assert gke["cluster_autoscaling"] == {"enabled": False, "autoscaling_profile": "OPTIMIZE_UTILIZATION"}
    pool = resources(s, "google_container_node_pool")["gke_gpu_pool"]
    assert pool["autoscaling"]["total_min_node_count"] == 0
    accel = pool["node_config"]["guest_accelerator"][0]
    assert accel["gpu_driver_installation_config"] == {"gpu_driver_version": "LATEST"}


# ---- AKS ------------------------------------------------------------------------------------


@pytest.mark.parametrize("env,cluster", of_cloud("azure"))
def test_aks_autoscaler_profile_and_gpu_driver(synthesized, env, cluster):
    s = stack(synthesized, env, cluster)
    aks = resources(s, "azurerm_kubernetes_cluster")["aks_cluster"]
    profile = aks["auto_scaler_profile"]
    assert profile["expander"] == "least-waste"
    assert profile["balance_similar_node_groups"] is True
    assert profile["skip_nodes_with_local_storage"] is False
    pool = resources(s, "azurerm_kubernetes_cluster_node_pool")["aks_gpu_pool"]
    assert pool["gpu_driver"] == "Install"  # azurerm 4.55: Install | None
    assert (pool["auto_scaling_enabled"], pool["min_count"]) == (True, 0)
    assert "gpu_driver" not in resources(s, "azurerm_kubernetes_cluster_node_pool")["aks_workload_pool"]
