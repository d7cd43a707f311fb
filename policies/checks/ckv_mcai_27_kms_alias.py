"""CKV_MCAI_27: a KMS alias names a customer managed key of its own stack.

An alias is how services and people find a key; one that points elsewhere sends encryption to a
key nobody here reviews. Rules (AWS KMS developer guide, "Aliases in AWS KMS": alias names begin
with `alias/`, and `alias/aws/` is reserved for AWS managed keys; aws 6.25 kms_alias docs):
`name` begins with `alias/` but not `alias/aws/`, and `target_key_id` is
`${aws_kms_key.<name>.key_id|arn}` of an aws_kms_key declared in the same stack.
"""

from __future__ import annotations

import re
from typing import Any

from mcai_lib import RawResourceCheck, StackFile

TARGET = re.compile(r"^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.(key_id|arn)\}$")


class KmsAlias(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_27")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        found = []
        name = raw.get("name")
        if not isinstance(name, str) or not name.startswith("alias/") or name.startswith("alias/aws/"):
            found.append(f"name {name!r} does not begin with alias/ or uses the reserved alias/aws/")
        match = TARGET.match(str(raw.get("target_key_id") or ""))
        if match is None:
            found.append("target_key_id is not a key declared in this stack")
        elif stack.resource("aws_kms_key", match[1]) is None:
            found.append(f"target aws_kms_key.{match[1]} is not in this stack")
        return found


check = KmsAlias()
