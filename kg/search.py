"""Find entities by name: Chinese, English, pinyin (with or without tones or spaces), aliases.

Ranked the way people expect: an exact label beats an exact alias, which beats a name that
starts with the text, which beats one that merely contains it. Curated entities come before
machine-extracted ones of the same rank, shorter names before longer ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces

EXACT_LABEL, EXACT_ALIAS, PREFIX, SUBSTRING = range(4)
RANK_NAMES = {EXACT_LABEL: "label", EXACT_ALIAS: "alias", PREFIX: "prefix", SUBSTRING: "substring"}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DROP = re.compile(r"[\s\-_·•・.,，。、'’\"“”‘()（）\[\]【】《》<>:：;；/\\—–]+")
_TONE_DIGIT = re.compile(r"(?<=[a-zü])[1-5]")

_NAMES_QUERY = """
SELECT ?s ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:altLabel skos:prefLabel kgo:pinyin dcterms:title }
  ?s ?p ?name .
  FILTER(isIRI(?s) && (STRSTARTS(STR(?s), STR(kgr:)) || STRSTARTS(STR(?s), STR(doc:))))
}"""
# The graph itself, not BIND(?g = graph:inferred …): Virtuoso gives a comparison as 0/1, not a boolean.
_TYPES_QUERY = """
SELECT DISTINCT ?s ?type ?g WHERE {
  GRAPH ?g { ?s a ?type }
  FILTER(STRSTARTS(STR(?s), STR(kgr:)) || STRSTARTS(STR(?s), STR(doc:)))
}"""
_MACHINE_QUERY = "SELECT DISTINCT ?s WHERE { ?s kgo:machineExtracted true }"
# Direct links only, closed below: Virtuoso refuses a transitive path with both ends unbound.
_SUBCLASS_QUERY = "SELECT DISTINCT ?sub ?super WHERE { ?sub rdfs:subClassOf ?super FILTER(isIRI(?super)) }"


def _transitive(direct: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each class's superclasses at any distance (rdfs:subClassOf+), from the direct links."""
    closed: dict[str, set[str]] = {}
    for start in direct:
        seen: set[str] = set()
        todo = list(direct[start])
        while todo:
            cls = todo.pop()
            if cls not in seen:
                seen.add(cls)
                todo.extend(direct.get(cls, ()))
        closed[start] = seen
    return closed


def normalise(text: str) -> str:
    """Case, width and punctuation folded away: '中国(广西)' and '中国（广西）' match."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).lower())


def pinyin_key(text: str) -> str:
    """Toneless, spaceless pinyin: 'Bǎisè', 'bai3 se4' and 'bai se' all give 'baise'."""
    text = unicodedata.normalize("NFKC", text).lower().replace("u:", "ü")
    text = _TONE_DIGIT.sub("", text)
    text = unicodedata.normalize("NFD", text).replace("u\u0308", "v")  # ü, ǖ, ǘ, ǚ, ǜ -> v (as pypinyin)
    return _DROP.sub("", "".join(c for c in text if not unicodedata.combining(c)))


@dataclass(frozen=True)
class Hit:
    """One entity that matched, how well, and through which name."""

    iri: str
    label: str  # display label (zh, else en)
    label_en: str | None
    types: tuple[str, ...]  # asserted class IRIs
    matched: str  # the name that matched
    rank: int
    machine_extracted: bool

    @property
    def how(self) -> str:
        return RANK_NAMES[self.rank]


@dataclass
class _Entry:
    iri: str
    labels: list[str] = field(default_factory=list)  # rdfs:label / skos:prefLabel / dcterms:title, any language
    aliases: list[str] = field(default_factory=list)  # skos:altLabel
    pinyins: list[str] = field(default_factory=list)  # kgo:pinyin and zh-Latn-pinyin labels
    types: set[str] = field(default_factory=set)  # asserted
    classes: set[str] = field(default_factory=set)  # asserted, inferred and their superclasses
    machine: bool = False
    display: dict[str, str] = field(default_factory=dict)  # language -> the label to show

    def label(self, lang: str = "zh") -> str | None:
        return self.display.get(lang)


class SearchIndex:
    """Every named entity of a store, with its names folded for matching."""

    def __init__(self, store: ox.Store, ns: Namespaces, *, named_exactly: str | None = None) -> None:
        """With ``named_exactly``, only the entities one of whose names is that text (folded as
        search folds it) are kept, and only their types are read: what resolving a name needs."""
        self.ns = ns
        self.entries: dict[str, _Entry] = {}
        self._plain_names: dict[str, list] = {}
        self._pinyin_names: dict[str, list] = {}
        prefixes = ns.prefixes()
        for row in store.query(_NAMES_QUERY, prefixes=prefixes, use_default_graph_as_union=True):
            entry = self._entry(row["s"].value)
            predicate, name = row["p"].value, row["name"]
            language = name.language or ""
            if predicate.endswith("altLabel"):
                entry.aliases.append(name.value)
            elif predicate.endswith("#pinyin") or language.endswith("-pinyin"):
                entry.pinyins.append(name.value)
            else:
                entry.labels.append(name.value)
                key = language.split("-")[0] or "und"
                if key not in entry.display or predicate.endswith("#label"):  # rdfs:label wins over titles
                    entry.display[key] = name.value
        types_query, machine_query = _TYPES_QUERY, _MACHINE_QUERY
        if named_exactly is not None:
            exact = {h.iri for h in self.search(named_exactly, limit=None) if h.rank <= EXACT_ALIAS}
            self.entries = {iri: entry for iri, entry in self.entries.items() if iri in exact}
            values = "VALUES ?s { " + " ".join(f"<{iri}>" for iri in sorted(exact)) + " } "
            types_query = types_query.replace("WHERE {", "WHERE { " + values, 1)
            machine_query = machine_query.replace("WHERE {", "WHERE { " + values, 1)
        direct: dict[str, set[str]] = {}
        for row in store.query(_SUBCLASS_QUERY, prefixes=prefixes, use_default_graph_as_union=True):
            direct.setdefault(row["sub"].value, set()).add(row["super"].value)
        superclasses = _transitive(direct)
        for row in store.query(types_query, prefixes=prefixes):
            entry = self.entries.get(row["s"].value)
            if entry is None:
                continue
            cls = row["type"].value
            entry.classes |= {cls} | superclasses.get(cls, set())
            if row["g"].value != ns.inferred_graph:
                entry.types.add(cls)
        for row in store.query(machine_query, prefixes=prefixes, use_default_graph_as_union=True):
            if row["s"].value in self.entries:
                self.entries[row["s"].value].machine = True

    def _entry(self, iri: str) -> _Entry:
        entry = self.entries.get(iri)
        if entry is None:
            entry = self.entries[iri] = _Entry(iri)
        return entry

    def display_label(self, iri: str) -> str:
        entry = self.entries.get(iri)
        if entry is None:
            return iri
        return entry.label("zh") or entry.label("en") or entry.label("und") or iri

    def _names(self, entry: _Entry, with_pinyin: bool) -> list[tuple[str, str, bool, bool]]:
        """(name, folded key, is a label, is pinyin) for every name of an entity, cached."""
        cache = self._pinyin_names if with_pinyin else self._plain_names
        names = cache.get(entry.iri)
        if names is None:
            names = [(label, normalise(label), True, False) for label in entry.labels]
            names += [(alias, normalise(alias), False, False) for alias in entry.aliases]
            if with_pinyin:
                names += [(py, pinyin_key(py), True, True) for py in entry.pinyins]
                names += [(alias, pinyin_key(_pinyin(alias)), False, True)
                          for alias in entry.aliases if _HAN.search(alias)]
            cache[entry.iri] = names
        return names

    def search(self, text: str, *, limit: int | None = 20, entity_class: str | None = None) -> list[Hit]:
        """Entities whose names match ``text``, best first."""
        query = normalise(text)
        if not query:
            raise UserError("nothing to search for")
        with_pinyin = not _HAN.search(text)  # Latin text may be pinyin
        query_py = pinyin_key(text) if with_pinyin else ""
        hits: list[Hit] = []
        for entry in self.entries.values():
            if entity_class and entity_class not in entry.classes:
                continue
            best: tuple[int, int, str] | None = None
            for name, key, is_label, is_pinyin in self._names(entry, with_pinyin):
                wanted = query_py if is_pinyin else query
                if not key or not wanted:
                    continue
                if key == wanted:
                    rank = EXACT_LABEL if is_label else EXACT_ALIAS
                elif key.startswith(wanted):
                    rank = PREFIX
                elif wanted in key:
                    rank = SUBSTRING
                else:
                    continue
                candidate = (rank, len(key), name)
                if best is None or candidate < best:
                    best = candidate
            if best is not None:
                hits.append(Hit(entry.iri, self.display_label(entry.iri), entry.label("en"),
                                tuple(sorted(entry.types)), best[2], best[0], entry.machine))
        hits.sort(key=lambda h: (h.rank, h.machine_extracted, len(normalise(h.matched)), h.label, h.iri))
        return hits if limit is None else hits[:limit]


def _pinyin(text: str) -> str:
    from .slugs import pinyin

    return pinyin(text)


def resolve_entity(store: ox.Store, text: str, ns: Namespaces, *, entity_class: str | None = None,
                   index: SearchIndex | None = None) -> ox.NamedNode:
    """An IRI, a prefixed name, or a name (label, alias, pinyin) resolved to one entity's IRI.

    A name must pick out one entity by an exact label or alias (curated entities first);
    otherwise the error lists the nearest candidates.
    """
    from .reports import expand_iri

    text = text.strip()
    if not text:
        raise UserError("an entity is needed (a name, an alias, pinyin, a prefixed name or an IRI)")
    iri = expand_iri(text, ns) if not _HAN.search(text) else None
    if iri is not None:
        return iri
    cls = None
    if entity_class:
        expanded = expand_iri(entity_class, ns)
        cls = expanded.value if expanded else entity_class
    # Only the entities named exactly so are read in full (their types); the whole index is
    # built only to suggest names when there is none.
    hits = (index or SearchIndex(store, ns, named_exactly=text)).search(text, limit=None, entity_class=cls)
    exact = [h for h in hits if h.rank <= EXACT_ALIAS]
    if not exact and index is None:
        hits = SearchIndex(store, ns).search(text, limit=None, entity_class=cls)
        exact = [h for h in hits if h.rank <= EXACT_ALIAS]
    if exact:
        best_rank = min(h.rank for h in exact)
        exact = [h for h in exact if h.rank == best_rank]
        curated = [h for h in exact if not h.machine_extracted]
        exact = curated or exact
        if len(exact) == 1:
            return ox.NamedNode(exact[0].iri)
        raise UserError(f"'{text}' names {len(exact)} entities: {_choices(exact, ns)}; give a prefixed name")
    what = f"no {_short(cls, ns)} " if cls else "no entity "
    if not hits:
        raise UserError(f"{what}is called '{text}' (try 'kg search {text}')")
    raise UserError(f"{what}is called exactly '{text}'; did you mean {_choices(hits[:5], ns)}?")


def _short(iri: str | None, ns: Namespaces) -> str:
    from .render import compact

    return compact(ox.NamedNode(iri), ns.prefixes()) if iri else ""


def _choices(hits: list[Hit], ns: Namespaces) -> str:
    return ", ".join(f"{h.label} ({_short(h.iri, ns)})" for h in hits)


def search_store(store: ox.Store, text: str, ns: Namespaces, *, limit: int = 20,
                 entity_class: str | None = None) -> list[Hit]:
    """``kg search``: hits for ``text``, optionally only of one class (prefixed name or IRI)."""
    cls = None
    if entity_class:
        from .reports import expand_iri

        expanded = expand_iri(entity_class, ns)
        if expanded is None:
            raise UserError(f"--class: '{entity_class}' is not a prefixed name or an IRI")
        cls = expanded.value
    return SearchIndex(store, ns).search(text, limit=limit, entity_class=cls)


def render_hits(hits: list[Hit], fmt: str, ns: Namespaces) -> str:
    """A table (rank, entity, label, English label, kind, matched name) or JSON."""
    if fmt == "json":
        import json

        return json.dumps([{"iri": h.iri, "label": h.label, "label_en": h.label_en, "types": list(h.types),
                            "matched": h.matched, "match": h.how, "machine_extracted": h.machine_extracted}
                           for h in hits], ensure_ascii=False, indent=1)
    if not hits:
        return "no match"
    from .query import QueryResult
    from .render import as_table

    rows = [[ox.Literal(h.how), ox.NamedNode(h.iri), ox.Literal(h.label), ox.Literal(h.label_en or ""),
             ox.Literal(" ".join(_short(t, ns) for t in h.types)), ox.Literal(h.matched)] for h in hits]
    table = QueryResult("select", variables=["match", "entity", "label", "english", "kind", "matched"], rows=rows)
    return as_table(table, ns.prefixes())
