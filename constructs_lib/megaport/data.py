"""Data sources ``megaport_location`` and ``megaport_partner``.

Doc pages:
https://github.com/megaport/terraform-provider-megaport/blob/main/docs/data-sources/location.md
https://github.com/megaport/terraform-provider-megaport/blob/main/docs/data-sources/partner.md
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import ITerraformDependable
from constructs import Construct

from ._terraform import MegaportDataSource, Number, check_one_of
from .provider import MegaportProvider

# connect_type filter of megaport_partner: "AWS (for Hosted VIF), AWSHC (for Hosted
# Connection), AZURE, GOOGLE, ORACLE, OUTSCALE, and IBM ... TRANSIT ... FRANCEIX".
PARTNER_CONNECT_TYPES = frozenset(
    {"AWS", "AWSHC", "AZURE", "GOOGLE", "ORACLE", "OUTSCALE", "IBM", "TRANSIT", "FRANCEIX"}
)


class DataMegaportLocation(MegaportDataSource):
    """``data "megaport_location"``: a Megaport data centre.

    Docs: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/data-sources/location.md

    Give exactly one of ``id`` (recommended: ids never change) or ``name``
    (names can change, which changes the plan).  ``site_code`` is deprecated
    and no longer filters, so it is not offered.

    :param id: numeric location id.
    :param name: location name, e.g. ``"Equinix DC4"``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        id: Number | None = None,
        name: str | None = None,
        provider: MegaportProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> None:
        if (id is None) == (name is None):
            raise ValueError(
                f"megaport_location '{id_}': give exactly one of id (recommended) or name, got "
                f"id={id!r}, name={name!r}."
            )
        super().__init__(
            scope,
            id_,
            terraform_resource_type="megaport_location",
            attributes={"id": id, "name": name},
            provider=provider,
            depends_on=depends_on,
        )

    @property
    def id(self) -> Number:
        """Location id (a number token): the ``location_id`` of MCRs and partner filters."""
        return self.get_number_attribute("id")

    @property
    def name(self) -> str:
        return self.get_string_attribute("name")

    @property
    def metro(self) -> str:
        return self.get_string_attribute("metro")

    @property
    def country(self) -> str:
        return self.get_string_attribute("country")


class DataMegaportPartner(MegaportDataSource):
    """``data "megaport_partner"``: a cloud on-ramp (partner port) to put on a VXC's B-End.

    Docs: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/data-sources/partner.md

    The provider narrows the partner ports by the filters given and returns one.
    ``connect_type`` is required here (optional in the provider): without it
    the provider may return a port of any cloud.

    :param connect_type: ``AWS`` (hosted VIF), ``AWSHC`` (hosted connection),
        ``AZURE``, ``GOOGLE``, ``ORACLE``, ``OUTSCALE``, ``IBM``, ``TRANSIT`` or ``FRANCEIX``.
    :param company_name: owner of the port, e.g. ``AWS``.  Omitted: any.
    :param product_name: port name, e.g. ``US East (N. Virginia) (us-east-1)``.  Omitted: any.
    :param location_id: Megaport location id.  Omitted: any location.
    :param diversity_zone: ``red`` / ``blue``; pick different zones for the two
        VXCs of a redundant pair.  Omitted: any zone.
    :param company_uid: owner's company UID.  Omitted: any.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        connect_type: str,
        company_name: str | None = None,
        product_name: str | None = None,
        location_id: Number | None = None,
        diversity_zone: str | None = None,
        company_uid: str | None = None,
        provider: MegaportProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
    ) -> None:
        check_one_of(f"megaport_partner '{id_}'", "connect_type", connect_type, PARTNER_CONNECT_TYPES)
        super().__init__(
            scope,
            id_,
            terraform_resource_type="megaport_partner",
            attributes={
                "connect_type": connect_type,
                "company_name": company_name,
                "product_name": product_name,
                "location_id": location_id,
                "diversity_zone": diversity_zone,
                "company_uid": company_uid,
            },
            provider=provider,
            depends_on=depends_on,
        )

    @property
    def product_uid(self) -> str:
        """UID of the partner port: the ``b_end.requested_product_uid`` of a cloud VXC."""
        return self.get_string_attribute("product_uid")

    @property
    def product_name(self) -> str:
        return self.get_string_attribute("product_name")

    @property
    def diversity_zone(self) -> str:
        return self.get_string_attribute("diversity_zone")

    @property
    def location_id(self) -> Number:
        return self.get_number_attribute("location_id")

    @property
    def speed(self) -> Number:
        """Port speed in Mbps."""
        return self.get_number_attribute("speed")
