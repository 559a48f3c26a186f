"""Industry priorities (重点发展/打造/培育/布局 … 等产业) and corridors (connects, cooperatesWith),
read from small texts written for these tests and from the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.documents import load_document
from kg.extract import extract
from kg.lexicon import load_lexicon
from kg.namespaces import DEFAULT_BASE, Namespaces
from kg.paths import REFERENCE_FILES

from .conftest import SEEDS

NS = Namespaces(DEFAULT_BASE)
KGO = NS.ontology


@pytest.fixture(scope="module")
def lexicon():
    return load_lexicon(REFERENCE_FILES, NS)


def _extract(tmp_path: Path, lexicon, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(load_document(path), lexicon, NS)


def _label(extraction, lexicon, iri: str) -> str:
    entity = extraction.entities.get(iri)
    if entity is not None:
        return entity.label_zh
    entry = lexicon.entries.get(iri)
    return entry.label_zh if entry else iri


def _pairs(extraction, lexicon, predicate: str) -> set[tuple[str, str]]:
    return {(_label(extraction, lexicon, f.subject), _label(extraction, lexicon, f.obj.value))
            for f in extraction.facts if f.predicate == KGO + predicate}


def _facts(extraction, predicate: str):
    return [f for f in extraction.facts if f.predicate == KGO + predicate]


def test_spatial_units_of_a_news_item_get_their_own_industries(tmp_path, lexicon):
    text = ("2023年5月8日，国务院批复设立云南临沧重点开发开放试验区。\n"
            "沿边开放区，主要包括镇康、耿马2县，是试验区对外开放的前沿。发展边境贸易、跨境电商、茶叶加工等产业，打造外向型产业集群。\n"
            "产业承载区，主要包括临翔区、云县。\n"
            "重点发展蔗糖加工、生物医药、新材料等产业。\n")
    pairs = _pairs(_extract(tmp_path, lexicon, text), lexicon, "prioritisesIndustry")
    assert ("沿边开放区", "跨境电商") in pairs
    assert ("沿边开放区", "茶叶加工") in pairs  # unknown to the scheme: a new industry concept
    assert ("产业承载区", "生物医药") in pairs  # the paragraph continues the unit named before it
    assert ("产业承载区", "蔗糖加工") in pairs
    assert not any(o.startswith("外向型") for _, o in pairs)  # a kind of industry, not one


def test_new_industries_are_machine_extracted_concepts_in_the_scheme(tmp_path, lexicon):
    extraction = _extract(tmp_path, lexicon, "临沧市大力发展咖啡精深加工业。")
    (fact,) = _facts(extraction, "prioritisesIndustry")
    industry = fact.obj.value
    assert industry.startswith(DEFAULT_BASE + "id/industry/")
    about = {(f.predicate, f.obj.value) for f in extraction.facts if f.subject == industry}
    assert (f"{KGO}machineExtracted", "true") in about
    assert ("http://www.w3.org/2004/02/skos/core#inScheme", KGO + "IndustryScheme") in about
    assert ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", KGO + "Industry") in about
    assert "咖啡精深加工业" in fact.evidence.surface


def test_curated_industries_resolve_through_aliases_and_modifiers(tmp_path, lexicon):
    text = "红河州重点布局跨境电子商务、装备制造业产业，打造具有国际竞争力的中国—东盟新兴铝产业基地。"
    extraction = _extract(tmp_path, lexicon, text)
    objects = {f.obj.value.rsplit("/", 1)[-1] for f in _facts(extraction, "prioritisesIndustry")}
    assert {"cross-border-e-commerce", "equipment-manufacturing", "aluminium"} <= objects
    assert not any(not e.curated and "Industry" in e.types for e in extraction.entities.values())


def test_lists_that_are_not_industries_make_no_priority(tmp_path, lexicon):
    text = ("加快发展横县、宾阳、灵山等县域经济。"
            "推进物流业与制造业、商贸业等产业融合。"
            "鼓励区内外汽车企业布局汽车拆解、再制造等产业环节。"
            "在南宁布局建设电子信息产业园。")
    assert _facts(_extract(tmp_path, lexicon, text), "prioritisesIndustry") == []


def test_the_clause_subject_wins_over_the_document_subject(tmp_path, lexicon):
    text = ("北部湾城市群发展规划。" + "北部湾城市群建设加快推进。" * 5 +
            "\n钦州、防城港重点布局港作机械、游艇制造产业，玉林重点布局工程机械产业。")
    pairs = _pairs(_extract(tmp_path, lexicon, text), lexicon, "prioritisesIndustry")
    subjects = {s for s, _ in pairs}
    assert {"钦州市", "防城港市", "玉林市"} <= subjects or {"钦州", "防城港", "玉林"} <= subjects
    assert not any("城市群" in s for s in subjects)


def test_seed_priorities_by_spatial_unit(tmp_path, lexicon):
    extraction = extract(load_document(SEEDS / "000_77b6502d2c739a3c.txt"), lexicon, NS)
    pairs = _pairs(extraction, lexicon, "prioritisesIndustry")
    assert {("开放引领区", "加工贸易"), ("开放引领区", "保税物流"), ("开放引领区", "文化旅游")} <= pairs
    assert ("重点开发区", "煤电铝一体化") in pairs
    assert ("重点开发区", "生物医药") in pairs
    baise = [o for s, o in pairs if "百色" in s]
    assert "铝产业" in baise or "铝业" in baise
    for fact in _facts(extraction, "prioritisesIndustry"):
        assert fact.evidence.rule == "pattern:industry-priority"
        assert fact.evidence.sentence.text
