"""Policy documents built in Python: Vault ACL policies (HCL) and AWS IAM policies (JSON).

Pure functions, no provider import, so tests run in milliseconds. Output is sorted, so the same
input always renders the same text and a plan never shows a reordering as a change.
Values may contain cdktf tokens (strings like `${TfToken[...]}`); they pass through untouched
and are resolved when the stack is synthesized.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence

# One IAM policy statement as JSON: Sid/Effect strings, Action/Resource lists, Principal/Condition maps.
IamStatement = dict[str, object]


def logical_id(value: str) -> str:
    """`Storage Blob Data Reader` -> `storage_blob_data_reader`: a stable construct id."""
    return re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").lower()


def is_token(value: str) -> bool:
    """A cdktf token (an unresolved reference) as it appears in a Python string."""
    return "${TfToken[" in value


VAULT_CAPABILITIES = (
    "create",
    "read",
    "update",
    "patch",
    "delete",
    "list",
    "sudo",
    "deny",
    "subscribe",
    "recover",
)


def vault_policy_hcl(paths: Mapping[str, Iterable[str]]) -> str:
    """`{"secret/data/x/*": ("read", "list")}` -> a Vault ACL policy; paths sorted, capabilities in
    Vault's canonical order.

    An unknown capability or an empty capability list is a mistake in the role definition
    (Vault would silently grant nothing), so it raises.
    """
    blocks = []
    for path in sorted(paths):
        requested = set(paths[path])
        unknown = sorted(requested - set(VAULT_CAPABILITIES))
        if not requested or unknown:
            raise ValueError(
                f"policy path '{path}': capabilities {sorted(requested)} are empty or unknown {unknown}."
            )
        # Vault's own order (create, read, update, ...): stable and how its docs print them.
        caps = [c for c in VAULT_CAPABILITIES if c in requested]
        if '"' in path or "\n" in path:
            raise ValueError(f"policy path {path!r} contains a quote or newline.")
        rendered = ", ".join(f'"{c}"' for c in caps)
        blocks.append(f'path "{path}" {{\n  capabilities = [{rendered}]\n}}\n')
    return "\n".join(blocks)


# cdktf encodes an unresolved string token as `${TfToken[TOKEN.<n>]}`, n counting every token the
# process created before it: sorting such strings orders them by creation count as text, so one
# environment's policy changed with what other environments (or a --env synth) created first.
_TOKEN_MARK = "${TfToken["


def _stable_unique(values: Iterable[str]) -> list[str]:
    """De-duplicated; literal strings sorted, tokens after them in the order given (the callers
    give them in a stable order: handles sorted by cloud, region and classification)."""
    unique = list(dict.fromkeys(values))
    return sorted(v for v in unique if _TOKEN_MARK not in v) + [v for v in unique if _TOKEN_MARK in v]


def iam_statement(
    *,
    actions: Sequence[str],
    resources: Sequence[str] | None = None,
    principals: Mapping[str, Sequence[str]] | None = None,
    conditions: Mapping[str, Mapping[str, str | Sequence[str]]] | None = None,
    sid: str | None = None,
    effect: str = "Allow",
) -> IamStatement:
    """One IAM policy statement: actions sorted, resources and principals de-duplicated (_stable_unique)."""
    if not actions:
        raise ValueError("an IAM statement needs at least one action.")
    stmt: IamStatement = {}
    if sid:
        stmt["Sid"] = sid
    stmt["Effect"] = effect
    if principals:
        stmt["Principal"] = {
            k: _stable_unique(v) if len(set(v)) > 1 else next(iter(v)) for k, v in sorted(principals.items())
        }
    stmt["Action"] = sorted(set(actions))
    if resources is not None:
        stmt["Resource"] = _stable_unique(resources)
    if conditions:
        stmt["Condition"] = {op: dict(sorted(kv.items())) for op, kv in sorted(conditions.items())}
    return stmt


def iam_policy_json(statements: Sequence[IamStatement]) -> str:
    """An IAM policy document (Version 2012-10-17) as compact, key-sorted JSON."""
    return json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}, sort_keys=True, separators=(",", ":")
    )


S3_BUCKET_LEVEL_ACTIONS = frozenset(
    {"s3:ListBucket", "s3:ListBucketVersions", "s3:ListBucketMultipartUploads", "s3:GetBucketLocation"}
)


def s3_data_statements(
    actions: Sequence[str], bucket_arns: Sequence[str], *, sid_prefix: str = "DataLake"
) -> list[IamStatement]:
    """Least-privilege S3 statements: bucket-level actions on the bucket ARNs, object-level
    actions on `<bucket>/*`. A wildcard action (`s3:*`) gets both, still only on those buckets.

    Refuses a bare `*` resource and non-S3 actions: this helper grants data-lake access only.
    """
    if not bucket_arns:
        raise ValueError("s3_data_statements: no bucket ARNs to scope the grant to.")
    for arn in bucket_arns:
        if is_token(arn):  # a reference to a bucket of another stack: resolved at synth
            continue
        if arn == "*" or not arn.startswith("arn:aws:s3:::") or arn == "arn:aws:s3:::*":
            raise ValueError(f"s3_data_statements: '{arn}' is not a bucket ARN (pattern) of the data lake.")
    for action in actions:
        if not action.startswith("s3:"):
            raise ValueError(f"s3_data_statements: '{action}' is not an S3 action.")
    bucket_actions = [a for a in actions if a in S3_BUCKET_LEVEL_ACTIONS or a.endswith("*")]
    object_actions = [a for a in actions if a not in S3_BUCKET_LEVEL_ACTIONS]
    out = []
    if bucket_actions:
        out.append(
            iam_statement(sid=f"{sid_prefix}Buckets", actions=bucket_actions, resources=list(bucket_arns))
        )
    if object_actions:
        out.append(
            iam_statement(
                sid=f"{sid_prefix}Objects", actions=object_actions, resources=[f"{a}/*" for a in bucket_arns]
            )
        )
    return out
