"""Serialise the dataset: Turtle and N-Triples of the union, TriG and JSON-LD by named graph.

Quads are sorted first so that the same inputs always give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces

DUMPS = ("kg.ttl", "kg.nt", "kg.trig", "kg.jsonld")


def sorted_quads(store: ox.Store) -> list[ox.Quad]:
    return sorted(store.quads_for_pattern(None, None, None, None), key=str)


def union_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    return sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads}, key=str)


def write_dumps(quads: list[ox.Quad], folder: Path, ns: Namespaces) -> list[Path]:
    prefixes = ns.prefixes()
    triples = union_triples(quads)
    paths = []
    for name, data, fmt in (
        ("kg.ttl", triples, ox.RdfFormat.TURTLE),
        ("kg.nt", triples, ox.RdfFormat.N_TRIPLES),
        ("kg.trig", quads, ox.RdfFormat.TRIG),
        ("kg.jsonld", quads, ox.RdfFormat.JSON_LD),
    ):
        path = folder / name
        kwargs = {"prefixes": prefixes} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else {}
        ox.serialize(data, str(path), fmt, **kwargs)
        paths.append(path)
    return paths
