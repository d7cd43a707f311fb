"""CKV_MCAI_7: an Azure storage account is zone-redundant, and a replicable class that has a replica
account in the stack is linked to it by object replication.

The compensating control for checkov's CKV_AZURE_206 (GRS/RAGRS everywhere): geo-replication to the
paired region would copy PII out of its jurisdiction (CKV_MCAI_3), so accounts are ZRS (or the
zone-redundant geo kinds GZRS/RAGZRS) and the classes storage_spec lets replicate (training, models,
models-gdpr) copy to the replica region the environment declares through
`azurerm_storage_object_replication` instead. "Has a replica" is read from the stack: another
account with the same data_classification in another location.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, norm_azure, refs_to, scalar, tags_of

ZONE_REDUNDANT = ("ZRS", "GZRS", "RAGZRS")
REPLICABLE = ("training", "models", "models-gdpr")  # constructs_lib/storage_spec.py may_replicate


class AccountRedundancy(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_7")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        found = []
        kind = scalar(conf.get("account_replication_type"))
        if kind not in ZONE_REDUNDANT:
            found.append(
                f"account_replication_type={kind!r} is not zone-redundant ({', '.join(ZONE_REDUNDANT)})"
            )
        stack = self.stack()
        tags = tags_of(self.entity_type, conf, stack)
        classification = tags.get("data_classification")
        if classification not in REPLICABLE or stack is None or tags.get("purpose") == "access-logs":
            return found
        here = norm_azure(str(scalar(conf.get("location")) or ""))
        partners = [
            name
            for name, other in stack.resources("azurerm_storage_account").items()
            if name != self.entity_name
            and (other.get("tags") or {}).get("data_classification") == classification
            and isinstance(other.get("location"), str)
            and norm_azure(other["location"]) != here
        ]
        if not partners:
            return found
        linked = set()
        for rep in stack.resources("azurerm_storage_object_replication").values():
            ends = refs_to(rep.get("source_storage_account_id"), "azurerm_storage_account") + refs_to(
                rep.get("destination_storage_account_id"), "azurerm_storage_account"
            )
            if self.entity_name in ends:
                linked.update(ends)
        missing = [p for p in partners if p not in linked]
        if missing:
            found.append(
                f"{classification} has a replica account in another region "
                f"({', '.join('azurerm_storage_account.' + m for m in missing)}) but no "
                "azurerm_storage_object_replication links them"
            )
        return found


check = AccountRedundancy()
