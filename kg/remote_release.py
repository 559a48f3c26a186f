"""The release manifest and loading a release into a remote store.

``kg push`` records in a small graph, ``BASE release/current``, which graphs form the release
it loaded (with its version and a push identifier); the remote query paths read their dataset
from it. :func:`load_release` adds a release, or replaces the store's in one transaction.

Besides the release's graphs, ``kg push`` loads their union, each triple once, as
``BASE release/union`` (the manifest names it as the dataset's ``sd:defaultGraph``): servers
merge several ``default-graph-uri`` graphs as a bag (a triple stated in two documents matches
twice), so queries name that one graph as their default graph and answer as the embedded
store does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from .errors import UserError
from .namespaces import STANDARD_PREFIXES, Namespaces
from .remote_compat import SELECT_TYPES, as_embedded, refusal
from .remote_http import Http, RemoteError, site_of
from .stores import Endpoint

DCTERMS = STANDARD_PREFIXES["dcterms"]
OWL = STANDARD_PREFIXES["owl"]
VOID = STANDARD_PREFIXES["void"]
SD = "http://www.w3.org/ns/sparql-service-description#"


# ---------------------------------------------------------------- the release manifest


@dataclass(frozen=True)
class Release:
    """What ``kg push`` last loaded: its graphs, version and push identifier."""

    graphs: tuple[str, ...]
    version: str | None = None
    push_id: str | None = None
    base: str | None = None
    union: str | None = None  # the graph holding the union of ``graphs``, each triple once


def union_graph(ns: Namespaces) -> str:
    return ns.base + "release/union"


def manifest_graph(ns: Namespaces) -> str:
    return ns.base + "release/current"


def manifest_turtle(ns: Namespaces, graphs: Iterable[str], version: str | None, push_id: str) -> str:
    """The manifest: which graphs form the current release (read by every remote query path)."""
    node = f"<{manifest_graph(ns)}>"
    lines = [f"{node} a <{VOID}Dataset> ;", f'  <{DCTERMS}identifier> "{push_id}" ;',
             f"  <{SD}defaultGraph> <{union_graph(ns)}> ;",
             f'  <{VOID}uriSpace> "{ns.base}" ;',
             f'  <{DCTERMS}modified> "{datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}"'
             f'^^<{STANDARD_PREFIXES["xsd"]}dateTime> ;']
    if version:
        lines.append(f"  <{OWL}versionInfo> {json.dumps(version)} ;")
        lines.append(f"  <{STANDARD_PREFIXES['prov']}wasDerivedFrom> <{ns.base}release/{quote(version)}> ;")
    lines.append("  <" + DCTERMS + "hasPart> " + ", ".join(f"<{g}>" for g in sorted(graphs)) + " .")
    return "\n".join(lines) + "\n"



# ---------------------------------------------------------------- reading the manifest


def select_rows(http: Http, url: str, query: str, label: str) -> list:
    answer = http.send("POST", url, urlencode([("query", query)]).encode("utf-8"), {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": SELECT_TYPES})
    if answer.status >= 400:
        raise RemoteError(refusal(label, answer, 0))
    if answer.content_type not in ("application/sparql-results+json", "application/json"):
        raise RemoteError(f"{label} did not answer in a SPARQL results format (got "
                          f"{answer.content_type or 'no content type'}); is it a SPARQL query endpoint?")
    return list(ox.parse_query_results(as_embedded(answer.body, {}), format=ox.QueryResultsFormat.JSON))


def read_release(http: Http, query_url: str, ns: Namespaces, endpoint: Endpoint) -> Release | None:
    """The manifest ``kg push`` left, or None when there is none."""
    node = f"<{manifest_graph(ns)}>"
    rows = select_rows(http, query_url, f"""SELECT ?part ?version ?id ?space ?union WHERE {{ GRAPH {node} {{
        {node} <{DCTERMS}hasPart> ?part
        OPTIONAL {{ {node} <{OWL}versionInfo> ?version }} OPTIONAL {{ {node} <{DCTERMS}identifier> ?id }}
        OPTIONAL {{ {node} <{VOID}uriSpace> ?space }} OPTIONAL {{ {node} <{SD}defaultGraph> ?union }} }} }}""",
                       endpoint.label)
    if not rows:
        return None
    first = rows[0]
    value = lambda name: first[name].value if first[name] is not None else None  # noqa: E731
    return Release(tuple(sorted({row["part"].value for row in rows})), value("version"), value("id"), value("space"),
                   value("union"))


def discover_graphs(http: Http, query_url: str, ns: Namespaces, endpoint: Endpoint) -> list[str]:
    """The graphs named ``BASE graph/…`` (a store loaded without kg push, e.g. by a bulk loader)."""
    rows = select_rows(http, query_url, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?g), "{ns.base}graph/")) }}""", endpoint.label)
    return sorted(row["g"].value for row in rows)


# ---------------------------------------------------------------- loading a release


@dataclass(frozen=True)
class LoadedGraph:
    graph: str
    triples: int
    status: int
    method: str


def load_release(endpoint: Endpoint, ns: Namespaces, graphs: dict[str, list[ox.Triple]], *, version: str | None,
                 replace: bool, progress: Callable[[LoadedGraph], None] = lambda g: None) -> list[LoadedGraph]:
    """Load ``graphs`` with the Graph Store Protocol and record them in the manifest.

    Without ``replace`` each graph is POSTed (added to what the store holds: pushing the same
    release twice leaves one copy, since a graph is a set of triples). With ``replace`` every
    graph is first PUT under a staging name, then one SPARQL Update copies them over the
    live graphs, drops the previous release's graphs that this one lacks and switches the
    manifest: the store applies it in one transaction (Virtuoso and Oxigraph both do), so a
    reader sees the old release or the new one, never a half-loaded mix.
    """
    http = Http(endpoint.user, endpoint.password, endpoint.timeout)
    store_url = endpoint.needs("graph_store")
    union = union_graph(ns)
    graphs = {**graphs, union: sorted({t for triples in graphs.values() for t in triples}, key=str)}
    push_id = f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S')}-{os.urandom(4).hex()}"
    if not replace:
        loaded = [_send_graph(http, store_url, graph, triples, "POST", graph) for graph, triples in graphs.items()]
        for item in loaded:
            progress(item)
        previous = _previous_release(http, endpoint, ns)
        parts = (set(graphs) - {union}) | set(previous.graphs if previous else ())
        _send_turtle(http, store_url, manifest_graph(ns), manifest_turtle(ns, parts, version, push_id), "PUT")
        return loaded
    update_url = endpoint.needs("update")
    previous = _previous_release(http, endpoint, ns)
    staging = {graph: f"{ns.base}staging/{push_id}/{quote(graph, safe='')}" for graph in graphs}
    staged_manifest = f"{ns.base}staging/{push_id}/release"
    _update(http, update_url, f"DROP SILENT GRAPH <{staged_manifest}>")  # may we update at all? ask before loading
    loaded: list[LoadedGraph] = []
    try:
        for graph, triples in graphs.items():
            item = _send_graph(http, store_url, staging[graph], triples, "PUT", graph)
            loaded.append(item)
            progress(item)
        _send_turtle(http, store_url, staged_manifest, manifest_turtle(ns, set(graphs) - {union}, version, push_id),
                     "PUT")
        gone = sorted(set(previous.graphs if previous else ()) - set(graphs))
        switch = [f"DROP SILENT GRAPH <{g}>" for g in gone]
        switch += [f"COPY <{staging[g]}> TO <{g}>" for g in sorted(graphs)]
        switch.append(f"COPY <{staged_manifest}> TO <{manifest_graph(ns)}>")
        _update(http, update_url, " ;\n".join(switch))
    finally:
        for name in [*staging.values(), staged_manifest]:  # invisible to readers, removed all the same
            try:
                _delete_graph(http, store_url, name)
            except UserError:
                pass
    return loaded


def _previous_release(http: Http, endpoint: Endpoint, ns: Namespaces) -> Release | None:
    if not endpoint.query:
        return None
    return read_release(http, endpoint.query, ns, endpoint)


def _send_graph(http: Http, store_url: str, target: str, triples: list[ox.Triple], method: str,
                shown_as: str) -> LoadedGraph:
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    status = _send(http, store_url, target, body, "application/n-triples", method)
    return LoadedGraph(shown_as, len(triples), status, method)


def _send_turtle(http: Http, store_url: str, target: str, turtle: str, method: str) -> int:
    return _send(http, store_url, target, turtle.encode("utf-8"), "text/turtle; charset=utf-8", method)


def graph_url(store_url: str, graph: str) -> str:
    """The Graph Store Protocol address of one named graph (indirect identification)."""
    separator = "&" if "?" in store_url else "?"
    return f"{store_url}{separator}graph={quote(graph, safe='')}"


def _send(http: Http, store_url: str, target: str, body: bytes, content_type: str, method: str) -> int:
    answer = http.send(method, graph_url(store_url, target), body, {"Content-Type": content_type})
    if answer.status >= 400:
        raise RemoteError(f"{site_of(store_url)} refused graph {target}: HTTP {answer.status} {answer.first_line()[:200]}"
                          .rstrip())
    return answer.status


def _delete_graph(http: Http, store_url: str, graph: str) -> None:
    answer = http.send("DELETE", graph_url(store_url, graph))
    if answer.status >= 400 and answer.status != 404:
        raise RemoteError(f"{site_of(store_url)} did not delete graph {graph}: HTTP {answer.status}")


def _update(http: Http, update_url: str, text: str) -> None:
    answer = http.send("POST", update_url, urlencode([("update", text)]).encode("utf-8"),
                       {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "*/*"})
    if answer.status >= 400:
        detail = answer.first_line()
        if answer.status in (403, 404, 405, 501) or "permission" in detail.lower() or "security" in detail.lower():
            raise RemoteError(f"{site_of(update_url)} does not accept SPARQL updates (HTTP {answer.status}"
                              f"{': ' + detail if detail else ''}); --replace needs them")
        raise RemoteError(f"{site_of(update_url)} refused the update (HTTP {answer.status}){': ' + detail if detail else ''}")
