"""The origins behind the load balancers: their DNS records, how Cloudflare verifies them, and who
hears when a pool's health changes.

Argument names from the typed binding of cdktf-cdktf-provider-cloudflare 13.9.1 (Cloudflare
provider 5.14.0; cloudflare/terraform-provider-cloudflare v5.14.0 docs/resources/dns_record.md,
zone_setting.md (`ssl`: off | flexible | full | strict), authenticated_origin_pulls_settings.md,
notification_policy.md (alert_type `load_balancing_health_alert`, filters `pool_id`, `new_health`,
`event_source`; mechanisms.email[].id is the address)).
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_cloudflare.authenticated_origin_pulls_settings import (
    AuthenticatedOriginPullsSettings,
)
from cdktf_cdktf_provider_cloudflare.dns_record import DnsRecord
from cdktf_cdktf_provider_cloudflare.notification_policy import (
    NotificationPolicy,
    NotificationPolicyFilters,
    NotificationPolicyMechanisms,
    NotificationPolicyMechanismsEmail,
)
from cdktf_cdktf_provider_cloudflare.zone_setting import ZoneSetting
from constructs import Construct

ORIGIN_TTL_SECONDS = 300


class OriginRecords(Construct):
    """A records for one origin hostname, one per reserved ingress address.

    DNS-only (`proxied = false`): the load balancer resolves the origin itself; a proxied origin
    record would send the load balancer's own requests back through Cloudflare.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        zone_id: str,
        hostname: str,
        addresses: Sequence[str],
        comment: str,
    ) -> None:
        super().__init__(scope, id_)
        if not addresses:
            raise ValueError(f"OriginRecords {hostname}: no ingress address to point at")
        self.hostname = hostname
        self.records = [
            DnsRecord(
                self,
                f"a_{i}",
                zone_id=zone_id,
                name=hostname,
                type="A",
                content=address,
                ttl=ORIGIN_TTL_SECONDS,
                proxied=False,
                comment=comment,
            )
            for i, address in enumerate(addresses)
        ]


class StrictOriginTls(Construct):
    """SSL mode Full (strict): Cloudflare connects to origins over TLS only and accepts only a
    certificate from a trusted CA (or Cloudflare Origin CA) valid for the origin's hostname; plus
    zone-level Authenticated Origin Pulls, so an origin can require Cloudflare's client
    certificate and refuse anyone else."""

    def __init__(self, scope: Construct, id_: str, *, zone_id: str) -> None:
        super().__init__(scope, id_)
        self.ssl = ZoneSetting(self, "ssl", zone_id=zone_id, setting_id="ssl", value={})
        self.ssl.add_override("value", "strict")  # `value` is typed as a map; the API takes a string
        self.origin_pulls = AuthenticatedOriginPullsSettings(
            self, "origin_pulls", zone_id=zone_id, enabled=True
        )


class PoolHealthNotification(Construct):
    """An email when any of `pool_ids` turns unhealthy or healthy again."""

    def __init__(
        self, scope: Construct, id_: str, *, account_id: str, name: str, pool_ids: Sequence[str], email: str
    ) -> None:
        super().__init__(scope, id_)
        self.policy = NotificationPolicy(
            self,
            "policy",
            account_id=account_id,
            name=name,
            description="Load balancer pool health changes",
            alert_type="load_balancing_health_alert",
            enabled=True,
            mechanisms=NotificationPolicyMechanisms(email=[NotificationPolicyMechanismsEmail(id=email)]),
            filters=NotificationPolicyFilters(
                pool_id=list(pool_ids), new_health=["Unhealthy", "Healthy"], event_source=["pool"]
            ),
        )
