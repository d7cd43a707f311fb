"""Load an environment file and report every problem in it as `FILE: key.path: message`.

Two passes: pydantic checks each field (types, ranges, patterns); when the file parses, the
cross-field rules below check what relates fields to each other. Each problem names the key
path and says how to fix it. Nothing here raises a traceback at a user: callers get a
`ParameterError` carrying the list of problems.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from stacks.cloud_requirements import check_cloud_requirements
from stacks.edge_checks import check_edge
from stacks.interconnect_plan import (
    AWS_RESERVED_INSIDE,
    AWS_VGW_LINK_MBPS,
    AZURE_APIPA,
    AZURE_VPN_GATEWAY_MBPS,
    EXPRESSROUTE_GATEWAY_MBPS,
    LINK_LOCAL,
    LINKS_PER_ROUTER,
    PARTNER_LOOKUP,
    ROUTER_BLOCK_PREFIXLEN,
    VXC_RATE_LIMITS_MBPS,
    link_pairs,
    path_slas,
    router_capacity,
)
from stacks.params import Cluster, Environment, Megaport, MegaportRouter, Vpn
from stacks.residency import Residency, load_residency
from stacks.secret_shapes import SECRET_KEY_NAME, redact, shape_of, strings
from stacks.vault_checks import check_vault
from stacks.yaml_source import decode, duplicate_keys, safe_load

# Machine families that carry a GPU, per cloud (the GPU pool must use one of them).
GPU_FAMILIES: dict[str, re.Pattern[str]] = {
    "aws": re.compile(r"^(g4dn|g4ad|g5|g5g|g6|g6e|gr6|p3|p3dn|p4d|p4de|p5|p5e|p5en|p6-b200)\."),
    "gcp": re.compile(r"^(a2-|a3-|a4-|g2-)"),
    "azure": re.compile(r"^Standard_N[CDV]"),
}

# ASNs the clouds use on their side of a BGP session; ours must not collide with them.
RESERVED_ASNS = {12076: "Microsoft's ExpressRoute ASN", 16550: "Google's Partner Interconnect ASN"}
# ASNs Azure reserves and refuses from a BGP peer (ExpressRoute and VPN gateway FAQ).
AZURE_RESERVED_PEER_ASNS = frozenset({65515, 65517, 65518, 65519, 65520})


def _private_asn(asn: int) -> bool:
    """The ranges AWS accepts for a Direct Connect gateway's / VGW's Amazon-side ASN."""
    return 64512 <= asn <= 65534 or 4200000000 <= asn <= 4294967294


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.path}: {self.message}"


class ParameterError(Exception):
    """A parameter file is unusable; `problems` says every reason at once."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = _dedupe(problems)
        super().__init__("\n".join(p.render(file) for p in self.problems))


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def read_parameters(path: str | Path) -> dict[str, Any]:
    """Read one file into plain data: UTF-8, valid YAML, a mapping, no duplicate keys, no secrets.

    Raises ParameterError. Problems of the text itself carry the line (`FILE:line: ...`).
    """
    path = Path(path)
    shown = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(
            shown, [Problem("(file)", f"cannot be read: {exc.strerror}. Check the path.")]
        ) from None
    text, bad = decode(raw)
    if bad is not None:
        raise ParameterError(shown, [Problem(bad.path, bad.message, bad.line)])
    assert text is not None  # decode returns the text or the problem
    try:
        data = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(
            shown,
            [
                Problem(
                    "(file)",
                    f"is not valid YAML at {where}: {reason}. Fix the syntax there.",
                    mark.line + 1 if mark else None,
                )
            ],
        ) from None
    if not isinstance(data, dict):
        raise ParameterError(
            shown,
            [
                Problem(
                    "(file)",
                    "must be a YAML mapping of keys (name, clusters, ...), not a scalar or list; "
                    "start from a shipped file in environments/.",
                )
            ],
        )
    problems = [Problem(d.path, d.message, d.line) for d in duplicate_keys(text)]
    problems += list(_secret_problems(data))
    if problems:
        raise ParameterError(shown, problems)
    return data


def load_environment(path: str | Path, residency: Residency | None = None) -> Environment:
    """Parse and validate one environment file; raise ParameterError listing every problem.

    Field errors (pydantic) and cross-field errors are reported together: when fields fail, the
    failing values are set aside and the cross-field rules run on what is left.
    """
    path = Path(path)
    shown = _display(path)
    data = read_parameters(path)
    residency = residency or load_residency()
    expected = path.stem
    problems: list[Problem] = []
    env: Environment | None = None
    try:
        env = Environment.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, data)
        env = _partial_environment(data, exc)
    if env is not None:
        field_paths = [p.path for p in problems]
        for problem in check_environment(env, residency):
            if not any(_related(problem.path, f) for f in field_paths):
                problems.append(problem)
    name = data.get("name")
    if isinstance(name, str) and name != expected:
        problems.insert(
            0,
            Problem(
                "name",
                f"is '{name}' but the file is {path.name}; name the file {name}.yaml or set name: {expected}.",
            ),
        )
    if problems or env is None:  # no environment means pydantic reported why
        raise ParameterError(shown, _redacted(problems, data))
    return env


def _related(a: str, b: str) -> bool:
    """One path lies inside the other (a cross-field error on a value that already failed)."""
    return a == b or a.startswith(b + ".") or a.startswith(b + "[") or b.startswith(a + ".")


def _partial_environment(data: dict[str, Any], exc: ValidationError) -> Environment | None:
    """The environment without the values that failed, when it still validates (else None)."""
    trial = copy.deepcopy(data)
    for _ in range(3):
        removed = False
        for err in exc.errors(include_url=False):
            if err["type"] == "missing":
                return None
            loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
            removed |= _remove(trial, loc)
        if not removed:
            return None
        try:
            return Environment.model_validate(trial)
        except ValidationError as again:
            exc = again
        except Exception:  # a best-effort second pass never hides the field errors
            return None
    return None


def _remove(data: Any, loc: list[Any]) -> bool:
    """Delete the value at `loc` (a dict key; an element of a list other than clusters)."""
    node = data
    for i, part in enumerate(loc[:-1]):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            # a key the model filled in (cluster_defaults merged): remove the nearest real one
            return i > 1 and _remove(data, loc[:i])
    last = loc[-1] if loc else None
    if isinstance(node, dict) and last in node:
        del node[last]
        return True
    if isinstance(node, list) and isinstance(last, int) and last < len(node) and loc[:-1] != ["clusters"]:
        del node[last]
        return True
    return False


def _secret_problems(data: dict[str, Any]) -> Iterable[Problem]:
    for path, value, key in strings(data):
        shape = shape_of(value)
        if shape:
            what = "the key name" if key == "(key)" else "the value"
            yield Problem(
                path,
                f"{what} looks like {shape} ({redact(value)}); secrets never go in a parameter file, they "
                "would be copied into the plan. Remove it and keep the secret in Vault or the CI secret store.",
            )
        elif key == "(key)" and SECRET_KEY_NAME.search(value) and _under_tags(path):
            yield Problem(
                path,
                "a tag or label named like a credential is copied onto every resource; rename it (tags hold "
                "names such as cost_center, never secrets).",
            )


def _under_tags(path: str) -> bool:
    return path.startswith("tags.") or ".labels." in path


def _redacted(problems: list[Problem], data: dict[str, Any]) -> list[Problem]:
    """No message echoes a secret-shaped value, whichever rule quoted it."""
    secrets = [v for _p, v, _k in strings(data) if shape_of(v)]
    if not secrets:
        return problems
    out = []
    for p in problems:
        msg = p.message
        for value in secrets:
            msg = msg.replace(value, redact(value)).replace(repr(value)[1:-1], redact(value))
        out.append(Problem(p.path, msg, p.line))
    return out


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _pydantic_problems(exc: ValidationError, data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    raw_defaults = data.get("cluster_defaults")
    defaults: Mapping[str, Any] = raw_defaults if isinstance(raw_defaults, dict) else {}
    errors = exc.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    for err in errors:
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
        if _from_defaults(loc, data, defaults):
            continue  # reported once, at cluster_defaults.<path>
        here = tuple(err["loc"])
        if err["type"] == "too_short" and any(o[: len(here)] == here and len(o) > len(here) for o in locs):
            continue  # "0 items after validation" only echoes the items' own errors
        path = _render_path(loc, data)
        msg = err["msg"]
        kind = err["type"]
        if kind == "extra_forbidden":
            if loc[:1] == ["cluster_defaults"] and len(loc) == 2:
                msg = (
                    "is not a key cluster_defaults accepts (name, cloud, region, jurisdiction and "
                    "ingress_hostname differ per cluster); set it on each cluster or check its spelling."
                )
            else:
                msg = "is not a known key; remove it or check its spelling (see environments/schema.json)."
        elif kind == "missing":
            msg = "is required; add it."
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            msg = f"{msg}; set kind to one of the listed values."
        else:
            msg = f"{msg} (got {_short(err.get('input'))}); {_FIXES.get(kind, _DEFAULT_FIX)}"
        problems.append(Problem(path, msg))
    return problems


_DEFAULT_FIX = "change the value to one the field accepts (see environments/schema.json)."
_FIXES = {
    "string_pattern_mismatch": "use a value matching that pattern (ASCII letters and digits only).",
    "int_parsing": "write a whole number (no quotes; true/false are not numbers).",
    "int_type": "write a whole number without quotes.",
    "bool_parsing": "write true or false.",
    "literal_error": "use one of the listed values.",
    "greater_than_equal": "raise the value to the minimum.",
    "greater_than": "raise the value above the minimum.",
    "less_than_equal": "lower the value to the maximum.",
    "less_than": "lower the value below the maximum.",
    "too_short": "add entries.",
    "too_long": "remove entries.",
    "ip_v4_network": "write an IPv4 network in CIDR form with its host bits zero (e.g. 10.40.0.0/16).",
    "string_type": "write a string (quote it if YAML reads it as a number or date).",
    "dict_type": "write a mapping of keys (key: value).",
    "tuple_type": "write a list.",
    "model_type": "write a mapping of keys (key: value).",
}


def _from_defaults(loc: list[Any], data: Mapping[str, Any], defaults: Mapping[str, Any]) -> bool:
    """An error at clusters[i].<rest> whose value came from cluster_defaults, not the entry."""
    if len(loc) < 3 or loc[0] != "clusters" or not isinstance(loc[1], int) or not defaults:
        return False
    clusters = data.get("clusters")
    if not isinstance(clusters, list) or loc[1] >= len(clusters) or not isinstance(clusters[loc[1]], dict):
        return False
    rest = loc[2:]
    return not _has(clusters[loc[1]], rest) and _has(defaults, rest)


def _has(node: Any, loc: list[Any]) -> bool:
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and part < len(node)
        ):
            node = node[part]
        else:
            return False
    return True


_UNION_TAGS = {"megaport", "vpn", "local", "s3", "gcs", "azurerm", "remote"}


def _render_path(loc: Iterable[Any], data: Any) -> str:
    """clusters.0.network.cidr -> clusters[0 aws-us-east-1].network.cidr (names help readers)."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = str(item)
            if (
                isinstance(node, list)
                and item < len(node)
                and isinstance(node[item], dict)
                and "name" in node[item]
            ):
                label = f"{item} {node[item]['name']}"
            if parts:
                parts[-1] += f"[{label}]"
            else:
                parts.append(f"[{label}]")
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(root)"


def _short(value: Any) -> str:
    if isinstance(value, str) and shape_of(value):
        return redact(value)
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------------------------
# Cross-field rules
# --------------------------------------------------------------------------------------------


def check_environment(env: Environment, residency: Residency) -> Iterable[Problem]:
    yield from _check_regions(env, residency)
    yield from _check_unique_clusters(env)
    yield from _check_cidrs(env)
    yield from _check_pools(env)
    yield from _check_cluster_settings(env)
    yield from _check_versions(env)
    yield from _check_data_lake(env, residency)
    yield from _check_interconnect(env)
    yield from _check_edge_and_vault(env)
    yield from check_extra(env)
    yield from _check_access(env)
    yield from check_vault(env, Problem)
    yield from check_edge(env, Problem)
    yield from check_cloud_requirements(env, Problem)


def _cpath(env: Environment, i: int) -> str:
    return f"clusters[{i} {env.clusters[i].name}]"


def _check_regions(env: Environment, residency: Residency) -> Iterable[Problem]:
    for i, c in enumerate(env.clusters):
        known = residency.known_regions(c.cloud)
        if c.region not in known:
            other = residency.cloud_of(c.region)
            hint = f" '{c.region}' is a {other} region." if other else ""
            yield Problem(
                f"{_cpath(env, i)}.region",
                f"'{c.region}' is not a known {c.cloud} region.{hint} Use one of: {', '.join(known)} "
                "(or add the region to policies/residency.yaml under its jurisdiction).",
            )
            continue
        allowed = residency.regions_of(c.jurisdiction, c.cloud)
        if c.region not in allowed:
            actual = residency.jurisdiction_of(c.cloud, c.region)
            yield Problem(
                f"{_cpath(env, i)}.region",
                f"'{c.region}' lies in jurisdiction '{actual}', not in the declared '{c.jurisdiction}'. "
                f"Set jurisdiction: {actual}, or pick a {c.jurisdiction} region: {', '.join(allowed)}.",
            )


def _check_unique_clusters(env: Environment) -> Iterable[Problem]:
    seen_names: dict[str, int] = {}
    seen_places: dict[tuple[str, str], int] = {}
    for i, c in enumerate(env.clusters):
        if c.name in seen_names:
            yield Problem(
                f"{_cpath(env, i)}.name",
                f"'{c.name}' is already used by clusters[{seen_names[c.name]}]; cluster names must be unique.",
            )
        seen_names.setdefault(c.name, i)
        place = (c.cloud, c.region)
        if place in seen_places:
            yield Problem(
                f"{_cpath(env, i)}.region",
                f"clusters[{seen_places[place]}] is already in {c.cloud} {c.region}; stack ids are "
                "<env>-<cloud>-<region>-<component>, so one cluster per cloud and region. Move one cluster to another region.",
            )
        seen_places.setdefault(place, i)


def _check_cidrs(env: Environment) -> Iterable[Problem]:
    ranges: list[tuple[str, IPv4Network]] = []
    for i, c in enumerate(env.clusters):
        for key, net in c.network.ranges():
            ranges.append((f"{_cpath(env, i)}.network.{key}", net))
        if c.cloud == "gcp" and (c.network.pods_cidr is None or c.network.services_cidr is None):
            yield Problem(
                f"{_cpath(env, i)}.network",
                "GKE is VPC-native: set pods_cidr and services_cidr (secondary ranges of the subnetwork).",
            )
        if c.network.cidr.prefixlen > 20:
            yield Problem(
                f"{_cpath(env, i)}.network.cidr",
                f"{c.network.cidr} is too small for three zonal subnets and a gateway subnet; use a /20 or larger.",
            )
    for a in range(len(ranges)):
        for b in range(a + 1, len(ranges)):
            (pa, na), (pb, nb) = ranges[a], ranges[b]
            if na.overlaps(nb):
                yield Problem(
                    pb,
                    f"{nb} overlaps {na} at {pa}; the interconnect routes between all clusters of an "
                    "environment, so every range must be distinct. Pick a free range.",
                )


def _check_pools(env: Environment) -> Iterable[Problem]:
    for i, c in enumerate(env.clusters):
        for role, pool in c.node_pools.items():
            path = f"{_cpath(env, i)}.node_pools.{role}"
            if pool.min_size > pool.max_size:
                yield Problem(
                    f"{path}.min_size",
                    f"min_size {pool.min_size} is larger than max_size {pool.max_size}; lower min_size or raise max_size.",
                )
            if pool.desired_size is not None and not (pool.min_size <= pool.desired_size <= pool.max_size):
                yield Problem(
                    f"{path}.desired_size",
                    f"{pool.desired_size} is outside {pool.min_size}..{pool.max_size}; keep it between min_size and max_size.",
                )
        for role, gpu in (("gpu", c.node_pools.gpu), ("training", c.node_pools.training)):
            if gpu is None:
                continue
            if gpu.instance_type and not GPU_FAMILIES[c.cloud].match(gpu.instance_type):
                yield Problem(
                    f"{_cpath(env, i)}.node_pools.{role}.instance_type",
                    f"'{gpu.instance_type}' is not a GPU machine type on {c.cloud}; use a GPU family "
                    f"(pattern {GPU_FAMILIES[c.cloud].pattern}).",
                )
            if not any(t.key == "nvidia.com/gpu" for t in gpu.taints):
                yield Problem(
                    f"{_cpath(env, i)}.node_pools.{role}.taints",
                    f"the {role} pool must keep the nvidia.com/gpu taint so only GPU workloads schedule there.",
                )
        if c.security.public_endpoint and not c.security.public_endpoint_reason:
            yield Problem(
                f"{_cpath(env, i)}.security.public_endpoint_reason",
                "a public API endpoint turns a secure default off: say why in public_endpoint_reason.",
            )
        yield from _public_endpoint_problems(env, i, c)
        if not c.security.deletion_protection and not c.security.deletion_protection_reason:
            yield Problem(
                f"{_cpath(env, i)}.security.deletion_protection_reason",
                "deletion protection is a secure default: say why it is off in deletion_protection_reason.",
            )


# CloudWatch Logs accepts only these retention periods (PutRetentionPolicy).
CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)
GKE_MIN_MAINTENANCE_HOURS_PER_32_DAYS = 48


def _check_cluster_settings(env: Environment) -> Iterable[Problem]:
    """Values each cloud accepts for the cluster's security and maintenance settings."""
    for i, c in enumerate(env.clusters):
        path = _cpath(env, i)
        days = c.security.audit_log_retention_days
        rotation = c.security.key_rotation_days
        if c.cloud == "aws":
            if days not in CLOUDWATCH_RETENTION_DAYS:
                yield Problem(
                    f"{path}.security.audit_log_retention_days",
                    f"{days} is not a CloudWatch Logs retention period; use one of {', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))}.",
                )
            if rotation < 90:
                yield Problem(
                    f"{path}.security.key_rotation_days",
                    f"AWS KMS rotates keys every 90 to 2560 days; {rotation} is too short. Use 90 or more.",
                )
        elif c.cloud == "azure":
            if not 30 <= days <= 730:
                yield Problem(
                    f"{path}.security.audit_log_retention_days",
                    f"a Log Analytics workspace keeps data 30 to 730 days; {days} is outside. Pick a value in that range.",
                )
            if rotation < 7:
                yield Problem(
                    f"{path}.security.key_rotation_days",
                    f"Key Vault rotates keys after 7 days at the earliest; {rotation} is too short. Use 7 or more.",
                )
            missing = [k for k in ("pods_cidr", "services_cidr") if getattr(c.network, k) is None]
            if missing:
                yield Problem(
                    f"{path}.network",
                    f"AKS uses Azure CNI overlay: set {' and '.join(missing)} (ranges outside the VNet), "
                    "or AKS picks defaults that collide between clusters.",
                )
        elif c.cloud == "gcp":
            hours = c.maintenance.duration_hours
            if 4 * hours < GKE_MIN_MAINTENANCE_HOURS_PER_32_DAYS:
                yield Problem(
                    f"{path}.maintenance.duration_hours",
                    f"a weekly window of {hours} h leaves {4 * hours} h of maintenance per 32 days; GKE requires "
                    f"{GKE_MIN_MAINTENANCE_HOURS_PER_32_DAYS} h. Use duration_hours: 12 or more.",
                )


def _check_versions(env: Environment) -> Iterable[Problem]:
    versions = {c.kubernetes_version for c in env.clusters}
    if len(versions) > 1:
        for i, c in enumerate(env.clusters):
            if c.kubernetes_version != env.kubernetes_version:
                yield Problem(
                    f"{_cpath(env, i)}.kubernetes_version",
                    f"{c.kubernetes_version} differs from the environment's {env.kubernetes_version}; one "
                    "Kubernetes minor version runs across all clouds. Remove the override or change "
                    "kubernetes_version for the whole environment.",
                )


def _check_data_lake(env: Environment, residency: Residency) -> Iterable[Problem]:
    lake = env.data_lake
    if lake.tiers.cold_after_days <= lake.tiers.warm_after_days:
        yield Problem(
            "data_lake.tiers.cold_after_days",
            f"{lake.tiers.cold_after_days} must be later than warm_after_days ({lake.tiers.warm_after_days}).",
        )
    regions = {c.region: c for c in env.clusters}
    for src, dst in lake.replica_regions.items():
        path = f"data_lake.replica_regions.{src}"
        if src not in regions:
            yield Problem(
                path,
                f"'{src}' is not the region of any cluster; data lakes exist only in cluster regions. Remove the entry or use a cluster's region.",
            )
            continue
        cloud = regions[src].cloud
        if dst not in residency.known_regions(cloud):
            yield Problem(
                path,
                f"replica '{dst}' is not a known {cloud} region; replicas stay on the same cloud. Pick a {cloud} region.",
            )
        elif dst == src:
            yield Problem(path, "a replica in the same region is no disaster recovery; pick another region.")


def _check_interconnect(env: Environment) -> Iterable[Problem]:
    ic = env.interconnect
    names = {c.name: c for c in env.clusters}
    asns: list[tuple[str, int]] = []
    if ic.kind == "megaport":
        asns.append(("interconnect.aws_amazon_side_asn", ic.aws_amazon_side_asn))
        if not _private_asn(ic.aws_amazon_side_asn):
            yield Problem(
                "interconnect.aws_amazon_side_asn",
                f"ASN {ic.aws_amazon_side_asn} is not accepted by AWS for a Direct Connect gateway; "
                "use 64512-65534 or 4200000000-4294967294.",
            )
        yield from _check_megaport_links(env, ic)
        vlans: dict[tuple[str, int], str] = {}
        # (jurisdiction, zone) -> path; a jurisdiction has one red and one blue router.
        zones_of: dict[tuple[str, str], str] = {}
        first_of: dict[str, MegaportRouter] = {}
        for r, router in enumerate(ic.routers):
            rpath = f"interconnect.routers[{r} {router.name}]"
            twin = first_of.get(router.jurisdiction)
            if twin is None:
                asns.append((f"{rpath}.asn", router.asn))
                first_of[router.jurisdiction] = router
            else:
                if router.asn != twin.asn:
                    yield Problem(
                        f"{rpath}.asn",
                        f"ASN {router.asn} differs from {twin.name}'s {twin.asn}; the two routers of jurisdiction "
                        f"'{router.jurisdiction}' share one ExpressRoute private peering, which has one peer ASN. "
                        f"Use {twin.asn}.",
                    )
                if router.azure_peering_location != twin.azure_peering_location:
                    yield Problem(
                        f"{rpath}.azure_peering_location",
                        f"'{router.azure_peering_location}' differs from {twin.name}'s "
                        f"'{twin.azure_peering_location}'; one circuit has one peering location.",
                    )
            if router.asn in AZURE_RESERVED_PEER_ASNS:
                yield Problem(
                    f"{rpath}.asn",
                    f"ASN {router.asn} is reserved by Azure and refused from a peer; pick another private ASN.",
                )
            key = (router.jurisdiction, router.diversity_zone)
            if key in zones_of:
                yield Problem(
                    f"{rpath}.diversity_zone",
                    f"jurisdiction '{router.jurisdiction}' already has a {router.diversity_zone} router at "
                    f"{zones_of[key]}; give each jurisdiction one red and one blue router so the two paths share "
                    "no router.",
                )
            zones_of.setdefault(key, rpath)
            for v, vxc in enumerate(router.vxcs):
                vpath = f"{rpath}.vxcs[{v}]"
                cluster = names.get(vxc.cluster)
                if cluster is None:
                    yield Problem(
                        f"{vpath}.cluster",
                        f"'{vxc.cluster}' is not a cluster of this environment; use one of {', '.join(names)}.",
                    )
                elif cluster.cloud != vxc.cloud:
                    yield Problem(
                        f"{vpath}.cloud",
                        f"cluster '{vxc.cluster}' runs on {cluster.cloud}, not {vxc.cloud}; set cloud: {cluster.cloud}.",
                    )
                elif cluster.jurisdiction != router.jurisdiction:
                    yield Problem(
                        f"{vpath}.cluster",
                        f"cluster '{vxc.cluster}' lies in jurisdiction '{cluster.jurisdiction}' but router "
                        f"'{router.name}' serves '{router.jurisdiction}'; traffic would leave the jurisdiction. "
                        f"Attach it to the {cluster.jurisdiction} router.",
                    )
                elif vxc.cloud in PARTNER_LOOKUP and vxc.onramp is None:
                    yield Problem(
                        f"{vpath}.onramp",
                        f"a {vxc.cloud} VXC needs its on-ramp (location_id, product_name, metro): megaport_partner "
                        "finds the partner port there.",
                    )
                elif vxc.cloud == "azure" and vxc.onramp is not None:
                    yield Problem(
                        f"{vpath}.onramp",
                        "an Azure VXC reaches its port through the circuit's service key; leave onramp out.",
                    )
                elif (
                    vxc.cloud == "aws"
                    and vxc.onramp is not None
                    and not vxc.onramp.product_name.endswith(f"({cluster.region})")
                ):
                    yield Problem(
                        f"{vpath}.onramp.product_name",
                        f"'{vxc.onramp.product_name}' is not an AWS port of {cluster.region}, the region the "
                        f"hosted VIF is accepted in; use a port whose name ends with '({cluster.region})'.",
                    )
                key2 = (vxc.cloud, vxc.vlan)
                if key2 in vlans:
                    yield Problem(
                        f"{vpath}.vlan",
                        f"VLAN {vxc.vlan} is already used at {vlans[key2]}; VLANs must be unique per cloud.",
                    )
                vlans.setdefault(key2, vpath)
                rate = vxc.rate_limit_mbps or ic.rate_limit_mbps
                limit = VXC_RATE_LIMITS_MBPS[vxc.cloud]
                if rate > limit:
                    what = "an AWS hosted VIF" if vxc.cloud == "aws" else f"a {vxc.cloud} VXC"
                    yield Problem(
                        f"{vpath}.rate_limit_mbps",
                        f"{rate} Mbps exceeds {what}'s limit of {limit} Mbps; set rate_limit_mbps to {limit} or less.",
                    )
                if rate > router.port_speed_mbps:
                    yield Problem(
                        f"{vpath}.rate_limit_mbps",
                        f"{rate} Mbps exceeds the router's port_speed_mbps {router.port_speed_mbps}; lower the rate "
                        "or raise port_speed_mbps.",
                    )
                if vxc.cloud == "azure" and rate > ic.azure_circuit_bandwidth_mbps:
                    yield Problem(
                        f"{vpath}.rate_limit_mbps",
                        f"{rate} Mbps exceeds azure_circuit_bandwidth_mbps {ic.azure_circuit_bandwidth_mbps}; a VXC "
                        "cannot carry more than its ExpressRoute circuit.",
                    )
        if EXPRESSROUTE_GATEWAY_MBPS[ic.azure_gateway_sku] < ic.azure_circuit_bandwidth_mbps:
            yield Problem(
                "interconnect.azure_gateway_sku",
                f"{ic.azure_gateway_sku} carries {EXPRESSROUTE_GATEWAY_MBPS[ic.azure_gateway_sku]} Mbps, less than "
                f"the {ic.azure_circuit_bandwidth_mbps} Mbps circuit; use ErGw3AZ for 10 Gbps.",
            )
        yield from _check_megaport_paths(env, ic)
    else:
        asns += [
            ("interconnect.aws_amazon_side_asn", ic.aws_amazon_side_asn),
            ("interconnect.gcp_router_asn", ic.gcp_router_asn),
            ("interconnect.azure_gateway_asn", ic.azure_gateway_asn),
        ]
        if not _private_asn(ic.aws_amazon_side_asn):
            yield Problem(
                "interconnect.aws_amazon_side_asn",
                f"ASN {ic.aws_amazon_side_asn} is not accepted by AWS for a VPN gateway; use 64512-65534 or "
                "4200000000-4294967294.",
            )
        if env.clusters_of("azure"):
            for path, asn in asns[:2]:
                if asn in AZURE_RESERVED_PEER_ASNS:
                    yield Problem(
                        path,
                        f"ASN {asn} is reserved by Azure and refused from a VPN peer; pick another private ASN.",
                    )
        if ic.hub_cluster is not None:
            if ic.hub_cluster not in names:
                yield Problem(
                    "interconnect.hub_cluster",
                    f"'{ic.hub_cluster}' is not a cluster of this environment; use one of {', '.join(names)}.",
                )
            elif names[ic.hub_cluster].cloud == "gcp":
                yield Problem(
                    "interconnect.hub_cluster",
                    f"'{ic.hub_cluster}' runs on gcp; a Cloud Router does not pass routes from one peer to another, "
                    "so spokes could not reach each other. Pick an AWS or Azure cluster, or leave hub_cluster out "
                    "for a full mesh.",
                )
        yield from _check_vpn_inside_cidr(env, ic)
        if env.clusters_of("azure") and AZURE_VPN_GATEWAY_MBPS[ic.azure_gateway_sku] < ic.throughput_mbps:
            yield Problem(
                "interconnect.azure_gateway_sku",
                f"{ic.azure_gateway_sku} carries {AZURE_VPN_GATEWAY_MBPS[ic.azure_gateway_sku]} Mbps, less than "
                f"throughput_mbps {ic.throughput_mbps}; pick a SKU from "
                + ", ".join(f"{k} ({v})" for k, v in AZURE_VPN_GATEWAY_MBPS.items())
                + ".",
            )
        if env.clusters_of("aws") and ic.throughput_mbps > AWS_VGW_LINK_MBPS:
            yield Problem(
                "interconnect.throughput_mbps",
                f"{ic.throughput_mbps} Mbps is more than a link to an AWS virtual private gateway carries "
                f"({AWS_VGW_LINK_MBPS} Mbps: one tunnel at a time, 1.25 Gbps each); use {AWS_VGW_LINK_MBPS} or less.",
            )
    seen: dict[int, str] = {}
    for path, asn in asns:
        if asn in RESERVED_ASNS:
            yield Problem(path, f"ASN {asn} is {RESERVED_ASNS[asn]}; pick a private ASN (64512-65534).")
        if asn in seen:
            yield Problem(
                path,
                f"ASN {asn} is already used at {seen[asn]}; every BGP speaker needs its own ASN. Pick another private ASN.",
            )
        seen.setdefault(asn, path)


def _cluster_ranges(env: Environment) -> list[tuple[str, IPv4Network]]:
    return [
        (f"{_cpath(env, i)}.network.{key}", net)
        for i, c in enumerate(env.clusters)
        for key, net in c.network.ranges()
    ]


def _check_megaport_paths(env: Environment, ic: Megaport) -> Iterable[Problem]:
    """Every cloud path has a red and a blue VXC on different routers, and meets the SLA it claims."""
    names = {c.name for c in env.clusters}
    if any(v.cluster not in names for r in ic.routers for v in r.vxcs):
        return  # reported above
    if len(ic.routers) > router_capacity(ic.link_cidr) or any(
        len(r.vxcs) > LINKS_PER_ROUTER for r in ic.routers
    ):
        return  # no addresses to plan with; reported by _check_megaport_links
    zones: dict[tuple[str, str], set[str]] = {}
    for router in ic.routers:
        for vxc in router.vxcs:
            zones.setdefault((vxc.cloud, vxc.cluster), set()).add(router.diversity_zone)
    for (cloud, cluster), seen in sorted(zones.items()):
        if seen != {"red", "blue"}:
            yield Problem(
                "interconnect.routers",
                f"{cloud} cluster '{cluster}' has VXCs only on {sorted(seen)} routers; give it one from the red "
                "and one from the blue router of its jurisdiction.",
            )
    for path in path_slas(env.clusters, ic):
        claim = getattr(ic.sla_claims, path.cloud)
        if claim > path.percent:
            yield Problem(
                f"interconnect.sla_claims.{path.cloud}",
                f"{claim}% is more than the {path.cloud} path to '{path.cluster}' can give: {path.percent}% "
                f"({path.why}). Lower the claim or extend the topology.",
            )


def _check_megaport_links(env: Environment, ic: Megaport) -> Iterable[Problem]:
    pool = ic.link_cidr
    for path, net in _cluster_ranges(env):
        if net.overlaps(pool):
            yield Problem(
                "interconnect.link_cidr",
                f"{pool} overlaps {net} at {path}; the link /30s would clash with a cluster's routes. Pick a free range.",
            )
    capacity = router_capacity(pool)
    if len(ic.routers) > capacity:
        yield Problem(
            "interconnect.link_cidr",
            f"{pool} holds {capacity} router block(s) of /{ROUTER_BLOCK_PREFIXLEN} but there are {len(ic.routers)} "
            f"routers; use a /{ROUTER_BLOCK_PREFIXLEN - (len(ic.routers) - 1).bit_length()} or larger.",
        )
    for r, router in enumerate(ic.routers):
        if len(router.vxcs) > LINKS_PER_ROUTER:
            yield Problem(
                f"interconnect.routers[{r} {router.name}].vxcs",
                f"{len(router.vxcs)} VXCs, but a router's /{ROUTER_BLOCK_PREFIXLEN} of link_cidr holds {LINKS_PER_ROUTER} /30s.",
            )


def _check_vpn_inside_cidr(env: Environment, ic: Vpn) -> Iterable[Problem]:
    pool = ic.bgp_inside_cidr
    path = "interconnect.bgp_inside_cidr"
    if not pool.subnet_of(LINK_LOCAL):
        yield Problem(path, f"{pool} is not link-local; tunnel inside addresses must come from {LINK_LOCAL}.")
        return
    pairs = link_pairs(
        env.clusters, ic.hub_cluster if ic.hub_cluster in {c.name for c in env.clusters} else None
    )
    if any(c.cloud == "azure" for pair in pairs for c in pair) and not any(
        pool.subnet_of(r) for r in AZURE_APIPA
    ):
        yield Problem(
            path,
            f"{pool} lies outside Azure's APIPA range for VPN BGP addresses (169.254.21.0-169.254.22.255); "
            "use a subnet of 169.254.21.0/24 or 169.254.22.0/24.",
        )
    for reserved in AWS_RESERVED_INSIDE:
        if pool.overlaps(reserved):
            yield Problem(
                path,
                f"{pool} overlaps {reserved}, which AWS refuses as a tunnel inside CIDR; pick another range.",
            )
    needed = len(pairs) * ic.tunnels_per_link
    if needed * 4 > pool.num_addresses:
        yield Problem(
            path,
            f"{pool} holds {pool.num_addresses // 4} tunnel /30s but the topology has {needed} tunnels; use a larger "
            "range or set hub_cluster.",
        )


def _check_edge_and_vault(env: Environment) -> Iterable[Problem]:
    names = {c.name for c in env.clusters}
    if env.edge.fallback_cluster is not None and env.edge.fallback_cluster not in names:
        yield Problem(
            "edge.fallback_cluster",
            f"'{env.edge.fallback_cluster}' is not a cluster of this environment; use one of {', '.join(sorted(names))}.",
        )
    for j in env.edge.residency_hostnames:
        if not any(c.jurisdiction == j for c in env.clusters):
            yield Problem(
                f"edge.residency_hostnames.{j}",
                f"no cluster lies in jurisdiction '{j}', so that hostname would have no pool; remove it.",
            )
    roles = {r.name for r in env.vault.roles}
    for b, binding in enumerate(env.vault.kubernetes_bindings):
        if binding.role not in roles:
            yield Problem(
                f"vault.kubernetes_bindings[{b}].role",
                f"'{binding.role}' is not a role in vault.roles ({', '.join(sorted(roles))}); use one of those or add the role.",
            )


def _public_endpoint_problems(env: Environment, i: int, c: Cluster) -> Iterable[Problem]:
    """A public API endpoint is reachable from `security.authorized_cidrs` only, on every cloud
    (EKS public_access_cidrs, GKE master authorized networks, AKS authorized IP ranges):
    refused here with the key to fix rather than inside a construct at synth time."""
    sec = c.security
    if not sec.public_endpoint:
        return
    if not sec.authorized_cidrs:
        yield Problem(
            f"{_cpath(env, i)}.security.authorized_cidrs",
            "public_endpoint is true but no authorized_cidrs are listed; 0.0.0.0/0 is never implied: "
            "list the networks that may reach the API, or set public_endpoint: false.",
        )


# --------------------------------------------------------------------------------------------
# Safe ranges, cloud tables, construct rules (the constructs raise the same; validation says
# it first, with the file and the key, so synth never meets them)
# --------------------------------------------------------------------------------------------

# Private address space a cluster network may use: RFC 1918 and RFC 6598 shared space (GKE and
# AKS accept both for pods and services).
PRIVATE_SPACE = tuple(
    IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
# Authorized API ranges: never /0; a public one at most a /16 (a wider public range is "the
# internet" in all but name). Private ranges are at most their block (10.0.0.0/8) anyway.
MIN_AUTHORIZED_PREFIX_PUBLIC = 16
# Pod ranges: GKE reserves a /24 per node (110 pods) and AKS overlay a /24 per node as well
# (https://cloud.google.com/kubernetes-engine/docs/concepts/alias-ips,
# https://learn.microsoft.com/azure/aks/azure-cni-overlay): a /18 holds 64 nodes, the platform's
# smallest sensible cluster with the default workload pool of up to 50 nodes plus system and GPU.
MAX_PODS_PREFIX = 18
# Service ranges: a /24 (256 ClusterIPs) at least.
MAX_SERVICES_PREFIX = 24
# GKE cluster names are at most 40 characters (gcloud: "must be no longer than 40 characters").
GKE_NAME_MAX = 40
AKS_NAME_MAX = 63


def check_extra(env: Environment) -> Iterable[Problem]:
    yield from _check_safe_ranges(env)
    yield from _check_asn_ranges(env)
    yield from _check_cloud_tables(env)
    yield from _check_construct_rules(env)


def _check_safe_ranges(env: Environment) -> Iterable[Problem]:
    for i, c in enumerate(env.clusters):
        path = _cpath(env, i)
        for key, net in c.network.ranges():
            if not any(net.subnet_of(p) for p in PRIVATE_SPACE):
                yield Problem(
                    f"{path}.network.{key}",
                    f"{net} is not private address space; cluster networks use 10.0.0.0/8, 172.16.0.0/12, "
                    "192.168.0.0/16 or 100.64.0.0/10. Pick a free private range.",
                )
        if c.network.pods_cidr is not None and c.network.pods_cidr.prefixlen > MAX_PODS_PREFIX:
            yield Problem(
                f"{path}.network.pods_cidr",
                f"{c.network.pods_cidr} holds {c.network.pods_cidr.num_addresses // 256} node /24s; use a "
                f"/{MAX_PODS_PREFIX} or larger (each node takes a /24 of the pod range).",
            )
        if c.network.services_cidr is not None and c.network.services_cidr.prefixlen > MAX_SERVICES_PREFIX:
            yield Problem(
                f"{path}.network.services_cidr",
                f"{c.network.services_cidr} holds too few ClusterIPs; use a /{MAX_SERVICES_PREFIX} or larger "
                "(the shipped files use a /20).",
            )
        for k, net in enumerate(c.security.authorized_cidrs):
            apath = f"{path}.security.authorized_cidrs[{k}]"
            private = any(net.subnet_of(p) for p in PRIVATE_SPACE)
            if net.prefixlen == 0:
                yield Problem(
                    apath,
                    f"{net} authorizes the whole internet to reach the API; list the networks that need it "
                    "(office, VPN, CI runners) instead.",
                )
            elif not private and net.prefixlen < MIN_AUTHORIZED_PREFIX_PUBLIC:
                yield Problem(
                    apath,
                    f"{net} is a public range wider than a /{MIN_AUTHORIZED_PREFIX_PUBLIC}; narrow it to the "
                    "networks that need the API.",
                )


def _check_cloud_tables(env: Environment) -> Iterable[Problem]:
    from stacks.cloud_tables import (
        KUBERNETES_MINORS,
        KUBERNETES_MINORS_CHECKED,
        MACHINE_EXAMPLES,
        MACHINE_TYPES,
        ZONE_EXAMPLES,
        zone_in_region,
    )

    for i, c in enumerate(env.clusters):
        path = _cpath(env, i)
        supported = KUBERNETES_MINORS[c.cloud]
        if c.kubernetes_version not in supported:
            where = (
                "kubernetes_version"
                if c.kubernetes_version == env.kubernetes_version
                else f"{path}.kubernetes_version"
            )
            yield Problem(
                where,
                f"{c.kubernetes_version} is not a Kubernetes minor {c.cloud} offers (checked "
                f"{KUBERNETES_MINORS_CHECKED}: {', '.join(supported)}); use one of those, or update "
                "stacks/cloud_tables.py with its source if the cloud added it.",
            )
        for role, pool in c.node_pools.items():
            if pool.instance_type and not MACHINE_TYPES[c.cloud].match(pool.instance_type):
                yield Problem(
                    f"{path}.node_pools.{role}.instance_type",
                    f"'{pool.instance_type}' is not a {c.cloud} machine type of a known family; use one like "
                    f"{MACHINE_EXAMPLES[c.cloud]} (families in stacks/cloud_tables.py).",
                )
        if c.zones is not None:
            for z, zone in enumerate(c.zones):
                if not zone_in_region(c.cloud, c.region, zone):
                    yield Problem(
                        f"{path}.zones[{z}]",
                        f"'{zone}' is not a zone of {c.cloud} region {c.region}; use zones like "
                        f"{ZONE_EXAMPLES[c.cloud].format(region=c.region)}, or leave zones out.",
                    )
            if len(set(c.zones)) != len(c.zones):
                yield Problem(f"{path}.zones", "lists a zone twice; list each zone once.")
            minimum = 2 if c.cloud == "aws" else 1
            if len(c.zones) < minimum:
                yield Problem(
                    f"{path}.zones",
                    "EKS needs subnets in at least two zones; list two or three zones, or leave zones out.",
                )


def _check_construct_rules(env: Environment) -> Iterable[Problem]:
    """Rules the constructs enforce with a ValueError, said here with the file's key path."""
    for i, c in enumerate(env.clusters):
        path = _cpath(env, i)
        full = f"{env.name}-{c.name}"
        limit = {"gcp": GKE_NAME_MAX, "azure": AKS_NAME_MAX}.get(c.cloud)
        if limit and len(full) > limit:
            yield Problem(
                f"{path}.name",
                f"the cloud name '{full}' is {len(full)} characters; {c.cloud} allows {limit}. Shorten the "
                "cluster name.",
            )
        if c.cloud == "azure":
            system = c.node_pools.system
            if system.spot:
                yield Problem(
                    f"{path}.node_pools.system.spot",
                    "the AKS system pool is the cluster's default pool and cannot be Spot; set spot: false.",
                )
            others = [t.key for t in system.taints if (t.key, t.value) != ("CriticalAddonsOnly", "true")]
            if others:
                yield Problem(
                    f"{path}.node_pools.system.taints",
                    f"the AKS default pool takes only the CriticalAddonsOnly=true taint, not {others}; remove them.",
                )
    hosts: dict[str, str] = {}
    for i, c in enumerate(env.clusters):
        if c.ingress_hostname:
            hosts.setdefault(c.ingress_hostname, f"{_cpath(env, i)}.ingress_hostname")
    for key, host in [("edge.api_hostname", f"{env.edge.api_hostname}.{env.dns_zone}")] + [
        (f"edge.residency_hostnames.{j}", f"{h}.{env.dns_zone}")
        for j, h in env.edge.residency_hostnames.items()
    ]:
        if host in hosts:
            yield Problem(
                key, f"'{host}' is already used at {hosts[host]}; every hostname needs its own name."
            )
        hosts.setdefault(host, key)
    seen_hosts: dict[str, int] = {}
    for i, c in enumerate(env.clusters):
        if c.ingress_hostname is None:  # never: Environment's validator fills the default
            continue
        if c.ingress_hostname in seen_hosts:
            yield Problem(
                f"{_cpath(env, i)}.ingress_hostname",
                f"'{c.ingress_hostname}' is already the hostname of clusters[{seen_hosts[c.ingress_hostname]}]; "
                "give each cluster its own ingress hostname.",
            )
        seen_hosts.setdefault(c.ingress_hostname, i)
    lake = env.data_lake
    if len(set(lake.classifications)) != len(lake.classifications):
        yield Problem("data_lake.classifications", "lists a classification twice; list each once.")
    if not lake.classifications and lake.enabled:
        yield Problem(
            "data_lake.classifications", "is empty; list the classifications or set enabled: false."
        )
    if len(set(lake.zones)) != len(lake.zones):
        yield Problem("data_lake.zones", "lists a zone twice; list each once.")
    t = lake.tiers
    if (
        t.noncurrent_expire_after_days is not None
        and t.noncurrent_expire_after_days <= t.noncurrent_cold_after_days
    ):
        yield Problem(
            "data_lake.tiers.noncurrent_expire_after_days",
            f"{t.noncurrent_expire_after_days} must be later than noncurrent_cold_after_days "
            f"({t.noncurrent_cold_after_days}); raise it or leave it out.",
        )
    vault = env.vault
    if vault.pki_intermediate_ttl_days >= vault.pki_root_ttl_days:
        yield Problem(
            "vault.pki_intermediate_ttl_days",
            f"{vault.pki_intermediate_ttl_days} days: the intermediate CA must expire before the root "
            f"({vault.pki_root_ttl_days} days); lower it or raise pki_root_ttl_days.",
        )
    role_seen: dict[str, int] = {}
    for r, role in enumerate(vault.roles):
        rpath = f"vault.roles[{r} {role.name}]"
        if role.name in role_seen:
            yield Problem(
                f"{rpath}.name", f"'{role.name}' is already vault.roles[{role_seen[role.name]}]; rename one."
            )
        role_seen.setdefault(role.name, r)
        for vpath, caps in role.vault_paths.items():
            if not caps:
                yield Problem(
                    f"{rpath}.vault_paths.{vpath}",
                    "has no capabilities (Vault would grant nothing); list some, e.g. [read, list], or remove the path.",
                )
            elif len(set(caps)) != len(caps):
                yield Problem(f"{rpath}.vault_paths.{vpath}", "lists a capability twice; list each once.")
            if '"' in vpath or "\n" in vpath or not vpath.strip():
                yield Problem(
                    f"{rpath}.vault_paths",
                    f"policy path {vpath!r} is empty or has a quote or newline; fix the path.",
                )
        account = f"{env.name}-{role.name}"
        if len(account) > 30:
            yield Problem(
                f"{rpath}.name",
                f"the GCP service account id '{account}' is {len(account)} characters (at most 30); shorten the role name.",
            )
    bindings: dict[tuple[str, str], int] = {}
    logins: dict[str, int] = {}
    for b, binding in enumerate(vault.kubernetes_bindings):
        bound = (binding.namespace, binding.service_account)
        login = (
            f"{binding.namespace}-{binding.service_account}"  # the Vault login role (stacks/vault_plan.py)
        )
        if login in logins and bound not in bindings:
            yield Problem(
                f"vault.kubernetes_bindings[{b}]",
                f"its Vault login role '{login}' is also the one of vault.kubernetes_bindings[{logins[login]}] "
                "(namespace-service_account); rename the namespace or the service account.",
            )
        logins.setdefault(login, b)
        if bound in bindings:
            yield Problem(
                f"vault.kubernetes_bindings[{b}]",
                f"{binding.namespace}/{binding.service_account} is already bound at "
                f"vault.kubernetes_bindings[{bindings[bound]}]; bind each service account once.",
            )
        bindings.setdefault(bound, b)


def _reserved_asn(asn: int) -> bool:
    """ASNs no BGP speaker may use: 0 and 65535/4294967295 (RFC 7300), AS_TRANS 23456 (RFC 6793),
    documentation 64496-64511 and 65536-65551 (RFC 5398), IANA-reserved 65552-131071."""
    return asn in (0, 23456, 65535, 4294967295) or 64496 <= asn <= 64511 or 65536 <= asn <= 131071


def _check_asn_ranges(env: Environment) -> Iterable[Problem]:
    """Private ASNs where we choose them (RFC 6996: 64512-65534, 4200000000-4294967294); a
    Megaport router may also use a public ASN its owner holds (Megaport's default is 133937),
    but never a reserved or documentation one."""
    ic = env.interconnect
    fix = "use a private ASN (64512-65534 or 4200000000-4294967294)"
    if ic.kind == "vpn":
        for key in ("gcp_router_asn", "azure_gateway_asn"):
            asn = getattr(ic, key)
            if not _private_asn(asn):
                yield Problem(f"interconnect.{key}", f"ASN {asn} is not a private ASN; {fix}.")
    else:
        for r, router in enumerate(ic.routers):
            if _reserved_asn(router.asn):
                yield Problem(
                    f"interconnect.routers[{r} {router.name}].asn",
                    f"ASN {router.asn} is reserved (RFC 5398/6793/7300) and no BGP peer accepts it; {fix}.",
                )


ENVIRONMENTS_DIR = Path(__file__).resolve().parent.parent / "environments"


def _check_access(env: Environment) -> Iterable[Problem]:
    """Every unified role has exactly one SSO mapping (so it reaches every cluster), and the
    IdP metadata the AWS SAML provider is built from exists."""
    if env.sso is None:
        return
    roles = [r.name for r in env.vault.roles]
    seen: set[str] = set()
    for i, mapping in enumerate(env.sso.roles):
        if mapping.role not in roles:
            yield Problem(
                f"sso.roles[{i}].role",
                f"'{mapping.role}' is not a role in vault.roles ({', '.join(sorted(roles))}); use one of them.",
            )
        if mapping.role in seen:
            yield Problem(f"sso.roles[{i}].role", f"'{mapping.role}' is mapped twice; keep one entry.")
        seen.add(mapping.role)
    for name in roles:
        if name not in seen:
            yield Problem(
                "sso.roles",
                f"role '{name}' (vault.roles) has no entry: add {{role: {name}, idp_group: ..., kubernetes: "
                "view|edit|admin, azure_group_object_id: ...}} so it reaches the clusters.",
            )
    metadata = ENVIRONMENTS_DIR / env.sso.aws_saml_metadata_file
    if not metadata.is_file():
        yield Problem(
            "sso.aws_saml_metadata_file",
            f"environments/{env.sso.aws_saml_metadata_file} does not exist; download the AWS app's SAML "
            "metadata from Okta and save it there.",
        )
