"""CKV_MCAI_1: storage, and every key that encrypts storage, carries the classification tags.

Storage (S3 bucket, GCS bucket, Azure storage account) always needs data_classification,
jurisdiction and the common tags env, component, managed_by=cdktf. A key (KMS key, GCP crypto key,
Key Vault key or vault) needs them when a storage-side resource of the same stack references it
(the key encrypts storage) or once it carries data_classification. A key that holds no data
(a cluster's secrets key, Vault's unseal key) may carry `jurisdiction` alone: none of the data
classifications describes it, and the cluster and Vault stacks tag it with where it lives. Tags include the provider's default_tags (AWS) / default_labels (GCP).
"""

from __future__ import annotations

from typing import Any

from mcai_catalog import STORAGE
from mcai_lib import (
    CLASSIFICATIONS,
    COMMON_TAGS,
    TAG_VALUE,
    McaiCheck,
    StackFile,
    jurisdictions,
    refs_to,
    tags_of,
)

# Resources through which storage points at the key that encrypts it.
ENCRYPTION_USERS = (
    "aws_s3_bucket",
    "aws_s3_bucket_server_side_encryption_configuration",
    "google_storage_bucket",
    "azurerm_storage_account",
    "azurerm_storage_account_customer_managed_key",
)


def encrypts_storage(key_type: str, key_name: str, stack: StackFile | None) -> bool:
    if stack is None:
        return False
    return any(
        key_name in refs_to(conf, key_type)
        for user in ENCRYPTION_USERS
        for conf in stack.resources(user).values()
    )


class StorageTags(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_1")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        stack = self.stack()
        tags = tags_of(self.entity_type, conf, stack)
        kind = "labels" if self.entity_type.startswith("google_") else "tags"
        if self.entity_type not in STORAGE:
            tagged = "data_classification" in tags
            if not tagged and not encrypts_storage(self.entity_type, self.entity_name, stack):
                return []
        found: list[str] = []
        missing = [t for t in ("data_classification", "jurisdiction", *COMMON_TAGS) if tags.get(t) is None]
        if missing:
            found.append(f"{kind} lack {', '.join(missing)}")
        classification = tags.get("data_classification")
        if classification is not None and classification not in CLASSIFICATIONS:
            found.append(f"data_classification={classification!r} is not one of {', '.join(CLASSIFICATIONS)}")
        jurisdiction = tags.get("jurisdiction")
        if jurisdiction is not None and jurisdiction not in jurisdictions():
            found.append(
                f"jurisdiction={jurisdiction!r} is not one of {', '.join(jurisdictions())} (policies/residency.yaml)"
            )
        for tag in COMMON_TAGS:
            value = tags.get(tag)
            if value is not None and (not isinstance(value, str) or not TAG_VALUE.match(value)):
                found.append(f"{tag}={value!r} is not lowercase [a-z0-9_-]")
        if tags.get("managed_by") not in (None, "cdktf"):
            found.append(f"managed_by={tags['managed_by']!r}, expected 'cdktf'")
        return found


check = StorageTags()
