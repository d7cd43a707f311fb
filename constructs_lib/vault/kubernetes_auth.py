"""One Kubernetes auth backend per cluster, and the roles that let service accounts log in.

Argument names from the typed binding of cdktf-cdktf-provider-vault 15.6.1: `vault_auth_backend`,
`vault_kubernetes_auth_backend_config`, `vault_kubernetes_auth_backend_role`
(https://registry.terraform.io/providers/hashicorp/vault/5.6.0/docs/resources/kubernetes_auth_backend_config).
No token reviewer JWT is stored and `disable_local_ca_jwt` is true: Vault reviews each login
with the client's own token (the service accounts that log in need `system:auth-delegator`),
so nothing secret is configured and Vault never falls back to its own pod's token and CA, which
only its home cluster would accept (provider v5.6.0 vault/resource_kubernetes_auth_backend_config.go:
"Optional disable defaulting to the local CA cert and service account JWT when running in a
Kubernetes pod"; Vault docs auth/kubernetes "Use the Vault client's JWT as the reviewer JWT").
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import Fn
from cdktf_cdktf_provider_vault.auth_backend import AuthBackend
from cdktf_cdktf_provider_vault.kubernetes_auth_backend_config import KubernetesAuthBackendConfig
from cdktf_cdktf_provider_vault.kubernetes_auth_backend_role import KubernetesAuthBackendRole
from constructs import Construct

from constructs_lib.vault.documents import logical_id


class KubernetesAuth(Construct):
    """Kubernetes auth for one cluster at `path` (e.g. `kubernetes-aws-us-east-1`).

    `kubernetes_host` is the API server URL; `ca_certificate_base64` the cluster CA as every
    cloud returns it (base64 PEM) and decoded here with Terraform's `base64decode`, so a
    cross-stack reference can be passed as is. `issuer` left out: Vault does not validate the
    token's `iss` claim; set it (the cluster's OIDC issuer) to have Vault check it.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        path: str,
        kubernetes_host: str,
        ca_certificate_base64: str,
        issuer: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        self.path = path
        self.backend = AuthBackend(self, "backend", type="kubernetes", path=path, description=description)
        self.config = KubernetesAuthBackendConfig(
            self,
            "config",
            backend=self.backend.path,
            kubernetes_host=kubernetes_host,
            kubernetes_ca_cert=Fn.base64decode(ca_certificate_base64),
            issuer=issuer,
            disable_iss_validation=issuer is None,
            disable_local_ca_jwt=True,
        )
        self.roles: dict[str, KubernetesAuthBackendRole] = {}

    def add_role(
        self,
        name: str,
        *,
        namespaces: Sequence[str],
        service_accounts: Sequence[str],
        policies: Sequence[str],
        token_ttl_seconds: int = 3600,
        token_max_ttl_seconds: int | None = None,
        audience: str | None = None,
    ) -> KubernetesAuthBackendRole:
        """A login role for exact namespaces and service accounts (no `*`): tokens get `policies`.

        `token_max_ttl_seconds` left out: 4x the TTL. `audience` left out: any audience the
        cluster issues is accepted.
        """
        for value in (*namespaces, *service_accounts):
            if "*" in value:
                raise ValueError(
                    f"role {name}: '{value}' is a wildcard; bind exact namespaces and service accounts."
                )
        role = KubernetesAuthBackendRole(
            self,
            f"role_{logical_id(name)}",
            backend=self.backend.path,
            role_name=name,
            bound_service_account_namespaces=sorted(namespaces),
            bound_service_account_names=sorted(service_accounts),
            token_policies=sorted(policies),
            token_ttl=token_ttl_seconds,
            token_max_ttl=token_max_ttl_seconds or 4 * token_ttl_seconds,
            audience=audience,
        )
        self.roles[name] = role
        return role
