"""A stand-in app for the benchmark until the real stacks exist: `--synth-cmd` target.

    python bench/synthetic_synth.py --out DIR [--env dev] [--eager] [--normal-exit]

Builds roughly the shape issue 9 describes (per environment: EKS, GKE and AKS clusters with node
pools and an encrypted bucket per region, a Cloudflare load balancer, a Vault mount; 26 cluster
stacks over dev/staging/prod) from the five prebuilt providers and synthesizes it into DIR.
The numbers it produces say what the real app can expect from the import strategy, not what the
real app costs; replace it with the real synth command as soon as that runs.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# env -> [(cloud, region)]; 8 + 8 + 10 = 26 cluster stacks.
LAYOUT = {
    "dev": [
        ("aws", "us-east-1"),
        ("aws", "eu-west-1"),
        ("gcp", "us-central1"),
        ("gcp", "europe-west1"),
        ("azure", "eastus"),
        ("azure", "westeurope"),
        ("aws", "ap-southeast-1"),
        ("gcp", "asia-southeast1"),
    ],
    "staging": [
        ("aws", "us-east-1"),
        ("aws", "eu-west-1"),
        ("gcp", "us-central1"),
        ("gcp", "europe-west1"),
        ("azure", "eastus"),
        ("azure", "westeurope"),
        ("aws", "ap-southeast-1"),
        ("gcp", "asia-southeast1"),
    ],
    "prod": [
        ("aws", "us-east-1"),
        ("aws", "eu-west-1"),
        ("aws", "eu-central-1"),
        ("gcp", "us-central1"),
        ("gcp", "europe-west1"),
        ("gcp", "europe-west4"),
        ("azure", "eastus"),
        ("azure", "westeurope"),
        ("aws", "ap-southeast-1"),
        ("gcp", "asia-southeast1"),
    ],
}


def aws_cluster(stack, env: str, region: str) -> None:
    from cdktf_cdktf_provider_aws.eks_cluster import EksCluster
    from cdktf_cdktf_provider_aws.eks_node_group import EksNodeGroup
    from cdktf_cdktf_provider_aws.kms_key import KmsKey
    from cdktf_cdktf_provider_aws.provider import AwsProvider
    from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
    from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
        S3BucketServerSideEncryptionConfigurationA,
    )

    tags = {"env": env, "managed_by": "cdktf", "component": "cluster"}
    AwsProvider(stack, "aws", region=region)
    key = KmsKey(stack, "key", enable_key_rotation=True, tags=tags)
    cluster = EksCluster(
        stack,
        "cluster",
        name=f"{env}-{region}",
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config={"subnet_ids": ["subnet-a", "subnet-b"], "endpoint_public_access": False},
        encryption_config={"provider": {"key_arn": key.arn}, "resources": ["secrets"]},
        tags=tags,
    )
    for pool, (lo, hi) in {"system": (2, 4), "gpu": (0, 10)}.items():
        EksNodeGroup(
            stack,
            f"{pool}_pool",
            cluster_name=cluster.name,
            node_group_name=pool,
            node_role_arn="arn:aws:iam::123456789012:role/node",
            subnet_ids=["subnet-a", "subnet-b"],
            scaling_config={"min_size": lo, "max_size": hi, "desired_size": lo},
            tags=tags,
        )
    bucket = S3Bucket(stack, "data_lake", bucket=f"{env}-{region}-lake", tags=tags)
    S3BucketServerSideEncryptionConfigurationA(
        stack,
        "data_lake_sse",
        bucket=bucket.id,
        rule=[
            {
                "apply_server_side_encryption_by_default": {
                    "sse_algorithm": "aws:kms",
                    "kms_master_key_id": key.arn,
                }
            }
        ],
    )


def gcp_cluster(stack, env: str, region: str) -> None:
    from cdktf_cdktf_provider_google.container_cluster import ContainerCluster
    from cdktf_cdktf_provider_google.container_node_pool import ContainerNodePool
    from cdktf_cdktf_provider_google.provider import GoogleProvider
    from cdktf_cdktf_provider_google.storage_bucket import StorageBucket

    labels = {"env": env, "managed_by": "cdktf", "component": "cluster"}
    GoogleProvider(stack, "google", project="platform", region=region)
    cluster = ContainerCluster(
        stack,
        "cluster",
        name=f"{env}-{region}",
        location=region,
        remove_default_node_pool=True,
        initial_node_count=1,
        resource_labels=labels,
        private_cluster_config={"enable_private_nodes": True},
    )
    for pool, (lo, hi) in {"system": (1, 3), "gpu": (0, 10)}.items():
        ContainerNodePool(
            stack,
            f"{pool}_pool",
            cluster=cluster.name,
            location=region,
            name=pool,
            autoscaling={"min_node_count": lo, "max_node_count": hi},
            node_config={"machine_type": "n2-standard-8", "labels": labels},
        )
    StorageBucket(
        stack,
        "data_lake",
        name=f"{env}-{region}-lake",
        location=region.upper(),
        labels=labels,
        uniform_bucket_level_access=True,
    )


def azure_cluster(stack, env: str, region: str) -> None:
    from cdktf_cdktf_provider_azurerm.kubernetes_cluster import KubernetesCluster
    from cdktf_cdktf_provider_azurerm.kubernetes_cluster_node_pool import KubernetesClusterNodePool
    from cdktf_cdktf_provider_azurerm.provider import AzurermProvider
    from cdktf_cdktf_provider_azurerm.storage_account import StorageAccount

    tags = {"env": env, "managed_by": "cdktf", "component": "cluster"}
    AzurermProvider(stack, "azurerm", features=[{}])
    cluster = KubernetesCluster(
        stack,
        "cluster",
        name=f"{env}-{region}",
        location=region,
        resource_group_name=env,
        dns_prefix=f"{env}{region}",
        identity={"type": "SystemAssigned"},
        default_node_pool={"name": "system", "vm_size": "Standard_D4s_v5", "node_count": 2},
        tags=tags,
    )
    KubernetesClusterNodePool(
        stack,
        "gpu_pool",
        name="gpu",
        kubernetes_cluster_id=cluster.id,
        vm_size="Standard_NC24ads_A100_v4",
        min_count=0,
        max_count=10,
        auto_scaling_enabled=True,
        tags=tags,
    )
    StorageAccount(
        stack,
        "data_lake",
        name=f"{env}{region}lake"[:24],
        resource_group_name=env,
        location=region,
        account_tier="Standard",
        account_replication_type="ZRS",
        tags=tags,
    )


def edge_and_vault(app, env: str) -> None:
    from cdktf import TerraformStack
    from cdktf_cdktf_provider_cloudflare.load_balancer import LoadBalancer
    from cdktf_cdktf_provider_cloudflare.load_balancer_pool import LoadBalancerPool
    from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
    from cdktf_cdktf_provider_vault.mount import Mount
    from cdktf_cdktf_provider_vault.provider import VaultProvider

    edge = TerraformStack(app, f"{env}-global-edge")
    CloudflareProvider(edge, "cloudflare")
    pools = [
        LoadBalancerPool(
            edge,
            f"pool_{cloud}_{region}".replace("-", "_"),
            account_id="acct",
            name=f"{env}-{cloud}-{region}",
            origins=[{"name": "o", "address": f"{region}.example.com"}],
        )
        for cloud, region in LAYOUT[env]
    ]
    LoadBalancer(
        edge,
        "lb",
        zone_id="zone",
        name=f"{env}.example.com",
        default_pools=[p.id for p in pools],
        fallback_pool=pools[0].id,
    )
    vault = TerraformStack(app, f"{env}-global-vault")
    VaultProvider(vault, "vault", address="https://vault.example.com")
    Mount(vault, "kv", path=f"{env}-kv", type="kv-v2")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--env", default=None)
    ap.add_argument("--eager", action="store_true", help="do not install the lazy provider hook")
    ap.add_argument("--normal-exit", action="store_true", help="exit through interpreter teardown")
    args = ap.parse_args()
    if not args.eager:
        from stacks.lazy_providers import install

        install(os.environ)
    t0 = time.perf_counter()
    from cdktf import App, TerraformStack

    app = App(outdir=args.out, stack_traces=False)
    builders = {"aws": aws_cluster, "gcp": gcp_cluster, "azure": azure_cluster}
    for env in args.env.split(",") if args.env else LAYOUT:
        for cloud, region in LAYOUT[env]:
            builders[cloud](TerraformStack(app, f"{env}-{cloud}-{region}-cluster"), env, region)
        edge_and_vault(app, env)
    t1 = time.perf_counter()
    app.synth()
    t2 = time.perf_counter()
    print(f"build {t1 - t0:.2f}s synth {t2 - t1:.2f}s", flush=True)
    if not args.normal_exit:
        sys.stderr.flush()
        os._exit(0)


if __name__ == "__main__":
    main()
