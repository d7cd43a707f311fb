"""A subnet's network security group with its rules written out, and the association.

Resources (azurerm 4.55): azurerm_network_security_group, azurerm_network_security_rule,
azurerm_subnet_network_security_group_association.

Rules are separate `azurerm_network_security_rule` resources rather than the group's inline
`security_rule` list: that list is an attribute-as-block (azurerm v4.55.0
internal/services/network/network_security_group_resource.go, `SchemaConfigModeAttr`), which in
JSON syntax must spell out every attribute of every rule. The group's default rules
(AllowVnetInBound, AllowAzureLoadBalancerInBound, DenyAllInBound, AllowVnetOutBound,
AllowInternetOutBound, DenyAllOutBound at 65000-65500) stay below the rules given here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_azurerm.network_security_group import NetworkSecurityGroup
from cdktf_cdktf_provider_azurerm.network_security_rule import NetworkSecurityRule
from cdktf_cdktf_provider_azurerm.subnet_network_security_group_association import (
    SubnetNetworkSecurityGroupAssociation,
)
from constructs import Construct


@dataclass(frozen=True)
class NsgRule:
    """One allow rule. `source` / `destination`: a service tag (`GatewayManager`,
    `VirtualNetwork`), a CIDR or `*`; `ports`: destination ports (`*` for any); `protocol`:
    `Tcp`, `Udp` or `*`."""

    name: str
    priority: int
    direction: str  # Inbound | Outbound
    source: str
    destination: str
    ports: tuple[str, ...]
    protocol: str = "Tcp"


class SubnetNsg(Construct):
    """An NSG named `name` holding `rules` (each its own resource, id = the rule name in
    snake case), associated with `subnet_id`. `self.group` is the NSG."""

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        name: str,
        location: str,
        resource_group_name: str,
        subnet_id: str,
        rules: Sequence[NsgRule],
        tags: Mapping[str, str],
    ) -> None:
        super().__init__(scope, id_)
        # Priorities are unique per direction (a rule's priority is 100-4096).
        keys = {(r.direction, r.priority) for r in rules}
        if len(keys) != len(rules) or len({r.name for r in rules}) != len(rules):
            raise ValueError(f"SubnetNsg {name}: rule names and priorities (per direction) must be unique")
        self.group = NetworkSecurityGroup(
            self,
            "group",
            name=name,
            location=location,
            resource_group_name=resource_group_name,
            tags=dict(tags),
        )
        created: list[NetworkSecurityRule] = []
        for rule in rules:
            many = len(rule.ports) > 1
            created.append(
                NetworkSecurityRule(
                    self,
                    _snake(rule.name),
                    name=rule.name,
                    resource_group_name=resource_group_name,
                    network_security_group_name=self.group.name,
                    priority=rule.priority,
                    direction=rule.direction,
                    access="Allow",
                    protocol=rule.protocol,
                    source_address_prefix=rule.source,
                    source_port_range="*",
                    destination_address_prefix=rule.destination,
                    destination_port_range=None if many else rule.ports[0],
                    destination_port_ranges=list(rule.ports) if many else None,
                )
            )
        # The rules first: Azure refuses some subnets an NSG that lacks their required rules
        # (AzureBastionSubnet: "the NSG creation/update will fail").
        self.association = SubnetNetworkSecurityGroupAssociation(
            self,
            "association",
            subnet_id=subnet_id,
            network_security_group_id=self.group.id,
            depends_on=list(created) or None,
        )


def _snake(name: str) -> str:
    out = "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
    return out.lstrip("_")
