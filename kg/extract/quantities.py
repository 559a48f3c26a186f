"""Read quantities out of normalised Chinese text: numbers with magnitude and unit, growth
rates, and shares ("占全市经济总量56.7%").

Pure functions over strings; they know units, not indicators. A number is taken only when
it carries a unit (or '%'), so years, ordinals (第8个), ranks (前10位), vessel classes
(30万吨级), multiples (1.6倍) and ranges (300亿元至1000亿元, 1—2家) are left alone, and so
are approximate counts ("50多家"), whose value the text does not state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

NUMBER = r"\d+(?:\.\d+)?"
MAGNITUDES = ("万亿", "千亿", "百亿", "亿", "千万", "百万", "万", "千")
# units longest first; a classifier counts things, the others measure an amount
CLASSIFIERS = ("人次", "个", "家", "条", "列", "项", "件", "户", "辆", "艘", "座", "所", "台", "套", "张", "班", "人")
MEASURES = ("元人民币", "人民币", "美元", "欧元", "元", "吨标煤", "吨", "标准箱", "标箱", "TEU", "平方公里",
            "公里", "千米", "公顷", "亩", "千瓦时", "千瓦")
_UNITS = sorted(CLASSIFIERS + MEASURES, key=len, reverse=True)
_MAG = "|".join(MAGNITUDES)
_UNIT = "|".join(re.escape(u) for u in _UNITS)
_QUANTITY = re.compile(
    rf"(?P<number>{NUMBER})\s*(?P<mag>{_MAG})?(?P<qual>以上|左右|多|余)?(?P<mag2>{_MAG})?"
    rf"(?:(?P<percent>%)|(?P<unit>{_UNIT}))?"
)
_NOT_AFTER = re.compile(r"^(?:级|年|月|日|号|#|倍|位|强|名|周年|岁|后|届|次会|代|期|米级|千米级|万?吨级|型)")
_RANGE_AFTER = re.compile(r"^\s*(?:[—\-~～至]\s*\d)")
_RANGE_BEFORE = re.compile(r"\d(?:[万亿千百]{0,2}(?:%|[个家条项件户元吨箱人辆]|美元|标箱)?)?\s*[—\-~～至]\s*$")
_GROWTH = re.compile(
    rf"(?P<kind>同比|年均|比上年|较上年|较(?P<base>(?:19|20)\d{{2}})年|比(?P<base2>(?:19|20)\d{{2}})年)?"
    rf"(?P<verb>增长率|增长|增速|增幅|提高|上升|增加)了?(?:率)?(?:达到|达|为|约)?(?P<number>{NUMBER})%"
)
_SHARE = re.compile(rf"占(?P<whole>[^，,。;；%\d]{{1,14}}?)(?:的)?(?:比重|比例)?(?:为|达|达到)?(?P<number>{NUMBER})%")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit: value as written (decimal string), unit with magnitude."""

    start: int
    end: int
    value: str
    unit: str
    approximate: bool  # "70万以上", "16%左右": a bound or an approximation the text states
    classifier: bool  # counts things (个, 家, 条 …) rather than measuring an amount


@dataclass(frozen=True)
class Growth:
    """A growth rate in percent: average annual (年均), year on year, or against a base year."""

    start: int
    end: int
    value: str
    average: bool
    base_year: str | None
    keyword_start: int  # where the growth wording starts (the indicator ends before it)


@dataclass(frozen=True)
class Share:
    """"X占Y Z%": the share of a whole, in percent."""

    start: int
    end: int
    whole: str
    value: str


def decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def canonical_unit(magnitude: str, unit: str) -> str:
    """"亿" + "元人民币" → "亿元"; RMB is the default currency, so "人民币" alone means 元."""
    if unit in ("元人民币", "人民币"):
        unit = "元"
    if unit == "标准箱":
        unit = "标箱"
    return magnitude + unit


def find_quantities(text: str) -> list[Quantity]:
    """Numbers with a unit or '%', minus years, ordinals, classes, multiples and ranges."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        start, end = match.span()
        before, after = text[max(0, start - 8):start], text[end:end + 4]
        magnitude = (match.group("mag") or "") + (match.group("mag2") or "")
        unit = match.group("unit") or ""
        percent = match.group("percent")
        qualifier = match.group("qual") or ""
        if start > 0 and (text[start - 1].isdigit() or text[start - 1] == "."):
            continue
        if not unit and not percent:
            # "总人口422.68万," : a magnitude closing the clause stands for its own unit
            if not magnitude or qualifier or (after[:1] and (after[:1].isdigit() or "\u4e00" <= after[:1] <= "\u9fff")):
                continue
        if qualifier in ("多", "余") or after.startswith(("多", "余")):
            continue  # "50多家": the count is not stated
        if before.endswith(("第", "前", "后", "近")) or _NOT_AFTER.match(after):
            continue
        if _RANGE_AFTER.match(after) or _RANGE_BEFORE.search(before):
            continue
        if unit == "人" and not magnitude:
            continue  # "3人" is rarely a statistic; "万人" is
        found.append(Quantity(
            start, end, match.group("number"), "%" if percent else canonical_unit(magnitude, unit),
            approximate=bool(qualifier) or after.startswith(("以上", "左右")),
            classifier=unit in CLASSIFIERS,
        ))
    return found


def find_growths(text: str) -> list[Growth]:
    """Growth rates: "年均增长8.4%", "同比增长4.7%", "较2012年增长321.29%", "年均增长率达10%"."""
    found = []
    for match in _GROWTH.finditer(text):
        kind = match.group("kind") or ""
        base = match.group("base") or match.group("base2")
        average = kind == "年均" or text[max(0, match.start() - 2):match.start()] == "年均"
        found.append(Growth(match.start(), match.end(), match.group("number"), average, base,
                            match.start()))
    return found


def find_shares(text: str) -> list[Share]:
    return [Share(m.start(), m.end(), m.group("whole"), m.group("number")) for m in _SHARE.finditer(text)]

