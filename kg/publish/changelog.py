"""What changed since the previous release: entities and facts added, removed and changed.

A fact is an asserted triple (document or reference graph) that is not an evidence
description; inferences and the ontology are left out because they follow from the facts.
A fact is *changed* when a subject has exactly one value for a property (per language, for
labels) in both releases and the value differs (a corrected year, a renamed English label);
everything else is added or removed.
An entity is a resource with a type; it is changed when its facts differ.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import Namespaces
from .model import RDF_TYPE

MARKDOWN_LIST_CAP = 200


@dataclass(frozen=True)
class ChangedFact:
    subject: str
    predicate: str
    before: str
    after: str


@dataclass
class Changelog:
    version: str
    previous_version: str | None
    entities_added: list[str] = field(default_factory=list)
    entities_removed: list[str] = field(default_factory=list)
    entities_changed: list[str] = field(default_factory=list)
    facts_added: list[str] = field(default_factory=list)
    facts_removed: list[str] = field(default_factory=list)
    facts_changed: list[ChangedFact] = field(default_factory=list)
    entities: int = 0
    facts: int = 0

    def summary(self) -> str:
        if self.previous_version is None:
            return f"first release: {self.entities} entities, {self.facts} facts"
        return (f"since {self.previous_version}: entities +{len(self.entities_added)} "
                f"-{len(self.entities_removed)} ~{len(self.entities_changed)}; facts +{len(self.facts_added)} "
                f"-{len(self.facts_removed)} ~{len(self.facts_changed)}")


def asserted_facts(quads: Iterable[ox.Quad], ns: Namespaces) -> set[ox.Triple]:
    skip_graphs = {ns.inferred_graph, ns.ontology_graph}
    evidence = ns.base + "evidence/"
    return {q.triple for q in quads
            if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in skip_graphs)
            and not (isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(evidence))}


def _entities(facts: set[ox.Triple], ns: Namespaces) -> dict[str, set[ox.Triple]]:
    prefixes = (ns.base + "id/", ns.base + "doc/")
    typed = {t.subject.value for t in facts if t.predicate == RDF_TYPE and t.subject.value.startswith(prefixes)}
    by_entity: dict[str, set[ox.Triple]] = {iri: set() for iri in typed}
    for t in facts:
        if t.subject.value in by_entity:
            by_entity[t.subject.value].add(t)
    return by_entity


def compare(current: set[ox.Triple], previous: set[ox.Triple] | None, ns: Namespaces,
            version: str, previous_version: str | None) -> Changelog:
    now = _entities(current, ns)
    log = Changelog(version, previous_version, entities=len(now), facts=len(current))
    if previous is None:
        return log
    before = _entities(previous, ns)
    log.entities_added = sorted(now.keys() - before.keys())
    log.entities_removed = sorted(before.keys() - now.keys())
    log.entities_changed = sorted(iri for iri in now.keys() & before.keys() if now[iri] != before[iri])

    added, removed = current - previous, previous - current
    values_now: dict[tuple, set] = defaultdict(set)
    values_before: dict[tuple, set] = defaultdict(set)
    for t in current:
        values_now[_slot(t)].add(t.object)
    for t in previous:
        values_before[_slot(t)].add(t.object)
    changed_slots = set()
    for slot in {_slot(t) for t in added} & {_slot(t) for t in removed}:
        if len(values_now[slot]) == 1 and len(values_before[slot]) == 1:
            changed_slots.add(slot)
            (old,), (new,) = values_before[slot], values_now[slot]
            log.facts_changed.append(ChangedFact(str(slot[0]), str(slot[1]), str(old), str(new)))
    log.facts_changed.sort(key=lambda c: (c.subject, c.predicate, c.before))
    log.facts_added = sorted(str(t) + " ." for t in added if _slot(t) not in changed_slots)
    log.facts_removed = sorted(str(t) + " ." for t in removed if _slot(t) not in changed_slots)
    return log


def _slot(t: ox.Triple) -> tuple:
    """Subject, property and (for language-tagged values) language: where one value is expected."""
    language = t.object.language if isinstance(t.object, ox.Literal) else None
    return (t.subject, t.predicate, language or "")


def to_json(log: Changelog) -> bytes:
    document = {
        "version": log.version, "previous_version": log.previous_version,
        "entities": {"total": log.entities, "added": log.entities_added, "removed": log.entities_removed,
                     "changed": log.entities_changed},
        "facts": {"total": log.facts, "added": log.facts_added, "removed": log.facts_removed,
                  "changed": [vars(c) for c in log.facts_changed]},
    }
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_markdown(log: Changelog, label: Callable[[str], str]) -> bytes:
    lines = [f"# Kaifang KG {log.version}", ""]
    if log.previous_version is None:
        lines += [f"First release: {log.entities} entities and {log.facts} facts.", ""]
        return ("\n".join(lines)).encode("utf-8")
    lines += [f"Changes since {log.previous_version}: {log.entities} entities and {log.facts} facts in this release.",
              "", "| | added | removed | changed |", "|---|---:|---:|---:|",
              f"| entities | {len(log.entities_added)} | {len(log.entities_removed)} | {len(log.entities_changed)} |",
              f"| facts | {len(log.facts_added)} | {len(log.facts_removed)} | {len(log.facts_changed)} |", ""]

    def section(title: str, items: list[str]) -> None:
        if not items:
            return
        lines.extend([f"## {title}", ""])
        lines.extend(f"- {item}" for item in items[:MARKDOWN_LIST_CAP])
        if len(items) > MARKDOWN_LIST_CAP:
            lines.append(f"- … and {len(items) - MARKDOWN_LIST_CAP} more (see changelog.json)")
        lines.append("")

    section("Entities added", [f"{label(i)} <{i}>" for i in log.entities_added])
    section("Entities removed", [f"{label(i)} <{i}>" for i in log.entities_removed])
    section("Entities changed", [f"{label(i)} <{i}>" for i in log.entities_changed])
    section("Facts changed", [f"`{c.subject} {c.predicate}`: `{c.before}` → `{c.after}`" for c in log.facts_changed])
    section("Facts added", [f"`{f}`" for f in log.facts_added])
    section("Facts removed", [f"`{f}`" for f in log.facts_removed])
    return ("\n".join(lines)).encode("utf-8")
