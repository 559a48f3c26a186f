"""Assemble the RDF dataset: ontology, curated reference data, and one named graph per document.

Every asserted data triple gets an evidence node (a reified statement) in the same graph:
the document, sentence, raw character offsets and rule for extracted facts, and the
curated file for reference data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .model import Extraction, SourceDocument, Term
from .namespaces import STANDARD_PREFIXES, Namespaces

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
XSD = STANDARD_PREFIXES["xsd"]
PROV = STANDARD_PREFIXES["prov"]
DCTERMS = STANDARD_PREFIXES["dcterms"]
REFERENCE_DOC_ID = "reference-data"
GENRE_CONCEPTS = {"news": "News", "paper": "Paper", "plan": "PlanDocument",
                  "implementation-scheme": "ImplementationScheme", "notice": "Notice"}


@dataclass(frozen=True)
class DatasetParts:
    """What goes into a build besides the documents."""

    ontology_file: Path
    reference_files: tuple[Path, ...]


def to_term(term: Term) -> ox.NamedNode | ox.Literal:
    if term.is_iri:
        return ox.NamedNode(term.value)
    if term.lang:
        return ox.Literal(term.value, language=term.lang)
    if term.datatype:
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    return ox.Literal(term.value)


class DatasetWriter:
    """Adds triples, with or without evidence, to named graphs of an in-memory store."""

    def __init__(self, ns: Namespaces) -> None:
        self.ns = ns
        self.store = ox.Store()
        self._quads: list[ox.Quad] = []
        self.kgo = lambda local: ox.NamedNode(ns.kgo(local))

    def quad(self, s, p, o, graph: ox.NamedNode) -> None:
        self._quads.append(ox.Quad(s, p, o, graph))

    def evidence_node(self, scope: str, s, p, o, key: str) -> ox.NamedNode:
        digest = hashlib.sha1(f"{s}|{p}|{o}|{key}".encode()).hexdigest()[:16]
        return ox.NamedNode(self.ns.evidence(scope, digest))

    def reified(self, s, p, o, graph: ox.NamedNode, scope: str, key: str, extra: list[tuple]) -> None:
        """Assert s p o in graph and describe the evidence for it."""
        self.quad(s, p, o, graph)
        ev = self.evidence_node(scope, s, p, o, key)
        rdf = lambda local: ox.NamedNode(RDF + local)  # noqa: E731
        self.quad(ev, rdf("type"), self.kgo("Evidence"), graph)
        self.quad(ev, rdf("subject"), s, graph)
        self.quad(ev, rdf("predicate"), p, graph)
        self.quad(ev, rdf("object"), o, graph)
        for predicate, value in extra:
            self.quad(ev, predicate, value, graph)

    def flush(self) -> ox.Store:
        self.store.extend(self._quads)
        self._quads = []
        return self.store


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def add_curated(writer: DatasetWriter, parts: DatasetParts) -> None:
    """The ontology as is; reference data with one curation evidence node per triple."""
    ns = writer.ns
    ontology_graph = ox.NamedNode(ns.ontology_graph)
    for triple in ox.parse(ns.rebase(parts.ontology_file.read_text(encoding="utf-8")), format=ox.RdfFormat.TURTLE):
        writer.quad(triple.subject, triple.predicate, triple.object, ontology_graph)

    reference_graph = ox.NamedNode(ns.reference_graph)
    source = ox.NamedNode(ns.document(REFERENCE_DOC_ID))
    digest = hashlib.sha256()
    rule = ox.Literal("curation:reference")
    for path in parts.reference_files:
        text = path.read_text(encoding="utf-8")
        digest.update(text.encode("utf-8"))
        file_literal = ox.Literal(f"ontology/{path.name}")
        for triple in ox.parse(ns.rebase(text), format=ox.RdfFormat.TURTLE):
            writer.reified(triple.subject, triple.predicate, triple.object, reference_graph,
                           REFERENCE_DOC_ID, "curated",
                           [(writer.kgo("rule"), rule), (writer.kgo("document"), source),
                            (ox.NamedNode(PROV + "wasDerivedFrom"), source),
                            (writer.kgo("curationFile"), file_literal)])
    for predicate, value in (
        (ox.NamedNode(RDF + "type"), writer.kgo("SourceDocument")),
        (ox.NamedNode(DCTERMS + "title"), ox.Literal("Kaifang KG curated reference data", language="en")),
        (ox.NamedNode(DCTERMS + "title"), ox.Literal("开放知识图谱人工整理参考数据", language="zh")),
        (writer.kgo("sha256"), ox.Literal(digest.hexdigest())),
    ):
        writer.reified(source, predicate, value, reference_graph, REFERENCE_DOC_ID, "metadata",
                       [(writer.kgo("rule"), rule), (writer.kgo("document"), source)])


def add_document(writer: DatasetWriter, document: SourceDocument, extraction: Extraction) -> None:
    ns = writer.ns
    meta = document.meta
    graph = ox.NamedNode(ns.graph(meta.doc_id))
    doc = ox.NamedNode(ns.document(meta.doc_id))
    metadata_rule = ox.Literal("metadata:inferred" if meta.inferred else "curation:manifest")
    metadata: list[tuple] = [
        (ox.NamedNode(RDF + "type"), writer.kgo("SourceDocument")),
        (ox.NamedNode(DCTERMS + "title"), ox.Literal(meta.title_zh, language="zh")),
        (writer.kgo("sourceFile"), ox.Literal(meta.file_name)),
        (writer.kgo("sha256"), ox.Literal(document.sha256)),
    ]
    if meta.title_en:
        metadata.append((ox.NamedNode(DCTERMS + "title"), ox.Literal(meta.title_en, language="en")))
    if meta.issuer:
        metadata.append((ox.NamedNode(DCTERMS + "creator"), ox.Literal(meta.issuer, language="zh")))
    for author in meta.authors:
        metadata.append((ox.NamedNode(DCTERMS + "creator"), ox.Literal(author, language="zh")))
    if meta.date:
        metadata.append((ox.NamedNode(DCTERMS + "issued"), ox.Literal(meta.date, datatype=ox.NamedNode(XSD + "date"))))
    if meta.genre:
        metadata.append((writer.kgo("genre"), writer.kgo(GENRE_CONCEPTS[meta.genre])))
    for predicate, value in metadata:
        writer.reified(doc, predicate, value, graph, meta.doc_id, "metadata",
                       [(writer.kgo("rule"), metadata_rule), (writer.kgo("document"), doc)])

    for fact in extraction.facts:
        ev = fact.evidence
        s, p, o = ox.NamedNode(fact.subject), ox.NamedNode(fact.predicate), to_term(fact.obj)
        writer.reified(s, p, o, graph, meta.doc_id, f"{ev.start}:{ev.end}:{ev.rule}", [
            (writer.kgo("rule"), ox.Literal(ev.rule)),
            (writer.kgo("document"), doc),
            (ox.NamedNode(PROV + "wasDerivedFrom"), doc),
            (writer.kgo("startOffset"), _integer(ev.start)),
            (writer.kgo("endOffset"), _integer(ev.end)),
            (writer.kgo("surfaceForm"), ox.Literal(ev.surface)),
            (writer.kgo("sentence"), ox.Literal(ev.sentence.text)),
            (writer.kgo("sentenceStart"), _integer(ev.sentence.raw_start)),
            (writer.kgo("sentenceEnd"), _integer(ev.sentence.raw_end)),
        ])


def assemble(documents: list[SourceDocument], extractions: list[Extraction],
             parts: DatasetParts, ns: Namespaces) -> ox.Store:
    """The asserted dataset (no inferences yet) in an in-memory store."""
    writer = DatasetWriter(ns)
    add_curated(writer, parts)
    for document, extraction in zip(documents, extractions, strict=True):
        add_document(writer, document, extraction)
    return writer.flush()
