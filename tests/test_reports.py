"""Saved reports on the seeds' build: every report's content, parameters bound as terms,
formats, run-all, and the read-only / timeout / syntax-error guarantees of every query path."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import UserError
from kg.paths import QUERIES_DIR
from kg.query import run_query
from kg.reports import (
    PARAMETER_TYPES, find_report, inject_values, load_reports, parse_assignments, prepared_query, run_report,
    where_group_start,
)

REPORTS = sorted(p.stem for p in QUERIES_DIR.glob("*.rq"))
NINE = {  # border pilot zone (short name) -> province, year of establishment (seed 001)
    "东兴": ("广西壮族自治区", "2012"), "凭祥": ("广西壮族自治区", "2016"), "百色": ("广西壮族自治区", "2020"),
    "瑞丽": ("云南省", "2012"), "勐腊": ("云南省", "2015"), "满洲里": ("内蒙古自治区", "2012"),
    "二连浩特": ("内蒙古自治区", "2014"), "绥芬河": ("黑龙江省", "2016"), "塔城": ("新疆维吾尔自治区", "2020"),
}


def invoke(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def rows_of(seeds_build, name: str, *params: str) -> list[dict]:
    """A report's rows as dicts of plain values (JSON records)."""
    args = ["report", "run", name, "--store", seeds_build.out, "--format", "json"]
    for param in params:
        args += ["-p", param]
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def text_of(rows: list[dict]) -> str:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in rows)


# ---------------------------------------------------------------- the report files


def test_at_least_fifteen_reports_with_bilingual_titles_and_typed_parameters():
    reports = load_reports(QUERIES_DIR)
    assert len(reports) >= 15
    for report in reports.values():
        assert report.title_zh and report.title_en and report.description, report.name
        assert any("\u4e00" <= c <= "\u9fff" for c in report.title_zh), report.name
        assert report.output.get("columns"), report.name
        for parameter in report.parameters:
            assert parameter.type in PARAMETER_TYPES
            assert parameter.default is not None, f"{report.name}: run-all needs defaults"


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_runs_on_the_seeds_and_returns_rows(seeds_build, seeds_store, ns, name):
    report = find_report(QUERIES_DIR, name)
    result = run_report(seeds_store, report, {}, ns)
    assert result.form == "select" and result.rows, f"{name} returned no rows"
    assert not result.truncated
    assert result.variables == [str(c) for c in report.output["columns"]], "header columns match the output hint"


def test_border_pilot_zones_are_the_nine_with_province_year_and_approver(seeds_build):
    rows = rows_of(seeds_build, "border-pilot-zones")
    assert len(rows) == 9
    for short, (province, year) in NINE.items():
        [row] = [r for r in rows if short in r["name"]]
        assert row["province"] == province, row
        assert year in row["year"].split(", "), row
        assert row["zone"].startswith("https://w3id.org/kaifang/id/zone/")
    baise = next(r for r in rows if "百色" in r["name"])
    assert "国务院" in baise["approvedBy"] and baise["date"] == "2020-03-30"
    assert baise["documents"] >= 2
    assert [r["province"] for r in rows] == sorted(r["province"] for r in rows)


def test_overview_counts_documents_classes_and_inferences(seeds_build):
    rows = rows_of(seeds_build, "overview")
    totals = {r["item"]: r["count"] for r in rows if r["section"] == "1 totals"}
    assert totals["documents"] == 6  # five seeds and the curated reference data
    assert totals["inferred facts"] > 0 and totals["facts from documents"] > 1000
    assert totals["machine-extracted entities"] > 0
    classes = {r["item"]: r["count"] for r in rows if r["section"] == "3 classes"}
    assert classes["https://w3id.org/kaifang/ontology#BorderPilotZone"] == 9
    documents = [r for r in rows if r["section"] == "2 documents"]
    assert len(documents) == 5 and all(r["count"] > 0 for r in documents)
    assert any(r["name"] == "北部湾城市群发展规划广西实施方案" for r in documents)


def test_zone_profile_of_baise_and_of_qinzhou_port_area(seeds_build):
    rows = rows_of(seeds_build, "zone-profile")
    aspects = {}
    for row in rows:
        aspects.setdefault(row["aspect"].split(" ", 1)[1], set()).add(row["label"])
    assert "沿边重点开发开放试验区" in aspects["kind 类型"]
    assert {"广西壮族自治区", "百色市"} <= aspects["located in 位于"]
    assert "中华人民共和国国务院" in aspects["approved by 批复"]
    assert {"2020", "2020-03-30"} <= aspects["established 设立"]
    assert any("龙邦" in port for port in aspects["ports 口岸"])
    assert aspects["industries of parts 组成部分的产业"] >= {"新材料", "生物医药"}
    sources = next(r for r in rows if r["aspect"].startswith("04") and r["label"] == "百色市")["sources"]
    assert "reference" in sources
    qinzhou = rows_of(seeds_build, "zone-profile", "zone=钦州港片区")
    assert any(r["aspect"].startswith("02") and r["label"] == "中国（广西）自由贸易试验区" for r in qinzhou)
    assert not any(r["label"] == "百色市" for r in qinzhou)


def test_industries_per_zone_and_zones_per_industry(seeds_build):
    per_zone = rows_of(seeds_build, "zone-industries")
    assert any(r["name"] == "重点开发区" and r["industryName"] == "生物医药" for r in per_zone)
    zones = rows_of(seeds_build, "industry-zones")  # default: 新材料 and anything narrower
    named = {(r["name"], r["named"]) for r in zones}
    assert ("重点开发区", "新材料") in named
    assert any(n == "新能源材料" for _, n in named), "narrower industries count through skos:broader"
    by_pinyin = rows_of(seeds_build, "industry-zones", "industry=xin cai liao")
    assert by_pinyin == zones


def test_zone_indicators_put_table_1_actuals_next_to_targets(seeds_build):
    rows = rows_of(seeds_build, "zone-indicators")  # default: 钦州港片区, 表1 of its 14th Five-Year Plan
    container = {r["targetPeriod"]: r for r in rows if r["name"] == "集装箱吞吐量" and r.get("targetPeriod")}
    assert container["2025"]["target"] == 800 and container["2025"]["actual"] == 395
    assert container["2025"]["unit"] == "万标箱" and container["2025"]["actualPeriod"] == "2020"
    assert container["2025"]["growth"] == 15.2 and container["2025"]["kind"] == "预期性"
    assert container["2035"]["target"] == 3000
    gdp = next(r for r in rows if r["name"] == "地区生产总值" and r.get("targetPeriod") == "2025")
    assert (gdp["actual"], gdp["target"], gdp["unit"]) == (252.8, 630, "亿元")
    worded = next(r for r in rows if r["name"] == "投资便利化指数" and r.get("targetPeriod") == "2025")
    assert worded["target"] == "显著增长"
    energy = next(r for r in rows if r["name"] == "单位GDP能源消耗" and r.get("targetPeriod") == "2025")
    assert energy["kind"] == "约束性"
    targets = rows_of(seeds_build, "indicator-values")  # default: 2025 targets
    assert any(r["subjectName"] == "中国（广西）自由贸易试验区钦州港片区" and r["indicatorName"] == "集装箱吞吐量"
               and r["value"] == 800 for r in targets)
    actuals = rows_of(seeds_build, "indicator-values", "year=2020", "status=actual")
    assert any(r["indicatorName"] == "集装箱吞吐量" and r["value"] == 395 for r in actuals)
    assert not any(r["value"] == 800 for r in actuals if r["indicatorName"] == "集装箱吞吐量")


def test_corridors_and_routes_with_what_they_link(seeds_build):
    rows = rows_of(seeds_build, "corridors-and-routes")
    links = {(r["name"], r["nodeName"]) for r in rows}
    assert ("中国—中南半岛经济走廊", "越南") in links
    assert ("北部湾港—新加坡班轮", "新加坡港") in links
    assert {r["kind"] for r in rows} >= {"通道", "线路"}


def test_platforms_by_city(seeds_build):
    rows = rows_of(seeds_build, "platforms-by-city")
    pairs = {(r["cityName"], r["name"]) for r in rows}
    assert ("钦州市", "中国（广西）自由贸易试验区钦州港片区") in pairs
    assert ("百色市", "广西百色重点开发开放试验区") in pairs
    assert not any(r["kind"] == "城市群" for r in rows)


def test_plans_tasks_and_organisations(seeds_build):
    plans = rows_of(seeds_build, "plans-and-tasks")
    baise_tasks = {r.get("taskName") for r in plans if r.get("planName") == "广西百色重点开发开放试验区建设实施方案"}
    assert {"推进体制机制创新", "开展人文交流合作"} <= baise_tasks
    assert any(r.get("responsible") for r in plans), "some task has a responsible unit"
    scheme = [r for r in plans if r.get("planName") == "北部湾城市群发展规划广西实施方案"]
    assert scheme and "广西壮族自治区人民政府" in scheme[0]["issuer"]
    organisations = rows_of(seeds_build, "organisations")
    assert any(r["name"] == "中华人民共和国国务院" and r["relation"] == "approved 批复"
               and r["thingName"] == "广西百色重点开发开放试验区" for r in organisations)


def test_entities_in_several_documents(seeds_build):
    rows = rows_of(seeds_build, "multi-document-entities")
    assert all(r["documents"] >= 2 for r in rows)
    assert any(r["name"] == "广西百色重点开发开放试验区" for r in rows)
    everywhere = rows_of(seeds_build, "multi-document-entities", "min=5")
    assert {r["name"] for r in everywhere} >= {"中国", "广西壮族自治区"}
    assert all(r["documents"] == 5 for r in everywhere)


def test_establishment_timeline_is_in_order_and_honours_since(seeds_build):
    rows = rows_of(seeds_build, "establishment-timeline")
    years = [r["year"] for r in rows]
    assert years == sorted(years) and "2012" in years
    assert any(r["name"] == "中国（广西）自由贸易试验区" and r["year"] == "2019" for r in rows)
    later = rows_of(seeds_build, "establishment-timeline", "since=2016")
    assert later and all(int(r["year"]) >= 2016 for r in later)


def test_beibu_gulf_cities_and_their_roles(seeds_build):
    rows = {r["name"]: r for r in rows_of(seeds_build, "beibu-gulf-cities")}
    guangxi = {n for n, r in rows.items() if r.get("province") == "广西壮族自治区"}
    assert guangxi == {"南宁市", "北海市", "钦州市", "防城港市", "玉林市", "崇左市"}
    assert "核心城市" in rows["南宁市"]["roles"]
    assert "高新技术与海洋经济示范区" in rows["北海市"]["roles"]
    assert {"湛江市", "海口市"} <= set(rows)


def test_cooperation_with_foreign_countries(seeds_build):
    rows = rows_of(seeds_build, "foreign-cooperation")
    assert any(r["countryName"] == "马来西亚" and r["relation"] == "twin park 两国双园"
               and r["thingName"] == "中马钦州产业园区" and r["partnerName"] == "马中关丹产业园" for r in rows)
    assert any(r["countryName"] == "越南" for r in rows)
    assert not any(r["countryName"] == "中国" for r in rows)


def test_provenance_gives_the_sentence_behind_each_statement(seeds_build):
    rows = rows_of(seeds_build, "provenance")
    approved = [r for r in rows if r["property"].endswith("#approvedBy")]
    assert approved and "国务院批复设立广西百色重点开发开放试验区" in approved[0]["sentence"]
    assert approved[0]["document"].endswith("/doc/baise-pilot-zone-news-2020")
    assert isinstance(approved[0]["start"], int) and approved[0]["end"] > approved[0]["start"]
    assert any(r["rule"] == "curation:reference" for r in rows)
    assert any(r["rule"] == "inferred" for r in rows)
    assert any(r["direction"] == "in" for r in rows)


def test_review_queue_lists_machine_extracted_entities(seeds_build, run_sparql):
    rows = rows_of(seeds_build, "review-queue")
    machine = {r[0] for r in run_sparql("SELECT ?e WHERE { ?e kgo:machineExtracted true }")}
    assert {r["entity"] for r in rows} <= machine and len(rows) > 10
    assert all(r["mentions"] >= 1 and r["example"] for r in rows[:20])
    assert [r["mentions"] for r in rows] == sorted((r["mentions"] for r in rows), reverse=True)


def test_documents_and_ports(seeds_build):
    docs = {r["document"].rsplit("/", 1)[-1]: r for r in rows_of(seeds_build, "documents")}
    assert docs["beibu-gulf-city-cluster-scheme-2018"]["issued"] == "2018-01-05"
    assert docs["qinzhou-port-area-14th-five-year-plan-2022"]["facts"] > 100
    ports = {r["name"]: r for r in rows_of(seeds_build, "ports")}
    assert ports["龙邦口岸"]["kind"] == "边境口岸"
    assert "北部湾港" in ports["钦州港"]["partOf"]


# ---------------------------------------------------------------- parameters


def test_entity_parameters_accept_names_aliases_pinyin_prefixed_names_and_iris(seeds_build):
    expected = rows_of(seeds_build, "zone-profile", "zone=zone:qinzhou-port-area")
    for value in ("钦州港片区", "中国（广西）自由贸易试验区钦州港片区", "Qinzhou Port Area",
                  "<https://w3id.org/kaifang/id/zone/qinzhou-port-area>",
                  "https://w3id.org/kaifang/id/zone/qinzhou-port-area"):
        assert rows_of(seeds_build, "zone-profile", f"zone={value}") == expected, value


@pytest.mark.parametrize("args, message", [
    (["multi-document-entities", "-p", "min=two"], "parameter 'min': 'two' is not an integer"),
    (["establishment-timeline", "-p", "since=16"], "parameter 'since'"),
    (["indicator-values", "-p", "status=planned"], "not one of the allowed values: target, actual"),
    (["zone-profile", "-p", "zone=南宁市"], "parameter 'zone'"),  # a city, not a kgo:Platform
    (["zone-profile", "-p", "zone=no such zone"], "parameter 'zone'"),
    (["zone-profile", "-p", "region=x"], "has no parameter 'region'"),
    (["zone-profile", "-p", "zone"], "must look like name=value"),
    (["no-such-report"], "no report named 'no-such-report'"),
])
def test_bad_parameters_are_one_line_errors_naming_them(seeds_build, args, message):
    result = invoke("report", "run", *args, "--store", seeds_build.out)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.fixture
def echo_reports(tmp_path) -> Path:
    """A folder of small reports that echo their parameters back."""
    (tmp_path / "echo.rq").write_text(
        "#+ title: {zh: 回显, en: Echo}\n"
        "#+ description: returns its parameters\n"
        "#+ parameters:\n"
        "#+   - {name: text, type: string}\n"
        "#+   - {name: thing, type: iri, default: 'kgo:Zone'}\n"
        "#+ output: {columns: [text, thing, length]}\n"
        "SELECT ?text ?thing ?length WHERE { BIND(STRLEN(?text) AS ?length) }\n", encoding="utf-8")
    (tmp_path / "update.rq").write_text(
        "#+ title: {zh: 删除, en: Delete}\nDELETE WHERE { ?s ?p ?o }\n", encoding="utf-8")
    (tmp_path / "broken.rq").write_text(
        "#+ title: {zh: 坏, en: Broken}\nSELECT ?s WHERE {\n  ?s ?p\n}\n", encoding="utf-8")
    return tmp_path


def test_a_required_parameter_must_be_given(seeds_build, echo_reports):
    result = invoke("report", "run", "echo", "--store", seeds_build.out, "--queries", echo_reports)
    assert result.exit_code == 2 and "needs parameter 'text'" in result.output


@pytest.mark.parametrize("value", [
    '"} ; DROP ALL ; {',
    "x' } INSERT DATA { <http://e/a> <http://e/b> <http://e/c> } #",
    '\\u0022 } ; DROP ALL ; {\n"""',
    "zone:baise-pilot-zone> . ?s ?p ?o",
    "{{}}} ) . FILTER(false) #",
])
def test_injection_attempts_are_bound_as_one_literal(seeds_build, seeds_store, ns, echo_reports, value):
    before = len(seeds_store)
    result = invoke("report", "run", "echo", "-p", f"text={value}", "--store", seeds_build.out,
                    "--queries", echo_reports, "--format", "json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    assert row["text"] == value and row["length"] == len(value)
    assert row["thing"] == ns.kgo("Zone")
    assert len(seeds_store) == before


@pytest.mark.parametrize("value", ["<http://e/a> } DROP ALL { <http://e/b>", "http://e/a b", "zone:baise pilot",
                                   "nope:thing", "<http://e/{x}>"])
def test_injection_through_iri_parameters_is_refused(seeds_build, echo_reports, value):
    result = invoke("report", "run", "echo", "-p", "text=t", "-p", f"thing={value}", "--store", seeds_build.out,
                    "--queries", echo_reports)
    assert result.exit_code == 2 and "parameter 'thing'" in result.output, result.output


def test_values_go_into_the_top_level_where_group():
    iri = ox.NamedNode("http://e/z")
    cases = {
        "SELECT * WHERE { ?zone ?p ?o }": "SELECT * WHERE { VALUES",
        "SELECT * { ?zone ?p ?o }": "SELECT * { VALUES",
        "CONSTRUCT { ?zone ?p ?o } WHERE { ?zone ?p ?o }": "CONSTRUCT { ?zone ?p ?o } WHERE { VALUES",
        "CONSTRUCT { ?zone ?p ?o } { ?zone ?p ?o }": "CONSTRUCT { ?zone ?p ?o } { VALUES",
        "# a comment { with WHERE {\nSELECT ?x (\"WHERE {\" AS ?y) WHERE { ?zone ?p ?x }":
            "SELECT ?x (\"WHERE {\" AS ?y) WHERE { VALUES",
        "SELECT (EXISTS { ?a ?b ?c } AS ?e) WHERE { ?zone ?p ?o }": "AS ?e) WHERE { VALUES",
        "ASK { { SELECT ?zone WHERE { ?zone ?p ?o } } }": "ASK { VALUES",
    }
    for query, start in cases.items():
        injected = inject_values(query, {"zone": iri})
        assert start in injected, injected
        assert "VALUES (?zone) { (<http://e/z>) }" in injected
        ox.Store().query(injected)  # still valid SPARQL
    with pytest.raises(UserError):
        where_group_start("SELECT ?x")


def test_parameters_bind_typed_terms(seeds_store, ns):
    report = find_report(QUERIES_DIR, "indicator-values")
    query = prepared_query(report, {"year": "2025"}, seeds_store, ns)
    assert '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>' in query and '"target"' in query
    assert parse_assignments(["a=b=c", "x="]) == {"a": "b=c", "x": ""}


# ---------------------------------------------------------------- commands and formats


def test_report_list_and_show(seeds_build):
    listed = invoke("report", "list")
    assert listed.exit_code == 0
    assert all(name in listed.output for name in REPORTS)
    assert "沿边重点开发开放试验区" in listed.output and "[zone=百色试验区]" in listed.output
def test_report_show(seeds_build, tmp_path):
    shown = invoke("report", "show", "zone-indicators", "--store", tmp_path)  # no store: the query as written
    assert shown.exit_code == 0
    assert "Indicators of a zone" in shown.output and "zone (entity; default 钦州港片区)" in shown.output
    assert "kgo:observedEntity" in shown.output and "#+" not in shown.output and "VALUES" not in shown.output
    bound = invoke("report", "show", "zone-indicators", "--store", seeds_build.out)  # as it would run
    assert "VALUES (?zone) { (<https://w3id.org/kaifang/id/zone/qinzhou-port-area>) }" in bound.output
    other = invoke("report", "show", "zone-indicators", "--store", seeds_build.out, "-p", "zone=百色试验区")
    assert "VALUES (?zone) { (<https://w3id.org/kaifang/id/zone/baise-pilot-zone>) }" in other.output


def test_report_formats(seeds_build, tmp_path):
    def run(fmt: str) -> str:
        result = invoke("report", "run", "border-pilot-zones", "--store", seeds_build.out, "--format", fmt)
        assert result.exit_code == 0, result.output
        return result.output

    table = run("table")
    assert "zone:baise-pilot-zone" in table and "广西壮族自治区" in table
    rows = list(csv.reader(io.StringIO(run("csv"))))
    assert rows[0][:4] == ["zone", "name", "nameEn", "province"] and len(rows) == 10
    assert run("tsv").splitlines()[0].startswith("?zone\t?name")
    records = json.loads(run("json"))
    assert len(records) == 9 and isinstance(records[0]["documents"], int)
    standard = json.loads(run("sparql-json"))
    assert standard["head"]["vars"][0] == "zone" and len(standard["results"]["bindings"]) == 9
    markdown = run("md").splitlines()
    assert markdown[0].startswith("| zone | name |") and markdown[1].startswith("|---|") and len(markdown) == 11
    turtle = run("ttl")
    store = ox.Store()
    store.load(turtle, format=ox.RdfFormat.TURTLE)
    solutions = store.query("PREFIX rs: <http://www.w3.org/2001/sw/DataAccess/tests/result-set#> "
                            "SELECT (COUNT(*) AS ?n) WHERE { ?set rs:solution ?s }")
    assert next(iter(solutions))["n"].value == "9"
    out = tmp_path / "zones.csv"
    result = invoke("report", "run", "border-pilot-zones", "--store", seeds_build.out, "--format", "csv", "-o", out)
    assert result.exit_code == 0 and result.output == ""
    assert out.read_text(encoding="utf-8").startswith("zone,name,")


def test_run_all_writes_one_file_per_report(seeds_build, tmp_path):
    out = tmp_path / "all"
    result = invoke("report", "run-all", "--out", out, "--store", seeds_build.out, "--format", "json")
    assert result.exit_code == 0, result.output
    files = sorted(p.stem for p in out.glob("*.json"))
    assert files == REPORTS
    assert len(json.loads((out / "border-pilot-zones.json").read_text(encoding="utf-8"))) == 9
    assert "FAILED" not in result.output


def test_run_all_reports_failures_and_goes_on(seeds_build, echo_reports, tmp_path):
    result = invoke("report", "run-all", "--out", tmp_path / "r", "--store", seeds_build.out,
                    "--queries", echo_reports)
    assert result.exit_code == 1
    assert "FAILED echo" in result.output and "FAILED update" in result.output and "FAILED broken" in result.output


def test_report_that_updates_is_refused_and_changes_nothing(seeds_build, seeds_store, echo_reports):
    before = len(seeds_store)
    result = invoke("report", "run", "update", "--store", seeds_build.out, "--queries", echo_reports)
    assert result.exit_code == 2 and "read-only" in result.output
    assert len(seeds_store) == before


def test_report_syntax_error_names_line_and_column(seeds_build, echo_reports):
    result = invoke("report", "run", "broken", "--store", seeds_build.out, "--queries", echo_reports)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert re.search(r"line [45], column \d+", result.output), result.output  # lines of the .rq file


def test_row_cap_on_reports(seeds_build):
    result = invoke("report", "run", "border-pilot-zones", "--store", seeds_build.out, "--limit", "3",
                    "--format", "csv")
    assert result.exit_code == 0
    assert len(list(csv.reader(io.StringIO(result.output.split("note:")[0])))) == 4
    assert "results cut at 3 rows" in result.output


def test_query_command_new_formats(seeds_build):
    query = "SELECT ?z WHERE { ?z a kgo:BorderPilotZone } ORDER BY ?z"
    md = invoke("query", query, "--store", seeds_build.out, "--format", "md")
    assert md.output.splitlines()[2] == "| zone:baise-pilot-zone |"
    graph = invoke("query", "CONSTRUCT WHERE { ?z a kgo:BorderPilotZone }", "--store", seeds_build.out,
                   "--format", "ttl")
    assert "@prefix kgo:" in graph.output and "zone:baise-pilot-zone a kgo:BorderPilotZone" in graph.output


# ---------------------------------------------------------------- timeouts

CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_timeout_stops_a_runaway_query_and_the_process_stays_healthy(seeds_build):
    started = time.monotonic()
    result = invoke("query", CROSS_PRODUCT, "--store", seeds_build.out, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert result.exit_code == 2 and "stopped after 1 s" in result.output, result.output
    assert elapsed < 10
    after = invoke("query", "ASK { ?z a kgo:BorderPilotZone }", "--store", seeds_build.out, "--timeout", "5")
    assert after.exit_code == 0 and after.output.strip() == "true"


def test_timeout_on_reports(seeds_build, echo_reports):
    (echo_reports / "slow.rq").write_text("#+ title: {zh: 慢, en: Slow}\n" + CROSS_PRODUCT + "\n", encoding="utf-8")
    result = invoke("report", "run", "slow", "--store", seeds_build.out, "--queries", echo_reports,
                    "--timeout", "0.5")
    assert result.exit_code == 2 and "stopped after 0.5 s" in result.output


def test_answers_through_the_child_process_equal_the_in_process_ones(seeds_store, ns):
    for query in ("SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 500",
                  "ASK { ?z a kgo:BorderPilotZone }",
                  "CONSTRUCT WHERE { ?z a kgo:BorderPilotZone ; rdfs:label ?l }"):
        direct, forked = run_query(seeds_store, query, ns), run_query(seeds_store, query, ns, timeout=30)
        assert (direct.form, direct.variables, direct.rows, direct.boolean) == \
               (forked.form, forked.variables, forked.rows, forked.boolean)
        assert set(direct.triples) == set(forked.triples)
    cut = run_query(seeds_store, "SELECT * WHERE { ?s ?p ?o }", ns, limit=5, timeout=30)
    assert len(cut.rows) == 5 and cut.truncated
    with pytest.raises(UserError, match="line 1, column"):
        run_query(seeds_store, "SELECT * WHERE { ?s ?p }", ns, timeout=30)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_the_query_child_dies_with_a_killed_parent(seeds_build, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    script = (f"from pathlib import Path; from kg.store import open_store; from kg.namespaces import Namespaces; "
              f"from kg.query import run_query; run_query(open_store(Path({str(seeds_build.out)!r})), "
              f"{CROSS_PRODUCT!r}, Namespaces(), timeout=120)")
    parent = subprocess.Popen([sys.executable, "-c", script])
    children_file = Path(f"/proc/{parent.pid}/task/{parent.pid}/children")
    deadline = time.monotonic() + 20
    children: list[int] = []
    while not children and time.monotonic() < deadline:
        time.sleep(0.1)
        children = [int(c) for c in children_file.read_text().split()] if children_file.exists() else []
    assert children, "the query did not start in a child process"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()

    def alive(pid: int) -> bool:
        status = Path(f"/proc/{pid}/status")
        try:
            return "\nState:\tZ" not in status.read_text()
        except OSError:
            return False

    deadline = time.monotonic() + 10
    while alive(children[0]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(children[0])
