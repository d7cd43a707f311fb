"""Checks across environment files: a copied file must not reuse another environment's names.

Errors: the same DNS zone, Cloudflare zone or hostname in two environments (their records and
certificates would fight). Warning: overlapping cluster ranges between environments; harmless
until two environments are connected, then traffic goes to the wrong one. No environments peer
today, so every overlap is reported as a warning naming both places.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network
from pathlib import Path
from urllib.parse import urlsplit

from stacks.params import Environment
from stacks.validation import ParameterError, Problem, _display


def _hostnames(env: Environment) -> list[tuple[str, str]]:
    out = [("edge.api_hostname", f"{env.edge.api_hostname}.{env.dns_zone}")]
    out += [
        (f"edge.residency_hostnames.{j}", f"{h}.{env.dns_zone}")
        for j, h in env.edge.residency_hostnames.items()
    ]
    for i, c in enumerate(env.clusters):
        if c.ingress_hostname:
            out.append((f"clusters[{i} {c.name}].ingress_hostname", c.ingress_hostname))
    host = urlsplit(env.vault.address).hostname
    if host:
        out.append(("vault.address", host))
    return out


def _ranges(env: Environment) -> list[tuple[str, IPv4Network]]:
    return [
        (f"clusters[{i} {c.name}].network.{key}", net)
        for i, c in enumerate(env.clusters)
        for key, net in c.network.ranges()
    ]


def cross_file(loaded: Sequence[tuple[Path, Environment]]) -> tuple[list[ParameterError], list[str]]:
    """(errors per file, warning lines) for environments loaded from `loaded`, in file order."""
    errors: dict[str, list[Problem]] = {}
    warnings: list[str] = []
    zones: dict[str, str] = {}
    cf_zones: dict[str, str] = {}
    hosts: dict[str, tuple[str, str]] = {}
    ranges: list[tuple[str, str, IPv4Network]] = []
    for path, env in loaded:
        shown = _display(path)
        mine: list[Problem] = []
        if env.dns_zone in zones:
            mine.append(
                Problem(
                    "dns_zone",
                    f"'{env.dns_zone}' is already the zone of {zones[env.dns_zone]}; give each "
                    f"environment its own zone (e.g. {env.name}.{env.dns_zone}).",
                )
            )
        zones.setdefault(env.dns_zone, shown)
        if env.edge.cloudflare_zone_id in cf_zones:
            mine.append(
                Problem(
                    "edge.cloudflare_zone_id",
                    f"is already the Cloudflare zone of {cf_zones[env.edge.cloudflare_zone_id]}; "
                    "use the zone id of this environment's own DNS zone.",
                )
            )
        cf_zones.setdefault(env.edge.cloudflare_zone_id, shown)
        for key, host in _hostnames(env):
            if host in hosts and hosts[host][0] != shown:
                mine.append(
                    Problem(
                        key,
                        f"'{host}' is already used in {hosts[host][0]} at {hosts[host][1]}; hostnames are "
                        "unique across environments. Use one under this environment's dns_zone.",
                    )
                )
            hosts.setdefault(host, (shown, key))
        for key, net in _ranges(env):
            for other_file, other_key, other in ranges:
                if other_file != shown and net.overlaps(other):
                    warnings.append(
                        f"{shown}: {key}: warning: {net} overlaps {other} of {other_file} at {other_key}; fine while "
                        "the environments never connect, otherwise pick a free range."
                    )
        ranges += [(shown, key, net) for key, net in _ranges(env)]
        if mine:
            errors.setdefault(shown, []).extend(mine)
    return [ParameterError(f, p) for f, p in errors.items()], warnings
