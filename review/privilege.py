"""Privilege: who may do what, before and after, statement by statement.

Parsed, never cut: AWS IAM policy JSON (``policy``, ``assume_role_policy``, inline policies) and
``aws_iam_policy_document`` data sources; Vault policy HCL (``path "..." { capabilities = [...] }``);
GCP IAM members/bindings; Azure role assignments; Vault Kubernetes auth roles; AWS managed-policy
attachments. A change is flagged when the head grants something the base did not: a new
(effect Allow, action, resource, principal) tuple, a new Vault capability on a path, a new member,
role, scope, service account or token policy. Narrowing is not flagged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from review.diff import MISSING, BlockChange, StackDiff

Add = Callable[..., None]

CONSEQUENCE = "grants more access"


# --- AWS IAM ------------------------------------------------------------------------------------


def _as_list(v: Any) -> list[Any]:
    if v is None or v is MISSING:
        return []
    return v if isinstance(v, list) else [v]


def iam_statements(policy: Any) -> list[dict[str, Any]] | None:
    """Normalized statements of an IAM policy JSON string/object, or None if it is not one."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except json.JSONDecodeError:
            return None
    if not isinstance(policy, dict):
        return None
    out = []
    for st in _as_list(policy.get("Statement")):
        if not isinstance(st, dict):
            continue
        principal = st.get("Principal")
        principals = (
            sorted(f"{k}:{x}" for k, v in principal.items() for x in _as_list(v))
            if isinstance(principal, dict)
            else [str(p) for p in _as_list(principal)]
        )
        out.append(
            {
                "sid": st.get("Sid", ""),
                "effect": st.get("Effect", "Allow"),
                "actions": sorted(map(str, _as_list(st.get("Action")))),
                "not_actions": sorted(map(str, _as_list(st.get("NotAction")))),
                "resources": sorted(map(str, _as_list(st.get("Resource")))),
                "principals": principals,
                "condition": st.get("Condition", {}),
            }
        )
    return out


def document_statements(config: Any) -> list[dict[str, Any]]:
    """Statements of an ``aws_iam_policy_document`` data source as cdktf writes it."""
    out = []
    for st in _as_list(config.get("statement") if isinstance(config, dict) else None):
        if not isinstance(st, dict):
            continue
        out.append(
            {
                "sid": st.get("sid", ""),
                "effect": st.get("effect", "Allow"),
                "actions": sorted(map(str, _as_list(st.get("actions")))),
                "not_actions": sorted(map(str, _as_list(st.get("not_actions")))),
                "resources": sorted(map(str, _as_list(st.get("resources")))),
                "principals": sorted(
                    f"{p.get('type')}:{i}"
                    for p in _as_list(st.get("principals"))
                    if isinstance(p, dict)
                    for i in _as_list(p.get("identifiers"))
                ),
                "condition": st.get("condition", []),
            }
        )
    return out


def _grants(statements: list[dict[str, Any]]) -> set[tuple[str, str, str, str]]:
    """(action, resource, principal, condition) tuples an Allow grants; wildcards stay literal."""
    out = set()
    for st in statements:
        if st["effect"] != "Allow":
            continue
        cond = json.dumps(st["condition"], sort_keys=True)
        for a in st["actions"] or [f"NOT {x}" for x in st["not_actions"]] or ["(none)"]:
            for r in st["resources"] or ["(none)"]:
                for p in st["principals"] or ["(caller)"]:
                    out.add((a, r, p, cond))
    return out


def _denies(statements: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {
        (a, r)
        for st in statements
        if st["effect"] == "Deny"
        for a in st["actions"] or ["(none)"]
        for r in st["resources"] or ["(none)"]
    }


def statement_text(st: dict[str, Any]) -> str:
    shown = {k: v for k, v in st.items() if v not in ("", [], {}, None)}
    return json.dumps(shown, sort_keys=True, ensure_ascii=False)


def iam_widening(
    before: list[dict[str, Any]] | None, after: list[dict[str, Any]] | None
) -> tuple[list[str], str] | None:
    """(what is wider, full before/after detail) or None when the head grants nothing new."""
    before = before or []
    after = after or []
    new = sorted(_grants(after) - _grants(before))
    lifted = sorted(_denies(before) - _denies(after))
    if not new and not lifted:
        return None
    points = []
    for a, r, p, c in new[:10]:
        wild = " (wildcard)" if "*" in a or r == "*" or p.endswith(":*") or p == "*" else ""
        cond = "" if c in ("{}", "[]") else " with condition"
        points.append(f"allow `{a}` on `{r}` to `{p}`{cond}{wild}")
    if len(new) > 10:
        points.append(f"… {len(new) - 10} more grants")
    points += [f"deny `{a}` on `{r}` lifted" for a, r in lifted[:5]]
    detail = _before_after(
        [statement_text(s) for s in before if s not in after],
        [statement_text(s) for s in after if s not in before],
    )
    return points, detail


def _before_after(removed: list[str], added: list[str]) -> str:
    lines = ["```diff"]
    lines += [f"- {x}" for x in removed]
    lines += [f"+ {x}" for x in added]
    lines.append("```")
    return "\n".join(lines)


# --- Vault policy HCL ---------------------------------------------------------------------------

_VAULT_PATH = re.compile(r'path\s+"([^"]+)"\s*\{(.*?)\}', re.S)
_CAPS = re.compile(r"capabilities\s*=\s*\[([^\]]*)\]", re.S)


def vault_rules(hcl: Any) -> dict[str, set[str]] | None:
    """path -> capabilities of a Vault policy HCL document (None when not a string)."""
    if not isinstance(hcl, str):
        return None
    out: dict[str, set[str]] = {}
    for path, body in _VAULT_PATH.findall(hcl):
        caps = _CAPS.search(body)
        names = set(re.findall(r'"([^"]+)"', caps.group(1))) if caps else set()
        out.setdefault(path, set()).update(names)
    return out


def vault_widening(before: Any, after: Any) -> tuple[list[str], str] | None:
    b = vault_rules(before) or {}
    a = vault_rules(after)
    if a is None:
        return None
    points = []
    for path in sorted(a):
        gained = sorted(a[path] - b.get(path, set()))
        if "deny" in b.get(path, set()) and "deny" not in a[path]:
            points.append(f"`{path}`: deny lifted")
        if gained:
            flags = [x for x in gained if x in ("sudo", "root")] + (["wildcard path"] if "*" in path else [])
            note = f" ({', '.join(flags)})" if flags else ""
            points.append(f"`{path}`: +{', '.join(gained)}{note}")
    if not points:
        return None

    def render(rules: dict[str, set[str]]) -> list[str]:
        return [f'path "{p}" {{ capabilities = {sorted(c)} }}' for p, c in sorted(rules.items())]

    rb, ra = render(b), render(a)
    return points, _before_after([x for x in rb if x not in ra], [x for x in ra if x not in rb])


# --- the rule -----------------------------------------------------------------------------------

BROAD_ROLES = re.compile(r"(roles/(owner|editor)|admin|Owner|Contributor|User Access Administrator|\*)", re.I)
GCP_IAM = ("_iam_member", "_iam_binding", "_iam_policy")


def _value(block: Any, key: str) -> Any:
    return block.config.get(key, MISSING) if block is not None and isinstance(block.config, dict) else MISSING


def _policy_attrs(rtype: str) -> tuple[str, ...]:
    if rtype == "aws_iam_role":
        return ("assume_role_policy",)
    if rtype in (
        "aws_iam_role_policy",
        "aws_iam_policy",
        "aws_s3_bucket_policy",
        "aws_kms_key",
        "aws_iam_user_policy",
    ):
        return ("policy",)
    return ()


def check(stack: StackDiff, add: Add) -> None:
    for change in stack.blocks:
        if change.action == "removed":
            continue
        before, after = change.before, change.after
        assert after is not None
        rtype = after.type
        is_new = change.action == "added"
        if after.kind == "data" and rtype == "aws_iam_policy_document":
            wider = iam_widening(
                document_statements(before.config) if before else [], document_statements(after.config)
            )
            if wider and not is_new:
                add(
                    change.address,
                    "privilege",
                    "IAM policy document grants more: " + "; ".join(wider[0]),
                    rule="IAM policy widened",
                    detail=wider[1],
                )
            continue
        if after.kind != "resource":
            continue
        for attr in _policy_attrs(rtype):
            b, a = _value(before, attr), _value(after, attr)
            if b == a:
                continue
            sb, sa = iam_statements(b) if b is not MISSING else [], iam_statements(a)
            if sa is None:
                continue  # a reference (`${data....json}`): the data source is checked itself
            wider = iam_widening(sb, sa)
            if wider:
                add(
                    change.address,
                    "privilege",
                    f"`{attr}` grants more: " + "; ".join(wider[0]),
                    rule="IAM policy widened" if not is_new else "new IAM policy",
                    detail=wider[1],
                )
        if rtype == "aws_iam_role_policy_attachment":
            b, a = _value(before, "policy_arn"), _value(after, "policy_arn")
            if a != b:
                broad = (
                    " (broad managed policy)"
                    if isinstance(a, str) and BROAD_ROLES.search(a.rsplit("/", 1)[-1])
                    else ""
                )
                add(
                    change.address,
                    "privilege",
                    f"managed policy attached: `{a}`{broad}" + (f", was `{b}`" if b is not MISSING else ""),
                    rule="managed policy attached",
                )
        elif rtype == "vault_policy":
            wider = vault_widening(_value(before, "policy"), _value(after, "policy"))
            if wider:
                add(
                    change.address,
                    "privilege",
                    "Vault policy grants more: " + "; ".join(wider[0]),
                    rule="Vault policy widened" if not is_new else "new Vault policy",
                    detail=wider[1],
                )
        elif rtype.startswith("google_") and rtype.endswith(GCP_IAM):
            role, member = _value(after, "role"), _value(after, "member")
            members = _value(after, "members")
            who = member if member is not MISSING else members
            broad = " (broad role)" if isinstance(role, str) and BROAD_ROLES.search(role) else ""
            if is_new:
                add(
                    change.address,
                    "privilege",
                    f"new grant: `{role}` to `{json.dumps(who)}`{broad}",
                    rule="GCP IAM grant added",
                )
            else:
                moved = [
                    f"`{c.dotted}`: `{json.dumps(c.before)}` → `{json.dumps(c.after)}`"
                    for c in change.changes
                    if c.canonical[:1] in (("role",), ("member",), ("members",), ("condition",))
                ]
                if moved:
                    add(
                        change.address,
                        "privilege",
                        f"GCP IAM grant changed{broad}: " + "; ".join(moved),
                        rule="GCP IAM grant changed",
                    )
        elif rtype == "azurerm_role_assignment":
            role = _value(after, "role_definition_name")
            if role is MISSING:
                role = _value(after, "role_definition_id")
            broad = " (broad role)" if isinstance(role, str) and BROAD_ROLES.search(role) else ""
            if is_new:
                add(
                    change.address,
                    "privilege",
                    f"new role assignment: `{role}` on `{_value(after, 'scope')}`{broad}",
                    rule="Azure role assignment added",
                )
            else:
                moved = [
                    f"`{c.dotted}`: `{c.before}` → `{c.after}`"
                    for c in change.changes
                    if c.canonical[:1]
                    in (("role_definition_name",), ("role_definition_id",), ("scope",), ("principal_id",))
                ]
                if moved:
                    add(
                        change.address,
                        "privilege",
                        f"role assignment changed{broad}: " + "; ".join(moved),
                        rule="Azure role assignment changed",
                    )
        elif rtype == "azuread_app_role_assignment":
            role = _value(after, "app_role_id")
            if is_new:
                add(
                    change.address,
                    "privilege",
                    f"new Entra ID app role assignment: `{role}`",
                    rule="Entra ID app role assigned",
                )
            else:
                moved = [
                    f"`{c.dotted}`: `{c.before}` → `{c.after}`"
                    for c in change.changes
                    if c.canonical[:1]
                    in (("app_role_id",), ("principal_object_id",), ("resource_object_id",))
                ]
                if moved:
                    add(
                        change.address,
                        "privilege",
                        "app role assignment changed: " + "; ".join(moved),
                        rule="Entra ID app role changed",
                    )
        elif rtype == "vault_kubernetes_auth_backend_role":
            points = []
            for key in ("bound_service_account_names", "bound_service_account_namespaces", "token_policies"):
                b, a = set(_as_list(_value(before, key))), set(_as_list(_value(after, key)))
                gained = sorted(a - b)
                if gained and not is_new:
                    star = " (wildcard: any)" if "*" in gained else ""
                    points.append(f"`{key}` +{gained}{star}")
            for key in ("token_ttl", "token_max_ttl"):
                b, a = _value(before, key), _value(after, key)
                if isinstance(a, int) and isinstance(b, int) and a > b:
                    points.append(f"`{key}` {b} → {a} s")
            if points:
                add(
                    change.address,
                    "privilege",
                    "Kubernetes auth role grants more: " + "; ".join(points),
                    rule="Kubernetes auth role widened",
                )


def changed_blocks(stack: StackDiff) -> list[BlockChange]:
    return [c for c in stack.blocks if c.action in ("changed", "moved")]
