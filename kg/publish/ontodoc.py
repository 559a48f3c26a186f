"""The ontology's documentation page: every class, property and named individual of kgo:,
with zh/en labels and definitions, its place in the hierarchy, domains, ranges and inverses,
and how many resources of the release use it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyoxigraph as ox

from .html import bilingual, esc, relative
from .model import OWL, RDFS, SKOS, local_name

if TYPE_CHECKING:
    from .site import Site

PAGE = "ontology.html"
SECTIONS = (  # (type, heading zh, heading en)
    (OWL + "Class", "类", "Classes"),
    (OWL + "ObjectProperty", "对象属性", "Object properties"),
    (OWL + "DatatypeProperty", "数据属性", "Datatype properties"),
    (OWL + "AnnotationProperty", "注释属性", "Annotation properties"),
    (OWL + "NamedIndividual", "命名个体", "Named individuals"),
)
CHARACTERISTICS = ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty",
                   "AsymmetricProperty", "IrreflexiveProperty", "ReflexiveProperty")


def _terms_of_type(site: "Site", type_iri: str) -> list[ox.NamedNode]:
    kgo = site.ns.ontology
    return sorted({t.subject for t in site.graph.incoming.get(ox.NamedNode(type_iri), ())
                   if t.predicate.value.endswith("#type") and isinstance(t.subject, ox.NamedNode)
                   and t.subject.value.startswith(kgo)}, key=lambda n: n.value)


def _links(site: "Site", terms) -> str:
    return ", ".join(site.link(t, PAGE) for t in sorted(terms, key=lambda t: str(t))) or "—"


def _term(site: "Site", term: ox.NamedNode) -> str:
    graph = site.graph
    values = lambda p: graph.values(term, p)  # noqa: E731
    zh, en = site.term_name(term)
    rows = []
    for lang, label in (("en", "definition"), ("zh", "定义")):
        for d in values(SKOS + "definition"):
            if isinstance(d, ox.Literal) and d.language == lang:
                rows.append(f'<dt>{label}</dt><dd lang="{"zh-Hans" if lang == "zh" else "en"}">{esc(d.value)}</dd>')
    for predicate, label in ((RDFS + "subClassOf", "subclass of 上位类"), (RDFS + "subPropertyOf", "subproperty of"),
                             (RDFS + "domain", "domain 定义域"), (RDFS + "range", "range 值域"),
                             (OWL + "inverseOf", "inverse of 逆属性"), (OWL + "equivalentClass", "equivalent to"),
                             (OWL + "disjointWith", "disjoint with")):
        found = [v for v in values(predicate) if v != term and not graph.fact(
            ox.Triple(term, ox.NamedNode(predicate), v)).inferred_only(site.ns.inferred_graph)]
        if found:
            rows.append(f"<dt>{label}</dt><dd>{_links(site, found)}</dd>")
    subclasses = [t.subject for t in graph.incoming.get(term, ()) if t.predicate.value == RDFS + "subClassOf"
                  and t.subject != term and not graph.fact(t).inferred_only(site.ns.inferred_graph)]
    if subclasses:
        rows.append(f"<dt>subclasses 下位类</dt><dd>{_links(site, subclasses)}</dd>")
    kinds = [local_name(t.value) for t in graph.types(term) if local_name(t.value) in CHARACTERISTICS]
    if kinds:
        rows.append(f"<dt>characteristics</dt><dd>{esc(', '.join(sorted(kinds)))}</dd>")
    members = site.instances.get(term.value)
    if members:
        rows.append(f'<dt>resources 资源</dt><dd><a href="{esc(relative(site.class_path(term.value), PAGE))}">'
                    f"{len(members)}</a></dd>")
    anchor = term.value[len(site.ns.ontology):]
    return (f'<section id="{esc(anchor)}"><h3>{bilingual(zh, en) or esc(anchor)}</h3>'
            f'<p class="iri"><code>kgo:{esc(anchor)}</code></p><dl class="meta">{"".join(rows)}</dl></section>')


def ontology_page(site: "Site") -> str:
    ontology = ox.NamedNode(site.ns.ontology.rstrip("#"))
    zh = site.graph.name(ontology, "zh") or "开放平台知识图谱本体"
    en = site.graph.name(ontology, "en") or "Kaifang KG ontology"
    parts = [f"<h1>{bilingual(zh, en)}</h1>",
             f'<p class="iri"><code>{esc(site.ns.ontology)}</code> · <a href="../ontology.ttl">ontology.ttl</a> · '
             '<a href="../shapes.ttl">shapes.ttl</a> (SHACL)</p>']
    toc, sections, seen = [], [], set()
    for type_iri, heading_zh, heading_en in SECTIONS:
        terms = [t for t in _terms_of_type(site, type_iri) if t not in seen]  # a punned term is shown once
        seen.update(terms)
        if not terms:
            continue
        slug = heading_en.lower().replace(" ", "-")
        toc.append(f'<li><a href="#{slug}">{heading_zh} {heading_en}</a> ({len(terms)})</li>')
        sections.append(f'<h2 id="{slug}">{heading_zh} <span class="en">{heading_en}</span></h2>'
                        + "".join(_term(site, t) for t in terms))
    return "\n".join(parts + [f"<ul>{''.join(toc)}</ul>"] + sections)
