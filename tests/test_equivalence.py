"""The fast engines agree with the reference engines, result for result.

- Reasoning: the native OWL 2 RL closure gives exactly owlrl's filtered inferred triples, on the
  seeds' asserted graph and on a synthetic graph exercising every rule the native engine has.
- Validation: the native SHACL engine (shapes compiled to SPARQL) gives exactly pyshacl's set of
  (focus, path, shape, component, severity, value) results, on the seeds' closed graph and on a
  graph with seeded breakages (missing label, wrong datatype, zone without location, observation
  without unit, dangling evidence, and more).
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.assemble import DatasetParts, assemble
from kg.documents import load_corpus
from kg.extract import extract
from kg.lexicon import load_lexicon
from kg.paths import ONTOLOGY_FILE, REFERENCE_FILES, SHAPES_FILE
from kg.reason import UnsupportedOntology, close, native_closure, owlrl_closure, reasoning_input
from kg.shacl import UnsupportedShape
from kg.validate import native_validate, pyshacl_validate

from .conftest import SEEDS

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"


def _asserted(ns) -> ox.Store:
    documents = load_corpus(SEEDS)
    lexicon = load_lexicon(REFERENCE_FILES, ns)
    return assemble(documents, [extract(d, lexicon, ns) for d in documents],
                    DatasetParts(ONTOLOGY_FILE, REFERENCE_FILES), ns)


@pytest.fixture(scope="module")
def asserted(ns) -> ox.Store:
    return _asserted(ns)


@pytest.fixture(scope="module")
def closed(ns) -> ox.Store:
    store = _asserted(ns)
    close(store, ns, "native")
    return store


def _strings(closure) -> list[str]:
    return [str(t) for t in closure.inferred]


# --- reasoning ----------------------------------------------------------------------------------

def test_native_closure_equals_owlrl_on_the_seeds(asserted, ns):
    triples = reasoning_input(asserted, ns)
    native, reference = native_closure(triples, ns), owlrl_closure(triples, ns)
    assert len(native.inferred) > 1000
    assert _strings(native) == _strings(reference)


def test_native_closure_has_the_entailments_the_ontology_promises(asserted, ns):
    inferred = {str(t) for t in native_closure(reasoning_input(asserted, ns), ns).inferred}
    kgo, zone, place = ns.kgo, ns.base + "id/zone/", ns.base + "id/place/"
    # transitive locatedIn: the Dongxing pilot zone is in China through Guangxi
    assert f"<{zone}dongxing-pilot-zone> <{kgo('locatedIn')}> <{place}china>" in inferred
    # inverse: Guangxi is the location of it
    assert f"<{place}guangxi> <{kgo('locationOf')}> <{zone}dongxing-pilot-zone>" in inferred
    # subclass typing: a border pilot zone is a zone and a platform
    assert f"<{zone}dongxing-pilot-zone> <{RDF}type> <{kgo('Platform')}>" in inferred
    # schema: subclass transitivity in the T-box
    assert f"<{kgo('BorderPilotZone')}> <{RDFS}subClassOf> <{kgo('Platform')}>" in inferred


def _synthetic(base: str, data: list[tuple[str, str, str]]) -> list[ox.Triple]:
    """A small T-box using every construct the native engine implements, plus data."""
    o = lambda local: ox.NamedNode(base + "ontology#" + local)  # noqa: E731
    r = lambda local: ox.NamedNode(base + "id/thing/" + local)  # noqa: E731
    rdf = lambda local: ox.NamedNode(RDF + local)  # noqa: E731
    rdfs = lambda local: ox.NamedNode(RDFS + local)  # noqa: E731
    owl = lambda local: ox.NamedNode(OWL + local)  # noqa: E731
    restriction = ox.BlankNode("anonymousClass")
    tbox = [
        (o("A"), rdf("type"), owl("Class")), (o("B"), rdf("type"), owl("Class")),
        (o("C"), rdf("type"), owl("Class")), (o("D"), rdf("type"), owl("Class")),
        (o("E"), rdf("type"), owl("Class")), (o("F"), rdf("type"), owl("Class")),
        (o("A"), rdfs("subClassOf"), o("B")), (o("B"), rdfs("subClassOf"), o("C")),
        (o("C"), rdfs("subClassOf"), ox.NamedNode("http://example.org/External")),
        (o("D"), owl("equivalentClass"), o("E")),
        (o("E"), rdfs("subClassOf"), o("F")), (o("F"), rdfs("subClassOf"), o("E")),
        (o("F"), rdfs("subClassOf"), restriction), (restriction, rdfs("subClassOf"), o("C")),
        (o("within"), rdf("type"), owl("ObjectProperty")), (o("within"), rdf("type"), owl("TransitiveProperty")),
        (o("contains"), rdf("type"), owl("ObjectProperty")), (o("contains"), owl("inverseOf"), o("within")),
        (o("contains"), rdf("type"), owl("TransitiveProperty")),
        (o("near"), rdf("type"), owl("ObjectProperty")), (o("near"), rdf("type"), owl("SymmetricProperty")),
        (o("near"), rdfs("domain"), o("A")),
        (o("touches"), rdf("type"), owl("ObjectProperty")), (o("touches"), rdfs("subPropertyOf"), o("near")),
        (o("adjoins"), rdf("type"), owl("ObjectProperty")), (o("adjoins"), owl("equivalentProperty"), o("touches")),
        (o("linked"), rdf("type"), owl("ObjectProperty")), (o("linked"), rdfs("subPropertyOf"), o("related")),
        (o("related"), rdf("type"), owl("ObjectProperty")), (o("related"), rdfs("subPropertyOf"), o("linked")),
        (o("related"), rdfs("range"), o("D")),
        (o("within"), rdfs("range"), o("B")),
        (o("size"), rdf("type"), owl("DatatypeProperty")), (o("size"), rdfs("domain"), o("D")),
        (o("size"), rdfs("range"), ox.NamedNode(XSD + "decimal")),
        (o("note"), rdf("type"), owl("AnnotationProperty")),
        (o("A"), owl("disjointWith"), o("D")),
    ]
    rows = [ox.Triple(*t) for t in tbox]
    for s, p, obj in data:
        target = ox.Literal(obj[1:], datatype=ox.NamedNode(XSD + "decimal")) if obj.startswith("#") \
            else (o(obj) if obj[0].isupper() else r(obj))
        rows.append(ox.Triple(r(s), rdf("type") if p == "type" else o(p), target))
    return rows


SYNTHETIC_DATA = [
    ("x", "type", "A"), ("y", "within", "z"), ("z", "within", "w"), ("w", "contains", "v"),
    ("a", "near", "b"), ("c", "touches", "d"), ("e", "adjoins", "f"), ("g", "linked", "h"),
    ("h", "type", "D"), ("i", "type", "E"), ("j", "size", "#12.5"), ("k", "related", "k"),
    ("m", "within", "n"), ("n", "within", "m"),
]


def test_native_closure_equals_owlrl_on_a_synthetic_graph(ns):
    triples = _synthetic(ns.base, SYNTHETIC_DATA)
    native, reference = native_closure(triples, ns), owlrl_closure(triples, ns)
    assert _strings(native) == _strings(reference)
    inferred = set(_strings(native))
    o, r = ns.base + "ontology#", ns.base + "id/thing/"
    assert f"<{r}y> <{o}within> <{r}w>" in inferred  # transitive
    assert f"<{r}v> <{o}within> <{r}w>" in inferred  # inverse
    assert f"<{r}b> <{o}near> <{r}a>" in inferred  # symmetric
    assert f"<{r}f> <{o}touches> <{r}e>" not in inferred and f"<{r}e> <{o}touches> <{r}f>" in inferred
    assert f"<{r}i> <{RDF}type> <{o}D>" in inferred  # equivalent class
    assert f"<{o}E> <{OWL}equivalentClass> <{o}F>" in inferred  # mutual subclasses
    assert f"<{r}x> <{RDF}type> <http://example.org/External>" in inferred


_NAMES = st.sampled_from(["p", "q", "s", "t", "u"])
_PREDICATES = st.sampled_from(["type", "within", "contains", "near", "touches", "adjoins", "linked", "related"])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_NAMES, _PREDICATES, _NAMES), min_size=1, max_size=12))
def test_native_closure_equals_owlrl_on_random_data(ns, data):
    classes = {"p": "A", "q": "B", "s": "D", "t": "E", "u": "F"}
    rows = [(s, p, classes[o] if p == "type" else o) for s, p, o in data]
    triples = _synthetic(ns.base, rows)
    assert _strings(native_closure(triples, ns)) == _strings(owlrl_closure(triples, ns))


def test_native_closure_refuses_constructs_it_does_not_implement(ns):
    triples = _synthetic(ns.base, SYNTHETIC_DATA) + [
        ox.Triple(ox.NamedNode(ns.kgo("Z")), ox.NamedNode(OWL + "someValuesFrom"), ox.NamedNode(ns.kgo("A")))]
    with pytest.raises(UnsupportedOntology, match="someValuesFrom"):
        native_closure(triples, ns)


# --- validation ---------------------------------------------------------------------------------

def _keys(report) -> Counter:
    return Counter(f.key() for f in report.findings)


def _shapes(ns) -> str:
    return ns.rebase(SHAPES_FILE.read_text(encoding="utf-8"))


def test_native_validation_equals_pyshacl_on_the_seeds(closed, ns):
    native, reference = native_validate(closed, _shapes(ns), ns), pyshacl_validate(closed, _shapes(ns))
    assert native.findings, "the seeds have warnings and infos to compare"
    assert native.conforms == reference.conforms
    assert _keys(native) == _keys(reference)


def _broken(closed: ox.Store, ns) -> tuple[ox.Store, dict[str, str]]:
    """The non-evidence part of the seeds' graph, evidence of one document, and breakages."""
    kgo = lambda local: ox.NamedNode(ns.kgo(local))  # noqa: E731
    iri = lambda kind, slug: ox.NamedNode(ns.entity(kind, slug))  # noqa: E731
    rdf_type, label = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label")
    evidence_prefix = ns.base + "evidence/"
    keep_evidence = ns.base + "evidence/baise-pilot-zone-news-2020/"
    store = ox.Store()
    store.extend(q for q in closed.quads_for_pattern(None, None, None, None)
                 if not q.subject.value.startswith(evidence_prefix) or q.subject.value.startswith(keep_evidence))
    graph = ox.NamedNode(ns.graph("broken"))

    def add(s, p, o) -> None:
        store.add(ox.Quad(s, p, o, graph))

    def drop(s, p) -> None:
        for q in list(store.quads_for_pattern(s, p, None, None)):
            store.remove(q)

    # missing label
    unlabelled = iri("place", "baise")
    drop(unlabelled, label)
    # zone without location (every anchoring property removed, both directions)
    anchorless = iri("zone", "dongxing-pilot-zone")
    for local in ("locatedIn", "partOf", "covers", "hasPart"):
        drop(anchorless, kgo(local))
    # wrong datatypes: a gYear given as an integer, an ill-formed decimal
    add(anchorless, kgo("establishedYear"), ox.Literal("2012", datatype=ox.NamedNode(XSD + "integer")))
    add(iri("zone", "pingxiang-pilot-zone"), kgo("areaSqKm"), ox.Literal("abc", datatype=ox.NamedNode(XSD + "decimal")))
    # duplicate label language, label without language, pinyin with tones
    add(iri("place", "fangchenggang"), label, ox.Literal("另一个名字", language="zh"))
    add(iri("place", "chongzuo"), label, ox.Literal("Chongzuo plain"))
    add(iri("place", "chongzuo"), kgo("pinyin"), ox.Literal("Chóng Zuǒ"))
    # observations: one complete, one without unit and with a constraint kind outside the vocabulary
    indicator = iri("indicator", "gdp")
    add(indicator, rdf_type, kgo("Indicator"))
    add(indicator, label, ox.Literal("地区生产总值", language="zh"))
    for slug, unit, kind in (("complete", "亿元", "Expected"), ("unitless", None, "Unknown")):
        obs = iri("observation", slug)
        add(obs, rdf_type, kgo("Observation"))
        add(obs, kgo("observedEntity"), iri("zone", "baise-pilot-zone"))
        add(obs, kgo("indicator"), indicator)
        add(obs, kgo("value"), ox.Literal("12.5", datatype=ox.NamedNode(XSD + "decimal")))
        add(obs, kgo("period"), ox.Literal("2020"))
        add(obs, kgo("status"), kgo("Actual"))
        add(obs, kgo("constraintKind"), kgo(kind))
        if unit:
            add(obs, kgo("unit"), ox.Literal(unit))
    # dangling evidence: no subject, a document that is not a source document, offsets reversed
    dangling = ox.NamedNode(ns.evidence("broken", "dangling"))
    add(dangling, rdf_type, kgo("Evidence"))
    add(dangling, ox.NamedNode(RDF + "predicate"), label)
    add(dangling, ox.NamedNode(RDF + "object"), ox.Literal("x"))
    add(dangling, kgo("rule"), ox.Literal("gazetteer"))
    add(dangling, kgo("document"), iri("place", "baise"))
    add(dangling, kgo("startOffset"), ox.Literal("20", datatype=ox.NamedNode(XSD + "integer")))
    add(dangling, kgo("endOffset"), ox.Literal("10", datatype=ox.NamedNode(XSD + "integer")))
    # a place that is also an organisation (disjoint classes)
    add(iri("place", "beihai"), rdf_type, kgo("Organisation"))
    return store, {"unlabelled": unlabelled.value, "anchorless": anchorless.value, "dangling": dangling.value,
                   "unitless": ns.entity("observation", "unitless")}


def test_native_validation_equals_pyshacl_on_a_broken_graph(closed, ns):
    store, broken = _broken(closed, ns)
    native, reference = native_validate(store, _shapes(ns), ns), pyshacl_validate(store, _shapes(ns))
    assert not native.conforms and not reference.conforms
    assert _keys(native) == _keys(reference)
    found = {(f.focus, f.shape.rsplit("#", 1)[-1]) for f in native.findings if f.shape}
    for expected in [(broken["unlabelled"], "label-minCount"), (broken["anchorless"], "PlatformAnchorShape"),
                     (broken["anchorless"], "establishedYear-datatype"), (broken["unitless"], "Observation-unit"),
                     (broken["unitless"], "constraintKind-in"), (broken["dangling"], "Evidence-subject"),
                     (broken["dangling"], "Evidence-document"), (broken["dangling"], "Evidence-startOffset")]:
        assert expected in found, expected


def test_native_report_graph_is_deterministic_and_parses(closed, ns):
    store, _ = _broken(closed, ns)
    first, second = native_validate(store, _shapes(ns), ns), native_validate(store, _shapes(ns), ns)
    assert first.report_turtle == second.report_turtle
    report = ox.Store()
    report.load(first.report_turtle.encode(), format=ox.RdfFormat.TURTLE)
    results = list(report.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{SH}ValidationResult> }}"))
    assert int(results[0]["n"].value) == len(first.findings)


def test_native_validator_refuses_shapes_it_does_not_implement(closed, ns):
    shapes = _shapes(ns) + "\nkgs:ClosedShape a sh:NodeShape ; sh:targetClass kgo:Place ; sh:closed true .\n"
    with pytest.raises(UnsupportedShape, match="closed"):
        native_validate(closed, shapes, ns)


def _whole_dataset_report(build_dir, ns):
    """Every shape run over the built store's named graphs at once, as the reference does."""
    from kg.store import STORE_DIR

    stored = ox.Store.read_only(str(build_dir / STORE_DIR))
    whole = ox.Store()
    whole.bulk_extend(q for q in stored if not isinstance(q.graph_name, ox.DefaultGraph))
    return native_validate(whole, _shapes(ns), ns)


def test_build_validating_evidence_document_by_document_equals_whole_dataset_validation(seeds_build, ns):
    """The build runs the evidence shapes on each document's graph in the extraction workers and
    the other shapes on the whole dataset; together they give the whole-dataset report, byte for byte."""
    whole = _whole_dataset_report(seeds_build.out, ns)
    assert (seeds_build.out / "validation.ttl").read_text(encoding="utf-8") == whole.report_turtle
    assert [f.key() for f in seeds_build.validation.findings] == [f.key() for f in whole.findings]


def test_malformed_evidence_in_a_document_is_caught_by_the_build(tmp_path, monkeypatch, ns):
    """Evidence without its rule, written by a (sabotaged) assembler in the extraction workers, fails
    the build's validation exactly as a whole-dataset validation fails it."""
    import shutil

    from kg import assemble
    from kg.build import BuildOptions, run_build

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in ("000_77b6502d2c739a3c.txt", "002_7baeba919f922f10.txt", "manifest.json"):
        shutil.copy(SEEDS / name, seeds / name)
    reified = assemble.DatasetWriter.reified

    def without_rule(self, s, p, o, graph, scope, key, extra):
        if scope != assemble.REFERENCE_DOC_ID and p.endswith("#label>"):
            extra = [(predicate, value) for predicate, value in extra if not predicate.endswith("#rule>")]
        return reified(self, s, p, o, graph, scope, key, extra)

    monkeypatch.setattr(assemble.DatasetWriter, "reified", without_rule)
    result = run_build(BuildOptions(seeds=seeds, out=tmp_path / "build", base=ns.base, jobs=2))
    assert not result.validation.conforms
    broken = [f for f in result.validation.findings if f.shape and f.shape.endswith("Evidence-rule")]
    assert broken and all(f.level == "ERROR" and f.focus.startswith(ns.base + "evidence/") for f in broken)
    assert {f.focus.split("/")[-2] for f in broken} == {"baise-pilot-zone-news-2020", "guangxi-opening-up-news-2021"}
    whole = _whole_dataset_report(tmp_path / "build", ns)
    assert [f.key() for f in result.validation.findings] == [f.key() for f in whole.findings]
