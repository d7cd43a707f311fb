"""``megaport_mcr``: a Megaport Cloud Router.

Doc page: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/resources/mcr.md
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from constructs import Construct

from ._terraform import CONTRACT_TERMS_MONTHS, MegaportResource, Number, check_one_of, check_range
from .provider import MegaportProvider

# port_speed: "MCR2 supports seven speeds: 1000, 2500, 5000, 10000, 25000, 50000, and 100000 MBPS".
MCR_PORT_SPEEDS_MBPS = frozenset({1000, 2500, 5000, 10000, 25000, 50000, 100000})


class Mcr(MegaportResource):
    """``resource "megaport_mcr"``: a Megaport Cloud Router (layer-3 routing in the Megaport fabric).

    Docs: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/resources/mcr.md

    All arguments are flat scalars or a string map; the MCR has no nested
    argument blocks (inline ``prefix_filter_lists`` is deprecated in 1.x and
    removed in 2.0: use the separate ``megaport_mcr_prefix_filter_list``).

    :param product_name: name of the MCR.
    :param location_id: numeric Megaport location id, e.g. ``DataMegaportLocation.id``.
    :param contract_term_months: 1, 12, 24, 36, 48 or 60 (1 = month to month).
    :param port_speed: aggregate MCR capacity in Mbps: 1000, 2500, 5000, 10000,
        25000, 50000 or 100000.  Changing it replaces the MCR.
    :param asn: BGP ASN of the MCR.  Omitted: Megaport's public ASN 133937.
        Changing it replaces the MCR.
    :param diversity_zone: diversity zone (e.g. ``red`` / ``blue``).  Omitted:
        Megaport allocates one, so two MCRs may share a zone.
    :param cost_centre: billing reference shown on the invoice.  Omitted: none.
    :param promo_code: promotional code.  Omitted: none.
    :param resource_tags: Megaport resource tags.  Omitted: no tags.
    :param provider: the ``MegaportProvider`` to use.  Omitted: the default
        (un-aliased) megaport provider of the stack.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        product_name: str,
        location_id: Number,
        contract_term_months: int,
        port_speed: int,
        asn: Number | None = None,
        diversity_zone: str | None = None,
        cost_centre: str | None = None,
        promo_code: str | None = None,
        resource_tags: Mapping[str, str] | None = None,
        provider: MegaportProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        where = f"megaport_mcr '{id_}'"
        check_one_of(where, "contract_term_months", contract_term_months, CONTRACT_TERMS_MONTHS)
        check_one_of(where, "port_speed", port_speed, MCR_PORT_SPEEDS_MBPS)
        check_range(where, "asn", asn, 1, 4_294_967_295)
        super().__init__(
            scope,
            id_,
            terraform_resource_type="megaport_mcr",
            attributes={
                "product_name": product_name,
                "location_id": location_id,
                "contract_term_months": contract_term_months,
                "port_speed": port_speed,
                "asn": asn,
                "diversity_zone": diversity_zone,
                "cost_centre": cost_centre,
                "promo_code": promo_code,
                "resource_tags": dict(resource_tags) if resource_tags is not None else None,
            },
            provider=provider,
            depends_on=depends_on,
            lifecycle=lifecycle,
        )

    @property
    def product_uid(self) -> str:
        """UID of the MCR: the ``a_end.requested_product_uid`` of its VXCs."""
        return self.get_string_attribute("product_uid")
