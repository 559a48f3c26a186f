"""Coordinated lists that share one head: 东兴、凭祥重点开发开放试验区; 龙邦、平孟2个国家边境口岸.

Chinese writes several names with a single head after the last item ("九个试验区", "2个国家边境
口岸", "等口岸"). Read item by item, the bare items are places (东兴, 龙邦), which is wrong: each
item stands for item + head. This module finds such lists in a sentence and resolves every item:
the curated lexicon knows the full name (百色 + 试验区 → 百色试验区), or the item already is a
full name (南宁五象新区 in a list of 新区), or it becomes a new name item + head. It knows nothing
of RDF; rules turn the resolved items into mentions and facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lexicon import Lexicon
from .heads import BOUNDARY_WORDS, GENERIC_PREFIXES, HEADS
from .mentions import Mention

# Heads a list can share besides the name heads of heads.py: the generic class words that
# follow a count ("九个试验区", "2个国家边境口岸").
EXTRA_HEADS: tuple[tuple[str, str, str], ...] = (
    ("边境口岸", "BorderPort", "port"),
    ("陆路口岸", "BorderPort", "port"),
    ("试验区", "Zone", "zone"),
    ("高铁", "Route", "route"),
)


@dataclass(frozen=True)
class ListHead:
    """The head the items share, as written, with the class and IRI kind of the names it makes."""

    text: str
    cls: str
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class ListItem:
    """One item: its span as written, the full name it stands for and, if known, the curated entity."""

    start: int
    end: int
    surface: str
    name: str
    iri: str | None
    shares_head: bool  # False when the item is a full name of its own (南宁五象新区 before 等新区)


@dataclass(frozen=True)
class CoordinatedList:
    items: tuple[ListItem, ...]
    head: ListHead
    count: int | None  # the number the text states ("九个", "2个"), if any
    open_ended: bool  # "等": the items are examples, the count may be larger
    start: int
    end: int


_HEAD_TABLE: tuple[tuple[str, str, str], ...] = tuple(sorted(
    {(h.suffix, h.cls, h.kind) for h in HEADS} | set(EXTRA_HEADS), key=lambda h: -len(h[0])))
_CLAUSE = re.compile(r"[^,;:。!?，；：！？“”\"《》\n]+")
_JOIN = r"(?:以及|和|与|及)"
_NUMERAL = r"(?:\d+|[一二三四五六七八九十两]+)"
_QUALIFIERS = ("国家级", "国家一类", "国家二类", "国家", "一类", "二类", "沿边", "边境", "省级", "自治区级", "重点",
               "水运", "陆路", "公路", "航空", "对外开放")
_TAIL = re.compile(
    rf"^(?P<item>.+?)(?:{_JOIN}(?P<item2>.+?))?(?P<open>等地?)?"
    rf"(?:(?P<count>{_NUMERAL})(?:个|大|座|家|处)?)?(?P<qual>(?:{'|'.join(_QUALIFIERS)})*)$"
)
_ITEM_CHARS = re.compile(r"^[\u4e00-\u9fff()·—\-A-Za-z]{2,12}$")
# Words no name item contains: verbs and function words of the surrounding clause.
_ITEM_STOP = ("的", "了", "是", "在", "将", "把", "对", "为", "以", "从", "向", "被", "第", "首", "个", "各",
              "等", "和", "与", "及", "或", "并", "至", "到",
              "建设", "推进", "加快", "打造", "支持", "设立", "推动", "依托", "发挥", "完善", "提升", "培育",
              "布局", "构建", "覆盖", "包括", "拥有", "实施", "发展", "加强", "积极", "重点", "全国", "我国")
# Endings that make an item a full name of its own rather than a bare item sharing the head.
_NAME_ENDINGS = tuple(sorted({h[0] for h in _HEAD_TABLE} | {
    "区", "园", "城", "港", "关", "中心", "基地", "集团", "公司", "政府", "委员会", "口岸", "通道", "走廊",
    "项目", "工程", "码头", "泊位", "站", "线", "路", "机制", "改造", "平台"},
    key=len, reverse=True))
_MAX_BARE = 8  # a bare item is a short place-like name
_CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_count(text: str) -> int | None:
    """3 → 3, 九 → 9, 十二 → 12, 二十 → 20; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CHINESE_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CHINESE_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CHINESE_DIGITS[tens] if tens else 1) * 10 + (_CHINESE_DIGITS[ones] if ones else 0)


def _earliest_head(segment: str) -> tuple[int, tuple[str, str, str]] | None:
    """The head that starts first in the segment (longest of those starting there), after one char;
    None when the segment opens with a head (综合保税区等开放平台 names a class, not items)."""
    if any(segment.startswith(head[0]) for head in _HEAD_TABLE):
        return None
    best: tuple[int, tuple[str, str, str]] | None = None
    for head in _HEAD_TABLE:
        position = segment.find(head[0], 1)
        if position > 0 and (best is None or position < best[0]):
            best = (position, head)
    return best


def _item_like(text: str) -> bool:
    return bool(_ITEM_CHARS.match(text)) and not any(stop in text for stop in _ITEM_STOP) \
        and text.count("(") == text.count(")") and text not in GENERIC_PREFIXES


def _first_item_start(segment: str, seg_start: int, mentions: list[Mention]) -> int | None:
    """Where the first item of a list begins inside its segment ("我国已经设立了东兴" → 东兴)."""
    seg_end = seg_start + len(segment)
    cut = 0  # what follows the last verb or function word
    for word in BOUNDARY_WORDS:
        position = segment.rfind(word)
        if position >= 0:
            cut = max(cut, position + len(word))
    ending_here = [m for m in mentions if m.end == seg_end and seg_start <= m.start < seg_end]
    if ending_here:
        start = min(m.start for m in ending_here)
        # 南宁—贵阳: a known name joined by a dash to the one before it is one item
        if start > seg_start and segment[start - seg_start - 1] == "—" and seg_start + cut < start:
            return seg_start + cut
        return start
    return seg_start + cut if _item_like(segment[cut:]) else None


def _is_bare(surface: str, start: int, end: int, mentions: list[Mention], lexicon: Lexicon) -> bool:
    """A bare item shares the head; a full name (its own head, or a known non-place name) does not."""
    for m in mentions:
        if m.start == start and m.end == end and m.iri is not None:
            return is_place(lexicon, m.iri)
    return not surface.endswith(_NAME_ENDINGS)


PLACE_CLASSES = frozenset({"Place", "Country", "Province", "City", "County", "Town"})


def is_place(lexicon: Lexicon, iri: str) -> bool:
    entry = lexicon.entries.get(iri)
    return bool(entry and PLACE_CLASSES & set(entry.types))


def _resolve(item: str, head: ListHead, qualifier: str, lexicon: Lexicon,
             admin: str = "") -> tuple[str, str | None]:
    """The full name an item stands for and the curated entity, if the lexicon knows one."""
    variants = [item + qualifier + head.text, item + head.text]
    if admin and not item.endswith(admin):
        variants.insert(0, item + admin + head.text)
    if qualifier:
        variants += [item + q + head.text for q in _QUALIFIERS if q in qualifier]
    core = next((h[0] for h in _HEAD_TABLE if head.text.endswith(h[0]) and h[0] != head.text), None)
    if core:  # 边境口岸 → 口岸: 龙邦口岸
        variants.append(item + core)
    for name in variants:
        entries = lexicon.lookup(name)
        if entries:
            return name, entries[0].iri
    return (variants[0] if admin and not item.endswith(admin) else item + head.text), None


def find_lists(text: str, start: int, end: int, mentions: list[Mention], lexicon: Lexicon,
               kinds: tuple[str, ...] | None = None) -> list[CoordinatedList]:
    """Coordinated lists with a shared head in text[start:end] (a sentence); spans are absolute.
    ``kinds`` keeps only lists whose head names that kind of thing (zone, port, organisation …)."""
    found: list[CoordinatedList] = []
    local = [m for m in mentions if start <= m.start and m.end <= end]
    for clause in _CLAUSE.finditer(text, start, end):
        found.extend(_lists_in_clause(clause.group(), clause.start(), local, lexicon))
    return [found_list for found_list in found if kinds is None or found_list.head.kind in kinds]


def _lists_in_clause(clause: str, offset: int, mentions: list[Mention], lexicon: Lexicon) -> list[CoordinatedList]:
    if "、" not in clause:
        return []
    segments: list[tuple[int, str]] = []
    position = 0
    for part in clause.split("、"):
        segments.append((offset + position, part))
        position += len(part) + 1
    results: list[CoordinatedList] = []
    # a run of item-like segments ends in a segment that carries the head
    run_start = 0
    for index in range(1, len(segments)):
        seg_start, segment = segments[index]
        head_at = _earliest_head(segment)
        if head_at is None:
            if not _item_like(segment):
                run_start = index
            continue
        parsed = _parse_last(segment, seg_start, head_at, lexicon)
        if parsed is None:
            run_start = index
            continue
        last_items, head, count, open_ended, qualifier = parsed
        first_start, first_segment = segments[run_start]
        item_start = _first_item_start(first_segment, first_start, mentions)
        if item_start is None:
            run_start = index
            continue
        spans = [(item_start, first_start + len(first_segment))]
        for seg_start_mid, middle in segments[run_start + 1:index]:
            spans.append((seg_start_mid, seg_start_mid + len(middle)))
        spans += last_items
        texts = [(s, e, _slice(segments, s, e, offset, clause)) for s, e in spans]
        if not all(_item_like(t) for _, _, t in texts):
            run_start = index
            continue
        if count is not None and not open_ended and count != len(texts):
            run_start = index
            continue
        items = _items(texts, head, qualifier, len(last_items) > 1, mentions, lexicon)
        if items is None:
            run_start = index
            continue
        results.append(CoordinatedList(tuple(items), head, count, open_ended, spans[0][0], head.end))
        follow_on = _follow_on(clause, offset, head.end, mentions, lexicon)
        if follow_on is not None:
            results.append(follow_on)
        run_start = index
    return results


def _follow_on(clause: str, offset: int, after: int, mentions: list[Mention],
               lexicon: Lexicon) -> CoordinatedList | None:
    """A one-item list joined to the end of another: "…口岸和岳圩等7个边民互市贸易区"."""
    rest = clause[after - offset:]
    join = re.match(_JOIN, rest)
    if join is None:
        return None
    seg_start = after + join.end()
    segment = rest[join.end():]
    head_at = _earliest_head(segment)
    parsed = _parse_last(segment, seg_start, head_at, lexicon) if head_at else None
    if parsed is None:
        return None
    spans, head, count, open_ended, qualifier = parsed
    if len(spans) != 1 or not open_ended:
        return None
    s, e = spans[0]
    surface = clause[s - offset:e - offset]
    if not _item_like(surface) or not _is_bare(surface, s, e, mentions, lexicon):
        return None
    name, iri = _resolve(surface, head, qualifier, lexicon)
    return CoordinatedList((ListItem(s, e, surface, name, iri, True),), head, count, True, s, head.end)


def _items(texts: list[tuple[int, int, str]], head: ListHead, qualifier: str, joined: bool,
           mentions: list[Mention], lexicon: Lexicon) -> list[ListItem] | None:
    """Resolved items, or None when this is no shared-head list: every item is bare or a known
    name of the head's kind (友谊关 among 口岸), and at least two items are bare."""
    last = texts[-1][2]
    # 南宁、北海、崇左市人民政府: the last item's 市 belongs to every item
    admin = last[-1] if last[-1] in "市县" and len(last) > 2 and not all(t.endswith(last[-1]) for _, _, t in texts) else ""
    items: list[ListItem] = []
    for s, e, surface in texts:
        if _is_bare(surface, s, e, mentions, lexicon):
            if len(surface) > _MAX_BARE and not lexicon.lookup(surface):
                return None
            name, iri = _resolve(surface, head, qualifier, lexicon, admin)
            items.append(ListItem(s, e, surface, name, iri, True))
            continue
        known = [entry.iri for entry in lexicon.lookup(surface) if kind_of(entry.iri) == head.kind]
        if not known:
            return None
        items.append(ListItem(s, e, surface, surface, known[0], False))
    bare = [item for item in items if item.shares_head]
    if len(bare) < 2:
        return None
    # 崇左和中马钦州产业园区: only the item after 和 makes a known name, so the head is its alone
    if joined and bare[-1].iri is not None and all(item.iri is None for item in bare[:-1]):
        return None
    return items


def kind_of(iri: str) -> str:
    """The kind segment of a resource IRI (…/id/port/longbang-port → port)."""
    parts = iri.rstrip("/").rsplit("/", 2)
    return parts[-2] if len(parts) == 3 else ""


def _slice(segments: list[tuple[int, str]], start: int, end: int, offset: int, clause: str) -> str:
    return clause[start - offset:end - offset]


def _parse_last(segment: str, seg_start: int, head_at: tuple[int, tuple[str, str, str]],
                lexicon: Lexicon) -> tuple[list[tuple[int, int]], ListHead, int | None, bool, str] | None:
    """The last item(s), head, count and qualifier of the segment that closes a list."""
    position, (suffix, cls, kind) = head_at
    match = _TAIL.match(segment[:position])
    if match is None:
        return None
    items = [(seg_start + match.start("item"), seg_start + match.end("item"))]
    if match.group("item2"):
        items.append((seg_start + match.start("item2"), seg_start + match.end("item2")))
    count = parse_count(match.group("count")) if match.group("count") else None
    head = ListHead(suffix, cls, kind, seg_start + position, seg_start + position + len(suffix))
    return items, head, count, bool(match.group("open")), match.group("qual") or ""
