"""Find entity mentions in normalised text: known ones by gazetteer, new ones by their heads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Lexicon
from ..model import SourceDocument
from .heads import BOUNDARY_WORDS, GENERIC_PREFIXES, HEADS, Head

MAX_NAME_PREFIX = 14
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff()（）·—A-Za-z]")


@dataclass(frozen=True)
class Mention:
    """A span of the normalised text that names an entity."""

    start: int
    end: int
    surface: str
    rule: str
    iri: str | None = None  # curated entity, when the gazetteer knows it
    head: Head | None = None  # for a newly discovered entity


def gazetteer_mentions(text: str, lexicon: Lexicon) -> list[Mention]:
    """Leftmost-longest, non-overlapping matches of curated surface forms."""
    mentions: list[Mention] = []
    i = 0
    while i < len(text):
        surface = lexicon.longest_match(text, i)
        if surface is None:
            i += 1
            continue
        iri = lexicon.surfaces[surface][0]
        mentions.append(Mention(i, i + len(surface), surface, "gazetteer", iri=iri))
        i += len(surface)
    return mentions


def _name_start(text: str, head_start: int, floor: int) -> int | None:
    """Where a name ending at ``head_start`` begins, or None when there is no specific prefix."""
    start = head_start
    while start > floor and head_start - start < MAX_NAME_PREFIX and _NAME_CHAR.match(text[start - 1]):
        start -= 1
    window = text[start:head_start]
    cut = 0
    for word in BOUNDARY_WORDS:
        position = window.rfind(word)
        if position >= 0:
            cut = max(cut, position + len(word))
    prefix = window[cut:]
    # an unmatched parenthesis means the cut fell inside "百色(靖西)"-style names
    if prefix.count("(") != prefix.count(")") or prefix.startswith(")"):
        return None
    if len(prefix) < 2 or prefix in GENERIC_PREFIXES:
        return None
    return start + cut


def head_mentions(text: str, known: list[Mention]) -> list[Mention]:
    """Names ending in a head (…综合保税区, …产业园区, …口岸) that the gazetteer did not cover."""
    covered = bytearray(len(text) + 1)
    for m in known:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    found: list[Mention] = []
    for head in HEADS:
        for match in re.finditer(re.escape(head.suffix), text):
            head_start, end = match.start(), match.end()
            if covered[end - 1]:
                continue
            start = _name_start(text, head_start, 0)
            if start is None:
                continue
            # a known entity starting the name is fine (钦州 + 综合保税区); one ending inside the head is not
            if any(m.start < start < m.end for m in known):
                continue
            found.append(Mention(start, end, text[start:end], f"head-pattern:{head.suffix}", head=head))
            covered[start:end] = b"\x01" * (end - start)
    return found


def find_mentions(document: SourceDocument, lexicon: Lexicon) -> list[Mention]:
    known = gazetteer_mentions(document.text, lexicon)
    discovered = head_mentions(document.text, known)
    # a place inside a discovered name (钦州 in 钦州综合保税区) is part of the name, not a mention
    outside = [m for m in known if not any(d.start <= m.start and m.end <= d.end for d in discovered)]
    return sorted(outside + discovered, key=lambda m: (m.start, -m.end))
