"""A VoID description of the build: sizes, partitions by graph, links to the dumps."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .assemble import EvidenceTally
from .namespaces import Namespaces

_PROPERTIES = "SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }"
_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), {base})) }}"
_CLASSES = "SELECT DISTINCT ?c WHERE { GRAPH ?g { ?s a ?c } }"
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _number(store: ox.Store, query: str, var: str) -> int:
    return int(next(iter(store.query(query)))[var].value)


def write_void(store: ox.Store, evidence: EvidenceTally, folder: Path, ns: Namespaces, dumps: list[str]) -> Path:
    """Describe the dataset: ``store`` holds its core, ``evidence`` counts the evidence descriptions
    (kept out of the store; their nodes are subjects nowhere else, typed kgo:Evidence)."""
    dataset = ox.NamedNode(ns.base + "dataset")
    void = "http://rdfs.org/ns/void#"
    dcterms = "http://purl.org/dc/terms/"
    xsd_integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    integer = lambda n: ox.Literal(str(n), datatype=xsd_integer)  # noqa: E731
    v = lambda local: ox.NamedNode(void + local)  # noqa: E731
    per_graph = {row["g"].value: int(row["n"].value) for row in store.query(_GRAPHS)}
    for graph, quads in evidence.quads.items():
        name = graph[1:-1]  # N-Triples text <…>
        per_graph[name] = per_graph.get(name, 0) + quads
    properties = {str(row["p"]) for row in store.query(_PROPERTIES)} | evidence.predicates
    classes = {str(row["c"]) for row in store.query(_CLASSES)} | ({f"<{ns.kgo('Evidence')}>"} if evidence.nodes else set())
    triples = [
        ox.Triple(dataset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), v("Dataset")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "title"), ox.Literal("Kaifang KG", language="en")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "title"), ox.Literal("开放平台知识图谱", language="zh")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "license"),
                  ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(ns.base + "id/")),
        ox.Triple(dataset, v("triples"), integer(sum(per_graph.values()))),
        ox.Triple(dataset, v("distinctSubjects"), integer(_number(store, _SUBJECTS, "n") + evidence.nodes)),
        ox.Triple(dataset, v("properties"), integer(len(properties))),
        ox.Triple(dataset, v("classes"), integer(len(classes))),
        ox.Triple(dataset, v("entities"),
                  integer(_number(store, _ENTITIES.format(base=ox.Literal(ns.base + "id/")), "n"))),
        ox.Triple(dataset, v("vocabulary"), ox.NamedNode(ns.base + "ontology")),
    ]
    for dump in dumps:
        triples.append(ox.Triple(dataset, v("dataDump"), ox.NamedNode(f"{ns.base}release/{dump}")))
    for graph, count in sorted(per_graph.items()):
        subset = ox.NamedNode(graph)
        triples += [
            ox.Triple(dataset, v("subset"), subset),
            ox.Triple(subset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), v("Dataset")),
            ox.Triple(subset, v("triples"), integer(count)),
        ]
    path = folder / "void.ttl"
    ox.serialize(sorted(triples, key=str), str(path), ox.RdfFormat.TURTLE,
                 prefixes={"void": void, "dcterms": dcterms, "graph": ns.base + "graph/"})
    return path
