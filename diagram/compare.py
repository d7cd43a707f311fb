"""What a change does to the picture: the union of two topologies, each element with its status.

An element only in the head is added, only in the base removed. One in both is replaced when the
review estimates (or a real plan says) that one of the resources it stands for is replaced ("may
be replaced" when the review cannot tell: a type whose ForceNew arguments are unverified), and
changed when one of them changes in place or its drawn label changed. The resource actions come
from :func:`review.actions.stack_actions`, so the picture and the review's plan lines agree.
"""

from __future__ import annotations

from collections.abc import Mapping

from diagram.mermaid import ADDED, CHANGED, MAY_REPLACE, REMOVED, REPLACED
from diagram.topology import Topology
from review.actions import CREATE, DELETE, Action
from review.replacement import MAY_REPLACE as PLAN_MAY_REPLACE
from review.replacement import REPLACE, UPDATE


def member_status(members: frozenset[str], actions: Mapping[str, Mapping[str, Action]]) -> str:
    found = set()
    for member in members:
        stack_id, address = member.split(" ", 1)
        action = actions.get(stack_id, {}).get(address)
        if action is not None:
            found.add(action.action)
    if REPLACE in found:
        return REPLACED
    if PLAN_MAY_REPLACE in found:  # a type whose ForceNew arguments the review could not verify
        return MAY_REPLACE
    if found & {UPDATE, CREATE, DELETE}:
        return CHANGED
    return ""


def compare(
    base: Topology, head: Topology, actions: Mapping[str, Mapping[str, Action]]
) -> tuple[Topology, dict[str, str]]:
    """(union topology, element key -> status); unchanged elements have no entry."""
    union = Topology(head.env)
    status: dict[str, str] = {}
    for key in sorted(set(base.nodes) | set(head.nodes)):
        old, new = base.nodes.get(key), head.nodes.get(key)
        if new is None:
            if old is not None:  # the key came from base
                union.nodes[key] = old
                status[key] = REMOVED
            continue
        union.nodes[key] = new
        if old is None:
            status[key] = ADDED
        else:
            s = member_status(new.members | old.members, actions) or (
                CHANGED if old.label != new.label else ""
            )
            if s:
                status[key] = s
    for key in sorted(set(base.edges) | set(head.edges)):
        old_e, new_e = base.edges.get(key), head.edges.get(key)
        if new_e is None:
            if old_e is None:  # never: the key came from base
                continue
            union.edges[key] = old_e
            status[key] = REMOVED
            continue
        union.edges[key] = new_e
        if old_e is None:
            status[key] = ADDED
        else:
            s = member_status(new_e.members | old_e.members, actions) or (
                CHANGED if old_e.label != new_e.label else ""
            )
            if s:
                status[key] = s
    return union, status


def focus(topo: Topology, status: Mapping[str, str]) -> set[str]:
    """The changed elements and their neighbours: a smaller picture when the whole is too long."""
    changed_nodes = {k for k in status if k in topo.nodes}
    keep = set(changed_nodes)
    for e in topo.edges.values():
        if e.key in status or e.src in changed_nodes or e.dst in changed_nodes:
            keep |= {e.key, e.src, e.dst}
    for e in topo.edges.values():
        if e.src in keep and e.dst in keep:
            keep.add(e.key)
    return keep
