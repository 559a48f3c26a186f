"""Score the graph against a gold set: precision and recall per relation type.

A gold fact names its subject and object as the document writes them; names resolve to
IRIs through every rdfs:label and skos:altLabel in the graph (normalised like the text).
Recall: gold facts the graph holds. Precision: of the facts the extractor asserted from a
document about a (subject, relation) the gold set covers for that document, the share that
are in the gold set — the gold set is taken as complete for the pairs it covers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces
from .normalise import normalise_label

OBJECT_RELATIONS = ("locatedIn", "partOf", "covers", "hasPort", "prioritisesIndustry", "connects",
                    "approvedBy", "issuedBy", "responsibleUnit", "setsTask", "cooperatesWith",
                    "administeredBy", "hasProject", "affiliatedWith")
LITERAL_RELATIONS = ("establishedYear", "establishedDate", "areaSqKm", "role", "positioning", "postTitle")
SPECIAL_RELATIONS = ("type", "alias", "observation")


@dataclass(frozen=True)
class GoldFact:
    id: str
    doc: str
    relation: str
    subject: str
    object: str
    quote: str


@dataclass
class RelationScore:
    relation: str
    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct_predicted: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 1.0


@dataclass
class EvaluationReport:
    scores: dict[str, RelationScore]

    def total(self) -> RelationScore:
        total = RelationScore("all")
        for s in self.scores.values():
            total.gold += s.gold
            total.found += s.found
            total.predicted += s.predicted
            total.correct_predicted += s.correct_predicted
        return total


def load_gold(path: Path) -> list[GoldFact]:
    facts = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read gold file {path}: {exc}") from exc
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            facts.append(GoldFact(row["id"], row["doc"], row["relation"], row["subject"], str(row["object"]),
                                  row.get("quote", "")))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise UserError(f"{path}:{number}: not a gold fact ({exc})") from exc
    return facts


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


class GraphIndex:
    """What the evaluator needs from the store, read once."""

    def __init__(self, store: ox.Store, ns: Namespaces) -> None:
        self.ns = ns
        self.names: dict[str, set[str]] = defaultdict(set)
        self.labels: dict[str, set[str]] = defaultdict(set)
        q = lambda text: store.query(text, prefixes=ns.prefixes(), use_default_graph_as_union=True)  # noqa: E731
        for row in q("SELECT ?s ?l WHERE { { ?s rdfs:label ?l } UNION { ?s skos:altLabel ?l } }"):
            name = normalise_label(row["l"].value)
            self.names[name].add(row["s"].value)
            self.labels[row["s"].value].add(name)
        self.superclasses: dict[str, set[str]] = defaultdict(set)
        for row in q("SELECT ?c ?d WHERE { ?c rdfs:subClassOf+ ?d }"):
            c, d = row["c"].value, row["d"].value
            if c.startswith(ns.ontology) and d.startswith(ns.ontology):
                self.superclasses[c[len(ns.ontology):]].add(d[len(ns.ontology):])
        self.types: dict[str, set[str]] = defaultdict(set)
        for row in q("SELECT ?s ?t WHERE { ?s a ?t }"):
            if row["t"].value.startswith(ns.ontology):
                self.types[row["s"].value].add(row["t"].value[len(ns.ontology):])
        # asserted facts per document graph: (file, relation) -> {(s, o)}
        self.asserted: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
        self.anywhere: dict[str, set[tuple[str, str]]] = defaultdict(set)
        files = {row["d"].value: row["f"].value
                 for row in q("SELECT ?d ?f WHERE { ?d kgo:sourceFile ?f }")}
        for row in q("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?p), STR(kgo:))) }"):
            relation = row["p"].value[len(ns.ontology):]
            value = row["o"].value
            self.anywhere[relation].add((row["s"].value, value))
            doc = row["g"].value.replace(ns.base + "graph/", ns.base + "doc/")
            if doc in files:
                self.asserted[(files[doc], relation)].add((row["s"].value, value))
        for row in q("SELECT ?g ?s ?t WHERE { GRAPH ?g { ?s a ?t } }"):
            doc = row["g"].value.replace(ns.base + "graph/", ns.base + "doc/")
            if doc in files and row["t"].value.startswith(ns.ontology):
                self.asserted[(files[doc], "type")].add((row["s"].value, row["t"].value[len(ns.ontology):]))
        self.observations: list[dict[str, str]] = [
            {k: (row[k].value if row[k] is not None else "") for k in ("obs", "s", "label", "value", "unit", "period", "status")}
            for row in q("""SELECT ?obs ?s ?label ?value ?unit ?period ?status WHERE {
                ?obs a kgo:Observation ; kgo:observedEntity ?s ; kgo:indicator ?i ; kgo:value ?value ; kgo:status ?status .
                ?i rdfs:label ?label FILTER(lang(?label) = "zh")
                OPTIONAL { ?obs kgo:unit ?unit } OPTIONAL { ?obs kgo:period ?period } }""")
        ]

    def resolve(self, name: str) -> set[str]:
        return self.names.get(normalise_label(name), set())


def _literal_matches(relation: str, expected: str, actual: str) -> bool:
    if relation in ("areaSqKm",):
        a, b = _decimal(expected), _decimal(actual)
        return a is not None and a == b
    return normalise_label(expected) == normalise_label(actual)


def _observation_matches(index: GraphIndex, subjects: set[str], expected: str) -> bool:
    parts = (expected.split("|") + [""] * 5)[:5]
    indicator, value, unit, period, status = parts
    want = _decimal(value)
    for obs in index.observations:
        if obs["s"] not in subjects or not obs["status"].endswith("#" + status.capitalize()):
            continue
        label = normalise_label(obs["label"])
        if normalise_label(indicator) not in label and label not in normalise_label(indicator):
            continue
        got = _decimal(obs["value"])
        if want is None or got is None or want != got:
            continue
        if period and obs["period"] and normalise_label(period) != normalise_label(obs["period"]):
            continue
        return True
    return False


def evaluate(store: ox.Store, gold: list[GoldFact], ns: Namespaces) -> EvaluationReport:
    index = GraphIndex(store, ns)
    scores: dict[str, RelationScore] = {}
    covered: dict[tuple[str, str, str], set[str]] = defaultdict(set)  # (doc, relation, subject) -> gold objects
    for fact in gold:
        score = scores.setdefault(fact.relation, RelationScore(fact.relation))
        score.gold += 1
        subjects = index.resolve(fact.subject)
        if _holds(index, fact, subjects):
            score.found += 1
        else:
            score.missed.append(f"{fact.id} {fact.subject} —{fact.relation}→ {fact.object}")
        for s in subjects:
            covered[(fact.doc, fact.relation, s)].add(fact.object)
    for (doc, relation, subject), objects in covered.items():
        if relation in ("alias", "observation"):
            continue
        score = scores[relation]
        for s, o in index.asserted.get((doc, relation), ()):
            if s != subject:
                continue
            score.predicted += 1
            if _object_in(index, relation, o, objects):
                score.correct_predicted += 1
            else:
                score.wrong.append(f"{doc[:3]} {sorted(index.labels.get(s, {s}))[0]} —{relation}→ "
                                   f"{sorted(index.labels.get(o, {o}))[0]}")
    for relation in ("alias", "observation"):
        if relation in scores:
            scores[relation].predicted = scores[relation].found
            scores[relation].correct_predicted = scores[relation].found
    return EvaluationReport(dict(sorted(scores.items())))


def _object_in(index: GraphIndex, relation: str, value: str, objects: set[str]) -> bool:
    if relation == "type":  # the gold type or one of its superclasses
        return any(value == o or value in index.superclasses.get(o, ()) for o in objects)
    if relation in LITERAL_RELATIONS:
        return any(_literal_matches(relation, o, value) for o in objects)
    return any(value in index.resolve(o) for o in objects)


def _holds(index: GraphIndex, fact: GoldFact, subjects: set[str]) -> bool:
    if not subjects:
        return False
    relation = fact.relation
    if relation == "type":
        return any(fact.object in index.types.get(s, ()) for s in subjects)
    if relation == "alias":
        return bool(subjects & index.resolve(fact.object))
    if relation == "observation":
        return _observation_matches(index, subjects, fact.object)
    pairs = index.anywhere.get(relation, set())
    if relation in LITERAL_RELATIONS:
        return any(s == subject and _literal_matches(relation, fact.object, o)
                   for subject, o in pairs for s in subjects)
    objects = index.resolve(fact.object)
    return any((s, o) in pairs for s in subjects for o in objects)
