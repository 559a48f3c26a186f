"""Turn mentions and rule matches into facts that carry their evidence."""

from __future__ import annotations

from collections.abc import Callable

from ..lexicon import Lexicon
from ..model import Entity, Evidence, Extraction, Fact, SourceDocument, Term
from ..namespaces import Namespaces
from ..slugs import pinyin, slugify
from .mentions import Mention

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
XSD = "http://www.w3.org/2001/XMLSchema#"


class FactBuilder:
    """Collects one document's entities and facts; every fact gets an Evidence."""

    def __init__(self, document: SourceDocument, lexicon: Lexicon, ns: Namespaces) -> None:
        self.document = document
        self.lexicon = lexicon
        self.ns = ns
        self.result = Extraction(document=document)
        self.doc_iri = ns.document(document.meta.doc_id)

    def kgo(self, local: str) -> str:
        return self.ns.kgo(local)

    def evidence(self, start: int, end: int, rule: str) -> Evidence:
        """Evidence for the normalised span [start, end): raw offsets, sentence, surface."""
        raw_start, raw_end = self.document.raw_span(start, end)
        return Evidence(
            doc_id=self.document.meta.doc_id, rule=rule, start=raw_start, end=raw_end,
            sentence=self.document.sentence_at(start), surface=self.document.raw[raw_start:raw_end],
        )

    def add(self, subject: str, predicate: str, obj: Term, evidence: Evidence) -> None:
        self.result.facts.append(Fact(subject, predicate, obj, evidence))

    def entity(self, mention: Mention) -> Entity:
        """The entity a mention names; a new one is registered with its type and labels."""
        if mention.iri is not None:
            entry = self.lexicon.entries[mention.iri]
            entity = Entity(entry.iri, entry.types, entry.label_zh, True, entry.label_en, entry.pinyin)
            self.result.entities.setdefault(entity.iri, entity)
            return entity
        head = mention.head
        assert head is not None
        iri = self.ns.entity(head.kind, slugify(mention.surface))
        entity = self.result.entities.get(iri)
        if entity is None:
            entity = Entity(iri, (head.cls,), mention.surface, False, None, pinyin(mention.surface))
            self.result.entities[iri] = entity
        evidence = self.evidence(*mention.evidence_span, mention.rule)
        self.add(iri, RDF_TYPE, Term.iri(self.kgo(head.cls)), evidence)
        self.add(iri, RDFS_LABEL, Term(mention.surface, lang="zh"), evidence)
        self.add(iri, RDFS_LABEL, Term(entity.pinyin or mention.surface, lang="zh-Latn-pinyin"), evidence)
        self.add(iri, self.kgo("pinyin"), Term(entity.pinyin or mention.surface), evidence)
        self.add(iri, self.kgo("machineExtracted"), Term("true", datatype=XSD + "boolean"), evidence)
        return entity


MentionFinder = Callable[["RuleContext"], None]
MENTION_FINDERS: list[MentionFinder] = []


def mention_finder(finder: MentionFinder) -> MentionFinder:
    """Register a finder that adds mentions (RuleContext.add_mention) before any relation rule
    reads them: names resolved in context or defined by the document itself."""
    if finder not in MENTION_FINDERS:
        MENTION_FINDERS.append(finder)
    return finder


class RuleContext(FactBuilder):
    """The builder plus what relation rules need: mentions by sentence, spans, observations."""

    def __init__(self, document: SourceDocument, lexicon: Lexicon, ns: Namespaces, mentions: list[Mention]) -> None:
        super().__init__(document, lexicon, ns)
        self._mentions = mentions
        self._finders_ran = False
        self._iris: dict[tuple[int, int], str] = {}
        self._observations: dict[str, tuple[str | None, str | None, str]] = {}  # iri -> (value, text, unit)
        self._growths: set[str] = set()
        self._constraints: set[str] = set()

    @property
    def mentions(self) -> list[Mention]:
        """Every mention, in text order, once the registered mention finders have added theirs
        (they run on first use, so every relation rule sees the same, complete list)."""
        if not self._finders_ran:
            self._finders_ran = True
            for finder in list(MENTION_FINDERS):
                finder(self)
        return self._mentions

    def add_mention(self, mention: Mention, iri: str, evidence_span: tuple[int, int] | None = None) -> bool:
        """A mention a rule resolved in context (a list item, a name the document defines) denoting
        ``iri``: it replaces the mentions inside its span and gets its mentionedIn fact. Refused
        (False) when it would cut through another mention."""
        inside = [m for m in self._mentions if mention.start <= m.start and m.end <= mention.end]
        if any(m.start < mention.end and mention.start < m.end and m not in inside for m in self._mentions):
            return False
        for m in inside:
            self._mentions.remove(m)
            self._iris.pop((m.start, m.end), None)
        self._mentions.append(mention)
        self._mentions.sort(key=lambda m: (m.start, -m.end))
        self._iris[(mention.start, mention.end)] = iri
        if mention.iri is not None:
            self.entity(mention)
        start, end = evidence_span or (mention.start, mention.end)
        self.add(iri, self.kgo("mentionedIn"), Term.iri(self.doc_iri), self.evidence(start, end, mention.rule))
        return True

    def discard_mention(self, mention: Mention) -> None:
        """A head-pattern mention a rule found to be no name (the shared head of a list, as in
        "2个国家一类口岸"): it leaves the mention list, and a new entity that only it made leaves
        the document with its facts."""
        if mention in self._mentions:
            self._mentions.remove(mention)
        iri = self._iris.pop((mention.start, mention.end), None)
        entity = self.result.entities.get(iri) if iri else None
        if entity is None or entity.curated or iri in self._iris.values():
            return
        del self.result.entities[iri]
        self.result.facts = [f for f in self.result.facts if f.subject != iri and f.obj.value != iri]

    def iri_of(self, mention: Mention) -> str:
        """The entity IRI of a mention (registering a new entity once)."""
        key = (mention.start, mention.end)
        if key not in self._iris:
            self._iris[key] = self.entity(mention).iri
        return self._iris[key]

    def types_of(self, mention: Mention) -> tuple[str, ...]:
        entity = self.result.entities.get(self.iri_of(mention))
        return entity.types if entity else ()

    def mentions_between(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end]

    def relate(self, subject: Mention | str, predicate: str, obj: Mention | Term,
               span: tuple[int, int], rule: str) -> None:
        """Assert subject predicate object, with evidence covering the normalised span."""
        s = subject if isinstance(subject, str) else self.iri_of(subject)
        o = obj if isinstance(obj, Term) else Term.iri(self.iri_of(obj))
        self.add(s, self.kgo(predicate), o, self.evidence(span[0], span[1], rule))

    def new_entity(self, kind: str, cls: str, label_zh: str, span: tuple[int, int], rule: str,
                   slug: str | None = None) -> str:
        """An entity the text defines without a head pattern (a task, a project, an indicator)."""
        iri = self.ns.entity(kind, slug or slugify(label_zh))
        evidence = self.evidence(span[0], span[1], rule)
        if iri not in self.result.entities:
            self.result.entities[iri] = Entity(iri, (cls,), label_zh, False, None, pinyin(label_zh))
        self.add(iri, RDF_TYPE, Term.iri(self.kgo(cls)), evidence)
        self.add(iri, RDFS_LABEL, Term(label_zh, lang="zh"), evidence)
        self.add(iri, RDFS_LABEL, Term(pinyin(label_zh), lang="zh-Latn-pinyin"), evidence)
        self.add(iri, self.kgo("machineExtracted"), Term("true", datatype=XSD + "boolean"), evidence)
        return iri

    def indicator(self, label_zh: str, span: tuple[int, int], rule: str) -> str:
        """The indicator concept for a label: curated when the lexicon knows it, else new."""
        known = [e for e in self.lexicon.lookup(label_zh) if "Indicator" in e.types]
        if known:
            return known[0].iri
        return self.new_entity("indicator", "Indicator", label_zh, span, rule)

    def observation(self, subject: str, indicator_label: str, value: str | None, unit: str, period: str,
                    status: str, span: tuple[int, int], rule: str, *,
                    growth: str | None = None, constraint: str | None = None,
                    value_text: str | None = None) -> str:
        """An indicator observation (Data Cube pattern): subject, indicator, value, unit, period,
        actual or target; every triple of it carries the same evidence.

        ``value_text`` stands in for a value the source states in words ("显著增长"). Stating
        the same observation again (a table row and a sentence) adds evidence; a value that
        only rounds the first one ("171.7" after "171.68") keeps the first; a value that
        disagrees becomes an observation of its own.
        """
        indicator = self.indicator(indicator_label, span, rule)
        slug = "-".join([subject.rsplit("/", 1)[-1], indicator.rsplit("/", 1)[-1], slugify(period), status.lower()])
        reading = (value, value_text, unit)
        iri = self.ns.entity("observation", slug)
        prior = self._observations.get(iri)
        if prior is not None and not _same_reading(prior, reading):
            iri = self.ns.entity("observation", f"{slug}-{slugify(value or value_text or 'x')}")
            prior = self._observations.get(iri)
        if prior is not None and prior[:2] != reading[:2]:
            return iri  # a rounded restatement: the more precise first reading stands
        first = prior is None
        self._observations.setdefault(iri, reading)
        evidence = self.evidence(span[0], span[1], rule)
        shown = value if value is not None else value_text
        triples = [
            (RDF_TYPE, Term.iri(self.kgo("Observation"))),
            (self.kgo("observedEntity"), Term.iri(subject)),
            (self.kgo("indicator"), Term.iri(indicator)),
            (self.kgo("unit"), Term(unit)),
            (self.kgo("period"), Term(period)),
            (self.kgo("status"), Term.iri(self.kgo(status))),
        ]
        if value is not None:
            triples.append((self.kgo("value"), Term(value, datatype=XSD + "decimal")))
        else:
            triples.append((self.kgo("valueText"), Term(value_text or "")))
        if first:
            triples.append((RDFS_LABEL, Term(f"{indicator_label} {period} {shown}{unit}", lang="zh")))
            year = period[-7:-3] if len(period) >= 7 and period[-3] == "-" else period[-4:]
            if year.isdigit():
                triples.append((self.kgo("year"), Term(year, datatype=XSD + "gYear")))
        if growth is not None and iri not in self._growths:
            self._growths.add(iri)
            triples.append((self.kgo("averageGrowthRate"), Term(growth, datatype=XSD + "decimal")))
        if constraint is not None and iri not in self._constraints:
            self._constraints.add(iri)
            triples.append((self.kgo("constraintKind"), Term.iri(self.kgo(constraint))))
        for predicate, obj in triples:
            self.add(iri, predicate, obj, evidence)
        return iri


def _same_reading(prior: tuple[str | None, str | None, str], new: tuple[str | None, str | None, str]) -> bool:
    """Equal values, or one a rounding of the other ("2.6" and "2.58"), in the same unit."""
    from decimal import Decimal, InvalidOperation

    if prior[2] != new[2]:
        return False
    if prior[0] is None or new[0] is None:
        return prior[:2] == new[:2]
    try:
        a, b = Decimal(prior[0]), Decimal(new[0])
    except InvalidOperation:
        return prior[0] == new[0]
    coarse, fine = (a, b) if a.as_tuple().exponent >= b.as_tuple().exponent else (b, a)
    return fine.quantize(coarse) == coarse
