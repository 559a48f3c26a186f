"""Typed values that pass between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentMeta:
    """What the manifest (or, failing that, the document itself) says about a source."""

    doc_id: str
    file_name: str
    title_zh: str
    title_en: str | None = None
    issuer: str | None = None
    date: str | None = None
    genre: str | None = None
    authors: tuple[str, ...] = ()
    inferred: bool = False


@dataclass(frozen=True)
class Sentence:
    """A sentence of the normalised text, with its span in both texts."""

    index: int
    text: str
    start: int  # offset in the normalised text
    end: int
    raw_start: int  # offset in the raw (decoded) file
    raw_end: int


@dataclass
class SourceDocument:
    """A decoded source file, its normalised text and the map back to the raw characters."""

    meta: DocumentMeta
    raw: str
    text: str
    offsets: list[int]  # offsets[i] = raw index of normalised char i; offsets[len(text)] = len(raw)
    sha256: str
    sentences: list[Sentence] = field(default_factory=list)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the raw span that produced it."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1

    def sentence_at(self, position: int) -> Sentence:
        lo, hi = 0, len(self.sentences) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            s = self.sentences[mid]
            if position < s.start:
                hi = mid - 1
            elif position >= s.end:
                lo = mid + 1
            else:
                return s
        raise ValueError(f"offset {position} is in no sentence of {self.meta.file_name}")


@dataclass(frozen=True)
class Evidence:
    """Where a fact comes from: a span of a document and the rule that read it."""

    doc_id: str
    rule: str
    start: int  # raw offsets of the supporting span
    end: int
    sentence: Sentence
    surface: str  # raw[start:end]


@dataclass(frozen=True)
class Entity:
    """A thing the graph talks about."""

    iri: str
    types: tuple[str, ...]  # kgo local names
    label_zh: str
    curated: bool  # from reference data; otherwise machine-extracted
    label_en: str | None = None
    pinyin: str | None = None


@dataclass(frozen=True)
class Term:
    """The object of a fact: an IRI or a literal with an optional datatype or language."""

    value: str
    is_iri: bool = False
    datatype: str | None = None
    lang: str | None = None

    @staticmethod
    def iri(value: str) -> "Term":
        return Term(value, is_iri=True)


@dataclass(frozen=True)
class Fact:
    """One triple with the evidence that supports it."""

    subject: str
    predicate: str  # full IRI
    obj: Term
    evidence: Evidence


@dataclass
class Extraction:
    """What the extractor found in one document."""

    document: SourceDocument
    entities: dict[str, Entity] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
