"""Deterministic RDF serialisation: the same quads always give the same bytes.

pyoxigraph writes triples in the order given but its ``@prefix`` header in hash order, so
the header is sorted here; blank nodes get canonical labels (RDFC-1.0) before sorting;
gzip files carry no timestamp or file name.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

TURTLE_MEDIA = "text/turtle"


def canonical_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Quads sorted by graph, subject, predicate, object, with blank nodes labelled canonically."""
    quads = list(quads)
    if any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
           or isinstance(q.graph_name, ox.BlankNode) for q in quads):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    return sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def union(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    return sorted_triples(q.triple for q in quads)


def _sort_prefix_header(text: str) -> str:
    lines = text.split("\n")
    header_end = 0
    while header_end < len(lines) and lines[header_end].startswith(("@prefix ", "@base ")):
        header_end += 1
    return "\n".join(sorted(lines[:header_end]) + lines[header_end:])


def _used_prefixes(data: list, prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes whose namespace occurs, so small files do not carry thirty headers."""
    iris: set[str] = set()
    for item in data:
        terms = (item.subject, item.predicate, item.object) + ((item.graph_name,) if isinstance(item, ox.Quad) else ())
        for term in terms:
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}


def turtle(triples: list[ox.Triple], prefixes: dict[str, str], *, header: str = "") -> bytes:
    """Turtle with a sorted prefix header; ``triples`` must already be in their final order."""
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=_used_prefixes(triples, prefixes)).decode("utf-8")
    return (header + _sort_prefix_header(text)).encode("utf-8")


def trig(quads: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    text = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=_used_prefixes(quads, prefixes)).decode("utf-8")
    return _sort_prefix_header(text).encode("utf-8")


def ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def nquads(quads: list[ox.Quad]) -> bytes:
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and a zero timestamp, so equal data gives equal files."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as out:
        out.write(data)
    return buffer.getvalue()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bytes(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
