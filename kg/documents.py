"""Read source documents: find them, decode them, normalise them, and attach their metadata."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

from .errors import InputError
from .model import DocumentMeta, Sentence, SourceDocument
from .normalise import normalise, split_sentences
from .slugs import slugify

SOURCE_SUFFIXES = (".txt", ".md")
MANIFEST_NAME = "manifest.json"
GENRES = ("news", "paper", "plan", "implementation-scheme", "notice")
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024  # policy documents are far smaller; bigger is a mistake or needs splitting
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def discover(seeds_dir: Path) -> list[Path]:
    """Every .txt/.md file directly in the folder, in name order."""
    if not seeds_dir.exists():
        raise InputError(f"seeds folder not found: {seeds_dir}")
    if not seeds_dir.is_dir():
        raise InputError(f"not a folder: {seeds_dir}")
    files = sorted(p for p in seeds_dir.iterdir() if p.suffix.lower() in SOURCE_SUFFIXES)
    if not files:
        raise InputError(f"no .txt or .md documents in {seeds_dir}")
    return files


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030 when the bytes clearly are."""
    if not data.strip():
        raise InputError(f"{path.name}: the document is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path.name}: has a UTF-16 byte-order mark but is not valid UTF-16") from exc
    if b"\x00" in data:
        raise InputError(f"{path.name}: not a text file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and len(_CJK.findall(text)) >= 0.3 * len(text.strip()):
        return text
    raise InputError(
        f"{path.name}: not UTF-8 (invalid byte at offset {utf8_error.start}) "
        "and not recognisably GBK/GB18030; re-save it as UTF-8"
    )


def load_manifest(seeds_dir: Path) -> dict[str, dict]:
    path = seeds_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: not a valid JSON manifest ({exc})") from exc
    if not isinstance(manifest, dict):
        raise InputError(f"{path}: the manifest must map file names to metadata objects")
    return manifest


def infer_meta(path: Path, text: str) -> DocumentMeta:
    """Metadata for a document the manifest does not describe, read off its text."""
    first_line = next((line.strip() for line in text.split("\n") if line.strip()), path.stem)
    title = first_line[:80]
    date_match = _DATE.search(text[:2000])
    date = None
    if date_match:
        y, m, d = (int(g) for g in date_match.groups())
        if 1 <= m <= 12 and 1 <= d <= 31:
            date = f"{y:04d}-{m:02d}-{d:02d}"
    return DocumentMeta(
        doc_id=slugify(path.stem), file_name=path.name, title_zh=title,
        date=date, genre=_guess_genre(text[:300]), inferred=True,
    )


def _guess_genre(opening: str) -> str:
    if "实施方案" in opening or "方案" in opening:
        return "implementation-scheme"
    if "规划" in opening or "纲要" in opening:
        return "plan"
    if "通知" in opening or "意见" in opening:
        return "notice"
    if "摘要" in opening or "关键词" in opening:
        return "paper"
    return "news"


def meta_from_manifest(path: Path, entry: dict, text: str) -> DocumentMeta:
    """Manifest metadata; what the manifest leaves out is read off the text as for any document."""
    inferred = infer_meta(path, text)
    def text(key: str) -> str | None:
        value = entry.get(key)
        return str(value) if value not in (None, "") else None

    genre = text("genre")
    if genre is not None and genre not in GENRES:
        raise InputError(f"manifest entry {path.name}: genre {genre!r} is not one of {', '.join(GENRES)}")
    return DocumentMeta(
        doc_id=text("id") or inferred.doc_id,
        file_name=path.name,
        title_zh=text("title_zh") or inferred.title_zh,
        title_en=text("title_en"),
        issuer=text("issuer"),
        date=text("date"),
        genre=genre or inferred.genre,
        authors=tuple(entry.get("authors") or ()),
    )


def load_document(path: Path, manifest_entry: dict | None = None) -> SourceDocument:
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(f"{path.name}: {size / 1048576:.1f} MB is over the {MAX_DOCUMENT_BYTES // 1048576} MB "
                             "limit for one document; split it into several files")
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not a document") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror})") from exc
    raw = decode(path, data)
    text, offsets = normalise(raw)
    if not text.strip():
        raise InputError(f"{path.name}: no text left after removing markup and whitespace")
    meta = meta_from_manifest(path, manifest_entry, text) if manifest_entry else infer_meta(path, text)
    document = SourceDocument(
        meta=meta, raw=raw, text=text, offsets=offsets,
        sha256=hashlib.sha256(data).hexdigest(),
    )
    document.sentences = [
        Sentence(i, text[s:e], s, e, *document.raw_span(s, e))
        for i, (s, e) in enumerate(split_sentences(text))
    ]
    return document


def load_corpus(seeds_dir: Path) -> list[SourceDocument]:
    """All documents of a folder; ids made unique; duplicate contents refused by name."""
    manifest = load_manifest(seeds_dir)
    documents: list[SourceDocument] = []
    seen_ids: set[str] = set()
    seen_hashes: dict[str, str] = {}
    for path in discover(seeds_dir):
        document = load_document(path, manifest.get(path.name))
        if document.sha256 in seen_hashes:
            raise InputError(f"{path.name}: same content as {seen_hashes[document.sha256]}; remove one of them")
        seen_hashes[document.sha256] = path.name
        doc_id = document.meta.doc_id
        suffix = 2
        while doc_id in seen_ids:
            doc_id = f"{document.meta.doc_id}-{suffix}"
            suffix += 1
        if doc_id != document.meta.doc_id:
            document.meta = replace(document.meta, doc_id=doc_id)
        seen_ids.add(doc_id)
        documents.append(document)
    return documents
