"""CKV_MCAI_21: a Megaport VXC fits what its cloud product and its router can carry, on a set VLAN.

The megaport provider checks `rate_limit` only as a number (v1.13.1 internal/provider/
vxc_resource.go); an order above the partner product's ceiling is refused by Megaport at apply
time, or provisions a VXC the cloud side cannot use. Limits (literals, reasons beside them; the
same table as stacks/interconnect_plan.VXC_RATE_LIMITS_MBPS):
- AWS hosted VIF (`aws_config.connect_type = "AWS"`): at most 5,000 Mbps (Megaport's AWS product
  page, provider-facts.md); a hosted connection (`AWSHC`) at most 10,000 Mbps;
- Google Partner Interconnect through Megaport: at most 10,000 Mbps (attachment BPS_10G);
- Azure ExpressRoute: at most 10,000 Mbps (the largest circuit the platform orders);
- never more than the A-end MCR's `port_speed` (read from the MCR it references in the stack).
VLAN: `a_end.ordered_vlan` is set to 2..4093 (0 or absent lets Megaport pick one, -1 is untagged:
either way the cloud side's VLAN in this plan would not match), and no two VXCs of the stack order
the same VLAN on the same MCR.
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile, refs_to

PARTNER_MAX_MBPS = {
    ("aws", "AWS"): 5000,
    ("aws", "AWSHC"): 10000,
    ("google", None): 10000,
    ("azure", None): 10000,
}


def _one(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


class MegaportVxc(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_21")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        found = []
        rate = raw.get("rate_limit")
        if not isinstance(rate, int) or isinstance(rate, bool) or rate < 1:
            return [f"rate_limit {rate!r} is not a positive literal number of Mbps"]
        partner = _one(raw.get("b_end_partner_config"))
        kind = partner.get("partner")
        connect = _one(partner.get("aws_config")).get("connect_type") if kind == "aws" else None
        limit = PARTNER_MAX_MBPS.get((kind, connect))
        if limit is None:
            found.append(f"partner {kind!r} (connect_type {connect!r}) has no known rate limit")
        elif rate > limit:
            found.append(f"rate_limit {rate} Mbps exceeds the {kind} product's {limit} Mbps")
        a_end = _one(raw.get("a_end"))
        mcrs = refs_to(a_end.get("requested_product_uid"), "megaport_mcr")
        mcr = stack.resource("megaport_mcr", mcrs[0]) if mcrs else None
        if mcr is None:
            found.append("a_end is not an MCR of this stack: its port speed cannot be checked")
        elif isinstance(mcr.get("port_speed"), int) and rate > mcr["port_speed"]:
            found.append(
                f"rate_limit {rate} Mbps exceeds megaport_mcr.{mcrs[0]} port_speed {mcr['port_speed']}"
            )
        vlan = a_end.get("ordered_vlan")
        if not isinstance(vlan, int) or isinstance(vlan, bool) or not 2 <= vlan <= 4093:
            found.append(f"a_end.ordered_vlan {vlan!r} is not a set VLAN 2..4093")
        elif mcrs:
            for name, other in stack.resources(self.entity_type).items():
                o_end = _one(other.get("a_end"))
                if (
                    name != self.entity_name
                    and o_end.get("ordered_vlan") == vlan
                    and refs_to(o_end.get("requested_product_uid"), "megaport_mcr") == mcrs
                ):
                    found.append(
                        f"VLAN {vlan} is also ordered by megaport_vxc.{name} on megaport_mcr.{mcrs[0]}"
                    )
        return found


check = MegaportVxc()
