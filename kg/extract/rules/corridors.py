"""Corridors and routes with the places they link (kgo:connects), and who cooperates with whom
(kgo:cooperatesWith).

- A link named by its ends links them: "贵阳经南宁至钦州双层集装箱运输通道", "南宁—贵阳高铁".
- "A至B、C等…班轮/航线/班列" names one route per pair of ends (a curated route such as 中欧班列
  named that way links the ends itself).
- "以A—B—C接D的高速公路和铁路为主通道": the clause's subject links A, B, C and D.
- "X是<corridor>门户/枢纽/节点": the corridor links X.
- Bilateral names ("中马…产业园", "中国—文莱(玉林)…", "马中…") cooperate with the partner country,
  and mirrored twins (中马… / 马中…) with each other; "X与Y开展…合作", "深化与Y…合作" likewise.
"""

from __future__ import annotations

import re

from ...model import Term
from ..builder import RuleContext
from ..mentions import Mention
from ..subjects import PLACE_TYPES, ZONE_TYPES, finder

LINK_TYPES = frozenset({"TransportLink", "Corridor", "Route"})
NODE_TYPES = PLACE_TYPES | ZONE_TYPES | {"Port", "BorderPort", "Seaport", "Platform"}
PARTNER_TYPES = PLACE_TYPES | ZONE_TYPES | {"Organisation", "GovernmentBody", "Port", "Seaport", "Platform"}

# What joins the ends written into a link's name.
_END_JOINERS = re.compile(r"—|－|-|至|经|接|到|、")
# Heads of routes named by their ends in running text; a curated route of that name links them.
_ROUTE_HEADS = ("班轮航线", "集装箱航线", "旅游航线", "航线", "班轮", "中欧班列", "班列", "穿梭巴士", "线路", "专线")
_PAIR_ROUTE = re.compile(
    r"(?P<origins>[^，,。；;：:]{2,40}?)至(?P<ends>[^，,。；;：:至]{2,60}?)(?:等[^，,。；;、]{0,10}?)?(?:的)?"
    r"(?P<mods>(?:海上|公共|国际|集装箱|直达|远洋|近洋|旅游|冷链|精品|主干|定期|货运|客运|海铁联运)*)[“\"]?"
    r"(?P<head>" + "|".join(_ROUTE_HEADS) + ")")
_MAIN_CORRIDOR = re.compile(
    r"以(?P<ends>[^，,。；;]{2,40}?)的?(?:高速公路|铁路|公路|高铁|航线|水运|运输)(?:和(?:高速公路|铁路|公路|高铁))?"
    r"为(?:主|主要|骨干)?(?:通道|轴线|骨架|纽带|依托)")
_ON_CORRIDOR = re.compile(r"(?:是|为|作为|成为|打造成为|建设成为)(?:我国|国家)?(?P<corridor>.{2,20}?)的?"
                          r"(?:门户|枢纽|节点|起点|终点|出海口|重要节点|关键节点|陆海交汇门户)")
_COOPERATION = re.compile(r"合作|协议|协定|往来|共建|对接|交流|联动")
# Chinese one- or two-character country abbreviations used in bilateral names (中马, 中泰, 中印尼).
COUNTRY_ABBREVIATIONS = {
    "中": "中国", "马": "马来西亚", "泰": "泰国", "越": "越南", "新": "新加坡", "老": "老挝", "缅": "缅甸",
    "柬": "柬埔寨", "印尼": "印度尼西亚", "文": "文莱", "菲": "菲律宾", "俄": "俄罗斯", "蒙": "蒙古",
    "哈": "哈萨克斯坦", "巴": "巴基斯坦", "白": "白俄罗斯", "德": "德国", "法": "法国", "韩": "韩国",
    "日": "日本", "印": "印度", "欧": "欧盟", "吉": "吉尔吉斯斯坦", "塔": "塔吉克斯坦", "乌": "乌兹别克斯坦",
}
_BILATERAL = re.compile(r"^(中|马|泰|越|新|老|缅|柬|印尼|文|菲|俄|蒙|哈|巴|白|德|法|韩|日|吉|塔|乌)"
                        r"(中|马|泰|越|新|老|缅|柬|印尼|文|菲|俄|蒙|哈|巴|白|德|法|韩|日|吉|塔|乌)")
_CHINA_DASH = re.compile(r"^中国[^—·\-]{0,6}[—·\-]")
RULE_NAME = "pattern:link-ends"
RULE_PAIR = "pattern:route-pair"
RULE_MAIN = "pattern:main-corridor"
RULE_ON = "pattern:on-corridor"
RULE_NAMED_PARTNER = "pattern:bilateral-name"
RULE_COOPERATION = "pattern:cooperation"


def _relate_once(ctx: RuleContext, subject: str, predicate: str, obj: Term, span: tuple[int, int],
                 rule: str) -> None:
    """One fact per subject, relation, object and sentence, however many patterns read it."""
    seen: set = ctx.__dict__.setdefault("_corridor_facts", set())
    key = (subject, predicate, obj.value, ctx.document.sentence_at(span[0]).index)
    if key not in seen:
        seen.add(key)
        ctx.relate(subject, predicate, obj, span, rule)


def _types(ctx: RuleContext, mention: Mention) -> frozenset[str]:
    return frozenset(ctx.types_of(mention))


class Nodes:
    """Resolves a piece of text to the places, ports or zones it names."""

    def __init__(self, ctx: RuleContext) -> None:
        self.ctx = ctx

    def entry_at(self, text: str, position: int, types=NODE_TYPES):
        surface = self.ctx.lexicon.longest_match(text, position)
        if surface is None:
            return None, 0
        for entry in self.ctx.lexicon.lookup(surface):
            if set(entry.types) & types:
                return entry, len(surface)
        return None, 0

    def resolve(self, piece: str, *, last: bool = False) -> list[str]:
        """IRIs a piece of text names: "马来西亚巴生港" → the port (the last name of a run);
        the last end of a link's name may carry the link's description ("钦州双层集装箱运输")."""
        piece = piece.strip("“”\"'《》()（）")
        found: list[tuple[int, int, str]] = []
        position = 0
        while position < len(piece):
            entry, length = self.entry_at(piece, position)
            if entry is None:
                if not found:
                    return []  # an end must start with a name
                break
            found.append((position, position + length, entry.iri))
            position += length
        if not found:
            return []
        if position < len(piece) and not last:
            return []
        return [found[-1][2]]


def link_ends(ctx: RuleContext) -> None:
    """A link named by its ends ("A—B高铁", "A经B至C…通道") links each of them."""
    nodes = Nodes(ctx)
    for mention in ctx.mentions:
        if not (_types(ctx, mention) & LINK_TYPES):
            continue
        name = mention.surface
        pieces = _END_JOINERS.split(name)
        if len(pieces) < 2:
            continue
        iri = ctx.iri_of(mention)
        for index, piece in enumerate(pieces):
            for node in nodes.resolve(piece, last=index == len(pieces) - 1):
                if node != iri:
                    _relate_once(ctx, iri, "connects", Term.iri(node), (mention.start, mention.end), RULE_NAME)


def pair_routes(ctx: RuleContext) -> None:
    """"钦州港至海防、胡志明等班轮航线": a route from each origin to each end."""
    text = ctx.document.text
    nodes = Nodes(ctx)
    for sentence in ctx.document.sentences:
        for match in _PAIR_ROUTE.finditer(text, sentence.start, sentence.end):
            origins = _node_list(nodes, match.group("origins"), from_end=True)
            ends = _node_list(nodes, match.group("ends"))
            if not origins or not ends:
                continue
            head = match.group("head")
            curated = [e for e in ctx.lexicon.lookup(head) if set(e.types) & LINK_TYPES]
            first = text.find(origins[0][1], match.start("origins"), match.end("origins"))
            span = (first if first >= 0 else match.start("origins"), match.end("head"))
            for origin, origin_label in origins:
                for end, end_label in ends:
                    if curated:
                        route = curated[0].iri
                    else:
                        label = f"{origin_label}—{end_label}{head}"
                        route = ctx.new_entity("route", "Route", label, span, RULE_PAIR)
                    for node in (origin, end):
                        _relate_once(ctx, route, "connects", Term.iri(node), span, RULE_PAIR)


def _node_list(nodes: Nodes, text: str, *, from_end: bool = False) -> list[tuple[str, str]]:
    """The names of a list "A、B和C" as (IRI, surface); origins are read back from the 至."""
    parts = [p.strip() for p in re.split(r"、|和|及", text)]
    if from_end:
        # the origins end at 至, and the first may follow a verb: "实现重庆、成都…至" → 重庆
        first = parts[0]
        for start in range(len(first)):
            if nodes.entry_at(first, start)[0] is not None and nodes.resolve(first[start:]):
                parts[0] = first[start:]
                break
        else:
            return []
    found: list[tuple[str, str]] = []
    for part in parts:
        iris = nodes.resolve(part)
        if not iris:
            if from_end:
                return []  # origins are names only
            continue
        found.append((iris[0], part))
    return found


def main_corridors(ctx: RuleContext) -> None:
    """"联动发展轴，以重庆—贵阳—百色接越南的高速公路和铁路为主通道": the subject links the ends."""
    text = ctx.document.text
    nodes = Nodes(ctx)
    subjects = finder(ctx)
    for sentence in ctx.document.sentences:
        for match in _MAIN_CORRIDOR.finditer(text, sentence.start, sentence.end):
            pieces = _END_JOINERS.split(match.group("ends"))
            ends = [iri for piece in pieces for iri in nodes.resolve(piece)]
            if len(ends) < 2:
                continue
            for subject in subjects.clause_subjects(sentence, match.start()):
                for node in ends:
                    _relate_once(ctx, subject.iri, "connects", Term.iri(node), (match.start(), match.end()), RULE_MAIN)


def on_corridor(ctx: RuleContext) -> None:
    """"钦州港片区是我国西部陆海新通道门户枢纽港所在": the corridor links the zone."""
    text = ctx.document.text
    subjects = finder(ctx)
    for sentence in ctx.document.sentences:
        for match in _ON_CORRIDOR.finditer(text, sentence.start, sentence.end):
            links = [m for m in subjects.mentions_in(match.start("corridor"), match.end("corridor"))
                     if _types(ctx, m) & LINK_TYPES]
            if len(links) != 1:
                continue
            for subject in subjects.clause_head_subjects(subjects.clause_bounds(sentence, match.start())[0],
                                                         match.start()):
                _relate_once(ctx, ctx.iri_of(links[0]), "connects", Term.iri(subject.iri),
                           (subject.start, links[0].end), RULE_ON)


def bilateral_names(ctx: RuleContext) -> None:
    """"中马钦州产业园区" cooperates with Malaysia; "中马…" and "马中…" parks with each other."""
    twins: dict[tuple[str, str], list[tuple[str, Mention]]] = {}
    for mention in ctx.mentions:
        if not (_types(ctx, mention) & ZONE_TYPES):
            continue
        iri = ctx.iri_of(mention)
        name = mention.surface
        partner = None
        pair = _BILATERAL.match(name)
        if pair and pair.group(1) != pair.group(2) and "中" in (pair.group(1), pair.group(2)):
            partner = COUNTRY_ABBREVIATIONS[pair.group(2)]
            twins.setdefault((pair.group(1), pair.group(2)), []).append((iri, mention))
        elif _CHINA_DASH.match(name):
            rest = name[_CHINA_DASH.match(name).end():]
            partner = _country_at(ctx, rest)
        if partner is None:
            continue
        for entry in ctx.lexicon.lookup(partner):
            if "Country" in entry.types and entry.iri != iri:
                _relate_once(ctx, iri, "cooperatesWith", Term.iri(entry.iri), (mention.start, mention.end),
                           RULE_NAMED_PARTNER)
                break
    for (a, b), members in twins.items():
        for twin_iri, twin_mention in twins.get((b, a), []):
            for iri, mention in members:
                if iri != twin_iri:
                    span = (min(mention.start, twin_mention.start), max(mention.end, twin_mention.end))
                    if ctx.document.sentence_at(mention.start).index == \
                            ctx.document.sentence_at(twin_mention.start).index:
                        _relate_once(ctx, iri, "cooperatesWith", Term.iri(twin_iri), span, RULE_NAMED_PARTNER)


def _country_at(ctx: RuleContext, text: str) -> str | None:
    surface = ctx.lexicon.longest_match(text, 0)
    if surface and any("Country" in e.types for e in ctx.lexicon.lookup(surface)):
        return surface
    for abbreviation, country in sorted(COUNTRY_ABBREVIATIONS.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(abbreviation) and abbreviation != "中":
            return country
    return None


_WITH = re.compile(r"(?:与|同)")


def cooperation(ctx: RuleContext) -> None:
    """"二连浩特与蒙古签订…合作协议", "深化与东盟贸易投资合作": subject and partner cooperate."""
    text = ctx.document.text
    subjects = finder(ctx)
    for sentence in ctx.document.sentences:
        for match in _WITH.finditer(text, sentence.start, sentence.end):
            c_start, c_end = subjects.clause_bounds(sentence, match.start())
            if not _COOPERATION.search(text, match.end(), c_end):
                continue
            partners = _partners_after(ctx, subjects, match.end(), c_end)
            if not partners:
                continue
            before = text[c_start:match.start()]
            if re.search(r"(?:加强|深化|推动|推进|扩大|拓展|开展|促进)$", before) or before == "":
                found = subjects.clause_subjects(sentence, match.start())
            else:
                found = subjects.clause_head_subjects(c_start, match.start())
            for subject in found:
                for partner in partners:
                    partner_iri = ctx.iri_of(partner)
                    if partner_iri != subject.iri:
                        start = subject.start if c_start <= subject.start < match.start() else match.start()
                        _relate_once(ctx, subject.iri, "cooperatesWith", Term.iri(partner_iri),
                                   (start, max(partner.end, start + 1)), RULE_COOPERATION)


def _partners_after(ctx: RuleContext, subjects, start: int, end: int) -> list[Mention]:
    """The names right after 与: "东盟", "新加坡港、马来西亚关丹港", stopping at the first non-name."""
    text = ctx.document.text
    partners: list[Mention] = []
    position = start
    for mention in subjects.mentions_in(start, end):
        gap = text[position:mention.start]
        if gap not in ("", "、", "和", "及", "以及") and not (partners == [] and gap in ("我国", "周边")):
            break
        if _types(ctx, mention) & PARTNER_TYPES:
            if partners and gap == "" and "Country" in _types(ctx, partners[-1]):
                partners.pop()  # "马来西亚关丹港": the port, not its country
            partners.append(mention)
        position = mention.end
    if partners and re.match(r"的|等?[^，,；;。]{0,12}?(?:企业|机构|单位|高校|公司)", text[position:end]):
        return []  # "与广东的旅行机构合作": the partner is someone of that place, not the place
    return partners


RULES = [link_ends, pair_routes, main_corridors, on_corridor, bilateral_names, cooperation]
