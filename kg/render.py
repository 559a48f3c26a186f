"""Render query results as a table, CSV, TSV or SPARQL JSON."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pyoxigraph as ox

from .query import QueryResult

FORMATS = ("table", "csv", "tsv", "json")


def compact(term, prefixes: dict[str, str]) -> str:
    """A short, readable form of a term: prefixed name, or the literal's lexical value."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
            if term.value.startswith(iri):
                local = term.value[len(iri):]
                if local and all(c.isalnum() or c in "-_." for c in local):
                    return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def as_table(result: QueryResult, prefixes: dict[str, str]) -> str:
    if result.form == "ask":
        return "true" if result.boolean else "false"
    if result.form == "graph":
        return as_ntriples(result)
    cells = [[compact(t, prefixes) for t in row] for row in result.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    line = "-+-".join("-" * w for w in widths)
    out = [" | ".join(_pad(v, w) for v, w in zip(result.variables, widths)), line]
    out += [" | ".join(_pad(c, w) for c, w in zip(row, widths)) for row in cells]
    return "\n".join(out)


def _csv_value(term) -> str:
    if term is None:
        return ""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else str(term)


def as_delimited(result: QueryResult, delimiter: str) -> str:
    buffer = io.StringIO()
    if result.form == "ask":
        return "true\n" if result.boolean else "false\n"
    if delimiter == "\t":  # SPARQL TSV: variables with '?', terms in N-Triples syntax
        buffer.write("\t".join(f"?{v}" for v in result.variables) + "\n")
        for row in result.rows:
            buffer.write("\t".join("" if t is None else str(t) for t in row) + "\n")
        return buffer.getvalue()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    value = {"type": "literal", "value": term.value}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        value["datatype"] = term.datatype.value
    return value


def as_json(result: QueryResult) -> str:
    if result.form == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def as_ntriples(result: QueryResult) -> str:
    return ox.serialize(result.triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


def render(result: QueryResult, fmt: str, prefixes: dict[str, str]) -> str:
    if result.form == "graph" and fmt != "table":
        return as_ntriples(result)
    if fmt == "table":
        return as_table(result, prefixes)
    if fmt == "csv":
        return as_delimited(result, ",")
    if fmt == "tsv":
        return as_delimited(result, "\t")
    if fmt == "json":
        return as_json(result)
    raise ValueError(f"unknown format {fmt!r}")
