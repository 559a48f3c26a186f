"""How two entities are connected: the shortest chains of facts between them, said in words.

A breadth-first search over the links between entities (object properties, both directions),
e.g. "百色试验区 —位于→ 广西壮族自治区 ←位于— 东兴试验区". Asserted links are preferred over
inferred ones when both join the same pair; paths through inferred links say so.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces

_SKIPPED = ("rdf:type", "rdf:subject", "rdf:predicate", "rdf:object", "kgo:document",
            "prov:wasDerivedFrom", "skos:inScheme", "skos:topConceptOf", "skos:hasTopConcept",
            "kgo:genre", "kgo:status", "kgo:constraintKind")
_EDGES = """
SELECT DISTINCT ?s ?p ?o ?g WHERE {
  GRAPH ?g { ?s ?p ?o }
  FILTER(isIRI(?o) && ?p NOT IN (%s)
         && (STRSTARTS(STR(?s), STR(kgr:)) || STRSTARTS(STR(?s), STR(doc:)))
         && (STRSTARTS(STR(?o), STR(kgr:)) || STRSTARTS(STR(?o), STR(doc:))))
}""" % ", ".join(_SKIPPED)


class NoConnection(Exception):
    """The two entities are not linked within the hops allowed (an answer, not an error)."""


@dataclass(frozen=True)
class Link:
    """One fact joining two entities."""

    subject: str
    predicate: str
    object: str
    inferred: bool


@dataclass(frozen=True)
class Step:
    """Walking from ``start`` to ``end`` along ``link`` (forwards when start is its subject)."""

    start: str
    end: str
    link: Link

    @property
    def forwards(self) -> bool:
        return self.link.subject == self.start


@dataclass(frozen=True)
class Path:
    steps: tuple[Step, ...]

    @property
    def inferred(self) -> bool:
        return any(step.link.inferred for step in self.steps)


class LinkGraph:
    """Entities and the links between them, loaded once from the store."""

    def __init__(self, store: ox.Store, ns: Namespaces, *, via_documents: bool = False) -> None:
        self.ns = ns
        inferred = ns.inferred_graph
        self.links: dict[frozenset, list[Link]] = {}
        self.neighbours: dict[str, set[str]] = {}
        for row in store.query(_EDGES, prefixes=ns.prefixes()):
            s, p, o = row["s"].value, row["p"].value, row["o"].value
            if s == o:
                continue
            if not via_documents and (p == ns.kgo("mentionedIn") or o.startswith(ns.base + "doc/")):
                continue
            link = Link(s, p, o, row["g"].value == inferred)
            pair = frozenset((s, o))
            self.links.setdefault(pair, []).append(link)
            self.neighbours.setdefault(s, set()).add(o)
            self.neighbours.setdefault(o, set()).add(s)

    def best_link(self, start: str, end: str) -> Link:
        """Asserted before inferred, read forwards before backwards, then by property."""
        links = self.links[frozenset((start, end))]
        return min(links, key=lambda l: (l.inferred, l.subject != start, l.predicate))

    def shortest_paths(self, source: str, target: str, *, max_hops: int = 6, max_paths: int = 5) -> list[Path]:
        """Every shortest path (up to ``max_paths``) of at most ``max_hops`` links."""
        if source == target:
            raise UserError("the two entities are the same")
        parents: dict[str, list[str]] = {source: []}
        depth = {source: 0}
        queue = deque([source])
        while queue:
            node = queue.popleft()
            if node == target or depth[node] >= max_hops:
                continue
            if target in depth and depth[node] >= depth[target]:
                break
            for neighbour in sorted(self.neighbours.get(node, ())):
                if neighbour not in depth:
                    depth[neighbour] = depth[node] + 1
                    parents[neighbour] = [node]
                    queue.append(neighbour)
                elif depth[neighbour] == depth[node] + 1:
                    parents[neighbour].append(node)
        if target not in depth:
            return []
        paths: list[list[str]] = []

        def walk(node: str, suffix: list[str]) -> None:
            if len(paths) >= max_paths:
                return
            if node == source:
                paths.append([source, *suffix])
                return
            for parent in parents[node]:
                walk(parent, [node, *suffix])

        walk(target, [])
        found = [Path(tuple(Step(a, b, self.best_link(a, b)) for a, b in zip(nodes, nodes[1:]))) for nodes in paths]
        return sorted(found, key=lambda p: (p.inferred, [s.link.predicate for s in p.steps]))


def say(path: Path, label_of, property_label_of) -> str:
    """A path in words: 'A —位于→ B ←位于— C'."""
    parts = [label_of(path.steps[0].start)]
    for step in path.steps:
        name = property_label_of(step.link.predicate)
        mark = "*" if step.link.inferred else ""
        parts.append(f" —{name}{mark}→ " if step.forwards else f" ←{name}{mark}— ")
        parts.append(label_of(step.end))
    return "".join(parts)


def property_labels(store: ox.Store, ns: Namespaces) -> dict[str, str]:
    """Chinese labels of the ontology's properties (English where no Chinese one exists)."""
    labels: dict[str, str] = {}
    query = """SELECT ?p ?label WHERE { ?p a ?kind ; rdfs:label ?label
               VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty } }"""
    for row in store.query(query, prefixes=ns.prefixes(), use_default_graph_as_union=True):
        label = row["label"]
        if label.language == "zh" or row["p"].value not in labels:
            labels[row["p"].value] = label.value
    return labels


def connect(store: ox.Store, source: str, target: str, ns: Namespaces, *, max_hops: int = 6,
            max_paths: int = 5, via_documents: bool = False) -> list[str]:
    """``kg path``: the shortest paths between two named entities, one line each."""
    from .render import compact
    from .search import SearchIndex, resolve_entity

    index = SearchIndex(store, ns)
    start = resolve_entity(store, source, ns, index=index).value
    end = resolve_entity(store, target, ns, index=index).value
    graph = LinkGraph(store, ns, via_documents=via_documents)
    paths = graph.shortest_paths(start, end, max_hops=max_hops, max_paths=max_paths)
    if not paths:
        raise NoConnection(f"no connection between {index.display_label(start)} and {index.display_label(end)} "
                        f"within {max_hops} links")
    labels = property_labels(store, ns)
    prefixes = ns.prefixes()

    def property_label(iri: str) -> str:
        return labels.get(iri) or compact(ox.NamedNode(iri), prefixes)

    hops = len(paths[0].steps)
    lines = [say(p, index.display_label, property_label) for p in paths]
    note = f"{len(paths)} shortest path{'s' if len(paths) > 1 else ''} of {hops} link{'s' if hops > 1 else ''}"
    if any(p.inferred for p in paths):
        note += " (* inferred link)"
    return lines + [note]
