"""The static linked-data site of a release: one page per resource, class, report and document.

Resource pages sit at the path of their IRI below the base (``id/zone/baise-pilot-zone.html``),
with the resource's Turtle and JSON-LD beside them (linked with ``<link rel="alternate">``),
its facts grouped by property with the evidence sentence of each, a Graphviz picture of its
neighbourhood, and charts of its indicators. Everything is relative links and inline SVG:
the site works from a folder, offline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import jsonld, rdfio
from .charts import ACTUAL, TARGET, IndicatorSeries, Point, count_chart, indicator_chart, parse_decimal
from .dcat import Counts
from .html import STYLE, bilingual, esc, page, relative
from .model import RDF, RDF_TYPE, RDFS, SKOS, Fact, ReleaseGraph, local_name
from .neighbourhood import Edge, Node, Picture, dot_available, render
from .ontodoc import ontology_page
from .reportpages import report_pages

PINNED = (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", RDF + "type")
DCTERMS_NS = "http://purl.org/dc/terms/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN_DATATYPES = {"string", "integer", "decimal", "double", "boolean", "date", "gYear", "nonNegativeInteger"}
STANDARD_NAMES = {  # names for the reused vocabulary's terms, which the ontology does not label
    RDF + "type": ("类型", "type"), RDFS + "label": ("标签", "label"), SKOS + "altLabel": ("别名", "alias"),
    SKOS + "prefLabel": ("首选标签", "preferred label"), SKOS + "definition": ("定义", "definition"),
    SKOS + "inScheme": ("所属体系", "in scheme"), SKOS + "broader": ("上位概念", "broader"),
    SKOS + "narrower": ("下位概念", "narrower"), RDFS + "comment": ("注释", "comment"),
    RDFS + "subClassOf": ("上位类", "subclass of"), RDFS + "seeAlso": ("参见", "see also"),
    DCTERMS_NS + "title": ("标题", "title"), DCTERMS_NS + "issued": ("发布日期", "issued"),
    DCTERMS_NS + "creator": ("作者/发布者", "creator"), DCTERMS_NS + "source": ("来源", "source"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("来源于", "derived from"),
    "http://www.w3.org/2002/07/owl#sameAs": ("等同于", "same as"),
}
MAX_EDGES = 24
MAX_VALUES_SHOWN = 300
EVIDENCE_SHOWN = 2


@dataclass(frozen=True)
class SiteInputs:
    version: str
    issued: str
    counts: Counts
    changes: str
    dumps: tuple[tuple[str, str], ...]
    endpoint: str
    store: Path | None = None  # for running the saved reports
    reports_dir: Path | None = None


@dataclass
class SiteResult:
    pages: int = 0
    notes: list[str] = field(default_factory=list)


class Site:
    """Knows where every page lives and how to link to it."""

    def __init__(self, graph: ReleaseGraph, folder: Path, inputs: SiteInputs) -> None:
        self.graph = graph
        self.ns = graph.ns
        self.folder = folder
        self.inputs = inputs
        self.result = SiteResult()
        self.prefixes = self.ns.prefixes()
        self.compactor = jsonld.Compactor(self.prefixes)
        self.instances = graph.instances()
        self.observations = self._observations()

    # -- paths -----------------------------------------------------------------------------

    def resource_path(self, term) -> str | None:
        if not self.graph.is_resource(term):
            return None
        return term.value[len(self.ns.base):] + ".html"

    def class_path(self, iri: str) -> str:
        return "class/" + self.compactor.iri(iri).replace(":", "-").replace("/", "-") + ".html"

    def href(self, term, page_path: str) -> str | None:
        """A link to the term's page, the ontology documentation, or the IRI itself."""
        if not isinstance(term, ox.NamedNode):
            return None
        path = self.resource_path(term)
        if path:
            return relative(path, page_path)
        if term.value.startswith(self.ns.ontology):
            return relative("ontology.html#" + term.value[len(self.ns.ontology):], page_path)
        return term.value

    def write(self, path: str, html: str) -> None:
        rdfio.write_bytes(self.folder / path, html.encode("utf-8"))
        self.result.pages += 1

    def page(self, path: str, title: str, body: str, **kwargs) -> None:
        self.write(path, page(path, title, body, version=self.inputs.version, **kwargs))

    # -- rendering of terms ----------------------------------------------------------------

    def term_name(self, term) -> tuple[str | None, str | None]:
        zh, en = self.graph.name(term, "zh"), self.graph.name(term, "en")
        if not (zh or en) and isinstance(term, ox.NamedNode):
            return STANDARD_NAMES.get(term.value, (None, None))
        return zh, en

    def link(self, term, page_path: str) -> str:
        if isinstance(term, ox.Literal):
            return self.literal(term)
        if isinstance(term, ox.BlankNode):
            return f"<code>_:{esc(term.value)}</code>"
        zh, en = self.term_name(term)
        text = bilingual(zh, en) if (zh or en) else f"<code>{esc(self.compactor.iri(term.value))}</code>"
        href = self.href(term, page_path)
        external = ' rel="external"' if href == term.value else ""
        return f'<a href="{esc(href)}"{external}>{text}</a>'

    def literal(self, term: ox.Literal) -> str:
        if term.language:
            lang = "zh-Hans" if term.language == "zh" else term.language
            return f'<span lang="{esc(lang)}">{esc(term.value)}</span> <span class="lang">@{esc(term.language)}</span>'
        datatype = term.datatype.value
        if datatype.startswith(XSD) and datatype[len(XSD):] in PLAIN_DATATYPES:
            return f'<span class="{esc(datatype[len(XSD):])}">{esc(term.value)}</span>'  # self-evident types
        return f'{esc(term.value)} <span class="lang">{esc(self.compactor.iri(datatype))}</span>'

    def evidence_html(self, fact: Fact, page_path: str) -> str:
        parts = []
        for i, ev in enumerate(fact.evidence):
            if i == EVIDENCE_SHOWN:
                parts.append(f"<details><summary>{len(fact.evidence) - EVIDENCE_SHOWN} more 更多证据</summary>")
            doc = ox.NamedNode(ev.document) if ev.document else None
            source = self.link(doc, page_path) if doc else ""
            if ev.sentence:
                sentence = esc(ev.sentence)
                if ev.surface and esc(ev.surface) in sentence:
                    sentence = sentence.replace(esc(ev.surface), f"<mark>{esc(ev.surface)}</mark>", 1)
                span = f" · chars {ev.start}–{ev.end}" if ev.start is not None else ""
                parts.append(f'<blockquote lang="zh-Hans">{sentence}</blockquote>'
                             f"<cite>{source} · {esc(ev.rule)}{span}</cite>")
            elif ev.curation_file:
                parts.append(f'<cite><span class="curated">curated 人工整理</span> · {esc(ev.curation_file)}</cite>')
            else:
                parts.append(f"<cite>{source} · {esc(ev.rule)}</cite>")
        if len(fact.evidence) > EVIDENCE_SHOWN:
            parts.append("</details>")
        if fact.inferred_only(self.ns.inferred_graph):
            parts.append('<span class="inferred">inferred 推理 · OWL 2 RL</span>')
        return f'<div class="evidence">{"".join(parts)}</div>'

    def predicate_order(self, predicate: str) -> tuple:
        if predicate in PINNED:
            return (0, PINNED.index(predicate), "")
        term = ox.NamedNode(predicate)
        return (1, 0, (self.term_name(term)[1] or local_name(predicate)).lower(), predicate)

    # -- data for charts -------------------------------------------------------------------

    def _observations(self) -> dict[str, dict[str, list]]:
        """Observations by observed entity, then by indicator: (period, status, value, unit)."""
        kgo = self.ns.kgo
        by_entity: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for obs in self.instances.get(kgo("Observation"), []):
            def one(local: str):
                values = self.graph.values(obs, kgo(local))
                return values[0] if values else None
            entity, indicator, value = one("observedEntity"), one("indicator"), one("value")
            if entity is None or indicator is None or value is None:
                continue
            number = parse_decimal(value.value)
            if number is None:
                continue
            status = one("status")
            status_name = {kgo("Actual"): ACTUAL, kgo("Target"): TARGET}.get(status.value if status else "", "other")
            period = one("period") or one("year")
            unit = one("unit")
            by_entity[entity.value][indicator.value].append(
                (period.value if period else "?", status_name, number, unit.value if unit else ""))
        return by_entity

    def charts_for(self, entity_iri: str, chart_prefix: str) -> list[str]:
        charts = []
        for n, (indicator, rows) in enumerate(sorted(self.observations.get(entity_iri, {}).items())):
            term = ox.NamedNode(indicator)
            units = sorted({unit for *_, unit in rows if unit})
            series = IndicatorSeries(
                title_zh=self.graph.name(term, "zh") or local_name(indicator),
                title_en=self.graph.name(term, "en") or "", unit=" / ".join(units),
                points=tuple(sorted({Point(period, status, value) for period, status, value, _ in rows},
                                    key=lambda p: (p.period, p.status, p.value))))
            charts.append(indicator_chart(series, f"{chart_prefix}-{n}"))
        return charts


def build_site(graph: ReleaseGraph, folder: Path, inputs: SiteInputs) -> SiteResult:
    """Write the whole site into ``folder``; returns the page count and notes for the user."""
    site = Site(graph, folder, inputs)
    rdfio.write_bytes(folder / "style.css", STYLE.lstrip().encode("utf-8"))
    resources = graph.resources()
    pictures = [_picture(site, r) for r in resources]
    if not dot_available():
        site.result.notes.append("graphviz 'dot' not found: neighbourhood pictures left out of the site")
    svg_of = _pictures_by_resource(resources, pictures)
    for resource in resources:
        _resource_page(site, resource, svg_of.get(resource.value))
    _class_pages(site)
    _index_page(site)
    _documents_page(site)
    _indicators_page(site)
    site.page("ontology.html", "本体 Ontology", ontology_page(site), description="Kaifang KG ontology documentation")
    report_pages(site)
    return site.result


def _pictures_by_resource(resources: list[ox.NamedNode], pictures: list[Picture | None]) -> dict[str, str]:
    drawable = [(r, p) for r, p in zip(resources, pictures) if p is not None]
    svgs = render([p for _, p in drawable])
    return {r.value: svg for (r, _), svg in zip(drawable, svgs) if svg}


def _picture(site: Site, resource: ox.NamedNode) -> Picture | None:
    graph, ns = site.graph, site.ns
    page_path = site.resource_path(resource)
    skip = {RDF_TYPE.value, ns.kgo("mentionedIn")}
    edges: list[tuple[str, str, ox.NamedNode, ox.NamedNode]] = []  # (predicate, direction, source, target)
    for triple in graph.outgoing.get(resource, ()):
        if triple.predicate.value not in skip and graph.is_resource(triple.object) and triple.object != resource \
                and not graph.fact(triple).inferred_only(ns.inferred_graph):
            edges.append((triple.predicate.value, "out", resource, triple.object))
    charted = ns.kgo("observedEntity")  # observations are drawn as charts, not as nodes
    for triple in graph.incoming.get(resource, ()):
        if triple.predicate.value not in skip | {charted} and graph.is_resource(triple.subject) \
                and triple.subject != resource \
                and not graph.fact(triple).inferred_only(ns.inferred_graph):
            edges.append((triple.predicate.value, "in", triple.subject, resource))
    if not edges:
        return None
    edges = sorted(set(edges), key=lambda e: (e[0], e[1], e[2].value, e[3].value))[:MAX_EDGES]
    picture = Picture(name=resource.value)
    keys: dict[str, str] = {}
    for node in [resource] + [n for e in edges for n in (e[2], e[3])]:
        if node.value in keys:
            continue
        keys[node.value] = f"n{len(keys)}"
        zh, en = site.term_name(node)
        label = "\n".join(x for x in (zh, en if en != zh else None) if x) or local_name(node.value)
        picture.nodes.append(Node(keys[node.value], label, None if node == resource else site.href(node, page_path),
                                  site.compactor.iri(node.value), centre=node == resource))
    for predicate, _, source, target in edges:
        p = ox.NamedNode(predicate)
        picture.edges.append(Edge(keys[source.value], keys[target.value],
                                  graph.name(p, "zh") or local_name(predicate)))
    return picture


def _resource_triples(site: Site, resource: ox.NamedNode) -> list[ox.Triple]:
    """The resource's own triples and the evidence nodes about them: its linked-data document."""
    graph = site.graph
    triples = list(graph.outgoing.get(resource, ()))
    for triple in list(triples):
        for ev in graph.evidence_of.get(triple, ()):
            triples.extend(graph.evidence_triples.get(ev.iri, ()))
    return rdfio.sorted_triples(triples)


def _resource_page(site: Site, resource: ox.NamedNode, svg: str | None) -> None:
    graph = site.graph
    path = site.resource_path(resource)
    stem = path[: -len(".html")]
    name = stem.rsplit("/", 1)[-1]
    triples = _resource_triples(site, resource)
    rdfio.write_bytes(site.folder / f"{stem}.ttl", rdfio.turtle(triples, site.prefixes))
    rdfio.write_bytes(site.folder / f"{stem}.jsonld", jsonld.triples_document(triples, site.prefixes))

    zh, en = site.term_name(resource)
    types = sorted({t.value for t in graph.types(resource)})
    type_links = " ".join(f'<a class="badge" href="{esc(relative(site.class_path(t), path))}">'
                          f"{bilingual(*site.term_name(ox.NamedNode(t))) or esc(site.compactor.iri(t))}</a>"
                          for t in types)
    body = [f"<h1>{bilingual(zh, en) or esc(local_name(resource.value))}</h1>",
            f'<p class="iri"><code>{esc(resource.value)}</code> · '
            f'<a href="{esc(name)}.ttl">Turtle</a> · <a href="{esc(name)}.jsonld">JSON-LD</a></p>',
            f"<p>{type_links}</p>"]
    if svg:
        body.append(f'<section class="neighbourhood"><h2>关系图 <span class="en">Neighbourhood</span></h2>'
                    f'<div class="figure">{svg}</div></section>')
    charts = site.charts_for(resource.value, "chart")
    if charts:
        body.append('<section class="indicators"><h2>指标 <span class="en">Indicators: actual vs target</span></h2>'
                    f'<div class="charts">{"".join(charts)}</div></section>')

    groups: dict[str, list[Fact]] = defaultdict(list)
    for triple in graph.outgoing.get(resource, ()):
        groups[triple.predicate.value].append(graph.fact(triple))
    rows = []
    for predicate in sorted(groups, key=site.predicate_order):
        facts = sorted(groups[predicate], key=lambda f: (f.inferred_only(site.ns.inferred_graph), str(f.object)))
        head = site.link(ox.NamedNode(predicate), path)
        for i, fact in enumerate(facts[:MAX_VALUES_SHOWN]):
            cell = f'<th rowspan="{min(len(facts), MAX_VALUES_SHOWN)}">{head}</th>' if i == 0 else ""
            rows.append(f"<tr>{cell}<td>{site.link(fact.object, path)}</td><td>{site.evidence_html(fact, path)}</td></tr>")
    body.append('<section class="facts"><h2>事实 <span class="en">Facts and their evidence</span></h2>'
                '<table><thead><tr><th>属性 property</th><th>值 value</th><th>证据 evidence</th></tr></thead>'
                f'<tbody>{"".join(rows)}</tbody></table></section>')

    incoming: dict[str, list[ox.Triple]] = defaultdict(list)
    for triple in graph.incoming.get(resource, ()):
        incoming[triple.predicate.value].append(triple)
    if incoming:
        items = []
        for predicate in sorted(incoming, key=site.predicate_order):
            subjects = sorted({t.subject for t in incoming[predicate]}, key=lambda s: str(s))
            shown = subjects[:MAX_VALUES_SHOWN]
            more = f" … and {len(subjects) - len(shown)} more" if len(subjects) > len(shown) else ""
            items.append(f"<tr><th>{site.link(ox.NamedNode(predicate), path)}</th><td>"
                         + " · ".join(site.link(s, path) for s in shown) + f"{more}</td></tr>")
        body.append('<section class="incoming"><h2>被引用 <span class="en">Referenced by</span></h2>'
                    f'<table><tbody>{"".join(items)}</tbody></table></section>')
    alternates = ((f"{name}.ttl", rdfio.TURTLE_MEDIA), (f"{name}.jsonld", jsonld.MEDIA_TYPE))
    site.page(path, zh or en or local_name(resource.value), "\n".join(body), alternates=alternates,
              description=f"{zh or ''} {en or ''}".strip())


def _class_pages(site: Site) -> None:
    for cls, members in site.instances.items():
        path = site.class_path(cls)
        term = ox.NamedNode(cls)
        zh, en = site.term_name(term)
        items = "".join(f"<li>{site.link(m, path)}</li>" for m in sorted(members, key=lambda m: site.graph.any_label(m)))
        body = (f"<h1>{bilingual(zh, en) or esc(site.compactor.iri(cls))}</h1>"
                f'<p class="iri"><code>{esc(cls)}</code> · {site.link(term, path)} · {len(members)} resources</p>'
                f'<ul class="columns">{items}</ul>')
        site.page(path, zh or en or local_name(cls), body)
    rows = "".join(
        f'<tr><td><a href="{esc(site.class_path(cls))}">{bilingual(*site.term_name(ox.NamedNode(cls))) or esc(cls)}</a>'
        f'</td><td><code>{esc(site.compactor.iri(cls))}</code></td><td class="num">{len(members)}</td></tr>'
        for cls, members in site.instances.items())
    site.page("classes.html", "类 Classes",
              "<h1>类 <span class=\"en\">Classes</span></h1><table><thead><tr><th>class</th><th>IRI</th>"
              f"<th>resources</th></tr></thead><tbody>{rows}</tbody></table>")


def _class_chart(site: Site, page_path: str) -> str:
    kgo = site.ns.ontology
    rows = sorted(((cls, len(m)) for cls, m in site.instances.items() if cls.startswith(kgo)
                   and cls != site.ns.kgo("SourceDocument")), key=lambda r: (-r[1], r[0]))[:20]
    data = [(f"{site.graph.name(ox.NamedNode(c), 'zh') or local_name(c)} {site.graph.name(ox.NamedNode(c), 'en') or ''}",
             n, relative(site.class_path(c), page_path)) for c, n in rows]
    return count_chart(data, "资源数（按类） Resources per class", "class-chart")


def _index_page(site: Site) -> None:
    c, inputs = site.inputs.counts, site.inputs
    downloads = "".join(f'<li><a href="../{esc(name)}">{esc(name)}</a> — {esc(title)}</li>' for name, title in inputs.dumps)
    documents = site.instances.get(site.ns.kgo("SourceDocument"), [])
    doc_items = "".join(f"<li>{site.link(d, 'index.html')}</li>" for d in documents)
    body = f"""<h1>开放平台知识图谱 <span class="en">Kaifang KG</span></h1>
<p lang="zh-Hans">中国对外开放平台（沿边重点开发开放试验区、自贸试验区片区、综合保税区、口岸、通道、产业、规划）的知识图谱，每条事实都附有来源句子。</p>
<p lang="en">A knowledge graph of China's opening-up platforms, built from Chinese policy documents; every fact
carries the sentence it came from.</p>
<dl class="meta"><dt>版本 version</dt><dd>{esc(inputs.version)}</dd><dt>发布日期 issued</dt><dd>{esc(inputs.issued)}</dd>
<dt>三元组 triples</dt><dd>{c.triples}</dd><dt>实体 entities</dt><dd>{c.entities}</dd>
<dt>类 classes</dt><dd>{c.classes}</dd><dt>属性 properties</dt><dd>{c.properties}</dd>
<dt>变更 changes</dt><dd><a href="../CHANGELOG.md">{esc(inputs.changes)}</a></dd>
<dt>SPARQL</dt><dd><code>{esc(inputs.endpoint)}</code> (<code>kg serve</code>)</dd>
<dt>许可 licence</dt><dd><a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a></dd></dl>
<div class="figure">{_class_chart(site, "index.html")}</div>
<h2>来源文献 <span class="en">Source documents</span></h2><ul>{doc_items}</ul>
<h2>下载 <span class="en">Downloads</span></h2><ul>{downloads}
<li><a href="../void.ttl">void.ttl</a> — VoID and DCAT description</li>
<li><a href="../SHA256SUMS">SHA256SUMS</a> — checksums (<code>sha256sum -c SHA256SUMS</code>)</li></ul>
<h2>浏览 <span class="en">Browse</span></h2><ul><li><a href="classes.html">类 Classes</a></li>
<li><a href="ontology.html">本体 Ontology</a></li><li><a href="reports/index.html">报表 Reports</a></li>
<li><a href="indicators.html">指标 Indicators</a></li><li><a href="documents.html">文献 Documents</a></li></ul>"""
    site.page("index.html", "开放平台知识图谱 Kaifang KG", body, alternates=(("../void.ttl", rdfio.TURTLE_MEDIA),))


def _documents_page(site: Site) -> None:
    kgo, dcterms = site.ns.kgo, "http://purl.org/dc/terms/"
    graph_sizes = dict(site.inputs.counts.graph_triples)
    rows = []
    for doc in site.instances.get(kgo("SourceDocument"), []):
        issued = site.graph.values(doc, dcterms + "issued")
        doc_id = doc.value.rsplit("/", 1)[-1]
        size = graph_sizes.get(site.ns.graph(doc_id), 0)
        rows.append(f"<tr><td>{site.link(doc, 'documents.html')}</td><td>{esc(issued[0].value) if issued else ''}</td>"
                    f'<td><code>{esc(site.compactor.iri(site.ns.graph(doc_id)))}</code></td><td class="num">{size}</td></tr>')
    site.page("documents.html", "文献 Documents",
              "<h1>来源文献 <span class=\"en\">Source documents</span></h1><table><thead><tr><th>document</th>"
              "<th>issued</th><th>named graph</th><th>triples</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _indicators_page(site: Site) -> None:
    sections = []
    for n, entity in enumerate(sorted(site.observations)):
        term = ox.NamedNode(entity)
        charts = site.charts_for(entity, f"chart-{n}")
        sections.append(f"<section><h2>{site.link(term, 'indicators.html')}</h2>"
                        f'<div class="charts">{"".join(charts)}</div></section>')
    body = ("<h1>指标 <span class=\"en\">Indicators: actual against target</span></h1>"
            + ("".join(sections) or "<p>No indicator observations in this release. 本版本没有指标观测值。</p>"))
    site.page("indicators.html", "指标 Indicators", body)
