"""The release's view of the dataset: indexes over the quads that pages and metadata share.

Built once per publish from the canonical quad list; every lookup the site and the DCAT
description need (labels, types, facts with their graphs, evidence of a fact) is a dict hit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import STANDARD_PREFIXES, Namespaces

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
SKOS = STANDARD_PREFIXES["skos"]
OWL = STANDARD_PREFIXES["owl"]
DCTERMS = STANDARD_PREFIXES["dcterms"]
RDF_TYPE = ox.NamedNode(RDF + "type")
RDFS_LABEL = ox.NamedNode(RDFS + "label")
SKOS_PREF = ox.NamedNode(SKOS + "prefLabel")


@dataclass(frozen=True)
class Evidence:
    """Where one fact came from: a sentence of a document, or a curated file."""

    iri: str
    rule: str
    document: str | None = None
    sentence: str | None = None
    surface: str | None = None
    start: int | None = None
    end: int | None = None
    curation_file: str | None = None


@dataclass(frozen=True)
class Fact:
    """One triple about a resource, the graphs that hold it and its evidence."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    graphs: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()

    def inferred_only(self, inferred_graph: str) -> bool:
        return self.graphs == (inferred_graph,)


@dataclass
class ReleaseGraph:
    """Indexes over the quads of one release."""

    ns: Namespaces
    quads: list[ox.Quad]
    graphs_of: dict[ox.Triple, set[str]] = field(default_factory=lambda: defaultdict(set))
    outgoing: dict[object, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))
    incoming: dict[object, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))
    evidence_of: dict[ox.Triple, list[Evidence]] = field(default_factory=lambda: defaultdict(list))
    evidence_triples: dict[str, list[ox.Triple]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, quads: list[ox.Quad], ns: Namespaces) -> "ReleaseGraph":
        graph = cls(ns, quads)
        evidence_nodes: dict[ox.NamedNode, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        evidence_prefix = ns.base + "evidence/"
        for q in quads:
            triple = q.triple
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(evidence_prefix):
                evidence_nodes[q.subject][q.predicate.value].append(q.object)
                graph.evidence_triples[q.subject.value].append(triple)
                continue
            graph_name = q.graph_name.value if isinstance(q.graph_name, (ox.NamedNode, ox.BlankNode)) else ""
            if triple not in graph.graphs_of:
                graph.outgoing[q.subject].append(triple)
                if not isinstance(q.object, ox.Literal):
                    graph.incoming[q.object].append(triple)
            graph.graphs_of[triple].add(graph_name)
        for iri, props in sorted(evidence_nodes.items(), key=lambda kv: kv[0].value):
            graph._add_evidence(iri, props)
        return graph

    def _add_evidence(self, iri: ox.NamedNode, props: dict[str, list]) -> None:
        kgo = self.ns.ontology

        def first(key: str):
            values = props.get(key)
            return values[0].value if values else None

        def number(key: str) -> int | None:
            value = first(kgo + key)
            return int(value) if value is not None else None

        subject, predicate, obj = (props.get(RDF + k, [None])[0] for k in ("subject", "predicate", "object"))
        if subject is None or predicate is None or obj is None:
            return
        evidence = Evidence(
            iri=iri.value, rule=first(kgo + "rule") or "", document=first(kgo + "document"),
            sentence=first(kgo + "sentence"), surface=first(kgo + "surfaceForm"),
            start=number("startOffset"), end=number("endOffset"), curation_file=first(kgo + "curationFile"))
        self.evidence_of[ox.Triple(subject, predicate, obj)].append(evidence)

    # -- lookups ---------------------------------------------------------------------------

    def values(self, subject, predicate: str) -> list:
        return [t.object for t in self.outgoing.get(subject, ()) if t.predicate.value == predicate]

    def label(self, term, lang: str) -> str | None:
        """The rdfs:label (else skos:prefLabel) in a language."""
        for predicate in (RDFS_LABEL, SKOS_PREF):
            for t in self.outgoing.get(term, ()):
                if t.predicate == predicate and isinstance(t.object, ox.Literal) and t.object.language == lang:
                    return t.object.value
        return None

    def name(self, term, lang: str) -> str | None:
        """A label, else a title (documents have dcterms:title rather than rdfs:label)."""
        label = self.label(term, lang)
        if label:
            return label
        for t in self.outgoing.get(term, ()):
            if (t.predicate.value == DCTERMS + "title" and isinstance(t.object, ox.Literal)
                    and t.object.language == lang):
                return t.object.value
        return None

    def any_label(self, term) -> str:
        return self.name(term, "zh") or self.name(term, "en") or local_name(term.value)

    def types(self, term) -> list[ox.NamedNode]:
        return [t.object for t in self.outgoing.get(term, ()) if t.predicate == RDF_TYPE]

    def fact(self, triple: ox.Triple) -> Fact:
        return Fact(triple.subject, triple.predicate, triple.object, tuple(sorted(self.graphs_of[triple])),
                    tuple(self.evidence_of.get(triple, ())))

    def is_resource(self, term) -> bool:
        """A thing with a page: a minted entity or a source document."""
        return isinstance(term, ox.NamedNode) and term.value.startswith((self.ns.base + "id/", self.ns.base + "doc/"))

    def resources(self) -> list[ox.NamedNode]:
        return sorted((s for s in self.outgoing if self.is_resource(s)), key=lambda n: n.value)

    def instances(self) -> dict[str, list[ox.NamedNode]]:
        """Resources by class IRI (asserted and inferred types)."""
        by_class: dict[str, list[ox.NamedNode]] = defaultdict(list)
        for resource in self.resources():
            for cls in self.types(resource):
                by_class[cls.value].append(resource)
        return dict(sorted(by_class.items()))


def local_name(iri: str) -> str:
    for sep in ("#", "/"):
        if sep in iri.rstrip(sep):
            return iri.rstrip(sep).rsplit(sep, 1)[1]
    return iri
