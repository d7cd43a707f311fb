"""Vault's own engines: KV v2, a file audit device, a PKI hierarchy for service mTLS, ACL policies.

Argument names from the typed binding of cdktf-cdktf-provider-vault 15.6.1 (Vault provider
5.6.0): `vault_mount`, `vault_kv_secret_backend_v2`, `vault_audit`, `vault_policy`,
`vault_pki_secret_backend_*` (https://registry.terraform.io/providers/hashicorp/vault/5.6.0/docs).
Private keys are generated inside Vault (`type = "internal"`): no key material ever reaches
the Terraform configuration or state.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cdktf_cdktf_provider_vault.audit import Audit
from cdktf_cdktf_provider_vault.kv_secret_backend_v2 import KvSecretBackendV2
from cdktf_cdktf_provider_vault.mount import Mount
from cdktf_cdktf_provider_vault.pki_secret_backend_config_urls import PkiSecretBackendConfigUrls
from cdktf_cdktf_provider_vault.pki_secret_backend_intermediate_cert_request import (
    PkiSecretBackendIntermediateCertRequest,
)
from cdktf_cdktf_provider_vault.pki_secret_backend_intermediate_set_signed import (
    PkiSecretBackendIntermediateSetSigned,
)
from cdktf_cdktf_provider_vault.pki_secret_backend_role import PkiSecretBackendRole
from cdktf_cdktf_provider_vault.pki_secret_backend_root_cert import PkiSecretBackendRootCert
from cdktf_cdktf_provider_vault.pki_secret_backend_root_sign_intermediate import (
    PkiSecretBackendRootSignIntermediate,
)
from cdktf_cdktf_provider_vault.policy import Policy
from constructs import Construct

from constructs_lib.vault.documents import vault_policy_hcl

DAY = 86400


class KvV2Engine(Construct):
    """A KV version 2 secrets engine.

    Defaults: mounted at `secret`, 10 versions kept per secret, check-and-set not required,
    versions never deleted by age (`delete_version_after_seconds` left out).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        path: str = "secret",
        max_versions: int = 10,
        cas_required: bool = False,
        delete_version_after_seconds: int | None = None,
        description: str = "KV v2: application secrets (API keys, passwords)",
    ) -> None:
        super().__init__(scope, id_)
        self.path = path
        self.mount = Mount(
            self, "mount", path=path, type="kv", options={"version": "2"}, description=description
        )
        self.config = KvSecretBackendV2(
            self,
            "config",
            mount=self.mount.path,
            max_versions=max_versions,
            cas_required=cas_required,
            delete_version_after=delete_version_after_seconds,
        )


class FileAudit(Construct):
    """A file audit device. Secrets in requests and responses are HMAC'd (Vault's default;
    `log_raw` is never turned on here). Default device path: `file`."""

    def __init__(self, scope: Construct, id_: str, *, file_path: str, path: str = "file") -> None:
        super().__init__(scope, id_)
        self.device = Audit(
            self,
            "device",
            type="file",
            path=path,
            options={"file_path": file_path, "log_raw": "false", "format": "json"},
            description="Audit trail of every request (HMAC'd secrets)",
        )


class PkiHierarchy(Construct):
    """A root CA and an intermediate CA signed by it, plus an mTLS role for services under `domain`.

    Defaults: root at `pki` (10 years), intermediate at `pki_int` (1 year), EC P-256 keys
    generated inside Vault, leaf certificates for `*.<domain>` (subdomains only, no bare domain,
    no wildcards, no IP SANs) valid 72 hours, usable as client and server certificates.
    `urls_base` (Vault's address) left out: certificates carry no AIA/CRL URLs.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        domain: str,
        root_common_name: str,
        root_ttl_days: int = 3650,
        intermediate_ttl_days: int = 365,
        root_path: str = "pki",
        intermediate_path: str = "pki_int",
        key_type: str = "ec",
        key_bits: int = 256,
        mtls_role_name: str = "service-mtls",
        leaf_max_ttl_hours: int = 72,
        urls_base: str | None = None,
        organization: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if intermediate_ttl_days >= root_ttl_days:
            raise ValueError(
                "the intermediate CA must expire before the root CA (intermediate_ttl_days < root_ttl_days)."
            )
        org = [organization] if organization else None
        self.root_mount = Mount(
            self,
            "root_mount",
            path=root_path,
            type="pki",
            description="Root CA (signs the intermediate only)",
            max_lease_ttl_seconds=root_ttl_days * DAY,
        )
        self.intermediate_mount = Mount(
            self,
            "intermediate_mount",
            path=intermediate_path,
            type="pki",
            description="Intermediate CA for service mTLS",
            max_lease_ttl_seconds=intermediate_ttl_days * DAY,
        )
        self.root = PkiSecretBackendRootCert(
            self,
            "root",
            backend=self.root_mount.path,
            type="internal",
            common_name=root_common_name,
            organization=organization,
            ttl=str(root_ttl_days * DAY),
            key_type=key_type,
            key_bits=key_bits,
            issuer_name="root",
        )
        self.csr = PkiSecretBackendIntermediateCertRequest(
            self,
            "intermediate_csr",
            backend=self.intermediate_mount.path,
            type="internal",
            common_name=f"{root_common_name} Intermediate",
            organization=organization,
            key_type=key_type,
            key_bits=key_bits,
        )
        self.signed = PkiSecretBackendRootSignIntermediate(
            self,
            "intermediate_signed",
            backend=self.root_mount.path,
            csr=self.csr.csr,
            common_name=f"{root_common_name} Intermediate",
            organization=organization,
            ttl=str(intermediate_ttl_days * DAY),
            issuer_ref=self.root.issuer_id,
            permitted_dns_domains=[domain],
            max_path_length=0,
            depends_on=[self.root],
        )
        self.intermediate = PkiSecretBackendIntermediateSetSigned(
            self,
            "intermediate",
            backend=self.intermediate_mount.path,
            certificate=self.signed.certificate,
        )
        if urls_base:
            for mount_id, mount in (
                ("root_urls", self.root_mount),
                ("intermediate_urls", self.intermediate_mount),
            ):
                PkiSecretBackendConfigUrls(
                    self,
                    mount_id,
                    backend=mount.path,
                    issuing_certificates=[f"{urls_base}/v1/{mount.path}/ca"],
                    crl_distribution_points=[f"{urls_base}/v1/{mount.path}/crl"],
                )
        self.mtls_role = PkiSecretBackendRole(
            self,
            "mtls_role",
            backend=self.intermediate_mount.path,
            name=mtls_role_name,
            allowed_domains=[domain],
            allow_subdomains=True,
            allow_bare_domains=False,
            allow_glob_domains=False,
            allow_wildcard_certificates=False,
            allow_ip_sans=False,
            allow_localhost=False,
            enforce_hostnames=True,
            server_flag=True,
            client_flag=True,
            key_type=key_type,
            key_bits=key_bits,
            organization=org,
            max_ttl=str(leaf_max_ttl_hours * 3600),
            ttl=str(min(24, leaf_max_ttl_hours) * 3600),
            depends_on=[self.intermediate],
        )


class AclPolicy(Construct):
    """A Vault ACL policy named `name`, rendered from `paths` (path -> capabilities), sorted."""

    def __init__(self, scope: Construct, id_: str, *, name: str, paths: Mapping[str, Iterable[str]]) -> None:
        super().__init__(scope, id_)
        self.name = name
        self.policy = Policy(self, "policy", name=name, policy=vault_policy_hcl(paths))
