"""`kg publish` on the seeds: dumps that independent parsers read back to the store, a VoID/DCAT
description whose numbers are right, checksums, a changelog, a static site, and two publishes
of the same inputs that are byte-identical."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import UserError
from kg.publish import PublishOptions, PublishResult, publish
from kg.publish.changelog import asserted_facts, compare
from kg.publish.charts import IndicatorSeries, Point, indicator_chart, parse_decimal
from kg.publish.checksums import verify
from kg.publish.model import ReleaseGraph
from kg.publish.release import issued_date

NINE_PILOT_ZONES = {"东兴", "凭祥", "百色", "瑞丽", "勐腊", "满洲里", "二连浩特", "绥芬河", "塔城"}
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"

_RELEASES: dict[str, PublishResult] = {}


def publish_seeds(build_dir: Path) -> PublishResult:
    """One publish of the seeds' build per session, beside the build: the browser, serve and
    push tests reuse it."""
    key = str(build_dir)
    if key not in _RELEASES:
        _RELEASES[key] = publish(PublishOptions(store=build_dir, out=build_dir.parent / "releases"))
    return _RELEASES[key]


@pytest.fixture(scope="session")
def releases_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("releases")


@pytest.fixture(scope="session")
def release(seeds_build) -> PublishResult:
    return publish_seeds(seeds_build.out)


@pytest.fixture(scope="session")
def store_quads(seeds_store) -> set[ox.Quad]:
    return set(seeds_store.quads_for_pattern(None, None, None, None))


@pytest.fixture(scope="session")
def void_store(release) -> ox.Store:
    store = ox.Store()
    store.load(path=str(release.folder / "void.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- the release folder


def test_release_holds_every_file_and_says_what_it_is(release):
    folder = release.folder
    for name in ("kg.ttl", "kg.nt.gz", "kg.trig", "kg.jsonld", "ontology.ttl", "shapes.ttl", "void.ttl",
                 "SHA256SUMS", "CHANGELOG.md", "changelog.json", "release.json", "site/index.html"):
        assert (folder / name).stat().st_size > 0, name
    info = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert info["issued"] == "2022-04-13"  # the newest dated seed (the Qinzhou plan), not today
    assert info["version"] == release.version == folder.name
    assert re.fullmatch(r"2022-04-13-[0-9a-f]{8}", release.version)
    assert info["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    latest = release.folder.parent / "latest"
    assert latest.is_symlink() and latest.resolve() == folder.resolve()


def test_two_publishes_of_the_same_inputs_are_byte_identical(seeds_build, release, releases_root):
    again = publish(PublishOptions(store=seeds_build.out, out=releases_root / "b"))
    assert again.version == release.version
    first, second = _tree(release.folder), _tree(again.folder)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert not different, different[:10]


def test_turtle_prefix_headers_are_sorted(release):
    for name in ("kg.ttl", "ontology.ttl", "void.ttl", "site/id/zone/baise-pilot-zone.ttl"):
        lines = (release.folder / name).read_text(encoding="utf-8").splitlines()
        prefixes = [line for line in lines if line.startswith("@prefix")]
        assert prefixes and prefixes == sorted(prefixes), name


def test_checksums_cover_every_file_and_verify(release):
    sums = (release.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in sums}
    on_disk = {p.relative_to(release.folder).as_posix() for p in release.folder.rglob("*") if p.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}
    assert verify(release.folder) == []
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=release.folder,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr


# ---------------------------------------------------------------- dumps read back by independent parsers


def _rapper_count(path: Path, syntax: str, data: bytes | None = None) -> int:
    args = ["rapper", "-i", syntax, "-c"] + (["-", "http://example.org/base/"] if data is not None else [str(path)])
    done = subprocess.run(args, input=data, capture_output=True, check=False)
    message = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 0 and "Error" not in message, message[-2000:]
    return int(re.search(r"returned (\d+) (?:triples|statements)", message).group(1))


@pytest.mark.skipif(shutil.which("rapper") is None,
                    reason="Debian's rapper (apt-get install raptor2-utils) is not installed")
def test_every_dump_parses_with_rapper(release, store_quads):
    union = {q.triple for q in store_quads}
    folder = release.folder
    assert _rapper_count(folder / "kg.ttl", "turtle") == len(union)
    assert _rapper_count(folder / "kg.trig", "trig") == len(store_quads)
    assert _rapper_count(folder / "kg.nt.gz", "ntriples", gzip.decompress((folder / "kg.nt.gz").read_bytes())) \
        == len(union)
    for name in ("ontology.ttl", "shapes.ttl", "void.ttl", "site/id/zone/baise-pilot-zone.ttl",
                 "site/doc/qinzhou-port-area-14th-five-year-plan-2022.ttl"):
        assert _rapper_count(folder / name, "turtle") > 10, name


def test_every_dump_parses_with_pyoxigraph_to_the_store(release, store_quads):
    folder = release.folder
    union = {q.triple for q in store_quads}
    assert set(ox.parse(path=str(folder / "kg.trig"), format=ox.RdfFormat.TRIG)) == store_quads
    assert set(ox.parse(path=str(folder / "kg.jsonld"), format=ox.RdfFormat.JSON_LD)) == store_quads
    assert {q.triple for q in ox.parse(path=str(folder / "kg.ttl"), format=ox.RdfFormat.TURTLE)} == union
    nt = gzip.decompress((folder / "kg.nt.gz").read_bytes())
    assert {q.triple for q in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)} == union
    ontology_graph = {q.triple for q in store_quads if q.graph_name.value.endswith("/graph/ontology")}
    assert {q.triple for q in ox.parse(path=str(folder / "ontology.ttl"), format=ox.RdfFormat.TURTLE)} == ontology_graph
    shapes = list(ox.parse(path=str(folder / "shapes.ttl"), format=ox.RdfFormat.TURTLE))
    assert any(t.object.value == "http://www.w3.org/ns/shacl#NodeShape" for t in shapes)


def test_trig_has_one_named_graph_per_document_plus_reference_and_inferences(release, ns):
    graphs = {q.graph_name.value for q in ox.parse(path=str(release.folder / "kg.trig"), format=ox.RdfFormat.TRIG)}
    for name in ("baise-pilot-zone-news-2020", "border-pilot-zones-paper-2022", "guangxi-opening-up-news-2021",
                 "beibu-gulf-city-cluster-scheme-2018", "qinzhou-port-area-14th-five-year-plan-2022",
                 "reference", "inferred"):
        assert ns.graph(name) in graphs, name


def test_jsonld_is_compacted_with_a_context_and_chinese_unescaped(release, ns):
    text = (release.folder / "kg.jsonld").read_text(encoding="utf-8")
    assert "\\u" not in text and "广西百色重点开发开放试验区" in text
    document = json.loads(text)
    assert document["@context"]["zone"] == ns.base + "id/zone/"
    assert document["@context"]["kgo"] == ns.ontology
    graphs = {g["@id"]: g["@graph"] for g in document["@graph"]}
    assert "graph:reference" in graphs and "graph:inferred" in graphs
    baise = next(n for n in graphs["graph:reference"] if n["@id"] == "zone:baise-pilot-zone")
    assert baise["@type"] == "kgo:BorderPilotZone"
    assert {"@value": "广西百色重点开发开放试验区", "@language": "zh"} in (
        baise["rdfs:label"] if isinstance(baise["rdfs:label"], list) else [baise["rdfs:label"]])


def test_resource_jsonld_reads_the_same_as_its_turtle_with_rdflib(release):
    import rdflib
    from rdflib.compare import isomorphic

    stem = release.folder / "site/id/zone/baise-pilot-zone"
    as_jsonld = rdflib.Graph().parse(stem.with_suffix(".jsonld"), format="json-ld")
    as_turtle = rdflib.Graph().parse(stem.with_suffix(".ttl"), format="turtle")
    assert len(as_turtle) > 20 and isomorphic(as_jsonld, as_turtle)
    subjects = {str(s) for s in as_turtle.subjects()}
    assert "https://w3id.org/kaifang/id/zone/baise-pilot-zone" in subjects
    assert any("/evidence/" in s for s in subjects)  # the evidence travels with the resource


# ---------------------------------------------------------------- VoID and DCAT


def _one(store: ox.Store, query: str):
    rows = list(store.query(query))
    assert len(rows) == 1, (query, rows)
    return rows[0]


def test_void_dcat_describes_title_licence_version_date_and_counts(release, void_store, store_quads, ns):
    d = f"<{ns.base}release/{release.version}>"
    prefixes = f"PREFIX void: <{VOID}> PREFIX dcat: <{DCAT}> PREFIX dcterms: <{DCTERMS}> "
    titles = {(r["t"].language, r["t"].value) for r in void_store.query(
        prefixes + f"SELECT ?t WHERE {{ {d} a dcat:Dataset, void:Dataset ; dcterms:title ?t }}")}
    assert {lang for lang, _ in titles} == {"zh", "en"}
    row = _one(void_store, prefixes + f"""SELECT * WHERE {{ {d} dcterms:license ?licence ; dcat:version ?version ;
        dcterms:issued ?issued ; void:triples ?triples ; void:entities ?entities ; void:classes ?classes ;
        void:properties ?properties ; void:sparqlEndpoint ?endpoint }}""")
    assert row["licence"].value == "https://creativecommons.org/licenses/by/4.0/"
    assert row["version"].value == release.version
    assert row["issued"].value == "2022-04-13" and row["issued"].datatype.value.endswith("#date")
    union = {q.triple for q in store_quads}
    assert int(row["triples"].value) == len(union)
    assert int(row["classes"].value) == len({t.object for t in union if t.predicate.value.endswith("#type")})
    assert int(row["properties"].value) == len({t.predicate for t in union})
    assert int(row["entities"].value) == release.entities > 300
    assert row["endpoint"].value == ns.base + "sparql"


def test_void_partitions_count_the_nine_pilot_zones(release, void_store, ns):
    prefixes = f"PREFIX void: <{VOID}> "
    row = _one(void_store, prefixes + f"""SELECT ?n WHERE {{ ?d void:classPartition ?part .
        ?part void:class <{ns.kgo('BorderPilotZone')}> ; void:entities ?n }}""")
    assert int(row["n"].value) == 9
    row = _one(void_store, prefixes + f"""SELECT ?n WHERE {{ ?d void:propertyPartition ?part .
        ?part void:property <{ns.kgo('locatedIn')}> ; void:triples ?n }}""")
    assert int(row["n"].value) > 9
    graphs = {r["g"].value for r in void_store.query(
        prefixes + "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> "
                   "SELECT ?g WHERE { ?d void:subset ?s . ?s sd:name ?g ; void:triples ?n }")}
    assert ns.graph("qinzhou-port-area-14th-five-year-plan-2022") in graphs and ns.inferred_graph in graphs


def test_void_links_every_dump_with_its_size_and_checksum(release, void_store):
    sums = dict(reversed(line.split("  ", 1)) for line in
                (release.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines())
    rows = list(void_store.query(f"""PREFIX dcat: <{DCAT}> PREFIX spdx: <http://spdx.org/rdf/terms#>
        PREFIX void: <{VOID}>
        SELECT ?url ?size ?sum ?media WHERE {{ ?d dcat:distribution ?url . ?url dcat:downloadURL ?url ;
          dcat:byteSize ?size ; dcat:mediaType ?media ; spdx:checksum [ spdx:checksumValue ?sum ] }}"""))
    names = {}
    for row in rows:
        name = row["url"].value.rsplit("/", 1)[1]
        names[name] = row
        assert int(row["size"].value) == (release.folder / name).stat().st_size
        assert row["sum"].value == sums[name]
    assert set(names) >= {"kg.ttl", "kg.nt.gz", "kg.trig", "kg.jsonld", "ontology.ttl", "shapes.ttl"}
    dumps = {r["u"].value.rsplit("/", 1)[1] for r in void_store.query(
        f"PREFIX void: <{VOID}> SELECT ?u WHERE {{ ?d void:dataDump ?u }}")}
    assert dumps == {"kg.ttl", "kg.nt.gz", "kg.trig", "kg.jsonld"}


# ---------------------------------------------------------------- dates, versions, changelog


def test_issued_date_comes_from_the_documents_or_the_option(store_quads, ns):
    graph = ReleaseGraph.of(sorted(store_quads, key=str), ns)
    assert issued_date(graph, None) == "2022-04-13"
    assert issued_date(graph, "2024-01-31") == "2024-01-31"
    with pytest.raises(UserError, match="--date"):
        issued_date(graph, "31/01/2024")


def test_first_release_changelog(release):
    log = json.loads((release.folder / "changelog.json").read_text(encoding="utf-8"))
    assert log["previous_version"] is None and log["entities"]["total"] == release.entities
    assert "First release" in (release.folder / "CHANGELOG.md").read_text(encoding="utf-8")


def test_changelog_against_an_earlier_release(seeds_build, release, releases_root, ns):
    """A doctored 'previous release': one zone missing, one label different, one extra fact."""
    earlier = releases_root / "history" / "2020-01-01-earlier"
    earlier.mkdir(parents=True)
    baise, dongxing = ns.entity("zone", "baise-pilot-zone"), ns.entity("zone", "dongxing-pilot-zone")
    label_en = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = []
    for q in ox.parse(path=str(release.folder / "kg.trig"), format=ox.RdfFormat.TRIG):
        if q.subject.value == dongxing:
            continue  # Dongxing "was not yet in" the earlier release
        if q.subject.value == baise and q.predicate == label_en and q.object.language == "en":
            q = ox.Quad(q.subject, q.predicate, ox.Literal("Baise Pilot Zone (old name)", language="en"), q.graph_name)
        quads.append(q)
    gone = ox.Quad(ox.NamedNode(ns.entity("zone", "retired-zone")), ox.NamedNode(ns.kgo("locatedIn")),
                   ox.NamedNode(ns.entity("place", "guangxi")), ox.NamedNode(ns.reference_graph))
    quads.append(gone)
    ox.serialize(quads, str(earlier / "kg.trig"), ox.RdfFormat.TRIG)
    (earlier / "release.json").write_text(json.dumps({"version": earlier.name, "issued": "2020-01-01",
                                                      "base": ns.base}), encoding="utf-8")
    result = publish(PublishOptions(store=seeds_build.out, out=releases_root / "history", site=False))
    assert result.previous_version == earlier.name
    log = json.loads((result.folder / "changelog.json").read_text(encoding="utf-8"))
    assert dongxing in log["entities"]["added"]
    assert baise in log["entities"]["changed"]
    assert log["facts"]["changed"] == [{"subject": f"<{baise}>", "predicate": f"<{label_en.value}>",
                                        "before": '"Baise Pilot Zone (old name)"@en',
                                        "after": '"Baise Key Development and Opening-up Pilot Zone"@en'}]
    assert f"{gone.triple} ." in log["facts"]["removed"]
    assert any(line.startswith(f"<{dongxing}>") for line in log["facts"]["added"])
    markdown = (result.folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"Changes since {earlier.name}" in markdown and "东兴" in markdown
    void = (result.folder / "void.ttl").read_text(encoding="utf-8")
    assert f"release/{earlier.name}>" in void  # dcat:previousVersion


def test_changelog_compare_leaves_unchanged_data_unchanged(store_quads, ns):
    facts = asserted_facts(store_quads, ns)
    log = compare(facts, set(facts), ns, "v2", "v1")
    assert not (log.entities_added or log.entities_removed or log.entities_changed or log.facts_added
                or log.facts_removed or log.facts_changed)
    assert not any("/evidence/" in str(t.subject) for t in facts)


# ---------------------------------------------------------------- the static site


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.alternates: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        href = attrs.get("href") or attrs.get("xlink:href") or attrs.get("src")
        if href:
            self.links.append(href)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append((attrs.get("type"), attrs["href"]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_of_the_site_resolves(release):
    site = release.folder / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) == release.pages > 300
    anchors: dict[Path, set[str]] = {}
    broken = []
    for page in pages:
        for href in _parse(page).links:
            parts = urlsplit(href)
            if parts.scheme in ("http", "https", "data") or href.startswith("mailto:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page.resolve()
            if not target.is_file():
                broken.append((page.relative_to(site).as_posix(), href))
            elif parts.fragment and target.suffix == ".html":
                if target not in anchors:
                    anchors[target] = _parse(target).ids
                if parts.fragment not in anchors[target]:
                    broken.append((page.relative_to(site).as_posix(), href))
    assert not broken, broken[:20]


def test_resource_page_has_labels_evidence_alternates_and_a_picture(release):
    page = release.folder / "site/id/zone/baise-pilot-zone.html"
    html = page.read_text(encoding="utf-8")
    assert "广西百色重点开发开放试验区" in html and "Baise Key Development and Opening-up Pilot Zone" in html
    links = _parse(page)
    assert ("text/turtle", "baise-pilot-zone.ttl") in links.alternates
    assert ("application/ld+json", "baise-pilot-zone.jsonld") in links.alternates
    assert "../place/baise.html" in links.links  # located in Baise
    assert "<mark>百色试验区</mark>" in html  # the evidence sentence, surface form marked
    assert "curated" in html and "inferred" in html
    if shutil.which("dot"):
        assert '<svg width=' in html and "百色市" in html.split('class="neighbourhood"', 1)[1].split("</svg>", 1)[0]


def test_class_page_lists_the_nine_border_pilot_zones(release):
    html = (release.folder / "site/class/kgo-BorderPilotZone.html").read_text(encoding="utf-8")
    items = re.findall(r"<li>(.*?)</li>", html)
    assert len(items) == 9
    for name in NINE_PILOT_ZONES:
        assert any(name in item for item in items), name


def test_ontology_page_documents_every_class_and_property(release, store_quads, ns):
    ids = _parse(release.folder / "site/ontology.html").ids
    html = (release.folder / "site/ontology.html").read_text(encoding="utf-8")
    terms = {q.subject.value[len(ns.ontology):] for q in store_quads
             if q.graph_name.value == ns.ontology_graph and q.subject.value.startswith(ns.ontology)
             and q.predicate.value.endswith("#type") and q.object.value.startswith("http://www.w3.org/2002/07/owl#")}
    assert {"BorderPilotZone", "locatedIn", "Observation"} <= terms
    assert terms <= ids
    assert "沿边重点开发开放试验区" in html and "TransitiveProperty" in html


def test_index_has_downloads_and_a_chart(release):
    html = (release.folder / "site/index.html").read_text(encoding="utf-8")
    for name in ("../kg.ttl", "../kg.nt.gz", "../kg.trig", "../kg.jsonld", "../void.ttl"):
        assert f'href="{name}"' in html
    assert 'class="chart count-chart"' in html and "<rect" in html
    assert "cdn" not in html.lower() and "<script" not in html


def test_report_pages_show_results_when_reports_exist(release):
    from kg.paths import QUERIES_DIR

    index = (release.folder / "site/reports/index.html").read_text(encoding="utf-8")
    reports = sorted(QUERIES_DIR.glob("*.rq"))
    if not reports:
        assert "No saved reports" in index
        return
    try:
        from kg.reports import load_reports  # noqa: F401
    except ImportError:
        pytest.skip("the reports module is not in this checkout")
    assert len(re.findall(r"<li>", index)) == len(reports)
    border = release.folder / "site/reports/border-pilot-zones.html"
    if border.exists():
        html = border.read_text(encoding="utf-8")
        assert sum(name in html for name in NINE_PILOT_ZONES) == 9


# ---------------------------------------------------------------- charts


def test_indicator_chart_draws_actual_and_target_bars_to_scale():
    series = IndicatorSeries("地区生产总值", "regional GDP", "亿元",
                             (Point("2020", "actual", parse_decimal("400")), Point("2025", "target", parse_decimal("800"))))
    svg = indicator_chart(series, "gdp")
    bars = re.findall(r'<rect class="bar bar-(\w+)" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg)
    assert [b[0] for b in bars] == ["actual", "target"]
    heights = {status: float(h) for status, _, h in bars}
    assert heights["target"] == pytest.approx(2 * heights["actual"], rel=0.01)
    assert "地区生产总值" in svg and "亿元" in svg and "目标值" in svg
    ET = pytest.importorskip("xml.etree.ElementTree")
    ET.fromstring(svg)  # well-formed


# ---------------------------------------------------------------- command line


def test_cli_errors_are_one_line_and_exit_2(tmp_path, seeds_build):
    runner = CliRunner()
    result = runner.invoke(main, ["publish", "--store", str(tmp_path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "kg build" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["publish", "--store", str(seeds_build.out), "--out", str(tmp_path / "r"),
                                  "--base", "http://example.org/other/"])
    assert result.exit_code == 2 and "rebuild with --base" in result.output
    result = runner.invoke(main, ["publish", "--store", str(seeds_build.out), "--out", str(tmp_path / "r"),
                                  "--version", "../escape"])
    assert result.exit_code == 2 and "version" in result.output
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "x").mkdir()
    (tmp_path / "mine" / "x" / "notes.txt").write_text("keep me")
    result = runner.invoke(main, ["publish", "--store", str(seeds_build.out), "--out", str(tmp_path / "mine"),
                                  "--version", "x"])
    assert result.exit_code == 2 and "not a Kaifang KG release" in result.output
    assert (tmp_path / "mine" / "x" / "notes.txt").read_text() == "keep me"


def test_blank_nodes_get_the_same_labels_whatever_the_parser_called_them(ns):
    from kg.publish import jsonld, rdfio

    text = """@prefix kgo: <https://w3id.org/kaifang/ontology#> .
    kgo:Zone kgo:note [ kgo:part [ kgo:name "甲" ] , [ kgo:name "乙" ] ] ."""
    graph = ox.NamedNode(ns.ontology_graph)
    first, second = ([ox.Quad(t.subject, t.predicate, t.object, graph)
                      for t in ox.parse(text, format=ox.RdfFormat.TURTLE)] for _ in range(2))
    assert {str(q) for q in first} != {str(q) for q in second}  # the parser labels blank nodes at random
    a, b = rdfio.canonical_quads(first), rdfio.canonical_quads(second)
    assert rdfio.trig(a, ns.prefixes()) == rdfio.trig(b, ns.prefixes())
    assert jsonld.dataset_document(a, ns.prefixes()) == jsonld.dataset_document(b, ns.prefixes())
    back = set(ox.parse(jsonld.dataset_document(a, ns.prefixes()), format=ox.RdfFormat.JSON_LD))
    assert len(back) == len(a) and "甲" in jsonld.dataset_document(a, ns.prefixes()).decode("utf-8")
