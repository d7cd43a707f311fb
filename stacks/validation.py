"""Load an environment file and report every problem in it as `FILE: key.path: message`.

Two passes: pydantic checks each field (types, ranges, patterns); when the file parses, the
cross-field rules below check what relates fields to each other. Each problem names the key
path and says how to fix it. Nothing here raises a traceback at a user: callers get a
`ParameterError` carrying the list of problems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
from stacks.params import Cluster, Environment, MegaportRouter
from stacks.residency import Residency, load_residency
from stacks.vault_checks import check_vault

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

    def render(self, file: str) -> str:
        return f"{file}: {self.path}: {self.message}"


class ParameterError(Exception):
    """A parameter file is unusable; `problems` says every reason at once."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = problems
        super().__init__("\n".join(p.render(file) for p in problems))


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def load_environment(path: str | Path, residency: Residency | None = None) -> Environment:
    """Parse and validate one environment file; raise ParameterError listing every problem."""
    path = Path(path)
    shown = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(
            shown, [Problem("(file)", f"cannot be read: {exc.strerror}. Check the path.")]
        ) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParameterError(
            shown, [Problem("(file)", f"is not valid YAML at {where}: {reason}. Fix the syntax there.")]
        ) from None
    if not isinstance(data, dict):
        raise ParameterError(
            shown,
            [
                Problem(
                    "(file)", "must be a YAML mapping of keys (name, clusters, ...), not a scalar or list."
                )
            ],
        )
    expected = path.stem
    try:
        env = Environment.model_validate(data)
    except ValidationError as exc:
        raise ParameterError(shown, _pydantic_problems(exc, data)) from None
    problems = list(check_environment(env, residency or load_residency()))
    if env.name != expected:
        problems.insert(
            0,
            Problem(
                "name",
                f"is '{env.name}' but the file is {path.name}; name the file {env.name}.yaml or set name: {expected}.",
            ),
        )
    if problems:
        raise ParameterError(shown, problems)
    return env


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _pydantic_problems(exc: ValidationError, data: dict) -> list[Problem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p in _UNION_TAGS)]
        path = _render_path(loc, data)
        msg = err["msg"]
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = "is not a known key; remove it or check its spelling (see environments/schema.json)."
        elif kind == "missing":
            msg = "is required; add it."
        elif kind == "union_tag_invalid" or kind == "union_tag_not_found":
            msg = f"{msg}; set kind to one of the listed values."
        else:
            msg = f"{msg} (got {_short(err.get('input'))})."
        problems.append(Problem(path, msg))
    return problems


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
                "<env>-<cloud>-<region>-<component>, so one cluster per cloud and region.",
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
                    f"AWS KMS rotates keys every 90 to 2560 days; {rotation} is too short.",
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
                    f"Key Vault rotates keys after 7 days at the earliest; {rotation} is too short.",
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
                path, f"'{src}' is not the region of any cluster; data lakes exist only in cluster regions."
            )
            continue
        cloud = regions[src].cloud
        if dst not in residency.known_regions(cloud):
            yield Problem(
                path, f"replica '{dst}' is not a known {cloud} region; replicas stay on the same cloud."
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
        yield from _check_megaport_links(env)
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
                        f"{vpath}.cluster", f"'{vxc.cluster}' is not a cluster of this environment."
                    )
                elif cluster.cloud != vxc.cloud:
                    yield Problem(
                        f"{vpath}.cloud", f"cluster '{vxc.cluster}' runs on {cluster.cloud}, not {vxc.cloud}."
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
        yield from _check_megaport_paths(env)
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
                    "interconnect.hub_cluster", f"'{ic.hub_cluster}' is not a cluster of this environment."
                )
            elif names[ic.hub_cluster].cloud == "gcp":
                yield Problem(
                    "interconnect.hub_cluster",
                    f"'{ic.hub_cluster}' runs on gcp; a Cloud Router does not pass routes from one peer to another, "
                    "so spokes could not reach each other. Pick an AWS or Azure cluster, or leave hub_cluster out "
                    "for a full mesh.",
                )
        yield from _check_vpn_inside_cidr(env)
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
                path, f"ASN {asn} is already used at {seen[asn]}; every BGP speaker needs its own ASN."
            )
        seen.setdefault(asn, path)


def _cluster_ranges(env: Environment) -> list[tuple[str, IPv4Network]]:
    return [
        (f"{_cpath(env, i)}.network.{key}", net)
        for i, c in enumerate(env.clusters)
        for key, net in c.network.ranges()
    ]


def _check_megaport_paths(env: Environment) -> Iterable[Problem]:
    """Every cloud path has a red and a blue VXC on different routers, and meets the SLA it claims."""
    ic = env.interconnect
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


def _check_megaport_links(env: Environment) -> Iterable[Problem]:
    ic = env.interconnect
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


def _check_vpn_inside_cidr(env: Environment) -> Iterable[Problem]:
    ic = env.interconnect
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
            "edge.fallback_cluster", f"'{env.edge.fallback_cluster}' is not a cluster of this environment."
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
                f"'{binding.role}' is not a role in vault.roles ({', '.join(sorted(roles))}).",
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
    for cidr in sec.authorized_cidrs:
        if cidr.prefixlen == 0:
            yield Problem(
                f"{_cpath(env, i)}.security.authorized_cidrs",
                f"{cidr} opens the public API endpoint to the whole internet; list the networks that need it.",
            )
