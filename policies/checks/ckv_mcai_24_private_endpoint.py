"""CKV_MCAI_24: an Azure private endpoint is usable: in a subnet, auto-approved, with its DNS.

A private endpoint without a private DNS zone group leaves the service's public name resolving to
its public address, so clients keep using the public path while the endpoint sits idle
(Microsoft Learn, "Azure Private Endpoint DNS configuration"; azurerm 4.55 private_endpoint docs:
private_dns_zone_group). Rules: `subnet_id` set; `private_service_connection` targets a resource
with at least one `subresource_names` entry and `is_manual_connection = false` (a manual request
waits for an approval nobody gives in this plan); a `private_dns_zone_group` with at least one
`private_dns_zone_ids`.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile


def _one(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


class PrivateEndpoint(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_24")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        found = []
        if not raw.get("subnet_id"):
            found.append("subnet_id is not set")
        connection = _one(raw.get("private_service_connection"))
        if not connection.get("private_connection_resource_id"):
            found.append("private_service_connection names no target resource")
        if not connection.get("subresource_names"):
            found.append("private_service_connection has no subresource_names")
        if connection.get("is_manual_connection") is not False:
            found.append("is_manual_connection is not false: the connection waits for a manual approval")
        zones = _one(raw.get("private_dns_zone_group")).get("private_dns_zone_ids") or []
        if not zones:
            found.append("no private_dns_zone_group with a zone: the service name keeps resolving publicly")
        return found


check = PrivateEndpoint()
