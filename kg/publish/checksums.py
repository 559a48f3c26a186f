"""SHA-256 checksums of every file in a release, in the format ``sha256sum -c`` reads."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHECKSUMS_FILE = "SHA256SUMS"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksums(folder: Path) -> Path:
    """One ``<hex>  <relative path>`` line per file, sorted by path; the list itself is left out."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != CHECKSUMS_FILE)
    lines = [f"{file_sha256(p)}  {p.relative_to(folder).as_posix()}\n" for p in files]
    target = folder / CHECKSUMS_FILE
    target.write_text("".join(lines), encoding="utf-8")
    return target


def verify(folder: Path) -> list[str]:
    """Paths whose content no longer matches its checksum (or that are missing)."""
    bad = []
    for line in (folder / CHECKSUMS_FILE).read_text(encoding="utf-8").splitlines():
        expected, name = line.split("  ", 1)
        path = folder / name
        if not path.is_file() or file_sha256(path) != expected:
            bad.append(name)
    return bad
