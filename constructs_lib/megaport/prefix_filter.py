"""``megaport_mcr_prefix_filter_list``: a named prefix list on an MCR that BGP sessions filter by.

Doc page: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/resources/mcr_prefix_filter_list.md
Schema (v1.13.1 internal/provider/mcr_prefix_filter_list_schema.go): required ``mcr_id``,
``description``, ``address_family`` (IPv4 | IPv6), ``entries`` [{``action`` permit | deny,
``prefix``, optional ``ge`` / ``le`` 0..128; without them an entry matches the prefix exactly}].
A VXC's BGP session names the list by its ``description`` in ``import_whitelist`` /
``export_whitelist``; the provider resolves the name when it creates the VXC, so the VXC must
depend on the list (``PrefixFilterList`` is ``ITerraformDependable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import ip_network
from typing import Literal

from constructs import Construct

from ._terraform import MegaportResource
from .mcr import Mcr


@dataclass(frozen=True)
class PrefixFilterEntry:
    prefix: str
    action: Literal["permit", "deny"] = "permit"
    ge: int | None = None
    le: int | None = None

    def __post_init__(self) -> None:
        ip_network(self.prefix)  # ValueError on a malformed prefix, before the plan


class McrPrefixFilterList(MegaportResource):
    """``resource "megaport_mcr_prefix_filter_list"`` on one MCR.

    :param mcr: the router the list lives on.
    :param description: the list's name; BGP sessions refer to it by this text.
    :param entries: the prefixes; not empty.
    :param address_family: ``IPv4`` (default) or ``IPv6``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        mcr: Mcr,
        description: str,
        entries: Sequence[PrefixFilterEntry],
        address_family: Literal["IPv4", "IPv6"] = "IPv4",
    ) -> None:
        if not entries:
            raise ValueError(f"megaport_mcr_prefix_filter_list '{id_}': entries is empty; name the prefixes.")
        if not description:
            raise ValueError(f"megaport_mcr_prefix_filter_list '{id_}': description is empty.")
        self.description = description
        super().__init__(
            scope,
            id_,
            terraform_resource_type="megaport_mcr_prefix_filter_list",
            attributes={
                "mcr_id": mcr.product_uid,
                "description": description,
                "address_family": address_family,
                "entries": [
                    {"action": e.action, "prefix": e.prefix, "ge": e.ge, "le": e.le} for e in entries
                ],
            },
        )
