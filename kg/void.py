"""A VoID description of the build: sizes, partitions by graph, links to the dumps."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces

_COUNTS = """
SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties)
WHERE { GRAPH ?g { ?s ?p ?o } }
"""
_ENTITIES = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), {base})) }}"
_CLASSES = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }"
_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"


def _number(store: ox.Store, query: str, var: str) -> int:
    return int(next(iter(store.query(query)))[var].value)


def write_void(store: ox.Store, folder: Path, ns: Namespaces, dumps: list[str]) -> Path:
    dataset = ox.NamedNode(ns.base + "dataset")
    void = "http://rdfs.org/ns/void#"
    dcterms = "http://purl.org/dc/terms/"
    xsd_integer = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    integer = lambda n: ox.Literal(str(n), datatype=xsd_integer)  # noqa: E731
    v = lambda local: ox.NamedNode(void + local)  # noqa: E731
    triples = [
        ox.Triple(dataset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), v("Dataset")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "title"), ox.Literal("Kaifang KG", language="en")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "title"), ox.Literal("开放平台知识图谱", language="zh")),
        ox.Triple(dataset, ox.NamedNode(dcterms + "license"),
                  ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(dataset, v("uriSpace"), ox.Literal(ns.base + "id/")),
        ox.Triple(dataset, v("triples"), integer(_number(store, _COUNTS, "triples"))),
        ox.Triple(dataset, v("distinctSubjects"), integer(_number(store, _COUNTS, "subjects"))),
        ox.Triple(dataset, v("properties"), integer(_number(store, _COUNTS, "properties"))),
        ox.Triple(dataset, v("classes"), integer(_number(store, _CLASSES, "n"))),
        ox.Triple(dataset, v("entities"),
                  integer(_number(store, _ENTITIES.format(base=ox.Literal(ns.base + "id/")), "n"))),
        ox.Triple(dataset, v("vocabulary"), ox.NamedNode(ns.base + "ontology")),
    ]
    for dump in dumps:
        triples.append(ox.Triple(dataset, v("dataDump"), ox.NamedNode(f"{ns.base}release/{dump}")))
    for solution in store.query(_GRAPHS):
        subset = ox.NamedNode(solution["g"].value)
        triples += [
            ox.Triple(dataset, v("subset"), subset),
            ox.Triple(subset, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), v("Dataset")),
            ox.Triple(subset, v("triples"), integer(int(solution["n"].value))),
        ]
    path = folder / "void.ttl"
    ox.serialize(sorted(triples, key=str), str(path), ox.RdfFormat.TURTLE,
                 prefixes={"void": void, "dcterms": dcterms, "graph": ns.base + "graph/"})
    return path
