"""OWL 2 RL closure of the asserted data, kept in its own named graph.

Two engines give the same inferred triples (tests/test_equivalence.py checks it):

- ``native`` (the default): the OWL 2 RL rules this kind of ontology uses, run as an indexed,
  incremental fixpoint over integer-coded triples. The T-box is read from the input itself, as
  owlrl reads it, so new classes and properties need no code. Constructs it does not implement
  (restrictions, property chains, functional properties, owl:sameAs, …) stop the build with a
  message pointing at the reference engine instead of silently giving a smaller closure.
- ``owlrl``: the reference, owlrl's full OWL 2 RL semantics over an rdflib graph. Correct and
  slow (seconds at ten thousand triples, minutes beyond a hundred thousand).

Evidence nodes are left out of the input: they describe where triples come from, and
reasoning over reified statements only adds noise.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UserError
from .namespaces import STANDARD_PREFIXES, Namespaces

RDF = STANDARD_PREFIXES["rdf"]
RDFS = STANDARD_PREFIXES["rdfs"]
OWL = STANDARD_PREFIXES["owl"]
OWL_THING = OWL + "Thing"
RDFS_RESOURCE = RDFS + "Resource"
OWL_SAME_AS = OWL + "sameAs"
RDF_TYPE = RDF + "type"

# Axioms owlrl adds whatever the input (rules cls-thing, cls-nothing, prp-ap).
_ANNOTATION_PROPERTIES = (
    RDFS + "label", RDFS + "comment", RDFS + "seeAlso", RDFS + "isDefinedBy", OWL + "deprecated",
    OWL + "versionInfo", OWL + "priorVersion", OWL + "backwardCompatibleWith", OWL + "incompatibleWith",
)
# OWL 2 RL vocabulary whose rules the native engine does not implement. Rules that only report
# inconsistencies (disjointness, asymmetry, irreflexivity, negative assertions) add no triples a
# reader keeps, so they are not listed; SHACL shapes report those clashes instead.
_UNSUPPORTED_PREDICATES = {
    OWL + local for local in (
        "intersectionOf", "unionOf", "someValuesFrom", "allValuesFrom", "hasValue", "oneOf",
        "maxCardinality", "maxQualifiedCardinality", "propertyChainAxiom", "hasKey",
    )
}
_UNSUPPORTED_TYPES = {OWL + "FunctionalProperty", OWL + "InverseFunctionalProperty"}


@dataclass(frozen=True)
class Closure:
    """Triples the reasoner added, already filtered to what is worth keeping."""

    engine: str
    input_triples: int
    inferred: list[ox.Triple]


def reasoning_input(store: ox.Store, ns: Namespaces) -> list[ox.Triple]:
    """Every asserted triple except evidence descriptions and inferences.

    The filtering runs inside the store's query engine, so evidence nodes (most of the data)
    never become Python objects.
    """
    evidence = f'(isIRI(?s) && STRSTARTS(STR(?s), "{ns.base}evidence/"))'
    query = (
        "SELECT DISTINCT ?s ?p ?o WHERE { "
        f"{{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{ns.inferred_graph}> && !{evidence}) }} "
        f"UNION {{ ?s ?p ?o FILTER(!{evidence}) }} }}"  # the default graph, should anything be there
    )
    return [ox.Triple(s, p, o) for s, p, o in store.query(query)]


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


class UnsupportedOntology(UserError):
    """The T-box uses OWL constructs the native engine does not implement."""


class _Rules:
    """The OWL 2 RL rules for class and property axioms, as an incremental fixpoint.

    Terms are coded as integers; each new triple is joined once against indexes of everything
    derived so far, from every body atom it can match, so the result does not depend on the
    order triples arrive in. Rule names follow the OWL 2 RL profile (tables 4–9): cax-sco,
    cax-eqc, prp-dom, prp-rng, prp-symp, prp-trp, prp-spo1, prp-eqp, prp-inv and the scm-*
    schema rules, with owlrl's guards so the results match it triple for triple.
    """

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}
        self.terms: list[object] = []
        self.by_ps: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.by_po: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.agenda: list[tuple[int, int, int]] = []
        c = self.code
        self.TYPE, self.SCO, self.EQC = c(ox.NamedNode(RDF_TYPE)), c(ox.NamedNode(RDFS + "subClassOf")), \
            c(ox.NamedNode(OWL + "equivalentClass"))
        self.SPO, self.EQP, self.INV = c(ox.NamedNode(RDFS + "subPropertyOf")), \
            c(ox.NamedNode(OWL + "equivalentProperty")), c(ox.NamedNode(OWL + "inverseOf"))
        self.DOM, self.RNG = c(ox.NamedNode(RDFS + "domain")), c(ox.NamedNode(RDFS + "range"))
        self.SYM, self.TRANS = c(ox.NamedNode(OWL + "SymmetricProperty")), c(ox.NamedNode(OWL + "TransitiveProperty"))
        self.CLASS, self.THING, self.NOTHING = c(ox.NamedNode(OWL + "Class")), c(ox.NamedNode(OWL_THING)), \
            c(ox.NamedNode(OWL + "Nothing"))
        self.PROPERTY_TYPES = {c(ox.NamedNode(OWL + "ObjectProperty")), c(ox.NamedNode(OWL + "DatatypeProperty")),
                               c(ox.NamedNode(RDF + "Property"))}

    def code(self, term) -> int:
        number = self.codes.get(term)
        if number is None:
            number = self.codes[term] = len(self.terms)
            self.terms.append(term)
        return number

    def has(self, s: int, p: int, o: int) -> bool:
        objects = self.by_ps.get(p)
        return objects is not None and o in objects.get(s, ())

    def objects(self, s: int, p: int):
        objects = self.by_ps.get(p)
        return tuple(objects.get(s, ())) if objects is not None else ()

    def subjects(self, p: int, o: int):
        subjects = self.by_po.get(p)
        return tuple(subjects.get(o, ())) if subjects is not None else ()

    def pairs(self, p: int):
        objects = self.by_ps.get(p)
        return [(s, o) for s, os in objects.items() for o in os] if objects is not None else []

    def add(self, s: int, p: int, o: int) -> None:
        objects = self.by_ps[p][s]
        if o not in objects:
            objects.add(o)
            self.by_po[p][o].add(s)
            self.agenda.append((s, p, o))

    def run(self) -> None:
        agenda = self.agenda
        while agenda:
            self.fire(*agenda.pop())

    def fire(self, s: int, p: int, o: int) -> None:  # noqa: C901 - one branch per rule, as in the profile
        add = self.add
        TYPE, SCO, EQC, SPO, EQP = self.TYPE, self.SCO, self.EQC, self.SPO, self.EQP
        # the triple as data: rules whose schema atom is about its predicate
        for c in self.objects(p, self.DOM):  # prp-dom
            add(s, TYPE, c)
        for c in self.objects(p, self.RNG):  # prp-rng
            add(o, TYPE, c)
        if self.has(p, TYPE, self.SYM):  # prp-symp
            add(o, p, s)
        if self.has(p, TYPE, self.TRANS):  # prp-trp, the new triple as either link of the chain
            for z in self.objects(o, p):
                add(s, p, z)
            for w in self.subjects(p, s):
                add(w, p, o)
        for p2 in self.objects(p, SPO):  # prp-spo1
            add(s, p2, o)
        for p2 in self.objects(p, EQP):  # prp-eqp1
            if p2 != p:
                add(s, p2, o)
        for p1 in self.subjects(EQP, p):  # prp-eqp2
            if p1 != p:
                add(s, p1, o)
        for p2 in self.objects(p, self.INV):  # prp-inv1
            add(o, p2, s)
        for p1 in self.subjects(self.INV, p):  # prp-inv2
            add(o, p1, s)

        # the triple as schema
        if p == TYPE:
            for c2 in self.objects(o, SCO):  # cax-sco
                if c2 != o:
                    add(s, TYPE, c2)
            for c2 in self.objects(o, EQC):  # cax-eqc1
                if c2 != o:
                    add(s, TYPE, c2)
            for c1 in self.subjects(EQC, o):  # cax-eqc2
                if c1 != o:
                    add(s, TYPE, c1)
            if o == self.CLASS:  # scm-cls
                add(s, SCO, s)
                add(s, EQC, s)
                add(s, SCO, self.THING)
                add(self.NOTHING, SCO, s)
            elif o in self.PROPERTY_TYPES:  # scm-op, scm-dp
                add(s, SPO, s)
                add(s, EQP, s)
            elif o == self.SYM:
                for x, y in self.pairs(s):
                    add(y, s, x)
            elif o == self.TRANS:
                for x, y in self.pairs(s):
                    for z in self.objects(y, s):
                        add(x, s, z)
        elif p == SCO:
            if s != o:
                for x in self.subjects(TYPE, s):  # cax-sco
                    add(x, TYPE, o)
                for c3 in self.objects(o, SCO):  # scm-sco, first link
                    if c3 != s:
                        add(s, SCO, c3)
                for prop in self.subjects(self.DOM, s):  # scm-dom1
                    add(prop, self.DOM, o)
                for prop in self.subjects(self.RNG, s):  # scm-rng1
                    add(prop, self.RNG, o)
            for c1 in self.subjects(SCO, s):  # scm-sco, second link
                if c1 != s and c1 != o:
                    add(c1, SCO, o)
            if self.has(o, SCO, s):  # scm-eqc2, from either triple
                add(s, EQC, o)
                add(o, EQC, s)
        elif p == EQC:
            if s != o:
                for x in self.subjects(TYPE, s):  # cax-eqc1
                    add(x, TYPE, o)
                for x in self.subjects(TYPE, o):  # cax-eqc2
                    add(x, TYPE, s)
                add(s, SCO, o)  # scm-eqc1
                add(o, SCO, s)
        elif p == SPO:
            for x, y in self.pairs(s):  # prp-spo1
                add(x, o, y)
            if s != o:
                for p3 in self.objects(o, SPO):  # scm-spo, first link
                    if p3 != s:
                        add(s, SPO, p3)
                for p1 in self.subjects(SPO, s):  # scm-spo, second link
                    if p1 != s and p1 != o:
                        add(p1, SPO, o)
                if self.has(o, SPO, s):  # scm-eqp2
                    add(s, EQP, o)
                    add(o, EQP, s)
                for c in self.objects(o, self.DOM):  # scm-dom2
                    add(s, self.DOM, c)
                for c in self.objects(o, self.RNG):  # scm-rng2
                    add(s, self.RNG, c)
        elif p == EQP:
            if s != o:
                for x, y in self.pairs(s):  # prp-eqp1
                    add(x, o, y)
                for x, y in self.pairs(o):  # prp-eqp2
                    add(x, s, y)
                add(s, SPO, o)  # scm-eqp1
                add(o, SPO, s)
        elif p == self.INV:
            for x, y in self.pairs(s):  # prp-inv1
                add(y, o, x)
            for x, y in self.pairs(o):  # prp-inv2
                add(y, s, x)
        elif p == self.DOM or p == self.RNG:
            position = 0 if p == self.DOM else 1
            for pair in self.pairs(s):  # prp-dom, prp-rng
                add(pair[position], TYPE, o)
            for c2 in self.objects(o, SCO):  # scm-dom1, scm-rng1
                if c2 != o:
                    add(s, p, c2)
            for p1 in self.subjects(SPO, s):  # scm-dom2, scm-rng2
                if p1 != s:
                    add(p1, p, o)


def check_supported(triples: list[ox.Triple]) -> None:
    """Refuse inputs whose closure needs rules the native engine does not have."""
    for t in triples:
        predicate = t.predicate.value
        if predicate in _UNSUPPORTED_PREDICATES or (predicate == RDF_TYPE and t.object.value in _UNSUPPORTED_TYPES):
            raise UnsupportedOntology(
                f"the native reasoner does not implement {predicate if predicate != RDF_TYPE else t.object.value} "
                f"(used by {t.subject}); build with --reasoner owlrl")
        if predicate == OWL_SAME_AS and t.subject != t.object:
            raise UnsupportedOntology(
                f"the native reasoner does not implement owl:sameAs ({t.subject} sameAs {t.object}); "
                "build with --reasoner owlrl")


def native_closure(triples: list[ox.Triple], ns: Namespaces) -> Closure:
    """The rules the ontology needs, computed directly; same filtered result as owlrl."""
    check_supported(triples)
    rules = _Rules()
    code = rules.code
    asserted = set()
    for t in triples:
        coded = (code(t.subject), code(t.predicate), code(t.object))
        asserted.add(coded)
        rules.add(*coded)
    for axiom in ((rules.THING, rules.TYPE, rules.CLASS), (rules.NOTHING, rules.TYPE, rules.CLASS)):
        rules.add(*axiom)
    annotation = code(ox.NamedNode(OWL + "AnnotationProperty"))
    for iri in _ANNOTATION_PROPERTIES:
        rules.add(code(ox.NamedNode(iri)), rules.TYPE, annotation)
    rules.run()

    terms = rules.terms
    inferred = []
    for p, by_subject in rules.by_ps.items():
        predicate = terms[p]
        if not isinstance(predicate, ox.NamedNode):
            continue
        for s, objects in by_subject.items():
            subject = terms[s]
            if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(ns.base):
                continue
            for o in objects:
                if (s, p, o) in asserted:
                    continue
                triple = ox.Triple(subject, predicate, terms[o])
                if keep_inferred(triple, ns):
                    inferred.append(triple)
    return Closure("native", len(triples), sorted(inferred, key=str))


def no_closure(triples: list[ox.Triple], ns: Namespaces) -> Closure:
    """For quick iterations on extraction: no inferences at all."""
    return Closure("none", len(triples), [])


ENGINES = {"native": native_closure, "owlrl": owlrl_closure, "none": no_closure}
DEFAULT_ENGINE = "native"


def close(store: ox.Store, ns: Namespaces, engine: str = DEFAULT_ENGINE) -> Closure:
    """Compute the closure and add it to the store's inferred graph."""
    closure = ENGINES[engine](reasoning_input(store, ns), ns)
    graph = ox.NamedNode(ns.inferred_graph)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in closure.inferred)
    return closure
