"""Find entity mentions in normalised text: known ones by gazetteer, new ones by their heads."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Lexicon
from ..model import SourceDocument
from .heads import (BOUNDARY_WORDS, GENERIC_DESCRIPTORS, GENERIC_PREFIXES, HEADS, LINK_CONTINUATIONS,
                    LONGER_NAME_AFTER, NOT_A_NAME_BEFORE, Head)

MAX_NAME_PREFIX = 14
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff()（）·—A-Za-z]")
_END_JOINERS = "至经—、"


@dataclass(frozen=True)
class Mention:
    """A span of the normalised text that names an entity."""

    start: int
    end: int
    surface: str
    rule: str
    iri: str | None = None  # curated entity, when the gazetteer knows it
    head: Head | None = None  # for a newly discovered entity
    evidence_end: int | None = None  # a list item's evidence runs on to the head it shares

    @property
    def evidence_span(self) -> tuple[int, int]:
        return self.start, self.evidence_end or self.end


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


def is_generic(prefix: str, lexicon: Lexicon | None, head: str = "") -> bool:
    """A prefix made only of kind-of words and industry names ("集装箱", "世界级绿色化工") names no
    particular zone or link; one with a known place, zone, organisation or port, a "—" between
    two ends, or two characters of its own does."""
    if "—" in prefix:
        return False
    qualifier = re.search(r"\(([^()]*)\)", prefix)
    if qualifier:
        # "百色(靖西)": a place in brackets is specific; "城际(高速)" is not
        if lexicon is not None and lexicon.longest_match(qualifier.group(1), 0) == qualifier.group(1):
            return False
        prefix = prefix[:qualifier.start()] + prefix[qualifier.end():]
    if lexicon is not None and head.startswith(("产业", "工业")):
        # "适箱" + "产业园区": the prefix and the head's first word name an industry
        joined = prefix + head[:2]
        if any("Industry" in e.types for e in lexicon.lookup(joined)):
            return True
    words = sorted(GENERIC_DESCRIPTORS | GENERIC_PREFIXES, key=len, reverse=True)
    own = 0
    position = 0
    while position < len(prefix):
        surface = lexicon.longest_match(prefix, position) if lexicon is not None else None
        if surface:
            entries = lexicon.lookup(surface)
            if any(set(e.types) - {"Industry"} for e in entries):
                return False
            position += len(surface)
            continue
        word = next((w for w in words if prefix.startswith(w, position)), None)
        if word:
            position += len(word)
            continue
        own += 1
        position += 1
    return own < 2


def _extend_over_ends(text: str, start: int, known: list[Mention]) -> int:
    """Move a link's name start back over its ends: "贵阳经南宁至|钦州…通道", "钦州东站至|三墩铁路"."""
    ends_at = {m.end: m for m in known}
    position = start
    crossed_list = False
    safe = start
    while position > 0 and text[position - 1] in _END_JOINERS:
        joiner = text[position - 1]
        before = position - 1
        mention = ends_at.get(before)
        if mention is not None:
            candidate = mention.start
        else:
            run = before
            while run > 0 and before - run < 6 and "\u4e00" <= text[run - 1] <= "\u9fff":
                run -= 1
            window = text[run:before]
            cut = 0
            for word in BOUNDARY_WORDS:
                found = window.rfind(word)
                if found >= 0 and found + len(word) < len(window):
                    cut = max(cut, found + len(word))
            candidate = run + cut
            if before - candidate < 2:
                break
        if joiner == "、":
            crossed_list = True
        position = candidate
        if not crossed_list or joiner == "经":
            safe = position
        if joiner == "经":
            crossed_list = False
    return safe


def head_mentions(text: str, known: list[Mention], lexicon: Lexicon | None = None) -> list[Mention]:
    """Names ending in a head (…综合保税区, …产业园区, …口岸) that the gazetteer did not cover."""
    covered = bytearray(len(text) + 1)
    for m in known:
        covered[m.start:m.end] = b"\x01" * (m.end - m.start)
    taken = bytearray(len(text) + 1)  # spans of names found so far
    found: list[Mention] = []
    for head in HEADS:
        for match in re.finditer(re.escape(head.suffix), text):
            head_start, end = match.start(), match.end()
            if covered[end - 1]:
                continue
            is_link = head.kind in ("corridor", "route")
            if is_link:
                continuation = next((c for c in LINK_CONTINUATIONS if text.startswith(c, end)), "")
                end += len(continuation)
            if text.startswith(LONGER_NAME_AFTER, end) or \
                    text[max(0, head_start - 2):head_start].endswith(NOT_A_NAME_BEFORE.get(head.suffix, ("\0",))):
                continue
            start = _name_start(text, head_start, 0)
            if start is None:
                if is_link and head_start > 0 and text[head_start - 1] == "等":
                    found.extend(_shared_head_items(text, head_start, end, head, taken, known,
                                                    lexicon, first_end=head_start - 1))
                continue
            if is_link:
                start = _extend_over_ends(text, start, known)
            # a known entity starting the name is fine (钦州 + 综合保税区); one ending inside the head is not
            if any(m.start < start < m.end for m in known):
                continue
            if is_generic(text[start:head_start], lexicon, head.suffix) or any(taken[start:end]):
                continue
            found.append(Mention(start, end, text[start:end], f"head-pattern:{head.suffix}", head=head))
            covered[start:end] = taken[start:end] = b"\x01" * (end - start)
            if is_link:
                found.extend(_shared_head_items(text, start, end, head, taken, known, lexicon,
                                                head_start=head_start))
    if lexicon is not None:
        # "南宁—贵阳、合浦—湛江高铁" where the gazetteer knows the last link: the items share its head
        link_heads = [h for h in HEADS if h.kind in ("corridor", "route")]
        for m in known:
            if m.iri is None or not (set(lexicon.entries[m.iri].types) & {"Route", "Corridor"}):
                continue
            head = next((h for h in link_heads if m.surface.endswith(h.suffix)), None)
            if head is not None and "—" in m.surface:
                found.extend(_shared_head_items(text, m.start, m.end, head, taken, known, lexicon,
                                                head_start=m.end - len(head.suffix)))
    return found


def _shared_head_items(text: str, start: int, head_end: int, head: Head, taken: bytearray,
                       known: list[Mention], lexicon: Lexicon | None, *, first_end: int | None = None,
                       head_start: int | None = None) -> list[Mention]:
    """"南宁—贵阳、合浦—湛江高铁", "A—B、C—D等铁路": "A—B" items of a list share the head written
    once after the last item (``first_end``: the last item itself ends there, before 等). Each
    item's evidence runs from the item to the shared head."""
    head_text = text[start if head_start is None else head_start:head_end]
    rule = f"coordination:{head_text}"
    items: list[Mention] = []
    position = start
    while True:
        if first_end is not None:
            item_end, first_end = first_end, None
        elif position > 0 and text[position - 1] == "、":
            item_end = position - 1
        else:
            break
        item_start = _ends_item_start(text, item_end, known)
        if item_start is None or any(taken[item_start:item_end]):
            break
        item = text[item_start:item_end]
        if "等" in item or any(item.endswith(h.suffix) for h in HEADS):
            break
        surface = item + head_text
        curated = [iri for iri in (lexicon.surfaces.get(surface, []) if lexicon is not None else [])]
        if curated:
            items.append(Mention(item_start, item_end, surface, rule, iri=curated[0], evidence_end=head_end))
        else:
            items.append(Mention(item_start, item_end, surface, rule, head=head, evidence_end=head_end))
        taken[item_start:item_end] = b"\x01" * (item_end - item_start)
        position = item_start
    return items


def _ends_item_start(text: str, end: int, known: list[Mention]) -> int | None:
    """Where an "A—B(—C)" item ending at ``end`` starts: A is a known name or cut at a verb."""
    match = re.search(r"(?:[\u4e00-\u9fff]{1,8}—)+[\u4e00-\u9fff]{1,8}$", text[max(0, end - 40):end])
    if match is None:
        return None
    item_start = max(0, end - 40) + match.start()
    first_dash = text.index("—", item_start, end)
    mention = next((m for m in known if m.end == first_dash and m.start >= item_start), None)
    if mention is not None:
        return mention.start
    window = text[item_start:first_dash]
    cut = 0
    for word in BOUNDARY_WORDS:
        found = window.rfind(word)
        if found >= 0 and found + len(word) < len(window):
            cut = max(cut, found + len(word))
    return item_start + cut if first_dash - (item_start + cut) >= 2 else None


def find_mentions(document: SourceDocument, lexicon: Lexicon) -> list[Mention]:
    known = gazetteer_mentions(document.text, lexicon)
    discovered = head_mentions(document.text, known, lexicon)
    # a place inside a discovered name (钦州 in 钦州综合保税区) is part of the name, not a mention
    outside = [m for m in known if not any(d.start <= m.start and m.end <= d.end for d in discovered)]
    return sorted(outside + discovered, key=lambda m: (m.start, -m.end))
