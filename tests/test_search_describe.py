"""Questions without SPARQL on the seeds' build: kg search, kg describe, kg path, kg stats."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.search import EXACT_ALIAS, EXACT_LABEL, PREFIX, SUBSTRING, SearchIndex, normalise, pinyin_key

BAISE = "https://w3id.org/kaifang/id/zone/baise-pilot-zone"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def search_json(seeds_build, text: str, *extra) -> list[dict]:
    result = invoke("search", text, "--store", seeds_build.out, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# ---------------------------------------------------------------- search


def test_name_folding():
    assert normalise("中国(广西)自由贸易试验区") == normalise("中国（广西） 自由贸易试验区")
    assert pinyin_key("Bǎisè") == pinyin_key("bai3 se4") == pinyin_key("bai se") == "baise"
    assert pinyin_key("lǜ") == pinyin_key("lv4") == "lv"


@pytest.mark.parametrize("text", ["百色试验区", "广西百色重点开发开放试验区", "Baise Pilot Zone", "baise pilot zone",
                                  "guang xi bai se zhong dian kai fa kai fang shi yan qu",
                                  "guangxibaisezhongdiankaifakaifangshiyanqu", "bǎi sè shì yàn qū",
                                  "bai3se4shi4yan4qu1"])
def test_search_finds_an_entity_by_any_of_its_names(seeds_build, text):
    hits = search_json(seeds_build, text)
    assert hits[0]["iri"] == BAISE, hits[:3]
    assert hits[0]["match"] in ("label", "alias")


def test_ranking_exact_label_then_alias_then_prefix_then_substring(seeds_store, ns):
    index = SearchIndex(seeds_store, ns)
    hits = index.search("钦州港", limit=None)
    assert hits[0].iri.endswith("/port/qinzhou-port") and hits[0].rank == EXACT_LABEL
    ranks = [h.rank for h in hits]
    assert ranks == sorted(ranks)
    assert PREFIX in ranks and SUBSTRING in ranks
    [alias_hit] = [h for h in index.search("百色", limit=3) if h.rank == EXACT_ALIAS]
    assert alias_hit.iri.endswith("/place/baise")  # 百色 is an alias of 百色市
    assert index.search("百色", limit=1)[0].iri.endswith("/place/baise")
    prefix = [h for h in index.search("百色", limit=None) if h.iri == BAISE]
    assert prefix and prefix[0].rank == PREFIX  # via the alias 百色试验区


def test_search_table_class_filter_and_no_match(seeds_build):
    table = invoke("search", "东盟", "--store", seeds_build.out)
    assert table.exit_code == 0
    assert "organisation:asean" in table.output and "东南亚国家联盟" in table.output and "alias" in table.output
    zones = search_json(seeds_build, "钦州", "--class", "kgo:Zone")
    assert zones and all("zone" in h["iri"] for h in zones)
    assert not any(h["iri"].endswith("/port/qinzhou-port") for h in zones)
    nothing = invoke("search", "zzzz-nothing", "--store", seeds_build.out)
    assert nothing.exit_code == 1 and "no match" in nothing.output
    bad = invoke("search", "x", "--class", "not a class", "--store", seeds_build.out)
    assert bad.exit_code == 2 and "--class" in bad.output


# ---------------------------------------------------------------- describe


def test_describe_groups_facts_with_their_evidence(seeds_build):
    result = invoke("describe", "百色试验区", "--store", seeds_build.out, "--format", "json")
    assert result.exit_code == 0, result.output
    description = json.loads(result.output)
    assert description["iri"] == BAISE and description["label"] == "广西百色重点开发开放试验区"
    groups = {(g["property"].rsplit("#", 1)[-1].rsplit("/", 1)[-1], g["direction"]): g for g in description["groups"]}
    approved = groups[("approvedBy", "out")]
    assert approved["label_zh"] and approved["label_en"]
    [state_council] = approved["facts"]
    assert state_council["label"] == "中华人民共和国国务院" and not state_council["inferred"]
    evidence = state_council["evidence"][0]
    assert "国务院批复设立广西百色重点开发开放试验区" in evidence["sentence"]
    assert evidence["document"].endswith("/doc/baise-pilot-zone-news-2020") and evidence["rule"]
    assert evidence["end"] > evidence["start"]
    located = {f["iri"].rsplit("/", 1)[-1]: f for f in groups[("locatedIn", "out")]["facts"]}
    assert not located["guangxi"]["inferred"] and located["guangxi"]["evidence"][0]["rule"] == "curation:reference"
    assert located["china"]["inferred"] and located["china"]["evidence"] == []  # transitive closure
    assert any(direction == "in" for _, direction in groups)


def test_describe_text_marks_inferred_facts_and_quotes_sentences(seeds_build):
    result = invoke("describe", "zone:baise-pilot-zone", "--store", seeds_build.out)
    assert result.exit_code == 0, result.output
    text = result.output
    assert text.startswith("广西百色重点开发开放试验区  zone:baise-pilot-zone")
    assert "位于 / located in kgo:locatedIn" in text
    assert "[inferred]" in text
    assert "«" in text and "国务院批复设立" in text
    assert "(in) " in text


def test_describe_incoming_facts_of_an_organisation(seeds_build):
    result = invoke("describe", "国务院", "--store", seeds_build.out, "--format", "json")
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)["groups"]
    incoming = [g for g in groups if g["direction"] == "in" and g["property"].endswith("#approvedBy")]
    assert incoming and any(f["iri"] == BAISE for f in incoming[0]["facts"])


@pytest.mark.parametrize("entity, message", [
    ("zzzz-nothing", "no entity is called 'zzzz-nothing'"),
    ("百", "did you mean"),
    ("<https://w3id.org/kaifang/id/zone/nowhere>", "nothing is known about"),
])
def test_describe_errors_are_one_line(seeds_build, entity, message):
    result = invoke("describe", entity, "--store", seeds_build.out)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- path and stats


def test_path_says_the_shortest_connection_in_words(seeds_build):
    result = invoke("path", "百色试验区", "东兴试验区", "--store", seeds_build.out)
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == "广西百色重点开发开放试验区 —位于→ 广西壮族自治区 ←位于— 广西东兴重点开发开放试验区"
    assert "of 2 links" in result.output
    direct = invoke("path", "百色试验区", "广西", "--store", seeds_build.out)
    assert direct.output.splitlines()[0] == "广西百色重点开发开放试验区 —位于→ 广西壮族自治区"


def test_path_errors_and_no_connection(seeds_build):
    same = invoke("path", "百色试验区", "zone:baise-pilot-zone", "--store", seeds_build.out)
    assert same.exit_code == 2 and "the same" in same.output
    unknown = invoke("path", "百色试验区", "zzzz-nothing", "--store", seeds_build.out)
    assert unknown.exit_code == 2 and "zzzz-nothing" in unknown.output
    far = invoke("path", "马中关丹产业园", "塔城试验区", "--store", seeds_build.out, "--max-hops", "1")
    assert far.exit_code == 1 and "no connection" in far.output


def test_stats(seeds_build):
    text = invoke("stats", "--store", seeds_build.out)
    assert text.exit_code == 0
    assert "named graphs" in text.output and "graph:reference" in text.output and "kgo:BorderPilotZone" in text.output
    numbers = json.loads(invoke("stats", "--store", seeds_build.out, "--format", "json").output)
    assert numbers["documents"] == 6 and numbers["inferred facts"] > 0
    assert numbers["classes"]["https://w3id.org/kaifang/ontology#BorderPilotZone"] == 9
    assert numbers["quads"] == sum(numbers["graphs"].values())
    assert numbers["rules"]["curation:reference"] > 0


def test_resolving_a_name_reads_only_the_entities_so_named_and_agrees_with_the_whole_index(seeds_store, ns):
    """resolve_entity builds a reduced index (the entities named exactly so, and their types) and
    picks what the whole search index picks, for every Chinese label and alias, with and without a
    class; names no entity has are still answered with suggestions."""
    from kg.errors import UserError
    from kg.search import _HAN, resolve_entity

    index = SearchIndex(seeds_store, ns)
    names = sorted({n for e in index.entries.values() for n in e.labels + e.aliases if _HAN.search(n)})
    assert len(names) > 500

    def outcome(name, cls, **kw):
        try:
            return resolve_entity(seeds_store, name, ns, entity_class=cls, **kw).value
        except UserError as exc:
            return str(exc)

    for name in names[::40]:
        for cls in (None, ns.kgo("Platform"), ns.kgo("Place")):
            assert outcome(name, cls) == outcome(name, cls, index=index), (name, cls)
    reduced = SearchIndex(seeds_store, ns, named_exactly="百色试验区")
    assert list(reduced.entries) == [ns.entity("zone", "baise-pilot-zone")]
    assert "did you mean" in outcome("北部湾", None)
