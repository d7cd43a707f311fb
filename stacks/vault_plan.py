"""Environment -> what the Vault stack creates per cluster and per role, and the names it uses.

Pure Python (no cdktf, no provider), so the rules are tested in milliseconds: which clusters
get a Kubernetes auth backend (those with a ClusterHandle), which login roles each backend has
(one per kubernetes binding), and the cloud-side names derived from the environment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stacks.params import Environment

GCP_ACCOUNT_ID_MAX = 30  # google_service_account.account_id: 6-30 characters


@dataclass(frozen=True)
class LoginRole:
    name: str  # `<namespace>-<service account>`
    namespace: str
    service_account: str
    policy: str  # the Vault policy of the unified role


@dataclass(frozen=True)
class KubernetesAuthPlan:
    cluster: str
    path: str  # `kubernetes-<cluster>`
    roles: tuple[LoginRole, ...]


@dataclass(frozen=True)
class VaultPlan:
    kubernetes_auth: tuple[KubernetesAuthPlan, ...]
    skipped: tuple[str, ...]  # clusters without a handle (their stack is not built yet)


def plan_vault(env: Environment, clusters_with_handles: Iterable[str]) -> VaultPlan:
    """One auth backend per cluster of the environment that has a handle, in inventory order."""
    available = set(clusters_with_handles)
    roles = tuple(
        LoginRole(
            name=f"{b.namespace}-{b.service_account}",
            namespace=b.namespace,
            service_account=b.service_account,
            policy=b.role,
        )
        for b in env.vault.kubernetes_bindings
    )
    names = [r.name for r in roles]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(
            f"vault.kubernetes_bindings: {duplicates} are bound twice; bind each service account once."
        )
    plans = tuple(
        KubernetesAuthPlan(cluster=c.name, path=f"kubernetes-{c.name}", roles=roles)
        for c in env.clusters
        if c.name in available
    )
    skipped = tuple(c.name for c in env.clusters if c.name not in available)
    return VaultPlan(kubernetes_auth=plans, skipped=skipped)


def gcp_account_id(env: Environment, suffix: str) -> str:
    """`<env>-<suffix>`, refused when longer than a GCP service account id may be."""
    account_id = f"{env.name}-{suffix}"
    if len(account_id) > GCP_ACCOUNT_ID_MAX:
        raise ValueError(
            f"GCP service account id '{account_id}' is {len(account_id)} characters (at most {GCP_ACCOUNT_ID_MAX}): "
            f"shorten the environment name or the vault.roles name '{suffix}'."
        )
    return account_id


def azure_key_vault_name(env: Environment) -> str:
    """Key Vault names are global and 3-24 characters: `<env>-unseal-<first 6 of the subscription>`."""
    return f"{env.name}-unseal-{env.accounts.azure.subscription_id[:6]}"


# Vault versions from which the provider sends plugin workload identity settings (and only to
# Enterprise): terraform-provider-vault v5.6.0 vault/resource_aws_secret_backend.go
# (`IsAPISupported(VaultVersion116) && isEnterprise`), resource_gcp_secret_backend.go and
# resource_azure_secret_backend.go (`IsAPISupported(VaultVersion117) && IsEnterpriseSupported`).
PLUGIN_WIF_MIN_VERSION = {"aws": (1, 16), "gcp": (1, 17), "azure": (1, 17)}


def version_tuple(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)


def engine_clouds(env: Environment) -> tuple[str, ...]:
    """The clouds that get a secrets engine.

    Enterprise: every cloud the environment uses (plugin WIF works from anywhere). Community:
    only the cloud of Vault's home cluster, where the engine can use the servers' own identity
    (the SDK's default credentials); validation refuses role grants on the other clouds.
    """
    clouds = tuple(c for c in ("aws", "gcp", "azure") if env.clusters_of(c))
    if env.vault.edition == "enterprise":
        return clouds
    home = env.vault.servers.home_cluster
    home_cloud = env.cluster(home).cloud if home else env.clusters[0].cloud
    return (home_cloud,) if home_cloud != "azure" else ()
