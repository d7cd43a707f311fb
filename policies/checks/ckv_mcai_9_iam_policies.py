"""CKV_MCAI_9: IAM, bucket and key policies grant no `*` action on `*` and no admin on PII.

Reads the policy whether it is a JSON literal or `${data.aws_iam_policy_document.<name>.json}`
(rendered from the stack file, iam_documents.py), which checkov's own IAM checks cannot see.
- an Allow statement whose Action is `*` (or `*:*`) on Resource `*` fails;
- an Allow statement with a service-wide action (`s3:*`, `kms:*`, `*`) on a bucket or key tagged
  data_classification=pii fails: PII access goes through named actions. The one statement exempt is
  the account-root delegation of a key policy (Principal the account root: AWS's default key policy,
  which hands the decision to IAM policies, where this check applies again).
- a policy that cannot be resolved fails closed, saying why.
"""

from __future__ import annotations

import re
from typing import Any

from iam_documents import POLICY_ARGUMENTS, resolve
from mcai_catalog import IAM_POLICY_RESOURCES
from mcai_lib import McaiCheck, StackFile, refs_to, scalar

ROOT = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:root$")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _pii(stack: StackFile | None, rtype: str, name: str) -> bool:
    conf = stack.resource(rtype, name) if stack else None
    return bool(conf) and (conf.get("tags") or {}).get("data_classification") == "pii"


class IamPolicies(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_9")
        assert set(IAM_POLICY_RESOURCES) <= set(POLICY_ARGUMENTS)

    def problems(self, conf: dict[str, Any]) -> list[str]:
        argument = POLICY_ARGUMENTS[self.entity_type]
        if argument not in conf:
            return []  # no policy argument: AWS's default (a key) or none
        stack = self.stack()
        documents = (stack.data.get("data") or {}).get("aws_iam_policy_document") or {} if stack else {}
        policy, how = resolve(scalar(conf.get(argument)), documents)
        if policy is None:
            return [f"cannot evaluate {argument}: {how}"]
        found = []
        for i, st in enumerate(_list(policy.get("Statement") or [])):
            if not isinstance(st, dict) or st.get("Effect") != "Allow":
                continue
            label = st.get("Sid") or f"statement {i}"
            actions = [a for a in _list(st.get("Action") or []) if isinstance(a, str)]
            resources = [r for r in _list(st.get("Resource") or []) if isinstance(r, str)]
            if any(a in ("*", "*:*") for a in actions) and "*" in resources:
                found.append(f"{label} ({how}) allows every action on every resource")
            principal = st.get("Principal")
            aws = _list(principal.get("AWS")) if isinstance(principal, dict) else []
            if aws and all(isinstance(p, str) and ROOT.match(p) for p in aws):
                continue  # key-policy delegation to the account's IAM
            wide = [a for a in actions if a == "*" or a.endswith(":*")]
            if not wide:
                continue
            pii = [
                f"aws_s3_bucket.{n}"
                for n in refs_to(resources, "aws_s3_bucket")
                if _pii(stack, "aws_s3_bucket", n)
            ]
            pii += [
                f"aws_kms_key.{n}" for n in refs_to(resources, "aws_kms_key") if _pii(stack, "aws_kms_key", n)
            ]
            own = (
                self._own_tags(conf).get("data_classification") if self.entity_type == "aws_kms_key" else None
            )
            if own == "pii" and "*" in resources:
                pii.append(f"{self.entity_type}.{self.entity_name} (this key)")
            if pii:
                found.append(f"{label} ({how}) grants {', '.join(wide)} on PII: {', '.join(pii)}")
        return found

    @staticmethod
    def _own_tags(conf: dict[str, Any]) -> dict[str, Any]:
        tags = scalar(conf.get("tags"))
        return tags if isinstance(tags, dict) else {}


check = IamPolicies()
