"""Organisations named in slots, and the people who speak for them.

A slot is a place in the text that can only hold an organisation's name: an entry of a
责任单位 list, a notice's issuer, the body before a speaker's post. A name there is resolved
through the lexicon (curated labels and aliases, e.g. 自治区发展改革委 and 发展改革委) and,
when unknown, becomes a new organisation typed by its head (…局/…厅/…委员会 → GovernmentBody,
…公司/…集团 → Company). Because the slot already says "this is an organisation", short heads
that would be noise in running text (…局 in 格局) are safe here.

People: "<organisation><post><name>说/介绍/表示…" gives a kgo:Person with kgo:postTitle and
kgo:affiliatedWith (广西壮族自治区发改委副主任黄文川说).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...lexicon import Lexicon, LexiconEntry
from ...model import Entity, Term
from ...normalise import normalise_label
from ...slugs import pinyin
from ..builder import RDFS_LABEL, RuleContext
from ..heads import UNIT_HEADS, Head
from ..mentions import Mention

ORGANISATION_TYPES = frozenset({"Organisation", "GovernmentBody", "Company"})
PLACE_TYPES = frozenset({"Place", "Country", "Province", "City", "County", "Town"})
# administrative-level prefixes a unit name can start with; "市商务局" means the issuer's city's
LEVEL_PREFIXES = ("自治区", "自治州", "特别行政区", "省", "市", "县", "区", "州", "盟", "旗", "镇", "乡")
_PLACE_NAME = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:自治区|自治州|自治县|省|市|县|区|州|盟|旗)$")
_TRAILING_ETC = re.compile(r"(?:等(?:单位|部门|有关单位)?)$")
_NOT_A_NAME = re.compile(r"^(?:各|有关|相关|其他|其它)|[〔〕\[\]《》“”\"]")

POSTS = tuple(sorted({
    "主任", "副主任", "常务副主任", "主任委员", "局长", "副局长", "厅长", "副厅长", "部长", "副部长",
    "处长", "副处长", "科长", "司长", "副司长", "署长", "关长", "副关长", "行长", "副行长", "院长",
    "副院长", "所长", "副所长", "校长", "主席", "副主席", "书记", "副书记", "秘书长", "副秘书长",
    "省长", "副省长", "市长", "副市长", "县长", "副县长", "区长", "副区长", "州长", "镇长", "乡长",
    "总经理", "副总经理", "董事长", "副董事长", "经理", "总裁", "副总裁", "总监", "会长", "副会长",
    "理事长", "党组书记", "首席经济学家", "新闻发言人", "发言人",
}, key=len, reverse=True))
COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯",
                               "尉迟", "公孙", "长孙", "宇文", "端木", "独孤"})
SPEECH_VERBS = ("说", "介绍", "表示", "指出", "认为", "强调", "透露", "坦言", "称")
_SPEAKER = re.compile(
    rf"(?P<posts>[\u4e00-\u9fff、]*?(?:{'|'.join(POSTS)}))"
    rf"(?P<name>[\u4e00-\u9fff]{{2,3}}?)(?:{'|'.join(SPEECH_VERBS)})"
)
# words that end the post segment's reach: a name never contains them
_NOT_IN_NAME = set("的和与及在是为说讲")


def known_organisation(lexicon: Lexicon, name: str) -> LexiconEntry | None:
    for entry in lexicon.lookup(name):
        if ORGANISATION_TYPES & set(entry.types):
            return entry
    return None


def known_place(lexicon: Lexicon, name: str) -> LexiconEntry | None:
    for entry in lexicon.lookup(name):
        if PLACE_TYPES & set(entry.types):
            return entry
    return None


def unit_head(name: str) -> Head | None:
    """The organisation head the name ends in, when a specific name precedes it."""
    for head in UNIT_HEADS:
        if name.endswith(head.suffix) and len(name) - len(head.suffix) >= 2:
            return head
    return None


def is_place_name(lexicon: Lexicon, name: str) -> bool:
    if known_place(lexicon, name) is not None:
        return True
    # a bare level (自治区, 市) or a name opening with one (市住房城乡…) is no unknown place
    return not name.startswith(LEVEL_PREFIXES) and bool(_PLACE_NAME.match(name))


def place_prefix(lexicon: Lexicon, name: str) -> str:
    """The place name a unit's name opens with (南宁 in 南宁海关), or ''."""
    for end in range(len(name) - 1, 1, -1):
        if is_place_name(lexicon, name[:end]):
            return name[:end]
    return ""


def level_prefix(lexicon: Lexicon, name: str) -> str:
    """The bare administrative level a name opens with (市 in 市商务局), or ''."""
    if place_prefix(lexicon, name):
        return ""
    return next((p for p in LEVEL_PREFIXES if name.startswith(p) and len(name) > len(p) + 1), "")


def jurisdiction_of(name: str) -> str | None:
    """The place an issuing body governs, from its name (某某市人民政府 → 某某市)."""
    head = unit_head(name)
    if head is None:
        return None
    place = name[: -len(head.suffix)]
    return place if _PLACE_NAME.match(place) else None


@dataclass(frozen=True)
class UnitName:
    """One entry of a unit list: the name as the list means it, and where it is written."""

    name: str
    start: int
    end: int
    as_written: bool  # False when a carried prefix or a shared head completed the name


def split_units(lexicon: Lexicon, text: str, start: int, end: int) -> list[UnitName]:
    """The entries of a unit list ("自治区商务厅、发展改革委,南宁海关,北海市、钦州市人民政府等").

    Entries are split on 、 and commas. Within a 、-group, a level prefix written once carries
    over (自治区商务厅、发展改革委 → 自治区发展改革委) and a head written once is shared by bare
    place names (北海市、钦州市人民政府 → 北海市人民政府, 钦州市人民政府).
    """
    units: list[UnitName] = []
    for group_start, group_end in _pieces(text, start, end, ",;"):
        items = []
        for s, e in _pieces(text, group_start, group_end, "、"):
            etc = _TRAILING_ETC.search(text, s, e)
            e = etc.start() if etc else e
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                items.append(UnitName(normalise_label(text[s:e]), s, e, True))
        if not items:
            continue
        last = items[-1].name
        place = place_prefix(lexicon, last)
        shared_head = last[len(place):] if place and unit_head(last) else ""
        carried = level_prefix(lexicon, items[0].name)
        for item in items:
            name = item.name
            if shared_head and is_place_name(lexicon, name):
                name += shared_head
            elif carried and not level_prefix(lexicon, name) and not place_prefix(lexicon, name):
                name = carried + name
            units.append(UnitName(name, item.start, item.end, name == item.name))
    return units


def _pieces(text: str, start: int, end: int, separators: str) -> list[tuple[int, int]]:
    spans, position = [], start
    for i in range(start, end + 1):
        if i == end or text[i] in separators:
            s, e = position, i
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
            position = i + 1
    return spans


class OrganisationResolver:
    """Turns slot names into organisation IRIs: curated when known, new when their head says so.

    ``jurisdiction`` is the place the document's issuer governs; it expands level prefixes of
    units the lexicon does not know (市商务局 in a 某某市人民政府 scheme is 某某市商务局).
    """

    def __init__(self, context: RuleContext, jurisdiction: str | None = None) -> None:
        self.context = context
        self.lexicon = context.lexicon
        self.jurisdiction = jurisdiction

    def resolve(self, name: str, span: tuple[int, int], rule: str, as_written: bool = True) -> str | None:
        """The organisation a slot names; ``span`` is where it is written, and it is recorded as a
        mention (kgo:mentionedIn) only when the text there is the name itself (``as_written``)."""
        name = normalise_label(name).strip()
        if not name or _NOT_A_NAME.search(name):
            return None
        candidates = [name]
        expanded = self._expand(name)
        if expanded:
            candidates.append(expanded)
        for candidate in candidates:
            entry = known_organisation(self.lexicon, candidate)
            if entry is not None:
                return self._curated(entry, span, rule, as_written and candidate == name)
        full = expanded or name
        if level_prefix(self.lexicon, full) and not expanded:
            return None  # "市商务局" of an unknown city: too ambiguous to name
        head = unit_head(full)
        if head is None or len(full) > 30:
            return None
        iri = self.context.new_entity("organisation", head.cls, full, span, rule)
        if as_written and not expanded:
            self._mentioned(iri, span, rule)
        return iri

    def _expand(self, name: str) -> str | None:
        prefix = level_prefix(self.lexicon, name)
        if not prefix or not self.jurisdiction or not self.jurisdiction.endswith(prefix):
            return None
        return self.jurisdiction + name[len(prefix):]

    def _curated(self, entry: LexiconEntry, span: tuple[int, int], rule: str, mentioned: bool) -> str:
        self.context.result.entities.setdefault(
            entry.iri, Entity(entry.iri, entry.types, entry.label_zh, True, entry.label_en, entry.pinyin))
        if mentioned:
            self._mentioned(entry.iri, span, rule)
        return entry.iri

    def _mentioned(self, iri: str, span: tuple[int, int], rule: str) -> None:
        self.context.relate(iri, "mentionedIn", Term.iri(self.context.doc_iri), span, rule)


def romanised_name(name: str) -> str:
    """A Chinese personal name as English writes it: surname, then the given name in one word
    (黄文川 → Huang Wenchuan; 欧阳明 → Ouyang Ming)."""
    surname_length = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    surname, given = pinyin(name[:surname_length]), pinyin(name[surname_length:])
    return " ".join(part.replace(" ", "").capitalize() for part in (surname, given) if part)


def is_organisation(context: RuleContext, mention: Mention) -> bool:
    if mention.head is not None:
        return mention.head.kind == "organisation"
    return bool(ORGANISATION_TYPES & set(context.types_of(mention)))


def speakers(context: RuleContext) -> None:
    """<organisation><post>[、<unit><post>]<name>说 → a person with posts and affiliation."""
    text = context.document.text
    resolver = OrganisationResolver(context)
    for mention in context.mentions:
        if not is_organisation(context, mention):
            continue
        window_end = min(len(text), mention.end + 40)
        match = _SPEAKER.match(text, mention.end, window_end)
        if match is None or _NOT_IN_NAME & set(match.group("name")):
            continue
        span = (mention.start, match.end())
        rule = "speaker:organisation-post-name"
        name = match.group("name")
        name_span = (match.start("name"), match.end("name"))
        person = context.new_entity("person", "Person", name, name_span, rule)
        context.add(person, RDFS_LABEL, Term(romanised_name(name), lang="en"), context.evidence(*name_span, rule))
        context.relate(person, "mentionedIn", Term.iri(context.doc_iri), name_span, rule)
        context.relate(person, "affiliatedWith", mention, span, rule)
        offset = match.start("posts")
        for piece in match.group("posts").split("、"):
            post = next((p for p in POSTS if piece.endswith(p)), None)
            unit = piece[: len(piece) - len(post)] if post else piece
            piece_span = (offset, offset + len(piece))
            offset += len(piece) + 1
            if post is None:
                continue
            if not unit:
                title = post
            elif known_organisation(context.lexicon, unit) is not None:
                other = resolver.resolve(unit, piece_span, rule)
                context.relate(person, "affiliatedWith", Term.iri(other), span, rule)
                title = post
            else:
                title = piece  # a sub-unit or an unknown body stays in the title: 自贸办主任
            context.relate(person, "postTitle", Term(title, lang="zh"), span, rule)


RULES = [speakers]
