"""`kg validate`: each seeded break in a built graph is reported at the right level, with the
focus node's label, the shape, and messages in English and Chinese; --fail-on sets the exit."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.namespaces import Namespaces
from kg.store import STORE_DIR

NS = Namespaces()
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
KGO = NS.kgo


def broken_copy(seeds_build, tmp_path, edit) -> str:
    """A copy of the seeds' build whose store has one deliberate defect."""
    out = tmp_path / "broken"
    shutil.copytree(seeds_build.out, out)
    shutil.rmtree(out / STORE_DIR)
    store = ox.Store(str(out / STORE_DIR))
    store.bulk_load(path=str(seeds_build.out / "kg.trig"), format=ox.RdfFormat.TRIG)
    edit(store)
    store.flush()
    del store
    return str(out)


def remove(store, s, p):
    for quad in list(store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)):
        store.remove(quad)


def a_graph(store):
    return ox.NamedNode(NS.graph("test-defects"))


def missing_label(store):
    remove(store, NS.entity("zone", "baise-pilot-zone"), str(RDFS_LABEL.value))


def wrong_datatype(store):
    remove(store, NS.entity("zone", "baise-pilot-zone"), KGO("establishedYear"))
    store.add(ox.Quad(ox.NamedNode(NS.entity("zone", "baise-pilot-zone")), ox.NamedNode(KGO("establishedYear")),
                      ox.Literal("twenty-twenty"), a_graph(store)))


def zone_without_location(store):
    zone = NS.entity("zone", "ruili-pilot-zone")
    for p in ("locatedIn", "partOf", "covers", "hasPart"):
        remove(store, zone, KGO(p))


def observation_without_unit(store):
    observation = next(iter(store.query("SELECT ?o WHERE { ?o a kgo:Observation ; kgo:value ?v } LIMIT 1",
                                        prefixes=NS.prefixes(), use_default_graph_as_union=True)))["o"].value
    remove(store, observation, KGO("unit"))
    return observation


def dangling_reference(store):
    store.add(ox.Quad(ox.NamedNode(NS.entity("zone", "baise-pilot-zone")), ox.NamedNode(KGO("locatedIn")),
                      ox.NamedNode(NS.entity("place", "nowhere-at-all")), a_graph(store)))


CASES = [
    ("missing label", missing_label, "ERROR", "zone:baise-pilot-zone", "rdfs:label"),
    ("wrong datatype", wrong_datatype, "ERROR", "zone:baise-pilot-zone", "kgo:establishedYear"),
    ("zone without location", zone_without_location, "WARN", "zone:ruili-pilot-zone", ""),
    ("observation without unit", observation_without_unit, "ERROR", None, "kgo:unit"),
    ("dangling reference", dangling_reference, "ERROR", "zone:baise-pilot-zone", "kgo:locatedIn"),
]


def rows_of(store_dir, *args):
    result = CliRunner().invoke(main, ["validate", "--store", store_dir, "--format", "json", *args])
    json_text = result.output[result.output.index("["):result.output.rindex("]") + 1]
    return result, json.loads(json_text)


def test_the_seeds_build_has_no_errors(seeds_build):
    result, rows = rows_of(str(seeds_build.out))
    assert result.exit_code == 0
    assert not [r for r in rows if r["level"] == "ERROR"]
    assert {r["level"] for r in rows} <= {"WARN", "INFO"}
    assert all(r["message_en"] and r["message_zh"] for r in rows if r["shape"].startswith("kgs:"))


@pytest.mark.parametrize("name,edit,level,focus,path", CASES, ids=[c[0] for c in CASES])
def test_each_seeded_defect_is_caught_at_its_level(seeds_build, tmp_path, name, edit, level, focus, path):
    clean_rows = rows_of(str(seeds_build.out))[1]
    store_dir = broken_copy(seeds_build, tmp_path, edit)
    result, rows = rows_of(store_dir)
    new = [r for r in rows if r not in clean_rows]
    matching = [r for r in new if r["level"] == level and (focus is None or r["focus"] == focus)
                and (not path or r["path"] == path)]
    assert matching, (name, new)
    assert all(r["message_en"] and r["message_zh"] for r in matching)
    expected_exit = 1 if level == "ERROR" else 0
    assert result.exit_code == expected_exit
    if focus and focus.startswith("zone:") and name != "missing label":
        assert matching[0]["focus_label"]  # the focus node's label is shown


def test_fail_on_levels(seeds_build):
    store = str(seeds_build.out)
    assert CliRunner().invoke(main, ["validate", "--store", store, "--fail-on", "ERROR"]).exit_code == 0
    assert CliRunner().invoke(main, ["validate", "--store", store, "--fail-on", "WARN"]).exit_code == 1
    assert CliRunner().invoke(main, ["validate", "--store", store, "--fail-on", "none"]).exit_code == 0


def test_tsv_report_like_robot(seeds_build, tmp_path):
    target = tmp_path / "report.tsv"
    result = CliRunner().invoke(main, ["validate", "--store", str(seeds_build.out), "--format", "tsv",
                                       "-o", str(target)])
    assert result.exit_code == 0
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t")[:3] == ["Level", "Rule Name", "Subject"]
    assert all(len(line.split("\t")) == 8 for line in lines)
