"""Indicator observations: the seeds' Table 1 and prose figures, an unseen zone report, the
table parser, time expressions, and robustness on arbitrary text.

Extraction runs in-process (no reasoner, no SHACL), so most of these tests are quick; the
last one scores the full seeds build against the gold set.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.documents import load_document, load_manifest
from kg.extract import extract
from kg.extract.periods import Calendar, find_times, plan_period
from kg.extract.quantities import find_quantities
from kg.extract.tables import parse_tables
from kg.lexicon import load_lexicon
from kg.namespaces import Namespaces
from kg.paths import REFERENCE_FILES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
UNSEEN = ROOT / "tests" / "fixtures" / "unseen" / "indicators_diannan_bonded_zone_report.txt"
NS = Namespaces()
KGO = NS.ontology
OBSERVATION = NS.base + "id/observation/"


@lru_cache(maxsize=None)
def lexicon():
    return load_lexicon(REFERENCE_FILES, NS)


@lru_cache(maxsize=None)
def extraction(path: Path):
    manifest = load_manifest(path.parent) if path.parent == SEEDS else {}
    document = load_document(path, manifest.get(path.name))
    return document, extract(document, lexicon(), NS)


def seed(prefix: str) -> Path:
    return next(SEEDS.glob(f"{prefix}_*.txt"))


class Observations:
    """A document's observations as dicts: subject/indicator labels and literal fields."""

    def __init__(self, path: Path) -> None:
        document, result = extraction(path)
        self.document = document
        labels = {iri: entry.label_zh for iri, entry in lexicon().entries.items()}
        labels.update({iri: e.label_zh for iri, e in result.entities.items()})
        names = defaultdict(set)  # indicator IRI -> curated label and aliases
        for surface, iris in lexicon().surfaces.items():
            for iri in iris:
                names[iri].add(surface)
        fields: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.evidence: dict[str, list] = defaultdict(list)
        for fact in result.facts:
            if fact.subject.startswith(OBSERVATION) and fact.predicate.startswith(KGO):
                key = fact.predicate[len(KGO):]
                value = fact.obj.value
                if value not in fields[fact.subject][key]:
                    fields[fact.subject][key].append(value)
                self.evidence[fact.subject].append(fact.evidence)
        self.rows = []
        for iri, f in fields.items():
            indicator = f["indicator"][0]
            self.rows.append({
                "iri": iri, "fields": f,
                "subject": labels.get(f["observedEntity"][0], f["observedEntity"][0]),
                "indicator": labels.get(indicator, indicator),
                "names": names.get(indicator, set()) | {labels.get(indicator, "")},
                "value": f["value"][0] if f["value"] else None,
                "text": f["valueText"][0] if f["valueText"] else None,
                "unit": f["unit"][0], "period": f["period"][0], "status": f["status"][0].rsplit("#", 1)[-1],
                "growth": f["averageGrowthRate"][0] if f["averageGrowthRate"] else None,
                "constraint": f["constraintKind"][0].rsplit("#", 1)[-1] if f["constraintKind"] else None,
            })

    def find(self, subject: str, indicator: str, period: str, status: str) -> dict:
        found = [r for r in self.rows if r["subject"] == subject and indicator in r["names"]
                 and r["period"] == period and r["status"] == status]
        assert len(found) == 1, (subject, indicator, period, status, found)
        return found[0]


def test_table_one_container_throughput_target_with_growth_and_attribute():
    obs = Observations(seed("004"))
    row = obs.find("中国（广西）自由贸易试验区钦州港片区", "集装箱吞吐量", "2025", "Target")
    assert (Decimal(row["value"]), row["unit"]) == (Decimal(800), "万标箱")
    assert Decimal(row["growth"]) == Decimal("15.2")
    assert row["constraint"] == "Expected"
    actual = obs.find("中国（广西）自由贸易试验区钦州港片区", "集装箱吞吐量", "2020", "Actual")
    assert Decimal(actual["value"]) == 395


def test_table_one_sub_rows_words_and_binding_targets():
    obs = Observations(seed("004"))
    zone = "中国（广西）自由贸易试验区钦州港片区"
    added = obs.find(zone, "规模以上工业增加值", "2020", "Actual")  # the '#' sub-row under row 2
    assert (Decimal(added["value"]), added["unit"]) == (Decimal(149), "亿元")
    assert Decimal(obs.find(zone, "外资企业数", "2025", "Target")["value"]) == 302
    index = obs.find(zone, "投资便利化指数", "2025", "Target")
    assert index["value"] is None and index["text"] == "显著增长" and index["unit"] == ""
    assert Decimal(obs.find(zone, "投资便利化指数", "2020", "Actual")["value"]) == 100
    energy = obs.find(zone, "单位GDP能源消耗", "2025", "Target")
    assert energy["text"] == "以上级部门下达为准" and energy["constraint"] == "Binding"
    assert energy["unit"] == "万元/吨标煤"
    # "—" in the 2020 column of row 14: no observation, not a zero
    assert not [r for r in obs.rows if r["indicator"] == "挥发性有机物排放量" and r["status"] == "Actual"]
    assert len([r for r in obs.rows if r["fields"]["constraintKind"]]) == 31  # 16 rows × 2 columns, less one "—"


def test_prose_gdp_of_the_port_area_merges_with_the_table_and_keeps_the_precise_value():
    obs = Observations(seed("004"))
    zone = "中国（广西）自由贸易试验区钦州港片区"
    gdp = obs.find(zone, "地区生产总值", "2020", "Actual")
    assert (Decimal(gdp["value"]), gdp["unit"]) == (Decimal("252.8"), "亿元")
    rules = {e.rule for e in obs.evidence[gdp["iri"]]}
    assert rules == {"indicator:table", "indicator:text"}
    # "固定资产投资完成171.7亿元" restates the table's 171.68 rounded: one observation, one value
    assert [Decimal(v) for v in obs.find(zone, "固定资产投资", "2020", "Actual")["fields"]["value"]] == [Decimal("171.68")]
    assert Decimal(obs.find(zone, "地区生产总值增长率", "2020", "Actual")["value"]) == Decimal("4.7")
    assert Decimal(obs.find(zone, "集装箱吞吐量", "2035", "Target")["value"]) == 3000
    assert Decimal(obs.find(zone, "港口综合通过能力", "2025", "Target")["value"]) == Decimal("2.5")
    # the paragraph about the port domain: 钦州港域 is the subject there
    assert Decimal(obs.find("钦州港", "内外贸集装箱航线数", "2020", "Actual")["value"]) == 48
    assert Decimal(obs.find("钦州港", "货物吞吐量", "2020", "Actual")["value"]) == Decimal("1.36")


def test_baise_gdp_2019_with_its_average_growth():
    obs = Observations(seed("000"))
    gdp = obs.find("百色市", "地区生产总值", "2019", "Actual")
    assert (Decimal(gdp["value"]), gdp["unit"], Decimal(gdp["growth"])) == (Decimal("1257.78"), "亿元", Decimal("8.4"))
    population = obs.find("广西百色重点开发开放试验区", "总人口", "2020", "Actual")
    assert (Decimal(population["value"]), population["unit"]) == (Decimal("422.68"), "万人")
    share = obs.find("百色市", "铝工业占全市经济总量比重", "2019", "Actual")
    assert Decimal(share["value"]) == Decimal("56.7") and share["unit"] == "%"


def test_paper_growth_against_a_base_year_and_subjects_not_partners():
    obs = Observations(seed("001"))
    growth = obs.find("瑞丽市", "地区生产总值增长率", "2012-2020", "Actual")
    assert Decimal(growth["value"]) == Decimal("321.29")
    assert Decimal(obs.find("瑞丽市", "外贸进出口总额增长率", "2012-2020", "Actual")["value"]) == Decimal("484.17")
    assert not [r for r in obs.rows if r["subject"] in ("缅甸", "越南")]  # "与缅甸开展贸易往来" is a partner
    assert Decimal(obs.find("凭祥市", "外贸进出口总额", "2020", "Actual")["value"]) == Decimal("1238.35")
    assert Decimal(obs.find("东兴市", "落地加工企业数", "2015", "Actual")["value"]) == 6
    assert Decimal(obs.find("东兴市", "落地加工企业数", "2021-11", "Actual")["value"]) == 37
    # "100多个", "4600多个": counts the text does not state exactly are left out
    assert not [r for r in obs.rows if r["value"] in ("4600", "200")]


def test_news_without_a_date_anchors_relative_periods_on_its_own_years():
    obs = Observations(seed("002"))
    stations = obs.find("广西壮族自治区", "5G基站数", "2021-08", "Actual")
    assert (Decimal(stations["value"]), stations["unit"]) == (Decimal("3.2"), "万个")
    trade = obs.find("广西壮族自治区", "跨境电商进出口额", "2021-01/2021-07", "Actual")
    assert Decimal(trade["value"]) == Decimal("40.57")
    assert Decimal(obs.find("中国（广西）自由贸易试验区", "累计入驻企业数", "2021-07", "Actual")["value"]) == Decimal("3.9")


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")) + [UNSEEN], ids=lambda p: p.name[:12])
def test_every_observation_is_well_formed_and_its_evidence_holds_its_number(path):
    obs = Observations(path)
    raw = obs.document.raw
    for row in obs.rows:
        f = row["fields"]
        assert len(f["value"]) + len(f["valueText"]) == 1, row
        for key in ("unit", "status", "period", "indicator", "observedEntity"):
            assert len(f[key]) == 1, (key, row)
        assert re.fullmatch(r"\d{4}(-\d{4}|-\d{2}(/\d{4}-\d{2})?)?", row["period"]), row
        for evidence in obs.evidence[row["iri"]]:
            span = unicodedata.normalize("NFKC", raw[evidence.start:evidence.end])
            span = re.sub(r"(?<=\.)\s+(?=\d)|(?<=\d)\s+(?=\.)", "", span)  # PDF wrapping: "1238. 35"
            if row["value"] is not None:
                numbers = {Decimal(n) for n in re.findall(r"\d+(?:\.\d+)?", span)}
                assert Decimal(row["value"]) in numbers, (row["indicator"], row["value"], span)
            else:
                assert row["text"] in re.sub(r"\s+", "", span), (row["text"], span)


def test_unseen_zone_report_table_and_prose():
    obs = Observations(UNSEEN)
    zone = "滇南综合保税区"
    trade = obs.find(zone, "进出口总额", "2030", "Target")  # the table row and the closing sentence
    assert Decimal(trade["value"]) == 800 and Decimal(trade["growth"]) == Decimal("12.3")
    assert {e.rule for e in obs.evidence[trade["iri"]]} == {"indicator:table", "indicator:text"}
    assert Decimal(obs.find(zone, "进出口总额", "2023", "Actual")["value"]) == Decimal("356.2")
    assert Decimal(obs.find(zone, "外资企业数", "2030", "Target")["value"]) == 60
    energy = obs.find(zone, "单位GDP能源消耗", "2030", "Target")
    assert energy["text"] == "以上级部门下达为准" and energy["constraint"] == "Binding" and energy["unit"] == "吨标煤/万元"
    assert Decimal(obs.find(zone, "外贸进出口总额增长率", "2023", "Actual")["value"]) == Decimal("12.5")
    assert Decimal(obs.find(zone, "新增企业数", "2023", "Actual")["value"]) == 38
    assert Decimal(obs.find(zone, "固定资产投资增长率", "2020-2023", "Actual")["value"]) == Decimal("65.3")
    assert Decimal(obs.find(zone, "公共海外仓数", "2023", "Actual")["value"]) == 3
    assert Decimal(obs.find(zone, "跨境电商交易额", "2030", "Target")["value"]) == 120
    assert {r["subject"] for r in obs.rows} == {zone}  # not 老街口岸, a partner ("与越南老街口岸")
    assert not [r for r in obs.rows if r["value"] in ("20", "30")]  # "20多家", "30万吨级"


def test_table_parser_two_level_header_sub_rows_and_a_row_split_by_a_footnote():
    raw = ("表2  某区主要指标\n\t序号\n\t指标\n\t单位\n\t2020年完成\n\t2025年目标\n\n"
           "\t\n\t\n\t\n\t总量\n\t总量\n\t年均\n增长%\n\n"
           "\t1\n\t企业数\n#外资企业数\n\t家\n\t10\n\t20\n\t5%\n\n\t\n\t\n\t家\n\t2\n\t4\n\t3%\n\n"
           "\t2\n\t指数[footnoteRef:0] [0: 以2020年为基期。] \n\n\t—\n\t100\n\t显著增长\n\t\n"
           "正文继续，这一行是散文而不是表格。\n")
    (table,) = parse_tables(raw)
    assert table.number == "2" and table.title == "某区主要指标"
    assert table.columns == ["序号", "指标", "单位", "2020年完成 总量", "2025年目标 总量", "2025年目标 年均增长%"]
    assert [[c.text for c in row] for row in table.rows] == [
        ["1", "企业数\n#外资企业数", "家", "10", "20", "5%"],
        ["", "", "家", "2", "4", "3%"],
        ["2", "指数", "—", "100", "显著增长", ""],
    ]
    assert raw[table.rows[0][3].start:table.rows[0][3].end] == "10"


def test_time_expressions_and_plan_periods():
    calendar = Calendar(2021, 2021, None)
    periods = [t.period for t in find_times("今年1—7月，截至今年8月底，今年上半年，两年来，“十三五”期间，2016—2020年", calendar)]
    assert periods == ["2021-01/2021-07", "2021-08", "2021-01/2021-06", "2019-2021", "2016-2020", "2016-2020"]
    (deadline,) = find_times("到“十四五”末", calendar)
    assert deadline.period == "2025" and deadline.target
    assert plan_period("“十五五”规划") == (2026, 2030)
    assert not find_times("截至2021年11月", calendar)[0].target
    assert find_times("力争到2025年", calendar)[0].target


def test_quantities_leave_out_classes_ranks_ranges_and_approximations():
    text = "建成30万吨级码头，位列全球第47位，形成300亿元至1000亿元的产业集群，带动10多家企业，是1.6倍，港口吞吐量1.36亿吨"
    assert [(q.value, q.unit) for q in find_quantities(text)] == [("1.36", "亿吨")]


_ALPHABET = st.sampled_from(list("0123456789.%年月日亿万元吨家个条标箱，。；、\t\n表1到增长同比年均较由至占达到的—#")
                            + ["百色市", "钦州港片区", "GDP", "今年", "“十四五”", "地区生产总值", "分别", "其中"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_ALPHABET, min_size=1, max_size=80))
def test_arbitrary_text_never_crashes_the_indicator_rules(tmp_path, parts):
    path = tmp_path / "random.txt"
    text = "".join(parts)
    if not text.strip():
        return
    path.write_text(text, encoding="utf-8")
    document = load_document(path)
    extract(document, lexicon(), NS)


def test_gold_observation_recall_and_precision(seeds_store, ns):
    from kg.evaluate import evaluate, load_gold

    report = evaluate(seeds_store, load_gold(ROOT / "tests" / "gold" / "seeds_gold.jsonl"), ns)
    score = report.scores["observation"]
    assert score.recall >= 0.85, score.missed
    assert score.precision >= 0.90, score.wrong
    assert score.predicted > score.found // 2  # precision counts real predictions, not the recall
