"""Normalisation keeps an exact map back to the raw text."""

import unicodedata

import pytest

from kg.normalise import normalise, split_sentences

from .conftest import SEEDS


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_every_normalised_character_comes_from_its_raw_character(path):
    raw = path.read_text(encoding="utf-8")
    text, offsets = normalise(raw)
    assert len(offsets) == len(text) + 1
    assert offsets == sorted(offsets)
    for i, ch in enumerate(text):
        source = raw[offsets[i]]
        if ch in " \n":
            assert source.isspace() or source == "\ufeff"
        else:
            assert ch in unicodedata.normalize("NFKC", source)


def test_bookmarks_and_pdf_wrapping_are_removed():
    plan = (SEEDS / "004_7c4bdf92543540d7.txt").read_text(encoding="utf-8")
    paper = (SEEDS / "001_a5f7e01dcce67756.txt").read_text(encoding="utf-8")
    assert "[bookmark:" in plan and "[bookmark:" not in normalise(plan)[0]
    text = normalise(paper)[0]
    # "营\n\n商环境" and "66. 56%" in the raw paper
    assert "营商环境持续优化" in text
    assert "66.56%" in text
    assert "自2012年设立首批沿边重点开发开放试验区" in text


def test_full_width_forms_fold_to_half_width():
    text, offsets = normalise("中国（广西）自由贸易试验区，２０２０年")
    assert text == "中国(广西)自由贸易试验区,2020年"
    assert offsets[2] == 2


def test_sentences_split_on_chinese_terminators_and_keep_closing_quotes():
    text = "他说：“好。”然后走了！第三句"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["他说：“好。”", "然后走了！", "第三句"]
