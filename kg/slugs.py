"""Deterministic, readable slugs: English words kept, Chinese turned into toneless pinyin."""

from __future__ import annotations

import re
from functools import lru_cache

_NON_SLUG = re.compile(r"[^a-z0-9]+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=None)
def pinyin(text: str, tones: bool = False) -> str:
    """Space-separated pinyin syllables of the Han characters (other characters kept)."""
    from pypinyin import Style, lazy_pinyin

    style = Style.TONE if tones else Style.NORMAL
    return " ".join(part for part in lazy_pinyin(text, style=style, errors="default") if part.strip())


def slugify(text: str, max_length: int = 80) -> str:
    """A lowercase ASCII slug; Chinese becomes pinyin, so the same name gives the same slug."""
    if _HAN.search(text):
        text = pinyin(text)
    slug = _NON_SLUG.sub("-", text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug or "x"
