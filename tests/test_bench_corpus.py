"""The benchmark corpus: deterministic, parsable, and new entities and figures in every copy."""

from __future__ import annotations

import json

import pytest

from bench.corpus import generate, scale_factor, variant_word
from kg.build import BuildOptions, run_build
from kg.documents import load_corpus
from kg.namespaces import DEFAULT_BASE
from kg.query import run_query

from .conftest import SEEDS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus") / "x2"
    generate(SEEDS, out, 2)
    return out


def test_the_same_scale_gives_the_same_bytes(corpus, tmp_path):
    again = tmp_path / "again"
    generate(SEEDS, again, 2)
    names = sorted(p.name for p in corpus.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    for name in names:
        assert (corpus / name).read_bytes() == (again / name).read_bytes(), name


def test_copy_zero_is_the_seed_and_every_copy_has_metadata(corpus):
    seeds = sorted(p for p in SEEDS.glob("*.txt"))
    for seed in seeds:
        assert (corpus / seed.name).read_bytes() == seed.read_bytes()
        assert (corpus / f"{seed.stem}-v001.txt").exists()
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    original = json.loads((SEEDS / "manifest.json").read_text(encoding="utf-8"))
    for seed in seeds:
        copy = manifest[f"{seed.stem}-v001.txt"]
        assert copy["id"] == original[seed.name]["id"] + "-v001"
        assert copy["genre"] == original[seed.name]["genre"]
    documents = load_corpus(corpus)
    assert len(documents) == 2 * len(seeds)
    assert len({d.meta.doc_id for d in documents}) == len(documents)


def test_copies_rename_zones_and_scale_figures(corpus):
    word = variant_word(1)
    seed = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    copy = next(corpus.glob("000_*-v001.txt")).read_text(encoding="utf-8")
    assert f"百色{word}重点开发开放试验区" in copy and word not in seed
    assert "2020年3月30日" in copy  # dates and years are kept
    assert copy != seed and len(copy) > len(seed)


def test_variant_words_and_factors_are_distinct():
    words = [variant_word(k) for k in range(1, 301)]
    assert len(set(words)) == len(words)
    assert all(1 < scale_factor(k) < 1.25 for k in range(1, 301))


def test_the_corpus_builds_into_new_entities_without_violations(corpus, tmp_path, ns):
    result = run_build(BuildOptions(seeds=corpus, out=tmp_path / "build", base=DEFAULT_BASE))
    assert result.validation.errors == 0, [f for f in result.validation.findings if f.level == "ERROR"][:5]
    from kg.store import open_store

    store = open_store(tmp_path / "build")
    word = variant_word(1)
    zones = run_query(store, f"""
        SELECT DISTINCT ?zone ?label WHERE {{
          ?zone a kgo:Zone ; rdfs:label ?label FILTER(CONTAINS(STR(?label), "{word}"))
        }}""", ns).rows
    assert len(zones) >= 10, "each copy names its own zones"
    values = run_query(store, """
        SELECT ?entity (COUNT(DISTINCT ?value) AS ?n) WHERE {
          ?obs a kgo:Observation ; kgo:observedEntity ?entity ; kgo:value ?value
        } GROUP BY ?entity""", ns).rows
    assert values, "figures are read from the copies as observations"
