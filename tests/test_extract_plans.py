"""Plans, issuers, tasks, responsible units, speakers and roles: content checks on the seeds and
on an unseen implementation scheme of a made-up city, plus the heading-outline parser.

Extraction runs in-process (no reasoner, no SHACL), so these tests are quick.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.documents import load_document
from kg.errors import InputError
from kg.extract import extract
from kg.extract.outline import cn_number, parse_outline
from kg.model import Extraction
from kg.namespaces import Namespaces

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen" / "plans_qinghe_cross_border_ecommerce_scheme.txt"
NS = Namespaces()
ORG = NS.base + "id/organisation/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCTERMS_ISSUED = "http://purl.org/dc/terms/issued"


class Facts:
    """One document's extraction, looked up by zh label."""

    def __init__(self, extraction: Extraction, lexicon) -> None:
        self.extraction = extraction
        self.label = {iri: e.label_zh for iri, e in lexicon.entries.items()}
        self.label.update({e.iri: e.label_zh for e in extraction.entities.values()})
        self.by_label: dict[str, set[str]] = defaultdict(set)
        for iri, label in self.label.items():
            self.by_label[label].add(iri)

    def iri(self, label: str) -> str:
        found = self.by_label.get(label)
        assert found, f"no entity labelled {label!r}"
        assert len(found) == 1, f"{label!r} names {found}"
        return next(iter(found))

    def objects(self, subject: str, predicate: str) -> set[str]:
        """Objects of (subject label, predicate) as labels (IRIs) or literal values."""
        pred = predicate if predicate.startswith("http") else NS.kgo(predicate)
        s = self.iri(subject)
        return {self.label.get(f.obj.value, f.obj.value) for f in self.extraction.facts
                if f.subject == s and f.predicate == pred}

    def subjects(self, predicate: str, obj: str) -> set[str]:
        pred = NS.kgo(predicate)
        o = self.iri(obj)
        return {self.label.get(f.subject, f.subject) for f in self.extraction.facts
                if f.predicate == pred and f.obj.value == o}

    def facts(self, predicate: str):
        return [f for f in self.extraction.facts if f.predicate == NS.kgo(predicate)]

    def types(self, label: str) -> set[str]:
        return {f.obj.value.rsplit("#", 1)[-1] for f in self.extraction.facts
                if f.subject == self.iri(label) and f.predicate == RDF_TYPE}


@pytest.fixture(scope="module")
def seed(seed_extraction, lexicon):
    return lambda prefix: Facts(seed_extraction(prefix), lexicon)


@pytest.fixture(scope="module")
def unseen(lexicon) -> Facts:
    return Facts(extract(load_document(UNSEEN), lexicon, NS), lexicon)


SCHEME_003 = "北部湾城市群发展规划广西实施方案"
PLAN_004 = "中国(广西)自由贸易试验区钦州港片区“十四五”发展规划和2035年远景目标纲要"
SCHEME_000 = "广西百色重点开发开放试验区建设实施方案"
QINGHE = "青禾市跨境电子商务综合试验区建设实施方案(2023—2025年)"


# --- seeds ---------------------------------------------------------------------------------

def test_003_scheme_is_a_plan_issued_by_the_guangxi_government_on_5_january_2018(seed):
    facts = seed("003")
    assert facts.types(SCHEME_003) == {"Plan"}
    assert facts.objects(SCHEME_003, "issuedBy") == {"广西壮族自治区人民政府"}
    assert facts.objects(SCHEME_003, DCTERMS_ISSUED) == {"2018-01-05"}
    topic = [f for f in facts.extraction.facts if f.predicate.endswith("isPrimaryTopicOf")]
    assert [(facts.label[f.subject], f.obj.value) for f in topic] == [
        (SCHEME_003, NS.document("beibu-gulf-city-cluster-scheme-2018"))]


def test_003_the_plan_it_implements_was_approved_by_the_state_council(seed):
    facts = seed("003")
    assert facts.types("北部湾城市群发展规划") == {"Plan"}
    assert facts.objects("北部湾城市群发展规划", "approvedBy") == {"中华人民共和国国务院"}
    # 《规划》 is the scheme's short name for it, not a plan of its own
    assert "规划" not in facts.by_label


def test_003_key_tasks_and_their_subtasks(seed):
    facts = seed("003")
    tasks = facts.objects(SCHEME_003, "setsTask")
    assert {"构建以南宁为核心的北部湾城市群", "促进城市群产业联动发展", "构筑互联互通的基础设施网络",
            "加强生态环保联防联控", "深化海陆双向开放合作", "建立健全城市群协同发展机制"} <= tasks
    assert {"打造南宁核心城市", "促进重要节点城市协同发展", "完善能源储运", "推进“多规合一”"} <= tasks
    # framework and safeguards are not tasks; "航空方面" only names a topic of its parent task
    assert not {"总体要求", "重点任务", "保障措施", "明确实施主体", "航空方面"} & tasks
    assert facts.objects("打造南宁核心城市", "partOf") == {"构建以南宁为核心的北部湾城市群"}
    assert facts.objects("完善能源储运", "partOf") == {"建设清洁安全能源保障网络"}
    assert facts.types("打造南宁核心城市") == {"Task"}
    task = facts.iri("打造南宁核心城市")
    assert task.startswith(NS.entity("task", "")) and task.endswith("/da-zao-nan-ning-he-xin-cheng-shi")


def test_003_responsible_units_are_split_and_resolved_through_the_lexicon(seed):
    facts = seed("003")
    assert facts.objects("加快发展陆路边境口岸城镇", "responsibleUnit") == {
        "广西壮族自治区发展和改革委员会", "广西壮族自治区住房和城乡建设厅", "广西壮族自治区商务厅",
        "防城港市人民政府", "崇左市人民政府"}
    # a head written once is shared by the cities listed before it
    assert facts.objects("促进重要节点城市协同发展", "responsibleUnit") == {
        "北海市人民政府", "防城港市人民政府", "钦州市人民政府", "玉林市人民政府", "崇左市人民政府"}
    # units without the 自治区 prefix, a company and a central-government office
    assert facts.objects("实施海洋污染防治工程", "responsibleUnit") == {
        "广西壮族自治区环境保护厅", "广西壮族自治区交通运输厅", "广西壮族自治区海洋和渔业厅", "广西海事局",
        "广西北部湾经济区6市人民政府"}
    assert "广西电网有限责任公司" in facts.objects("完善能源储运", "responsibleUnit")
    # evidence points at the unit as written in the raw file
    drc = ORG + "guangxi-development-and-reform-commission"
    evidence = [f.evidence for f in facts.facts("responsibleUnit") if f.obj.value == drc]
    assert evidence and all(e.surface in {"自治区发展改革委", "发展改革委"} for e in evidence)
    raw = facts.extraction.document.raw
    assert all(raw[e.start:e.end] == e.surface for e in evidence)


def test_000_the_eight_key_tasks_of_the_baise_scheme(seed):
    facts = seed("000")
    assert facts.types(SCHEME_000) == {"Plan"}
    assert facts.objects(SCHEME_000, "issuedBy") == {"国家发展和改革委员会"}
    assert facts.objects(SCHEME_000, "setsTask") == {
        "推进体制机制创新", "提升设施互联互通水平", "推进产业深度开放合作", "构建沿边高质量开放型经济体系",
        "全力推进脱贫攻坚和乡村振兴", "促进边境地区繁荣发展", "加强生态环境保护修复与跨境合作", "开展人文交流合作"}
    assert facts.objects(SCHEME_000, "concerns") == {"广西百色重点开发开放试验区"}


def test_004_plan_issued_by_the_port_area_committee_and_its_task_chapters(seed):
    facts = seed("004")
    assert facts.types(PLAN_004) == {"Plan"}
    assert facts.objects(PLAN_004, "issuedBy") == {"中国（广西）自由贸易试验区钦州港片区管理委员会"}
    assert facts.objects(PLAN_004, DCTERMS_ISSUED) == {"2022-04-13"}
    tasks = facts.objects(PLAN_004, "setsTask")
    assert {"提升港口综合能级高水平打造国际门户枢纽港", "布局现代产业体系高质量建设向海经济集聚区",
            "深化体制机制创新高效能运用开放合作大平台", "完善城市服务功能高起点构筑宜居宜业国际城"} <= tasks
    # the background chapter and the implementation-mechanism chapter set no tasks
    assert not {"实现钦州港区新跨越迎来升格进位新机遇", "发展基础", "发展目标", "健全规划实施机制推进任务目标实现",
                "加强党的领导"} & tasks
    assert facts.objects("增强港口综合通过能力", "partOf") == {"提升港口综合能级高水平打造国际门户枢纽港"}


def test_002_speakers_with_their_posts_and_organisations(seed):
    facts = seed("002")
    assert facts.types("黄文川") == {"Person"}
    assert facts.objects("黄文川", "postTitle") == {"副主任"}
    assert facts.objects("黄文川", "affiliatedWith") == {"广西壮族自治区发展和改革委员会"}
    labels = [f.obj for f in facts.extraction.facts
              if f.subject == facts.iri("黄文川") and f.predicate.endswith("rdf-schema#label")]
    assert ("Huang Wenchuan", "en") in {(t.value, t.lang) for t in labels}
    assert facts.objects("杨春庭", "postTitle") == {"厅长", "自贸办主任"}
    assert facts.objects("杨春庭", "affiliatedWith") == {"广西壮族自治区商务厅"}
    assert facts.objects("罗树昭", "affiliatedWith") == {"中国人民银行南宁中心支行"}
    assert facts.objects("罗树昭", "postTitle") == {"跨境人民币业务办公室主任"}
    # "…负责人介绍" names no one
    assert "介绍" not in facts.by_label and "负责人" not in facts.by_label


def test_003_roles_of_the_beibu_gulf_cities(seed):
    facts = seed("003")
    assert facts.objects("南宁市", "role") == {"核心城市"}
    assert facts.objects("北海市", "role") == {"重要节点", "高新技术与海洋经济示范区", "生态宜居滨海城市",
                                             "海上丝绸之路旅游文化名城"}
    assert facts.objects("玉林市", "role") == {"重要节点", "区域性先进制造业基地", "国家现代农业示范区", "南方药都",
                                             "非公经济发展示范城市"}
    roles = [f for f in facts.facts("role")]
    assert all(f.obj.lang == "zh" for f in roles)


def test_news_and_papers_have_no_own_plan(seed):
    for prefix in ("000", "001", "002"):
        facts = seed(prefix)
        assert not [f for f in facts.extraction.facts if f.predicate.endswith("isPrimaryTopicOf")]
    assert not seed("001").facts("setsTask")
    assert not seed("002").facts("setsTask")


# --- an unseen document of the genre ---------------------------------------------------------

def test_unseen_scheme_is_issued_by_the_city_government(unseen):
    assert unseen.types(QINGHE) == {"Plan"}
    assert unseen.objects(QINGHE, "issuedBy") == {"青禾市人民政府"}
    assert unseen.objects(QINGHE, DCTERMS_ISSUED) == {"2023-06-08"}
    assert "GovernmentBody" in unseen.types("青禾市人民政府")
    policy = "关于促进跨境电子商务健康快速发展的指导意见"
    assert unseen.types(policy) == {"Policy"}
    assert unseen.objects(policy, "issuedBy") == {"中华人民共和国国务院"}


def test_unseen_scheme_tasks_follow_its_outline(unseen):
    assert unseen.objects(QINGHE, "setsTask") == {
        "建设跨境电商产业载体", "完善园区基础设施", "引进培育市场主体", "畅通跨境物流通道", "开通国际货运班列",
        "建设海外仓", "优化监管服务"}
    assert unseen.objects("开通国际货运班列", "partOf") == {"畅通跨境物流通道"}
    assert unseen.objects("引进培育市场主体", "partOf") == {"建设跨境电商产业载体"}


def test_unseen_scheme_responsible_units_become_new_government_bodies(unseen):
    # 市… is the issuer's city; a prefix written once carries over (投资促进局); "各县(区)…" is no name
    assert unseen.objects("完善园区基础设施", "responsibleUnit") == {
        "青禾市商务局", "青禾市发展改革委", "青禾市住房城乡建设局", "青禾经济技术开发区管委会"}
    assert unseen.objects("引进培育市场主体", "responsibleUnit") == {"青禾市商务局", "青禾市投资促进局"}
    assert unseen.objects("开通国际货运班列", "responsibleUnit") == {"青禾市交通运输局", "青禾海关", "青禾市口岸办"}
    assert unseen.objects("优化监管服务", "responsibleUnit") == {"青禾海关", "青禾市口岸办", "青禾市数据局"}
    for unit in ("青禾市商务局", "青禾市数据局", "青禾海关", "青禾经济技术开发区管委会"):
        assert unseen.types(unit) == {"GovernmentBody"}
        entity = unseen.extraction.entities[unseen.iri(unit)]
        assert not entity.curated
    # a city's 发展改革委 is not Guangxi's, though the lexicon knows 发展改革委 as Guangxi's alias
    assert ORG + "guangxi-development-and-reform-commission" not in {
        f.obj.value for f in unseen.facts("responsibleUnit")}


def test_a_plan_without_signature_takes_its_issuer_from_the_manifest_where_the_text_names_it(tmp_path, lexicon):
    (tmp_path / "plan.txt").write_text(
        "青禾市口岸发展规划\n一、发展基础\n口岸建设取得进展。\n二、主要任务\n(一)建设智慧口岸。推进口岸设施数字化改造,"
        "提升通关效率。(责任单位:市商务局)\n三、保障措施\n本规划由青禾市人民政府负责组织实施。\n", encoding="utf-8")
    entry = {"id": "qinghe-ports-plan", "title_zh": "青禾市口岸发展规划", "issuer": "青禾市人民政府", "genre": "plan"}
    facts = Facts(extract(load_document(tmp_path / "plan.txt", entry), lexicon, NS), lexicon)
    assert facts.objects("青禾市口岸发展规划", "issuedBy") == {"青禾市人民政府"}
    assert facts.objects("青禾市口岸发展规划", "setsTask") == {"建设智慧口岸"}
    assert facts.objects("建设智慧口岸", "responsibleUnit") == {"青禾市商务局"}


# --- the outline parser ------------------------------------------------------------------------

def test_outline_nests_by_the_order_styles_appear():
    text = "\n".join([
        "前言。", "一、总体要求", "二、重点任务", "(一)建设园区。", "1. 完善设施。正文。", "2.引进企业。",
        "(二)畅通通道。", "表中数值1.94万吨", "三、保障措施", "(一)加强领导。",
    ])
    outline = parse_outline(text)
    shape = [(h.style, h.number, h.title, h.depth) for h in outline.headings]
    assert shape == [
        ("cn", 1, "总体要求", 0), ("cn", 2, "重点任务", 0), ("paren-cn", 1, "建设园区", 1),
        ("arabic", 1, "完善设施", 2), ("arabic", 2, "引进企业", 2), ("paren-cn", 2, "畅通通道", 1),
        ("cn", 3, "保障措施", 0), ("paren-cn", 1, "加强领导", 1),
    ]
    assert outline.headings[3].has_body and not outline.headings[4].has_body
    assert [h.title for h in outline.children(1)] == ["建设园区", "畅通通道"]
    assert outline.scope(2)[1] == outline.headings[5].start


def test_outline_chapters_and_sections():
    outline = parse_outline("第一章 发展基础\n第一节 成就\n一、经济\n第二节 形势\n第三章 任务\n第一节 港口")
    assert [(h.title, h.depth, h.parent) for h in outline.headings] == [
        ("发展基础", 0, None), ("成就", 1, 0), ("经济", 2, 1), ("形势", 1, 0), ("任务", 0, None), ("港口", 1, 4)]


@pytest.mark.parametrize("text,value", [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("一百", 100),
                                        ("八", 8), ("12", 12), ("甲", None)])
def test_chinese_numbers(text, value):
    assert cn_number(text) == value


# --- robustness ----------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "《", "》", "规划", "方案", "意见", "现将", "印发", "关于印发", "的通知", "(", ")", "责任单位:", "牵头单位:",
    "、", ",", "。", ";", "\n", "一、", "(一)", "1.", "第一章", "第二节", "重点任务", "保障措施", "以", "为",
    "建设", "南宁", "北海", "市", "局", "人民政府", "副主任", "说", "2023年6月8日", "八大重点任务", "国务院",
    "批复同意的", "经", "批准", "等", "各", "方面", "自治区", "发展改革委", " ", "12",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_PIECES, st.text(min_size=1, max_size=4)), min_size=1, max_size=60))
def test_arbitrary_text_never_crashes_the_rules(tmp_path, lexicon, pieces):
    text = "".join(pieces)
    if not text.strip():
        return
    path = tmp_path / "random.txt"
    path.write_text(text, encoding="utf-8")
    try:
        document = load_document(path)
    except InputError:  # documents the reader refuses are the reader's business
        return
    extraction = extract(document, lexicon, NS)
    for fact in extraction.facts:
        evidence = fact.evidence
        assert 0 <= evidence.start <= evidence.end <= len(document.raw)
    json.dumps([f.obj.value for f in extraction.facts], ensure_ascii=False)
