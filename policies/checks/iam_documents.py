"""aws_iam_policy_document data sources rendered as the JSON policy Terraform would produce.

checkov cannot evaluate `${data.aws_iam_policy_document.<name>.json}`: it sees a string, so its IAM
checks on the resources using it report PASS or nothing. policies/run.py substitutes the rendered
document into a copy of each stack before the scan (same line count, so file:line stays right), and
CKV_MCAI_9 renders it itself when it meets the reference. Interpolations inside the document
(`${aws_s3_bucket.x.arn}`) stay as they are. Argument names: aws provider 6.25
https://registry.terraform.io/providers/hashicorp/aws/6.25.0/docs/data-sources/iam_policy_document

Plain Python, no checkov import; checkov loads every .py here as a module, this one registers nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

REFERENCE = re.compile(r"^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$")
# Arguments that carry a JSON policy document, by resource type.
POLICY_ARGUMENTS = {
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_iam_user_policy": "policy",
    "aws_iam_group_policy": "policy",
    "aws_s3_bucket_policy": "policy",
    "aws_kms_key": "policy",
    "aws_iam_role": "assume_role_policy",
}


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _one(values: list[Any]) -> Any:
    return values[0] if len(values) == 1 else values


def render(document: dict[str, Any]) -> dict[str, Any] | None:
    """The JSON policy of one data source's arguments; None when it merges other documents."""
    if any(document.get(k) for k in ("source_policy_documents", "override_policy_documents")):
        return None
    statements = []
    for st in _listed(document.get("statement")):
        out: dict[str, Any] = {}
        if st.get("sid"):
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect") or "Allow"
        for key, name in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if st.get(key):
                out[name] = _one(_listed(st[key]))
        for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            blocks = _listed(st.get(key))
            if blocks:
                principal: dict[str, Any] = {}
                for b in blocks:
                    principal.setdefault(b.get("type"), []).extend(_listed(b.get("identifiers")))
                if list(principal) == ["*"] and principal["*"] == ["*"]:
                    out[name] = "*"
                else:
                    out[name] = {t: _one(ids) for t, ids in principal.items()}
        conditions: dict[str, dict[str, Any]] = {}
        for c in _listed(st.get("condition")):
            conditions.setdefault(c.get("test"), {})[c.get("variable")] = _one(_listed(c.get("values")))
        if conditions:
            out["Condition"] = conditions
        statements.append(out)
    return {"Version": document.get("version") or "2012-10-17", "Statement": statements}


def resolve(value: Any, documents: dict[str, dict[str, Any]]) -> tuple[dict[str, Any] | None, str]:
    """(the policy as a dict, how it was found) for a policy argument; None: not resolvable."""
    if isinstance(value, dict):
        return value, "inline object"
    if not isinstance(value, str):
        return None, f"policy is {type(value).__name__}, not a document"
    match = REFERENCE.match(value.strip())
    if match:
        doc = documents.get(match[1])
        if doc is None:
            return None, f"data.aws_iam_policy_document.{match[1]} is not in this stack"
        rendered = render(doc)
        if rendered is None:
            return None, f"data.aws_iam_policy_document.{match[1]} merges other documents"
        return rendered, f"data.aws_iam_policy_document.{match[1]}"
    if "${" in value and not value.lstrip().startswith("{"):
        return None, f"policy is an expression ({value[:80]})"
    try:
        return json.loads(value), "JSON literal"
    except ValueError:
        return None, "policy is neither JSON nor a policy-document reference"


def resolve_stack(data: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """A copy of a stack with every policy argument that references a rendered document replaced by
    its JSON, and the (type, name, why) of policy arguments that could not be resolved."""
    documents = (data.get("data") or {}).get("aws_iam_policy_document") or {}
    unresolved: list[tuple[str, str, str]] = []
    resources = data.get("resource") or {}
    for rtype, argument in POLICY_ARGUMENTS.items():
        for name, conf in (resources.get(rtype) or {}).items():
            if name == "//" or not isinstance(conf, dict) or argument not in conf:
                continue
            policy, how = resolve(conf[argument], documents)
            if policy is None:
                unresolved.append((rtype, name, how))
            elif how.startswith("data."):
                conf[argument] = json.dumps(policy, sort_keys=True)
    return data, unresolved
