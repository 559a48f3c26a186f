"""The seeds build end to end: dumps, validation, evidence, and the pilot zones."""

from __future__ import annotations


import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from kg.cli import main
import re
import unicodedata

from .conftest import SEEDS, tree_digest

NINE_PILOT_ZONES = {
    "东兴": "广西", "凭祥": "广西", "百色": "广西", "瑞丽": "云南", "勐腊": "云南",
    "满洲里": "内蒙古", "二连浩特": "内蒙古", "绥芬河": "黑龙江", "塔城": "新疆",
}


def test_build_writes_every_dump_and_conforms(seeds_build):
    out = seeds_build.out
    for name in ("kg.ttl", "kg.nt", "kg.trig", "kg.jsonld", "void.ttl", "validation.ttl", "build-info.json"):
        assert (out / name).stat().st_size > 0, name
    assert (out / "store").is_dir()
    assert seeds_build.validation.conforms, seeds_build.validation.summary()
    assert seeds_build.validation.errors == 0
    assert seeds_build.inferred > 0


def _store_union(store) -> rdflib.Graph:
    from kg.rdfterms import graph_of

    return graph_of(store.quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize("name,fmt", [("kg.ttl", "turtle"), ("kg.nt", "nt")])
def test_triple_dumps_parse_back_to_the_store(seeds_build, seeds_store, name, fmt):
    dumped = rdflib.Graph().parse(seeds_build.out / name, format=fmt)
    assert isomorphic(dumped, _store_union(seeds_store))


@pytest.mark.parametrize("name,fmt", [("kg.trig", "trig"), ("kg.jsonld", "json-ld")])
def test_dataset_dumps_keep_one_graph_per_document(seeds_build, seeds_store, name, fmt):
    from kg.rdfterms import graph_of

    dataset = rdflib.Dataset()
    dataset.parse(seeds_build.out / name, format=fmt)
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    stored = {g.value for g in seeds_store.named_graphs()}
    assert stored <= names
    for graph_name in stored:
        expected = graph_of(seeds_store.quads_for_pattern(None, None, None, ox.NamedNode(graph_name)))
        assert isomorphic(dataset.graph(rdflib.URIRef(graph_name)), expected), graph_name


def test_one_named_graph_per_document_plus_reference_ontology_inferred(seeds_store, ns):
    graphs = {g.value for g in seeds_store.named_graphs()}
    for path in sorted(SEEDS.glob("*.txt")):
        assert any(True for _ in seeds_store.quads_for_pattern(
            None, ox.NamedNode(ns.kgo("sourceFile")), ox.Literal(path.name), None)), path.name
    assert {ns.reference_graph, ns.ontology_graph, ns.inferred_graph} <= graphs
    assert len(graphs) == 3 + len(list(SEEDS.glob("*.txt")))


def test_the_nine_border_pilot_zones_are_typed_and_labelled(run_sparql):
    rows = run_sparql("""
        SELECT ?zone ?label ?provinceLabel WHERE {
          ?zone a kgo:BorderPilotZone ; rdfs:label ?label ; kgo:locatedIn ?province .
          ?province a kgo:Province ; rdfs:label ?provinceLabel .
          FILTER(lang(?label) = "zh" && lang(?provinceLabel) = "zh")
        }""")
    found = {}
    for _, label, province in rows:
        for key in NINE_PILOT_ZONES:
            if key in label:
                found[key] = province
    assert set(found) == set(NINE_PILOT_ZONES)
    for key, province in NINE_PILOT_ZONES.items():
        assert province in found[key], (key, found[key])


def squash(text: str) -> str:
    """Compare surface forms ignoring layout: NFKC, no whitespace, no [bookmark] markup."""
    text = re.sub(r"\[bookmark: [^\]]*\]", "", unicodedata.normalize("NFKC", text))
    return re.sub(r"\s+", "", text)


def test_every_extracted_fact_points_at_its_surface_form_in_the_raw_file(run_sparql):
    rows = run_sparql("""
        SELECT ?file ?start ?end ?surface ?entity ?rule WHERE {
          ?ev a kgo:Evidence ; rdf:subject ?entity ; rdf:predicate kgo:mentionedIn ; kgo:rule ?rule ;
              kgo:document ?doc ; kgo:startOffset ?start ; kgo:endOffset ?end ; kgo:surfaceForm ?surface .
          ?doc kgo:sourceFile ?file .
        }""")
    assert len(rows) > 200
    labels = {}
    for entity, label in run_sparql("""SELECT ?e ?l WHERE { { ?e rdfs:label ?l } UNION { ?e skos:altLabel ?l } }"""):
        labels.setdefault(entity, set()).add(squash(label))
    raw = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for file, start, end, surface, entity, rule in rows:
        cut = raw[file][int(start):int(end)]
        assert cut == surface
        if rule.startswith("coordination:"):
            # a list item sharing the list's head: "东兴、凭祥重点开发开放试验区" names 东兴's zone
            head = squash(rule.split(":", 1)[1])
            endings = {head[i:] for i in range(len(head) - 1)}  # "国家边境口岸" is shared as "口岸" too
            item_names = {label[: -len(e)] for label in labels[entity] for e in endings if label.endswith(e)}
            assert squash(cut).endswith(head), (file, start, cut)
            assert any(name and squash(cut).startswith(name) for name in item_names), (file, start, cut, entity)
        else:
            assert squash(cut) in labels[entity], (file, start, cut, entity)


def test_every_asserted_document_triple_has_evidence_with_a_rule(run_sparql, ns):
    missing = run_sparql("""
        SELECT ?s ?p ?o ?g WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER(?g != graph:ontology && ?g != graph:inferred)
          FILTER(!STRSTARTS(STR(?s), "https://w3id.org/kaifang/evidence/"))
          FILTER NOT EXISTS { GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kgo:rule ?rule } }
        } LIMIT 5""")
    assert missing == []


@pytest.mark.parametrize("content,expected", [
    (b"\xb0\xa1\xff\xfe\x00\x01binary\x00junk", "not a text file"),
    ("caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve r\u00e9sum\u00e9".encode("latin-1"), "not UTF-8"),
    (b"", "empty"),
])
def test_bad_document_exits_2_and_leaves_the_previous_build_untouched(tmp_path, content, expected):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "ok.txt").write_text("2020年3月30日，国务院批复设立广西百色重点开发开放试验区。", encoding="utf-8")
    out = tmp_path / "build"
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "-q"])
    assert first.exit_code == 0, first.output
    before = tree_digest(out)
    (seeds / "bad.txt").write_bytes(content)
    second = runner.invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "-q"])
    assert second.exit_code == 2
    assert expected in second.output
    assert "Traceback" not in second.output
    assert len(second.output.strip().splitlines()) == 1
    assert tree_digest(out) == before
    assert not list(tmp_path.glob(".build.staging-*"))


def test_build_refuses_to_replace_a_folder_that_is_not_a_build(tmp_path):
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["build", "--seeds", str(SEEDS), "--out", str(precious), "-q"])
    assert result.exit_code == 2
    assert "not a Kaifang KG build folder" in result.output
    assert (precious / "notes.txt").read_text() == "mine"


def test_missing_seeds_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["build", "--seeds", str(tmp_path / "nope"), "--out", str(tmp_path / "b")])
    assert result.exit_code == 2
    assert "seeds folder not found" in result.output


def test_json_ld_keeps_chinese_unescaped(seeds_build):
    text = (seeds_build.out / "kg.jsonld").read_text(encoding="utf-8")
    assert "广西百色重点开发开放试验区" in text
    assert "\\u5e7f" not in text.lower()  # 广 escaped would read \u5e7f
