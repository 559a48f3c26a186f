"""`kg serve` answers SPARQLWrapper in every results format and refuses updates; `kg push` loads a
release into a real Oxigraph server (started here on loopback) that then answers like the local store."""

from __future__ import annotations

import csv
import io
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.query import run_query
from kg.serve import ServeOptions, negotiate, start_server

from .test_publish import NINE_PILOT_ZONES, publish_seeds

SPARQLWrapper = pytest.importorskip("SPARQLWrapper", reason="SPARQLWrapper (test extra) is not installed")

ZONES = """SELECT ?zone ?label WHERE { ?zone a kgo:BorderPilotZone ; rdfs:label ?label
           FILTER(lang(?label) = "zh") } ORDER BY ?label"""
ZONES_BY_PROVINCE = """SELECT ?zone ?province WHERE { ?zone a kgo:BorderPilotZone ; kgo:locatedIn ?province .
           ?province a kgo:Province }"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _wrapper(url: str, query: str, fmt: str, ns, method: str = "GET"):
    client = SPARQLWrapper.SPARQLWrapper(url)
    client.setQuery(ns.sparql_prologue() + query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client.query().convert()


def _local(store, query: str, ns) -> set[tuple]:
    return {tuple(None if t is None else t.value for t in row) for row in run_query(store, query, ns).rows}


@pytest.fixture(scope="module")
def endpoint(seeds_build):
    from kg.publish.release import read_build_base

    server = start_server(ServeOptions(seeds_build.out, port=0, timeout=20, workers=2, quiet=True),
                          read_build_base(seeds_build.out))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url
    server.close()


def _http(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


# ---------------------------------------------------------------- kg serve


def test_serve_answers_sparqlwrapper_in_json_xml_csv_and_tsv(endpoint, seeds_store, ns):
    expected = _local(seeds_store, ZONES, ns)
    assert len(expected) == 9
    as_json = _wrapper(endpoint, ZONES, SPARQLWrapper.JSON, ns)
    assert {(b["zone"]["value"], b["label"]["value"]) for b in as_json["results"]["bindings"]} == expected
    as_xml = _wrapper(endpoint, ZONES, SPARQLWrapper.XML, ns)  # a DOM document
    xml_labels = {node.firstChild.data for node in as_xml.getElementsByTagName("literal")}
    assert xml_labels == {label for _, label in expected}
    as_csv = _wrapper(endpoint, ZONES, SPARQLWrapper.CSV, ns)
    rows = list(csv.reader(io.StringIO(as_csv.decode("utf-8"))))
    assert rows[0] == ["zone", "label"] and set(map(tuple, rows[1:])) == expected
    as_tsv = _wrapper(endpoint, ZONES, SPARQLWrapper.TSV, ns).decode("utf-8").splitlines()
    assert as_tsv[0] == "?zone\t?label" and len(set(as_tsv[1:])) == 9 and any("百色" in line for line in as_tsv)


def test_serve_takes_posted_queries_both_ways(endpoint, seeds_store, ns):
    expected = _local(seeds_store, ZONES_BY_PROVINCE, ns)
    posted = _wrapper(endpoint, ZONES_BY_PROVINCE, SPARQLWrapper.JSON, ns, method="POST")
    assert {(b["zone"]["value"], b["province"]["value"]) for b in posted["results"]["bindings"]} == expected
    status, media, body = _http(endpoint, (ns.sparql_prologue() + ZONES).encode("utf-8"),
                                {"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and media.startswith("text/csv") and "百色" in body.decode("utf-8")


def test_serve_ask_and_construct(endpoint, ns):
    assert _wrapper(endpoint, "ASK { ?z a kgo:BorderPilotZone }", SPARQLWrapper.JSON, ns)["boolean"] is True
    status, media, body = _http(endpoint + "?query=" + urllib.parse.quote(
        ns.sparql_prologue() + "CONSTRUCT { ?z rdfs:label ?l } WHERE { ?z a kgo:BorderPilotZone ; rdfs:label ?l }"),
        headers={"Accept": "text/turtle"})
    assert status == 200 and media.startswith("text/turtle")
    triples = list(ox.parse(body, format=ox.RdfFormat.TURTLE))
    assert len(triples) == 18  # nine zones, zh and en labels


def test_serve_refuses_every_kind_of_update_and_the_store_is_unchanged(endpoint, ns):
    before = _wrapper(endpoint, COUNT, SPARQLWrapper.JSON, ns)["results"]["bindings"][0]["n"]["value"]
    update = "DELETE WHERE { ?s ?p ?o }"
    form = urllib.parse.urlencode({"update": update}).encode()
    assert _http(endpoint, form, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    assert _http(endpoint, update.encode(), {"Content-Type": "application/sparql-update"})[0] == 403
    assert _http(endpoint + "?query=" + urllib.parse.quote("PREFIX ex: <http://e/> " + update))[0] == 403
    assert _http(endpoint, b"<a> <b> <c> .", {"Content-Type": "text/turtle"}, method="PUT")[0] == 405
    client = SPARQLWrapper.SPARQLWrapper(endpoint)
    client.setQuery(update)
    client.setMethod(SPARQLWrapper.POST)
    with pytest.raises(Exception):  # SPARQLWrapper raises on the 403
        client.query()
    after = _wrapper(endpoint, COUNT, SPARQLWrapper.JSON, ns)["results"]["bindings"][0]["n"]["value"]
    assert before == after and int(after) > 10000


def test_serve_errors_are_protocol_errors(endpoint):
    status, _, body = _http(endpoint + "?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p }"))
    assert status == 400 and b"syntax" in body.lower()
    assert _http(endpoint + "?query=" + urllib.parse.quote("ASK {}"), headers={"Accept": "image/png"})[0] == 406
    assert _http(endpoint.replace("/sparql", "/nowhere"))[0] == 404
    status, media, body = _http(endpoint)  # no query: the service description
    assert status == 200 and media.startswith("text/turtle") and b"sd:SPARQL11Query" in body


def test_content_negotiation_prefers_higher_q():
    offers = {"application/sparql-results+json": 1, "text/csv": 2}
    assert negotiate("text/csv;q=0.5, application/sparql-results+json", offers, "x") == \
        "application/sparql-results+json"
    assert negotiate("text/csv, */*;q=0.1", offers, "application/sparql-results+json") == "text/csv"
    assert negotiate("", offers, "application/sparql-results+json") == "application/sparql-results+json"
    assert negotiate("image/png", offers, "application/sparql-results+json") is None


def test_timeout_stops_a_runaway_query_and_the_server_keeps_answering(seeds_build, ns):
    from kg.publish.release import read_build_base

    server = start_server(ServeOptions(seeds_build.out, port=0, timeout=1.0, workers=1, quiet=True),
                          read_build_base(seeds_build.out))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        started = time.monotonic()
        status, _, body = _http(server.url + "?query=" + urllib.parse.quote(SLOW))
        assert status == 503 and b"stopped after 1 s" in body
        assert time.monotonic() - started < 10
        deadline = time.monotonic() + 60  # the killed worker is replaced in the background
        while True:
            status, _, body = _http(server.url + "?query=" + urllib.parse.quote("ASK { ?s ?p ?o }"),
                                    headers={"Accept": "application/sparql-results+json"})
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        server.close()


def test_kg_serve_command_runs_until_stopped(seeds_build, ns):
    process = subprocess.Popen([sys.executable, "-c", "from kg.cli import main; main()", "serve", "--store",
                                str(seeds_build.out), "--port", "0", "--quiet"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert "SPARQL endpoint http://127.0.0.1:" in line, line
        url = line.split("SPARQL endpoint ", 1)[1].split(" ", 1)[0]
        labels = [b["label"]["value"] for b in _wrapper(url, ZONES, SPARQLWrapper.JSON, ns)["results"]["bindings"]]
        assert len(set(labels)) == 9 and all(any(z in label for label in labels) for z in NINE_PILOT_ZONES)
    finally:
        process.terminate()
        rest = process.communicate(timeout=30)[1]
    assert process.returncode == 0 and "Traceback" not in rest, rest


def test_kg_serve_on_a_missing_store_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2 and "kg build" in result.output


# ---------------------------------------------------------------- kg push into a real Oxigraph server


def _oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path):
    binary = _oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server (PyPI package 'oxigraph', in the test extra) is not installed")
    port = _free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(tmp_path / "oxigraph"),
                                "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"oxigraph did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
    yield base
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _graph_counts_remote(base: str) -> dict[str, int]:
    client = SPARQLWrapper.SPARQLWrapper(base + "/query")
    client.setQuery("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    client.setReturnFormat(SPARQLWrapper.JSON)
    return {b["g"]["value"]: int(b["n"]["value"]) for b in client.query().convert()["results"]["bindings"]}


def test_push_round_trip_gives_the_same_answers_as_the_local_store(oxigraph_server, seeds_build, seeds_store, ns):
    release = publish_seeds(seeds_build.out)
    result = CliRunner().invoke(main, ["push", "--endpoint", oxigraph_server + "/store",
                                       "--release", str(release.folder), "--replace"])
    assert result.exit_code == 0, result.output
    local_graphs = {g.value: sum(1 for _ in seeds_store.quads_for_pattern(None, None, None, g))
                    for g in seeds_store.named_graphs()}
    remote = _graph_counts_remote(oxigraph_server)
    assert {g: remote.get(g) for g in local_graphs} == local_graphs  # a store may keep bookkeeping graphs too
    assert ns.graph("qinzhou-port-area-14th-five-year-plan-2022") in local_graphs
    for query in (ZONES, ZONES_BY_PROVINCE,
                  """SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c
                       FILTER(STRSTARTS(STR(?c), STR(kgo:))) } GROUP BY ?c""",
                  """SELECT ?doc ?sentence ?rule WHERE { ?ev rdf:subject zone:baise-pilot-zone ;
                       kgo:rule ?rule . OPTIONAL { ?ev kgo:document ?doc ; kgo:sentence ?sentence } }"""):
        remote = _wrapper(oxigraph_server + "/query", query, SPARQLWrapper.JSON, ns)
        variables = remote["head"]["vars"]
        got = {tuple(b.get(v, {}).get("value") for v in variables) for b in remote["results"]["bindings"]}
        assert got == _local(seeds_store, query, ns), query
    assert len(_local(seeds_store, ZONES_BY_PROVINCE, ns)) >= 9


def test_push_replace_puts_and_plain_push_adds(oxigraph_server, tmp_path, ns):
    graph = ox.NamedNode(ns.graph("reference"))
    one = ox.Quad(ox.NamedNode(ns.entity("zone", "a")), ox.NamedNode(ns.kgo("locatedIn")),
                  ox.NamedNode(ns.entity("place", "b")), graph)
    two = ox.Quad(ox.NamedNode(ns.entity("zone", "c")), ox.NamedNode(ns.kgo("locatedIn")),
                  ox.NamedNode(ns.entity("place", "d")), graph)
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, quads in ((first, [one, two]), (second, [one])):
        folder.mkdir()
        ox.serialize(quads, str(folder / "kg.trig"), ox.RdfFormat.TRIG)
    store = oxigraph_server + "/store"
    runner = CliRunner()
    assert runner.invoke(main, ["push", "--endpoint", store, "--release", str(first)]).exit_code == 0
    assert _graph_counts_remote(oxigraph_server).get(graph.value) == 2
    assert runner.invoke(main, ["push", "--endpoint", store, "--release", str(second)]).exit_code == 0
    assert _graph_counts_remote(oxigraph_server).get(graph.value) == 2  # POST adds (nothing new)
    assert runner.invoke(main, ["push", "--endpoint", store, "--release", str(second), "--replace"]).exit_code == 0
    assert _graph_counts_remote(oxigraph_server).get(graph.value) == 1  # PUT replaces


def test_push_errors_are_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/store", "--release", str(tmp_path)])
    assert result.exit_code == 2 and "kg.trig" in result.output
    (tmp_path / "kg.trig").write_text("<http://e/g> { <http://e/s> <http://e/p> <http://e/o> . }\n")
    result = runner.invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{_free_port()}/store",
                                  "--release", str(tmp_path)])
    assert result.exit_code == 2 and "cannot reach" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["push", "--endpoint", "ftp://example.org/", "--release", str(tmp_path)])
    assert result.exit_code == 2 and "http" in result.output
