"""The Vault ACL policy of each unified role, generated from what the role may use.

Pure Python (no cdktf, no provider). A role's policy holds:

- its KV v2 paths, split the way KV v2 needs them: reading and writing secrets goes through
  `<mount>/data/<path>`, listing through `<mount>/metadata/<path>` ("KV v2 ACL rules": "the
  `list` capability on `data/` does nothing, listing requires `metadata/`"; Vault docs,
  secrets/kv/kv-v2, "ACL rules"). A role that asks for `list` on a data path gets `list` on the
  matching metadata path instead; a `delete` on a data path also needs nothing more (soft delete).
- the credential path of each cloud secrets engine the role has a grant on (only those):
  AWS `aws/sts/<role>` (read, update: update lets a workload ask for a shorter TTL), GCP
  `gcp/impersonated-account/<role>/token` (read, update), Azure `azure/creds/<role>` (read);
  Vault API docs: secret/aws "Generate credentials", secret/gcp "Generate an access token
  (impersonated account)", secret/azure "Request service principal credentials".
- the PKI issue path of the service mTLS role (`<intermediate>/issue/<role>`, update) when the
  role has `pki_issue` (Vault API docs, secret/pki "Generate certificate and key").

Paths the role lists outside the KV mount (e.g. `sys/policies/acl/*`) are kept as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stacks.params import VaultRole


@dataclass(frozen=True)
class EngineMounts:
    """Where the engines are mounted, from the constructs that mounted them (handles, not names)."""

    kv: str
    pki_issue_path: str | None = None  # `<intermediate mount>/issue/<mtls role>`
    credential_paths: Mapping[str, Mapping[str, str]] | None = None  # cloud -> role name -> path


def _kv_paths(kv: str, paths: Mapping[str, tuple[str, ...]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    data_prefix = f"{kv}/data/"
    for path, caps in paths.items():
        wanted = set(caps)
        if path.startswith(data_prefix):
            rest = path.removeprefix(data_prefix)
            data_caps = wanted - {"list"}
            if data_caps:
                out.setdefault(path, set()).update(data_caps)
            if "list" in wanted:
                out.setdefault(f"{kv}/metadata/{rest}", set()).add("list")
                # Listing a folder asks for the folder itself (`metadata/<dir>/`), not only its children.
                if rest.endswith("/*"):
                    out.setdefault(f"{kv}/metadata/{rest.removesuffix('*')}", set()).add("list")
        else:
            out.setdefault(path, set()).update(wanted)
    return out


def role_policy_paths(role: VaultRole, mounts: EngineMounts) -> dict[str, tuple[str, ...]]:
    """path -> capabilities (sorted) of one role's policy."""
    paths = _kv_paths(mounts.kv, role.vault_paths)
    for cloud, by_role in sorted((mounts.credential_paths or {}).items()):
        path = by_role.get(role.name)
        if path is None:
            continue
        caps = {"read"} if cloud == "azure" else {"read", "update"}
        paths.setdefault(path, set()).update(caps)
    if role.pki_issue and mounts.pki_issue_path:
        paths.setdefault(mounts.pki_issue_path, set()).add("update")
    return {p: tuple(sorted(c)) for p, c in sorted(paths.items())}
