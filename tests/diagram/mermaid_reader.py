"""A small reader of the Mermaid flowcharts the tests check (written for the tests, independent
of diagram/mermaid.py): nodes with their label and enclosing subgraph titles, lines in order,
node classes and line styles."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NODE = re.compile(r'^\s*(\w+)(?:\[\(|\[/|\{\{|\(\[|\[)"(.*)"(?:\)\]|/\]|\}\}|\]\)|\])$')
EDGE = re.compile(r'^\s*(\w+) (===|-\.-|-->|-\.->|==>)(?:\|"(.*)"\|)? (\w+)$')
SUBGRAPH = re.compile(r'^\s*subgraph (\w+)\["(.*)"\]$')


@dataclass
class Picture:
    labels: dict[str, str] = field(default_factory=dict)  # node id -> label
    groups: dict[str, list[str]] = field(default_factory=dict)  # node id -> subgraph titles, outer first
    edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # (src, arrow, label, dst)
    classes: dict[str, str] = field(default_factory=dict)  # node id -> class
    link_styles: dict[int, str] = field(default_factory=dict)

    def node(self, text: str) -> str:
        """The one node whose label contains ``text``."""
        found = [n for n, label in self.labels.items() if text in label]
        assert len(found) == 1, f"{text!r} labels {len(found)} nodes: {found}"
        return found[0]

    def cluster(self, name: str) -> str:
        """The cluster node named ``name`` (its label starts with EKS, GKE or AKS and the name)."""
        pattern = re.compile(rf"^(<b>\w+</b><br/>)?(EKS|GKE|AKS) {re.escape(name)}<br/>")
        found = [n for n, label in self.labels.items() if pattern.match(label)]
        assert len(found) == 1, f"cluster {name!r}: {len(found)} nodes"
        return found[0]

    def edges_between(self, src: str, dst: str) -> list[tuple[int, str, str]]:
        return [
            (i, arrow, label) for i, (s, arrow, label, d) in enumerate(self.edges) if (s, d) == (src, dst)
        ]

    def edges_from(self, src: str) -> list[tuple[int, str, str, str]]:
        return [(i, arrow, label, d) for i, (s, arrow, label, d) in enumerate(self.edges) if s == src]


def read(source: str) -> Picture:
    pic = Picture()
    stack: list[str] = []
    for line in source.splitlines():
        if m := SUBGRAPH.match(line):
            stack.append(m[2])
        elif line.strip() == "end":
            stack.pop()
        elif m := EDGE.match(line):
            pic.edges.append((m[1], m[2], m[3] or "", m[4]))
        elif m := NODE.match(line):
            pic.labels[m[1]] = m[2]
            pic.groups[m[1]] = list(stack)
        elif m := re.match(r"^\s*class (\S+) (\w+)$", line):
            for node in m[1].split(","):
                pic.classes[node] = m[2]
        elif m := re.match(r"^\s*linkStyle (\d+) (.+)$", line):
            pic.link_styles[int(m[1])] = m[2]
    assert not stack, "unbalanced subgraph/end"
    return pic


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, re.DOTALL)
