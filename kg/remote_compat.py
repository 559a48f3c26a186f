"""Sending a query to a SPARQL endpoint and making its answer the embedded store's.

The query: parsed by pyoxigraph first (so a syntax error reads as it does locally), with the
prefixes it uses declared on one line before it (line numbers in the server's messages are
given back as the user wrote them). The answer: SPARQL JSON results put the way the embedded
store gives them where servers legitimately differ (see :func:`as_embedded`), and a refusal
said in one line (:func:`refusal`).
"""

from __future__ import annotations

import functools
import json
import re

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES
from .remote_http import HttpAnswer

XSD_BOOLEAN = STANDARD_PREFIXES["xsd"] + "boolean"
SELECT_TYPES = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples"
ANY_TYPES = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-quads": ox.RdfFormat.N_QUADS,
    "text/rdf+n3": ox.RdfFormat.N3, "text/n3": ox.RdfFormat.N3,
}
_PROBE = ox.Store()  # empty and in memory: parses a query exactly as the embedded store does


def form_of(query: str, prefixes: dict[str, str] | None, base_iri: str | None):
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


def with_prologue(query: str, prefixes: dict[str, str], base_iri: str | None) -> tuple[str, int]:
    """The query with the prefixes it uses but does not declare, on one line before it."""
    code = _STRIPPED.sub(" ", query)
    declared = set(_DECLARED.findall(code))
    used = {name for name in _USED.findall(code) if name} - declared
    parts = [f"BASE <{base_iri}>"] if base_iri else []
    parts += [f"PREFIX {name}: <{prefixes[name]}>" for name in sorted(used) if name in prefixes]
    if not parts:
        return query, 0
    return " ".join(parts) + "\n" + query, 1


def declares_dataset(query: str) -> bool:
    return bool(_FROM.search(_STRIPPED.sub(" ", query)))


def as_embedded(body: bytes, separators: dict[str, str], concatenated: frozenset[str] = frozenset(),
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


def order_of(query: str) -> tuple[tuple[str, bool], ...]:
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


def concatenated_variables(query: str) -> frozenset[str]:
    """The variables a query binds to a GROUP_CONCAT."""
    return frozenset(_CONCATENATED.findall(_STRIPPED.sub(lambda m: m.group(0) if m.group(0).startswith(("'", '"')) else " ", query)))


_SEPARATOR = re.compile(r"""(separator\s*=\s*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')""", re.IGNORECASE)


def ascii_separators(text: str) -> tuple[str, dict[str, str]]:
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


def refusal(label: str, answer: HttpAnswer, added_lines: int) -> str:
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

