"""The gold set: `kg eval` holds recall >= 85% and precision >= 90%, overall and per relation
type, on the seeds' full build; every gold quote occurs verbatim in its document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.evaluate import evaluate, load_gold

from .conftest import ROOT, SEEDS

GOLD = ROOT / "tests" / "gold" / "seeds_gold.jsonl"


@pytest.fixture(scope="module")
def report(seeds_store, ns):
    return evaluate(seeds_store, load_gold(GOLD), ns)


def test_every_gold_quote_occurs_verbatim_in_its_document():
    raw = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 600
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["quote"] in raw[row["doc"]], row["id"]


def test_overall_recall_and_precision_meet_the_bars(report):
    total = report.total()
    assert total.gold >= 600
    assert total.recall >= 0.85, total.recall
    assert total.precision >= 0.90, total.precision
    assert total.predicted >= 500  # precision is measured on real predictions


@pytest.mark.parametrize("relation", ["type", "observation", "prioritisesIndustry", "setsTask", "responsibleUnit",
                                      "partOf", "covers", "establishedYear", "role", "connects", "cooperatesWith"])
def test_each_relation_type_meets_the_bars(report, relation):
    score = report.scores[relation]
    assert score.gold > 0
    assert score.recall >= 0.85, (relation, score.missed)
    assert score.precision >= 0.90, (relation, score.wrong)


def test_kg_eval_prints_a_row_per_relation(seeds_build):
    result = CliRunner().invoke(main, ["eval", str(GOLD), "--store", str(seeds_build.out)])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["relation", "gold", "found"]
    assert any(line.startswith("observation") for line in lines)
    assert lines[-1].startswith("all")


def test_a_malformed_gold_file_is_a_clear_error(seeds_build, tmp_path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"id": "x"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(bad), "--store", str(seeds_build.out)])
    assert result.exit_code == 2 and "gold.jsonl:1" in result.output and "Traceback" not in result.output
