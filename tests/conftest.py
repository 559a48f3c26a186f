"""Shared fixtures: one build of the seeds per test session, reused read-only by most tests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kg.build import BuildOptions, BuildResult, run_build
from kg.namespaces import DEFAULT_BASE, Namespaces

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def ns() -> Namespaces:
    return Namespaces(DEFAULT_BASE)


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory) -> BuildResult:
    out = tmp_path_factory.mktemp("seeds") / "build"
    return run_build(BuildOptions(seeds=SEEDS, out=out, base=DEFAULT_BASE))


@pytest.fixture(scope="session")
def seeds_store(seeds_build):
    from kg.store import open_store

    return open_store(seeds_build.out)


@pytest.fixture(scope="session")
def run_sparql(seeds_store, ns):
    """Run a query over the seeds' store and return rows as lists of plain values."""
    from kg.query import run_query

    def run(query: str) -> list[list[str | None]]:
        result = run_query(seeds_store, query, ns)
        return [[None if t is None else t.value for t in row] for row in result.rows]

    return run


def tree_digest(folder: Path) -> str:
    """One hash of every file's path and bytes below a folder: equal digests, untouched folder."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def lexicon():
    from kg.lexicon import load_lexicon
    from kg.paths import REFERENCE_FILES

    return load_lexicon(REFERENCE_FILES, Namespaces(DEFAULT_BASE))


@pytest.fixture(scope="session")
def seed_extraction(lexicon):
    """The extraction of one seed, by its file-name prefix ("003"), computed once per session."""
    from kg.documents import load_document, load_manifest
    from kg.extract import extract

    manifest = load_manifest(SEEDS)
    cache = {}

    def get(prefix: str):
        if prefix not in cache:
            path = next(SEEDS.glob(f"{prefix}_*.txt"))
            cache[prefix] = extract(load_document(path, manifest.get(path.name)), lexicon, Namespaces(DEFAULT_BASE))
        return cache[prefix]

    return get
