"""Compacted JSON-LD: an ``@context`` of the project's prefixes, compact IRIs, Chinese unescaped.

pyoxigraph writes expanded JSON-LD only; compaction here is a direct, deterministic mapping
(no JSON-LD processor needed): every IRI with a known namespace becomes ``prefix:local``,
``rdf:type`` becomes ``@type``, plain strings become JSON strings, one value is not an array.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MEDIA_TYPE = "application/ld+json"


class Compactor:
    """Turns IRIs into compact IRIs with the longest matching prefix."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = dict(sorted(prefixes.items()))
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self.used: set[str] = set()
        self._cache: dict[str, tuple[str, str | None]] = {}

    def iri(self, iri: str) -> str:
        cached = self._cache.get(iri)
        if cached is None:
            cached = self._cache[iri] = self._compact(iri)
        compact, prefix = cached
        if prefix:
            self.used.add(prefix)
        return compact

    def _compact(self, iri: str) -> tuple[str, str | None]:
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace):
                local = iri[len(namespace):]
                if local and not local.startswith("//"):
                    return f"{prefix}:{local}", prefix
        return iri, None

    def context(self) -> dict[str, str]:
        return {p: ns for p, ns in self.prefixes.items() if p in self.used}


def _node_id(term, compactor: Compactor) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return compactor.iri(term.value)


def _value(term, compactor: Compactor):
    if isinstance(term, (ox.NamedNode, ox.BlankNode)):
        return {"@id": _node_id(term, compactor)}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compactor.iri(term.datatype.value)}


def _single(values: list):
    return values[0] if len(values) == 1 else values


def node_objects(triples: Iterable[ox.Triple], compactor: Compactor) -> list[dict]:
    """One node object per subject, in subject order; keys and values in a fixed order."""
    nodes: dict[str, dict[str, list]] = {}
    for t in triples:
        node = nodes.setdefault(_node_id(t.subject, compactor), {})
        if t.predicate.value == RDF_TYPE:
            node.setdefault("@type", []).append(_node_id(t.object, compactor))
        else:
            node.setdefault(compactor.iri(t.predicate.value), []).append(_value(t.object, compactor))
    objects = []
    for node_id in sorted(nodes):
        properties = nodes[node_id]
        obj: dict = {"@id": node_id}
        if "@type" in properties:
            obj["@type"] = _single(sorted(properties.pop("@type")))
        for key in sorted(properties):
            obj[key] = _single(properties[key])
        objects.append(obj)
    return objects


def _dump(document: dict) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def triples_document(triples: list[ox.Triple], prefixes: dict[str, str]) -> bytes:
    """A default-graph document: ``{"@context": …, "@graph": [nodes]}``."""
    compactor = Compactor(prefixes)
    nodes = node_objects(triples, compactor)
    return _dump({"@context": compactor.context(), "@graph": nodes})


def dataset_document(quads: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """A dataset: one top-level object per named graph, holding that graph's nodes."""
    compactor = Compactor(prefixes)
    by_graph: dict[str, list[ox.Triple]] = {}
    default: list[ox.Triple] = []
    for q in quads:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.append(q.triple)
        else:
            by_graph.setdefault(_node_id(q.graph_name, compactor), []).append(q.triple)
    graph = node_objects(default, compactor)
    graph += [{"@id": name, "@graph": node_objects(triples, compactor)} for name, triples in sorted(by_graph.items())]
    return _dump({"@context": compactor.context(), "@graph": graph})
