"""`kg push`: load a release into an external triple store with the SPARQL 1.1 Graph Store Protocol.

Each named graph of the release's ``kg.trig`` (one per source document, the reference data,
the inferences, the ontology) goes to ``ENDPOINT?graph=IRI`` as Turtle: PUT with
``--replace`` (the graph's old content is dropped), POST otherwise (triples are added).
The protocol is the same for Oxigraph (``/store``), Fuseki (``/DATASET/data``), GraphDB
(``/repositories/REPO/rdf-graphs/service``) and Virtuoso (``/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from .errors import UserError
from .namespaces import STANDARD_PREFIXES

TRIG = "kg.trig"


@dataclass(frozen=True)
class PushOptions:
    endpoint: str
    release: Path
    replace: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 300.0


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


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol address of one named graph (indirect identification)."""
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}graph={quote(graph, safe='')}"


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


def _opener(options: PushOptions) -> urllib.request.OpenerDirector:
    handlers: list = []
    if options.user:
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, options.endpoint, options.user, options.password or "")
        handlers += [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
    return urllib.request.build_opener(*handlers)


def push(options: PushOptions, progress: Callable[[GraphPush], None] = lambda g: None) -> PushResult:
    """Send every named graph; stops at the first graph the store refuses."""
    if urlsplit(options.endpoint).scheme not in ("http", "https"):
        raise UserError(f"--endpoint must be an http(s) URL, not {options.endpoint!r}")
    graphs = read_graphs(options.release)
    opener = _opener(options)
    prefixes = {k: v for k, v in STANDARD_PREFIXES.items()}
    method = "PUT" if options.replace else "POST"
    done = []
    for graph, triples in graphs.items():
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        request = urllib.request.Request(graph_url(options.endpoint, graph), data=body, method=method,
                                         headers={"Content-Type": "text/turtle; charset=utf-8"})
        try:
            with opener.open(request, timeout=options.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise UserError(f"{options.endpoint} refused graph {graph}: HTTP {exc.code} "
                            f"{detail[0][:200] if detail else exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise UserError(f"cannot reach {options.endpoint}: {reason}") from exc
        pushed = GraphPush(graph, len(triples), status)
        progress(pushed)
        done.append(pushed)
    return PushResult(options.endpoint, tuple(done))
