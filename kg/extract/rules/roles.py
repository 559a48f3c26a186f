"""Roles a plan gives places: kgo:role literals, one per role phrase.

Three ways plans state a city's role:
- "以<place><role>为支撑/核心/引领…" — the role sits between the place and 为
  (以南宁核心城市为支撑 → 南宁: 核心城市);
- "以<place>、<place>…为<role>" — the role follows 为 (以北海、防城港…为重要节点 → 重要节点);
- "<place>建设/打造/建成<role>、<role>…" at the start of a clause (推动北海建设高新技术与
  海洋经济示范区、生态宜居滨海城市… → three roles).
A role phrase must end in a role noun (城市, 节点, 枢纽, 高地, 示范区, 基地…), which keeps
verb phrases ("以南宁为依托") and bare relational words ("以南宁为核心") out.
"""

from __future__ import annotations

import re

from ...model import Term
from ..builder import RuleContext
from ..mentions import Mention
from .organisations import PLACE_TYPES

ROLE_NOUNS = ("城市", "名城", "城", "节点", "枢纽", "枢纽港", "门户", "门户港", "港", "高地", "桥头堡",
              "示范区", "试验区", "先行区", "核心区", "集聚区", "区", "基地", "中心", "窗口", "增长极", "都",
              "平台", "支点", "前沿", "纽带", "走廊", "极")
SUPPORT_WORDS = ("支撑", "核心", "引领", "龙头", "重点", "依托", "主体", "骨干", "中心", "载体", "引擎")
BUILD_VERBS = ("建设成为", "打造成为", "发展成为", "建成", "建设", "打造", "成为")
CLAUSE_OPENERS = ("推动", "支持", "加快", "鼓励", "推进", "促进", "引导")
LIST_JOINERS = ("、", "和", "及", "与")
MIN_ROLE = 3  # "核心", "中心" alone say how a place relates, not what it is to become
MAX_ROLE = 24
_CLAUSE_BREAK = ",;。:!?\n"
_YI_WEI = re.compile(r"以([^,;。:!?\n以为]{2,40})为([^,;。:!?\n的]{2,16})")


def is_role(phrase: str) -> bool:
    return MIN_ROLE <= len(phrase) <= MAX_ROLE and phrase.endswith(ROLE_NOUNS)


def _places_in(context: RuleContext, start: int, end: int) -> list[Mention]:
    return [m for m in context.mentions_between(start, end) if PLACE_TYPES & set(context.types_of(m))]


def _place_list(context: RuleContext, text: str, start: int, end: int) -> tuple[list[Mention], int] | None:
    """Places listed from ``start`` (joined by 、和及与); returns them and where the list ends."""
    places = _places_in(context, start, end)
    if not places or places[0].start != start:
        return None
    listed, position = [], start
    for place in places:
        gap = text[position:place.start]
        if listed and gap not in LIST_JOINERS:
            break
        if not listed and gap:
            return None
        listed.append(place)
        position = place.end
    return listed, position


def _assert_role(context: RuleContext, place: Mention, phrase: str, span: tuple[int, int], rule: str) -> None:
    context.relate(place, "role", Term(phrase, lang="zh"), span, rule)


def yi_wei_roles(context: RuleContext) -> None:
    """以<places>[<role>]为<role or support word>."""
    text = context.document.text
    for match in _YI_WEI.finditer(text):
        found = _place_list(context, text, match.start(1), match.end(1))
        if found is None:
            continue
        places, list_end = found
        between = text[list_end:match.end(1)]
        after = match.group(2)
        span = (match.start(), match.end())
        if between:
            if is_role(between) and after.startswith(SUPPORT_WORDS) and len(places) == 1:
                for place in places:
                    _assert_role(context, place, between, span, "role:以X<role>为")
        elif is_role(after):
            for place in places:
                _assert_role(context, place, after, span, "role:以X为<role>")


def build_roles(context: RuleContext) -> None:
    """<place>建设/打造<role>、<role>… at the start of a clause (after 推动/支持… at most)."""
    text = context.document.text
    for mention in context.mentions:
        if not PLACE_TYPES & set(context.types_of(mention)):
            continue
        before = mention.start
        opener = next((o for o in CLAUSE_OPENERS if text.endswith(o, 0, before)), "")
        before -= len(opener)
        if before > 0 and text[before - 1] not in _CLAUSE_BREAK:
            continue
        verb = next((v for v in BUILD_VERBS if text.startswith(v, mention.end)), None)
        if verb is None:
            continue
        start = mention.end + len(verb)
        end = start
        while end < len(text) and text[end] not in _CLAUSE_BREAK:
            end += 1
        phrases = [p.removesuffix("等") for p in text[start:end].split("、")]
        if not all(is_role(p) for p in phrases):
            continue
        for phrase in phrases:
            _assert_role(context, mention, phrase, (mention.start, end), "role:X建设<role>")


RULES = [yi_wei_roles, build_roles]
