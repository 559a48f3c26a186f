"""The gazetteer: every curated label and alias, ready for longest-match lookup in text.

Built from the curated reference data and the industry scheme, so adding an alias there is
all it takes for the extractor to recognise a new surface form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .namespaces import Namespaces
from .normalise import normalise_label

_TYPE_QUERY = """
SELECT ?s ?type ?label ?alias ?en ?py WHERE {
  ?s a ?type .
  OPTIONAL { ?s rdfs:label ?label FILTER(lang(?label) = "zh") }
  OPTIONAL { ?s skos:altLabel ?alias FILTER(lang(?alias) = "zh") }
  OPTIONAL { ?s rdfs:label ?en FILTER(lang(?en) = "en") }
  OPTIONAL { ?s kgo:pinyin ?py }
}
"""


@dataclass(frozen=True)
class LexiconEntry:
    """A curated entity as the extractor sees it."""

    iri: str
    types: tuple[str, ...]  # kgo local names
    label_zh: str
    label_en: str | None
    pinyin: str | None


@dataclass
class Lexicon:
    """Surface forms (normalised) to curated entities, with a character trie for longest match."""

    entries: dict[str, LexiconEntry] = field(default_factory=dict)  # iri -> entry
    surfaces: dict[str, list[str]] = field(default_factory=dict)  # surface -> iris
    _trie: dict = field(default_factory=dict)

    def add_surface(self, surface: str, iri: str) -> None:
        surface = normalise_label(surface)
        if len(surface) < 2:
            return
        iris = self.surfaces.setdefault(surface, [])
        if iri not in iris:
            iris.append(iri)
        node = self._trie
        for ch in surface:
            node = node.setdefault(ch, {})
        node[""] = surface

    def longest_match(self, text: str, start: int) -> str | None:
        """The longest surface form that starts at ``start``."""
        node = self._trie
        found = None
        for i in range(start, len(text)):
            node = node.get(text[i])
            if node is None:
                break
            if "" in node:
                found = node[""]
        return found

    def of_type(self, *local_names: str) -> list[LexiconEntry]:
        wanted = set(local_names)
        return [e for e in self.entries.values() if wanted & set(e.types)]

    def lookup(self, surface: str) -> list[LexiconEntry]:
        return [self.entries[iri] for iri in self.surfaces.get(normalise_label(surface), [])]


def load_lexicon(files: tuple[Path, ...], ns: Namespaces) -> Lexicon:
    """Read curated Turtle files into a lexicon (pyoxigraph: fast, no rdflib import)."""
    import pyoxigraph as ox

    store = ox.Store()
    for path in files:
        store.load(ns.rebase(path.read_text(encoding="utf-8")), format=ox.RdfFormat.TURTLE)
    rows: dict[str, dict] = {}
    for solution in store.query(_TYPE_QUERY, prefixes=ns.prefixes()):
        iri = solution["s"].value
        type_iri = solution["type"].value
        row = rows.setdefault(iri, {"types": set(), "labels": set(), "aliases": set(), "en": None, "py": None})
        if type_iri.startswith(ns.ontology):
            row["types"].add(type_iri[len(ns.ontology):])
        for key, target in (("label", "labels"), ("alias", "aliases")):
            if solution[key] is not None:
                row[target].add(solution[key].value)
        if solution["en"] is not None:
            row["en"] = solution["en"].value
        if solution["py"] is not None:
            row["py"] = solution["py"].value
    lexicon = Lexicon()
    for iri in sorted(rows):
        row = rows[iri]
        if not row["types"] or not row["labels"]:
            continue
        label = sorted(row["labels"])[0]
        lexicon.entries[iri] = LexiconEntry(iri, tuple(sorted(row["types"])), label, row["en"], row["py"])
        for surface in sorted(row["labels"] | row["aliases"]):
            lexicon.add_surface(surface, iri)
    return lexicon
