"""CKV_MCAI_5: a jurisdiction-restricted load balancer routes only to pools of its jurisdiction.

A cloudflare_load_balancer whose description contains `jurisdiction=<j>` may reference only pools
(`${cloudflare_load_balancer_pool.<name>.id}`, resolved in the same stack) named
`<env>-<cloud>-<region>` with the region listed under <j> in policies/residency.yaml. Every pool
reference counts: default_pools, fallback_pool, region_pools, country_pools, pop_pools, also inside
rules' overrides. A pool id the policy cannot resolve fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mcai_lib import McaiCheck, jurisdictions, listing, refs_to, regions, scalar, strings

POOL_KEYS = {"default_pools", "fallback_pool", "region_pools", "country_pools", "pop_pools"}
JURISDICTION = re.compile(r"\bjurisdiction=([a-z0-9_-]+)")
POOL_NAME = re.compile(r"^(?P<env>.+?)-(?P<cloud>aws|gcp|azure)-(?P<region>[a-z0-9-]+)$")


def pool_values(conf: Any) -> Iterator[tuple[str, str]]:
    """(attribute, string) for every value under a pool attribute, at any depth (rules included)."""
    if isinstance(conf, dict):
        for key, value in conf.items():
            if key == "//":
                continue
            if key in POOL_KEYS:
                for s in strings(value):
                    yield key, s
            else:
                yield from pool_values(value)
    elif isinstance(conf, list):
        for item in conf:
            yield from pool_values(item)


class LoadBalancerPoolJurisdiction(McaiCheck):
    def __init__(self) -> None:
        super().__init__("CKV_MCAI_5")

    def problems(self, conf: dict[str, Any]) -> list[str]:
        description = scalar(conf.get("description"))
        match = JURISDICTION.search(description) if isinstance(description, str) else None
        if not match:
            return []
        jurisdiction = match.group(1)
        if jurisdiction not in jurisdictions():
            return [f"description names jurisdiction={jurisdiction}, not one of {', '.join(jurisdictions())}"]
        stack = self.stack()
        found: list[str] = []
        seen: set[str] = set()
        for attribute, value in pool_values(conf):
            names = refs_to(value, "cloudflare_load_balancer_pool")
            if not names:
                found.append(f"{attribute} holds {value!r}, not a pool of this stack: cannot tell its region")
            for name in names:
                if name in seen:
                    continue
                seen.add(name)
                pool = stack.resource("cloudflare_load_balancer_pool", name) if stack else None
                if pool is None:
                    found.append(
                        f"{attribute} references cloudflare_load_balancer_pool.{name}, not found in this stack"
                    )
                    continue
                pool_name = pool.get("name")
                parsed = POOL_NAME.match(pool_name) if isinstance(pool_name, str) else None
                if not parsed:
                    found.append(
                        f"pool cloudflare_load_balancer_pool.{name} is named {pool_name!r}, not <env>-<cloud>-<region>"
                    )
                elif parsed["region"] not in regions(jurisdiction, parsed["cloud"]):
                    found.append(
                        f"{attribute} routes to pool {pool_name} ({parsed['cloud']} {parsed['region']}), outside "
                        f"{jurisdiction}: allowed {parsed['cloud']} regions {listing(regions(jurisdiction, parsed['cloud']))}"
                    )
        return found


check = LoadBalancerPoolJurisdiction()
