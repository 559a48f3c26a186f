"""Time expressions in policy text and the document calendar that anchors relative ones.

A period is written as the graph stores it: "2020", "2021-07", "2016-2020" (years) or
"2021-01/2021-07" (months). Relative expressions (今年, 目前, 截至今年7月底, 两年来) need the
year the document speaks from; five-year-plan names (“十三五”) need no anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import SourceDocument

_Y = r"(?:19|20)\d{2}"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_YEAR_WORD = rf"(?:{_Y}年|今年|去年|本年|上年)"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("month-range", re.compile(rf"(?P<y>{_YEAR_WORD})(?P<m1>\d{{1,2}})\s*[—\-~～至到]\s*(?P<m2>\d{{1,2}})月(?:份)?")),
    ("half", re.compile(rf"(?P<y>{_YEAR_WORD})(?P<h>上|下)半年")),
    ("year-range", re.compile(rf"(?P<y1>{_Y})年?\s*[—\-~～至到]\s*(?P<y2>{_Y})年")),
    ("month", re.compile(rf"(?P<y>{_YEAR_WORD})(?P<m>\d{{1,2}})月(?:底|末|份)?")),
    ("year", re.compile(rf"(?P<y>{_Y}年(?!代)|今年|去年|本年)")),
    ("plan", re.compile(r"“?(?P<n>十[一二三四五六七八九]|[六七八九])五”?(?P<suffix>末|期末|时期|期间|以来|初|规划期)?")),
    ("since", re.compile(r"(?P<n>[两二三四五六七八九十]|\d{1,2})年(?:以)?来")),
    ("now", re.compile(r"截至目前|目前|当前|现阶段")),
)
_TARGET_BEFORE = re.compile(r"(?<!截)(?<!截止)(?:力争|争取|计划|预计|确保|目标)?(?:到|至)$")


@dataclass(frozen=True)
class Calendar:
    """The years a document's relative and undated statements refer to."""

    publication_year: int | None  # what 今年 and 目前 mean
    base_year: int | None  # the year an undated actual describes
    target_year: int | None  # the year an undated target is for (a plan's last year)


@dataclass(frozen=True)
class TimeExpr:
    """A time expression: its span, its period bounds, and how the text uses it."""

    start: int
    end: int
    first: str | None  # None: relative, and the document's year is unknown
    last: str | None
    target: bool  # "到2025年", "“十四五”末" used as a deadline
    comparison: bool  # "较2012年", "比2015年", "由2015年的": a base, not the period of the clause

    @property
    def period(self) -> str | None:
        if self.first is None or self.last is None:
            return None
        if self.first == self.last:
            return self.first
        if len(self.first) == 4 and len(self.last) == 4:
            return f"{self.first}-{self.last}"
        return f"{self.first}/{self.last}"

    @property
    def end_year(self) -> int | None:
        return int(self.last[:4]) if self.last else None


def plan_period(name: str) -> tuple[int, int] | None:
    """“十四五” → (2021, 2025); the sixth plan started in 1981 and each runs five years."""
    match = re.search(r"(十[一二三四五六七八九]|[六七八九])五", name)
    if match is None:
        return None
    n = _cn_number(match.group(1))
    if n is None or n < 6:
        return None
    first = 1981 + 5 * (n - 6)
    return first, first + 4


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if len(text) == 1:
        return _CN_DIGITS.get(text)
    if text.startswith("十"):
        return 10 + (_CN_DIGITS.get(text[1], 0) if len(text) > 1 else 0)
    return None


def _year(word: str, calendar: Calendar) -> int | None:
    if word.endswith("年") and word[:4].isdigit():
        return int(word[:4])
    if calendar.publication_year is None:
        return None
    return calendar.publication_year - (1 if word in ("去年", "上年") else 0)


def find_times(text: str, calendar: Calendar) -> list[TimeExpr]:
    """Non-overlapping time expressions, the more specific pattern winning."""
    taken = bytearray(len(text) + 1)
    found: list[TimeExpr] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            if kind == "year" and start > 0 and text[start - 1].isdigit():
                continue
            expr = _expression(kind, match, text, calendar)
            if expr is None:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(expr)
    return sorted(found, key=lambda e: e.start)


def _expression(kind: str, match: re.Match[str], text: str, calendar: Calendar) -> TimeExpr | None:
    start, end = match.span()
    before = text[max(0, start - 4):start]
    target = bool(_TARGET_BEFORE.search(before))
    comparison = before.endswith(("较", "比", "由", "从")) and kind in ("year", "month")
    first = last = None
    if kind in ("month-range", "half", "month"):
        year = _year(match.group("y"), calendar)
        if year is not None:
            if kind == "month":
                first = last = f"{year}-{int(match.group('m')):02d}"
            elif kind == "half":
                months = ("01", "06") if match.group("h") == "上" else ("07", "12")
                first, last = f"{year}-{months[0]}", f"{year}-{months[1]}"
            else:
                first, last = f"{year}-{int(match.group('m1')):02d}", f"{year}-{int(match.group('m2')):02d}"
    elif kind == "year-range":
        first, last = match.group("y1"), match.group("y2")
    elif kind == "year":
        year = _year(match.group("y"), calendar)
        first = last = str(year) if year is not None else None
    elif kind == "plan":
        bounds = plan_period(match.group(0))
        if bounds is None:
            return None
        suffix = match.group("suffix") or ""
        if suffix in ("末", "期末"):
            first = last = str(bounds[1])
            target = target or (calendar.publication_year is not None and bounds[1] > calendar.publication_year)
        else:
            first, last = str(bounds[0]), str(bounds[1])
    elif kind == "since":
        n = _cn_number(match.group("n"))
        if n is None or calendar.publication_year is None or text[max(0, start - 1):start] in ("近", "多"):
            return None
        first, last = str(calendar.publication_year - n), str(calendar.publication_year)
    elif kind == "now":
        if calendar.publication_year is not None:
            first = last = str(calendar.publication_year)
    return TimeExpr(start, end, first, last, target, comparison)


def calendar_for(document: SourceDocument) -> Calendar:
    """The document's years: its date when known, else the latest year it reports as past.

    "Latest year reported as past" counts explicit years not used as deadlines (到2025年)
    and anniversaries ("2019年8月…挂牌 … 两年来" speaks from 2019 + 2).
    """
    text = document.text
    publication = int(document.meta.date[:4]) if document.meta.date and document.meta.date[:4].isdigit() else None
    if publication is None:
        publication = _latest_past_year(text)
    plan = plan_period(document.meta.title_zh or "") or plan_period(text[:200])
    if plan is not None and (publication is None or plan[0] - 1 <= publication):
        return Calendar(publication, plan[0] - 1, plan[1])
    return Calendar(publication, publication, None)


def _latest_past_year(text: str) -> int | None:
    latest: int | None = None
    last_seen: int | None = None
    for match in re.finditer(rf"({_Y})年|(?P<n>[两二三四五六七八九十]|\d{{1,2}})年(?:以)?来", text):
        if match.group(1):
            year = int(match.group(1))
            before = text[max(0, match.start() - 3):match.start()]
            after = text[match.end():match.end() + 2]
            if _TARGET_BEFORE.search(before) or before.endswith(("—", "-", "至")) or after.startswith(("前", "目标", "远景")):
                continue
            last_seen = year
            latest = max(latest or year, year)
        elif last_seen is not None and text[max(0, match.start() - 1):match.start()] not in ("近", "多"):
            n = _cn_number(match.group("n"))
            if n is not None:
                latest = max(latest or 0, last_seen + n)
    return latest
