"""The embedded store and the build folder: staged writes, an atomic swap, read-only opens.

A build is written to a staging folder beside the target and swapped in whole, so a
reader (or a killed build) only ever sees the previous build or the new one.
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


def staging_dir(out: Path) -> Path:
    out = out.resolve()
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


def write_store(quads: list[ox.Quad], folder: Path) -> None:
    store = ox.Store(str(folder / STORE_DIR))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    del store


def write_build_info(folder: Path, info: dict) -> None:
    (folder / BUILD_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")


def open_store(build_dir: Path) -> ox.Store:
    """The build's store, read-only: queries can never change it."""
    path = build_dir / STORE_DIR
    if not path.is_dir():
        raise UserError(f"no store at {path}; run 'kg build' first or pass --store")
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise UserError(f"cannot open the store at {path}: {exc}") from exc
