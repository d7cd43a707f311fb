"""What the edge promises besides routing: where TLS terminates, which names the certificate
covers, and the lowest TLS version a visitor may use.

Argument names from the typed binding of cdktf-cdktf-provider-cloudflare 13.9.1 (Cloudflare
provider 5.14.0; cloudflare/terraform-provider-cloudflare v5.14.0 docs/resources/
regional_hostname.md, certificate_pack.md, zone_setting.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_cloudflare.certificate_pack import CertificatePack
from cdktf_cdktf_provider_cloudflare.regional_hostname import RegionalHostname as CfRegionalHostname
from cdktf_cdktf_provider_cloudflare.zone_setting import ZoneSetting
from constructs import Construct


class RegionalHostname(Construct):
    """Regional Services (Data Localization Suite): traffic to `hostname` is decrypted, inspected
    (WAF) and served only in Cloudflare data centres of `region_key` (e.g. `eu`). Without it, a
    proxied hostname terminates TLS at whatever data centre is nearest the visitor, worldwide.
    Needs the Data Localization Suite on the account."""

    def __init__(self, scope: Construct, id_: str, *, zone_id: str, hostname: str, region_key: str) -> None:
        super().__init__(scope, id_)
        self.hostname = hostname
        self.region_key = region_key
        self.resource = CfRegionalHostname(
            self, "regional_hostname", zone_id=zone_id, hostname=hostname, region_key=region_key
        )


class AdvancedCertificate(Construct):
    """An advanced certificate pack for `hostnames` plus the zone apex (Cloudflare requires the
    apex in `hosts`, at most 50 names). Universal SSL covers only the apex and `*.<zone>`; a name
    two levels down (`api.eu.<zone>`) needs this.

    Defaults: Google Trust Services, TXT validation, 90-day certificates renewed by Cloudflare.
    """

    MAX_HOSTS = 50

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        zone_id: str,
        zone_name: str,
        hostnames: Sequence[str],
        certificate_authority: str = "google",
        validation_method: str = "txt",
        validity_days: int = 90,
    ) -> None:
        super().__init__(scope, id_)
        hosts = [zone_name, *sorted(set(hostnames) - {zone_name})]
        outside = [h for h in hosts if h != zone_name and not h.endswith(f".{zone_name}")]
        if outside:
            raise ValueError(f"AdvancedCertificate: {outside} are not in zone {zone_name}.")
        if len(hosts) > self.MAX_HOSTS:
            raise ValueError(f"AdvancedCertificate: {len(hosts)} hosts, Cloudflare allows {self.MAX_HOSTS}.")
        self.hosts = hosts
        self.resource = CertificatePack(
            self,
            "pack",
            zone_id=zone_id,
            type="advanced",
            hosts=hosts,
            certificate_authority=certificate_authority,
            validation_method=validation_method,
            validity_days=validity_days,
            cloudflare_branding=False,
        )


class MinimumTls(Construct):
    """The zone's minimum TLS version (`min_tls_version`) and TLS 1.3 turned on (`tls_1_3`).

    `value` is a dynamic attribute that the binding types as a map; the provider takes the
    string the Cloudflare API uses, so it is set with an override."""

    def __init__(self, scope: Construct, id_: str, *, zone_id: str, min_tls_version: str = "1.3") -> None:
        super().__init__(scope, id_)
        if min_tls_version not in ("1.0", "1.1", "1.2", "1.3"):
            raise ValueError(f"MinimumTls: '{min_tls_version}' is not a TLS version Cloudflare offers.")
        self.min_tls_version = ZoneSetting(
            self, "min_tls_version", zone_id=zone_id, setting_id="min_tls_version", value={}
        )
        self.min_tls_version.add_override("value", min_tls_version)
        self.tls_1_3 = ZoneSetting(self, "tls_1_3", zone_id=zone_id, setting_id="tls_1_3", value={})
        self.tls_1_3.add_override("value", "on")
