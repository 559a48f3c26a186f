"""IRIs of the project: one place that knows the base IRI and every prefix.

Everything else asks this module for IRIs, so a different ``--base`` changes them all.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BASE = "https://w3id.org/kaifang/"
CANONICAL_BASE = DEFAULT_BASE

ENTITY_KINDS = (
    "zone", "place", "organisation", "person", "industry", "corridor", "route", "port",
    "platform", "plan", "policy", "task", "project", "indicator", "observation",
)

STANDARD_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "qb": "http://purl.org/linked-data/cube#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


@dataclass(frozen=True)
class Namespaces:
    """The project's IRIs under one base."""

    base: str = DEFAULT_BASE

    @property
    def ontology(self) -> str:
        return self.base + "ontology#"

    @property
    def shapes(self) -> str:
        return self.base + "shapes#"

    def kgo(self, local: str) -> str:
        return self.ontology + local

    def entity(self, kind: str, slug: str) -> str:
        if kind not in ENTITY_KINDS:
            raise ValueError(f"unknown entity kind {kind!r}")
        return f"{self.base}id/{kind}/{slug}"

    def document(self, doc_id: str) -> str:
        return f"{self.base}doc/{doc_id}"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def evidence(self, scope: str, key: str) -> str:
        return f"{self.base}evidence/{scope}/{key}"

    @property
    def reference_graph(self) -> str:
        return self.graph("reference")

    @property
    def ontology_graph(self) -> str:
        return self.graph("ontology")

    @property
    def inferred_graph(self) -> str:
        return self.graph("inferred")

    def prefixes(self) -> dict[str, str]:
        """Prefixes predeclared for every query and used in every dump."""
        project = {"kgo": self.ontology, "kgs": self.shapes, "kgr": self.base + "id/",
                   "doc": self.base + "doc/", "graph": self.base + "graph/"}
        project.update({kind: f"{self.base}id/{kind}/" for kind in ENTITY_KINDS})
        return {**STANDARD_PREFIXES, **project}

    def rebase(self, text: str) -> str:
        """Rewrite the canonical base in curated files to this base."""
        return text if self.base == CANONICAL_BASE else text.replace(CANONICAL_BASE, self.base)

    def sparql_prologue(self) -> str:
        return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes().items())
