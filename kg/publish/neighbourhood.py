"""A resource's neighbourhood as an SVG picture, laid out by Graphviz ``dot``.

All pictures of a release go through one ``dot`` process (one graph after another on its
standard input), which is much faster than one process per page. Without Graphviz the
site is still built, without pictures, and the publish says so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass, field

FONT = "Noto Sans CJK SC"
_XML_PROLOGUE = re.compile(r"<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?", re.DOTALL)


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    href: str | None
    tooltip: str
    centre: bool = False


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str


@dataclass
class Picture:
    """One neighbourhood: the centre, its neighbours and labelled edges."""

    name: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(picture: Picture) -> str:
    lines = [f"digraph {_quote(picture.name)} {{",
             f'  graph [rankdir=LR, bgcolor="transparent", fontname={_quote(FONT)}, pad="0.2", nodesep="0.25"];',
             f'  node [shape=box, style="rounded,filled", fillcolor="#edf2f7", color="#a0aec0", '
             f'fontname={_quote(FONT)}, fontsize=11];',
             f'  edge [fontname={_quote(FONT)}, fontsize=9, color="#718096", fontcolor="#4a5568"];']
    for node in picture.nodes:
        attributes = [f"label={_quote(node.label)}", f"tooltip={_quote(node.tooltip)}"]
        if node.href:
            attributes.append(f"URL={_quote(node.href)}")
            attributes.append('target="_top"')
        if node.centre:
            attributes.append('fillcolor="#fefcbf", color="#b7791f", penwidth=1.5')
        lines.append(f"  {_quote(node.key)} [{', '.join(attributes)}];")
    for edge in picture.edges:
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [label={_quote(edge.label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def dot_available() -> bool:
    return shutil.which("dot") is not None


def render(pictures: list[Picture]) -> list[str | None]:
    """The inline SVG (no XML prologue) of each picture, in order; None for all without Graphviz."""
    if not pictures or not dot_available():
        return [None] * len(pictures)
    source = "".join(to_dot(p) for p in pictures)
    done = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=600,
                          check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"graphviz dot failed: {message[-1] if message else done.returncode}")
    svgs = [part for part in done.stdout.decode("utf-8").split("<?xml") if part.strip()]
    if len(svgs) != len(pictures):
        raise RuntimeError(f"graphviz dot returned {len(svgs)} pictures for {len(pictures)} graphs")
    return [_XML_PROLOGUE.sub("", "<?xml" + svg).strip() for svg in svgs]
