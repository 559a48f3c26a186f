"""The embedded store and the build folder: staged writes, an atomic swap, read-only opens.

A build is written to a staging folder beside the target and swapped in whole, so a
reader (or a killed build) only ever sees the previous build or the new one.

The store holds the named graphs (one per document, reference, ontology, inferred) and, in its
default graph, their union with each triple once. Pyoxigraph's own union of the named graphs
is a bag: a triple stated in ten documents matches ten times, so joins multiply and counts
inflate as the corpus grows. Queries read the stored union instead (see :class:`BuildStore`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from .errors import UserError

STORE_DIR = "store"
BUILD_INFO = "build-info.json"
_RENAME_EXCHANGE = 2


def _remove_stale(out: Path) -> None:
    """Staging or retired folders left by builds that were killed (their process is gone)."""
    for leftover in out.parent.glob(f".{out.name}.*-*"):
        kind, _, pid = leftover.name.rpartition("-")
        if not pid.isdigit() or not kind.endswith((".staging", ".retired")):
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(leftover, ignore_errors=True)
        except PermissionError:
            pass


def staging_dir(out: Path) -> Path:
    out = out.resolve()
    _remove_stale(out)
    staging = out.parent / f".{out.name}.staging-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def check_replaceable(out: Path) -> None:
    """Refuse to replace a folder that is not a previous build (it may hold the user's files)."""
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / BUILD_INFO).exists())):
        raise UserError(f"{out} exists and is not a Kaifang KG build folder; choose another --out")


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); False where the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def publish_build(staging: Path, out: Path) -> None:
    """Put the staged build in place of ``out`` in one step."""
    out = out.resolve()
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)
        return
    retired = out.parent / f".{out.name}.retired-{os.getpid()}"
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def write_store(spool: Path, folder: Path) -> None:
    """Load the dataset (the build's N-Quads spool) into the persistent store with the bulk loader."""
    store = ox.Store(str(folder / STORE_DIR))
    store.bulk_load(path=spool, format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store


def add_union(folder: Path, union_ntriples: Path) -> None:
    """Load the union of the named graphs (kg.nt, each triple once) into the default graph."""
    store = ox.Store(str(folder / STORE_DIR))
    store.bulk_load(path=union_ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
    store.flush()
    del store


class BuildStore:
    """A build's read-only store that answers as a dataset whose default graph is a set.

    It takes the same calls as ``pyoxigraph.Store`` (and kg.remote.RemoteStore): with
    ``use_default_graph_as_union`` a query's default graph is the stored union of the named
    graphs; without it, empty, as in a store holding named graphs only; a query's own
    ``default_graph`` wins. ``len()``, iteration and ``quads_for_pattern`` see the named graphs
    only, as the dumps do.
    """

    def __init__(self, store: ox.Store, union_stored: bool) -> None:
        self._store = store
        self._union_stored = union_stored

    def query(self, query: str, *, use_default_graph_as_union: bool = False, **options):
        if not self._union_stored:  # a build from before the union was stored: pyoxigraph's bag
            return self._store.query(query, use_default_graph_as_union=use_default_graph_as_union, **options)
        if not use_default_graph_as_union and "default_graph" not in options:
            options["default_graph"] = []
        return self._store.query(query, **options)

    def quads_for_pattern(self, subject=None, predicate=None, obj=None, graph_name=None):
        if graph_name is not None or not self._union_stored:
            yield from self._store.quads_for_pattern(subject, predicate, obj, graph_name)
            return
        for graph in self._store.named_graphs():
            yield from self._store.quads_for_pattern(subject, predicate, obj, graph)

    def __iter__(self):
        return self.quads_for_pattern()

    def __len__(self) -> int:
        if not self._union_stored:
            return len(self._store)
        default = self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return len(self._store) - int(next(iter(default))["n"].value)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


def write_build_info(folder: Path, info: dict) -> None:
    (folder / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")


_PINNED: dict[int, int] = {}  # id(store) -> directory descriptor kept open for the store's life


def _pinned_path(path: Path) -> tuple[str, int | None]:
    """A path that keeps naming the same directory even if a build swaps ``path`` away.

    A new build replaces the folder by an atomic exchange; opening through a descriptor of
    the directory (on Linux, /proc/self/fd/N) means RocksDB never mixes files of two builds.
    """
    proc = Path("/proc/self/fd")
    if not proc.is_dir():
        return str(path), None
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    return f"/proc/self/fd/{fd}", fd


def _union_stored(build_dir: Path, store: ox.Store) -> bool:
    """Whether the build stored the union in the default graph (a store loaded by other means has not)."""
    try:
        info = json.loads((build_dir / BUILD_INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return info.get("default_graph") == "union" and bool(store.query("ASK { ?s ?p ?o }"))


def open_store(build_dir: Path) -> BuildStore:
    """The build's store, read-only: queries can never change it."""
    path = build_dir / STORE_DIR
    if not path.is_dir():
        raise UserError(f"no store at {path}; run 'kg build' first or pass --store")
    last_error: Exception | None = None
    for _ in range(5):  # a swap between the checks above and the open is retried
        fd = None
        try:
            pinned, fd = _pinned_path(path)
            store = ox.Store.read_only(pinned)
        except (OSError, RuntimeError) as exc:
            if fd is not None:
                os.close(fd)
            last_error = exc
            continue
        if fd is not None:
            _PINNED[id(store)] = fd
        return BuildStore(store, _union_stored(build_dir, store))
    raise UserError(f"cannot open the store at {path}: {last_error}")
