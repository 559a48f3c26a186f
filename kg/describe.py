"""Everything the graph says about one entity, grouped by property, each fact with its evidence.

Facts come both ways (the entity as subject, and as object), every asserted fact with the
sentence, document, offsets and rule behind it, and inferred facts (graph:inferred) marked
as such, since they have no sentence of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import UserError
from .namespaces import STANDARD_PREFIXES, Namespaces

RDF = STANDARD_PREFIXES["rdf"]
_EVIDENCE_PREDICATES = {RDF + "subject", RDF + "predicate", RDF + "object"}

_OUT = "SELECT ?g ?p ?o WHERE { GRAPH ?g { ?e ?p ?o } }"
_IN = "SELECT ?g ?s ?p WHERE { GRAPH ?g { ?s ?p ?e } }"
_EVIDENCE = """
SELECT ?g ?s ?p ?o ?rule ?doc ?sentence ?start ?end ?surface ?file WHERE {
  GRAPH ?g { ?ev ?role ?e ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
             OPTIONAL { ?ev kgo:rule ?rule } OPTIONAL { ?ev kgo:document ?doc }
             OPTIONAL { ?ev kgo:sentence ?sentence } OPTIONAL { ?ev kgo:startOffset ?start }
             OPTIONAL { ?ev kgo:endOffset ?end } OPTIONAL { ?ev kgo:surfaceForm ?surface }
             OPTIONAL { ?ev kgo:curationFile ?file } }
  VALUES ?role { rdf:subject rdf:object }
} ORDER BY ?doc ?start"""
_LABELS = "SELECT ?x ?label WHERE { ?x rdfs:label|skos:prefLabel|dcterms:title ?label }"


@dataclass(frozen=True)
class EvidenceView:
    """Where a fact was read: a document's sentence and the rule, or a curated file."""

    rule: str
    document: str | None
    sentence: str | None = None
    start: int | None = None
    end: int | None = None
    surface: str | None = None
    curation_file: str | None = None


@dataclass
class FactView:
    """One fact seen from the described entity: the other end, and why we believe it."""

    other: ox.NamedNode | ox.Literal | ox.BlankNode
    other_label: str | None
    graphs: set[str] = field(default_factory=set)
    evidence: list[EvidenceView] = field(default_factory=list)
    inferred: bool = False


@dataclass
class PropertyGroup:
    """All facts through one property in one direction."""

    property: str
    label_zh: str | None
    label_en: str | None
    outgoing: bool
    facts: list[FactView] = field(default_factory=list)


@dataclass
class Description:
    iri: str
    label: str
    groups: list[PropertyGroup]

    @property
    def fact_count(self) -> int:
        return sum(len(g.facts) for g in self.groups)


def describe(store: ox.Store, entity: ox.NamedNode, ns: Namespaces) -> Description:
    """Facts about ``entity`` in every graph, with evidence, grouped by property and direction."""
    prefixes = ns.prefixes()
    inferred_graph = ns.inferred_graph
    evidence_prefix = ns.base + "evidence/"

    # fact key (s, p, o) -> FactView; groups keyed by (property, outgoing)
    groups: dict[tuple[str, bool], PropertyGroup] = {}
    facts: dict[tuple, FactView] = {}

    def add(subject, predicate: ox.NamedNode, obj, graph: str, outgoing: bool) -> None:
        key = (subject, predicate, obj)
        view = facts.get(key)
        if view is None:
            group = groups.get((predicate.value, outgoing))
            if group is None:
                group = groups[(predicate.value, outgoing)] = PropertyGroup(predicate.value, None, None, outgoing)
            view = facts[key] = FactView(obj if outgoing else subject, None)
            group.facts.append(view)
        view.graphs.add(graph)

    for row in _rows(store, _OUT, prefixes, entity):
        add(entity, row["p"], row["o"], row["g"].value, True)
    for row in _rows(store, _IN, prefixes, entity):
        subject = row["s"]
        if row["p"].value in _EVIDENCE_PREDICATES or (
                isinstance(subject, ox.NamedNode) and subject.value.startswith(evidence_prefix)):
            continue
        if subject == entity:
            continue  # a self-loop is already listed as outgoing
        add(subject, row["p"], entity, row["g"].value, False)
    if not facts:
        raise UserError(f"nothing is known about <{entity.value}>")
    for row in _rows(store, _EVIDENCE, prefixes, entity):
        view = facts.get((row["s"], row["p"], row["o"]))
        if view is None:
            continue
        view.evidence.append(EvidenceView(
            rule=_value(row["rule"]) or "", document=_value(row["doc"]), sentence=_value(row["sentence"]),
            start=_int(row["start"]), end=_int(row["end"]), surface=_value(row["surface"]),
            curation_file=_value(row["file"]),
        ))
    for view in facts.values():
        view.inferred = view.graphs == {inferred_graph}

    labels = _labels(store, prefixes, {entity} | {v.other for v in facts.values()} |
                     {ox.NamedNode(p) for p, _ in groups})
    for (prop, _), group in groups.items():
        standard = _STANDARD_LABELS.get(prop, (None, None))
        group.label_zh = labels.get(("zh", prop)) or standard[0]
        group.label_en = labels.get(("en", prop)) or standard[1]
        for view in group.facts:
            if isinstance(view.other, ox.NamedNode):
                view.other_label = labels.get(("zh", view.other.value)) or labels.get(("en", view.other.value))
        group.facts.sort(key=lambda v: (v.inferred, str(v.other_label or ""), str(v.other)))
    ordered = sorted(groups.values(), key=lambda g: (not g.outgoing, _ORDER.get(g.property, 50), g.property))
    label = labels.get(("zh", entity.value)) or labels.get(("en", entity.value)) or entity.value
    return Description(entity.value, label, ordered)


_STANDARD_LABELS = {  # (zh, en) for the reused properties the ontology does not label
    RDF + "type": ("类型", "type"),
    STANDARD_PREFIXES["rdfs"] + "label": ("名称", "label"),
    STANDARD_PREFIXES["skos"] + "altLabel": ("别名", "alias"),
    STANDARD_PREFIXES["skos"] + "prefLabel": ("名称", "preferred label"),
    STANDARD_PREFIXES["skos"] + "broader": ("上位概念", "broader"),
    STANDARD_PREFIXES["skos"] + "narrower": ("下位概念", "narrower"),
    STANDARD_PREFIXES["skos"] + "inScheme": ("所属体系", "in scheme"),
    STANDARD_PREFIXES["dcterms"] + "title": ("标题", "title"),
    STANDARD_PREFIXES["dcterms"] + "creator": ("作者", "creator"),
    STANDARD_PREFIXES["dcterms"] + "issued": ("发布日期", "issued"),
    STANDARD_PREFIXES["org"] + "subOrganizationOf": ("上级机构", "sub-organisation of"),
    STANDARD_PREFIXES["org"] + "hasMember": ("成员", "has member"),
    STANDARD_PREFIXES["rdfs"] + "seeAlso": ("另见", "see also"),
}
_ORDER = {RDF + "type": 0, STANDARD_PREFIXES["rdfs"] + "label": 1, STANDARD_PREFIXES["skos"] + "altLabel": 2}


def _rows(store: ox.Store, text: str, prefixes: dict[str, str], entity: ox.NamedNode):
    from .reports import inject_values

    return store.query(inject_values(text, {"e": entity}), prefixes=prefixes)


def _labels(store: ox.Store, prefixes: dict[str, str], terms) -> dict[tuple[str, str], str]:
    """(lang, iri) -> the shortest zh and en label of each named node among ``terms``."""
    iris = sorted({t.value for t in terms if isinstance(t, ox.NamedNode)})
    found: dict[tuple[str, str], str] = {}
    if not iris:
        return found
    values = " ".join(str(ox.NamedNode(i)) for i in iris)  # IRIs from the store, in N-Triples form
    query = _LABELS.replace("WHERE {", "WHERE { VALUES ?x { " + values + " }", 1)
    for row in store.query(query, prefixes=prefixes, use_default_graph_as_union=True):
        label = row["label"]
        lang = (label.language or "").lower()
        if lang not in ("zh", "en"):
            continue  # zh-Latn-pinyin is not a display label
        key = (lang, row["x"].value)
        if key not in found or len(label.value) < len(found[key]):
            found[key] = label.value
    return found


def _value(term) -> str | None:
    return None if term is None else term.value


def _int(term) -> int | None:
    return None if term is None else int(term.value)


# ---------------------------------------------------------------- rendering


def render_text(description: Description, prefixes: dict[str, str], *, max_evidence: int = 3,
                width: int = 100) -> str:
    """Readable lines: one block per property, the other end, then each piece of evidence."""
    from .render import compact

    lines = [f"{description.label}  {compact(ox.NamedNode(description.iri), prefixes)}",
             f"{description.fact_count} facts", ""]
    for group in description.groups:
        name = " / ".join(x for x in (group.label_zh, group.label_en) if x)
        arrow = "→" if group.outgoing else "←"
        lines.append(f"{'' if group.outgoing else '(in) '}{name or ''} {compact(ox.NamedNode(group.property), prefixes)}"
                     .strip())
        for view in group.facts:
            other = compact(view.other, prefixes)
            label = _clip(view.other_label, 40) if view.other_label else None
            shown = f"{label}  {other}" if label and label != other else other
            lines.append(f"  {arrow} {shown}{'   [inferred]' if view.inferred else ''}")
            for ev in view.evidence[:max_evidence]:
                lines.append("      " + _evidence_line(ev, prefixes, width))
            if len(view.evidence) > max_evidence:
                lines.append(f"      … {len(view.evidence) - max_evidence} more")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _evidence_line(ev: EvidenceView, prefixes: dict[str, str], width: int) -> str:
    from .render import compact

    doc = compact(ox.NamedNode(ev.document), prefixes) if ev.document else "?"
    if ev.sentence is None:
        source = ev.curation_file or doc
        return f"[{ev.rule}] {source}"
    sentence = _clip(ev.sentence, width)
    span = f" @{ev.start}-{ev.end}" if ev.start is not None else ""
    return f"[{ev.rule}] {doc}{span} «{sentence}»"


def as_dict(description: Description) -> dict:
    """A JSON-ready form for scripts and tests."""

    def term(t) -> dict:
        if isinstance(t, ox.NamedNode):
            return {"iri": t.value}
        if isinstance(t, ox.BlankNode):
            return {"bnode": t.value}
        out = {"value": t.value}
        if t.language:
            out["lang"] = t.language
        elif not t.datatype.value.endswith("#string"):
            out["datatype"] = t.datatype.value
        return out

    return {
        "iri": description.iri, "label": description.label,
        "groups": [{
            "property": g.property, "label_zh": g.label_zh, "label_en": g.label_en,
            "direction": "out" if g.outgoing else "in",
            "facts": [{**term(f.other), "label": f.other_label, "inferred": f.inferred,
                       "evidence": [ev.__dict__ for ev in f.evidence]} for f in g.facts],
        } for g in description.groups],
    }
