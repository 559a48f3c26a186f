"""A deterministic corpus N times the seeds, for benchmarks.

Copy 0 of every seed is the seed itself, byte for byte. Copy k (k >= 1) rewrites the seed so the
extractor finds new entities and new figures in it, not duplicates:

- **Names.** Every zone, port, corridor or route the extractor names in the seed (curated or found
  by its head, e.g. 百色重点开发开放试验区, 钦州综合保税区, 中欧班列) gets a distinguishing word
  inserted before its head: 百色甲子重点开发开放试验区, 钦州甲子综合保税区. The words come from
  the sexagenary stems and branches (甲乙丙… × 子丑寅…), never from the gazetteer or the head
  table's boundary words, so each copy names its own zones and the places around them are still
  recognised. (In a name too long for its slug the word goes after the first two characters.)
- **Figures.** Every number that is not a year or an ordinal is scaled by a factor that depends
  on k (1.01 … 1.23), keeping its number of decimals: 2020年 stays, 12.5% becomes 13.1%. Figures
  the extractor reads as observations of a curated entity (百色市's GDP) are kept, since every
  copy still talks about the same place and two values would be a conflict, not a new fact.
- **Metadata.** The manifest gets one entry per copy: the seed's entry with the id suffixed
  ``-v{k}`` and the title marked with the copy's word.

The same (seeds, scale) always gives the same files. Run ``python bench/corpus.py --scale 10
--out DIR`` to write one.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kg.documents import MANIFEST_NAME, discover, load_document, load_manifest  # noqa: E402
from kg.extract import extract  # noqa: E402
from kg.extract.heads import HEADS  # noqa: E402
from kg.extract.mentions import find_mentions  # noqa: E402
from kg.lexicon import load_lexicon  # noqa: E402
from kg.namespaces import DEFAULT_BASE, Namespaces  # noqa: E402
from kg.paths import REFERENCE_FILES  # noqa: E402
from kg.slugs import slugify  # noqa: E402

STEMS = "甲乙丙丁戊己庚辛壬癸"
BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
RENAMED_KINDS = ("zone", "port", "corridor", "route")
SLUG_ROOM = 70  # slugs are cut at 80 characters: a word inserted later would not make a new IRI
# A number: digits with an optional decimal part, not part of a longer run of digits or letters.
_NUMBER = re.compile(r"(?<![0-9A-Za-z.])([0-9]+)(\.[0-9]+)?(?![0-9A-Za-z])")
_YEARLIKE = range(1900, 2101)


def variant_word(k: int) -> str:
    """The word that marks copy k: 甲子, 乙丑, …; two pairs beyond 120 copies."""
    pairs = [s + b for s in STEMS for b in BRANCHES]
    word = pairs[(k - 1) % len(pairs)]
    if k > len(pairs):
        word = pairs[(k - 1) // len(pairs) - 1] + word
    return word


def scale_factor(k: int) -> Decimal:
    return Decimal(100 + 1 + (k * 7) % 23) / Decimal(100)


def _scaled(match: re.Match, factor: Decimal, text: str) -> str:
    whole, fraction = match.group(1), match.group(2) or ""
    number = int(whole)
    following = text[match.end():match.end() + 1]
    preceding = text[max(0, match.start() - 1):match.start()]
    if (not fraction and number in _YEARLIKE) or following in "年月日号届期" or preceding in "第表图":
        return match.group(0)
    value = Decimal(whole + fraction) * factor
    quantum = Decimal(1).scaleb(-(len(fraction) - 1)) if fraction else Decimal(1)
    return str(value.quantize(quantum, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class SeedPlan:
    """How a seed is rewritten: where names take the copy's word, which figures stay as they are."""

    path: Path
    raw: str
    insertions: tuple[int, ...]  # raw offsets just before each renamed name's head
    frozen: tuple[tuple[int, int], ...]  # raw spans whose figures are kept


def plan_seed(path: Path, manifest_entry: dict | None, lexicon, ns: Namespaces) -> SeedPlan:
    """Read the seed as the build does: its mentions give the names, its observations the figures.

    Figures about curated entities (百色市's GDP) are frozen: a copy still describes the same
    curated place, and a second value for the same observation would be a conflict, not a
    new fact. Figures about the zones a copy renames vary.
    """
    document = load_document(path, manifest_entry)
    suffixes = [h.suffix for h in HEADS if h.kind in RENAMED_KINDS]
    insertions: set[int] = set()
    for mention in find_mentions(document, lexicon):
        if mention.head is not None:
            if mention.head.kind not in RENAMED_KINDS:
                continue
            suffix = mention.head.suffix
        else:
            suffix = next((s for s in suffixes if mention.surface.endswith(s) and len(mention.surface) > len(s)), None)
            if suffix is None:
                continue
        # before the head, unless the name is so long that its slug is cut before the head
        at = mention.end - len(suffix) if len(slugify(mention.surface)) < SLUG_ROOM else mention.start + 2
        insertions.add(document.raw_span(at, mention.end)[0])
    extraction = extract(document, lexicon, ns)
    observed = {f.subject: f.obj.value for f in extraction.facts if f.predicate == ns.kgo("observedEntity")}
    frozen = set()
    for fact in extraction.facts:
        if fact.subject in observed and observed[fact.subject] in lexicon.entries:
            evidence = fact.evidence
            frozen |= {(evidence.start, evidence.end), (evidence.sentence.raw_start, evidence.sentence.raw_end)}
    return SeedPlan(path, document.raw, tuple(sorted(insertions)), tuple(sorted(frozen)))


def rewrite(plan: SeedPlan, k: int) -> str:
    """Copy k of a seed: the word before every renamed head, the figures not frozen scaled."""
    if k == 0:
        return plan.raw
    word, factor, raw = variant_word(k), scale_factor(k), plan.raw
    edits = [(offset, offset, word) for offset in plan.insertions]
    for match in _NUMBER.finditer(raw):
        if any(start <= match.start() < end for start, end in plan.frozen):
            continue
        scaled = _scaled(match, factor, raw)
        if scaled != match.group(0):
            edits.append((match.start(), match.end(), scaled))
    pieces, previous = [], 0
    for start, end, text in sorted(edits):
        pieces += [raw[previous:start], text]
        previous = end
    pieces.append(raw[previous:])
    return "".join(pieces)


def copy_name(path: Path, k: int) -> str:
    return path.name if k == 0 else f"{path.stem}-v{k:03d}{path.suffix}"


def copy_entry(entry: dict | None, k: int) -> dict | None:
    if entry is None or k == 0:
        return entry
    entry = dict(entry)
    if entry.get("id"):
        entry["id"] = f"{entry['id']}-v{k:03d}"
    word = variant_word(k)
    if entry.get("title_zh"):
        entry["title_zh"] = f"{entry['title_zh']}（{word}）"
    if entry.get("title_en"):
        entry["title_en"] = f"{entry['title_en']} (variant {k})"
    return entry


def generate(seeds: Path, out: Path, scale: int) -> list[Path]:
    """Write ``scale`` copies of every seed (copy 0 = the seed) and their manifest into ``out``."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    ns = Namespaces(DEFAULT_BASE)
    lexicon = load_lexicon(REFERENCE_FILES, ns)
    manifest = load_manifest(seeds)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written: list[Path] = []
    corpus_manifest: dict[str, dict] = {}
    for path in discover(seeds):
        entry = manifest.get(path.name)
        plan = plan_seed(path, entry, lexicon, ns)
        for k in range(scale):
            target = out / copy_name(path, k)
            if k == 0:
                shutil.copyfile(path, target)
            else:
                target.write_text(rewrite(plan, k), encoding="utf-8")
            written.append(target)
            copied = copy_entry(entry, k)
            if copied is not None:
                corpus_manifest[target.name] = copied
    (out / MANIFEST_NAME).write_text(json.dumps(corpus_manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                     encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds", help="folder of seed documents")
    parser.add_argument("--scale", type=int, default=10, help="copies of every seed (1 = the seeds)")
    parser.add_argument("--out", type=Path, required=True, help="folder to (re)create")
    args = parser.parse_args(argv)
    files = generate(args.seeds, args.out, args.scale)
    print(f"wrote {len(files)} documents ({sum(f.stat().st_size for f in files) / 1e6:.1f} MB) into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
