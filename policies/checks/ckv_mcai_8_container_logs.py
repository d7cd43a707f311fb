"""CKV_MCAI_8: a blob container's account sends blob read, write and delete logs somewhere.

The compensating control for checkov's CKV2_AZURE_21, which accepts only a Log Analytics storage
insights resource (it needs the account's shared key, which the lake disables). The lake sends
StorageRead, StorageWrite and StorageDelete of `<account>/blobServices/default` through an
`azurerm_monitor_diagnostic_setting` to its log account instead.
https://learn.microsoft.com/azure/storage/blobs/monitor-blob-storage-reference#resource-logs
"""

from __future__ import annotations

from typing import Any

from mcai_lib import McaiCheck, refs_to

CATEGORIES = {"StorageRead", "StorageWrite", "StorageDelete"}


class ContainerLogs(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_8")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        accounts = refs_to(conf.get("storage_account_id"), "azurerm_storage_account")
        if not accounts:
            return ["storage_account_id does not reference a storage account of this stack"]
        account = accounts[0]
        stack = self.stack()
        if stack is None:
            return ["the stack file is needed to find the account's diagnostic settings"]
        best: set[str] = set()
        for setting in stack.resources("azurerm_monitor_diagnostic_setting").values():
            target = setting.get("target_resource_id")
            if account not in refs_to(target, "azurerm_storage_account"):
                continue
            if not str(target).endswith("/blobServices/default"):
                continue
            if not any(
                setting.get(k) for k in ("storage_account_id", "log_analytics_workspace_id", "eventhub_name")
            ):
                continue
            enabled = setting.get("enabled_log") or []
            enabled = enabled if isinstance(enabled, list) else [enabled]
            got = {e.get("category") for e in enabled if isinstance(e, dict)}
            if any(e.get("category_group") in ("allLogs", "audit") for e in enabled if isinstance(e, dict)):
                got |= CATEGORIES
            if len(got & CATEGORIES) > len(best):
                best = got & CATEGORIES
        if best == CATEGORIES:
            return []
        if not best:
            return [
                f"no diagnostic setting sends blobServices/default logs of azurerm_storage_account.{account}"
            ]
        return [f"blob diagnostic setting lacks {', '.join(sorted(CATEGORIES - best))}"]


check = ContainerLogs()
