"""Bad documents: a one-line reason and exit 2, or a clean build — never a traceback, and the
previous build stays exactly as it was."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from kg.cli import main

from .conftest import tree_digest

GOOD = "2020年3月30日，国务院批复设立广西百色重点开发开放试验区。百色试验区覆盖百色全域范围。"


@pytest.fixture()
def built(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "build"
    result = CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "-q", "--no-validate"])
    assert result.exit_code == 0, result.output
    return seeds, out, tree_digest(out)


def build(seeds, out):
    return CliRunner().invoke(main, ["build", "--seeds", str(seeds), "--out", str(out), "-q", "--no-validate"])


REFUSED = [
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "not a text file"),
    ("latin1.txt", "Zone franche de Pointe-Noire, créée en 2019 à côté du port.".encode("latin-1"), "not UTF-8"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"   \n\n\t  \r\n", "empty"),
    ("markup.md", b"[bookmark: _Toc1][bookmark: _Toc2]\n\n[bookmark: _Toc3]", "no text left"),
    ("bad-utf16.txt", b"\xff\xfe" + b"\x00\xd8" * 3, "not valid UTF-16"),
]


@pytest.mark.parametrize("name,content,reason", REFUSED, ids=[r[0] for r in REFUSED])
def test_bad_document_is_refused_with_one_line_and_the_build_is_untouched(built, name, content, reason):
    seeds, out, before = built
    (seeds / name).write_bytes(content)
    result = build(seeds, out)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and reason in lines[0] and name in lines[0]
    assert "Traceback" not in result.output
    assert tree_digest(out) == before


ACCEPTED = [
    ("gbk.txt", GOOD.encode("gbk")),
    ("gb18030.txt", GOOD.encode("gb18030")),
    ("utf16.txt", GOOD.encode("utf-16")),  # with BOM
    ("bom.txt", GOOD.encode("utf-8-sig")),
]


@pytest.mark.parametrize("name,content", ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_chinese_encodings_that_can_be_recognised_build_cleanly(tmp_path, name, content):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / name).write_bytes(content)
    out = tmp_path / "build"
    result = build(seeds, out)
    assert result.exit_code == 0, result.output
    nt = (out / "kg.nt").read_text(encoding="utf-8")
    assert "广西百色重点开发开放试验区" in nt or "百色试验区" in nt
    assert "https://w3id.org/kaifang/id/zone/baise-pilot-zone" in nt


def test_duplicate_content_is_refused_naming_both_files(built):
    seeds, out, before = built
    (seeds / "copy.txt").write_text(GOOD, encoding="utf-8")
    result = build(seeds, out)
    assert result.exit_code == 2
    assert "copy.txt" in result.output and "good.txt" in result.output
    assert tree_digest(out) == before


def test_oversized_document_is_refused_before_it_is_read(built):
    seeds, out, before = built
    big = seeds / "huge.txt"
    with big.open("wb") as handle:
        handle.write(("开放平台建设持续推进。" * 64).encode("utf-8") * 10000)  # ~21 MB
    assert big.stat().st_size > 20 * 1024 * 1024
    result = build(seeds, out)
    assert result.exit_code == 2 and "limit" in result.output and "huge.txt" in result.output
    assert tree_digest(out) == before


def test_seeds_path_that_is_a_file_or_missing_or_unreadable(built, tmp_path):
    seeds, out, before = built
    for bad in (seeds / "good.txt", tmp_path / "missing"):
        result = build(bad, out)
        assert result.exit_code == 2 and "Traceback" not in result.output
    if os.geteuid() != 0:  # root reads anything; the permission case only means something for users
        (seeds / "good.txt").chmod(0)
        result = build(seeds, out)
        assert result.exit_code == 2 and "cannot be read" in result.output
    assert tree_digest(out) == before


def test_a_folder_named_like_a_document_is_refused(built):
    seeds, out, before = built
    (seeds / "folder.txt").mkdir()
    result = build(seeds, out)
    assert result.exit_code == 2 and "is a folder" in result.output
    assert tree_digest(out) == before
