"""Normalise raw document text for matching, keeping a map back to raw offsets.

The seeds carry PDF line wrapping and stray spaces (a paper), ``[bookmark: …]`` markup
(a plan converted from Word) and full-width characters. Extraction works on the clean
text; evidence must point into the raw file, so every normalised character remembers the
raw index it came from.
"""

from __future__ import annotations

import re
import statistics
import unicodedata

BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")
SENTENCE_END = "。！？!?；;"
CLOSERS = "”’」』)）】\"'"
_WRAP_TERMINATORS = "。！？!?；;：:”」』"


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF
        or ch in "“”‘’—…·"
    )


def _wrap_width(lines: list[str]) -> float | None:
    """Line width of a hard-wrapped (PDF) text, or None when lines are paragraphs."""
    lengths = [len(line.strip()) for line in lines if line.strip()]
    if len(lengths) < 20 or statistics.median(lengths) >= 40:
        return None
    return statistics.quantiles(lengths, n=10)[-1]


def _soft_breaks(raw: str) -> set[int]:
    """Raw indices of newlines that only wrap a line inside a sentence."""
    lines = raw.split("\n")
    width = _wrap_width(lines)
    if width is None:
        return set()
    soft: set[int] = set()
    position = 0
    previous_full = False
    for line in lines:
        stripped = line.strip()
        if stripped:
            previous_full = len(stripped) >= 0.75 * width and stripped[-1] not in _WRAP_TERMINATORS
        line_end = position + len(line)
        if previous_full and line_end < len(raw):
            soft.add(line_end)
        position = line_end + 1
    return soft


def normalise(raw: str) -> tuple[str, list[int]]:
    """Return the normalised text and, per character, its raw offset (plus one end entry)."""
    removed = bytearray(len(raw))
    for match in BOOKMARK.finditer(raw):
        removed[match.start():match.end()] = b"\x01" * (match.end() - match.start())
    soft = _soft_breaks(raw)

    chars: list[str] = []
    offsets: list[int] = []
    pending_space: list[int] = []  # raw indices of a whitespace run not yet emitted
    pending_newline = False

    def flush_whitespace(next_char: str) -> None:
        nonlocal pending_space, pending_newline
        if not pending_space:
            return
        previous = chars[-1] if chars else ""
        if pending_newline:
            if chars and chars[-1] != "\n":
                chars.append("\n")
                offsets.append(pending_space[0])
        elif previous and not is_cjk(previous) and not is_cjk(next_char) \
                and not (previous in ".,:%" or next_char in ".,:%") and previous != "\n":
            chars.append(" ")
            offsets.append(pending_space[0])
        pending_space = []
        pending_newline = False

    for index, ch in enumerate(raw):
        if removed[index]:
            continue
        if ch == "\n" and index in soft:
            pending_space.append(index)
            continue
        if ch in "\r\n\u2028\u2029":
            pending_space.append(index)
            pending_newline = True
            continue
        if ch.isspace() or ch == "\ufeff":
            if ch == "\u3000" and pending_space and raw[pending_space[-1]] == "\u3000":
                pending_newline = True  # news layout: two ideographic spaces open a paragraph
            pending_space.append(index)
            continue
        folded = unicodedata.normalize("NFKC", ch)
        for out in folded:
            flush_whitespace(out)
            chars.append(out)
            offsets.append(index)
    text = "".join(chars).rstrip("\n")
    offsets = offsets[: len(text)]
    offsets.append(len(raw))
    return text, offsets


def normalise_label(label: str) -> str:
    """Normalise a lexicon label exactly as document text is normalised."""
    return normalise(label)[0]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of normalised text: ends at 。！？； (with closing quotes) or a line break."""
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n" or ch in SENTENCE_END:
            end = i + 1 if ch != "\n" else i
            while ch != "\n" and end < n and text[end] in CLOSERS:
                end += 1
            if text[start:end].strip():
                spans.append(_trim(text, start, end))
            start = end if ch != "\n" else i + 1
            i = max(end, i + 1)
            continue
        i += 1
    if start < n and text[start:].strip():
        spans.append(_trim(text, start, n))
    return spans


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
