"""Industry priorities: 重点发展 / 打造 / 培育 / 布局 … (等)产业 → kgo:prioritisesIndustry.

A clause with a priority verb lists industries separated by 、/和/及; each item resolves
through the industry scheme (curated labels and aliases), and an item the scheme does not
know becomes a machine-extracted kgo:Industry when its form says it is one (it ends in
产业/业/制造, or stands in a closed "A、B等…产业" list). The subject is whoever the clause,
sentence, paragraph or document is about (kg.extract.subjects).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import Term
from ..builder import RuleContext
from ..subjects import PLACE_TYPES, ZONE_TYPES, finder

SKOS = "http://www.w3.org/2004/02/skos/core#"
RULE = "pattern:industry-priority"

# Verbs that by themselves make their object a priority.
STRONG = ("重点发展", "着力发展", "大力发展", "加快发展", "积极发展", "优先发展", "培育壮大", "培育发展", "发展壮大",
          "做大做强", "做强做优", "做优做强", "重点打造", "着力打造", "重点培育", "重点布局", "集中布局", "着力培育",
          "大力培育", "加快培育")
# Verbs whose object is a priority only when it is marked as an industry (…产业, …产业集群, …业).
MEDIUM = ("打造", "培育", "布局", "壮大", "做强", "发展")
# Verbs that name priorities only in a closed list: "推动A、B等产业集聚发展".
WEAK = ("加快推进", "推进", "推动")
_TRIGGER = re.compile("|".join(sorted(STRONG + MEDIUM + WEAK, key=len, reverse=True)))
# "以先进制造业和现代服务业为主导", "以锂电池材料、海上风能装备为基础"
_BASIS = re.compile(r"以([^，,；;。：:以为]{2,60}?)为(?:主导|重点|核心|基础|支撑|主体|龙头|引领)")

_CLAUSE_END = "，,；;。：:！？!?"
# Head nouns that mark one industry or close a list of them; longest first.
_INDUSTRY_HEADS = ("产业集群", "产业基地", "产业体系", "产业链", "产业带", "产业", "集群", "基地", "行业")
_MARKED = ("产业", "产业集群", "产业基地", "产业链", "产业带", "业", "制造")
# Modifiers that say what kind of industry, not which ("特色优势", "高附加值的", "传统").
GENERIC_MODIFIERS = tuple(sorted((
    "新兴", "特色", "优势", "传统", "主导", "支柱", "外向型", "高附加值", "配套", "上下游", "相关", "重点", "其他",
    "各类", "现代", "高端", "新型", "战略性", "先导", "基础", "出口导向型", "原料进口型", "劳动密集型", "资源型",
    "下游", "上游", "前沿", "未来", "优质", "本地", "地方", "区域", "全产业链", "高新技术", "高技术", "跨境",
    "一批", "若干", "特色优势", "重要", "关键", "核心", "骨干", "龙头", "具有国际竞争力", "国际", "国家级",
    "世界级", "千亿元", "百亿元", "高质量", "高水平", "绿色低碳", "数字化", "以下", "如下", "上述", "这些", "各",
), key=len, reverse=True))
_CATEGORY_WORDS = ("产业", "业", "工业", "服务业", "经济", "产品", "行业")
_NOT_INDUSTRY = re.compile(
    r"(建设|推进|推动|加快|提升|完善|实现|形成|开展|支持|引导|鼓励|发展[^业]|项目|平台|中心|企业|工程|体系|模式|"
    r"机制|政策|能力|水平|环境|设施|网络|示范|城市|地区|区域|园区|片区|港口|口岸|通道|基金|市场|人才|"
    r"品牌|链条|要素|规模|功能|空间|格局|升级|转型|改造|融合|集聚|协同|合作|交流|往来|引擎|动能|流域|园(?!艺)|"
    r"[一二三四五六七八九十\d]类)")
# Where a place name ends: an item ending so is a place in a list of places, not an industry.
_PLACE_ENDINGS = ("港", "市", "县", "区", "州", "镇", "乡", "村", "岛", "湾", "省", "国")
# Someone other than the zone does it: "鼓励区内外汽车企业布局…".
_OTHER_ACTOR = re.compile(r"(?:鼓励|支持|引导|吸引|带动|推动|组织)[^，,；;]{0,12}(?:企业|公司|机构|主体|商户|单位)")
_HAN_ITEM = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9+]{2,14}$")
_NOT_A_LIST_END = ("平等", "高等", "中等", "同等", "对等", "等级")
# After a closing 等…产业: the list qualifies something else ("等产业相关", "等产业融合", "等领域").
_CATEGORY_ELSEWHERE = re.compile(r"相关|融合|合作|联动|对接|领域|业态|业务|方面|环节")
# A closing category: 等 + up to 14 characters of noun modifiers + 产业/行业/工业 ("等原料进口型和出口导向型产业").
_CLOSING = re.compile(r"^([^，,；;。]{0,14}?)(?:产业|行业|工业)")
_CLOSING_VERB = re.compile(r"建设|推进|推动|共建|园区|基地")
_PREPOSITION = ("与", "和", "同", "对", "向", "在", "于", "从", "把", "将")


@dataclass(frozen=True)
class Item:
    """One listed industry: its text and normalised span."""

    text: str
    start: int
    end: int


def _strip_quotes(item: Item) -> Item:
    text, start, end = item.text, item.start, item.end
    while text and text[0] in "“‘\"'「《(（":
        text, start = text[1:], start + 1
    while text and text[-1] in "”’\"'」》)）":
        text, end = text[:-1], end - 1
    return Item(text, start, end)


def _strip_generic(text: str) -> str:
    """Drop leading kind-of words ("新兴", "特色优势") until a specific core remains."""
    changed = True
    while changed and text:
        changed = False
        for word in GENERIC_MODIFIERS:
            if text.startswith(word) and len(text) > len(word):
                text = text[len(word):]
                changed = True
                break
    return text


def _strip_trailing_generic(text: str) -> str:
    """"新能源跨境", "金属深加工下游": a kind-of word after the core."""
    for word in GENERIC_MODIFIERS:
        if text.endswith(word) and len(text) > len(word) + 1:
            return text[: -len(word)]
    return text


def _without_generic_words(text: str) -> str:
    """"海洋新兴产业" → "海洋产业": kind-of words removed wherever they stand."""
    for word in GENERIC_MODIFIERS:
        if len(word) >= 2 and word in text and len(text) > len(word) + 1:
            text = text.replace(word, "")
    return text


def _without_head(text: str) -> tuple[str, str]:
    for head in _INDUSTRY_HEADS:
        if text.endswith(head) and len(text) > len(head):
            return text[: -len(head)], head
    return text, ""


class IndustryResolver:
    """Industry names to IRIs: the curated scheme first, then new concepts."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx
        self.lexicon = ctx.lexicon

    def known(self, name: str) -> str | None:
        for entry in self.lexicon.lookup(name):
            if "Industry" in entry.types:
                return entry.iri
        return None

    def is_category(self, text: str) -> bool:
        """"新兴产业", "东盟传统优势产业", "配套服务业", "以下四类产业": a kind of industry, not one.
        A name the scheme knows as written ("现代服务业") is one, unless it is only kind-of words."""
        core, _ = _without_head(text)
        core = _strip_generic(core)
        if core == "" or core in GENERIC_MODIFIERS or self._is_modifier(core):
            return True
        if self.known(text):
            return False
        return core in _CATEGORY_WORDS

    def is_other_entity(self, text: str) -> bool:
        """A place, zone or organisation the lexicon knows, or a name shaped like a place."""
        entries = self.lexicon.lookup(text)
        if entries and not any("Industry" in e.types for e in entries):
            return True
        return text.endswith(_PLACE_ENDINGS) and not text.endswith(("产业", "业"))

    def curated(self, text: str, *, allow_prefix: bool = True) -> str | None:
        """The scheme's concept for an item: as written, with or without its head and kind-of words."""
        core, _ = _without_head(text)
        core = _strip_trailing_generic(core)
        bare = text[:-1] if text.endswith("业") and not text.endswith("产业") else text
        candidates = (text, bare, core + "产业", core, core + "业", _strip_generic(core),
                      _strip_generic(core) + "产业", _without_generic_words(core), _without_generic_words(core) + "产业")
        for candidate in candidates:
            if len(candidate) >= 2:
                iri = self.known(candidate)
                if iri:
                    return iri
        if not allow_prefix:
            return None
        # "中国—东盟新兴铝产业基地": the longest known industry the item ends with, after place words
        for whole in (core + "产业", core):
            for i in range(1, len(whole) - 1):
                iri = self.known(whole[i:])
                if iri and self._is_modifier(whole[:i]):
                    return iri
        return None

    def _is_modifier(self, prefix: str) -> bool:
        """Place names, "—" joins and kind-of words only: what may precede a known industry."""
        rest = prefix.rstrip("的")
        if not rest:
            return False
        position = 0
        while position < len(rest):
            surface = self.lexicon.longest_match(rest, position)
            if surface and any(set(e.types) & (PLACE_TYPES | ZONE_TYPES | {"Organisation"})
                               for e in self.lexicon.lookup(surface)):
                position += len(surface)
                continue
            if rest[position] in "—-·的":
                position += 1
                continue
            word = next((w for w in GENERIC_MODIFIERS if rest.startswith(w, position)), None)
            if word:
                position += len(word)
                continue
            return False
        return True

    def new_industry(self, item: Item, rule: str) -> str | None:
        """A machine-extracted industry concept in the scheme, for a name the scheme lacks."""
        core, head = _without_head(item.text)
        core = _strip_generic(_strip_trailing_generic(core))
        if head in ("产业集群", "产业基地", "产业链", "产业带", "产业体系", "集群", "基地", "产业"):
            label = core + "产业"
        elif head == "行业":
            label = core + "业"
        else:
            label = core
        if not _HAN_ITEM.match(label) or _NOT_INDUSTRY.search(label) or label in _CATEGORY_WORDS:
            return None
        if label.endswith(_CATEGORY_WORDS) and self._is_modifier(_without_suffix(label)):
            return None
        iri = self.ctx.new_entity("industry", "Industry", label, (item.start, item.end), rule)
        evidence = self.ctx.evidence(item.start, item.end, rule)
        self.ctx.add(iri, SKOS + "inScheme", Term.iri(self.ctx.kgo("IndustryScheme")), evidence)
        self.ctx.add(iri, SKOS + "prefLabel", Term(label, lang="zh"), evidence)
        broader = self._broader(label)
        if broader:
            self.ctx.add(iri, SKOS + "broader", Term.iri(broader), evidence)
        return iri

    def _broader(self, label: str) -> str | None:
        """The scheme concept the new one narrows: the longest known industry it ends with."""
        for i in range(1, len(label) - 1):
            iri = self.known(label[i:])
            if iri:
                return iri
        return None


def _without_suffix(label: str) -> str:
    for word in sorted(_CATEGORY_WORDS, key=len, reverse=True):
        if label.endswith(word):
            return label[: -len(word)]
    return label


def _items(text: str, start: int, end: int) -> list[Item]:
    """Split a list "A、B和C" of the normalised text [start, end) into items."""
    items: list[Item] = []
    position = start
    for match in re.finditer(r"、|以及", text[start:end]):
        items.append(Item(text[position:start + match.start()], position, start + match.start()))
        position = start + match.end()
    items.append(Item(text[position:end], position, end))
    return [i for i in (_strip_quotes(i) for i in items) if i.text]


def _split_joined(resolver: IndustryResolver, item: Item) -> list[Item]:
    """"先进制造业和现代服务业": two items, unless the scheme knows the whole ("软件和信息技术服务业")."""
    if resolver.curated(item.text, allow_prefix=False) or not re.search("和|及", item.text):
        return [item]
    parts: list[Item] = []
    position = item.start
    text = item.text
    for match in re.finditer("和|及", text):
        parts.append(Item(text[position - item.start:match.start()], position, item.start + match.start()))
        position = item.start + match.end()
    parts.append(Item(text[position - item.start:], position, item.end))
    return [p for p in parts if p.text]


def _object_region(text: str, start: int, clause_end: int) -> tuple[int, int, bool] | None:
    """Where the objects of a verb ending at ``start`` lie, and whether a closing 等…产业 marks them
    as industries; None when the verb's object is not a list of industries."""
    region = text[start:clause_end]
    if not region or region.startswith(_PREPOSITION):
        return None
    for match in re.finditer("等", region):
        pair = region[max(0, match.start() - 1):match.end() + 1]
        if match.start() == 0 or any(word in pair for word in _NOT_A_LIST_END):
            continue
        category = region[match.end():]
        if _CATEGORY_ELSEWHERE.search(category):
            return None
        closing = _CLOSING.match(category)
        closed = closing is not None and not _CLOSING_VERB.search(closing.group(1))
        list_start = region.rfind("的", 0, match.start()) + 1
        return start + list_start, start + match.start(), closed
    # "发展以进口木材为原料的高档家具产业": the list starts after the last 的
    return start + region.rfind("的") + 1, clause_end, False


def _clause_end(text: str, position: int, limit: int) -> int:
    end = position
    while end < limit and text[end] not in _CLAUSE_END:
        end += 1
    return end


def _marked(item: Item) -> bool:
    return item.text.endswith(_MARKED)


def _resolve_items(resolver: IndustryResolver, items: list[Item], *, closed: bool,
                   allow_prefix: bool = True) -> list[tuple[str, Item]]:
    """Industry IRIs for the listed items: curated, or new when closed or marked as an industry."""
    found: list[tuple[str, Item]] = []
    places = sum(1 for item in items if resolver.is_other_entity(item.text))
    if places * 2 >= len(items):
        return []  # "横县、宾阳、灵山…等": a list of places
    for item in items:
        if resolver.is_category(item.text) or resolver.is_other_entity(item.text):
            continue
        iri = resolver.curated(item.text, allow_prefix=allow_prefix)
        if iri is None and not item.text.endswith(("基地", "集群")) or item.text.endswith(("产业基地", "产业集群")):
            if iri is None and (closed or _marked(item)):
                iri = resolver.new_industry(item, RULE)
        if iri:
            found.append((iri, item))
    return found


def prioritised_industries(ctx: RuleContext) -> None:
    text = ctx.document.text
    subjects = finder(ctx)
    resolver = IndustryResolver(ctx)
    for sentence in ctx.document.sentences:
        seen: set[tuple[str, str]] = set()
        for match in _TRIGGER.finditer(text, sentence.start, sentence.end):
            verb = match.group(0)
            clause_end = _clause_end(text, match.end(), sentence.end)
            region = _object_region(text, match.end(), clause_end)
            if region is None:
                continue
            start, end, closed = region
            items = [part for item in _items(text, start, end) for part in _split_joined(resolver, item)]
            if not items:
                continue
            if verb in WEAK and not closed:
                continue
            if verb in MEDIUM and not closed and not _marked(items[-1]):
                continue
            c_start = subjects.clause_bounds(sentence, match.start())[0]
            if _OTHER_ACTOR.search(text, c_start, match.start()):
                continue
            _assert(ctx, subjects, resolver, sentence, match.start(), items, closed, seen)
        for match in _BASIS.finditer(text, sentence.start, sentence.end):
            region = _object_region(text, match.start(1), match.end(1)) or (match.start(1), match.end(1), False)
            start, end, closed = region
            items = [part for item in _items(text, start, end) for part in _split_joined(resolver, item)]
            if any(resolver.curated(i.text, allow_prefix=False) is None and not _marked(i) for i in items):
                continue  # "以南宁为核心": not a list of industries
            _assert(ctx, subjects, resolver, sentence, match.start(), items, closed, seen, allow_prefix=False)


def _assert(ctx: RuleContext, subjects, resolver: IndustryResolver, sentence, verb_start: int,
            items: list[Item], closed: bool, seen: set[tuple[str, str]], *, allow_prefix: bool = True) -> None:
    found = _resolve_items(resolver, items, closed=closed, allow_prefix=allow_prefix)
    if not found:
        return
    for subject in subjects.clause_subjects(sentence, verb_start):
        for iri, item in found:
            if (subject.iri, iri) in seen:
                continue
            seen.add((subject.iri, iri))
            start = subject.start if sentence.start <= subject.start < verb_start else verb_start
            ctx.relate(subject.iri, "prioritisesIndustry", Term.iri(iri), (start, item.end), RULE)


RULES = [prioritised_industries]
