"""The extractor on documents it has never seen: texts written for these tests name zones, parks,
organisations, industries and corridors found nowhere in the seeds or the reference data. Each
builds alone (no manifest) and must yield typed new entities with stable IRIs and relation facts
whose evidence points at the words; every seed alone must too; random text must never crash."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import BuildOptions, run_build
from kg.documents import load_document
from kg.extract import extract
from kg.lexicon import load_lexicon
from kg.namespaces import DEFAULT_BASE, Namespaces
from kg.paths import REFERENCE_FILES
from kg.query import run_query
from kg.store import open_store

from .conftest import ROOT, SEEDS

UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
NS = Namespaces(DEFAULT_BASE)

# file → (new entities that must exist as (zh label, class)), (relation facts as (subject, relation, object))
EXPECTED = {
    "general_bonded_zone_notice.txt": (
        {("青崖综合保税区", "ComprehensiveBondedZone"), ("青崖县人民政府", "GovernmentBody"),
         ("光伏组件制造", "Industry"), ("咖啡精深加工业", "Industry"), ("青崖至成都铁路", "Route")},
        {("青崖综合保税区", "prioritisesIndustry", "光伏组件制造"), ("青崖综合保税区", "prioritisesIndustry", "跨境电商"),
         ("青崖综合保税区", "prioritisesIndustry", "咖啡精深加工业"), ("青崖至成都铁路", "connects", "成都"),
         ("青崖—重庆高速公路", "connects", "重庆"), ("青崖综合保税区", "cooperatesWith", "老挝")},
    ),
    "general_ftz_reform_notice.txt": (
        {("岷溪片区", "FreeTradeZoneArea"), ("岷溪片区管理委员会", "GovernmentBody"), ("数字贸易", "Industry"),
         ("岷溪—昆明高铁", "Route"), ("中越岷溪跨境经济合作区", "CrossBorderEconomicCooperationZone")},
        {("岷溪片区", "prioritisesIndustry", "数字贸易"), ("岷溪片区", "prioritisesIndustry", "生物医药"),
         ("岷溪—昆明高铁", "connects", "昆明"), ("中越岷溪跨境经济合作区", "cooperatesWith", "越南")},
    ),
    "general_western_zones_paper.txt": (
        {("泸岭经济技术开发区", "DevelopmentZone"), ("中哈泸岭产业园", "IndustrialPark"),
         ("新能源电池制造业", "Industry"), ("兰州—泸岭—西安铁路", "Route")},
        {("泸岭经济技术开发区", "prioritisesIndustry", "新能源电池制造业"),
         ("泸岭经济技术开发区", "prioritisesIndustry", "精细化工"), ("兰州—泸岭—西安铁路", "connects", "兰州"),
         ("兰州—泸岭—西安铁路", "connects", "西安"), ("中哈泸岭产业园", "cooperatesWith", "哈萨克斯坦"),
         ("泸岭经济技术开发区", "cooperatesWith", "哈萨克斯坦")},
    ),
}

_NEW_ENTITIES = """
SELECT ?e ?label ?type WHERE {
  GRAPH ?g { ?e kgo:machineExtracted true ; rdfs:label ?label ; a ?type FILTER(lang(?label) = "zh") }
}"""
_FACTS = """
SELECT ?s ?p ?o ?start ?end WHERE {
  GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kgo:startOffset ?start ; kgo:endOffset ?end
    FILTER(?p IN (kgo:prioritisesIndustry, kgo:connects, kgo:cooperatesWith)) }
}"""


def _build_alone(source: Path, tmp: Path, *, validate: bool = False, reasoner: str = "none"):
    seeds = tmp / "in"
    seeds.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, seeds / source.name)
    out = tmp / "out"
    result = run_build(BuildOptions(seeds=seeds, out=out, base=DEFAULT_BASE, reasoner=reasoner, validate=validate))
    return result, open_store(out)


def _rows(store, query: str) -> list[list[str]]:
    return [[t.value for t in row] for row in run_query(store, query, NS).rows]


def _labels(store) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for iri, label in _rows(store, 'SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(lang(?l) = "zh") }'):
        names.setdefault(iri, set()).add(label)
    return names


def _names_of(labels: dict[str, set[str]], iri: str) -> set[str]:
    names = labels.get(iri, set())
    return names | {n[:-1] for n in names if n.endswith(("市", "县"))}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_an_unseen_document_builds_alone_with_typed_new_entities_and_facts(tmp_path, name):
    source = UNSEEN / name
    result, store = _build_alone(source, tmp_path / "first")
    assert result.documents == 1 and result.facts > 0
    graphs = {row[0] for row in _rows(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    doc_graphs = [g for g in graphs if g.startswith(DEFAULT_BASE + "graph/") and not g.endswith(("/reference", "/ontology", "/inferred"))]
    assert len(doc_graphs) == 1  # the document's own named graph

    entities, relations = EXPECTED[name]
    new = {(label, t.rsplit("#", 1)[-1]): iri for iri, label, t in _rows(store, _NEW_ENTITIES)}
    for label, cls in entities:
        assert (label, cls) in new, f"{label} as {cls} not among {sorted(new)}"

    labels = _labels(store)
    raw = source.read_text(encoding="utf-8")
    found = set()
    for s, p, o, start, end in _rows(store, _FACTS):
        span = raw[int(start):int(end)]
        relation = p.rsplit("#", 1)[-1]
        for subject in _names_of(labels, s):
            for obj in _names_of(labels, o):
                found.add((subject, relation, obj))
                if (subject, relation, obj) in relations:
                    # the evidence points at the words that say it
                    assert obj in span or subject in span, (span, subject, obj)
    missing = relations - found
    assert not missing, f"missing {missing}"

    # the same document built again gives the same IRIs
    _, again = _build_alone(source, tmp_path / "second")
    assert {(label, t.rsplit("#", 1)[-1]): iri for iri, label, t in _rows(again, _NEW_ENTITIES)} == new


def test_an_unseen_document_builds_with_reasoning_and_conforms(tmp_path):
    result, store = _build_alone(UNSEEN / "general_bonded_zone_notice.txt", tmp_path, validate=True,
                                 reasoner="owlrl")
    assert result.validation.conforms, result.validation.summary()
    zone = _rows(store, 'SELECT ?z WHERE { ?z rdfs:label "青崖综合保税区"@zh ; a kgo:Zone }')
    assert zone  # the closure types a new comprehensive bonded zone as a zone


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_each_seed_built_alone_yields_typed_entities_and_facts(tmp_path, seed):
    result, store = _build_alone(SEEDS / seed, tmp_path)  # no manifest: metadata read off the text
    assert result.documents == 1
    typed = _rows(store, "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?t } "
                         "FILTER(STRSTARTS(STR(?g), STR(graph:)) && ?g != graph:reference && ?g != graph:ontology) }")
    relations = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                             "FILTER(?p IN (kgo:prioritisesIndustry, kgo:connects, kgo:cooperatesWith, kgo:locatedIn, "
                             "kgo:partOf, kgo:covers, kgo:hasPort, kgo:setsTask, kgo:approvedBy, kgo:mentionedIn)) }")
    assert int(typed[0][0]) >= 5
    assert int(relations[0][0]) >= 10


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(REFERENCE_FILES, NS)


_SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
_text = st.one_of(
    st.text(min_size=1, max_size=400),
    st.text(alphabet=st.sampled_from("试验区片区综合保税区产业园重点发展打造等产业、，。至—经铁路航线与合作中马钦州东盟\n 1a（）"),
            min_size=1, max_size=200),
    st.builds(lambda i, a, b: _SEED_TEXTS[i][min(a, b):max(a, b)],
              st.integers(0, len(_SEED_TEXTS) - 1), st.integers(0, 6000), st.integers(0, 6000)),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_text)
def test_extract_never_crashes_on_random_or_cut_text(tmp_path, lexicon, text):
    if not text.strip():
        return
    path = tmp_path / "random.txt"
    path.write_text(text, encoding="utf-8")
    try:
        document = load_document(path)
    except Exception as exc:  # bad input is refused with a one-line error, not a traceback
        from kg.errors import InputError

        assert isinstance(exc, InputError), exc
        return
    extraction = extract(document, lexicon, NS)
    for fact in extraction.facts:
        assert 0 <= fact.evidence.start <= fact.evidence.end <= len(document.raw)
