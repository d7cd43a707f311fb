"""What the clouds require beyond the schema: rules whose facts come from the clouds, not the models.

- A deployment runner path: Terraform creates Key Vault keys through the vault's data plane from
  the machine that runs it; a vault whose firewall denies all networks answers 403
  (ForbiddenByFirewall) to a runner it does not admit. The trusted-services bypass admits Azure
  services (storage using its key), never the runner (Key Vault "network security" page:
  https://learn.microsoft.com/azure/key-vault/general/network-security).
- GPU capacity: a GPU pool in a region that does not offer its machine (stacks/gpu_capacity.py).
- Erasure: noncurrent-version deletion never applies to the compliance archive.

Each rule is a focused function; stacks/validation.py calls `check_cloud_requirements`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from ipaddress import IPv4Network
from typing import TypeVar

from stacks.gpu_capacity import gpu_capacity_problems
from stacks.params import Environment

# The caller's Problem type: `problem(path, message)` builds one (no import cycle with validation).
P = TypeVar("P")
MakeProblem = Callable[[str, str], P]

# Ranges a Key Vault IP rule cannot match (a runner there reaches Azure through NAT or a VNet):
# RFC 1918, shared address space (RFC 6598), loopback, link-local.
NON_PUBLIC = tuple(
    IPv4Network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
    )
)


def check_cloud_requirements(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    """`problem(path, message)` builds the caller's Problem (keeps this module free of a cycle)."""
    yield from check_runner_path(env, problem)
    yield from check_gpu_capacity(env, problem)
    yield from check_erasure(env, problem)


def azure_key_vaults_deny_all(env: Environment) -> bool:
    """True when the environment creates Azure Key Vaults that deny public networks by default:
    every AKS cluster's KMS vault, the data lakes' vaults and Vault's unseal vault (all only
    where an Azure cluster exists)."""
    return bool(env.clusters_of("azure"))


def check_runner_path(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    if azure_key_vaults_deny_all(env) and not env.runner.declared:
        yield problem(
            "runner",
            "the Azure Key Vaults (AKS KMS, data lake, Vault unseal) deny every network, and no path for the "
            "Terraform runner is declared, so every key would fail with 403 ForbiddenByFirewall. "
            "Set runner.ip_ranges (the runner's public egress), runner.azure_subnet_ids (a self-hosted "
            "runner subnet with the Microsoft.KeyVault service endpoint) or runner.private_endpoints: true "
            "(the runner reaches the vaults' private endpoints).",
        )
    for i, net in enumerate(env.runner.ip_ranges):
        if any(net.subnet_of(block) for block in NON_PUBLIC):
            yield problem(
                f"runner.ip_ranges[{i}]",
                f"{net} is not a public range: Key Vault IP rules admit public addresses only; use "
                "runner.azure_subnet_ids or runner.private_endpoints for a runner inside a VNet.",
            )


def check_gpu_capacity(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    for i, cluster in enumerate(env.clusters):
        pool = cluster.node_pools.gpu
        if pool.instance_type is None or pool.max_size == 0:
            continue
        for message in gpu_capacity_problems(
            cluster.cloud, cluster.region, pool.instance_type, cluster.zones
        ):
            yield problem(
                f"clusters[{i} {cluster.name}].node_pools.gpu.instance_type",
                f"{message} Set node_pools.gpu.instance_type (and its accelerator) for this cluster.",
            )


def check_erasure(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    lake = env.data_lake
    if "archive" in lake.erasure_days:
        yield problem(
            "data_lake.erasure_days.archive",
            "the archive is a compliance (WORM) copy: its lock decides when versions go, not a lifecycle "
            "rule; remove this key.",
        )
    for c, days in lake.erasure_days.items():
        if days < 1:
            yield problem(f"data_lake.erasure_days.{c}", f"{days} days: use at least 1.")
