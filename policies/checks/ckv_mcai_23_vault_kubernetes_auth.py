"""CKV_MCAI_23: Vault's Kubernetes auth trusts exactly the cluster it names.

Vault runs outside the workload clusters, so (vault 5.6 kubernetes_auth_backend_config docs and
vault/resource_kubernetes_auth_backend_config.go; constructs_lib/vault/kubernetes_auth.py):
- `disable_local_ca_jwt = true`: otherwise Vault falls back to its own pod's token and CA, which
  only its home cluster accepts;
- `kubernetes_ca_cert` set: the API server's TLS certificate is verified against the cluster CA;
- `issuer` set and `disable_iss_validation` not true: a token of another cluster (another issuer)
  is refused even if its signature checks out.
A `vault_auth_backend` of type kubernetes has exactly one such config in the stack: a mount with no
config is an auth path nobody reviews.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile, refs_to


class VaultKubernetesAuth(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_23")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        if self.entity_type == "vault_auth_backend":
            if raw.get("type") != "kubernetes":
                return []
            configs = [
                n
                for n, c in stack.resources("vault_kubernetes_auth_backend_config").items()
                if self.entity_name in refs_to(c.get("backend"), "vault_auth_backend")
            ]
            return (
                [] if len(configs) == 1 else [f"{len(configs)} kubernetes auth configs reference it, not 1"]
            )
        found = []
        if raw.get("disable_local_ca_jwt") is not True:
            found.append("disable_local_ca_jwt is not true: Vault may use its own pod's token and CA")
        if not raw.get("kubernetes_ca_cert"):
            found.append("kubernetes_ca_cert is not set: the API server certificate is not verified")
        if not raw.get("issuer") or raw.get("disable_iss_validation") is True:
            found.append("the token issuer is not validated (issuer unset or disable_iss_validation true)")
        if not refs_to(raw.get("backend"), "vault_auth_backend"):
            found.append("backend is not a vault_auth_backend of this stack")
        return found


check = VaultKubernetesAuth()
