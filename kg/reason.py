"""OWL 2 RL closure of the asserted data, kept in its own named graph.

owlrl is the reference engine. Evidence nodes are left out of the input: they describe
where triples come from, and reasoning over reified statements only adds noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES, Namespaces

OWL_THING = STANDARD_PREFIXES["owl"] + "Thing"
RDFS_RESOURCE = STANDARD_PREFIXES["rdfs"] + "Resource"
OWL_SAME_AS = STANDARD_PREFIXES["owl"] + "sameAs"
RDF_TYPE = STANDARD_PREFIXES["rdf"] + "type"


@dataclass(frozen=True)
class Closure:
    """Triples the reasoner added, already filtered to what is worth keeping."""

    engine: str
    input_triples: int
    inferred: list[ox.Triple]


def reasoning_input(store: ox.Store, ns: Namespaces) -> list[ox.Triple]:
    """Every asserted triple except evidence descriptions and inferences."""
    evidence_prefix = ns.base + "evidence/"
    inferred = ox.NamedNode(ns.inferred_graph)
    seen: set[ox.Triple] = set()
    for quad in store.quads_for_pattern(None, None, None, None):
        if quad.graph_name == inferred:
            continue
        subject = quad.subject
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(evidence_prefix):
            continue
        seen.add(ox.Triple(subject, quad.predicate, quad.object))
    return sorted(seen, key=str)


def keep_inferred(triple: ox.Triple, ns: Namespaces) -> bool:
    """Drop what no reader wants: literal or blank subjects, x sameAs x, owl:Thing typing."""
    s, p, o = triple.subject, triple.predicate, triple.object
    if not isinstance(s, ox.NamedNode) or not s.value.startswith(ns.base):
        return False
    if isinstance(o, ox.BlankNode):
        return False
    if p.value == OWL_SAME_AS and s == o:
        return False
    if p.value == RDF_TYPE and o.value in (OWL_THING, RDFS_RESOURCE):
        return False
    return True


def owlrl_closure(triples: list[ox.Triple], ns: Namespaces) -> Closure:
    """The reference path: rdflib graph, owlrl's full OWL 2 RL semantics."""
    import owlrl

    from .rdfterms import from_rdflib, graph_of

    graph = graph_of(triples)
    before = set(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    inferred = []
    for s, p, o in graph:
        if (s, p, o) in before:
            continue
        try:
            triple = ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))
        except (TypeError, ValueError):
            continue  # literal subjects cannot be stored
        if keep_inferred(triple, ns):
            inferred.append(triple)
    return Closure("owlrl", len(triples), sorted(inferred, key=str))


def no_closure(triples: list[ox.Triple], ns: Namespaces) -> Closure:
    """For quick iterations on extraction: no inferences at all."""
    return Closure("none", len(triples), [])


ENGINES = {"owlrl": owlrl_closure, "none": no_closure}


def close(store: ox.Store, ns: Namespaces, engine: str = "owlrl") -> Closure:
    """Compute the closure and add it to the store's inferred graph."""
    closure = ENGINES[engine](reasoning_input(store, ns), ns)
    graph = ox.NamedNode(ns.inferred_graph)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in closure.inferred)
    return closure
