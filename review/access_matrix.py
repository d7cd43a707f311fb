"""Who can reach which data, read from the synthesized plan: role x classification x cloud/region.

The grants are read from the Vault stack of each environment (`<env>-global-vault`) exactly as
Terraform will apply them, and every resource a grant names is followed to the data-lake stack
that declares it:

- AWS: the `data-lake` inline policy of each platform IAM role; every `Resource` (bucket, its
  objects, its KMS key) must resolve to an `aws_s3_bucket` / `aws_kms_key` of a data-lake stack.
- GCP: `google_storage_bucket_iam_member` of each platform service account; the bucket must
  resolve to a `google_storage_bucket`. A storage role granted project-wide
  (`google_project_iam_member`) reaches every bucket and is reported as unresolved.
- Azure: `azurerm_role_assignment` of a Storage Blob Data role and every `azure_roles` entry of the
  Vault Azure secrets engine; the scope must resolve to an `azurerm_storage_account`. A
  subscription or resource group scope is reported as unresolved.

A reference is followed through cdktf's cross-stack plumbing:
`${data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<output>}` ->
the output of `<stack>` -> `${<type>.<name>.<attr>}` -> the resource block. Classification and
jurisdiction come from the resource's own `data_classification` tag / label.

    python -m review.access_matrix --out cdktf.out [--env prod]    # Markdown on stdout

Pure Python on the JSON files; no cdktf import.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Built-in Azure roles that reach blob data (constructs_lib/data_access.py AZURE_DATA_ROLES; kept
# literal here so the review reads the plan without importing the code that made it).
AZURE_DATA_ROLES = {
    "Storage Blob Data Reader": "read",
    "Storage Blob Data Contributor": "write",
    "Storage Blob Data Owner": "owner",
}
GCS_ROLES = {
    "roles/storage.objectViewer": "read",
    "roles/storage.objectUser": "write",
    "roles/storage.objectAdmin": "owner",
    "roles/storage.admin": "owner",
}
S3_WRITE_ACTIONS = {"s3:PutObject", "s3:DeleteObject", "s3:*"}
LEVEL_RANK = {"read": 1, "write": 2, "owner": 3}

REMOTE = re.compile(
    r"^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(?P<stack>[^.]+)\.outputs\.(?P<output>[^}]+)\}$"
)
LOCAL = re.compile(r"^\$\{(?P<type>[a-z0-9_]+)\.(?P<name>[A-Za-z0-9_-]+)\.(?P<attr>[a-z0-9_]+)\}$")


@dataclass(frozen=True)
class Target:
    stack: str
    type: str
    name: str
    classification: str
    region: str  # from the data-lake stack id `<env>-<cloud>-<region>-datalake`

    @property
    def address(self) -> str:
        return f"{self.stack}:{self.type}.{self.name}"


@dataclass(frozen=True)
class Grant:
    cloud: str
    role: str  # the platform role (vault.roles name)
    level: str  # read | write | owner
    via: str  # the granting block's address in the Vault stack
    reference: str  # what the grant names, as synthesized
    target: Target | None  # None: it names nothing a data-lake stack of the environment declares


@dataclass
class AccessMatrix:
    env: str
    grants: list[Grant] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Grant]:
        return [g for g in self.grants if g.target is None]

    def cells(self) -> dict[tuple[str, str, str], str]:
        """(role, classification, `cloud/region`) -> the highest level granted there."""
        out: dict[tuple[str, str, str], str] = {}
        for g in self.grants:
            if g.target is None:
                continue
            key = (g.role, g.target.classification, f"{g.cloud}/{g.target.region}")
            if LEVEL_RANK[g.level] > LEVEL_RANK.get(out.get(key, ""), 0):
                out[key] = g.level
        return out


# --------------------------------------------------------------------------------------------
# Reading the plan
# --------------------------------------------------------------------------------------------


def load_stacks(out_dir: str | Path, env: str) -> dict[str, dict[str, Any]]:
    root = Path(out_dir) / "stacks"
    if not root.is_dir():
        raise SystemExit(f"{out_dir}: no stacks/ folder; run `python -m stacks synth --out {out_dir}` first")
    return {
        p.name: json.loads((p / "cdk.tf.json").read_text())
        for p in sorted(root.iterdir())
        if p.name.startswith(f"{env}-") and (p / "cdk.tf.json").is_file()
    }


def _tags(block: dict[str, Any]) -> dict[str, str]:
    return block.get("tags") or block.get("labels") or {}


class _Resolver:
    def __init__(self, env: str, stacks: dict[str, dict[str, Any]]) -> None:
        self.env = env
        self.stacks = stacks
        self.by_literal: dict[str, tuple[str, str, str]] = {}  # literal bucket name -> address
        for sid, doc in stacks.items():
            for rtype, attr in (("aws_s3_bucket", "bucket"), ("google_storage_bucket", "name")):
                for name, block in doc.get("resource", {}).get(rtype, {}).items():
                    if isinstance(block.get(attr), str):
                        self.by_literal[block[attr]] = (sid, rtype, name)

    def target(self, ref: str, types: Sequence[str]) -> Target | None:
        """The data-lake resource of one of `types` that `ref` names, or None."""
        found = self._follow(ref)
        if found is None:
            return None
        sid, rtype, name = found
        if rtype not in types or not sid.endswith("-datalake"):
            return None
        block = self.stacks[sid]["resource"][rtype][name]
        classification = _tags(block).get("data_classification")
        if not classification:
            return None
        cloud_region = sid[len(self.env) + 1 : -len("-datalake")]
        region = cloud_region.split("-", 1)[1]
        return Target(sid, rtype, name, classification, region)

    def _follow(self, ref: str) -> tuple[str, str, str] | None:
        m = REMOTE.match(ref)
        if m:
            sid = m["stack"]
            out = self.stacks.get(sid, {}).get("output", {}).get(m["output"])
            if out is None:
                return None
            local = LOCAL.match(str(out.get("value", "")))
            if local is None:
                return None
            rtype, name = local["type"], local["name"]
            if name not in self.stacks[sid].get("resource", {}).get(rtype, {}):
                return None
            return sid, rtype, name
        if ref.startswith("arn:aws:s3:::") and "*" not in ref:
            return self.by_literal.get(ref[len("arn:aws:s3:::") :])
        return self.by_literal.get(ref)


def _role_name(env: str, name: str) -> str:
    return name[len(env) + 1 :] if name.startswith(f"{env}-") else name


def _ref_name(ref: str) -> str | None:
    m = LOCAL.match(ref)
    return m["name"] if m else None


def access_matrix(out_dir: str | Path, env: str) -> AccessMatrix:
    """Every data grant of `env`'s Vault stack, each followed to what it reaches."""
    return matrix_of(load_stacks(out_dir, env), env)


def stacks_from_plans(plans: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The review's loaded plans (review/plan.py StackPlan) as cdk.tf.json-shaped documents."""
    out: dict[str, dict[str, Any]] = {}
    for sid, plan in plans.items():
        doc: dict[str, dict[str, Any]] = {"resource": {}, "output": {}}
        for block in plan.blocks.values():
            if block.kind == "resource":
                doc["resource"].setdefault(block.type, {})[block.address.split(".", 1)[1]] = block.config
            elif block.kind == "output":
                doc["output"][block.address.split(".", 1)[1]] = block.config
        out[sid] = doc
    return out


def review_section(plans: Mapping[str, Any]) -> str:
    """The access matrices of every environment of the review's head, as a review.md section."""
    body = review_body(plans)
    return f"\n## Data access (head)\n\n{body}" if body else ""


def review_body(plans: Mapping[str, Any]) -> str:
    """The legend and the access matrix of every environment of `plans` (review/plan.py StackPlans)."""
    stacks = stacks_from_plans(plans)
    envs = sorted({sid.split("-")[0] for sid in stacks if sid.endswith("-global-vault")})
    if not envs:
        return ""
    parts = ["R read, W write, O owner, - none; read from the plan by review/access_matrix.py.", ""]
    for env in envs:
        mine = {sid: doc for sid, doc in stacks.items() if sid.startswith(f"{env}-")}
        parts.append(render_markdown(matrix_of(mine, env)))
    return "\n".join(parts)


def matrix_of(stacks: dict[str, dict[str, Any]], env: str) -> AccessMatrix:
    """Every data grant of `env`'s Vault stack in `stacks` (stack id -> cdk.tf.json document)."""
    matrix = AccessMatrix(env=env)
    vault = stacks.get(f"{env}-global-vault")
    if vault is None:
        return matrix
    resolver = _Resolver(env, stacks)
    res = vault.get("resource", {})

    # AWS: inline policies of the platform roles.
    roles = {k: v.get("name", k) for k, v in res.get("aws_iam_role", {}).items()}
    for key, pol in res.get("aws_iam_role_policy", {}).items():
        if pol.get("name") != "data-lake":
            continue
        role = _role_name(env, roles.get(_ref_name(pol.get("role", "")) or "", key))
        for stmt in json.loads(pol["policy"])["Statement"]:
            actions = stmt["Action"] if isinstance(stmt["Action"], list) else [stmt["Action"]]
            resources = stmt["Resource"] if isinstance(stmt["Resource"], list) else [stmt["Resource"]]
            is_kms = all(a.startswith("kms:") for a in actions)
            aws_level = (
                "write" if S3_WRITE_ACTIONS & set(actions) or "kms:GenerateDataKey" in actions else "read"
            )
            for r in resources:
                base = r[: -len("/*")] if r.endswith("/*") else r
                types = ("aws_kms_key",) if is_kms else ("aws_s3_bucket",)
                target = resolver.target(base, types)
                if is_kms and target is not None:  # a key is reported, but the bucket cell decides
                    matrix.grants.append(Grant("aws", role, "read", f"aws_iam_role_policy.{key}", r, target))
                    continue
                matrix.grants.append(Grant("aws", role, aws_level, f"aws_iam_role_policy.{key}", r, target))

    # GCP: bucket-level members; project-wide storage roles reach every bucket.
    accounts = {k: v.get("account_id", k) for k, v in res.get("google_service_account", {}).items()}

    def gcp_role(member: str) -> str:
        m = re.match(r"^\$\{google_service_account\.([^.]+)\.member\}$", member)
        return _role_name(env, accounts.get(m[1], member) if m else member)

    for key, b in res.get("google_storage_bucket_iam_member", {}).items():
        level = GCS_ROLES.get(b["role"])
        if level is None:
            continue
        target = resolver.target(b["bucket"], ("google_storage_bucket",))
        matrix.grants.append(
            Grant(
                "gcp",
                gcp_role(b["member"]),
                level,
                f"google_storage_bucket_iam_member.{key}",
                b["bucket"],
                target,
            )
        )
    for key, b in res.get("google_project_iam_member", {}).items():
        if b["role"] in GCS_ROLES:
            matrix.grants.append(
                Grant(
                    "gcp",
                    gcp_role(b["member"]),
                    GCS_ROLES[b["role"]],
                    f"google_project_iam_member.{key}",
                    f"project {b.get('project')}",
                    None,
                )
            )

    # Azure: role assignments of data roles, and the roles Vault's engine assigns.
    identities = {k: v.get("name", k) for k, v in res.get("azurerm_user_assigned_identity", {}).items()}
    for key, a in res.get("azurerm_role_assignment", {}).items():
        level = AZURE_DATA_ROLES.get(a.get("role_definition_name", ""))
        if level is None:
            continue
        m = re.match(
            r"^\$\{azurerm_user_assigned_identity\.([^.]+)\.principal_id\}$", a.get("principal_id", "")
        )
        role = _role_name(env, identities.get(m[1], key) if m else key)
        target = resolver.target(a["scope"], ("azurerm_storage_account",))
        matrix.grants.append(
            Grant("azure", role, level, f"azurerm_role_assignment.{key}", a["scope"], target)
        )
    for key, r in res.get("vault_azure_secret_backend_role", {}).items():
        for entry in r.get("azure_roles", []):
            level = AZURE_DATA_ROLES.get(entry.get("role_name", ""))
            if level is None:
                continue
            target = resolver.target(entry["scope"], ("azurerm_storage_account",))
            matrix.grants.append(
                Grant(
                    "azure",
                    r["role"],
                    level,
                    f"vault_azure_secret_backend_role.{key}",
                    entry["scope"],
                    target,
                )
            )
    return matrix


# --------------------------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------------------------

SYMBOL = {"read": "R", "write": "W", "owner": "O"}


def render_markdown(matrix: AccessMatrix) -> str:
    """One row per role and classification, one column per cloud/region: R read, W write,
    O owner, `-` nothing. Unresolved grants are listed below the table: they must not exist."""
    cells = matrix.cells()
    columns = sorted({k[2] for k in cells})
    rows = sorted({(k[0], k[1]) for k in cells})
    lines = [f"#### Data access, {matrix.env} (from the synthesized plan)", ""]
    if not rows:
        lines.append("No data grants.")
    else:
        lines.append("| role | classification | " + " | ".join(columns) + " |")
        lines.append("|---|---|" + "---|" * len(columns))
        for role, classification in rows:
            marks = [SYMBOL.get(cells.get((role, classification, c), ""), "-") for c in columns]
            label = f"**{classification}**" if classification == "pii" else classification
            lines.append(f"| {role} | {label} | " + " | ".join(marks) + " |")
    if matrix.unresolved:
        lines += ["", "Grants that reach no resource of this environment's data lakes:"]
        lines += [
            f"- {g.cloud} {g.role} ({g.level}) via `{g.via}`: `{g.reference}`" for g in matrix.unresolved
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m review.access_matrix", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", default="cdktf.out", help="synthesized output folder (default: cdktf.out)")
    parser.add_argument("--env", action="append", help="environment (repeatable); default: every one found")
    args = parser.parse_args(argv)
    envs = args.env or sorted(
        {p.name.split("-")[0] for p in (Path(args.out) / "stacks").glob("*-global-vault")}
    )
    failed = False
    for env in envs:
        matrix = access_matrix(args.out, env)
        sys.stdout.write(render_markdown(matrix) + "\n")
        failed |= bool(matrix.unresolved)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
