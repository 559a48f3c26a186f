"""A SPARQL 1.1 endpoint that answers like the embedded store, and loading a release into it.

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
- *Deviations*: Virtuoso writes stored booleans as ``"1"^^xsd:boolean`` in JSON results; they
  are put back in canonical form (``true``/``false``, the same value). A server that cuts an
  answer (Virtuoso's ``ResultSetMaxRows``) is an error, never a silently shorter answer.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import Message
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox

from .errors import UserError
from .namespaces import STANDARD_PREFIXES, Namespaces
from .stores import Endpoint

XSD_BOOLEAN = STANDARD_PREFIXES["xsd"] + "boolean"
DCTERMS = STANDARD_PREFIXES["dcterms"]
OWL = STANDARD_PREFIXES["owl"]
VOID = STANDARD_PREFIXES["void"]
_SELECT_TYPES = "application/sparql-results+json"
_GRAPH_TYPES = "application/n-triples"
_ANY_TYPES = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
_RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/rdf+n3": ox.RdfFormat.N3, "text/n3": ox.RdfFormat.N3,
}
_PROBE = ox.Store()  # empty and in memory: parses a query exactly as the embedded store does
_SWITCH_RETRIES = 3


class RemoteError(UserError):
    """The endpoint could not be reached or refused: one line for the user, exit 2."""


# ---------------------------------------------------------------- HTTP with auth done once


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    headers: Message
    body: bytes

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    def first_line(self) -> str:
        text = self.body.decode("utf-8", "replace")
        text = re.sub(r"<[^>]+>", " ", text) if "<html" in text[:200].lower() else text
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[0][:300] if lines else ""


class Http:
    """urllib, with HTTP basic or digest authentication answered before a body is sent.

    urllib's own handlers send the body, get a 401 and send it again; a server that closes the
    connection on the 401 (Virtuoso does) breaks a large upload with EPIPE. Here a body-less
    probe (HEAD) learns the challenge once per server, and every request carries its answer.
    """

    def __init__(self, user: str | None = None, password: str | None = None, timeout: float = 300.0) -> None:
        self.user, self._password, self.timeout = user, password, timeout
        self._challenges: dict[str, dict[str, str]] = {}  # origin -> the server's last challenge
        self._probed: set[str] = set()
        self._count = 0
        self._opener = urllib.request.build_opener()
        self.server = ""  # the Server header last seen: Virtuoso needs a few work-arounds

    def send(self, method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None,
             timeout: float | None = None) -> HttpAnswer:
        headers = dict(headers or {})
        origin = _origin(url)
        if self.user and origin not in self._probed and body:
            self._learn(self._open("HEAD", url, None, {}, timeout), url)
        answer = self._open(method, url, body, {**headers, **self._authorization(method, url)}, timeout)
        if answer.status == 401 and self.user and self._learn(answer, url):
            answer = self._open(method, url, body, {**headers, **self._authorization(method, url)}, timeout)
        if answer.status == 401:
            if self.user:
                raise RemoteError(f"{_site(url)} refused the credentials of user '{self.user}' (HTTP 401)")
            raise RemoteError(f"{_site(url)} asks for credentials (HTTP 401): set KG_ENDPOINT_USER and "
                              "KG_ENDPOINT_PASSWORD, or use a profile")
        return answer

    def _open(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
              timeout: float | None) -> HttpAnswer:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        seconds = timeout if timeout is not None else self.timeout
        try:
            with self._opener.open(request, timeout=seconds) as response:
                self.server = response.headers.get("Server", "") or self.server
                return HttpAnswer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as exc:
            try:
                data = exc.read()
            except OSError:
                data = b""
            return HttpAnswer(exc.code, exc.headers, data)
        except (TimeoutError, socket.timeout):
            raise RemoteError(f"{_site(url)} did not answer within {seconds:g} s; raise --timeout, or the "
                              "endpoint's own limits if it stopped the query") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise RemoteError(f"{_site(url)} did not answer within {seconds:g} s") from None
            if isinstance(reason, ConnectionRefusedError):
                raise RemoteError(f"cannot reach {_site(url)}: connection refused (is the server running?)") from None
            raise RemoteError(f"cannot reach {_site(url)}: {getattr(reason, 'strerror', None) or reason}") from None
        except (ConnectionError, OSError) as exc:
            raise RemoteError(f"cannot reach {_site(url)}: {exc.strerror or exc}") from None

    def _learn(self, answer: HttpAnswer, url: str) -> bool:
        """Remember the server's challenge (digest preferred); True when it is new, worth a retry."""
        self._probed.add(_origin(url))
        offers = answer.headers.get_all("WWW-Authenticate") or [] if answer.status == 401 else []
        if not offers:
            return False
        header = next((o for o in offers if o.lower().startswith("digest")), offers[0])
        scheme, _, rest = header.partition(" ")
        challenge = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3)
                     for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', rest)}
        challenge["scheme"] = scheme.lower()
        previous = self._challenges.get(_origin(url))
        self._challenges[_origin(url)] = challenge
        self._count = 0
        return previous != challenge

    def _authorization(self, method: str, url: str) -> dict[str, str]:
        challenge = self._challenges.get(_origin(url))
        if not self.user or not challenge:
            return {}
        password = self._password or ""
        if challenge["scheme"] == "basic":
            token = base64.b64encode(f"{self.user}:{password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        if challenge["scheme"] != "digest":
            raise RemoteError(f"{_site(url)} asks for {challenge['scheme']} authentication; kg speaks basic and digest")
        algorithm = challenge.get("algorithm", "MD5")
        digest = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}.get(algorithm.upper().removesuffix("-SESS"))
        if digest is None:
            raise RemoteError(f"{_site(url)} asks for digest algorithm {algorithm}, which kg does not speak")
        h = lambda text: digest(text.encode("utf-8")).hexdigest()  # noqa: E731
        split = urlsplit(url)
        uri = split.path + (f"?{split.query}" if split.query else "")
        realm, nonce = challenge.get("realm", ""), challenge.get("nonce", "")
        self._count += 1
        nc, cnonce = f"{self._count:08x}", os.urandom(8).hex()
        ha1 = h(f"{self.user}:{realm}:{password}")
        if algorithm.upper().endswith("-SESS"):
            ha1 = h(f"{ha1}:{nonce}:{cnonce}")
        ha2 = h(f"{method}:{uri}")
        qops = [q.strip() for q in challenge.get("qop", "").split(",") if q.strip()]
        fields = [f'username="{self.user}"', f'realm="{realm}"', f'nonce="{nonce}"', f'uri="{uri}"',
                  f"algorithm={algorithm}"]
        if "auth" in qops:
            fields += [f'response="{h(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")}"', "qop=auth", f"nc={nc}",
                       f'cnonce="{cnonce}"']
        else:
            fields.append(f'response="{h(f"{ha1}:{nonce}:{ha2}")}"')
        if "opaque" in challenge:
            fields.append(f'opaque="{challenge["opaque"]}"')
        return {"Authorization": "Digest " + ", ".join(fields)}


def _origin(url: str) -> str:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}"


def _site(url: str) -> str:
    """A URL as messages show it: without its query string (which may be long)."""
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}{split.path}"


# ---------------------------------------------------------------- the release manifest


@dataclass(frozen=True)
class Release:
    """What ``kg push`` last loaded: its graphs, version and push identifier."""

    graphs: tuple[str, ...]
    version: str | None = None
    push_id: str | None = None
    base: str | None = None


def manifest_graph(ns: Namespaces) -> str:
    return ns.base + "release/current"


def manifest_turtle(ns: Namespaces, graphs: Iterable[str], version: str | None, push_id: str) -> str:
    """The manifest: which graphs form the current release (read by every remote query path)."""
    node = f"<{manifest_graph(ns)}>"
    lines = [f"{node} a <{VOID}Dataset> ;", f'  <{DCTERMS}identifier> "{push_id}" ;',
             f'  <{VOID}uriSpace> "{ns.base}" ;',
             f'  <{DCTERMS}modified> "{datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}"'
             f'^^<{STANDARD_PREFIXES["xsd"]}dateTime> ;']
    if version:
        lines.append(f"  <{OWL}versionInfo> {json.dumps(version)} ;")
        lines.append(f"  <{STANDARD_PREFIXES['prov']}wasDerivedFrom> <{ns.base}release/{quote(version)}> ;")
    lines.append("  <" + DCTERMS + "hasPart> " + ", ".join(f"<{g}>" for g in sorted(graphs)) + " .")
    return "\n".join(lines) + "\n"


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
        form, local_error = _form_of(query, prefixes, base_iri)
        text, added_lines = _with_prologue(query, prefixes or {}, base_iri)
        separators: dict[str, str] = {}
        if self.http.server.startswith("Virtuoso"):
            text, separators = _ascii_separators(text)
        dataset = self._dataset(query, use_default_graph_as_union, default_graph, named_graphs)
        for _ in range(_SWITCH_RETRIES):
            pushed = self.release.push_id if self.release else None
            answer = self._post(text, dataset() if callable(dataset) else dataset, form)
            if answer.status >= 400 and local_error is not None:
                raise local_error  # the embedded store's own message, line and column
            result = self._result(answer, form, added_lines, separators, _concatenated(query), _order_of(query))
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
        if _declares_dataset(query):
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
        return ([("default-graph-uri", g) for g in graphs] if union else []) + named

    # ---- one request

    def _post(self, text: str, dataset: list[tuple[str, str]], form: str | None) -> HttpAnswer:
        accept = {"select": _SELECT_TYPES, "ask": _SELECT_TYPES, "graph": _GRAPH_TYPES}.get(form or "", _ANY_TYPES)
        body = urlencode([("query", text), *dataset]).encode("utf-8")
        return self.http.send("POST", self.url, body, {
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept})

    def _result(self, answer: HttpAnswer, form: str | None, added_lines: int, separators: dict[str, str] | None = None,
                concatenated: frozenset[str] = frozenset(), order: tuple[tuple[str, bool], ...] = ()):
        if answer.status >= 400:
            raise RemoteError(_refusal(self.endpoint.label, answer, added_lines))
        if answer.headers.get("X-SQL-State"):  # Virtuoso's "anytime" answers are partial
            raise RemoteError(f"{self.endpoint.label} returned a partial answer ({answer.headers.get('X-SQL-Message', '')}"
                              "); raise its MaxQueryExecutionTime or narrow the query")
        if answer.headers.get("X-SPARQL-MaxRows"):
            raise RemoteError(f"{self.endpoint.label} cut the answer at {answer.headers['X-SPARQL-MaxRows']} rows "
                              "(Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        kind = answer.content_type
        try:
            if kind in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(_as_embedded(answer.body, separators or {}, concatenated, order),
                                              format=ox.QueryResultsFormat.JSON)
            if kind in ("application/sparql-results+xml", "application/xml"):
                return ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.XML)
            if kind in _RDF_FORMATS:
                return [quad.triple for quad in ox.parse(answer.body, format=_RDF_FORMATS[kind])]
        except (SyntaxError, ValueError) as exc:
            raise RemoteError(f"{self.endpoint.label} answered with unreadable {kind}: {exc}") from exc
        raise RemoteError(f"{self.endpoint.label} did not answer in a SPARQL results format (got "
                          f"{kind or 'no content type'}); is it a SPARQL query endpoint?")


# ---------------------------------------------------------------- helpers for queries


def _form_of(query: str, prefixes: dict[str, str] | None, base_iri: str | None):
    """('select' | 'ask' | 'graph', None), or (None, SyntaxError) when pyoxigraph cannot parse it.

    A query pyoxigraph rejects still goes to the server (it may speak an extension); if the
    server rejects it too, the user sees pyoxigraph's message, the same as locally.
    """
    try:
        answer = _PROBE.query(query, prefixes=prefixes, base_iri=base_iri)
    except SyntaxError as exc:
        return None, exc
    except Exception:  # noqa: BLE001 - e.g. SERVICE on the empty store: the server decides
        return None, None
    if isinstance(answer, ox.QueryBoolean):
        return "ask", None
    if isinstance(answer, ox.QuerySolutions):
        return "select", None
    return "graph", None


_STRIPPED = re.compile(r"""\#[^\n]*|'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|<[^<>"{}|^`\\\s]*>""",
                       re.DOTALL)
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_USED = re.compile(r"(?<![\w.?$-])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:")
_FROM = re.compile(r"(?<![\w?$])FROM\s", re.IGNORECASE)


def _with_prologue(query: str, prefixes: dict[str, str], base_iri: str | None) -> tuple[str, int]:
    """The query with the prefixes it uses but does not declare, on one line before it."""
    code = _STRIPPED.sub(" ", query)
    declared = set(_DECLARED.findall(code))
    used = {name for name in _USED.findall(code) if name} - declared
    parts = [f"BASE <{base_iri}>"] if base_iri else []
    parts += [f"PREFIX {name}: <{prefixes[name]}>" for name in sorted(used) if name in prefixes]
    if not parts:
        return query, 0
    return " ".join(parts) + "\n" + query, 1


def _declares_dataset(query: str) -> bool:
    return bool(_FROM.search(_STRIPPED.sub(" ", query)))


def _pattern_term(term, variable: str) -> str:
    return variable if term is None else str(term)


def _as_embedded(body: bytes, separators: dict[str, str], concatenated: frozenset[str] = frozenset(),
                 order: tuple[tuple[str, bool], ...] = ()) -> bytes:
    """JSON results put the way the embedded store gives them, where servers legitimately differ:

    - xsd:boolean in canonical form: Virtuoso writes stored booleans as "1"/"0" (valid lexical
      forms of the same values), the embedded store "true"/"false";
    - a GROUP_CONCAT over no values unbound, as the embedded store leaves it (Virtuoso and the
      SPARQL 1.1 text give ""; either way the group had nothing to list);
    - GROUP_CONCAT separators sent as ASCII stand-ins put back (see _ascii_separators);
    - rows in SPARQL's order for ORDER BY: Virtuoso orders long strings by its own internal
      keys, not by code point ("广西…规划…" before "广西…6市…"); a stable sort by the ORDER BY
      variables puts them right and leaves a correctly sorted answer as it is.
    """
    if not separators and not concatenated and not order and b"XMLSchema#boolean" not in body:
        return body
    data = json.loads(body)
    if order and isinstance(data.get("results", {}).get("bindings"), list):
        data["results"]["bindings"].sort(key=functools.cmp_to_key(lambda a, b: _compare_rows(a, b, order)))
    for row in data.get("results", {}).get("bindings", []):
        for name in list(row):
            value = row[name]
            text = value.get("value", "")
            if value.get("datatype") == XSD_BOOLEAN and text in ("1", "0"):
                value["value"] = "true" if text == "1" else "false"
            elif name in concatenated and text == "" and value.get("type") in ("literal", "typed-literal") \
                    and "xml:lang" not in value:
                del row[name]
            elif separators and "~kg-separator-" in text:
                for token, separator in separators.items():
                    text = text.replace(token, separator)
                value["value"] = text
    return json.dumps(data).encode("utf-8")


_NUMERIC = {STANDARD_PREFIXES["xsd"] + t for t in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_ORDER = re.compile(r"\bORDER\s+BY\s+(.*)$", re.IGNORECASE | re.DOTALL)
_KEY = re.compile(r"\s*(?:(ASC|DESC)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+))", re.IGNORECASE)


def _order_of(query: str) -> tuple[tuple[str, bool], ...]:
    """The top-level ORDER BY as (variable, descending) pairs, when it is plain variables and no
    LIMIT or OFFSET follows (the server then chose which rows to return); () otherwise."""
    code = _STRIPPED.sub(" ", query)
    tail = code[code.rfind("}") + 1:]
    match = _ORDER.search(tail)
    if not match or re.search(r"\b(LIMIT|OFFSET)\b", tail, re.IGNORECASE):
        return ()
    text, keys, at = match.group(1).rstrip(), [], 0
    while at < len(text):
        key = _KEY.match(text, at)
        if not key:
            return ()
        keys.append((key.group(2) or key.group(3), (key.group(1) or "").upper() == "DESC"))
        at = key.end()
        while at < len(text) and text[at].isspace():
            at += 1
    return tuple(keys)


def _term_key(term: dict | None) -> tuple:
    """SPARQL 1.1 section 15.1: unbound, blank nodes, IRIs, then literals (numbers by value,
    the rest by their lexical form, as the embedded store orders them)."""
    if term is None:
        return (0,)
    kind = term.get("type")
    if kind == "bnode":
        return (1, term.get("value", ""))
    if kind == "uri":
        return (2, term.get("value", ""))
    value = term.get("value", "")
    if term.get("datatype") in _NUMERIC:
        try:
            return (3, 0, float(value), value)
        except ValueError:
            pass
    return (3, 1, value, term.get("xml:lang", ""), term.get("datatype", ""))


def _compare_rows(a: dict, b: dict, order: tuple[tuple[str, bool], ...]) -> int:
    for name, descending in order:
        left, right = _term_key(a.get(name)), _term_key(b.get(name))
        if left != right:
            result = -1 if left < right else 1
            return -result if descending else result
    return 0


_CONCATENATED = re.compile(r"GROUP_CONCAT\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*AS\s*[?$](\w+)", re.IGNORECASE)


def _concatenated(query: str) -> frozenset[str]:
    """The variables a query binds to a GROUP_CONCAT."""
    return frozenset(_CONCATENATED.findall(_STRIPPED.sub(lambda m: m.group(0) if m.group(0).startswith(("'", '"')) else " ", query)))


_SEPARATOR = re.compile(r"""(separator\s*=\s*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""", re.IGNORECASE)


def _ascii_separators(text: str) -> tuple[str, dict[str, str]]:
    """Virtuoso 7 writes a GROUP_CONCAT separator that is not ASCII as '?' ("百色?崇左" for
    separator="、"): such separators are sent as ASCII stand-ins and put back in the answer."""
    found: dict[str, str] = {}

    def swap(match: re.Match) -> str:
        literal = match.group(2)
        if literal.isascii():
            return match.group(0)
        token = f"~kg-separator-{len(found)}~"
        found[token] = literal[1:-1]
        return f'{match.group(1)}"{token}"'

    return _SEPARATOR.sub(swap, text), found


_LINE = re.compile(r"\b(line )(\d+)|\b(at )(\d+)(:\d+)")


def _refusal(label: str, answer: HttpAnswer, added_lines: int) -> str:
    """One line saying why the endpoint refused, with line numbers as the user wrote them."""
    detail = answer.first_line()
    if added_lines:
        detail = _LINE.sub(lambda m: (f"{m.group(1)}{max(1, int(m.group(2)) - added_lines)}" if m.group(1)
                                      else f"{m.group(3)}{max(1, int(m.group(4)) - added_lines)}{m.group(5)}"), detail)
    status = answer.status
    if status in (404, 405, 501):
        return f"{label} does not offer this (HTTP {status}){': ' + detail if detail else ''}; it lacks this SPARQL feature or is not a SPARQL endpoint"
    if status in (406, 415):
        return f"{label} cannot answer in a format kg reads (HTTP {status}){': ' + detail if detail else ''}"
    if status == 403:
        return f"{label} does not allow this (HTTP 403){': ' + detail if detail else ''}"
    if status in (503, 504) or "timed out" in detail.lower() or "timeout" in detail.lower():
        return f"{label} stopped the query at its own time limit (HTTP {status}): {detail}"
    what = "rejected the query" if status < 500 else "could not run the query"
    return f"{label} {what} (HTTP {status}){': ' + detail if detail else ''}"


# ---------------------------------------------------------------- reading the manifest


def _select(http: Http, url: str, query: str, label: str) -> list:
    answer = http.send("POST", url, urlencode([("query", query)]).encode("utf-8"), {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": _SELECT_TYPES})
    if answer.status >= 400:
        raise RemoteError(_refusal(label, answer, 0))
    if answer.content_type not in ("application/sparql-results+json", "application/json"):
        raise RemoteError(f"{label} did not answer in a SPARQL results format (got "
                          f"{answer.content_type or 'no content type'}); is it a SPARQL query endpoint?")
    return list(ox.parse_query_results(_as_embedded(answer.body, {}), format=ox.QueryResultsFormat.JSON))


def read_release(http: Http, query_url: str, ns: Namespaces, endpoint: Endpoint) -> Release | None:
    """The manifest ``kg push`` left, or None when there is none."""
    node = f"<{manifest_graph(ns)}>"
    rows = _select(http, query_url, f"""SELECT ?part ?version ?id ?space WHERE {{ GRAPH {node} {{
        {node} <{DCTERMS}hasPart> ?part
        OPTIONAL {{ {node} <{OWL}versionInfo> ?version }} OPTIONAL {{ {node} <{DCTERMS}identifier> ?id }}
        OPTIONAL {{ {node} <{VOID}uriSpace> ?space }} }} }}""", endpoint.label)
    if not rows:
        return None
    first = rows[0]
    value = lambda name: first[name].value if first[name] is not None else None  # noqa: E731
    return Release(tuple(sorted({row["part"].value for row in rows})), value("version"), value("id"), value("space"))


def discover_graphs(http: Http, query_url: str, ns: Namespaces, endpoint: Endpoint) -> list[str]:
    """The graphs named ``BASE graph/…`` (a store loaded without kg push, e.g. by a bulk loader)."""
    rows = _select(http, query_url, f"""SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
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
    push_id = f"{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S')}-{os.urandom(4).hex()}"
    if not replace:
        loaded = [_send_graph(http, store_url, graph, triples, "POST", graph) for graph, triples in graphs.items()]
        for item in loaded:
            progress(item)
        previous = _previous_release(http, endpoint, ns)
        parts = set(graphs) | set(previous.graphs if previous else ())
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
        _send_turtle(http, store_url, staged_manifest, manifest_turtle(ns, graphs, version, push_id), "PUT")
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
        raise RemoteError(f"{_site(store_url)} refused graph {target}: HTTP {answer.status} {answer.first_line()[:200]}"
                          .rstrip())
    return answer.status


def _delete_graph(http: Http, store_url: str, graph: str) -> None:
    answer = http.send("DELETE", graph_url(store_url, graph))
    if answer.status >= 400 and answer.status != 404:
        raise RemoteError(f"{_site(store_url)} did not delete graph {graph}: HTTP {answer.status}")


def _update(http: Http, update_url: str, text: str) -> None:
    answer = http.send("POST", update_url, urlencode([("update", text)]).encode("utf-8"),
                       {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "*/*"})
    if answer.status >= 400:
        detail = answer.first_line()
        if answer.status in (403, 404, 405, 501) or "permission" in detail.lower() or "security" in detail.lower():
            raise RemoteError(f"{_site(update_url)} does not accept SPARQL updates (HTTP {answer.status}"
                              f"{': ' + detail if detail else ''}); --replace needs them")
        raise RemoteError(f"{_site(update_url)} refused the update (HTTP {answer.status}){': ' + detail if detail else ''}")
