"""Validation of the Vault parameters against what the chosen edition and the clouds can honour.

Pure Python; `stacks.validation.check_environment` yields these problems with the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from stacks.params import Environment
from stacks.vault_plan import PLUGIN_WIF_MIN_VERSION, engine_clouds, version_tuple

# The caller's Problem type: `problem(path, message)` builds one (no import cycle with validation).
P = TypeVar("P")
MakeProblem = Callable[[str, str], P]

# AWS: "Role chaining limits your AWS CLI or AWS API role session to a maximum of one hour"
# (IAM user guide, "Roles terms and concepts", role chaining). Vault's engine always chains:
# it calls AssumeRole with credentials that came from a role (its own, federated or pod identity).
AWS_ROLE_CHAINING_MAX_SECONDS = 3600
# GCP: generateAccessToken lifetime is at most 1 hour unless the organization policy
# constraints/iam.allowServiceAccountCredentialLifetimeExtension lists the account.
GCP_ACCESS_TOKEN_MAX_SECONDS = 3600


def check_vault(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    """`problem(path, message)` builds the caller's Problem (keeps this module free of validation's types)."""
    vault = env.vault
    names = {c.name for c in env.clusters}
    home = vault.servers.home_cluster
    if home is not None and home not in names:
        yield problem("vault.servers.home_cluster", f"'{home}' is not a cluster of this environment.")
        return
    version = version_tuple(vault.min_version)
    used = [c for c in ("aws", "gcp", "azure") if env.clusters_of(c)]
    if vault.edition == "enterprise":
        for cloud in used:
            need = PLUGIN_WIF_MIN_VERSION[cloud]
            if version < need:
                yield problem(
                    "vault.min_version",
                    f"{vault.min_version} is older than {need[0]}.{need[1]}, the first Vault Enterprise whose {cloud} "
                    "secrets engine accepts plugin workload identity (the provider drops the setting silently "
                    f"before that); set min_version: '{need[0]}.{need[1]}' or later.",
                )
    else:
        engines = set(engine_clouds(env))
        for i, role in enumerate(vault.roles):
            if not role.data_access:
                continue
            for cloud in role.data_clouds if role.data_clouds is not None else used:
                if cloud in used and cloud not in engines:
                    why = (
                        "a Community server in Kubernetes has no documented secret-less Azure credential"
                        if cloud == "azure"
                        else f"Vault's home cluster is not on {cloud}, and plugin workload identity is Enterprise-only"
                    )
                    yield problem(
                        f"vault.roles[{i} {role.name}].data_clouds",
                        f"edition community cannot issue {cloud} credentials ({why}), so data_access would reach "
                        f"nothing there; set data_clouds to {sorted(engines & set(used))} or vault.edition: enterprise.",
                    )
    if vault.aws_max_sts_ttl_seconds > AWS_ROLE_CHAINING_MAX_SECONDS:
        yield problem(
            "vault.aws_max_sts_ttl_seconds",
            f"{vault.aws_max_sts_ttl_seconds} s exceeds {AWS_ROLE_CHAINING_MAX_SECONDS} s: AWS caps sessions reached "
            "by role chaining at 1 hour; use 3600 or less.",
        )
    if vault.gcp_token_ttl_seconds > GCP_ACCESS_TOKEN_MAX_SECONDS:
        yield problem(
            "vault.gcp_token_ttl_seconds",
            f"{vault.gcp_token_ttl_seconds} s exceeds {GCP_ACCESS_TOKEN_MAX_SECONDS} s, the GCP access token maximum; "
            "use 3600 or less.",
        )
    if vault.azure_credential_ttl_seconds > vault.azure_credential_max_ttl_seconds:
        yield problem(
            "vault.azure_credential_ttl_seconds",
            "is longer than vault.azure_credential_max_ttl_seconds; lower it or raise the maximum.",
        )
