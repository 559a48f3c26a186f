"""Structure and establishment of zones: coordinated lists, spatial units of a layout, coverage,
parts, ports, locations, areas, establishment dates and approving bodies.

Content checks on the seeds (extraction in-process, quick), on two unseen documents of the same
genres built into a store (each document's facts in its own named graph), on the list reader
alone, and on arbitrary text (the rules never crash).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.build import BuildOptions, run_build
from kg.documents import load_document
from kg.extract import extract
from kg.extract.lists import find_lists, parse_count
from kg.extract.mentions import find_mentions
from kg.model import Extraction
from kg.namespaces import DEFAULT_BASE, Namespaces
from kg.paths import REFERENCE_FILES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen"
NS = Namespaces()
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
ZONE = NS.base + "id/zone/"
PORT = NS.base + "id/port/"
PLACE = NS.base + "id/place/"
STATE_COUNCIL = NS.base + "id/organisation/state-council"

NINE_PILOT_ZONES = {  # curated slug → province slug
    "dongxing-pilot-zone": "guangxi", "pingxiang-pilot-zone": "guangxi", "baise-pilot-zone": "guangxi",
    "ruili-pilot-zone": "yunnan", "mengla-mohan-pilot-zone": "yunnan", "manzhouli-pilot-zone": "inner-mongolia",
    "erenhot-pilot-zone": "inner-mongolia", "suifenhe-dongning-pilot-zone": "heilongjiang",
    "tacheng-pilot-zone": "xinjiang",
}


class Facts:
    """One document's extraction, looked up by IRI or by zh label."""

    def __init__(self, extraction: Extraction) -> None:
        self.extraction = extraction
        self.by_label: dict[str, set[str]] = defaultdict(set)
        for entity in extraction.entities.values():
            self.by_label[entity.label_zh].add(entity.iri)

    def iri(self, label: str) -> str:
        found = self.by_label.get(label, set())
        assert len(found) == 1, f"{label!r} names {found or 'nothing'}"
        return next(iter(found))

    def facts(self, subject: str, predicate: str):
        pred = predicate if predicate.startswith("http") else NS.kgo(predicate)
        return [f for f in self.extraction.facts if f.subject == subject and f.predicate == pred]

    def objects(self, subject: str, predicate: str) -> set[str]:
        return {f.obj.value for f in self.facts(subject, predicate)}

    def subjects(self, predicate: str, obj: str) -> set[str]:
        pred = NS.kgo(predicate)
        return {f.subject for f in self.extraction.facts if f.predicate == pred and f.obj.value == obj}


@pytest.fixture(scope="module")
def seed(seed_extraction):
    return lambda prefix: Facts(seed_extraction(prefix))


# ---------------------------------------------------------------- 000: the Baise pilot zone


def test_000_baise_zone_approved_by_the_state_council_on_30_march_2020(seed):
    facts = seed("000")
    baise = ZONE + "baise-pilot-zone"
    approvals = facts.facts(baise, "approvedBy")
    assert {f.obj.value for f in approvals} == {STATE_COUNCIL}
    assert "国务院批复设立广西百色重点开发开放试验区" in approvals[0].evidence.sentence.text
    assert facts.objects(baise, "establishedDate") == {"2020-03-30"}
    assert facts.objects(baise, "establishedYear") == {"2020"}
    date = facts.facts(baise, "establishedDate")[0]
    assert date.obj.datatype.endswith("#date")
    assert date.evidence.surface.startswith("2020年3月30日")


def test_000_three_zones_and_one_axis_are_spatial_units_of_the_baise_zone(seed):
    facts = seed("000")
    baise = ZONE + "baise-pilot-zone"
    units = {name: facts.iri(name) for name in ("开放引领区", "重点开发区", "绿色发展区", "联动发展轴")}
    for name, iri in units.items():
        assert NS.kgo("SpatialUnit") in facts.objects(iri, RDF_TYPE), name
        part_of = facts.facts(iri, "partOf")
        assert {f.obj.value for f in part_of} == {baise}, name
        assert "即开放引领区、重点开发区、绿色发展区、联动发展轴" in part_of[0].evidence.sentence.text
    assert len(set(units.values())) == 4


def test_000_each_unit_covers_the_counties_its_sentence_lists(seed):
    facts = seed("000")
    expected = {
        "开放引领区": {"jingxi", "napo", "debao"},
        "重点开发区": {"youjiang", "tianyang", "tiandong", "pingguo"},
        "绿色发展区": {"lingyun", "leye", "tianlin", "longlin", "xilin"},
    }
    for unit, counties in expected.items():
        covers = facts.facts(facts.iri(unit), "covers")
        assert {f.obj.value for f in covers} == {PLACE + c for c in counties}, unit
        for fact in covers:
            assert unit in fact.evidence.sentence.text and fact.evidence.surface in fact.evidence.sentence.text
    opening = facts.facts(facts.iri("开放引领区"), "covers")
    assert all(name in opening[0].evidence.sentence.text for name in ("靖西", "那坡", "德保"))


def test_000_zone_covers_baise_city_has_two_border_ports_and_its_area(seed):
    facts = seed("000")
    baise = ZONE + "baise-pilot-zone"
    assert facts.objects(baise, "covers") == {PLACE + "baise"}
    assert facts.objects(baise, "hasPort") == {PORT + "longbang-port", PORT + "pingmeng-port"}
    assert facts.objects(baise, "areaSqKm") == {"36300"}
    # 龙邦 in "龙邦、平孟2个国家边境口岸" is the port, and keeps the name the text gives it
    assert facts.objects(PORT + "longbang-port", SKOS_ALT) == {"龙邦"}
    assert NS.kgo("BorderPort") in facts.objects(PORT + "pingmeng-port", RDF_TYPE)
    assert not any("guo-jia-bian-jing" in iri for iri in facts.extraction.entities)


# ---------------------------------------------------------------- 001: the paper on the nine zones


def test_001_the_nine_pilot_zones_of_the_list_are_each_found_with_their_provinces(seed):
    facts = seed("001")
    found = {f.subject for f in facts.extraction.facts
             if f.predicate == RDF_TYPE and f.evidence.rule == "coordination:试验区"}
    assert found == {ZONE + slug for slug in NINE_PILOT_ZONES}
    for fact in facts.extraction.facts:
        if fact.evidence.rule == "coordination:试验区" and fact.predicate == RDF_TYPE:
            assert fact.obj.value == NS.kgo("BorderPilotZone")
            assert "九个试验区" in fact.evidence.sentence.text
    # and each lies in its province (curated reference data)
    import pyoxigraph as ox

    reference = ox.Store()
    for path in REFERENCE_FILES:
        reference.load(NS.rebase(path.read_text(encoding="utf-8")), format=ox.RdfFormat.TURTLE)
    located = NS.kgo("locatedIn")
    for slug, province in NINE_PILOT_ZONES.items():
        assert list(reference.quads_for_pattern(ox.NamedNode(ZONE + slug), ox.NamedNode(located),
                                                ox.NamedNode(PLACE + province))), slug


@pytest.mark.parametrize("slug, year", [
    ("dongxing-pilot-zone", "2012"), ("ruili-pilot-zone", "2012"), ("manzhouli-pilot-zone", "2012"),
    ("pingxiang-pilot-zone", "2016"), ("mengla-mohan-pilot-zone", "2015"), ("erenhot-pilot-zone", "2014"),
    ("suifenhe-dongning-pilot-zone", "2016"), ("baise-pilot-zone", "2020"), ("tacheng-pilot-zone", "2020"),
])
def test_001_establishment_years_per_zone(seed, slug, year):
    facts = seed("001")
    years = facts.facts(ZONE + slug, "establishedYear")
    assert {f.obj.value for f in years} == {year}
    assert f"{year}年" in years[0].evidence.sentence.text.replace(" ", "")


def test_001_no_year_from_an_unspecific_first_batch(seed):
    # "自2012年设立首批沿边重点开发开放试验区" names no zone: it gives no zone a year
    facts = seed("001")
    for fact in facts.extraction.facts:
        if fact.predicate == NS.kgo("establishedYear"):
            assert "首批" not in fact.evidence.sentence.text


def test_001_ports_named_after_their_towns(seed):
    facts = seed("001")
    assert PORT + "dongxing-port" in facts.objects(PLACE + "dongxing", "hasPort")
    assert PORT + "manzhouli-port" in facts.objects(PLACE + "manzhouli", "hasPort")
    assert facts.objects(ZONE + "jiegao-border-trade-zone", "locatedIn") == {PLACE + "ruili"}


# ---------------------------------------------------------------- 002 – 004


def test_002_and_004_the_guangxi_ftz_was_set_up_in_2019(seed):
    for prefix in ("002", "004"):
        assert seed(prefix).objects(ZONE + "guangxi-pilot-free-trade-zone", "establishedYear") == {"2019"}
        assert not seed(prefix).facts(ZONE + "guangxi-pilot-free-trade-zone", "establishedDate")


def test_002_qinzhou_port_is_the_core_of_the_beibu_gulf_port(seed):
    assert seed("002").objects(PORT + "qinzhou-port", "partOf") == {PORT + "beibu-gulf-port"}


def test_003_six_cities_collectively_named_the_beibu_gulf_economic_zone(seed):
    facts = seed("003")
    members = facts.subjects("partOf", ZONE + "beibu-gulf-economic-zone")
    assert members == {PLACE + c for c in ("nanning", "beihai", "qinzhou", "fangchenggang", "yulin", "chongzuo")}
    assert facts.objects(PLACE + "nanning", "partOf") >= {ZONE + "beibu-gulf-city-cluster"}


def test_003_shared_heads_resolve_to_ports_and_zones(seed):
    facts = seed("003")
    for port in ("aidian-port", "dongzhong-port", "shuikou-port", "shuolong-port"):
        assert NS.kgo("BorderPort") in facts.objects(PORT + port, RDF_TYPE), port
    # 东兴、凭祥重点开发开放试验区 / 凭祥、东兴边境经济合作区: the bare first item takes the shared head
    # and its evidence runs from the item to the head it shares
    for zone, item, head in (("dongxing-pilot-zone", "东兴", "试验区"),
                             ("pingxiang-border-economic-cooperation-zone", "凭祥", "合作区")):
        typed = [f for f in facts.facts(ZONE + zone, RDF_TYPE) if f.evidence.rule.startswith("coordination:")]
        assert typed, zone
        assert all(f.evidence.surface.startswith(item) and f.evidence.surface.endswith(head) for f in typed), zone


def test_004_plan_scope_has_an_area_and_three_parts(seed):
    facts = seed("004")
    area = ZONE + "qinzhou-port-area"
    assert facts.objects(area, "areaSqKm") == {"260"}
    for part in ("qinzhou-bonded-port-area", "china-malaysia-qinzhou-industrial-park", "qinzhou-port-development-zone"):
        assert area in facts.objects(ZONE + part, "partOf"), part
    # the 三区 heading: the three zones its next sentence names
    assert area in facts.objects(ZONE + "qinzhou-comprehensive-bonded-zone", "partOf")


def test_004_one_centre_two_axes_six_areas(seed):
    facts = seed("004")
    area = ZONE + "qinzhou-port-area"
    units = [f.subject for f in facts.extraction.facts
             if f.predicate == NS.kgo("partOf") and f.evidence.rule == "layout:一心两轴六区"]
    labels = {facts.extraction.entities[u].label_zh for u in units}
    assert labels == {"钦州港自贸新城产城融合中心", "钦州湾发展轴", "金鼓江发展轴", "绿色化工产业区", "先进制造区",
                      "新能源汽车与海工装备区", "适箱产业区", "综合保税与集装箱物流区", "现代服务业区"}
    for unit in units:
        assert facts.objects(unit, "partOf") == {area}
        assert NS.kgo("SpatialUnit") in facts.objects(unit, RDF_TYPE)
    assert not any(label in labels for label in ("金谷片区", "三墩片区", "六大产业功能分区"))


def test_evidence_of_structure_facts_points_into_the_raw_file(seed):
    rules = ("coordination:", "layout:", "includes:", "core-of:", "collective-name:", "area:", "holds:",
             "name-prefix:", "located:", "established:", "approved:", "alias:")
    for prefix in ("000", "001", "003", "004"):
        extraction = seed(prefix).extraction
        raw = extraction.document.raw
        checked = 0
        for fact in extraction.facts:
            ev = fact.evidence
            if not ev.rule.startswith(rules):
                continue
            checked += 1
            assert raw[ev.start:ev.end] == ev.surface
            assert ev.sentence.raw_start <= ev.start and ev.end <= ev.sentence.raw_end
        assert checked > 0, prefix


# ---------------------------------------------------------------- the list reader alone


def _lists(text: str, lexicon):
    from kg.model import DocumentMeta, SourceDocument
    from kg.normalise import normalise

    normalised, offsets = normalise(text)
    document = SourceDocument(DocumentMeta("t", "t.txt", "t"), text, normalised, offsets, "")
    mentions = find_mentions(document, lexicon)
    return find_lists(normalised, 0, len(normalised), mentions, lexicon)


def test_lists_resolve_items_with_the_shared_head(lexicon):
    (found,) = _lists("我国已经设立了东兴、凭祥、百色、瑞丽、勐腊（磨憨）、满洲里、二连浩特、绥芬河—东宁和塔城九个试验区。", lexicon)
    assert found.count == 9 and found.head.text == "试验区"
    assert [i.iri.rsplit("/", 1)[-1] for i in found.items] == list(NINE_PILOT_ZONES)
    (ports,) = _lists("拥有龙邦、平孟2个国家边境口岸。", lexicon)
    assert [i.name for i in ports.items] == ["龙邦口岸", "平孟口岸"] and ports.head.cls == "BorderPort"


def test_lists_make_new_names_and_keep_full_names(lexicon):
    (found,) = _lists("与上海、广东、四川、重庆等地自贸试验区开展合作。", lexicon)
    assert [i.name for i in found.items] == ["上海自贸试验区", "广东自贸试验区", "四川自贸试验区", "重庆自贸试验区"]
    assert all(i.iri is None for i in found.items) and found.open_ended
    (ports,) = _lists("加快提升友谊关、爱店、水口等口岸城镇功能。", lexicon)
    assert [(i.surface, i.shares_head) for i in ports.items] == [("友谊关", False), ("爱店", True), ("水口", True)]


@pytest.mark.parametrize("text", [
    "重点发展北海出口加工区、钦州保税港区、南宁综合保税区、凭祥综合保税区等海关特殊监管区。",
    "建设跨（边）境经济合作区、综合保税区等开放平台。",
    "这是我国第8个、广西壮族自治区第3个、全国首个地级市全域覆盖的沿边重点开发开放试验区。",
    "加快培育防城港、玉林、崇左和中马钦州产业园区建设。",
    "完善钦州港经济技术开发区、钦州综合保税区、中马钦州产业园区基础设施联通。",
])
def test_lists_of_full_names_are_no_shared_head_lists(lexicon, text):
    assert _lists(text, lexicon) == []


@pytest.mark.parametrize("text, value", [("3", 3), ("九", 9), ("十二", 12), ("二十", 20), ("两", 2), ("十", 10),
                                         ("万", None), ("", None)])
def test_parse_count(text, value):
    assert parse_count(text) == value


# ---------------------------------------------------------------- unseen documents


@pytest.fixture(scope="module")
def unseen_store(tmp_path_factory):
    from kg.store import open_store

    seeds = tmp_path_factory.mktemp("unseen-structure")
    for path in sorted(UNSEEN.glob("structure_*.txt")):
        shutil.copy(path, seeds / path.name)
    out = tmp_path_factory.mktemp("unseen-structure-build") / "build"
    run_build(BuildOptions(seeds=seeds, out=out, base=DEFAULT_BASE, reasoner="none", validate=False))
    return open_store(out)


def _ask(store, graph: str, pattern: str) -> bool:
    from kg.query import run_query

    query = f"ASK {{ GRAPH graph:{graph} {{ {pattern} }} }}"
    return bool(run_query(store, query, NS).boolean)


def _select(store, query: str) -> list[list[str]]:
    from kg.query import run_query

    return [[t.value for t in row] for row in run_query(store, query, NS).rows]


def test_unseen_notice_new_bonded_zone_in_its_own_graph(unseen_store):
    graph = "structure-bonded-zone-notice"
    zone = "zone:wu-zhou-zong-he-bao-shui-qu"
    assert _ask(unseen_store, graph, f'{zone} a kgo:ComprehensiveBondedZone ; rdfs:label "梧州综合保税区"@zh')
    assert _ask(unseen_store, graph, f"{zone} kgo:approvedBy organisation:state-council")
    assert _ask(unseen_store, graph, f'{zone} kgo:establishedDate "2023-06-15"^^xsd:date ; '
                                     f'kgo:establishedYear "2023"^^xsd:gYear')
    assert _ask(unseen_store, graph, f'{zone} kgo:areaSqKm "1.25"^^xsd:decimal')
    assert _ask(unseen_store, graph, f"{zone} kgo:locatedIn place:wuzhou , place:changzhou-wuzhou")
    assert _ask(unseen_store, graph, f"{zone} kgo:covers place:wanxiu , place:changzhou-wuzhou , place:longxu , "
                                     f"place:cangwu")
    units = _select(unseen_store, f"""SELECT ?label WHERE {{ GRAPH graph:{graph} {{
        ?u a kgo:SpatialUnit ; kgo:partOf {zone} ; rdfs:label ?label FILTER(lang(?label) = "zh") }} }}""")
    assert sorted(u[0] for u in units) == sorted(["综合服务核", "保税加工区", "保税物流区"])
    # a list of ports under one head, and the shared head is no port of its own
    assert _ask(unseen_store, graph, "place:wuzhou kgo:hasPort port:wu-zhou-kou-an , port:teng-xian-kou-an")
    assert not _ask(unseen_store, graph, "?p a kgo:Port ; rdfs:label ?l FILTER(CONTAINS(STR(?l), '国家一类'))")
    for park, city in (("wu-zhou-chan-ye-yuan-qu", "wuzhou"), ("he-zhou-chan-ye-yuan-qu", "hezhou")):
        assert _ask(unseen_store, graph, f"zone:{park} a kgo:IndustrialPark ; kgo:locatedIn place:{city}")
    # 争取设立 is no establishment
    assert not _ask(unseen_store, graph, "?z kgo:establishedYear ?y FILTER(?z != zone:wu-zhou-zong-he-bao-shui-qu)")


def test_unseen_news_new_pilot_zone_with_short_name_layout_and_ports(unseen_store):
    graph = "structure-pilot-zone-news"
    zone = "zone:guang-xi-chong-zuo-zhong-dian-kai-fa-kai-fang-shi-yan-qu"
    assert _ask(unseen_store, graph, f'{zone} a kgo:BorderPilotZone ; skos:altLabel "崇左试验区"@zh')
    assert _ask(unseen_store, graph, f'{zone} kgo:approvedBy organisation:state-council ; '
                                     f'kgo:establishedDate "2024-04-18"^^xsd:date ; kgo:areaSqKm "17300"^^xsd:decimal')
    assert _ask(unseen_store, graph, f"{zone} kgo:covers place:chongzuo ; kgo:locatedIn place:guangxi")
    assert _ask(unseen_store, graph, f"{zone} kgo:hasPort port:youyiguan-port , port:shuikou-port , "
                                     f"port:aidian-port , port:shuolong-port")
    rows = _select(unseen_store, f"""SELECT ?label ?place WHERE {{ GRAPH graph:{graph} {{
        ?u a kgo:SpatialUnit ; kgo:partOf {zone} ; rdfs:label ?label FILTER(lang(?label) = "zh")
        OPTIONAL {{ ?u kgo:covers ?place }} }} }}""")
    covered: dict[str, set[str]] = defaultdict(set)
    for label, place in rows:
        covered[label].add(place.rsplit("/", 1)[-1] if place else "")
    assert covered == {"沿边开放带": {"pingxiang", "longzhou", "ningming", "daxin"},
                       "先行示范区": {"jiangzhou", "fusui"}, "生态发展区": {"tiandeng"}}
    # nothing of the other document leaks into this graph
    assert not _ask(unseen_store, graph, "?s ?p zone:wu-zhou-zong-he-bao-shui-qu")


# ---------------------------------------------------------------- arbitrary text

_ALPHABET = st.sampled_from(list(
    "、,，。;；:：()（）“”《》—年月日0123456789一二三两九十个等和与及即含拥有位于覆盖包括主要面积平方公里万"
    "以为核心的统称简称批复设立获批建立于国务院百色龙邦平孟口岸试验区综合保税区片区产业园新区三区一轴心两六"
    "开放引领重点开发绿色发展联动钦州港北部湾南宁东兴凭祥广西\n ")) | st.characters(min_codepoint=0x4e00, max_codepoint=0x9fff)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, min_size=1, max_size=160))
def test_rules_never_crash_on_arbitrary_text(lexicon, text):
    if not text.strip():
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "random.txt"
        path.write_text(text, encoding="utf-8")
        try:
            document = load_document(path)
        except Exception as exc:  # a document with nothing left is refused before extraction
            assert type(exc).__name__ == "InputError"
            return
        extraction = extract(document, lexicon, NS)
    for fact in extraction.facts:
        assert document.raw[fact.evidence.start:fact.evidence.end] == fact.evidence.surface
