"""What is in a build, in numbers: graphs, documents, entities by class, facts, inferences, rules."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import Namespaces

_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class } FILTER(?g != graph:inferred && STRSTARTS(STR(?s), STR(kgr:)))
} GROUP BY ?class ORDER BY DESC(?n) ?class"""
_COUNTS = {
    "entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(STRSTARTS(STR(?s), STR(kgr:))) }",
    "machine-extracted entities": "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s kgo:machineExtracted true }",
    "documents": "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a kgo:SourceDocument }",
    "evidence nodes": "SELECT (COUNT(*) AS ?n) WHERE { ?e a kgo:Evidence }",
    "extracted facts": """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
        ?e a kgo:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kgo:sentence ?x } }""",
    "curated facts": """SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE {
        ?e a kgo:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kgo:rule "curation:reference" } }""",
    "inferred facts": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH graph:inferred { ?s ?p ?o } }",
}
_RULES = """
SELECT ?rule (COUNT(*) AS ?n) WHERE { ?e a kgo:Evidence ; kgo:rule ?rule }
GROUP BY ?rule ORDER BY DESC(?n) ?rule"""


@dataclass
class Stats:
    quads: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    graphs: list[tuple[str, int]] = field(default_factory=list)
    classes: list[tuple[str, int]] = field(default_factory=list)
    rules: list[tuple[str, int]] = field(default_factory=list)


def collect(store: ox.Store, ns: Namespaces) -> Stats:
    prefixes = ns.prefixes()

    def rows(query: str, union: bool = True):
        return store.query(query, prefixes=prefixes, use_default_graph_as_union=union)

    stats = Stats(quads=len(store))
    stats.counts = {name: int(next(iter(rows(q)))["n"].value) for name, q in _COUNTS.items()}
    stats.graphs = [(r["g"].value, int(r["n"].value)) for r in rows(_GRAPHS, union=False)]
    stats.classes = [(r["class"].value, int(r["n"].value)) for r in rows(_CLASSES, union=False)]
    stats.rules = [(r["rule"].value, int(r["n"].value)) for r in rows(_RULES)]
    return stats


def render_text(stats: Stats, prefixes: dict[str, str], *, top: int = 25) -> str:
    from .render import _pad, compact

    def short(iri: str) -> str:
        return compact(ox.NamedNode(iri), prefixes)

    def line(name: str, n: int, indent: str = "  ", width: int = 52) -> str:
        return f"{indent}{_pad(name, width)}{n:>8}"

    lines = [line("quads", stats.quads, "", 54)]
    lines += [line(name, n, "", 54) for name, n in stats.counts.items()]
    lines += ["", "named graphs"] + [line(short(g), n) for g, n in stats.graphs]
    lines += ["", "entities by class (asserted)"] + [line(short(c), n) for c, n in stats.classes[:top]]
    if len(stats.classes) > top:
        lines.append(f"  … {len(stats.classes) - top} more classes")
    lines += ["", "evidence by rule"] + [line(r, n) for r, n in stats.rules[:top]]
    if len(stats.rules) > top:
        lines.append(f"  … {len(stats.rules) - top} more rules")
    return "\n".join(lines)


def as_dict(stats: Stats) -> dict:
    return {"quads": stats.quads, **stats.counts, "graphs": dict(stats.graphs),
            "classes": dict(stats.classes), "rules": dict(stats.rules)}
