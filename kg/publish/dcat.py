"""VoID and DCAT description of a release: what it is, how big, under which licence, where to get it.

Everything here is derived from the quads and the release's own files, so two publishes of
the same inputs describe themselves identically (the issued date comes from the inputs).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from ..namespaces import STANDARD_PREFIXES
from . import rdfio
from .jsonld import Compactor
from .model import RDF_TYPE, ReleaseGraph

VOID = STANDARD_PREFIXES["void"]
DCAT = STANDARD_PREFIXES["dcat"]
DCTERMS = STANDARD_PREFIXES["dcterms"]
XSD = STANDARD_PREFIXES["xsd"]
OWL = STANDARD_PREFIXES["owl"]
PROV = STANDARD_PREFIXES["prov"]
SPDX = "http://spdx.org/rdf/terms#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FOAF = STANDARD_PREFIXES["foaf"]
CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"
IANA = "https://www.iana.org/assignments/media-types/"
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCTERMS, "xsd": XSD, "owl": OWL, "prov": PROV,
            "spdx": SPDX, "sd": SD, "foaf": FOAF, "rdf": STANDARD_PREFIXES["rdf"],
            "rdfs": STANDARD_PREFIXES["rdfs"]}
TITLE = {"en": "Kaifang KG: China's opening-up platforms", "zh": "开放平台知识图谱：中国对外开放平台"}
DESCRIPTION = {
    "en": "A knowledge graph of China's opening-up platforms (border pilot zones, free trade zone areas, "
          "bonded zones, ports, corridors, industries, plans) extracted from Chinese policy documents; "
          "every fact carries the sentence it came from.",
    "zh": "从中国政策文件中抽取的对外开放平台知识图谱（沿边重点开发开放试验区、自贸试验区片区、综合保税区、"
          "口岸、通道、产业、规划），每条事实都附有来源句子。",
}


@dataclass(frozen=True)
class Distribution:
    """One downloadable file of the release."""

    name: str
    media_type: str
    size: int
    sha256: str
    title: str


@dataclass(frozen=True)
class ReleaseDescription:
    version: str
    issued: str
    dataset_iri: str
    download_base: str
    endpoint: str
    landing_page: str
    previous_version: str | None
    distributions: tuple[Distribution, ...]


@dataclass(frozen=True)
class Counts:
    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int
    class_entities: tuple[tuple[str, int], ...]
    property_triples: tuple[tuple[str, int], ...]
    graph_triples: tuple[tuple[str, int], ...]


def count(graph: ReleaseGraph) -> Counts:
    """Sizes of the union of all graphs, per class, per property and per named graph."""
    triples = {q.triple for q in graph.quads}
    typed = {(t.subject, t.object.value) for t in triples if t.predicate == RDF_TYPE}
    by_graph = Counter(q.graph_name.value for q in graph.quads if not isinstance(q.graph_name, ox.DefaultGraph))
    return Counts(
        triples=len(triples),
        entities=len(graph.resources()),
        classes=len({cls for _, cls in typed}),
        properties=len({t.predicate.value for t in triples}),
        distinct_subjects=len({t.subject for t in triples}),
        distinct_objects=len({t.object for t in triples}),
        class_entities=tuple(sorted(Counter(cls for _, cls in typed).items())),
        property_triples=tuple(sorted(Counter(t.predicate.value for t in triples).items())),
        graph_triples=tuple(sorted(by_graph.items())),
    )


def _fragment(kind: str, iri: str, compactor: Compactor) -> str:
    compact = compactor.iri(iri)
    if compact == iri:
        return f"{kind}-{rdfio.sha256_hex(iri.encode())[:12]}"
    return f"{kind}-{compact.replace(':', '-')}"


def describe(graph: ReleaseGraph, counts: Counts, release: ReleaseDescription) -> list[ox.Triple]:
    ns = graph.ns
    d = ox.NamedNode(release.dataset_iri)
    compactor = Compactor(ns.prefixes())
    triples: list[ox.Triple] = []

    def add(s, p: str, o) -> None:
        triples.append(ox.Triple(s, ox.NamedNode(p), o))

    def integer(n: int, datatype: str = "integer") -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD + datatype))

    iri = ox.NamedNode
    add(d, RDF_TYPE.value, iri(VOID + "Dataset"))
    add(d, RDF_TYPE.value, iri(DCAT + "Dataset"))
    for lang in ("en", "zh"):
        add(d, DCTERMS + "title", ox.Literal(TITLE[lang], language=lang))
        add(d, DCTERMS + "description", ox.Literal(DESCRIPTION[lang], language=lang))
        add(d, DCTERMS + "language", iri(f"http://id.loc.gov/vocabulary/iso639-1/{lang}"))
    for keyword in ("opening-up", "free trade zone", "border pilot zone", "knowledge graph"):
        add(d, DCAT + "keyword", ox.Literal(keyword, language="en"))
    for keyword in ("对外开放", "自由贸易试验区", "沿边重点开发开放试验区", "知识图谱"):
        add(d, DCAT + "keyword", ox.Literal(keyword, language="zh"))
    add(d, DCTERMS + "license", iri(CC_BY_4))
    add(d, DCTERMS + "rights", ox.Literal(
        "CC BY 4.0; evidence quotes are short excerpts attributed to their source documents.", language="en"))
    add(d, DCAT + "version", ox.Literal(release.version))
    add(d, OWL + "versionInfo", ox.Literal(release.version))
    add(d, DCTERMS + "issued", ox.Literal(release.issued, datatype=iri(XSD + "date")))
    add(d, DCTERMS + "isVersionOf", iri(ns.base + "dataset"))
    if release.previous_version:
        add(d, DCAT + "previousVersion", iri(f"{ns.base}release/{release.previous_version}"))
    add(d, DCAT + "landingPage", iri(release.landing_page))
    add(d, FOAF + "homepage", iri(release.landing_page))
    add(d, VOID + "uriSpace", ox.Literal(ns.base + "id/"))
    add(d, VOID + "vocabulary", iri(ns.ontology))
    add(d, VOID + "triples", integer(counts.triples))
    add(d, VOID + "entities", integer(counts.entities))
    add(d, VOID + "classes", integer(counts.classes))
    add(d, VOID + "properties", integer(counts.properties))
    add(d, VOID + "distinctSubjects", integer(counts.distinct_subjects))
    add(d, VOID + "distinctObjects", integer(counts.distinct_objects))
    for doc in sorted({t.subject.value for t in graph.graphs_of if t.predicate == RDF_TYPE
                       and t.object.value == ns.kgo("SourceDocument")}):
        add(d, DCTERMS + "source", iri(doc))
        add(d, PROV + "wasDerivedFrom", iri(doc))

    for cls, n in counts.class_entities:
        part = iri(f"{release.dataset_iri}#{_fragment('class', cls, compactor)}")
        add(d, VOID + "classPartition", part)
        add(part, VOID + "class", iri(cls))
        add(part, VOID + "entities", integer(n))
    for prop, n in counts.property_triples:
        part = iri(f"{release.dataset_iri}#{_fragment('property', prop, compactor)}")
        add(d, VOID + "propertyPartition", part)
        add(part, VOID + "property", iri(prop))
        add(part, VOID + "triples", integer(n))
    for graph_name, n in counts.graph_triples:
        subset = iri(f"{release.dataset_iri}#{_fragment('graph', graph_name, compactor)}")
        add(d, VOID + "subset", subset)
        add(subset, RDF_TYPE.value, iri(VOID + "Dataset"))
        add(subset, RDF_TYPE.value, iri(SD + "NamedGraph"))
        add(subset, SD + "name", iri(graph_name))
        add(subset, VOID + "triples", integer(n))

    endpoint = iri(release.endpoint)
    add(d, VOID + "sparqlEndpoint", endpoint)
    add(endpoint, RDF_TYPE.value, iri(DCAT + "DataService"))
    add(endpoint, DCAT + "endpointURL", endpoint)
    add(endpoint, DCAT + "servesDataset", d)
    add(endpoint, DCTERMS + "conformsTo", iri("https://www.w3.org/TR/sparql11-protocol/"))
    add(endpoint, DCTERMS + "title", ox.Literal("Kaifang KG SPARQL endpoint (read-only)", language="en"))

    for dist in release.distributions:
        url = iri(release.download_base + dist.name)
        checksum = iri(f"{release.dataset_iri}#checksum-{dist.name}")
        if dist.name.startswith("kg."):
            add(d, VOID + "dataDump", url)
        add(d, DCAT + "distribution", url)
        add(url, RDF_TYPE.value, iri(DCAT + "Distribution"))
        add(url, DCTERMS + "title", ox.Literal(dist.title, language="en"))
        add(url, DCAT + "downloadURL", url)
        add(url, DCAT + "accessURL", url)
        add(url, DCAT + "mediaType", iri(IANA + dist.media_type))
        add(url, DCAT + "byteSize", integer(dist.size, "nonNegativeInteger"))
        add(url, DCTERMS + "license", iri(CC_BY_4))
        add(url, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE.value, iri(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", iri(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", ox.Literal(dist.sha256, datatype=iri(XSD + "hexBinary")))
    return rdfio.sorted_triples(triples)


def void_turtle(graph: ReleaseGraph, counts: Counts, release: ReleaseDescription) -> bytes:
    prefixes = {**PREFIXES, **graph.ns.prefixes()}
    header = (f"# VoID and DCAT description of Kaifang KG release {release.version} ({release.issued}).\n"
              "# Licence: CC BY 4.0.\n\n")
    return rdfio.turtle(describe(graph, counts, release), prefixes, header=header)
