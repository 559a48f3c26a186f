"""Who and when a reported figure is about: subject candidates, paragraphs and headings.

Chinese policy prose names its subject once and leaves it implicit: "百色市地区生产总值年均增长
8.4%…；外贸进出口总额…2019年达到261.8亿元" keeps 百色市 for the second clause; a plan's
"片区" or a news report's "自贸试验区" refers back to the zone named earlier; a heading
"二、“十四五”发展目标" dates every target under it. This module gives the indicator rules
those three things: subject candidates in reading order (with anaphors resolved), the
paragraph a position is in, and the outline of headings in force there.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..normalise import normalise_label
from .builder import RuleContext
from .mentions import gazetteer_mentions

SUBJECT_TYPES = frozenset({
    "Zone", "BorderPilotZone", "PilotFreeTradeZone", "FreeTradeZoneArea", "BondedZone",
    "ComprehensiveBondedZone", "BondedPortArea", "BorderEconomicCooperationZone",
    "CrossBorderEconomicCooperationZone", "BorderTradeZone", "DevelopmentZone", "NewArea",
    "IndustrialPark", "Region", "CityCluster", "EconomicZone", "SpatialUnit",
    "Place", "Country", "Province", "City", "County", "Town",
    "Platform", "Port", "BorderPort", "Seaport",
})
# Discovered names trusted as subjects: the heads that rarely swallow a verb (unlike …片区).
_DISCOVERED_SUBJECTS = frozenset({
    "ComprehensiveBondedZone", "BondedPortArea", "BondedZone", "BorderEconomicCooperationZone",
    "CrossBorderEconomicCooperationZone", "DevelopmentZone", "IndustrialPark", "Port", "Seaport",
})
# Bare heads that refer back to a zone or place named before, with the types they can denote.
ANAPHORS: dict[str, tuple[str, ...]] = {
    "自贸试验区": ("PilotFreeTradeZone",), "自贸区": ("PilotFreeTradeZone",),
    "片区": ("FreeTradeZoneArea",), "全市": ("City", "County"), "本市": ("City", "County"),
    "该市": ("City", "County"), "全省": ("Province",), "本省": ("Province",), "全县": ("County",),
}
_ANAPHOR = re.compile("|".join(sorted(ANAPHORS, key=len, reverse=True)))
# Words before a name that make it an object, a partner or a comparison, not the subject.
_OBJECT_BEFORE = ("与", "同", "和", "及", "对", "向", "面向", "覆盖", "包括", "至", "到", "接", "连接", "位居",
                  "高于", "低于", "占", "赴", "往", "通达", "辐射", "联通", "对接", "各", "每", "超过")
_HEADING = re.compile(
    r"^(?:(?P<chapter>第[一二三四五六七八九十百]+[章篇部])|(?P<section>第[一二三四五六七八九十]+节)"
    r"|(?P<item>[一二三四五六七八九十]+、)|(?P<sub>[(（][一二三四五六七八九十]+[)）])|(?P<num>\d{1,2}[.、．](?!\d)))"
)
_HEADING_LEVELS = {"chapter": 1, "section": 2, "item": 3, "sub": 4, "num": 5}
MAX_HEADING = 40


@dataclass(frozen=True)
class Candidate:
    """A possible subject: a zone, place or port named (or referred back to) in the text."""

    start: int
    end: int
    iri: str
    types: tuple[str, ...]
    object_context: bool  # "与越南", "覆盖百色": named, but not as the subject
    anaphor: bool = False  # "片区", "全市": a bare head referring back


@dataclass(frozen=True)
class Heading:
    start: int
    end: int
    level: int
    text: str


class Layout:
    """Paragraphs (lines of the normalised text) and the heading outline."""

    def __init__(self, text: str) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.headings: list[Heading] = []
        position = 0
        for line in text.split("\n"):
            self.starts.append(position)
            self.ends.append(position + len(line))
            stripped = line.strip()
            match = _HEADING.match(stripped)
            if match and len(stripped) <= MAX_HEADING and "。" not in stripped[:-1]:
                level = next(_HEADING_LEVELS[k] for k, v in match.groupdict().items() if v)
                self.headings.append(Heading(position, position + len(line), level, stripped))
            position += len(line) + 1
        self._heading_starts = [h.start for h in self.headings]

    def paragraph(self, position: int) -> tuple[int, int]:
        index = max(0, bisect.bisect_right(self.starts, position) - 1)
        return self.starts[index], self.ends[index]

    def outline(self, position: int) -> list[Heading]:
        """The headings in force at a position, outermost first."""
        stack: list[Heading] = []
        for heading in self.headings[:bisect.bisect_right(self._heading_starts, position)]:
            while stack and stack[-1].level >= heading.level:
                stack.pop()
            stack.append(heading)
        return stack


class Subjects:
    """Subject candidates of one document, with the document's own main subject."""

    def __init__(self, context: RuleContext, title: str) -> None:
        self.context = context
        text = context.document.text
        found: list[Candidate] = []
        for mention in context.mentions:
            types = self._types(mention)
            if types is None:
                continue
            iri = context.iri_of(mention)
            found.append(Candidate(mention.start, mention.end, iri, types, _object_context(text, mention.start, mention.end)))
        self.main = self._main_subject(title, found)
        covered = [(m.start, m.end) for m in context.mentions]
        for match in _ANAPHOR.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in covered):
                continue  # part of a name: 钦州港片区
            if text[max(0, start - 1):start] in ("各", "每", "个", "等", "两", "三", "多"):
                continue
            referent = self._antecedent(found, start, ANAPHORS[match.group(0)])
            if referent is not None:
                found.append(Candidate(start, end, referent.iri, referent.types, _object_context(text, start, end),
                                       anaphor=True))
        found.sort(key=lambda c: c.start)
        self.candidates = found
        self._starts = [c.start for c in found]

    def _types(self, mention) -> tuple[str, ...] | None:
        if mention.iri is not None:
            entry = self.context.lexicon.entries.get(mention.iri)
            types = entry.types if entry else ()
            return types if SUBJECT_TYPES & set(types) else None
        if mention.head is not None and mention.head.cls in _DISCOVERED_SUBJECTS:
            return (mention.head.cls,)
        return None

    def _main_subject(self, title: str, found: list[Candidate]) -> Candidate | None:
        """The first zone or place the title names: a curated one, else a name the text itself
        introduces (a made-up "滇南综合保税区" is found by its head in the body)."""
        lexicon = self.context.lexicon
        title = normalise_label(title)
        for mention in gazetteer_mentions(title, lexicon):
            entry = lexicon.entries.get(mention.iri or "")
            if entry is not None and SUBJECT_TYPES & set(entry.types):
                return Candidate(-1, -1, entry.iri, entry.types, False)
        text = self.context.document.text
        named = [(title.find(text[c.start:c.end]), c) for c in found if text[c.start:c.end] in title]
        if named:
            position, candidate = min(named, key=lambda pair: pair[0])
            return Candidate(-1, -1, candidate.iri, candidate.types, False)
        return None

    def _antecedent(self, found: list[Candidate], position: int, types: tuple[str, ...]) -> Candidate | None:
        """The latest curated candidate of a fitting type before ``position``, else the main subject."""
        def fits(candidate: Candidate) -> bool:
            if not set(types) & set(candidate.types):
                return False
            if "County" in candidate.types and "City" in types and "City" not in candidate.types:
                label = self.context.lexicon.entries.get(candidate.iri)
                return bool(label and label.label_zh.endswith("市"))
            return True

        for candidate in sorted((c for c in found if c.end <= position), key=lambda c: -c.start):
            if candidate.iri in self.context.lexicon.entries and fits(candidate):
                return candidate
        if self.main is not None and fits(self.main):
            return self.main
        return None

    def nearest_before(self, floor: int, position: int) -> Candidate | None:
        """The closest subject candidate in [floor, position), skipping objects and partners."""
        index = bisect.bisect_left(self._starts, position)
        for candidate in reversed(self.candidates[:index]):
            if candidate.start < floor:
                return None
            if candidate.end <= position and not candidate.object_context:
                return candidate
        return None

    def latest_opening(self, floor: int, position: int) -> Candidate | None:
        """The last named candidate in [floor, position) that opens its clause: the running topic
        (a bare "自贸试验区改革…" names no topic; it only refers back within its sentence)."""
        text = self.context.document.text
        index = bisect.bisect_left(self._starts, position)
        for candidate in reversed(self.candidates[:index]):
            if candidate.start < floor:
                return None
            if candidate.end <= position and not candidate.object_context and not candidate.anaphor \
                    and _opens_clause(text, candidate.start):
                return candidate
        return None

    def first_in(self, start: int, end: int, *, clause_initial: bool = False) -> Candidate | None:
        """The first candidate in [start, end); with ``clause_initial``, only one that opens
        its clause (after time words), as a paragraph's topic does."""
        text = self.context.document.text
        index = bisect.bisect_left(self._starts, start)
        for candidate in self.candidates[index:]:
            if candidate.start >= end:
                return None
            if candidate.object_context:
                continue
            if clause_initial and not _opens_clause(text, candidate.start):
                continue
            return candidate
        return None

    def at(self, start: int) -> Candidate | None:
        index = bisect.bisect_left(self._starts, start)
        if index < len(self.candidates) and self.candidates[index].start == start:
            return self.candidates[index]
        return None


_CLAUSE_OPENER = re.compile(
    r"(?:^|[，,；;：:。！？\n”])[\s“]*(?:(?:截至|截止到?|到|至|在|经)?(?:(?:19|20)\d{2}年(?:\d{1,2}月)?(?:底|末)?|今年|目前|如今|近年来|同时|此外|其中|如|例如)[，,]?)*$")


def _opens_clause(text: str, position: int) -> bool:
    return bool(_CLAUSE_OPENER.search(text[max(0, position - 24):position]))


def _object_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 2):start]
    if any(before.endswith(word) for word in _OBJECT_BEFORE):
        return True
    if text[end:end + 1] in ("等", "之"):
        return True
    # inside quotation marks: “中国南大门” names a nickname, not a subject
    line_start = text.rfind("\n", 0, start) + 1
    segment = text[line_start:start]
    return segment.count("“") > segment.count("”")
