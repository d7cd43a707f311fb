"""CKV_MCAI_22: a Cloudflare load balancer pool is health-checked and fails over honestly.

Without `monitor` Cloudflare treats every origin as healthy, so traffic keeps flowing to a dead
cluster; `minimum_origins` above the number of enabled origins makes the pool permanently
unhealthy (cloudflare 5.14 load_balancer_pool docs: "The minimum number of origins that must be
healthy for this pool to serve traffic"). Rules: a `monitor` that references a
cloudflare_load_balancer_monitor of the stack, at least one enabled origin, and
1 <= minimum_origins <= enabled origins (absent: the provider's default 1).
"""

from __future__ import annotations

from typing import Any

from mcai_lib import RawResourceCheck, StackFile, refs_to


class LbPoolHealth(RawResourceCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_22")

    def raw_problems(self, raw: dict[str, Any], stack: StackFile) -> list[str]:
        found = []
        monitors = refs_to(raw.get("monitor"), "cloudflare_load_balancer_monitor")
        if not monitors or stack.resource("cloudflare_load_balancer_monitor", monitors[0]) is None:
            found.append("no monitor of this stack: every origin counts as healthy")
        origins = [
            o for o in raw.get("origins") or [] if isinstance(o, dict) and o.get("enabled", True) is not False
        ]
        if not origins:
            found.append("no enabled origin")
        minimum = raw.get("minimum_origins", 1)
        if (
            not isinstance(minimum, int)
            or isinstance(minimum, bool)
            or not 1 <= minimum <= max(len(origins), 1)
        ):
            found.append(
                f"minimum_origins {minimum!r} is not between 1 and the {len(origins)} enabled origins"
            )
        return found


check = LbPoolHealth()
