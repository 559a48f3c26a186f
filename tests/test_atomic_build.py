"""A build killed at any moment leaves the previous build readable and unchanged; readers
during a build see the old build or the new one, never a broken one."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import threading
import time

from kg.namespaces import Namespaces
from kg.query import run_query
from kg.store import open_store

from .conftest import SEEDS, tree_digest

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def kg_build(seeds, out) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "build", "--seeds", str(seeds), "--out", str(out), "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def quad_count(out) -> int:
    result = run_query(open_store(out), COUNT, Namespaces())
    return int(result.rows[0][0].value)


def two_corpora(tmp_path):
    small = tmp_path / "small"
    small.mkdir()
    shutil.copy(SEEDS / "000_77b6502d2c739a3c.txt", small)
    full = tmp_path / "full"
    shutil.copytree(SEEDS, full)
    return small, full


def test_sigkill_at_random_moments_leaves_the_previous_build(tmp_path):
    small, full = two_corpora(tmp_path)
    out = tmp_path / "build"
    assert kg_build(small, out).wait() == 0
    before = tree_digest(out)
    count_before = quad_count(out)

    started = time.perf_counter()
    assert kg_build(full, tmp_path / "timing").wait() == 0
    duration = time.perf_counter() - started

    rng = random.Random(20201130)
    killed = 0
    for delay in sorted(rng.uniform(0.05, duration * 0.95) for _ in range(6)):
        process = kg_build(full, out)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        code = process.wait()
        if code == 0:  # finished before the kill: the new build is complete and readable
            assert quad_count(out) > count_before
            assert kg_build(small, out).wait() == 0
            before = tree_digest(out)
            continue
        assert code == -signal.SIGKILL
        assert tree_digest(out) == before, f"build changed after SIGKILL at {delay:.2f}s"
        assert quad_count(out) == count_before
    assert killed >= 3
    # a later build cleans up what the killed ones left behind
    assert kg_build(small, out).wait() == 0
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]


def test_queries_during_builds_see_the_old_or_the_new_store(tmp_path):
    small, full = two_corpora(tmp_path)
    out = tmp_path / "build"
    assert kg_build(full, out).wait() == 0
    full_count = quad_count(out)
    assert kg_build(small, out).wait() == 0
    small_count = quad_count(out)

    seen: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.append(quad_count(out))
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(repr(exc))

    completed = {small_count}  # the count of every build that was in place at some moment
    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for corpus in (full, small, full):
            assert kg_build(corpus, out).wait() == 0
            completed.add(quad_count(out))
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(seen) > 10
    assert set(seen) <= completed
    assert small_count in seen and any(count > small_count for count in seen)
