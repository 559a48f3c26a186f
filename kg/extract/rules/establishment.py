"""When a zone was established and who approved it.

Only sentences that tie a date to a named zone count:
- 2020年3月30日，国务院批复设立X — date, (approving body,) verb, zone;
- 2019年8月，X正式挂牌 / 2019年8月X获批设立以来 — date, zone, verb;
- X、Y建立于2012年 / X与Y设立于2020年 — zones, verb + 于, year;
- 国务院批复设立X / X经国务院批准设立 — the approving body alone.
A verb under an aspiration (争取设立, 推动设立, 支持设立) is no establishment. A full date gives
kgo:establishedDate and kgo:establishedYear; a year or a month only the year. One year per zone
and document: the first the document states.
"""

from __future__ import annotations

import re

from ...model import Term
from ..builder import XSD, RuleContext
from ..mentions import Mention
from .structure import is_zone, kind

_DATE = re.compile(r"(\d{4})\s*年(?:\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?)?")
_VERB = (r"(?:批复同意设立|批复设立|批准设立|同意设立|获批设立|正式获批|正式设立|正式挂牌|挂牌成立|揭牌成立|正式成立|"
         r"正式揭牌|设立|成立|挂牌|揭牌|获批|建立|批复|批准)")
_APPROVING = ("批复", "批准", "同意")
_ASPIRATION = ("争取", "推动", "推进", "支持", "鼓励", "加快", "申报", "力争", "拟", "计划", "积极", "研究", "探索",
               "引导", "谋划", "筹建", "申请", "希望", "建议", "可以", "应", "要", "将", "尽快", "未来")
_DATE_THEN_VERB = re.compile(rf"(?P<between>,?[^,;。]{{0,16}}?)(?P<verb>{_VERB})了?")
_VERB_IN_YEAR = re.compile(rf"(?P<verb>{_VERB})于\s*(?P<date>{_DATE.pattern})")
_ZONE_VERB = re.compile(rf"(?:正式|已经|已)?{_VERB}(?!于)")
_AGENT_THEN_VERB = re.compile(r"(?:批复同意设立|批复设立|批准设立|同意设立|批复同意|批复|批准)")
_ZONE_BY_AGENT = re.compile(r"(?:经|由|获)$")
_CLAUSE_END = ",;。"


def _dates(match: re.Match) -> tuple[str, str | None]:
    year, month, day = match.group(1), match.group(2), match.group(3)
    date = None
    if month and day and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
        date = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return year, date


class _Recorder:
    """Asserts establishment facts, at most one year and one date per zone and document."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.years: set[str] = set()
        self.dates: set[str] = set()
        self.approvals: set[tuple[str, str]] = set()

    def established(self, zone: Mention, year: str, date: str | None, span: tuple[int, int], rule: str) -> None:
        iri = self.ctx.iri_of(zone)
        if iri not in self.years:
            self.years.add(iri)
            self.ctx.relate(iri, "establishedYear", Term(year, datatype=XSD + "gYear"), span, rule)
        if date and iri not in self.dates:
            self.dates.add(iri)
            self.ctx.relate(iri, "establishedDate", Term(date, datatype=XSD + "date"), span, rule)

    def approved(self, zone: Mention, agent: Mention, span: tuple[int, int], rule: str) -> None:
        key = (self.ctx.iri_of(zone), self.ctx.iri_of(agent))
        if key not in self.approvals:
            self.approvals.add(key)
            self.ctx.relate(zone, "approvedBy", agent, span, rule)


def _aspirational(text: str) -> bool:
    return any(word in text for word in _ASPIRATION)


def _first_zone_after(ctx: RuleContext, start: int, limit: int) -> Mention | None:
    """The first zone named after ``start`` in the same clause (设立了全国第一个…——X)."""
    end = start
    while end < limit and ctx.document.text[end] not in _CLAUSE_END:
        end += 1
    return next((m for m in ctx.mentions_between(start, end) if is_zone(ctx, m)), None)


def _agent_before(ctx: RuleContext, sentence_start: int, position: int) -> Mention | None:
    """An organisation named right before ``position`` (国务院|批复设立)."""
    return next((m for m in ctx.mentions_between(sentence_start, position)
                 if m.end == position and kind(ctx, m) == "organisation"), None)


def dated_establishment(ctx: RuleContext) -> None:
    """A date, then the zone set up (with or without the approving body) in the same sentence."""
    text = ctx.document.text
    record = _Recorder(ctx)
    for sentence in ctx.document.sentences:
        for date in _DATE.finditer(text, sentence.start, sentence.end):
            if text[sentence.start:date.start()].rstrip().endswith("于"):
                continue  # 建立于2012年 belongs to the zones before it
            year, full = _dates(date)
            after = date.end()
            # date, zone, verb: 2019年8月,中国(广西)自由贸易试验区正式挂牌
            zone = next((m for m in ctx.mentions_between(after, sentence.end) if is_zone(ctx, m)), None)
            verb = _ZONE_VERB.match(text, zone.end, sentence.end) if zone is not None else None
            if zone is not None and verb is not None and not text[after:zone.start].strip(", "):
                record.established(zone, year, full, (date.start(), verb.end()), "established:date-zone-verb")
                continue
            # date, (agent,) verb, zone: 2020年3月30日,国务院批复设立X
            verb = _DATE_THEN_VERB.match(text, after, sentence.end)
            if verb is None or _aspirational(verb.group("between")) or _DATE.search(verb.group("between")):
                continue
            zone = _first_zone_after(ctx, verb.end(), sentence.end)
            if zone is None or _aspirational(text[verb.end():zone.start]):
                continue
            record.established(zone, year, full, (date.start(), zone.end), f"established:{verb.group('verb')}")
            agent = _agent_before(ctx, sentence.start, verb.start("verb"))
            if agent is not None and verb.group("verb").startswith(_APPROVING) and zone.start - verb.end() <= 1:
                record.approved(zone, agent, (agent.start, zone.end), f"approved:{verb.group('verb')}")
    _established_in_year(ctx, record)
    _approval_without_date(ctx, record)


def _established_in_year(ctx: RuleContext, record: _Recorder) -> None:
    """X、Y建立于2012年: every zone listed right before the verb."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _VERB_IN_YEAR.finditer(text, sentence.start, sentence.end):
            date = _DATE.match(text, match.start("date"))
            year, full = _dates(date)
            position = match.start()
            for m in reversed(ctx.mentions_between(sentence.start, match.start())):
                if m.end != position or not is_zone(ctx, m):
                    break
                record.established(m, year, full, (m.start, match.end()), f"established:{match.group('verb')}于")
                joiner = re.search(r"(?:、|与|和|及)$", text[sentence.start:m.start])
                if joiner is None:
                    break
                position = m.start - len(joiner.group())


def _approval_without_date(ctx: RuleContext, record: _Recorder) -> None:
    """国务院批复设立X, X经国务院批准设立: the approving body, with no date needed."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _AGENT_THEN_VERB.finditer(text, sentence.start, sentence.end):
            agent = _agent_before(ctx, sentence.start, match.start())
            if agent is None or _aspirational(text[max(sentence.start, agent.start - 4):agent.start]):
                continue
            zone = next((m for m in ctx.mentions_between(match.end(), sentence.end)
                         if m.start in (match.end(), match.end() + 1) and is_zone(ctx, m)), None)
            if zone is None:
                # X经国务院批准设立: the zone before the agent
                marker = _ZONE_BY_AGENT.search(text[sentence.start:agent.start])
                if marker is None or "设立" not in text[match.start():match.end() + 2]:
                    continue
                zone = next((m for m in ctx.mentions_between(sentence.start, agent.start)
                             if m.end == agent.start - 1 and is_zone(ctx, m)), None)
                if zone is None:
                    continue
                record.approved(zone, agent, (zone.start, match.end()), f"approved:{match.group()}")
                continue
            record.approved(zone, agent, (agent.start, zone.end), f"approved:{match.group()}")


RULES = (dated_establishment,)
