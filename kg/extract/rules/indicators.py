"""Indicator observations: from tables ("表1 …主要指标") and from running text.

Model (RDF Data Cube pattern, one measure per observation):
- an observation has one subject (kgo:observedEntity), one indicator, one kgo:value
  (xsd:decimal) — or, when the source states it in words ("显著增长"), one kgo:valueText —,
  one unit as written with its magnitude ("亿元", "万标箱", "%", "" for an index), one
  period ("2020", "2016-2020", "2021-07", "2021-01/2021-07"; a target's period is its
  deadline year) and one status, kgo:Actual or kgo:Target;
- an average annual growth rate stated with a level ("年均增长8.4%，2019年达到1257.78亿元",
  or a table's "年均增长%" column) is kgo:averageGrowthRate on that level observation;
- any other growth rate ("同比增长4.7%", "较2012年增长321.29%", or an average rate without
  a level) is an observation of its own, of the indicator "<indicator>增长率" (or
  "<indicator>年均增长率") in "%", over the period the text gives ("2012-2020");
- a share ("占全市经济总量56.7%") is an observation of "<indicator>占<whole>比重" in "%".

The subject is the zone, place or port the sentence is about: the nearest one named before
the figure in the sentence (not as an object or partner: "与越南", "覆盖百色"), a bare head
referring back to one ("片区", "全市"), the subject of the paragraph's previous figure, the
last one a clause of the paragraph opens with before the figure, else the document's own
subject (read from its title).
The period is the nearest time expression before the figure, else the paragraph's last
period, else a dated heading ("二、“十四五”发展目标"), else the document calendar. A figure
is a target when its period ends after the document's year, when the text says so (到2025年,
力争, 目标), or, in a plan, when it is undated outside the plan's review of achievements.

Figures the text does not state exactly are left out: approximate counts ("50多家"),
ranges, multiples ("1.6倍"), decreases, figures split over an enumeration ("分别为…"),
and adverbial amounts ("投资4亿元建立了…").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace

from ...model import SourceDocument
from ..builder import RuleContext
from ..figures_context import Candidate, Layout, Subjects
from ..periods import Calendar, TimeExpr, calendar_for, find_times
from ..quantities import Growth, Quantity, decimal, find_growths, find_quantities, find_shares
from ..tables import Cell, Table, parse_tables

TABLE_RULE = "indicator:table"
TEXT_RULE = "indicator:text"

# ---------------------------------------------------------------- indicator names
MEASURE_HEADS = (
    "生产总值", "GDP", "产值", "增加值", "总额", "额", "总量", "量", "收入", "投资", "外资", "资本", "利润", "税收",
    "规模", "能力", "人口", "里程", "长度", "率", "比重", "比例", "指数", "数", "消费", "支出", "成本", "价格",
    "能耗", "消耗", "排放", "资金", "存款", "贷款", "储量", "运量",
)
_LEADING = ("按可比价格计算", "累计吸引", "吸引", "其中", "全区", "区内", "园区内", "境内", "市内", "县内", "完成", "截至", "截止", "力争", "争取", "预计", "计划", "确保", "全年", "当年", "同期",
            "总计", "共计", "已经", "已", "实现", "并且", "并", "且", "而", "同时", "此外", "另外", "例如", "比如",
            "尤其是", "特别是", "如", "期间", "时期", "以来", "末", "底", "的", "经", "在", "从", "由", "和", "使")
_STOCK_VERBS = re.compile(r"^累计(?:开通|建成|新建|完成|实现|拥有|达到|有)|^(?:开通|建成|拥有)")
_TRAILING = tuple(sorted((
    "已达到", "达到了", "达到", "已达", "高达", "达", "为", "是", "完成", "实现", "突破", "超过", "超", "增至", "增加到",
    "增加至", "增长到", "增长至", "提高到", "提高至", "提升到", "提升至", "升至", "扩大到", "扩大至", "发展到", "发展至",
    "累计", "总计", "共计", "共", "约", "已", "仅为", "仅", "不低于", "不少于", "保持在", "控制在", "稳定在", "由的",
    "从的", "由", "从", "的", "了", "在", "力争", "争取", "预计", "有望", "确保", "计划", "要", "将",
), key=len, reverse=True))
_BLOCKED = ("若干", "分别", "合计", "第", "推动", "推进", "加快", "打造", "实施", "促进", "支持", "鼓励", "引导", "积极",
            "大力", "着力", "努力", "形成", "提升", "增强", "排名", "位居", "“", "”", "《", "》")
_BAD_END = tuple("的了和与及等在为对向将把被之其至到")
_BAD_START_VERBS = ("发送", "开行", "开通", "建成", "引进", "吸引", "完成", "建立", "投资建设")
_DECREASE_END = ("降低", "下降", "减少", "缩短", "压缩", "降")
_VERB_END = ("开行", "发送", "开通", "建成", "引进", "完成", "实现", "形成", "建立", "运营", "投产", "增长", "提高")
_COUNT_VERB = re.compile(r"(完成|新增|引进|新建|建成|开通|累计建成|累计开通|培育|设立|拥有)(?:[^，,、]{0,12}的)?$")
_KEEP_VERB = ("完成", "新增", "引进", "新建")
_NOUN = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{1,14}$")
_CLAUSE_BREAK = re.compile(r"[,，;；:：、](?!\d)|(?<!\d)[,，]")
_BOUNDARY = ",，;；:：、。!！?？)）”\n"
_TARGET_CUE = re.compile(r"力争|争取|预计|确保|目标|计划到|到(?:19|20)\d{2}年|将达到")
_REVIEW_HEADING = re.compile(r"基础|成就|回顾|现状|成效|进展|取得")
_TARGET_HEADING = re.compile(r"目标|任务|指标")
_FROM_TO = re.compile(r"^(?:发展|增加|增长|提高|提升|扩大|上升|增)?(?:至|到)")


def _strip_leading(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        match = _STOCK_VERBS.match(text)
        if match:
            text, changed = text[match.end():], True
            continue
        for word in _LEADING:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word):], True
                break
    return text


def _strip_trailing(text: str) -> tuple[str, bool]:
    """Remove verbs before the figure; report an "年均" (average) marker on the way."""
    average = False
    changed = True
    while changed and text:
        changed = False
        if text.endswith("年均"):
            text, average, changed = text[:-2], True, True
            continue
        for word in _TRAILING:
            if text.endswith(word):
                text, changed = text[:-len(word)], True
                break
    return text, average


def indicator_label(phrase: str, unit: str, classifier: bool, amount: bool = True) -> str | None:
    """A clean indicator name from the words before a figure, or None when they are no name."""
    phrase = phrase.replace("的", "").replace("完成", "").strip() if "的" in phrase or "完成" in phrase[1:] else phrase
    phrase = re.sub(r"各类|各项|各种", "", phrase).strip(" ·")
    if not 2 <= len(phrase) <= 24 or any(word in phrase for word in _BLOCKED):
        return None
    if phrase.endswith(_BAD_END) or phrase.endswith(_DECREASE_END) or phrase.startswith(_BAD_START_VERBS):
        return None
    if not re.search(r"[\u4e00-\u9fff]", phrase) and "GDP" not in phrase:
        return None
    if phrase.endswith(MEASURE_HEADS):
        return phrase
    if phrase.endswith(_VERB_END) or unit == "%" or not amount:
        return None
    if classifier:
        return phrase + "数"
    return phrase + "量"


# ---------------------------------------------------------------- tables

@dataclass(frozen=True)
class _Columns:
    name: int | None
    unit: int | None
    kind: int | None
    values: tuple[tuple[int, str, str], ...]  # (column, year, status)
    growth: dict[str, int]  # year -> column


def _classify(columns: list[str]) -> _Columns:
    name = unit = kind = None
    values: list[tuple[int, str, str]] = []
    growth: dict[str, int] = {}
    for index, label in enumerate(columns):
        year = re.search(r"((?:19|20)\d{2})年", label)
        if "增长" in label or "增速" in label:
            growth[year.group(1) if year else ""] = index
        elif year:
            status = "Target" if re.search(r"目标|规划|预期|计划", label) else "Actual"
            values.append((index, year.group(1), status))
        elif "单位" in label and unit is None:
            unit = index
        elif "属性" in label or "性质" in label or "类型" in label:
            kind = index
        elif ("名称" in label or "指标" in label or "项目" in label) and name is None:
            name = index
    return _Columns(name, unit, kind, tuple(values), growth)


def _value_of(cell: Cell | None) -> tuple[str | None, str | None]:
    """(number, words) of a value cell; (None, None) when it is empty or a dash."""
    if cell is None or cell.flat in ("", "—", "-", "–", "/", "——"):
        return None, None
    match = re.fullmatch(r"[≥≤><约]?(\d+(?:\.\d+)?)%?(?:以上|左右)?", cell.flat)
    if match:
        return match.group(1), None
    return None, cell.flat


def _raw_to_text(document: SourceDocument, start: int, end: int) -> tuple[int, int]:
    """The normalised span covering a raw span."""
    a = bisect.bisect_left(document.offsets, start)
    b = bisect.bisect_left(document.offsets, end)
    a = min(a, len(document.text) - 1)
    return a, max(b, a + 1)


def table_observations(context: RuleContext) -> None:
    """One observation per (row, value column) of every indicator table."""
    document = context.document
    state = _state(context)
    for table in parse_tables(document.raw):
        columns = _classify(table.columns)
        if columns.name is None or not columns.values:
            continue
        title_span = _raw_to_text(document, table.title_start, table.title_end)
        subject = state.subjects.first_in(*title_span) or state.subjects.main
        if subject is None:
            continue
        pending_names: list[tuple[str, int]] = []
        for row in table.rows:
            name_cell = table.cell(row, columns.name)
            if name_cell is not None and not name_cell.is_empty:
                lines = name_cell.lines
                pending_names = [(line.lstrip("#").strip(), name_cell.start) for line in lines[1:] if line.startswith("#")]
                name, name_start = lines[0].lstrip("#").strip(), name_cell.start
            elif pending_names:
                name, cell_start = pending_names.pop(0)
                name_start = document.raw.find("#" + name, cell_start)
                name_start = name_start if name_start >= 0 else cell_start
            else:
                continue
            _table_row(context, table, columns, row, re.sub(r"\s+", "", name), name_start, subject.iri)


def _table_row(context: RuleContext, table: Table, columns: _Columns, row: list[Cell], name: str,
               name_start: int, subject: str) -> None:
    if not name:
        return
    unit_cell = table.cell(row, columns.unit) if columns.unit is not None else None
    unit = unit_cell.flat if unit_cell is not None and unit_cell.flat not in ("—", "-", "–", "/") else ""
    kind_cell = table.cell(row, columns.kind) if columns.kind is not None else None
    constraint = None
    if kind_cell is not None:
        constraint = "Binding" if "约束" in kind_cell.flat else "Expected" if "预期" in kind_cell.flat else None
    filled = [c for c in row if not c.is_empty]
    end = max(c.end for c in filled) if filled else name_start + len(name)
    span = _raw_to_text(context.document, min(name_start, filled[0].start) if filled else name_start, end)
    for column, year, status in columns.values:
        number, words = _value_of(table.cell(row, column))
        if number is None and words is None:
            continue
        growth = None
        growth_column = columns.growth.get(year)
        if status == "Target" and growth_column is not None:
            growth_value, _ = _value_of(table.cell(row, growth_column))
            growth = growth_value
        context.observation(subject, name, number, unit, year, status, span, TABLE_RULE,
                            growth=growth, constraint=constraint, value_text=words)


# ---------------------------------------------------------------- running text

@dataclass
class _Item:
    """A figure in a sentence: a level, a growth rate or a share, with what it needs."""

    kind: str  # "level" | "growth" | "share"
    start: int  # offsets in the sentence
    end: int
    value: str
    unit: str
    classifier: bool = False
    average: bool = False
    base_year: str | None = None
    phrase_end: int = 0
    whole: str = ""
    label: str | None = None
    label_start: int = 0
    from_time: TimeExpr | None = None


@dataclass
class _State:
    subjects: Subjects
    layout: Layout
    calendar: Calendar
    table_spans: list[tuple[int, int]]


def _state(context: RuleContext) -> _State:
    cached = getattr(context, "_indicator_state", None)
    if cached is None:
        document = context.document
        spans = []
        for table in parse_tables(document.raw):
            last = table.rows[-1][-1] if table.rows and table.rows[-1] else None
            spans.append(_raw_to_text(document, table.title_start, last.end if last else table.title_end))
        cached = _State(Subjects(context, document.meta.title_zh or ""), Layout(document.text),
                        calendar_for(document), spans)
        context._indicator_state = cached  # type: ignore[attr-defined]
    return cached


def _items(text: str) -> list[_Item]:
    growths = find_growths(text)
    shares = find_shares(text)
    taken = [(g.start, g.end) for g in growths] + [(s.start, s.end) for s in shares]
    items: list[_Item] = [
        _Item("growth", g.start, g.end, g.value, "%", average=g.average, base_year=g.base_year, phrase_end=g.keyword_start)
        for g in growths
    ]
    items += [_Item("share", s.start, s.end, s.value, "%", phrase_end=s.start, whole=s.whole) for s in shares]
    for q in find_quantities(text):
        if any(a < q.end and q.start < b for a, b in taken):
            continue
        items.append(_Item("level", q.start, q.end, q.value, q.unit, classifier=q.classifier, phrase_end=q.start))
    cut = text.find("分别")
    items = [i for i in items if cut < 0 or i.start < cut]
    return sorted(items, key=lambda i: i.start)


def _closes_clause(text: str, end: int) -> bool:
    after = text[end:].lstrip("0123456789")  # footnote markers: "年均增长率达10%2，"
    if after.startswith(("以上", "左右")):
        after = after[2:]
    return not after or after[0] in _BOUNDARY


def prose_observations(context: RuleContext) -> None:
    """Observations from the sentences of the document (tables are read by their own rule)."""
    state = _state(context)
    carried: dict[int, tuple[str | None, TimeExpr | None]] = {}  # paragraph start -> (subject, time)
    for sentence in context.document.sentences:
        if any(a <= sentence.start < b for a, b in state.table_spans):
            continue
        if not re.search(r"\d", sentence.text):
            continue
        _sentence(context, state, sentence, carried)


def _sentence(context: RuleContext, state: _State, sentence, carried) -> None:
    text = sentence.text
    base = sentence.start
    items = _items(text)
    if not items:
        return
    times = find_times(text, state.calendar)
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text)]
    paragraph = state.layout.paragraph(base)
    previous: _Item | None = None
    accepted: list[_Item] = []
    for item in items:
        clause_start = max([b for b in breaks if b <= item.start] or [0])
        if previous is not None and previous.end > clause_start:
            clause_start = previous.end
        count_form = _count_form(text, item, clause_start)
        if count_form is None and not _from_to(text, item, previous) and not _closes_clause(text, item.end):
            previous = item
            continue
        label, label_start, average = _label_for(context, state, text, base, item, clause_start, times, count_form)
        if label is None and item.kind != "share":
            inherit = previous if previous is not None and previous.label else None
            if inherit is None or text[clause_start:item.start].strip().startswith("其中") or \
                    (item.kind == "level" and inherit.kind != "level" and inherit.unit == "%" and item.unit == "%"):
                previous = item
                continue
            label, label_start = inherit.label, inherit.label_start
            if item.kind == "level" and inherit.kind == "level" and inherit.unit != item.unit:
                previous = item
                continue
        if item.kind == "share":
            if label is None and previous is not None and previous.label:
                label, label_start = previous.label, previous.label_start
            if not label:
                previous = item
                continue
            label = f"{label}占{item.whole}" + ("" if item.whole.endswith(("比重", "比例")) else "比重")
        item.label, item.label_start = label, label_start
        item.average = item.average or average
        item.from_time = _from_time(text, item, times)
        accepted.append(item)
        previous = item
    _emit(context, state, sentence, accepted, times, paragraph, carried)


def _count_form(text: str, item: _Item, clause_start: int) -> str | None:
    """"建成3.2万个5G基站": the noun after a counted figure, when a counting verb precedes it."""
    if item.kind != "level" or not item.classifier:
        return None
    end = item.end
    while end < len(text) and text[end] not in _BOUNDARY:
        end += 1
    noun = text[item.end:end]
    if not noun or not _COUNT_VERB.search(text[clause_start:item.start]):
        return None
    noun = noun.rsplit("的", 1)[-1]
    for prefix in ("全部", "所有", "各类", "各项"):
        noun = noun.removeprefix(prefix)
    if not _NOUN.match(noun) or len(noun) < 2:
        return None
    verb = _COUNT_VERB.search(text[clause_start:item.start]).group(1)
    return (verb if verb in _KEEP_VERB else "") + noun + ("" if noun.endswith(("数", "量")) else "数")


def _from_to(text: str, item: _Item, previous: _Item | None) -> bool:
    """"由2015年的6家发展至37家": the first figure is followed by the change to the second."""
    return bool(_FROM_TO.match(text[item.end:])) and re.search(r"(?:由|从)[^，,]{0,12}的?$", text[:item.start]) is not None


def _from_time(text: str, item: _Item, times: list[TimeExpr]) -> TimeExpr | None:
    for time in times:
        if time.comparison and time.end <= item.start and re.fullmatch(r"的?", text[time.end:item.start]):
            return time
    return None


def _label_for(context: RuleContext, state: _State, text: str, base: int, item: _Item, clause_start: int,
               times: list[TimeExpr], count_form: str | None) -> tuple[str | None, int, bool]:
    if count_form is not None:
        return count_form, base + item.end, False
    start = clause_start
    phrase_chars = []
    position = start
    for time in times:
        if time.end <= start or time.start >= item.phrase_end:
            continue
        phrase_chars.append(text[position:max(position, time.start)])
        position = max(position, time.end)
    phrase_chars.append(text[position:item.phrase_end])
    phrase = "".join(phrase_chars).strip()
    offset = start
    while offset < item.phrase_end and (text[offset].isspace() or text[offset] in "“”\"'"):
        offset += 1
    phrase = _strip_leading(phrase.strip("“”\"' "))
    # a subject opening the phrase ("百色市地区生产总值", "经东兴口岸出入境货运量") is not part of the name
    for _ in range(2):
        lead = re.match(r"^(?:经|在|从)?", phrase).end()
        for candidate in state.subjects.candidates:
            surface = context.document.text[candidate.start:candidate.end]
            if candidate.start >= base + start and candidate.end <= base + item.phrase_end and phrase[lead:].startswith(surface):
                phrase = _strip_leading(phrase[lead + len(surface):])
                break
    phrase, average = _strip_trailing(phrase)
    if not phrase or phrase.endswith("面积"):
        return None, 0, average  # areas are kgo:areaSqKm facts, read by the structure rules
    if item.kind == "share":  # "铝工业占全市经济总量56.7%": the part need not be a measure
        label = phrase if indicator_label(phrase + "量", "", False) else None
    else:
        label = indicator_label(phrase, item.unit, item.classifier, amount=item.kind == "level")
    if label is not None and item.kind == "level" and label.endswith("人口") and item.unit in ("万", "亿"):
        item.unit += "人"
    position = text.find(phrase[:2], start)
    return label, base + (position if position >= 0 else item.start), average


def _emit(context: RuleContext, state: _State, sentence, items: list[_Item], times: list[TimeExpr],
          paragraph: tuple[int, int], carried) -> None:
    text = sentence.text
    base = sentence.start
    # pair average growth rates with a level of the same indicator in the sentence
    levels = [i for i in items if i.kind == "level"]
    attached: dict[int, str] = {}
    for item in items:
        if item.kind == "growth" and item.average:
            match = next((lv for lv in levels if lv.label == item.label and id(lv) not in attached), None)
            if match is None and item.label is None:
                continue
            if match is not None:
                attached[id(match)] = item.value
                item.kind = "attached"
    for item in items:
        if item.kind == "attached" or item.label is None:
            continue
        subject = _subject(state, base, item, paragraph, carried)
        if subject is None:
            continue
        time = item.from_time or _time_before(times, item)
        period, status, used = _period_status(state, text, item, time, paragraph, carried)
        if period is None:
            continue
        sentence_time = _time_before(times, item)
        carried[paragraph[0]] = (subject, sentence_time or carried.get(paragraph[0], (None, None))[1])
        label, unit, value = item.label, item.unit, item.value
        if item.kind == "growth":
            label = _growth_label(context, item.label, item.average)
            end_year = used.end_year if used is not None else (int(period[:4]) if period[:4].isdigit() else None)
            if item.base_year and end_year is not None and int(item.base_year) < end_year:
                period = f"{item.base_year}-{end_year}"
        elif item.average and item.kind == "level":
            label = f"{label}(年均)"
        if decimal(value) is None:
            continue
        span = (min(item.label_start, base + item.start), base + item.end)
        context.observation(subject, label, value, unit, period, status, span, TEXT_RULE,
                            growth=attached.get(id(item)))


def _growth_label(context: RuleContext, label: str, average: bool) -> str:
    suffix = "年均增长率" if average else "增长率"
    if context.lexicon.lookup(label + suffix):
        return label + suffix
    known = [e for e in context.lexicon.lookup(label) if "Indicator" in e.types]
    return (known[0].label_zh if known else label) + suffix


def _time_before(times: list[TimeExpr], item: _Item) -> TimeExpr | None:
    best = None
    for time in times:
        if time.end <= item.start and not time.comparison:
            best = time
    return best


def _period_status(state: _State, text: str, item: _Item, time: TimeExpr | None, paragraph, carried
                   ) -> tuple[str | None, str, TimeExpr | None]:
    """The period and status of a figure, and the time expression they were read from."""
    calendar = state.calendar
    cue = bool(_TARGET_CUE.search(text[:item.start]))
    outline = state.layout.outline(paragraph[0])
    review = any(_REVIEW_HEADING.search(h.text) for h in outline)
    if time is None:
        carried_time = carried.get(paragraph[0], (None, None))[1]
        if carried_time is not None and not (cue and not _is_future(calendar, carried_time)):
            time = carried_time
    if time is None:
        for heading in reversed(outline):
            dated = [t for t in find_times(heading.text, calendar) if t.period]
            if dated:
                planned = bool(_TARGET_HEADING.search(heading.text)) and not review
                time = replace(dated[-1], target=dated[-1].target or planned)
                break
    if time is not None:
        if time.period is None:
            return None, "Actual", time
        if time.target or cue or _is_future(calendar, time):
            return (time.last[:4] if time.last else None), "Target", time
        return time.period, "Actual", time
    if cue or (calendar.target_year is not None and not review):
        return (str(calendar.target_year) if calendar.target_year else None), "Target", None
    return (str(calendar.base_year) if calendar.base_year else None), "Actual", None


def _is_future(calendar: Calendar, time: TimeExpr) -> bool:
    return calendar.publication_year is not None and time.end_year is not None and time.end_year > calendar.publication_year


def _subject(state: _State, base: int, item: _Item, paragraph: tuple[int, int], carried) -> str | None:
    nearest = state.subjects.nearest_before(base, base + item.start)
    if nearest is not None:
        return nearest.iri
    carried_subject = carried.get(paragraph[0], (None, None))[0]
    if carried_subject is not None:
        return carried_subject
    topic = state.subjects.latest_opening(paragraph[0], base + item.start)
    if topic is not None:
        return topic.iri
    main: Candidate | None = state.subjects.main
    return main.iri if main is not None else None


RULES = [table_observations, prose_observations]
