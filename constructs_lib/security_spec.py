"""One cloud-neutral cluster security spec, translated for EKS, GKE and AKS side by side.

Every field is consumed by each cloud (the translations below return a keyword for every field;
tests/unit/test_security_spec.py holds that line), so a security setting is never silently
dropped on one cloud:

| field               | EKS (Eks)                                  | GKE (Gke)                                   | AKS (Aks)                                       |
|---------------------|--------------------------------------------|---------------------------------------------|-------------------------------------------------|
| public_endpoint     | endpoint_public_access                     | private endpoint off                        | private_cluster_enabled off                     |
| authorized_cidrs    | public_access_cidrs / endpoint SG on 443   | master authorized networks                  | api_server authorized_ip_ranges                 |
| deletion_protection | aws_eks_cluster.deletion_protection        | google_container_cluster.deletion_protection | CanNotDelete locks on cluster + resource group |
| log_retention_days  | CloudWatch log groups                      | the cluster's own log bucket                | Log Analytics workspace                         |
| key_rotation_days   | KMS rotation_period_in_days                | Cloud KMS rotation_period                   | Key Vault key rotation_policy                   |

Refusals (a public endpoint without authorized networks, 0.0.0.0/0) are validation errors in
stacks/validation.py; the constructs keep their own guard for use outside the stacks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TypedDict


class ClusterSecurityProps(TypedDict):
    """The security props Eks, Gke and Aks take alike (typed, so mypy checks the ** unpacking)."""

    public_endpoint: bool
    authorized_cidrs: list[str]
    deletion_protection: bool
    log_retention_days: int
    key_rotation_days: int


@dataclass(frozen=True)
class ClusterSecuritySpec:
    """Secure defaults: a private API, deletion protection, a year of logs, 90-day key rotation."""

    public_endpoint: bool = False
    authorized_cidrs: tuple[str, ...] = ()
    deletion_protection: bool = True
    log_retention_days: int = 365
    key_rotation_days: int = 90

    def _props(self) -> ClusterSecurityProps:
        return ClusterSecurityProps(
            public_endpoint=self.public_endpoint,
            authorized_cidrs=list(self.authorized_cidrs),
            deletion_protection=self.deletion_protection,
            log_retention_days=self.log_retention_days,
            key_rotation_days=self.key_rotation_days,
        )

    # The three clouds take the same props today; one translation per cloud keeps the place
    # where a cloud-specific difference would go visible, side by side (constructs_lib/specs.py).
    def to_eks(self) -> ClusterSecurityProps:
        return self._props()

    def to_gke(self) -> ClusterSecurityProps:
        return self._props()

    def to_aks(self) -> ClusterSecurityProps:
        return self._props()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))
