"""Assemble the RDF dataset: ontology, curated reference data, and one named graph per document.

Every asserted data triple gets an evidence node (a reified statement) in the same graph:
the document, sentence, raw character offsets and rule for extracted facts, and the
curated file for reference data.

The text comes in two parts: the *core* (the facts themselves, the ontology, document
metadata) and the *evidence* descriptions, nine in ten quads. Reasoning and most shapes need
only the core, so the build keeps just the core in its in-memory working store; the evidence
goes straight to the persistent store and the dumps, counted on the way (EvidenceTally).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
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


# N-Triples escapes, exactly as pyoxigraph writes them, so a term's text is the same either way.
_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", ord('"'): '\\"', ord("\\"): "\\\\"}


def iri_text(value: str) -> str:
    return f"<{value}>"


def canonical_decimal(value: str) -> str:
    """An xsd:decimal as stores write it back (XSD 1.1 canonical form: 4.0 is 4, 12.50 is 12.5)."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value  # not a decimal: left for validation to report
    return format(number.normalize(), "f") if number.is_finite() else value


def literal_text(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax (language tags lower-cased, xsd:string left implicit).

    Decimals are written in canonical form, as the store keeps them, so the dumps made from
    this text and the store hold the same terms.
    """
    if datatype == XSD + "decimal":
        value = canonical_decimal(value)
    quoted = '"' + value.translate(_ESCAPES) + '"'
    if lang:
        return f"{quoted}@{lang.lower()}"
    if datatype and datatype != XSD + "string":
        return f"{quoted}^^<{datatype}>"
    return quoted


def term_text(term: Term) -> str:
    return iri_text(term.value) if term.is_iri else literal_text(term.value, term.lang, term.datatype)


@dataclass
class EvidenceTally:
    """What the evidence descriptions add to the dataset, counted as they are written."""

    quads: Counter = field(default_factory=Counter)  # graph (N-Triples text) -> evidence quads in it
    nodes: int = 0
    predicates: set[str] = field(default_factory=set)  # as N-Triples text

    def add(self, other: "EvidenceTally") -> None:
        self.quads.update(other.quads)
        self.nodes += other.nodes
        self.predicates |= other.predicates

    @property
    def total(self) -> int:
        return sum(self.quads.values())


@dataclass(frozen=True)
class DatasetText:
    """A piece of the dataset as N-Quads: the core, the evidence descriptions, and their tally."""

    core: bytes
    evidence: bytes
    tally: EvidenceTally

    @property
    def nquads(self) -> bytes:
        return self.core + self.evidence


class DatasetWriter:
    """Writes triples, with or without evidence, to named graphs as N-Quads text.

    Terms are N-Triples text: building the text is cheaper than building term objects, and
    text is what crosses from a worker process and what the stores and dumps read.
    """

    def __init__(self, ns: Namespaces) -> None:
        self.ns = ns
        self._core: list[str] = []
        self._evidence: list[str] = []
        self.tally = EvidenceTally()
        self.kgo = lambda local: iri_text(ns.kgo(local))
        self.rdf_type, self.rdf_subject = iri_text(RDF + "type"), iri_text(RDF + "subject")
        self.rdf_predicate, self.rdf_object = iri_text(RDF + "predicate"), iri_text(RDF + "object")
        self.evidence_type = self.kgo("Evidence")
        self.tally.predicates |= {self.rdf_type, self.rdf_subject, self.rdf_predicate, self.rdf_object}

    def quad(self, s: str, p: str, o: str, graph: str) -> None:
        self._core.append(f"{s} {p} {o} {graph} .\n")

    def evidence_node(self, scope: str, s: str, p: str, o: str, key: str) -> str:
        digest = hashlib.sha1(f"{s}|{p}|{o}|{key}".encode()).hexdigest()[:16]
        return iri_text(self.ns.evidence(scope, digest))

    def reified(self, s: str, p: str, o: str, graph: str, scope: str, key: str, extra: list[tuple[str, str]]) -> None:
        """Assert s p o in graph and describe the evidence for it."""
        ev = self.evidence_node(scope, s, p, o, key)
        tail = f" {graph} .\n"
        self._core.append(f"{s} {p} {o}{tail}")
        lines = [f"{ev} {self.rdf_type} {self.evidence_type}{tail}",
                 f"{ev} {self.rdf_subject} {s}{tail}", f"{ev} {self.rdf_predicate} {p}{tail}",
                 f"{ev} {self.rdf_object} {o}{tail}"]
        lines += [f"{ev} {predicate} {value}{tail}" for predicate, value in extra]
        self._evidence += lines
        self.tally.quads[graph] += len(lines)
        self.tally.nodes += 1
        self.tally.predicates.update(predicate for predicate, _ in extra)

    def text(self) -> DatasetText:
        """Everything written so far."""
        text = DatasetText("".join(self._core).encode("utf-8"), "".join(self._evidence).encode("utf-8"), self.tally)
        self._core, self._evidence, self.tally = [], [], EvidenceTally()
        return text


def _integer(value: int) -> str:
    return f'"{value}"^^<{XSD}integer>'


def add_curated(writer: DatasetWriter, parts: DatasetParts) -> None:
    """The ontology as is; reference data with one curation evidence node per triple."""
    ns = writer.ns
    ontology_graph = iri_text(ns.ontology_graph)
    for triple in ox.parse(ns.rebase(parts.ontology_file.read_text(encoding="utf-8")), format=ox.RdfFormat.TURTLE):
        writer.quad(str(triple.subject), str(triple.predicate), str(triple.object), ontology_graph)

    reference_graph = iri_text(ns.reference_graph)
    source = iri_text(ns.document(REFERENCE_DOC_ID))
    digest = hashlib.sha256()
    rule = literal_text("curation:reference")
    derived_from = iri_text(PROV + "wasDerivedFrom")
    for path in parts.reference_files:
        text = path.read_text(encoding="utf-8")
        digest.update(text.encode("utf-8"))
        curated = [(writer.kgo("rule"), rule), (writer.kgo("document"), source), (derived_from, source),
                   (writer.kgo("curationFile"), literal_text(f"ontology/{path.name}"))]
        for triple in ox.parse(ns.rebase(text), format=ox.RdfFormat.TURTLE):
            writer.reified(str(triple.subject), str(triple.predicate), str(triple.object), reference_graph,
                           REFERENCE_DOC_ID, "curated", curated)
    for predicate, value in (
        (writer.rdf_type, writer.kgo("SourceDocument")),
        (iri_text(DCTERMS + "title"), literal_text("Kaifang KG curated reference data", lang="en")),
        (iri_text(DCTERMS + "title"), literal_text("开放知识图谱人工整理参考数据", lang="zh")),
        (writer.kgo("sha256"), literal_text(digest.hexdigest())),
    ):
        writer.reified(source, predicate, value, reference_graph, REFERENCE_DOC_ID, "metadata",
                       [(writer.kgo("rule"), rule), (writer.kgo("document"), source)])


def add_document(writer: DatasetWriter, document: SourceDocument, extraction: Extraction) -> None:
    ns = writer.ns
    meta = document.meta
    graph = iri_text(ns.graph(meta.doc_id))
    doc = iri_text(ns.document(meta.doc_id))
    metadata_rule = literal_text("metadata:inferred" if meta.inferred else "curation:manifest")
    title, creator = iri_text(DCTERMS + "title"), iri_text(DCTERMS + "creator")
    metadata: list[tuple[str, str]] = [
        (writer.rdf_type, writer.kgo("SourceDocument")),
        (title, literal_text(meta.title_zh, lang="zh")),
        (writer.kgo("sourceFile"), literal_text(meta.file_name)),
        (writer.kgo("sha256"), literal_text(document.sha256)),
    ]
    if meta.title_en:
        metadata.append((title, literal_text(meta.title_en, lang="en")))
    if meta.issuer:
        metadata.append((creator, literal_text(meta.issuer, lang="zh")))
    for author in meta.authors:
        metadata.append((creator, literal_text(author, lang="zh")))
    if meta.date:
        metadata.append((iri_text(DCTERMS + "issued"), literal_text(meta.date, datatype=XSD + "date")))
    if meta.genre:
        metadata.append((writer.kgo("genre"), writer.kgo(GENRE_CONCEPTS[meta.genre])))
    for predicate, value in metadata:
        writer.reified(doc, predicate, value, graph, meta.doc_id, "metadata",
                       [(writer.kgo("rule"), metadata_rule), (writer.kgo("document"), doc)])

    k = writer.kgo
    rule_p, document_p, derived_p = k("rule"), k("document"), iri_text(PROV + "wasDerivedFrom")
    start_p, end_p, surface_p = k("startOffset"), k("endOffset"), k("surfaceForm")
    sentence_p, sentence_start_p, sentence_end_p = k("sentence"), k("sentenceStart"), k("sentenceEnd")
    sentences: dict[tuple, tuple[str, str, str]] = {}  # a sentence is written once, however many facts it has
    for fact in extraction.facts:
        ev = fact.evidence
        key = (ev.sentence.raw_start, ev.sentence.raw_end, ev.sentence.text)
        sentence = sentences.get(key)
        if sentence is None:
            sentence = sentences[key] = (literal_text(ev.sentence.text), _integer(ev.sentence.raw_start),
                                         _integer(ev.sentence.raw_end))
        writer.reified(iri_text(fact.subject), iri_text(fact.predicate), term_text(fact.obj), graph, meta.doc_id,
                       f"{ev.start}:{ev.end}:{ev.rule}", [
                           (rule_p, literal_text(ev.rule)),
                           (document_p, doc),
                           (derived_p, doc),
                           (start_p, _integer(ev.start)),
                           (end_p, _integer(ev.end)),
                           (surface_p, literal_text(ev.surface)),
                           (sentence_p, sentence[0]),
                           (sentence_start_p, sentence[1]),
                           (sentence_end_p, sentence[2]),
                       ])


def curated_text(parts: DatasetParts, ns: Namespaces) -> DatasetText:
    """The ontology and the curated reference data, with their evidence."""
    writer = DatasetWriter(ns)
    add_curated(writer, parts)
    return writer.text()


def document_text(document: SourceDocument, extraction: Extraction, ns: Namespaces) -> DatasetText:
    """One document's named graph: its facts and their evidence."""
    writer = DatasetWriter(ns)
    add_document(writer, document, extraction)
    return writer.text()


def add_nquads(store: ox.Store, text: bytes) -> None:
    store.load(text, format=ox.RdfFormat.N_QUADS)


def store_of(nquads: bytes | Path) -> ox.Store:
    """A new in-memory store of N-Quads text or of a file of them."""
    store = ox.Store()
    if isinstance(nquads, Path):
        store.load(path=nquads, format=ox.RdfFormat.N_QUADS)
    else:
        add_nquads(store, nquads)
    return store


def assemble(documents: list[SourceDocument], extractions: list[Extraction],
             parts: DatasetParts, ns: Namespaces) -> ox.Store:
    """The whole asserted dataset, evidence included (no inferences yet), in an in-memory store."""
    store = store_of(curated_text(parts, ns).nquads)
    for document, extraction in zip(documents, extractions, strict=True):
        add_nquads(store, document_text(document, extraction, ns).nquads)
    return store
