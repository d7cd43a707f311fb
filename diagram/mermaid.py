"""Draw a :class:`~diagram.topology.Topology` as a Mermaid flowchart (GitHub renders it natively).

Layout: one subgraph per jurisdiction holding one subgraph per cloud (clusters, data lakes,
replica regions) and the jurisdiction's Megaport routers; Cloudflare (load balancers and pools)
in a subgraph of its own. Shapes: cluster rectangle, data lake and replicas cylinder, router
hexagon, load balancer stadium, pool parallelogram. Lines: VXC thick (``===``), VPN dotted
(``-.-``), load balancer to pool arrow, fallback dotted arrow, replication thick arrow.

Changes (review): every element may carry a status (added, removed, changed, replaced, may be
replaced). Nodes get
a ``classDef`` style, lines a ``linkStyle``, and both say the status in words at the start of
their label, so the change is readable without colours too. A restricted load balancer's line
to a pool outside its jurisdiction is drawn red with a warning, whatever its status.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from diagram.topology import (
    CLUSTER,
    FALLBACK,
    LAKE,
    LB,
    LB_POOL,
    ORIGIN,
    POOL,
    REPLICA,
    REPLICATION,
    ROUTER,
    VPN,
    VXC,
    Edge,
    Node,
    Topology,
)

ADDED, REMOVED, CHANGED, REPLACED = "added", "removed", "changed", "replaced"
# The review could not tell (a type whose ForceNew arguments are unverified, review/force_new.json).
MAY_REPLACE = "may be replaced"
STATUSES = (ADDED, REMOVED, CHANGED, REPLACED, MAY_REPLACE)
CLASS_NAMES = {
    ADDED: "added",
    REMOVED: "removed",
    CHANGED: "changed",
    REPLACED: "replaced",
    MAY_REPLACE: "mayreplace",
}

# GitHub's Primer colours: success, danger, attention, done.
NODE_STYLES = {
    ADDED: "fill:#dafbe1,stroke:#1a7f37,stroke-width:3px,color:#000",
    REMOVED: "fill:#ffebe9,stroke:#cf222e,stroke-width:3px,stroke-dasharray:6 4,color:#000",
    CHANGED: "fill:#fff8c5,stroke:#9a6700,stroke-width:3px,color:#000",
    REPLACED: "fill:#fbefff,stroke:#8250df,stroke-width:3px,color:#000",
    MAY_REPLACE: "fill:#fbefff,stroke:#8250df,stroke-width:3px,stroke-dasharray:2 2,color:#000",
}
LINK_STYLES = {
    ADDED: "stroke:#1a7f37,stroke-width:4px",
    REMOVED: "stroke:#cf222e,stroke-width:4px,stroke-dasharray:6 4",
    CHANGED: "stroke:#9a6700,stroke-width:4px",
    REPLACED: "stroke:#8250df,stroke-width:4px",
    MAY_REPLACE: "stroke:#8250df,stroke-width:4px,stroke-dasharray:2 2",
}
VIOLATION_STYLE = "stroke:#cf222e,stroke-width:4px"
LEGEND = (
    "Highlighted: **added** green, **removed** red dashed, **changed** amber, **replaced** purple, "
    "**may be replaced** purple dotted (the status is also written at the start of each label)."
)

_SHAPES = {
    CLUSTER: ('["', '"]'),
    LAKE: ('[("', '")]'),
    REPLICA: ('[("', '")]'),
    ROUTER: ('{{"', '"}}'),
    LB: ('(["', '"])'),
    POOL: ('[/"', '"/]'),
}
_ARROWS = {VXC: "===", VPN: "-.-", LB_POOL: "-->", FALLBACK: "-.->", ORIGIN: "-->", REPLICATION: "==>"}
_CLOUD_NAMES = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure"}
_KIND_ORDER = (CLUSTER, LAKE, REPLICA, ROUTER, LB, POOL)
_EDGE_ORDER = (VXC, VPN, REPLICATION, LB_POOL, FALLBACK, ORIGIN)


def _text(label: str) -> str:
    return label.replace('"', "#quot;")


def _ident(key: str, used: dict[str, str]) -> str:
    base = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_")
    ident, n = base, 2
    while ident in used.values():
        ident, n = f"{base}_{n}", n + 1
    used[key] = ident
    return ident


def _status_label(label: str, status: str) -> str:
    return f"<b>{status}</b><br/>{label}" if status else label


def render(topo: Topology, status: Mapping[str, str] | None = None, *, keep: set[str] | None = None) -> str:
    """The Mermaid source (without the code fence). ``status``: element key -> status;
    ``keep``: draw only these element keys (a focused review picture)."""
    status = status or {}
    nodes = [n for n in topo.nodes.values() if keep is None or n.key in keep]
    node_keys = {n.key for n in nodes}
    edges = [
        e
        for e in topo.edges.values()
        if (keep is None or e.key in keep) and e.src in node_keys and e.dst in node_keys
    ]
    ids: dict[str, str] = {}
    for n in sorted(nodes, key=lambda n: (_KIND_ORDER.index(n.kind), n.key)):
        _ident(n.key, ids)
    lines = ["flowchart LR"]

    def node_line(n: Node, indent: str) -> str:
        left, right = _SHAPES[n.kind]
        return f"{indent}{ids[n.key]}{left}{_text(_status_label(n.label, status.get(n.key, '')))}{right}"

    def ordered(group: list[Node]) -> list[Node]:
        return sorted(group, key=lambda n: (_KIND_ORDER.index(n.kind), n.key))

    grouped = [n for n in nodes if n.kind not in (LB, POOL)]
    jurisdictions = sorted({n.jurisdiction or "unknown" for n in grouped})
    for j in jurisdictions:
        members = [n for n in grouped if (n.jurisdiction or "unknown") == j]
        jid = _ident(f"j {j}", ids)
        lines.append(f'  subgraph {jid}["jurisdiction {_text(j)}"]')
        for cloud in ("aws", "gcp", "azure"):
            in_cloud = [n for n in members if n.cloud == cloud]
            if not in_cloud:
                continue
            lines.append(f'    subgraph {_ident(f"j {j} {cloud}", ids)}["{_CLOUD_NAMES[cloud]}"]')
            lines += [node_line(n, "      ") for n in ordered(in_cloud)]
            lines.append("    end")
        lines += [node_line(n, "    ") for n in ordered([n for n in members if n.cloud not in _CLOUD_NAMES])]
        lines.append("  end")
    edge_nodes = [n for n in nodes if n.kind in (LB, POOL)]
    if edge_nodes:
        lines.append(f'  subgraph {_ident("cloudflare", ids)}["Cloudflare"]')
        lines += [node_line(n, "    ") for n in ordered(edge_nodes)]
        lines.append("  end")

    link_styles: list[tuple[int, str]] = []
    for index, e in enumerate(sorted(edges, key=lambda e: (_EDGE_ORDER.index(e.kind), e.key))):
        state = status.get(e.key, "")
        label = e.label
        if e.violation:
            label = f"⚠ {e.violation}<br/>{label}"
        if state:
            label = f"{state}: {label}" if label else state
        arrow = _ARROWS[e.kind]
        text = f'|"{_text(label)}"|' if label else ""
        lines.append(f"  {ids[e.src]} {arrow}{text} {ids[e.dst]}")
        if e.violation:
            link_styles.append((index, VIOLATION_STYLE))
        elif state:
            link_styles.append((index, LINK_STYLES[state]))

    used = [s for s in STATUSES if any(status.get(n.key) == s for n in nodes)]
    for s in used:
        name = CLASS_NAMES[s]
        lines.append(f"  classDef {name} {NODE_STYLES[s]}")
        lines.append(f"  class {','.join(ids[n.key] for n in nodes if status.get(n.key) == s)} {name}")
    for index, style in link_styles:
        lines.append(f"  linkStyle {index} {style}")
    return "\n".join(lines) + "\n"


def fenced(source: str) -> str:
    return f"```mermaid\n{source}```\n"


def _tunnel_count(label: str) -> int:
    """`N tunnels` from a VPN edge's label (topology.py writes it on every VPN edge)."""
    found = re.search(r"(\d+) tunnels", label)
    if found is None:
        raise ValueError(f"VPN edge label {label!r} carries no tunnel count")
    return int(found.group(1))


def summary(topo: Topology) -> str:
    """One line of counts, e.g. ``8 clusters · 2 Megaport routers · 12 VXCs · ...``."""

    def n(count: int, word: str) -> str:
        return f"{count} {word}" + ("" if count == 1 else "s")

    vpn = topo.edges_of_kind(VPN)
    tunnels = sum(_tunnel_count(e.label) for e in vpn)
    parts = [
        n(len(topo.of_kind(CLUSTER)), "cluster"),
        n(len(topo.of_kind(LAKE)), "data lake"),
        n(len(topo.edges_of_kind(REPLICATION)), "replication path"),
    ]
    if topo.of_kind(ROUTER) or topo.edges_of_kind(VXC):
        parts += [n(len(topo.of_kind(ROUTER)), "Megaport router"), n(len(topo.edges_of_kind(VXC)), "VXC")]
    if vpn:
        parts += [n(len(vpn), "VPN link") + f" ({tunnels} tunnels)"]
    parts += [n(len(topo.of_kind(LB)), "load balancer"), n(len(topo.of_kind(POOL)), "pool")]
    return " · ".join(parts)


def edge_line_status(source: str) -> dict[int, str]:
    """linkStyle index -> style text, read back from a rendered diagram (used by tests and review)."""
    return {int(m[1]): m[2] for m in re.finditer(r"^\s*linkStyle (\d+) (.+)$", source, re.MULTILINE)}


__all__ = [
    "ADDED",
    "CHANGED",
    "LEGEND",
    "MAY_REPLACE",
    "REMOVED",
    "REPLACED",
    "Edge",
    "fenced",
    "render",
    "summary",
]
