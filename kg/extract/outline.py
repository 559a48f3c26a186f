"""The heading outline of a document: 第一章, 第一节, 一、, (一), 1., (1).

Chinese official documents number their headings in a fixed family of styles, but which
style nests inside which is not fixed (a plan starts at 第一章, a notice at 一、, a news
item may use only (一)). So nesting is read off the order in which styles appear: a style
seen again closes every deeper level and becomes a sibling; a style not open yet opens a
level below the current heading. Works on normalised text (full-width forms folded, so
"（一）" is "(一)" and "１．" is "1.").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100}
_CN = "零〇一二两三四五六七八九十百"

# (style, pattern of the numbering at the start of a line); the number is group 1
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("chapter", re.compile(rf"第([{_CN}\d]{{1,4}})章\s*")),
    ("section", re.compile(rf"第([{_CN}\d]{{1,4}})节\s*")),
    ("cn", re.compile(rf"([{_CN}]{{1,3}})[、.]\s*")),
    ("paren-cn", re.compile(rf"\(([{_CN}]{{1,3}})\)\s*")),
    ("arabic", re.compile(r"(\d{1,2})(?:、|\.(?!\d))\s*")),
    ("paren-arabic", re.compile(r"\((\d{1,2})\)\s*")),
)
TITLE_END = "。!?;"
MAX_TITLE = 60  # a longer "title" is a numbered paragraph, not a heading


def cn_number(text: str) -> int | None:
    """The value of a Chinese (一, 十二, 二十三, 一百) or Arabic numeral; None if it is neither."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in CN_DIGITS:
            current = CN_DIGITS[ch]
        elif ch in CN_UNITS:
            total += (current or 1) * CN_UNITS[ch]
            current = 0
        else:
            return None
    return total + current


@dataclass(frozen=True)
class Heading:
    """One numbered heading: its numbering style and number, title, spans and place in the tree."""

    index: int
    style: str
    number: int
    title: str  # without the numbering and the closing 。
    start: int  # where the numbering starts (normalised text)
    title_start: int
    title_end: int
    line_end: int  # end of the heading's line: text between title_end and line_end is body
    depth: int
    parent: int | None

    @property
    def has_body(self) -> bool:
        """True when the heading line goes on after its title ("1. 打造…。以加快…")."""
        return self.line_end > self.title_end + 1


@dataclass
class Outline:
    """The headings of a text in document order, with their nesting."""

    text: str
    headings: list[Heading] = field(default_factory=list)

    def children(self, index: int) -> list[Heading]:
        return [h for h in self.headings if h.parent == index]

    def descendants(self, index: int) -> list[Heading]:
        end = self.scope(index)[1]
        head = self.headings[index]
        return [h for h in self.headings if head.start < h.start < end]

    def top_level(self) -> list[Heading]:
        return [h for h in self.headings if h.parent is None]

    def scope(self, index: int) -> tuple[int, int]:
        """From the heading to the next heading at the same or a shallower depth."""
        head = self.headings[index]
        for later in self.headings[index + 1:]:
            if later.depth <= head.depth:
                return head.start, later.start
        return head.start, len(self.text)

    def own_text(self, index: int) -> tuple[int, int]:
        """The heading's region before its first sub-heading (its own body paragraphs)."""
        start, end = self.scope(index)
        if index + 1 < len(self.headings) and self.headings[index + 1].start < end:
            end = self.headings[index + 1].start
        return start, end


def lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty line spans of text[start:end] (a line is a paragraph in normalised text)."""
    spans = []
    position = start
    while position < end:
        newline = text.find("\n", position, end)
        line_end = end if newline < 0 else newline
        if text[position:line_end].strip():
            spans.append((position, line_end))
        position = line_end + 1
    return spans


def _match_heading(text: str, start: int, line_end: int) -> tuple[str, int, int, int] | None:
    """(style, number, title_start, title_end) when the line at ``start`` opens with a numbering."""
    for style, pattern in _STYLES:
        match = pattern.match(text, start, line_end)
        if not match:
            continue
        number = cn_number(match.group(1))
        if number is None or number == 0:
            return None
        title_start = match.end()
        title_end = title_start
        while title_end < line_end and text[title_end] not in TITLE_END:
            title_end += 1
        title = text[title_start:title_end].strip()
        if not title or len(title) > MAX_TITLE:
            return None
        return style, number, title_start, title_end
    return None


def parse_outline(text: str) -> Outline:
    """Every numbered heading of ``text`` with its depth and parent."""
    outline = Outline(text)
    stack: list[tuple[str, int]] = []  # (style, heading index) of the open levels
    for line_start, line_end in lines(text, 0, len(text)):
        while line_start < line_end and text[line_start].isspace():
            line_start += 1
        found = _match_heading(text, line_start, line_end)
        if found is None:
            continue
        style, number, title_start, title_end = found
        styles = [s for s, _ in stack]
        if style in styles:
            del stack[styles.index(style):]
        index = len(outline.headings)
        parent = stack[-1][1] if stack else None
        outline.headings.append(Heading(
            index=index, style=style, number=number, title=text[title_start:title_end].strip(),
            start=line_start, title_start=title_start, title_end=title_end, line_end=line_end,
            depth=len(stack), parent=parent,
        ))
        stack.append((style, index))
    return outline
