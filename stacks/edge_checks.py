"""Validation of the edge parameters against what Cloudflare does with them.

Pure Python; `stacks.validation.check_environment` yields these problems with the others.
Sources: cloudflare/terraform-provider-cloudflare v5.14.0 docs/resources/load_balancer.md
(steering_policy, random_steering, session_affinity_attributes.zero_downtime_failover),
docs/resources/load_balancer_monitor.md (interval, timeout, retries, consecutive_down),
docs/resources/regional_hostname.md, docs/resources/certificate_pack.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from stacks.params import Environment

# The caller's Problem type: `problem(path, message)` builds one (no import cycle with validation).
P = TypeVar("P")
MakeProblem = Callable[[str, str], P]

WEIGHTED_STEERING = ("random", "least_outstanding_requests", "least_connections")


def failure_detection_seconds(env: Environment) -> int:
    """Worst case from an origin failing to Cloudflare marking it unhealthy: `consecutive_down`
    checks `interval` apart, the last one waiting `timeout` for each of its 1 + `retries` tries."""
    m = env.edge.monitor
    return m.consecutive_down * m.interval_seconds + (1 + m.retries) * m.timeout_seconds


def hostname_depth(hostname: str) -> int:
    """Labels below the zone: `api` -> 1, `api.eu` -> 2 (Universal SSL covers depth 1 only)."""
    return hostname.count(".") + 1


def check_edge(env: Environment, problem: MakeProblem[P]) -> Iterable[P]:
    edge = env.edge
    detect = failure_detection_seconds(env)
    if detect > edge.failure_detection_seconds:
        yield problem(
            "edge.monitor",
            f"a failed origin is detected after up to {detect} s (consecutive_down x interval_seconds + "
            f"(1 + retries) x timeout_seconds), more than edge.failure_detection_seconds = "
            f"{edge.failure_detection_seconds}; shorten interval_seconds or consecutive_down.",
        )
    for j, host in sorted(edge.residency_hostnames.items()):
        if j not in edge.regional_hostname_keys:
            yield problem(
                f"edge.residency_hostnames.{j}",
                f"'{host}' is residency-restricted but edge.regional_hostname_keys has no region for '{j}': without a "
                "regional hostname (Data Localization Suite) TLS and WAF run at the nearest data centre worldwide; "
                f"add regional_hostname_keys.{j} (a Cloudflare region key) or remove the hostname.",
            )
    if not edge.advanced_certificate:
        hosts = [("edge.api_hostname", edge.api_hostname)] + [
            (f"edge.residency_hostnames.{j}", h) for j, h in sorted(edge.residency_hostnames.items())
        ]
        for path, host in hosts:
            if hostname_depth(host) > 1:
                yield problem(
                    path,
                    f"'{host}.{env.dns_zone}' is two levels below the zone, which Universal SSL does not cover; "
                    f"use a one-level name (e.g. '{host.replace('.', '-')}') or set edge.advanced_certificate: true.",
                )
    used = {c.cloud for c in env.clusters}
    if "pool_weights" in edge.model_fields_set and edge.steering_policy not in WEIGHTED_STEERING:
        yield problem(
            "edge.pool_weights",
            f"steering_policy '{edge.steering_policy}' ignores pool weights (Cloudflare applies them only to "
            f"{', '.join(WEIGHTED_STEERING)}); remove pool_weights or change steering_policy.",
        )
    if edge.steering_policy in WEIGHTED_STEERING:
        missing = sorted(used - set(edge.pool_weights))
        if missing:
            yield problem(
                "edge.pool_weights", f"no weight for {', '.join(missing)}; give every cloud in use a weight."
            )
        total = sum(w for c, w in edge.pool_weights.items() if c in used)
        if total != 100:
            yield problem(
                "edge.pool_weights", f"the weights of the clouds in use add up to {total}, not 100."
            )
    if edge.zero_downtime_failover == "sticky" and edge.session_affinity == "header":
        yield problem(
            "edge.zero_downtime_failover",
            "'sticky' is not supported with session affinity by header (Cloudflare); use 'temporary' or 'none'.",
        )
