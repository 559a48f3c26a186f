"""`kg push`: load a release into an external triple store with the SPARQL 1.1 Graph Store Protocol.

Each named graph of the release's ``kg.trig`` (one per source document, the reference data,
the inferences, the ontology) goes to ``ENDPOINT?graph=IRI``: POSTed (added; pushing the same
release twice leaves one copy), or with ``--replace`` staged and switched in one transaction
so readers never see a half-loaded store (see kg.remote_release.load_release). A small manifest graph
records which graphs form the release, for the remote query paths. The protocol is the same
for Oxigraph (``/store``), Fuseki (``/DATASET/data``), GraphDB
(``/repositories/REPO/rdf-graphs/service``) and Virtuoso (``/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from .errors import UserError
from .namespaces import DEFAULT_BASE, Namespaces
from .stores import Endpoint, endpoint_from_url

TRIG = "kg.trig"


@dataclass(frozen=True)
class PushOptions:
    endpoint: str
    release: Path
    replace: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 300.0
    target: Endpoint | None = None  # a resolved endpoint (profile or environment); overrides the fields above


@dataclass(frozen=True)
class GraphPush:
    graph: str
    triples: int
    status: int


@dataclass(frozen=True)
class PushResult:
    endpoint: str
    graphs: tuple[GraphPush, ...]

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)


def read_graphs(release: Path) -> dict[str, list[ox.Triple]]:
    """The release's named graphs, each as a sorted list of triples."""
    path = release / TRIG
    if not path.is_file():
        raise UserError(f"no {TRIG} in {release}; pass a release folder made by 'kg publish' with --release")
    graphs: dict[str, list[ox.Triple]] = defaultdict(list)
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.TRIG):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise UserError(f"{path} has triples in the default graph; kg push sends named graphs only")
            graphs[quad.graph_name.value].append(quad.triple)
    except SyntaxError as exc:
        raise UserError(f"{path} is not valid TriG: {exc}") from exc
    return {g: sorted(t, key=str) for g, t in sorted(graphs.items())}


def _release_info(release: Path) -> tuple[str | None, str]:
    """The release's version and base IRI (release.json); a bare kg.trig has neither."""
    try:
        info = json.loads((release / "release.json").read_text(encoding="utf-8"))
        return info.get("version"), info.get("base") or DEFAULT_BASE
    except (OSError, ValueError):
        return None, DEFAULT_BASE


def push(options: PushOptions, progress: Callable[[GraphPush], None] = lambda g: None) -> PushResult:
    """Send every named graph; stops at the first graph the store refuses."""
    from .remote_release import load_release

    target = options.target or replace(endpoint_from_url(options.endpoint, role="graph_store"), user=options.user,
                                       password=options.password)
    target = replace(target, timeout=options.timeout)
    graphs = read_graphs(options.release)
    version, base = _release_info(options.release)
    done: list[GraphPush] = []

    def each(loaded) -> None:
        pushed = GraphPush(loaded.graph, loaded.triples, loaded.status)
        done.append(pushed)
        progress(pushed)

    load_release(target, Namespaces(base), graphs, version=version, replace=options.replace, progress=each)
    return PushResult(target.graph_store or target.label, tuple(done))
