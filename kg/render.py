"""Render query results: table, CSV, TSV, SPARQL JSON, JSON records, Markdown, Turtle."""

from __future__ import annotations

import csv
import io
import json
import unicodedata

import pyoxigraph as ox

from .query import QueryResult

FORMATS = ("table", "csv", "tsv", "json", "sparql-json", "records", "md", "ttl")
XSD = "http://www.w3.org/2001/XMLSchema#"
RESULT_SET = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")}


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


def _plain(term):
    """A JSON value for a term: IRIs as full IRIs, numbers and booleans as JSON ones."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    datatype = term.datatype.value
    try:
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype in _NUMERIC:
            number = float(term.value)
            return int(number) if datatype.endswith(("integer", "long", "int", "Integer")) else number
    except ValueError:
        pass
    return term.value


def as_records(result: QueryResult) -> str:
    """Rows as a JSON array of objects (unbound variables left out), the shape scripts want."""
    if result.form == "ask":
        return json.dumps(result.boolean)
    records = [{v: _plain(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps(records, ensure_ascii=False, indent=1)


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def as_markdown(result: QueryResult, prefixes: dict[str, str]) -> str:
    if result.form == "ask":
        return "true" if result.boolean else "false"
    out = ["| " + " | ".join(result.variables) + " |", "|" + "|".join("---" for _ in result.variables) + "|"]
    out += ["| " + " | ".join(_md_cell(compact(t, prefixes)) for t in row) + " |" for row in result.rows]
    return "\n".join(out)


def as_turtle(result: QueryResult, prefixes: dict[str, str]) -> str:
    """Graph results as Turtle; SELECT and ASK results in the W3C result-set vocabulary
    (as Jena's arq writes them), so every answer can be kept as RDF."""
    triples = result.triples if result.form == "graph" else _result_set_triples(result)
    used = {**prefixes, "rs": RESULT_SET}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")


def _result_set_triples(result: QueryResult) -> list[ox.Triple]:
    rs = lambda local: ox.NamedNode(RESULT_SET + local)  # noqa: E731
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    root = ox.BlankNode()
    triples = [ox.Triple(root, rdf_type, rs("ResultSet"))]
    if result.form == "ask":
        triples.append(ox.Triple(root, rs("boolean"), ox.Literal(str(bool(result.boolean)).lower(),
                                                                 datatype=ox.NamedNode(XSD + "boolean"))))
        return triples
    triples += [ox.Triple(root, rs("resultVariable"), ox.Literal(v)) for v in result.variables]
    for index, row in enumerate(result.rows, start=1):
        solution = ox.BlankNode()
        triples += [ox.Triple(root, rs("solution"), solution),
                    ox.Triple(solution, rs("index"), ox.Literal(str(index), datatype=ox.NamedNode(XSD + "integer")))]
        for variable, term in zip(result.variables, row):
            if term is None:
                continue
            binding = ox.BlankNode()
            triples += [ox.Triple(solution, rs("binding"), binding),
                        ox.Triple(binding, rs("variable"), ox.Literal(variable)),
                        ox.Triple(binding, rs("value"), term)]
    return triples


def render(result: QueryResult, fmt: str, prefixes: dict[str, str]) -> str:
    if fmt == "ttl":
        return as_turtle(result, prefixes)
    if result.form == "graph" and fmt in ("json", "sparql-json", "records"):
        return ox.serialize(result.triples, format=ox.RdfFormat.JSON_LD).decode("utf-8")
    if result.form == "graph" and fmt != "table":
        return as_ntriples(result)
    if fmt == "table":
        return as_table(result, prefixes)
    if fmt == "csv":
        return as_delimited(result, ",")
    if fmt == "tsv":
        return as_delimited(result, "\t")
    if fmt in ("json", "sparql-json"):
        return as_json(result)
    if fmt == "records":
        return as_records(result)
    if fmt == "md":
        return as_markdown(result, prefixes)
    raise ValueError(f"unknown format {fmt!r}")
