"""Read one environment's topology from its synthesized plan (``cdk.tf.json`` of every stack).

Everything is found by resource type and attributes, never by logical-id patterns (logical ids
change with refactorings such as two routers per jurisdiction):

- clusters: ``aws_eks_cluster``, ``google_container_cluster``, ``azurerm_kubernetes_cluster``;
  cloud from the type, jurisdiction and key from the common tags/labels (``jurisdiction``,
  ``cluster``), region from the resource (``location``/``region``) or its provider block, node
  pools by their reference to the cluster;
- Megaport: ``megaport_mcr`` (jurisdiction tag, speed, ASN); ``megaport_vxc`` joins the router
  its A-end references to the cluster of its ``cluster`` tag; the diversity zone is the one of
  the partner port (``data.megaport_partner``) its B-end references, or ``b_end.diversity_zone``,
  or Azure's ``port_choice`` (ExpressRoute has primary/secondary links, not zones); speed is
  ``rate_limit`` (Mbps);
- VPN: every tunnel resource (``aws_vpn_connection`` = 2 tunnels, ``google_compute_vpn_tunnel``,
  ``azurerm_virtual_network_gateway_connection``) joins the cluster of its own tag to the cluster
  owning the peer address its gateway references;
- Cloudflare: ``cloudflare_load_balancer`` (a ``jurisdiction=<j>`` marker in its description
  restricts it, the convention of policy CKV_MCAI_5) and the pools it references by attribute
  (default, region, country and pop pools, fallback); a pool is placed at the cluster named by
  its ``<env>-<cloud>-<region>`` name (the same contract CKV_MCAI_5 reads);
- data lakes: storage resources tagged ``data_classification`` (S3 buckets, GCS buckets, Azure
  storage accounts) grouped per stack; replication from ``aws_s3_bucket_replication_configuration``,
  ``google_storage_transfer_job`` and ``azurerm_storage_object_replication``, source to sink.

Pure Python (stdlib): it reads :class:`review.plan.StackPlan` objects, so the review and
``python -m diagram`` see the same blocks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from review.plan import Block, StackPlan, env_of

CLUSTER_TYPES = {
    "aws_eks_cluster": ("aws", "EKS"),
    "google_container_cluster": ("gcp", "GKE"),
    "azurerm_kubernetes_cluster": ("azure", "AKS"),
}
NODE_POOL_TYPES = {"aws_eks_node_group", "google_container_node_pool", "azurerm_kubernetes_cluster_node_pool"}
STORAGE_TYPES = {"aws_s3_bucket": "aws", "google_storage_bucket": "gcp", "azurerm_storage_account": "azure"}
# Tunnels each resource of these types declares (aws_vpn_connection: tunnel1_* and tunnel2_*).
TUNNEL_TYPES = {
    "aws_vpn_connection": 2,
    "google_compute_vpn_tunnel": 1,
    "azurerm_virtual_network_gateway_connection": 1,
}
POOL_KEYS = ("default_pools", "region_pools", "country_pools", "pop_pools")
JURISDICTION_MARKER = re.compile(r"\bjurisdiction=([a-z0-9_-]+)")
POOL_NAME = re.compile(r"^(?P<env>.+?)-(?P<cloud>aws|gcp|azure)-(?P<region>[a-z0-9-]+)$")
REF = re.compile(r"\$\{(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)")

# Element kinds, drawn in this order.
CLUSTER, LAKE, REPLICA, ROUTER, LB, POOL = "cluster", "lake", "replica", "router", "lb", "pool"
VXC, VPN, LB_POOL, FALLBACK, ORIGIN, REPLICATION = (
    "vxc",
    "vpn",
    "lb_pool",
    "fallback",
    "origin",
    "replication",
)


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    label: str
    jurisdiction: str | None = None
    cloud: str | None = None  # None: drawn outside the cloud groups (routers, Cloudflare)
    members: frozenset[str] = frozenset()  # "<stack id> <address>" of the resources it stands for


@dataclass(frozen=True)
class Edge:
    key: str
    kind: str
    src: str
    dst: str
    label: str
    members: frozenset[str] = frozenset()
    violation: str = ""  # e.g. a restricted load balancer routing outside its jurisdiction


@dataclass
class Topology:
    env: str
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: dict[str, Edge] = field(default_factory=dict)

    def add_node(self, node: Node) -> None:
        old = self.nodes.get(node.key)
        if old is not None:  # the same element seen twice: one node, both sets of resources
            node = Node(**{**old.__dict__, "members": old.members | node.members})
        self.nodes[node.key] = node

    def add_edge(self, edge: Edge) -> None:
        old = self.edges.get(edge.key)
        if old is not None:
            edge = Edge(**{**old.__dict__, "members": old.members | edge.members})
        self.edges[edge.key] = edge

    def of_kind(self, *kinds: str) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind in kinds]

    def edges_of_kind(self, *kinds: str) -> list[Edge]:
        return [e for e in self.edges.values() if e.kind in kinds]


# --- reading blocks -------------------------------------------------------------------------------


def refs(value: Any) -> list[tuple[str, str]]:
    """(type, name) of every ``${type.name...}`` / ``${data.type.name...}`` reference in ``value``."""
    found: list[tuple[str, str]] = []
    if isinstance(value, str):
        found += REF.findall(value)
    elif isinstance(value, dict):
        for v in value.values():
            found += refs(v)
    elif isinstance(value, list):
        for v in value:
            found += refs(v)
    return found


def tags(config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        return {}
    for key in ("tags", "labels", "resource_labels", "resource_tags"):
        value = config.get(key)
        if isinstance(value, dict) and value:
            return value
    return {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class _Stack:
    """One stack's blocks with reference lookup."""

    def __init__(self, plan: StackPlan) -> None:
        self.id = plan.stack_id
        self.blocks = plan.blocks

    def of_type(self, rtype: str, kind: str = "resource") -> list[Block]:
        return [b for b in self.blocks.values() if b.kind == kind and b.type == rtype]

    def get(self, rtype: str, name: str) -> Block | None:
        return self.blocks.get(f"{rtype}.{name}") or self.blocks.get(f"data.{rtype}.{name}")

    def deref(self, value: Any, rtype: str | None = None) -> list[Block]:
        out = []
        for t, n in refs(value):
            if rtype is None or t == rtype:
                block = self.get(t, n)
                if block is not None:
                    out.append(block)
        return out

    def region(self, block: Block) -> str | None:
        conf = block.config if isinstance(block.config, dict) else {}
        for key in ("region", "location"):
            if _str(conf.get(key)) and "${" not in conf[key]:
                return str(conf[key]).lower()
        provider = self.blocks.get(block.provider_ref)
        pconf = provider.config if provider and isinstance(provider.config, dict) else {}
        return _str(pconf.get("region"))

    def member(self, block: Block) -> str:
        return f"{self.id} {block.address}"


# --- the topology ---------------------------------------------------------------------------------


def _cluster_key(block: Block, cloud: str, region: str | None) -> str:
    return _str(tags(block.config).get("cluster")) or f"{cloud}-{region}"


def _mbps(value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "? Mbps"
    return f"{value / 1000:g} Gbps" if value >= 1000 else f"{value:g} Mbps"


def read_topology(env: str, plans: Mapping[str, StackPlan]) -> Topology:
    """The topology of ``env`` from every stack of that environment in ``plans``."""
    topo = Topology(env)
    stacks = [_Stack(p) for sid, p in sorted(plans.items()) if env_of(sid) == env]
    _clusters(topo, stacks)
    _lakes(topo, stacks)
    _megaport(topo, stacks)
    _vpn(topo, stacks)
    _edge(topo, stacks)
    return topo


def _clusters(topo: Topology, stacks: list[_Stack]) -> None:
    for st in stacks:
        for rtype, (cloud, product) in CLUSTER_TYPES.items():
            for block in st.of_type(rtype):
                conf = block.config
                region = st.region(block)
                key = _cluster_key(block, cloud, region)
                pools = [
                    p
                    for t in NODE_POOL_TYPES
                    for p in st.of_type(t)
                    if any(r.address == block.address for r in st.deref(p.config))
                ]
                n_pools = len(pools) + (1 if isinstance(conf.get("default_node_pool"), dict) else 0)
                version = (
                    conf.get("version") or conf.get("min_master_version") or conf.get("kubernetes_version")
                )
                label = (
                    f"{product} {conf.get('name', key)}<br/>{region} · k8s {version} · {n_pools} node pools"
                )
                topo.add_node(
                    Node(
                        key=f"cluster:{key}",
                        kind=CLUSTER,
                        label=label,
                        jurisdiction=_str(tags(conf).get("jurisdiction")),
                        cloud=cloud,
                        members=frozenset(st.member(b) for b in [block, *pools]),
                    )
                )


def _storage_location(st: _Stack, block: Block) -> str | None:
    return st.region(block)


def _lakes(topo: Topology, stacks: list[_Stack]) -> None:
    for st in stacks:
        stores = [
            b for t in STORAGE_TYPES for b in st.of_type(t) if _str(tags(b.config).get("data_classification"))
        ]
        if not stores:
            continue
        primary = [b for b in stores if not tags(b.config).get("replica_of")]
        if not primary:
            continue
        cloud = STORAGE_TYPES[primary[0].type]
        region = _storage_location(st, primary[0])
        lake_key = f"lake:{cloud}-{region}"
        classes = sorted({tags(b.config)["data_classification"] for b in primary})
        topo.add_node(
            Node(
                key=lake_key,
                kind=LAKE,
                label=f"data lake {cloud} {region}<br/>{' · '.join(classes)}",
                jurisdiction=_str(tags(primary[0].config).get("jurisdiction")),
                cloud=cloud,
                members=frozenset(st.member(b) for b in primary),
            )
        )
        # destination region -> classifications replicated there, the replicating resources, the sinks
        flows: dict[str, dict[str, Any]] = {}
        for source, sink, how in _replications(st):
            dest = _storage_location(st, sink) or "?"
            flow = flows.setdefault(dest, {"classes": set(), "how": set(), "sinks": set(), "juris": None})
            flow["classes"].add(tags(source.config).get("data_classification") or "?")
            flow["how"].add(st.member(how))
            flow["sinks"].add(st.member(sink))
            flow["juris"] = flow["juris"] or _str(tags(sink.config).get("jurisdiction"))
        for dest, flow in sorted(flows.items()):
            replica_key = f"replica:{cloud}-{dest}"
            topo.add_node(
                Node(
                    key=replica_key,
                    kind=REPLICA,
                    label=f"replicas {cloud} {dest}",
                    jurisdiction=flow["juris"],
                    cloud=cloud,
                    members=frozenset(flow["sinks"]),
                )
            )
            topo.add_edge(
                Edge(
                    key=f"replication:{lake_key}->{replica_key}",
                    kind=REPLICATION,
                    src=lake_key,
                    dst=replica_key,
                    label=", ".join(sorted(flow["classes"])),
                    members=frozenset(flow["how"]),
                )
            )


def _replications(st: _Stack) -> Iterable[tuple[Block, Block, Block]]:
    """(source storage, sink storage, the resource that replicates) of one stack."""
    for how in st.of_type("aws_s3_bucket_replication_configuration"):
        sources = st.deref(how.config.get("bucket"), "aws_s3_bucket")
        for rule in how.config.get("rule") or []:
            sinks = st.deref((rule or {}).get("destination", {}).get("bucket"), "aws_s3_bucket")
            for source in sources:
                for sink in sinks:
                    yield source, sink, how
    for how in st.of_type("google_storage_transfer_job"):
        spec = how.config.get("replication_spec") or {}
        sources = st.deref(spec.get("gcs_data_source"), "google_storage_bucket")
        sinks = st.deref(spec.get("gcs_data_sink"), "google_storage_bucket")
        for source in sources:
            for sink in sinks:
                yield source, sink, how
    for how in st.of_type("azurerm_storage_object_replication"):
        sources = st.deref(how.config.get("source_storage_account_id"), "azurerm_storage_account")
        sinks = st.deref(how.config.get("destination_storage_account_id"), "azurerm_storage_account")
        for source in sources:
            for sink in sinks:
                yield source, sink, how


def _partner_port(st: _Stack, vxc: Block) -> Block | None:
    for end in ("b_end", "a_end"):
        for port in st.deref((vxc.config.get(end) or {}).get("requested_product_uid"), "megaport_partner"):
            return port
    return None


def _diversity(st: _Stack, vxc: Block) -> str:
    conf = vxc.config
    for end in ("b_end", "a_end"):
        zone = _str((conf.get(end) or {}).get("diversity_zone"))
        if zone:
            return zone
    port = _partner_port(st, vxc)
    if port is not None and _str(port.config.get("diversity_zone")):
        return str(port.config["diversity_zone"])
    azure = ((conf.get("b_end_partner_config") or {}).get("azure_config")) or {}
    if _str(azure.get("port_choice")):
        return f"{azure['port_choice']} port"
    return "zone not set"


def _port_location(st: _Stack, vxc: Block) -> str:
    """`` · loc 70``: the partner port's Megaport location, when the plan states it as a number."""
    port = _partner_port(st, vxc)
    location = port.config.get("location_id") if port is not None else None
    return f" · loc {location}" if isinstance(location, int) else ""


def _megaport(topo: Topology, stacks: list[_Stack]) -> None:
    for st in stacks:
        routers: dict[str, str] = {}
        for mcr in st.of_type("megaport_mcr"):
            conf = mcr.config
            name = _str(conf.get("product_name")) or mcr.address
            key = f"router:{name}"
            routers[mcr.address] = key
            topo.add_node(
                Node(
                    key=key,
                    kind=ROUTER,
                    label=f"Megaport MCR {name}<br/>{_mbps(conf.get('port_speed'))} · ASN {conf.get('asn')}"
                    + (f" · zone {conf['diversity_zone']}" if _str(conf.get("diversity_zone")) else ""),
                    jurisdiction=_str(tags(conf).get("jurisdiction")),
                    members=frozenset({st.member(mcr)}),
                )
            )
        for vxc in st.of_type("megaport_vxc"):
            conf = vxc.config
            ends = [
                routers[b.address]
                for b in st.deref(conf.get("a_end"), "megaport_mcr")
                if b.address in routers
            ]
            cluster = _str(tags(conf).get("cluster"))
            if not ends or not cluster:
                continue
            name = _str(conf.get("product_name")) or vxc.address
            partner = (conf.get("b_end_partner_config") or {}).get("partner", "")
            topo.add_edge(
                Edge(
                    key=f"vxc:{name}",
                    kind=VXC,
                    src=ends[0],
                    dst=f"cluster:{cluster}",
                    label=f"VXC {_diversity(st, vxc)} · {_mbps(conf.get('rate_limit'))}"
                    + (f" · {partner}" if partner else "")
                    + _port_location(st, vxc),
                    members=frozenset({st.member(vxc)}),
                )
            )


def _owner_cluster(st: _Stack, block: Block, depth: int = 0) -> str | None:
    """The ``cluster`` tag of ``block``, or of the first referenced resource that has one."""
    own = _str(tags(block.config).get("cluster"))
    if own or depth > 2:
        return own
    for ref in st.deref(block.config):
        found = _owner_cluster(st, ref, depth + 1)
        if found:
            return found
    return None


def _vpn_peer(st: _Stack, tunnel: Block) -> str | None:
    """The cluster at the far end of a tunnel: the owner of the address its peer gateway uses."""
    conf = tunnel.config
    if tunnel.type == "aws_vpn_connection":
        gateways = st.deref(conf.get("customer_gateway_id"), "aws_customer_gateway")
        addresses = [g.config.get("ip_address") for g in gateways]
    elif tunnel.type == "google_compute_vpn_tunnel":
        direct = st.deref(conf.get("peer_gcp_gateway"))
        if direct:
            return _owner_cluster(st, direct[0])
        gateways = st.deref(conf.get("peer_external_gateway"), "google_compute_external_vpn_gateway")
        addresses = [i.get("ip_address") for g in gateways for i in g.config.get("interface") or []]
    else:
        gateways = st.deref(conf.get("local_network_gateway_id"), "azurerm_local_network_gateway")
        addresses = [g.config.get("gateway_address") for g in gateways]
    for owner in st.deref(addresses):
        cluster = _str(tags(owner.config).get("cluster"))
        if cluster:
            return cluster
    return None


def _vpn(topo: Topology, stacks: list[_Stack]) -> None:
    for st in stacks:
        # pair -> (tunnels declared by each side, resources)
        pairs: dict[tuple[str, str], tuple[dict[str, int], set[str]]] = {}
        for rtype, per in TUNNEL_TYPES.items():
            for tunnel in st.of_type(rtype):
                local = _str(tags(tunnel.config).get("cluster"))
                peer = _vpn_peer(st, tunnel)
                if not local or not peer:
                    continue
                pair = (local, peer) if local <= peer else (peer, local)
                sides, members = pairs.setdefault(pair, ({}, set()))
                sides[local] = sides.get(local, 0) + per
                members.add(st.member(tunnel))
        for (a, b), (sides, members) in sorted(pairs.items()):
            count = max(sides.values())
            topo.add_edge(
                Edge(
                    key=f"vpn:{a}<->{b}",
                    kind=VPN,
                    src=f"cluster:{a}",
                    dst=f"cluster:{b}",
                    label=f"IPsec VPN · {count} tunnels",
                    members=frozenset(members),
                )
            )


def _edge(topo: Topology, stacks: list[_Stack]) -> None:
    cluster_juris = {n.key: n.jurisdiction for n in topo.of_kind(CLUSTER)}
    for st in stacks:
        pools: dict[str, tuple[str, str | None]] = {}  # address -> (node key, jurisdiction)
        for pool in st.of_type("cloudflare_load_balancer_pool"):
            name = _str(pool.config.get("name")) or pool.address
            parsed = POOL_NAME.match(name)
            cluster = f"cluster:{parsed['cloud']}-{parsed['region']}" if parsed else None
            juris = cluster_juris.get(cluster) if cluster else None
            key = f"pool:{name}"
            pools[pool.address] = (key, juris)
            n_origins = len(pool.config.get("origins") or [])
            topo.add_node(
                Node(
                    key=key,
                    kind=POOL,
                    label=f"pool {name}<br/>{n_origins} origin(s)" + (f" · {juris}" if juris else ""),
                    members=frozenset({st.member(pool)}),
                )
            )
            if cluster and cluster in topo.nodes:
                topo.add_edge(Edge(f"origin:{key}", ORIGIN, key, cluster, ""))
        for lb in st.of_type("cloudflare_load_balancer"):
            conf = lb.config
            name = _str(conf.get("name")) or lb.address
            description = conf.get("description") if isinstance(conf.get("description"), str) else ""
            marker = JURISDICTION_MARKER.search(description)
            restricted = marker.group(1) if marker else None
            key = f"lb:{name}"
            topo.add_node(
                Node(
                    key=key,
                    kind=LB,
                    label=f"LB {name}<br/>steering {conf.get('steering_policy', 'off')}"
                    + (f" · only {restricted}" if restricted else ""),
                    jurisdiction=restricted,
                    members=frozenset({st.member(lb)}),
                )
            )
            roles: dict[str, list[str]] = {}
            for attr in POOL_KEYS:
                value = conf.get(attr)
                named: list[tuple[str, Any]] = (
                    list(value.items()) if isinstance(value, dict) else [("default", value)]
                )
                for group, refs_ in named:
                    for block in st.deref(refs_, "cloudflare_load_balancer_pool"):
                        roles.setdefault(block.address, [])
                        if group not in roles[block.address]:
                            roles[block.address].append(group)
            for address, groups in roles.items():
                pool_key, juris = pools[address]
                topo.add_edge(
                    Edge(
                        key=f"lb_pool:{key}->{pool_key}",
                        kind=LB_POOL,
                        src=key,
                        dst=pool_key,
                        label=" ".join(groups).replace("default ", "default · ", 1),
                        # no members: a line changes only when it appears, goes or its label
                        # changes, not with every attribute of the load balancer
                        violation=_violation(restricted, juris),
                    )
                )
            for block in st.deref(conf.get("fallback_pool"), "cloudflare_load_balancer_pool"):
                pool_key, juris = pools[block.address]
                topo.add_edge(
                    Edge(
                        key=f"fallback:{key}->{pool_key}",
                        kind=FALLBACK,
                        src=key,
                        dst=pool_key,
                        label="fallback",
                        # no members: a line changes only when it appears, goes or its label
                        # changes, not with every attribute of the load balancer
                        violation=_violation(restricted, juris),
                    )
                )


def _violation(restricted: str | None, pool_jurisdiction: str | None) -> str:
    if restricted is None or pool_jurisdiction == restricted:
        return ""
    return f"outside {restricted}: pool in {pool_jurisdiction or 'unknown jurisdiction'}"


def environments(plans: Mapping[str, StackPlan]) -> list[str]:
    order = {"prod": 0, "staging": 1, "dev": 2}
    return sorted({env_of(s) for s in plans}, key=lambda e: (order.get(e, 9), e))
