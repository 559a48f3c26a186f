"""`kg query` over the seeds' store: formats, prefixes, read-only, errors."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from kg.cli import main

ZONES = """SELECT ?zone ?label WHERE { ?zone a kgo:BorderPilotZone ; rdfs:label ?label
           FILTER(lang(?label) = "zh") } ORDER BY ?label"""


def invoke(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_query_lists_the_border_pilot_zones_as_a_table(seeds_build):
    result = invoke("query", ZONES, "--store", str(seeds_build.out))
    assert result.exit_code == 0, result.output
    assert "zone:" in result.output  # prefixed names
    for name in ("东兴", "凭祥", "百色", "瑞丽", "满洲里", "二连浩特", "塔城"):
        assert name in result.output


def test_query_formats(seeds_build):
    store = str(seeds_build.out)
    as_json = json.loads(invoke("query", ZONES, "--store", store, "--format", "json").output)
    assert as_json["head"]["vars"] == ["zone", "label"]
    labels = [b["label"]["value"] for b in as_json["results"]["bindings"]]
    assert len(labels) >= 9 and all(b["label"]["xml:lang"] == "zh" for b in as_json["results"]["bindings"])
    rows = list(csv.reader(io.StringIO(invoke("query", ZONES, "--store", store, "--format", "csv").output)))
    assert rows[0] == ["zone", "label"] and len(rows) == len(labels) + 1
    assert rows[1][0].startswith("https://w3id.org/kaifang/id/zone/")
    tsv = invoke("query", ZONES, "--store", store, "--format", "tsv").output.splitlines()
    assert tsv[0] == "?zone\t?label" and tsv[1].startswith("<https://")


def test_query_from_file_and_stdin(seeds_build, tmp_path):
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?z a kgo:BorderPilotZone }")
    assert invoke("query", "-f", str(query_file), "--store", str(seeds_build.out)).output.strip() == "true"
    assert invoke("query", "-", "--store", str(seeds_build.out), input="ASK { ?z a kgo:Nothing }").output.strip() == "false"


def test_updates_are_refused_and_change_nothing(seeds_build):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = invoke("query", count, "--store", str(seeds_build.out), "--format", "csv").output
    result = invoke("query", "PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }", "--store", str(seeds_build.out))
    assert result.exit_code == 2 and "read-only" in result.output
    assert invoke("query", count, "--store", str(seeds_build.out), "--format", "csv").output == before


def test_syntax_error_names_line_and_column(seeds_build):
    result = invoke("query", "SELECT *\nWHERE {\n  ?s ?p\n}", "--store", str(seeds_build.out))
    assert result.exit_code == 2
    assert "line 4, column" in result.output or "line 3, column" in result.output
    assert "Traceback" not in result.output


def test_missing_store_is_a_clear_error(tmp_path):
    result = invoke("query", "ASK {}", "--store", str(tmp_path))
    assert result.exit_code == 2 and "run 'kg build' first" in result.output


def test_row_cap_notes_truncation(seeds_build):
    result = CliRunner().invoke(main, ["query", "SELECT ?s WHERE { ?s ?p ?o }", "--store", str(seeds_build.out),
                                       "--limit", "3", "--format", "csv"])
    assert result.exit_code == 0
    assert "results cut at 3 rows" in result.output
