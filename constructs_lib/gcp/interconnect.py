"""GCP end of a Partner Interconnect: a Cloud Router with Google's partner ASN and one PARTNER
VLAN attachment per edge availability domain, whose pairing keys the partner (Megaport) uses.

Resources (google 6.50): google_compute_router, google_compute_interconnect_attachment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf_cdktf_provider_google.compute_interconnect_attachment import ComputeInterconnectAttachment
from cdktf_cdktf_provider_google.compute_router import (
    ComputeRouter,
    ComputeRouterBgp,
    ComputeRouterBgpAdvertisedIpRanges,
)
from constructs import Construct

# Partner Interconnect with a layer-3 partner requires this ASN on the Cloud Router.
PARTNER_INTERCONNECT_ASN = 16550
EDGE_AVAILABILITY_DOMAINS = ("AVAILABILITY_DOMAIN_1", "AVAILABILITY_DOMAIN_2")


class PartnerInterconnect(Construct):
    """A Cloud Router (ASN 16550) in one network and region plus PARTNER VLAN attachments.

    The router advertises only `advertised_ranges` (advertise mode CUSTOM): without them a
    Cloud Router advertises every subnetwork of the VPC, which is more than the plan declares.
    The partner configures the BGP sessions (Google assigns the link-local addresses).

    Props:
      name: router name; attachments are `<name>-<n>` for domain n.
      network: the VPC (self link or id, a reference to the cluster stack's network).
      region: the VPC region the attachments serve.
      advertised_ranges: the CIDRs announced to the partner (required, not empty).
      edge_availability_domains: one attachment per domain. Default both domains, the
        pair Google's 99.99% topology needs.
      mtu: attachment MTU. Omitted: Google's default (1440).
      labels: attachment labels.
      project: the project. Omitted: the provider's.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        network: str,
        region: str,
        advertised_ranges: Sequence[str],
        labels: Mapping[str, str],
        edge_availability_domains: Sequence[str] = EDGE_AVAILABILITY_DOMAINS,
        attachments: Mapping[str, str] | None = None,
        mtu: int | None = None,
        project: str | None = None,
    ) -> None:
        super().__init__(scope, id_)
        if not advertised_ranges:
            raise ValueError(
                f"PartnerInterconnect {name}: advertised_ranges is empty; name the CIDRs to announce."
            )
        # `attachments` (key -> edge domain) names attachments by what they serve, for more than
        # one attachment per domain (Google's 99.99% topology: both domains in each of two metros).
        keyed = (
            dict(attachments)
            if attachments is not None
            else {d.rsplit("_", 1)[1]: d for d in edge_availability_domains}
        )
        unknown = [d for d in keyed.values() if d not in EDGE_AVAILABILITY_DOMAINS]
        if unknown:
            raise ValueError(f"PartnerInterconnect {name}: unknown edge availability domain(s) {unknown}.")
        self.router = ComputeRouter(
            self,
            "router",
            name=name,
            network=network,
            region=region,
            project=project,
            description="Partner Interconnect (Megaport); advertises the cluster's declared ranges only",
            bgp=ComputeRouterBgp(
                asn=PARTNER_INTERCONNECT_ASN,
                advertise_mode="CUSTOM",
                advertised_ip_ranges=[ComputeRouterBgpAdvertisedIpRanges(range=r) for r in advertised_ranges],
            ),
        )
        self.attachments: dict[str, ComputeInterconnectAttachment] = {}
        for key, domain in keyed.items():
            self.attachments[key] = ComputeInterconnectAttachment(
                self,
                f"attachment_{key}",
                name=f"{name}-{key}".replace("_", "-")[:63].rstrip("-"),
                router=self.router.id,
                region=region,
                project=project,
                type="PARTNER",
                edge_availability_domain=domain,
                admin_enabled=True,
                mtu=str(mtu) if mtu is not None else None,
                labels=dict(labels),
            )

    def pairing_key(self, key: str) -> str:
        """The attachment's pairing key (`<uuid>/<region>/<domain number>`) as a reference.
        `key` is the attachment's key (`attachments`), or the domain number ("1", "2") by default."""
        return self.attachments[key].pairing_key
