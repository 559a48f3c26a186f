"""What a clause, a paragraph or a whole document is about.

Relation rules such as industry priorities read "重点发展A、B等产业" without a subject in
the clause: Chinese policy prose names the zone once (at the head of a clause, of a
paragraph, in a heading, or throughout the document) and leaves it implicit afterwards.
This module finds that subject, in that order of closeness, so every rule resolves it the
same way.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from ..model import Sentence
from .builder import RuleContext
from .mentions import Mention

ZONE_TYPES = frozenset({
    "Zone", "BorderPilotZone", "PilotFreeTradeZone", "FreeTradeZoneArea", "BondedZone",
    "ComprehensiveBondedZone", "BondedPortArea", "BorderEconomicCooperationZone",
    "CrossBorderEconomicCooperationZone", "BorderTradeZone", "DevelopmentZone", "NewArea",
    "IndustrialPark", "Region", "CityCluster", "EconomicZone", "SpatialUnit",
})
PLACE_TYPES = frozenset({"Place", "Country", "Province", "City", "County", "Town"})
SUBJECT_TYPES = ZONE_TYPES | PLACE_TYPES

CLAUSE_BREAK = "，,；;：:。！？!?"
# Words that may open a clause before its subject ("如凭祥大力发展…", "目前百色…").
_LEAD = re.compile(r"^[\d.、()一二三四五六七八九十]*(?:如|例如|比如|其中|目前|近年来|同时|此外|另外|而|并|今后|未来)?$")
# What may stand between the last subject and the verb ("…等港口地区重点布局", "百色市加快…").
_GAP = re.compile(
    r"^(?:等[\u4e00-\u9fff]{0,6}?)?(?:要|将|应|需|也|还|均|都|已|可|可以|正|目前|今后|未来|积极|加快|大力|全力"
    r"|着力|主要|进一步|继续|持续|率先|重点)*$")
# A paragraph opening with a development verb and no subject continues the previous topic.
_VERB_OPENING = re.compile(r"^(?:重点|着力|大力|加快|积极|优先|集中)?(?:发展|打造|培育|布局|建设|推进|推动|构建|形成)")
# A paragraph that defines a unit: "开放引领区，主要包括…", "联动发展轴，以…为主通道".
_DEFINITION = re.compile(r"(?:主要)?(?:包括|包含|涵盖|覆盖|是|位于|地处|以|重点|着力|面积|规划|作为|依托|范围)")
# "优化提升X功能", "强化X的作用": a clause naming the zone a sentence then describes.
_UPGRADE = re.compile(r"^((?:优化|提升|完善|拓展|强化|做强|做优|发挥|增强)+).+?((?:的)?(?:功能|作用|能级|优势|建设))$")
# A city or county named by its administrative suffix at the head of a clause.
_PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,6}?(自治州|自治县|市|州|县|盟|旗)")
_PLACE_CLASSES = {"市": "City", "州": "City", "自治州": "City", "盟": "City", "县": "County", "自治县": "County",
                  "旗": "County"}
_ACT = re.compile(r"(?:要|将|应|也|还|已|正|积极|加快|大力|全力|着力|重点|进一步|继续|持续|率先)*"
                  r"(?:发展|打造|培育|布局|建设|推进|推动|构建|形成|实施|做大|做强|壮大)")
_LEAD_WORD = re.compile(r"(?:如|例如|比如|其中|目前|近年来|同时|此外|另外|而|并|今后|未来)")
_SUBJECT_JOINERS = re.compile(r"^(?:、|和|与|及|以及)$")
# Subordinate openers: the subject of "由于大力发展临港产业，防城港…" follows the clause.
_SUBORDINATE = re.compile(r"^(?:由于|通过|随着|为了|为|依靠|凭借|借助)")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十]+[章节]|[(（]?[一二三四五六七八九十\d]+[)）.、．]?)\s*")
# A spatial unit a plan names without a curated entry: "先进制造区", "联动发展轴".
_UNIT_NAME = re.compile(r"^([\u4e00-\u9fff]{2,12}?(?:区|轴|带))(?=[，,：:]|以|主要|重点|着力|大力|加快|积极|发展|是|为|作为)")
# Bare heads that refer back to the document's zone ("片区", "试验区"), never names themselves.
ANAPHORS = ("试验区", "片区", "园区", "开发区", "新区", "城市群", "自贸试验区", "自贸区", "保税区", "综合保税区")
_UNIT_STOP = re.compile(r"^(?:各|全|该|本|这|其|我|我国|全国|地区|城区|社区|园区|片区|试验区|开发区|新区|辖区|景区|港区|功能区|示范区|先行区|集聚区|承载区)$")
# Function words and time phrases never stand inside a unit's name ("近年来各试验区", "有利于片区").
_UNIT_NOISE = re.compile(r"(是|的|有利于|有助于|各|该|本|这|其|年来|以来|和|与|及|在|对|将)")
_UNIT_VERB = re.compile(r"(建设|推进|推动|加快|打造|构建|形成|实现|提升|完善|发展.+|设立|培育|引导|支持|鼓励|开展|强化|加强)")


@dataclass(frozen=True)
class Subject:
    """An entity a stretch of text is about, with where it was named."""

    iri: str
    start: int  # normalised span of the naming text (for evidence)
    end: int


def subject_types(ctx: RuleContext, mention: Mention) -> frozenset[str]:
    return frozenset(ctx.types_of(mention)) & SUBJECT_TYPES


class SubjectFinder:
    """Subjects of one document's clauses, memoised per document."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        text = ctx.document.text
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self._starts: list[int] = []
        self._indexed = -1
        self._paragraph_topics: dict[int, list[Subject]] = {}
        self._openings: dict[int, tuple[list[Subject], bool]] = {}
        self._document_subject: list[Subject] | None = None

    # -- mentions -------------------------------------------------------------------------
    def mentions_in(self, start: int, end: int) -> list[Mention]:
        mentions = self.ctx.mentions
        if len(mentions) != self._indexed:  # a rule added mentions since
            self._starts = [m.start for m in mentions]
            self._indexed = len(mentions)
        lo = bisect.bisect_left(self._starts, start)
        found = []
        for m in mentions[lo:]:
            if m.start >= end:
                break
            if m.end <= end:
                found.append(m)
        return found

    def subject_mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions_in(start, end) if subject_types(self.ctx, m)]

    # -- clauses --------------------------------------------------------------------------
    def clause_bounds(self, sentence: Sentence, position: int) -> tuple[int, int]:
        text = self.ctx.document.text
        start = position
        while start > sentence.start and text[start - 1] not in CLAUSE_BREAK:
            start -= 1
        end = position
        while end < sentence.end and text[end] not in CLAUSE_BREAK:
            end += 1
        return start, end

    def clause_head_subjects(self, start: int, end: int, *, verb_follows: bool = True) -> list[Subject]:
        """Subjects named at the head of the text [start, end): before its verb at ``end``, or
        (``verb_follows`` False) anywhere at the head of a whole clause."""
        text = self.ctx.document.text
        mentions = self.subject_mentions_in(start, end)
        if mentions:
            lead = text[start:mentions[0].start]
            if _LEAD.match(lead):
                chain = [mentions[0]]
                for m in mentions[1:]:
                    if not _SUBJECT_JOINERS.match(text[chain[-1].end:m.start]):
                        break
                    chain.append(m)
                if not verb_follows or _GAP.match(text[chain[-1].end:end]):
                    return [Subject(self.ctx.iri_of(m), m.start, m.end) for m in chain]
            return []
        unit = self.unit_at(start, end) or (self.place_at(start, end) if verb_follows else None)
        return [unit] if unit else []

    def place_at(self, start: int, end: int, *, verb_follows: bool = True) -> Subject | None:
        """A city or county the gazetteer lacks, as the whole head of a clause: "临沧市大力发展…"
        (the verb at ``end``, or, ``verb_follows`` False, right after the name)."""
        text = self.ctx.document.text
        lead = _LEAD_WORD.match(text, start, end)
        name_start = lead.end() if lead else start
        found = _PLACE_NAME.match(text, name_start, end)
        if not found or self.mentions_in(name_start, found.end()):
            return None
        if not (_GAP.match(text[found.end():end]) if verb_follows else _ACT.match(text, found.end(), end)):
            return None
        name = found.group(0)
        if _UNIT_VERB.search(name) or name[:-1] in ("全", "各", "本", "该", "城", "都", "省"):
            return None
        cls = _PLACE_CLASSES[found.group(1)]
        span = (name_start, found.end())
        iri = self.ctx.new_entity("place", cls, name, span, "subject:place-name")
        return Subject(iri, *span)

    def unit_at(self, start: int, end: int) -> Subject | None:
        """An uncurated spatial unit naming the clause: "先进制造区着力发展…"."""
        text = self.ctx.document.text
        stripped = start
        match = _NUMBERING.match(text[start:end])
        if match:
            stripped += match.end()
        found = _UNIT_NAME.match(text[stripped:stripped + 40])
        if not found or stripped + len(found.group(1)) > end:
            return None
        name = found.group(1)
        if _UNIT_STOP.match(name) or _UNIT_VERB.search(name[:-1]) or _UNIT_NOISE.search(name[:-1]) \
                or self._is_anaphor(name):
            return None
        if self.subject_mentions_in(stripped, stripped + len(name)) or any(
                m.start < stripped + len(name) < m.end for m in self.mentions_in(stripped, end + 20)):
            # a curated or head-pattern name is here; the mention, not a new unit, names it
            return None
        span = (stripped, stripped + len(name))
        iri = self.ctx.new_entity("zone", "SpatialUnit", name, span, "subject:spatial-unit")
        return Subject(iri, *span)

    @staticmethod
    def _is_anaphor(name: str) -> bool:
        """"片区", "该试验区", "各园区": a bare head or a determiner and a head, never a name."""
        for anaphor in ANAPHORS:
            if name.endswith(anaphor) and name[: -len(anaphor)] in ("", "各", "该", "本", "全", "我", "其", "此", "这"):
                return True
        return False

    def clause_subjects(self, sentence: Sentence, position: int) -> list[Subject]:
        """Who does what the verb at ``position`` says: clause, sentence, paragraph, document."""
        text = self.ctx.document.text
        c_start, c_end = self.clause_bounds(sentence, position)
        found = self.clause_head_subjects(c_start, position)
        if found:
            return found
        if re.match(r"^(?:在|于|向|对|到|从)", text[c_start:position]):
            return []  # "在南宁布局…": a location, not the actor; no safe subject
        if _SUBORDINATE.match(text[c_start:position]) and c_end < sentence.end:
            after_start = c_end + 1
            after_end = self.clause_bounds(sentence, after_start)[1]
            found = self.clause_head_subjects(after_start, after_end, verb_follows=False)
            if found:
                return found
        found = self.sentence_subjects(sentence, c_start)
        if found:
            return found
        return self.paragraph_topic(sentence) or self.document_subject()

    def sentence_subjects(self, sentence: Sentence, before: int) -> list[Subject]:
        """The subject of an earlier clause of the same sentence ("二连浩特与蒙古…，大力发展…")."""
        text = self.ctx.document.text
        position = sentence.start
        while position < before:
            c_start, c_end = self.clause_bounds(sentence, position)
            if c_start >= before:
                break
            clause = text[c_start:c_end]
            upgrade = _UPGRADE.match(clause)
            if upgrade:
                # "优化提升钦州港经开区功能，打造…": the zone whose role the sentence then spells out
                mentions = [m for m in self.subject_mentions_in(c_start, c_end)
                            if frozenset(self.ctx.types_of(m)) & ZONE_TYPES]
                if len(mentions) == 1 and mentions[0].start == c_start + upgrade.end(1) \
                        and mentions[0].end == c_start + upgrade.start(2):
                    return [Subject(self.ctx.iri_of(mentions[0]), mentions[0].start, mentions[0].end)]
            if clause.startswith(("依托", "立足", "围绕")):
                mentions = self.subject_mentions_in(c_start, c_end)
                if mentions and mentions[0].start <= c_start + 3 and mentions[0].end >= c_end - 3:
                    return [Subject(self.ctx.iri_of(mentions[0]), mentions[0].start, mentions[0].end)]
            else:
                mentions = self.subject_mentions_in(c_start, c_end)
                if mentions and _LEAD.match(text[c_start:mentions[0].start]):
                    follower = text[mentions[0].end:c_end]
                    if not follower.startswith(("、", "和", "及", "的", "等")):
                        m = mentions[0]
                        return [Subject(self.ctx.iri_of(m), m.start, m.end)]
                if c_start == sentence.start:
                    unit = self.unit_at(c_start, c_end) or self.place_at(c_start, c_end, verb_follows=False)
                    if unit:
                        return [unit]
            position = c_end + 1
        return []

    # -- paragraphs and documents -----------------------------------------------------------
    def paragraph_of(self, sentence: Sentence) -> int:
        return bisect.bisect_right(self._newlines, sentence.start)

    def paragraph_topic(self, sentence: Sentence) -> list[Subject]:
        """The paragraph's named topic; a paragraph that opens with a bare verb continues the
        topic the paragraph before it opened by name ("重点开发区，主要包括…。" / "重点发展…")."""
        paragraph = self.paragraph_of(sentence)
        if paragraph in self._paragraph_topics:
            return self._paragraph_topics[paragraph]
        topic, _ = self._opening(paragraph)
        if not topic and paragraph > 0:
            first = self._first_sentence(paragraph)
            previous, by_name = self._opening(paragraph - 1)
            if first is not None and by_name and _VERB_OPENING.match(first.text):
                topic = previous
        self._paragraph_topics[paragraph] = topic
        return topic

    def _first_sentence(self, paragraph: int) -> Sentence | None:
        return next((s for s in self.ctx.document.sentences if self.paragraph_of(s) == paragraph), None)

    def _opening(self, paragraph: int) -> tuple[list[Subject], bool]:
        """The topic a paragraph's opening names, and whether it names it outright (not a heading)."""
        if paragraph not in self._openings:
            first = self._first_sentence(paragraph)
            self._openings[paragraph] = self._topic_of_opening(first) if first is not None else ([], False)
        return self._openings[paragraph]

    def _topic_of_opening(self, first: Sentence) -> tuple[list[Subject], bool]:
        text = self.ctx.document.text
        c_start, c_end = self.clause_bounds(first, first.start)
        numbering = _NUMBERING.match(text[c_start:c_end])
        head_start = c_start + (numbering.end() if numbering else 0)
        mentions = self.subject_mentions_in(head_start, c_end)
        # "开放引领区，主要包括…": the opening clause is just the name
        if mentions and mentions[0].start == head_start and mentions[0].end == c_end:
            return [Subject(self.ctx.iri_of(mentions[0]), mentions[0].start, mentions[0].end)], True
        unit = self.unit_at(c_start, c_end)
        if unit and unit.end == c_end and _DEFINITION.match(text, c_end + 1):
            return [unit], True
        return self._heading_topic(first, mentions, numbering is not None, c_end), False

    def _heading_topic(self, first: Sentence, mentions: list[Mention], numbered: bool, c_end: int) -> list[Subject]:
        # a short heading naming one place or zone: "1.打造南宁核心城市。"
        if numbered and first.end - first.start <= 25 and c_end >= first.end - 1:
            distinct = {self.ctx.iri_of(m) for m in mentions}
            if len(distinct) == 1:
                m = mentions[0]
                return [Subject(self.ctx.iri_of(m), m.start, m.end)]
        return []

    def document_subject(self) -> list[Subject]:
        """The zone a document is mostly about, when one clearly dominates its mentions."""
        if self._document_subject is not None:
            return self._document_subject
        if self.ctx.document.meta.genre == "paper":
            # a paper weighs many zones against each other; it is about none of them alone
            self._document_subject = []
            return self._document_subject
        counts: Counter[str] = Counter()
        first_mention: dict[str, Mention] = {}
        for m in self.ctx.mentions:
            if frozenset(self.ctx.types_of(m)) & ZONE_TYPES:
                iri = self.ctx.iri_of(m)
                counts[iri] += 1
                first_mention.setdefault(iri, m)
        subject: list[Subject] = []
        ranked = counts.most_common(2)
        if ranked:
            top, n = ranked[0]
            runner_up = ranked[1][1] if len(ranked) > 1 else 0
            if n >= 5 and n >= 1.4 * runner_up:
                m = first_mention[top]
                subject = [Subject(top, m.start, m.end)]
        self._document_subject = subject
        return subject


def finder(ctx: RuleContext) -> SubjectFinder:
    """One SubjectFinder per RuleContext, shared by the rules that run on it."""
    existing = getattr(ctx, "_subject_finder", None)
    if existing is None:
        existing = SubjectFinder(ctx)
        setattr(ctx, "_subject_finder", existing)
    return existing
