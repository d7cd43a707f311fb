"""``megaport_vxc``: a Virtual Cross Connect, with its end and partner configurations.

Doc page: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/resources/vxc.md

Shape in the provider schema (terraform-plugin-framework attributes, so JSON
objects and arrays, never Terraform blocks):

* ``a_end``, ``b_end``, ``a_end_partner_config``, ``b_end_partner_config``:
  single nested objects.
* inside a partner config, ``aws_config``, ``azure_config``, ``google_config``,
  ``vrouter_config``: single nested objects.
* ``azure_config.peers``, ``vrouter_config.interfaces``,
  ``interfaces[].ip_routes``, ``interfaces[].bgp_connections``: lists of objects;
  ``interfaces[].bfd``: a single nested object; ``interfaces[].ip_addresses``:
  a list of strings.

Every dataclass field is named exactly like the provider argument it fills.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from constructs import Construct

from ._terraform import (
    CONTRACT_TERMS_MONTHS,
    MegaportResource,
    Number,
    check_one_of,
    check_range,
    is_token,
)
from .provider import MegaportProvider

_VXC = "megaport_vxc"


def _check_vlan(where: str, argument: str, value: Number | None) -> None:
    # "Values can range from 2 to 4093. If this value is set to 0, or not
    # included, the Megaport system allocates a valid VLAN ID ... To set this
    # VLAN to untagged, set the VLAN value to -1."
    if value is None or is_token(value) or value in (-1, 0):
        return
    check_range(where, argument, value, 2, 4093)


@dataclass(frozen=True, kw_only=True)
class VxcEnd:
    """``a_end`` / ``b_end`` of a VXC (a single nested object).

    :param requested_product_uid: the port, MCR or partner port to attach
        (``Mcr.product_uid``, ``DataMegaportPartner.product_uid``).  Required on
        the A-End.  On a partner B-End it pins the on-ramp (location and
        diversity zone); left out there, Megaport picks any port of that
        cloud, which may not be the intended one.
    :param ordered_vlan: 2..4093; 0 or omitted: Megaport allocates one; -1: untagged.
    :param inner_vlan: inner (Q-in-Q) VLAN.  Omitted: none.
    :param vnic_index: network interface index, for MVE ends only.  Omitted: none.
    """

    requested_product_uid: str | None = None
    ordered_vlan: Number | None = None
    inner_vlan: Number | None = None
    vnic_index: Number | None = None

    def __post_init__(self) -> None:
        _check_vlan("megaport_vxc end", "ordered_vlan", self.ordered_vlan)


@dataclass(frozen=True, kw_only=True)
class AwsConfig:
    """``aws_config`` of a partner config: AWS Direct Connect.

    :param connect_type: ``AWS`` (hosted virtual interface) or ``AWSHC`` (hosted connection).
    :param name: name of the AWS-side connection / VIF.
    :param owner_account: AWS account id that receives (accepts) the connection.
    :param type: VIF type, ``private``, ``public`` or ``transit``.  Required
        here: the 1.x documentation lists it as required for every AWS
        config, later schemas only for ``connect_type="AWS"``.
    :param asn: customer-side ASN (for an MCR A-End, the MCR's ASN).  Omitted: provider default.
    :param amazon_asn: Amazon-side ASN (the Direct Connect gateway / VGW ASN).  Omitted: Amazon default.
    :param auth_key: BGP MD5 key.  Omitted: AWS generates one.
    :param customer_ip_address: customer peer address (CIDR).  Omitted: AWS assigns.
    :param amazon_ip_address: Amazon peer address (CIDR).  Omitted: AWS assigns.
    :param prefixes: prefixes to announce (public VIFs).  Omitted: none.
    """

    connect_type: Literal["AWS", "AWSHC"]
    name: str
    owner_account: str
    type: Literal["private", "public", "transit"]
    asn: Number | None = None
    amazon_asn: Number | None = None
    auth_key: str | None = None
    customer_ip_address: str | None = None
    amazon_ip_address: str | None = None
    prefixes: str | None = None

    def __post_init__(self) -> None:
        where = "megaport_vxc aws_config"
        check_one_of(where, "connect_type", self.connect_type, {"AWS", "AWSHC"})
        check_one_of(where, "type", self.type, {"private", "public", "transit"})


@dataclass(frozen=True, kw_only=True)
class AzurePeer:
    """One element of ``azure_config.peers`` (a list of objects).

    Setting peers makes Megaport configure the ExpressRoute peering; the
    provider then requires the Azure-side resources to be deleted before the VXC.

    :param type: peering type, e.g. ``private``.
    :param peer_asn: customer ASN, a *string* in the provider schema.
    :param primary_subnet: /30 for the primary link.
    :param secondary_subnet: /30 for the secondary link.
    :param prefixes: advertised prefixes (Microsoft peering).  Omitted: none.
    :param shared_key: BGP MD5 key.  Omitted: none.
    :param vlan: peering VLAN.  Omitted: provider default.
    """

    type: str
    peer_asn: str | None = None
    primary_subnet: str | None = None
    secondary_subnet: str | None = None
    prefixes: str | None = None
    shared_key: str | None = None
    vlan: Number | None = None


@dataclass(frozen=True, kw_only=True)
class AzureConfig:
    """``azure_config`` of a partner config: Azure ExpressRoute.

    :param service_key: the ExpressRoute circuit's service key
        (``azurerm_express_route_circuit.service_key``; sensitive).
    :param port_choice: ``primary`` or ``secondary`` ExpressRoute port.
    :param peers: peerings Megaport should configure.  Omitted: none (configure
        the peering on the Azure side).
    """

    service_key: str
    port_choice: Literal["primary", "secondary"]
    peers: Sequence[AzurePeer] | None = None

    def __post_init__(self) -> None:
        check_one_of("megaport_vxc azure_config", "port_choice", self.port_choice, {"primary", "secondary"})


@dataclass(frozen=True, kw_only=True)
class GoogleConfig:
    """``google_config`` of a partner config: Google Cloud Partner Interconnect.

    :param pairing_key: the VLAN attachment's pairing key
        (``google_compute_interconnect_attachment.pairing_key``, looks like
        ``<uuid>/<region>/<zone>``).
    """

    pairing_key: str


@dataclass(frozen=True, kw_only=True)
class Bfd:
    """``bfd`` of a vrouter interface (a single nested object).  Omitted fields: provider defaults."""

    tx_interval: Number | None = None
    rx_interval: Number | None = None
    multiplier: Number | None = None


@dataclass(frozen=True, kw_only=True)
class IpRoute:
    """One element of ``interfaces[].ip_routes``: a static route on the MCR."""

    prefix: str
    next_hop: str
    description: str | None = None


@dataclass(frozen=True, kw_only=True)
class BgpConnection:
    """One element of ``interfaces[].bgp_connections``: a BGP session on the MCR side.

    :param peer_asn: the cloud's ASN (Amazon ASN, 12076 for Azure, 16550 for Google).
    :param local_ip_address: MCR-side address, without mask.
    :param peer_ip_address: cloud-side address, without mask.
    :param local_asn: override of the MCR ASN for this session.  Omitted: the MCR's ASN.
    :param password: BGP MD5 key (sensitive).  Omitted: no authentication.
    :param description: free text.  Omitted: none.
    :param shutdown: True keeps the session administratively down.  Omitted: up.
    :param bfd_enabled: run BFD on the session.  Omitted: off.
    :param med_in: MED applied to received routes.  Omitted: none.
    :param med_out: MED sent with advertised routes.  Omitted: none.
    :param as_path_prepend_count: 0..10 prepends on advertised routes.  Omitted: none.
    :param peer_type: ``NON_CLOUD``, ``PRIV_CLOUD`` or ``PUB_CLOUD``; default
        routing policy.  Omitted: derived from the far end's type.
    :param import_whitelist: description of an MCR prefix filter list that
        received routes must match.  Omitted: accept all.
    :param export_whitelist: description of an MCR prefix filter list that
        advertised routes must match.  Omitted: advertise per ``peer_type``.
    """

    peer_asn: Number
    local_ip_address: str
    peer_ip_address: str
    local_asn: Number | None = None
    password: str | None = None
    description: str | None = None
    shutdown: bool | None = None
    bfd_enabled: bool | None = None
    med_in: Number | None = None
    med_out: Number | None = None
    as_path_prepend_count: int | None = None
    peer_type: Literal["NON_CLOUD", "PRIV_CLOUD", "PUB_CLOUD"] | None = None
    import_whitelist: str | None = None
    export_whitelist: str | None = None

    def __post_init__(self) -> None:
        where = "megaport_vxc bgp_connections"
        if (
            isinstance(self.local_ip_address, str)
            and "/" in self.local_ip_address
            and not is_token(self.local_ip_address)
        ):
            raise ValueError(
                f"{where}: local_ip_address={self.local_ip_address!r} has a mask; give the address only."
            )
        if (
            isinstance(self.peer_ip_address, str)
            and "/" in self.peer_ip_address
            and not is_token(self.peer_ip_address)
        ):
            raise ValueError(
                f"{where}: peer_ip_address={self.peer_ip_address!r} has a mask; give the address only."
            )
        check_range(where, "as_path_prepend_count", self.as_path_prepend_count, 0, 10)
        check_one_of(where, "peer_type", self.peer_type, {"NON_CLOUD", "PRIV_CLOUD", "PUB_CLOUD"})


@dataclass(frozen=True, kw_only=True)
class VrouterInterface:
    """One element of ``vrouter_config.interfaces`` (a list of objects).

    :param ip_addresses: MCR interface addresses in CIDR notation (``169.254.0.1/30``).
    :param bgp_connections: BGP sessions over this interface.  Omitted: none.
    :param ip_routes: static routes.  Omitted: none.
    :param bfd: BFD timers.  Omitted: provider defaults.
    :param vlan: inner VLAN for implicit Q-in-Q (used for Azure).  Omitted: none.
    """

    ip_addresses: Sequence[str] | None = None
    bgp_connections: Sequence[BgpConnection] | None = None
    ip_routes: Sequence[IpRoute] | None = None
    bfd: Bfd | None = None
    vlan: Number | None = None


@dataclass(frozen=True, kw_only=True)
class VrouterConfig:
    """``vrouter_config``: layer-3 configuration of the MCR end (replaces the deprecated ``partner_a_end_config``)."""

    interfaces: Sequence[VrouterInterface]


PartnerName = Literal["aws", "azure", "google", "transit", "vrouter"]

# partner -> the config object it needs ("oracle", "ibm" and the deprecated
# "a-end" exist in the provider but are not modelled here).
_PARTNER_CONFIG = {
    "aws": "aws_config",
    "azure": "azure_config",
    "google": "google_config",
    "vrouter": "vrouter_config",
    "transit": None,
}


@dataclass(frozen=True, kw_only=True)
class PartnerConfig:
    """``a_end_partner_config`` / ``b_end_partner_config`` (a single nested object).

    Exactly the config matching ``partner`` must be set (``transit`` takes
    none).  Except for ``vrouter``, changing a partner config replaces the VXC.

    Typical use: ``b_end_partner_config`` carries the cloud side
    (``aws`` / ``azure`` / ``google``); ``a_end_partner_config`` with
    ``partner="vrouter"`` carries the BGP sessions on the MCR side.
    """

    partner: PartnerName
    aws_config: AwsConfig | None = None
    azure_config: AzureConfig | None = None
    google_config: GoogleConfig | None = None
    vrouter_config: VrouterConfig | None = None

    def __post_init__(self) -> None:
        where = "megaport_vxc partner config"
        check_one_of(where, "partner", self.partner, set(_PARTNER_CONFIG))
        wanted = _PARTNER_CONFIG[self.partner]
        present = [name for name in _PARTNER_CONFIG.values() if name and getattr(self, name) is not None]
        if wanted is not None and wanted not in present:
            raise ValueError(f"{where}: partner={self.partner!r} needs {wanted}; set it.")
        extra = [name for name in present if name != wanted]
        if extra:
            raise ValueError(
                f"{where}: partner={self.partner!r} does not take {', '.join(extra)}; remove it "
                f"or change partner."
            )


class Vxc(MegaportResource):
    """``resource "megaport_vxc"``: a Virtual Cross Connect between two Megaport products.

    Docs: https://github.com/megaport/terraform-provider-megaport/blob/main/docs/resources/vxc.md

    :param product_name: name of the VXC.
    :param rate_limit: bandwidth in Mbps.
    :param contract_term_months: 1, 12, 24, 36, 48 or 60 (1 = month to month).
    :param a_end: A-End (``VxcEnd``); ``requested_product_uid`` is required.
    :param b_end: B-End (``VxcEnd``).  For a cloud VXC, the partner port
        (``DataMegaportPartner.product_uid``).
    :param a_end_partner_config: A-End partner config, typically
        ``PartnerConfig(partner="vrouter", vrouter_config=...)`` for BGP on the
        MCR.  Omitted: no layer-3 config on the A-End.
    :param b_end_partner_config: B-End partner config: the cloud side
        (``aws`` / ``azure`` / ``google``).  Omitted: a plain layer-2 VXC.
    :param service_key: a Megaport service key to connect to another company's
        port (sensitive).  Omitted: none.
    :param shutdown: True keeps the VXC administratively down.  Omitted: up.
    :param cost_centre: billing reference.  Omitted: none.
    :param promo_code: promotional code.  Omitted: none.
    :param resource_tags: Megaport resource tags.  Omitted: no tags.
    :param provider: the ``MegaportProvider`` to use.  Omitted: the default one.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        product_name: str,
        rate_limit: Number,
        contract_term_months: int,
        a_end: VxcEnd,
        b_end: VxcEnd,
        a_end_partner_config: PartnerConfig | None = None,
        b_end_partner_config: PartnerConfig | None = None,
        service_key: str | None = None,
        shutdown: bool | None = None,
        cost_centre: str | None = None,
        promo_code: str | None = None,
        resource_tags: Mapping[str, str] | None = None,
        provider: MegaportProvider | None = None,
        depends_on: Sequence[ITerraformDependable] | None = None,
        lifecycle: TerraformResourceLifecycle | None = None,
    ) -> None:
        where = f"{_VXC} '{id_}'"
        check_one_of(where, "contract_term_months", contract_term_months, CONTRACT_TERMS_MONTHS)
        check_range(where, "rate_limit", rate_limit, 1, 100_000)
        if a_end.requested_product_uid is None:
            raise ValueError(
                f"{where}: a_end.requested_product_uid is required; pass the MCR or port, "
                "e.g. VxcEnd(requested_product_uid=mcr.product_uid)."
            )
        super().__init__(
            scope,
            id_,
            terraform_resource_type=_VXC,
            attributes={
                "product_name": product_name,
                "rate_limit": rate_limit,
                "contract_term_months": contract_term_months,
                "a_end": a_end,
                "b_end": b_end,
                "a_end_partner_config": a_end_partner_config,
                "b_end_partner_config": b_end_partner_config,
                "service_key": service_key,
                "shutdown": shutdown,
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
        """UID of the VXC."""
        return self.get_string_attribute("product_uid")

    def csp_connection_attribute(self, attribute: str, index: int = 0) -> str:
        """A read-only ``csp_connections[index].<attribute>`` as a token.

        E.g. ``vif_id`` (AWS hosted VIF) or ``connection_id`` (AWS hosted
        connection), which the AWS side needs to accept the connection.
        """
        return self.get_string_attribute(f"csp_connections[{index}].{attribute}")
