"""Regenerate review/force_new.json from the providers' own schema source (a maintainer's tool).

Usage: ``python -m review.tools.extract_force_new OUT_DIR STACK_TYPES...`` is not needed in CI: the
table it writes is committed. It reads the provider repositories at the pinned tags from local git
mirrors (``git --git-dir=<mirror> show <tag>:<file>``) and records, for every resource type, the
schema attributes marked ``ForceNew: true`` (SDKv2) or ``RequiresReplace`` (plugin framework plan
modifiers), with their nesting path, and the file they were read from.

The parser follows string keys that open a schema literal (``"name": {`` / ``"name": schema.X{``)
by brace depth, so a nested attribute comes out as ``parent.child``. ``RequiresReplaceIf`` and
``ForceNewIf`` style conditional replacements are recorded under ``conditional`` ("may be replaced").
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

MIRRORS = Path("/work/.mirror")
SourceFinder = Callable[[str, list[str]], list[str]]
PROVIDERS: dict[str, tuple[str, str, SourceFinder]] = {
    # prefix: (mirror, tag, candidate paths for a type's short name)
    "google": (
        "hashicorp+terraform-provider-google/repo",
        "v6.50.0",
        lambda short, files: [
            f
            for f in files
            if "/services/" in f
            and (f.endswith(f"/resource_{short}.go") or f.endswith(f"/resource_google_{short}.go"))
        ],
    ),
    "azurerm": (
        "hashicorp+terraform-provider-azurerm/repo",
        "v4.55.0",
        lambda short, files: [f for f in files if f.endswith(f"/{short}_resource.go") and "/services/" in f],
    ),
    "vault": (
        "hashicorp+terraform-provider-vault/repo",
        "v5.6.0",
        lambda short, files: [f for f in files if f.endswith(f"/resource_{short}.go")],
    ),
    "cloudflare": (
        "cloudflare+terraform-provider-cloudflare/repo",
        "v5.14.0",
        lambda short, files: [f for f in files if f == f"internal/services/{short}/schema.go"],
    ),
    "azuread": (
        "hashicorp+terraform-provider-azuread/repo",
        "v3.7.0",
        lambda short, files: [
            f
            for f in files
            if f.endswith(f"/{short}_resource.go") and "/services/" in f and "/migrations/" not in f
        ],
    ),
    "megaport": (
        "megaport+terraform-provider-megaport/repo",
        "v1.13.1",
        lambda short, files: [f for f in files if f == f"internal/provider/{short}_resource.go"],
    ),
}

# Shared schema files a resource embeds: (type, file, path prefix for its keys).
_IAM_MEMBER = "google/tpgiamresource/resource_iam_member.go"
EXTRA: dict[str, list[tuple[str, str]]] = {
    "google_container_cluster": [("google/services/container/node_config.go", "node_config.")],
    "google_container_node_pool": [("google/services/container/node_config.go", "node_config.")],
    "google_project_iam_member": [(_IAM_MEMBER, ""), ("google/services/resourcemanager/iam_project.go", "")],
    "google_service_account_iam_member": [
        (_IAM_MEMBER, ""),
        ("google/services/resourcemanager/iam_service_account.go", ""),
    ],
    "google_storage_bucket_iam_member": [
        (_IAM_MEMBER, ""),
        ("google/services/storage/iam_storage_bucket.go", ""),
    ],
    "google_compute_instance_iam_member": [
        (_IAM_MEMBER, ""),
        ("google/services/compute/iam_compute_instance.go", ""),
    ],
    "google_iap_tunnel_instance_iam_member": [
        (_IAM_MEMBER, ""),
        ("google/services/iap/iam_iap_tunnel_instance.go", ""),
    ],
    "google_kms_crypto_key_iam_member": [
        (_IAM_MEMBER, ""),
        ("google/services/kms/iam_kms_crypto_key.go", ""),
    ],
}

KEY_OPEN = re.compile(
    r'^\s*(?:"([a-z0-9_]+)"|consts\.(Field\w+))\s*:\s*(?:&?[A-Za-z0-9_.]*\{|[A-Za-z0-9_.]*\()'
)
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`')
# go-azure-helpers' commonschema.Location() and ResourceGroupName() are ForceNew schemas
# ("Changing this forces a new resource to be created" in every azurerm resource page).
FORCE = re.compile(
    r"ForceNew:\s*true|RequiresReplace\(\)|commonschema\.(?:Location|ResourceGroupName|EdgeZone)\(\)"
)
COND = re.compile(r"RequiresReplaceIf|ForceNewIf|RequiresReplaceIfConfigured")


def _git(mirror: str, *args: str) -> str:
    return subprocess.run(
        ["git", f"--git-dir={MIRRORS / mirror}", *args], capture_output=True, text=True, check=True
    ).stdout


CONSTS: dict[str, str] = {}  # vault's consts.FieldX -> "x"


def parse(source: str) -> tuple[list[str], list[str]]:
    """(force_new paths, conditional paths) of one Go schema file."""
    stack: list[tuple[str, int]] = []  # (key, depth at which its literal opened)
    depth = 0
    force: list[str] = []
    cond: list[str] = []
    for line in source.splitlines():
        code = STRINGS.sub('""', line).split("//", 1)[0]
        m = KEY_OPEN.match(line.split("//", 1)[0])
        if m:
            stack.append((m.group(1) or CONSTS.get(m.group(2), m.group(2)), depth))
        if stack:
            path = ".".join(k for k, _ in stack)
            if FORCE.search(code) and path not in force:
                force.append(path)
            elif COND.search(code) and path not in cond:
                cond.append(path)
        depth += code.count("{") + code.count("(") - code.count("}") - code.count(")")
        while stack and depth <= stack[-1][1]:
            stack.pop()
    # Attributes such as `"name": {` in non-schema maps (test fixtures, enums) do not carry
    # ForceNew, so they never appear here.
    return force, [c for c in cond if c not in force]


def main(types: list[str]) -> dict[str, dict[str, object]]:
    table: dict[str, dict[str, object]] = {}
    listings: dict[str, list[str]] = {}
    vault_mirror, vault_tag, _ = PROVIDERS["vault"]
    consts = _git(vault_mirror, "show", f"{vault_tag}:internal/consts/consts.go")
    CONSTS.update(re.findall(r'(Field\w+)\s*=\s*"([^"]+)"', consts))
    for rtype in sorted(types):
        prefix, short = rtype.split("_", 1)
        if prefix not in PROVIDERS:
            continue
        mirror, tag, find = PROVIDERS[prefix]
        files = listings.setdefault(prefix, _git(mirror, "ls-tree", "-r", "--name-only", tag).splitlines())
        found = [(f, "") for f in find(short, files) if "_test" not in f][:1] + EXTRA.get(rtype, [])
        if not found:
            print(f"no source for {rtype}", file=sys.stderr)
            continue
        force: list[str] = []
        cond: list[str] = []
        for path, prefix in found:
            f, c = parse(_git(mirror, "show", f"{tag}:{path}"))
            force += [prefix + x for x in f if prefix + x not in force]
            cond += [prefix + x for x in c if prefix + x not in cond]
        repo = mirror.split("/")[0].replace("+", "/")
        table[rtype] = {
            "source": " + ".join(f"github.com/{repo}/blob/{tag}/{p}" for p, _ in found),
            "force_new": force,
            **({"conditional": cond} if cond else {}),
        }
    return table


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:]), indent=1, sort_keys=True))
