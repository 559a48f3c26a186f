"""Run SPARQL over the store, read-only, with the project's prefixes predeclared."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces

_UPDATE = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"^\s*#.*$", re.MULTILINE)


@dataclass
class QueryResult:
    """A query's answer: rows for SELECT, a boolean for ASK, triples for CONSTRUCT/DESCRIBE."""

    form: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[object]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: list[ox.Triple] = field(default_factory=list)
    truncated: bool = False
    seconds: float = 0.0


def is_update(query: str) -> bool:
    return bool(_UPDATE.match(_COMMENT.sub("", query)))


def run_query(store: ox.Store, query: str, ns: Namespaces, *, limit: int | None = None,
              substitutions: dict[str, object] | None = None) -> QueryResult:
    """Execute over the union of all graphs; an update is refused before it reaches the store."""
    if is_update(query):
        raise UserError("SPARQL updates are refused: the store is read-only (use 'kg build' to change it)")
    started = time.perf_counter()
    try:
        answer = store.query(
            query, prefixes=ns.prefixes(), use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in (substitutions or {}).items()} or None,
        )
    except SyntaxError as exc:
        raise UserError(f"SPARQL syntax error: {_position(exc)}") from exc
    except OSError as exc:
        raise UserError(f"query failed: {exc}") from exc
    result = _collect(answer, limit)
    result.seconds = time.perf_counter() - started
    return result


def _position(exc: SyntaxError) -> str:
    message = str(exc)
    match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if match:
        return f"line {match.group(1)}, column {match.group(2)}: {match.group(3).strip()}"
    return message


def _collect(answer, limit: int | None) -> QueryResult:
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        rows: list[list[object]] = []
        truncated = False
        for solution in answer:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        return QueryResult("select", variables=variables, rows=rows, truncated=truncated)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in answer:
        if limit is not None and len(triples) >= limit:
            truncated = True
            break
        triples.append(triple)
    return QueryResult("graph", triples=triples, truncated=truncated)
