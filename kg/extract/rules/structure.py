"""Structure of zones: their parts, what they cover, their ports, where they lie, their area.

Two mention finders run before any relation rule:
- coordinated lists (东兴、凭祥重点开发开放试验区; 龙邦、平孟2个国家边境口岸): each bare item is
  re-read as item + head (kg.extract.lists), so 龙邦 there names 龙邦口岸, not the town;
- layout codes (“三区一轴”, “一心两轴六区”): the spatial units a plan defines become
  kgo:SpatialUnit entities, kgo:partOf their zone, and are mentions wherever the text names them.

Relation rules then read general markers: 包括/含/覆盖 (covers a place, or has a zone as part),
以X为核心的Y, (以下统称Y), 拥有…口岸, X位于Y, a place name at the start of a new zone's name, and
面积…平方公里. The zone a sentence talks about is its topic (the zone that opens it or the nearest
before the marker); a plan's 规划范围 is the zone its title names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ...model import Term
from ...normalise import normalise_label
from ...slugs import slugify
from ..builder import RDF_TYPE, SKOS_ALT, XSD, RuleContext, mention_finder
from ..heads import Head
from ..lists import find_lists, is_place, kind_of, parse_count
from ..mentions import Mention

# ---------------------------------------------------------------- shared readers

ZONE_KINDS = ("zone",)
PORT_KINDS = ("port",)
_CLAUSE_END = ",;:。!?"


def kind(ctx: RuleContext, mention: Mention) -> str:
    return kind_of(ctx.iri_of(mention))


def is_zone(ctx: RuleContext, mention: Mention) -> bool:
    return kind(ctx, mention) == "zone"


def is_port(ctx: RuleContext, mention: Mention) -> bool:
    return kind(ctx, mention) == "port"


def is_place_mention(ctx: RuleContext, mention: Mention) -> bool:
    return kind(ctx, mention) == "place"


def focus_zone(ctx: RuleContext) -> str | None:
    """The zone a document is about: the most specific zone its title names, else the zone it
    mentions most often."""
    cached = getattr(ctx, "_focus_zone", "unset")
    if cached != "unset":
        return cached
    title = normalise_label(ctx.document.meta.title_zh or "")
    best: tuple[int, str] | None = None
    i = 0
    while i < len(title):
        surface = ctx.lexicon.longest_match(title, i)
        if surface is None:
            i += 1
            continue
        for iri in ctx.lexicon.surfaces[surface]:
            if kind_of(iri) == "zone" and (best is None or len(surface) > best[0]):
                best = (len(surface), iri)
        i += len(surface)
    focus = best[1] if best else None
    if focus is None:
        counts: dict[str, int] = {}
        for m in ctx.mentions:
            if is_zone(ctx, m):
                iri = ctx.iri_of(m)
                counts[iri] = counts.get(iri, 0) + 1
        focus = max(sorted(counts), key=lambda iri: counts[iri]) if counts else None
    ctx._focus_zone = focus  # type: ignore[attr-defined]
    return focus


def topic(ctx: RuleContext, sentence_start: int, before: int, accept) -> Mention | None:
    """The mention a clause is about: one that opens the sentence, else the nearest before ``before``."""
    candidates = [m for m in ctx.mentions_between(sentence_start, before) if accept(m)]
    if not candidates:
        return None
    opening = candidates[0]
    if opening.start - sentence_start <= 3:
        return opening
    return candidates[-1]


# ---------------------------------------------------------------- short names the text defines

_SHORT_NAME = re.compile(r"\((?:以下)?简称[“\"]?([\u4e00-\u9fff()—]{2,15}?)[”\"]?\)")


@mention_finder
def short_name_mentions(ctx: RuleContext) -> None:
    """X(以下简称“Y”): Y is an alias of the zone or port X, and names X wherever it occurs."""
    text = ctx.document.text
    for match in _SHORT_NAME.finditer(text):
        named = next((m for m in ctx.mentions if m.end == match.start()), None)
        if named is None or kind(ctx, named) not in ("zone", "port"):
            continue
        iri = ctx.iri_of(named)
        alias = match.group(1)
        rule = "alias:简称"
        if iri not in {entry.iri for entry in ctx.lexicon.lookup(alias)}:
            ctx.add(iri, SKOS_ALT, Term(alias, lang="zh"), ctx.evidence(match.start(1), match.end(1), rule))
        entity = ctx.result.entities[iri]
        head = Head(alias[-2:], entity.types[0] if entity.types else "Zone", kind_of(iri))
        for occurrence in re.finditer(re.escape(alias), text):
            if occurrence.start() == match.start(1):
                continue
            curated = iri if entity.curated else None
            ctx.add_mention(Mention(occurrence.start(), occurrence.end(), alias, rule, iri=curated, head=head), iri)


# ---------------------------------------------------------------- coordinated lists


@mention_finder
def coordinated_list_mentions(ctx: RuleContext) -> None:
    """Items of shared-head lists of zones and ports become mentions of item + head."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for found in find_lists(text, sentence.start, sentence.end, ctx._mentions, ctx.lexicon,
                                kinds=ZONE_KINDS + PORT_KINDS):
            rule = f"coordination:{found.head.text}"
            last_end = found.items[-1].end
            for m in list(ctx.mentions_between(last_end, found.head.end)):
                if m.iri is None and m.head is not None and m.end == found.head.end and m.start > last_end:
                    ctx.discard_mention(m)  # "2个国家一类口岸": the shared head, not a name
            for item in found.items:
                if not item.shares_head:
                    continue
                head = Head(found.head.text, found.head.cls, found.head.kind)
                if item.iri is None:
                    iri = ctx.new_entity(found.head.kind, found.head.cls, item.name, (item.start, item.end), rule)
                    mention = Mention(item.start, item.end, item.surface, rule, head=head)
                else:
                    iri = item.iri
                    mention = Mention(item.start, item.end, item.surface, rule, iri=iri, head=head)
                # the evidence spans item to shared head: "东兴、凭祥重点开发开放试验区" names 东兴's zone
                span = (item.start, found.head.end)
                if not ctx.add_mention(mention, iri, evidence_span=span):
                    continue
                evidence = ctx.evidence(*span, rule)
                if item.iri is not None:
                    for cls in ctx.lexicon.entries[iri].types:
                        ctx.add(iri, RDF_TYPE, Term.iri(ctx.kgo(cls)), evidence)
                    # a port is called by its place's name (龙邦 for 龙邦口岸): keep the name the text uses
                    if found.head.kind == "port" and iri not in {e.iri for e in ctx.lexicon.lookup(item.surface)}:
                        ctx.add(iri, SKOS_ALT, Term(item.surface, lang="zh"), evidence)


# ---------------------------------------------------------------- layout codes and spatial units

_UNIT_ENDINGS = {
    "心": ("中心", "核心", "心"), "核": ("核心", "核"), "轴": ("轴",), "带": ("带",), "区": ("区",),
    "廊": ("走廊", "廊"), "翼": ("翼",), "圈": ("圈",), "极": ("极",), "环": ("环",), "片": ("片区", "片"),
}
_NUMERALS = "一二两三四五六七八九十"
_CODE = re.compile(rf"“((?:[{_NUMERALS}]+[{''.join(_UNIT_ENDINGS)}]){{1,5}})”")
_PAIR = re.compile(rf"([{_NUMERALS}]+)([{''.join(_UNIT_ENDINGS)}])")
_PREDICATE_STARTS = ("以", "着力", "重点", "主要", "发展", "是", "为", "依托", "打造", "建设", "围绕", "包括",
                     "位于", "积极", "加快", "推进", "突出", "聚焦", "承接", "布局", "定位", "作为", "覆盖", "含")
_NAME_STOP = ("构建", "建设", "推进", "延伸", "拓展", "形成", "加快", "依托", "打造", "发展空间", "实现", "提升",
              "确立", "加强", "增强", "完善", "优化", "争取", "设立", "推动", "支持", "积极", "申报", "创建", "包括",
              "的", "了", "在", "未来", "逐步", "我国", "全国", "这")
# Where a unit name embedded in running text begins ("沿钦州湾发展轴和金鼓江发展轴").
_UNIT_BOUNDARIES = ("确立", "构建", "打造", "建设", "推进", "依托", "形成", "加快", "培育", "布局", "沿", "即",
                    "和", "及", "与", "以", "在", "的", "将", "把", "向", "为", "是", "对", "从", "到", "至")
_HEADING = re.compile(r"^(?:第[一二三四五六七八九十百]+[章节]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")


@dataclass(frozen=True)
class UnitName:
    start: int
    end: int
    name: str


def _pairs(code: str) -> list[tuple[int, str]]:
    pairs = []
    for numeral, unit in _PAIR.findall(code):
        count = parse_count(numeral)
        if count is None or count > 12:
            return []
        pairs.append((count, unit))
    return pairs


def _is_heading(text: str) -> bool:
    return bool(_HEADING.match(text)) or (len(text) <= 30 and not any(ch in text for ch in ",;。"))


def _valid_unit(name: str) -> bool:
    return 2 <= len(name) <= 14 and bool(re.fullmatch(r"[\u4e00-\u9fff]+", name)) \
        and name[0] not in _NUMERALS and not any(stop in name for stop in _NAME_STOP)


def _explicit_units(text: str, start: int, end: int, code_end: int) -> list[UnitName]:
    """即开放引领区、重点开发区、绿色发展区、联动发展轴 / ：A、B、C — the list right after the code."""
    tail = text[code_end:end]
    marker = re.search(r"(?:即|：|:)", tail)
    if marker is None:
        return []
    list_start = code_end + marker.end()
    stop = re.search(r"[,;。]", text[list_start:end])
    list_end = list_start + stop.start() if stop else end
    units: list[UnitName] = []
    position = list_start
    for part in re.split(r"、|和|及", text[list_start:list_end]):
        units.append(UnitName(position, position + len(part), part))
        position += len(part) + 1
    return units if all(_valid_unit(u.name) for u in units) else []


def _strong_units(text: str, start: int, end: int, unit: str) -> list[UnitName]:
    """Clause-initial names of a unit kind followed by their predicate ("先进制造区着力发展…")."""
    found = []
    for clause in re.finditer(r"[^,;:。]+", text[start:end]):
        body = clause.group()
        for ending in _UNIT_ENDINGS[unit]:
            position = body.find(ending)
            if position < 0:
                continue
            name = body[:position + len(ending)]
            rest = body[position + len(ending):]
            if _valid_unit(name) and (not rest or rest.startswith(_PREDICATE_STARTS)):
                s = start + clause.start()
                found.append(UnitName(s, s + len(name), name))
            break
    return found


def _weak_units(text: str, start: int, end: int, unit: str) -> list[UnitName]:
    """Any name ending in the unit's word, cut at verbs and conjunctions ("沿钦州湾发展轴和金鼓江发展轴")."""
    found = []
    endings = "|".join(_UNIT_ENDINGS[unit])
    for match in re.finditer(rf"[\u4e00-\u9fff]+?(?:{endings})", text[start:end]):
        name = match.group()
        cut = 0
        for word in _UNIT_BOUNDARIES:
            position = name.rfind(word, 0, len(name) - 1)
            if position >= 0:
                cut = max(cut, position + len(word))
        name = name[cut:]
        if _valid_unit(name) and len(name) >= 3:
            s = start + match.end() - len(name)
            found.append(UnitName(s, s + len(name), name))
    return found


def _window(ctx: RuleContext, index: int) -> list:
    """The sentences after a heading, up to the next heading."""
    sentences = ctx.document.sentences
    window = []
    for sentence in sentences[index + 1:index + 13]:
        if _is_heading(sentence.text) and window:
            break
        window.append(sentence)
    return window


def _window_units(ctx: RuleContext, index: int, pairs: list[tuple[int, str]]) -> list[UnitName]:
    text = ctx.document.text
    window = [s for s in _window(ctx, index) if not s.text.startswith("[")]
    if not window:
        return []

    def no_other_name(unit: UnitName) -> bool:  # 争取设立崇左综合保税区 is no unit of the layout
        return not any(kind(ctx, m) in ("zone", "organisation") and m.start < unit.end and unit.start < m.end
                       for m in ctx.mentions_between(unit.start - 20, unit.end + 20))

    units: list[UnitName] = []
    for count, unit in pairs:
        strong = [u for s in window for u in _strong_units(text, s.start, s.end, unit) if no_other_name(u)]
        known = [UnitName(m.start, m.end, m.surface) for m in ctx.mentions_between(window[0].start, window[0].end)
                 if is_zone(ctx, m) and m.surface.endswith(_UNIT_ENDINGS[unit])]
        weak = [u for s in window for u in _weak_units(text, s.start, s.end, unit) if no_other_name(u)]
        for candidates in (strong, known, weak):
            names = list({u.name: u for u in reversed(candidates)}.values())[::-1]
            if len(names) == count:
                units.extend(sorted(names, key=lambda u: u.start))
                break
    return units


def _matches_code(units: list[UnitName], pairs: list[tuple[int, str]]) -> bool:
    for count, unit in pairs:
        if sum(u.name.endswith(_UNIT_ENDINGS[unit]) for u in units) != count:
            return False
    return len(units) == sum(count for count, _ in pairs)


@mention_finder
def spatial_unit_mentions(ctx: RuleContext) -> None:
    """Layout codes (“三区一轴”): their units become SpatialUnits of the zone, and mentions."""
    text = ctx.document.text
    sentences = ctx.document.sentences
    occurrences: dict[str, list[tuple[int, int, int]]] = {}
    for index, sentence in enumerate(sentences):
        for match in _CODE.finditer(text, sentence.start, sentence.end):
            occurrences.setdefault(match.group(1), []).append((index, match.start(), match.end()))
    for code, places in occurrences.items():
        pairs = _pairs(code)
        if not pairs or (len(pairs) == 1 and pairs[0][0] < 2):
            continue
        # a definition in the code's own sentence (即…) wins over a section under a heading
        readings = [(index, start, _explicit_units(text, sentences[index].start, sentences[index].end, end))
                    for index, start, end in places]
        readings += [(index, start, _window_units(ctx, index, pairs))
                     for index, start, _ in places if _is_heading(sentences[index].text)]
        for index, code_start, units in readings:
            if _matches_code(units, pairs):
                _define_units(ctx, code, units, sentences[index].start, code_start)
                break


def _define_units(ctx: RuleContext, code: str, units: list[UnitName], sentence_start: int, code_start: int) -> None:
    whole_mention = next((m for m in reversed(ctx.mentions_between(sentence_start, code_start)) if is_zone(ctx, m)), None)
    whole = ctx.iri_of(whole_mention) if whole_mention else focus_zone(ctx)
    if whole is None:
        return
    rule = f"layout:{code}"
    whole_slug = whole.rsplit("/", 1)[-1]
    defined: dict[str, str] = {}
    for unit in units:
        existing = next((m for m in ctx.mentions if m.start == unit.start and m.end == unit.end and is_zone(ctx, m)), None)
        if existing is not None:
            iri = ctx.iri_of(existing)
        else:
            iri = ctx.new_entity("zone", "SpatialUnit", unit.name, (unit.start, unit.end), rule,
                                 slug=f"{whole_slug}-{slugify(unit.name)}")
            defined[unit.name] = iri
        if iri != whole:
            ctx.relate(iri, "partOf", Term.iri(whole), (unit.start, unit.end), rule)
    # every place the document names a new unit is a mention of it
    text = ctx.document.text
    for name, iri in defined.items():
        for match in re.finditer(re.escape(name), text):
            ctx.add_mention(Mention(match.start(), match.end(), name, rule,
                                    head=Head(name[-1], "SpatialUnit", "zone")), iri)


# ---------------------------------------------------------------- relation rules

_INCLUDES = re.compile(r"(?:主要)?(?:包括|包含|涵盖|覆盖|含)(?:了)?")
_SCOPE = ("规划范围", "本规划")
_SCOPE_NOUN = re.compile(r"的?(?:规划|服务|辐射|管辖|实施)?(?:范围|区域)")


def includes(ctx: RuleContext) -> None:
    """X(主要)包括/含/覆盖 a、b、c: places are covered by X, zones and ports are parts of X."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _INCLUDES.finditer(text, sentence.start, sentence.end):
            subject = _including_zone(ctx, sentence, match.start())
            if subject is None:
                continue
            end = _list_end(text, match.end(), sentence.end)
            rule = f"includes:{match.group()}"
            for m in ctx.mentions_between(match.end(), end):
                iri = ctx.iri_of(m)
                if iri == subject:
                    continue
                if is_place_mention(ctx, m):
                    ctx.relate(subject, "covers", Term.iri(iri), (m.start, m.end), rule)
                elif kind_of(iri) in ("zone", "port") and not m.rule.startswith("layout"):
                    ctx.relate(iri, "partOf", Term.iri(subject), (m.start, m.end), rule)


def _including_zone(ctx: RuleContext, sentence, verb_start: int) -> str | None:
    text = ctx.document.text
    if any(marker in text[sentence.start:verb_start] for marker in _SCOPE):
        return focus_zone(ctx)
    before = [m for m in ctx.mentions_between(sentence.start, verb_start) if is_zone(ctx, m)]
    if not before:
        return None
    gap = text[before[-1].end:verb_start].strip(",(（ ")
    if not gap or _SCOPE_NOUN.fullmatch(gap):
        return ctx.iri_of(before[-1])
    # ",服务范围覆盖…" / ",主要包括…": a clause without its own subject is about the sentence's topic
    clause_start = max(text.rfind(ch, sentence.start, verb_start) for ch in ",;") + 1
    opening = topic(ctx, sentence.start, verb_start, lambda m: is_zone(ctx, m))
    lead = text[clause_start:verb_start]
    if clause_start > sentence.start and opening is not None and (not lead or _SCOPE_NOUN.fullmatch(lead)) \
            and opening.start - sentence.start <= 3:
        return ctx.iri_of(opening)
    return None


def _list_end(text: str, start: int, limit: int) -> int:
    """Where the enumerated objects end: the closing parenthesis or the clause end."""
    depth = 0
    for i in range(start, limit):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return i
            depth -= 1
        elif ch in _CLAUSE_END and depth == 0:
            return i
    return limit


_CORE = re.compile(r"以([^,;。以为]{1,20}?)为(?:核心|龙头|中心)的")


def core_of(ctx: RuleContext) -> None:
    """以X为核心的Y: X is part of Y (以钦州港为核心的北部湾港)."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _CORE.finditer(text, sentence.start, sentence.end):
            inner = ctx.mentions_between(match.start(1), match.end(1))
            after = [m for m in ctx.mentions_between(match.end(), sentence.end) if m.start == match.end()]
            if len(inner) != 1 or not after:
                continue
            part, whole = inner[0], after[0]
            if kind(ctx, part) in ("place", "port", "zone") and kind(ctx, whole) in ("zone", "port"):
                ctx.relate(part, "partOf", whole, (match.start(), whole.end), "core-of:以…为核心")


_COLLECTIVE = re.compile(r"\((?:以下)?(?:统称|简称|合称|总称)")


def collective_name(ctx: RuleContext) -> None:
    """a、b、c(以下统称Y N市): each listed place is part of Y."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _COLLECTIVE.finditer(text, sentence.start, sentence.end):
            whole = next((m for m in ctx.mentions_between(match.end(), sentence.end)
                          if m.start == match.end() and is_zone(ctx, m)), None)
            if whole is None:
                continue
            members: list[Mention] = []
            position = match.start()
            for m in reversed(ctx.mentions_between(sentence.start, match.start())):
                if m.end != position or not is_place_mention(ctx, m):
                    break
                members.append(m)
                position = m.start - 1 if m.start > 0 and text[m.start - 1] == "、" else -1
            for m in members:
                ctx.relate(m, "partOf", whole, (m.start, m.end), "collective-name:统称")


_AREA = re.compile(
    r"(?:总面积|规划面积|占地面积|国土面积|面积)(?:共|约|为|达到|达|大约|合计)*(\d+(?:\.\d+)?)(万)?(平方公里|平方千米|公顷)")


def area(ctx: RuleContext) -> None:
    """(总)面积(共约)N(万)平方公里: the area of the zone the sentence is about."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _AREA.finditer(text, sentence.start, sentence.end):
            if any(marker in text[sentence.start:match.start()] for marker in _SCOPE):
                subject = focus_zone(ctx)
            else:
                zone = topic(ctx, sentence.start, match.start(), lambda m: is_zone(ctx, m))
                subject = ctx.iri_of(zone) if zone else None
            if subject is None:
                continue
            value = Decimal(match.group(1))
            if match.group(2):
                value *= 10000
            if match.group(3) == "公顷":
                value /= 100
            ctx.relate(subject, "areaSqKm", Term(_decimal(value), datatype=XSD + "decimal"),
                       (match.start(), match.end()), "area:平方公里")


def _decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


_HAVE = re.compile(r"(?:拥有|设有|建有)")


def ports_held(ctx: RuleContext) -> None:
    """X拥有…口岸: the zone or place a sentence is about has each port listed in that clause;
    X拥有…Y (a zone, X a place): Y lies in X."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _HAVE.finditer(text, sentence.start, sentence.end):
            holder = topic(ctx, sentence.start, match.start(),
                           lambda m: is_zone(ctx, m) or is_place_mention(ctx, m))
            if holder is None:
                continue
            end = _list_end(text, match.end(), sentence.end)
            for m in ctx.mentions_between(match.end(), end):
                if is_port(ctx, m):
                    ctx.relate(holder, "hasPort", m, (m.start, m.end), "holds:拥有")
                elif is_zone(ctx, m) and is_place_mention(ctx, holder):
                    ctx.relate(m, "locatedIn", holder, (holder.start, m.end), "holds:拥有")


def _place_prefix(ctx: RuleContext, name: str) -> list[str]:
    """Places that open a name (钦州综合保税区 → 钦州市; 广西百色… → 广西, 百色) or stand in its
    parentheses (中泰(玉林)旅游文化产业园 → 玉林)."""
    places: list[str] = []
    i = 0
    while i < len(name):
        found = _place_at(ctx, name, i)
        if found is None or name[i + found[0]:].startswith("—"):
            break  # 中国—东盟…: a pair of partners, not a location
        places.append(found[1])
        i += found[0]
    for inner in re.findall(r"\(([^()]+)\)", name):
        for entry in ctx.lexicon.lookup(inner):
            if is_place(ctx.lexicon, entry.iri) and entry.iri not in places:
                places.append(entry.iri)
    return places


def _place_at(ctx: RuleContext, name: str, i: int) -> tuple[int, str] | None:
    """The longest place name starting at ``i`` that leaves something of the name after it."""
    for j in range(len(name) - 1, i + 1, -1):
        for iri in ctx.lexicon.surfaces.get(name[i:j], ()):
            if is_place(ctx.lexicon, iri):
                return j - i, iri
    return None


def named_location(ctx: RuleContext) -> None:
    """A new zone or port named after a place lies in it; a port named after a place is its port."""
    seen: set[str] = set()
    for m in ctx.mentions:
        iri = ctx.iri_of(m)
        if iri in seen or kind_of(iri) not in ("zone", "port") or m.rule.startswith("layout"):
            continue
        seen.add(iri)
        entity = ctx.result.entities.get(iri)
        if entity is None:
            continue
        places = _place_prefix(ctx, normalise_label(entity.label_zh))
        if not entity.curated:
            for place in places:
                ctx.relate(iri, "locatedIn", Term.iri(place), (m.start, m.end), "name-prefix:place")
        if kind_of(iri) == "port" and places and entity.label_zh.endswith(("口岸", "港", "港区")):
            ctx.relate(places[0], "hasPort", Term.iri(iri), (m.start, m.end), "name-prefix:port")


_LOCATED = re.compile(r"(?:位于|地处|坐落于|地处于)")


def located(ctx: RuleContext) -> None:
    """X位于Y: a zone or port lies in the place named right after the verb."""
    text = ctx.document.text
    for sentence in ctx.document.sentences:
        for match in _LOCATED.finditer(text, sentence.start, sentence.end):
            subject = topic(ctx, sentence.start, match.start(), lambda m: kind(ctx, m) in ("zone", "port"))
            if subject is None or text[subject.end:match.start()].strip(", "):
                continue
            position = match.end()
            for m in ctx.mentions_between(match.end(), sentence.end):  # 位于广西百色市: each of them
                if m.start != position or not is_place_mention(ctx, m):
                    break
                ctx.relate(subject, "locatedIn", m, (subject.start, m.end), "located:位于")
                position = m.end


RULES = (includes, core_of, collective_name, area, ports_held, named_location, located)
