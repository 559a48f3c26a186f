"""Score the graph against a gold set: precision and recall per relation type.

A gold fact names its subject and object as the document writes them; names resolve to
IRIs through every rdfs:label and skos:altLabel in the graph (normalised like the text).
Recall: gold facts the graph holds. Precision: of the facts the extractor asserted from a
document about a (subject, relation) the gold set covers for that document, the share that
are in the gold set — the gold set is taken as complete for the pairs it covers.
Observations ("indicator|value|unit|period|status") are scored the same way per
(document, subject): every observation extracted from a document about a subject the gold
set has observations for there is a prediction, right when it states one of them.
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
        # observations with the document graph they were extracted into ("" for curated ones)
        graphs: dict[str, set[str]] = defaultdict(set)
        for row in q("SELECT DISTINCT ?g ?obs WHERE { GRAPH ?g { ?obs a kgo:Observation } }"):
            doc = row["g"].value.replace(ns.base + "graph/", ns.base + "doc/")
            graphs[row["obs"].value].add(files.get(doc, ""))
        names: dict[str, set[str]] = defaultdict(set)  # indicator -> its zh label and altLabels
        for row in q("""SELECT ?i ?l WHERE { ?obs kgo:indicator ?i .
                { ?i rdfs:label ?l } UNION { ?i skos:altLabel ?l } FILTER(lang(?l) = "zh") }"""):
            names[row["i"].value].add(normalise_label(row["l"].value))
        self.observations: list[dict] = []
        for row in q("""SELECT ?obs ?s ?i ?value ?text ?unit ?period ?status WHERE {
                ?obs a kgo:Observation ; kgo:observedEntity ?s ; kgo:indicator ?i ; kgo:status ?status .
                OPTIONAL { ?obs kgo:value ?value } OPTIONAL { ?obs kgo:valueText ?text }
                OPTIONAL { ?obs kgo:unit ?unit } OPTIONAL { ?obs kgo:period ?period } }"""):
            obs = {k: (row[k].value if row[k] is not None else "")
                   for k in ("obs", "s", "i", "value", "text", "unit", "period", "status")}
            obs["names"] = names.get(obs["i"], set())
            obs["docs"] = graphs.get(obs["obs"], set())
            self.observations.append(obs)

    def resolve(self, name: str) -> set[str]:
        return self.names.get(normalise_label(name), set())


def _literal_matches(relation: str, expected: str, actual: str) -> bool:
    if relation in ("areaSqKm",):
        a, b = _decimal(expected), _decimal(actual)
        return a is not None and a == b
    return normalise_label(expected) == normalise_label(actual)


def _observation_matches(index: GraphIndex, subjects: set[str], expected: str) -> bool:
    return any(obs["s"] in subjects and _observation_is(obs, expected) for obs in index.observations)


def _observation_is(obs: dict, expected: str) -> bool:
    """Whether an extracted observation states the gold "indicator|value|unit|period|status".

    The indicator matches when one of its names (label or altLabel) contains the gold name
    or is contained in it; a numeric value matches numerically, a value in words textually;
    the unit and period match when both sides state them.
    """
    indicator, value, unit, period, status = (expected.split("|") + [""] * 5)[:5]
    if not obs["status"].endswith("#" + status.capitalize()):
        return False
    wanted = normalise_label(indicator)
    if not any(wanted in name or name in wanted for name in obs["names"] if name):
        return False
    want, got = _decimal(value), _decimal(obs["value"]) if obs["value"] else None
    if want is not None:
        if got is None or want != got:
            return False
    elif normalise_label(value) != normalise_label(obs["text"]):
        return False
    if unit and obs["unit"] and normalise_label(unit) != normalise_label(obs["unit"]):
        return False
    if period and obs["period"] and normalise_label(period) != normalise_label(obs["period"]):
        return False
    return True


def _observation_precision(index: GraphIndex, gold: list[GoldFact], score: RelationScore) -> None:
    """Of the observations extracted from a document about a subject the gold set has
    observations for in that document, the share that state one of those gold facts."""
    expected: dict[tuple[str, str], list[str]] = defaultdict(list)  # (doc, subject IRI) -> gold objects
    for fact in gold:
        if fact.relation == "observation":
            for subject in index.resolve(fact.subject):
                expected[(fact.doc, subject)].append(fact.object)
    for obs in index.observations:
        for doc in sorted(obs["docs"]):
            objects = expected.get((doc, obs["s"]))
            if not objects:
                continue
            score.predicted += 1
            if any(_observation_is(obs, o) for o in objects):
                score.correct_predicted += 1
            else:
                shown = obs["value"] or obs["text"]
                score.wrong.append(f"{doc[:3]} {sorted(index.labels.get(obs['s'], {obs['s']}))[0]} —observation→ "
                                   f"{sorted(obs['names'])[0] if obs['names'] else obs['i']}|{shown}|{obs['unit']}|"
                                   f"{obs['period']}|{obs['status'].rsplit('#', 1)[-1].lower()}")


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
    if "alias" in scores:
        scores["alias"].predicted = scores["alias"].found
        scores["alias"].correct_predicted = scores["alias"].found
    if "observation" in scores:
        _observation_precision(index, gold, scores["observation"])
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
