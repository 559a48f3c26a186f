"""A SPARQL 1.1 endpoint that answers like the embedded store.

:class:`RemoteStore` duck-types what the query paths use of ``pyoxigraph.Store``:
``query(text, prefixes=…, use_default_graph_as_union=…)`` returns pyoxigraph's own
``QuerySolutions``, ``QueryBoolean`` or triples, parsed from the SPARQL 1.1 Protocol's answer.

- *Syntax*: a query is first parsed by pyoxigraph (an empty in-memory store), so a syntax
  error reads exactly as it does locally; the prefixes the query uses are sent as one line of
  ``PREFIX`` declarations, and line numbers in the server's own messages are mapped back.
- *Dataset*: the default graph is what the embedded store's is, the union (as a bag) of the
  graphs ``kg push`` loaded, named by ``default-graph-uri`` and ``named-graph-uri`` (a store's
  own graphs, such as Virtuoso's system graphs, stay out). The graphs are listed in a small
  manifest graph, ``BASE release/current``, which ``kg push --replace`` switches in the same
  transaction as the data; a reader checks the manifest's push identifier after each query and
  runs the query again if a switch happened in between, so it never mixes two releases.
- *Deviations*: where servers differ from the embedded store (Virtuoso's booleans as 1/0, its
  GROUP_CONCAT separators and ORDER BY over long strings, an empty GROUP_CONCAT) the answer is
  put back as the embedded store gives it (kg.remote_compat). A server that cuts an answer
  (Virtuoso's ``ResultSetMaxRows``) is an error, never a silently shorter answer.

HTTP and authentication are in kg.remote_http, the manifest and ``kg push`` in kg.remote_release.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces
from .remote_compat import (ANY_TYPES, GRAPH_TYPES, SELECT_TYPES, RDF_FORMATS, as_embedded, ascii_separators,
                            concatenated_variables, declares_dataset, form_of, order_of, refusal, with_prologue)
from .remote_http import Http, HttpAnswer, RemoteError
from .remote_release import DCTERMS, Release, discover_graphs, load_release, manifest_graph, read_release
from .stores import Endpoint

__all__ = ["RemoteError", "RemoteStore", "load_release"]
_SWITCH_RETRIES = 3


# ---------------------------------------------------------------- the store


class RemoteStore:
    """A remote SPARQL 1.1 endpoint behind the embedded store's interface (read-only)."""

    is_remote = True

    def __init__(self, endpoint: Endpoint, ns: Namespaces, http: Http | None = None) -> None:
        self.endpoint = endpoint
        self.ns = ns
        self.url = endpoint.needs("query")
        self.http = http or Http(endpoint.user, endpoint.password, endpoint.timeout)
        self.release = self._find_release() if endpoint.dataset == "release" else None

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint.label})"

    @property
    def base(self) -> str:
        """The base IRI the loaded release was built with (its manifest says), else the one asked for."""
        return (self.release.base if self.release else None) or self.ns.base

    # ---- the pyoxigraph.Store calls the query paths make

    def query(self, query: str, *, prefixes: dict[str, str] | None = None, use_default_graph_as_union: bool = False,
              substitutions: dict | None = None, default_graph=None, named_graphs=None, base_iri: str | None = None,
              **unsupported):
        """Run a query remotely; SELECT gives QuerySolutions, ASK a QueryBoolean, others triples."""
        if substitutions:
            raise UserError("substitutions are not supported on a remote endpoint; bind values with VALUES")
        if unsupported and any(v is not None for v in unsupported.values()):
            raise UserError(f"not supported on a remote endpoint: {', '.join(unsupported)}")
        form, local_error = form_of(query, prefixes, base_iri)
        text, added_lines = with_prologue(query, prefixes or {}, base_iri)
        separators: dict[str, str] = {}
        if self.http.server.startswith("Virtuoso"):
            text, separators = ascii_separators(text)
        dataset = self._dataset(query, use_default_graph_as_union, default_graph, named_graphs)
        for _ in range(_SWITCH_RETRIES):
            pushed = self.release.push_id if self.release else None
            answer = self._post(text, dataset() if callable(dataset) else dataset, form)
            if answer.status >= 400 and local_error is not None:
                raise local_error  # the embedded store's own message, line and column
            result = self._result(answer, form, added_lines, separators, concatenated_variables(query), order_of(query))
            if pushed is None or self._still_current(pushed):
                return result
            self.release = self._find_release()  # a kg push --replace switched releases meanwhile: ask again
        raise RemoteError(f"{self.endpoint.label} switched releases during every try; run the query again")

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)

    def named_graphs(self) -> list[ox.NamedNode]:
        if self.release is not None:
            return [ox.NamedNode(g) for g in self.release.graphs]
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
        return [row["g"] for row in rows]

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph_name=None) -> list[ox.Quad]:
        """The matching quads, graph by graph (CONSTRUCT), each graph's count checked against the
        endpoint's so a server-side row cap can never shorten a dump unnoticed."""
        for _ in range(_SWITCH_RETRIES):
            pushed = self.release.push_id if self.release else None
            graphs = [graph_name] if isinstance(graph_name, ox.NamedNode) else self.named_graphs()
            terms = [_pattern_term(t, v) for t, v in ((subject, "?s"), (predicate, "?p"), (obj, "?o"))]
            pattern = " ".join(terms)
            quads: list[ox.Quad] = []
            for graph in graphs:
                where = f"GRAPH {graph} {{ {pattern} }}"
                triples = list(self.query(f"CONSTRUCT {{ {pattern} }} WHERE {{ {where} }}"))
                expected = int(next(iter(self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")))["n"].value)
                if len(triples) != expected:
                    raise RemoteError(f"{self.endpoint.label} returned {len(triples)} of the {expected} triples of "
                                      f"{graph.value}: it caps answers (Virtuoso: ResultSetMaxRows in [SPARQL])")
                quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
            if pushed is None or self._still_current(pushed):
                return quads
            self.release = self._find_release()
        raise RemoteError(f"{self.endpoint.label} switched releases during every try; run the command again")

    # ---- the dataset

    def _find_release(self) -> Release:
        release = read_release(self.http, self.url, self.ns, self.endpoint)
        if release is not None:
            return release
        graphs = discover_graphs(self.http, self.url, self.ns, self.endpoint)
        if not graphs:
            raise RemoteError(f"{self.endpoint.label} holds no Kaifang KG graphs (none named {self.ns.base}graph/…); "
                              "load a release with 'kg push', or check --base")
        return Release(tuple(graphs))

    def _still_current(self, push_id: str) -> bool:
        ask = f'ASK {{ GRAPH <{manifest_graph(self.ns)}> {{ <{manifest_graph(self.ns)}> <{DCTERMS}identifier> "{push_id}" }} }}'
        answer = self._post(ask, [], "ask")
        return bool(self._result(answer, "ask", 0))

    def _dataset(self, query: str, union: bool, default_graph, named_graphs) -> list[tuple[str, str]]:
        if default_graph is not None or named_graphs is not None:
            defaults = default_graph if isinstance(default_graph, list) else [default_graph] if default_graph else []
            return ([("default-graph-uri", g.value) for g in defaults if isinstance(g, ox.NamedNode)]
                    + [("named-graph-uri", g.value) for g in named_graphs or []])
        if declares_dataset(query):
            return []  # the query's own FROM / FROM NAMED
        mode = self.endpoint.dataset
        if mode == "server":
            return []
        if mode == "union-parameter":
            return [("union-default-graph", "")] if union else []
        return lambda: self._release_dataset(union)

    def _release_dataset(self, union: bool) -> list[tuple[str, str]]:
        graphs = self.release.graphs if self.release else ()
        named = [("named-graph-uri", g) for g in graphs]
        # Without union the embedded store's default graph is empty, as it is here when only
        # named graphs are given (SPARQL 1.1 Protocol, section 2.1.4).
        if not union:
            return named
        if self.release and self.release.union:  # the union as one graph: a set, as in the embedded store
            return [("default-graph-uri", self.release.union)] + named
        return [("default-graph-uri", g) for g in graphs] + named

    # ---- one request

    def _post(self, text: str, dataset: list[tuple[str, str]], form: str | None) -> HttpAnswer:
        accept = {"select": SELECT_TYPES, "ask": SELECT_TYPES, "graph": GRAPH_TYPES}.get(form or "", ANY_TYPES)
        body = urlencode([("query", text), *dataset]).encode("utf-8")
        return self.http.send("POST", self.url, body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept})

    def _result(self, answer: HttpAnswer, form: str | None, added_lines: int, separators: dict[str, str] | None = None,
                concatenated: frozenset[str] = frozenset(), order: tuple[tuple[str, bool], ...] = ()):
        if answer.status >= 400:
            raise RemoteError(refusal(self.endpoint.label, answer, added_lines))
        if answer.headers.get("X-SQL-State"):  # Virtuoso's "anytime" answers are partial
            raise RemoteError(f"{self.endpoint.label} returned a partial answer ({answer.headers.get('X-SQL-Message', '')}"
                              "); raise its MaxQueryExecutionTime or narrow the query")
        if answer.headers.get("X-SPARQL-MaxRows"):
            raise RemoteError(f"{self.endpoint.label} cut the answer at {answer.headers['X-SPARQL-MaxRows']} rows "
                              "(Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        kind = answer.content_type
        try:
            if kind in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(as_embedded(answer.body, separators or {}, concatenated, order),
                                              format=ox.QueryResultsFormat.JSON)
            if kind in ("application/sparql-results+xml", "application/xml"):
                return ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.XML)
            if kind in RDF_FORMATS:
                return [quad.triple for quad in ox.parse(answer.body, format=RDF_FORMATS[kind])]
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.endpoint.label} answered with unreadable {kind}: {exc}") from exc
        raise RemoteError(f"{self.endpoint.label} did not answer in a SPARQL results format (got "
                          f"{kind or 'no content type'}); is it a SPARQL query endpoint?")



def _pattern_term(term, variable: str) -> str:
    return variable if term is None else str(term)
