"""SHACL validation of the closed dataset.

Two engines give the same results (tests/test_equivalence.py compares them):

- ``native`` (the default): the shapes compiled to SPARQL (kg/shacl.py) and run by the store,
  so tens of thousands of evidence nodes are checked in the query engine, not in Python.
- ``pyshacl``: the reference, over an rdflib copy of the dataset; minutes on large corpora.

Both return the same ValidationReport, and the report graph (validation.ttl) has the same
shape: one sh:ValidationResult per result, with focus node, path, value, severity, source
shape, constraint component and the shape's messages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import STANDARD_PREFIXES, Namespaces

SH = "http://www.w3.org/ns/shacl#"
SEVERITY_LEVELS = {SH + "Violation": "ERROR", SH + "Warning": "WARN", SH + "Info": "INFO"}
ENGINES = ("native", "pyshacl")
DEFAULT_ENGINE = "native"
DETAIL_BATCH = 500  # focus nodes per query fetching the values that violate a constraint


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for people."""

    level: str  # ERROR, WARN or INFO
    focus: str
    path: str | None  # an IRI, or SPARQL property-path text for complex paths
    shape: str | None  # None for a blank-node shape
    message: str
    value: str | None
    component: str | None = None  # the SHACL constraint component, e.g. sh:MinCountConstraintComponent

    def key(self) -> tuple:
        """What identifies a result independently of the engine and of message wording."""
        return (self.focus, self.path, self.shape, self.component, self.level, self.value)


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    report_turtle: str = ""
    skipped: bool = False
    engine: str = ""

    @property
    def counts(self) -> Counter:
        return Counter(f.level for f in self.findings)

    @property
    def errors(self) -> int:
        return self.counts.get("ERROR", 0)

    def summary(self) -> str:
        if self.skipped:
            return "not validated (--no-validate)"
        c = self.counts
        return f"{c.get('ERROR', 0)} errors, {c.get('WARN', 0)} warnings, {c.get('INFO', 0)} infos"


def validate_store(store: ox.Store, shapes_file: Path, ns: Namespaces, engine: str = DEFAULT_ENGINE, *,
                   compiled: CompiledShapes | None = None,
                   local_results: list[RawResult] | None = None) -> ValidationReport:
    """Validate the union of all graphs against the shapes; the closure is already in the data.

    The native engine can take shapes compiled earlier and the results of their graph-local
    plans, run graph by graph during extraction (see CompiledShapes).
    """
    shapes_turtle = ns.rebase(shapes_file.read_text(encoding="utf-8"))
    if engine == "pyshacl":
        return pyshacl_validate(store, shapes_turtle)
    if engine == "native":
        return native_validate(store, shapes_turtle, ns, compiled=compiled, local_results=local_results)
    raise ValueError(f"unknown validator {engine!r}")


def _sort_key(f: Finding) -> tuple:
    return (f.level, f.focus, f.path or "", f.message, f.shape or "", f.component or "", f.value or "")


# --- native: shapes compiled to SPARQL -------------------------------------------------------

@dataclass(frozen=True)
class RawResult:
    """One result as a plan's query gives it: picklable, so worker processes can send it back."""

    plan: int  # index into CompiledShapes.plans
    component: str
    focus: object  # an ox term
    value: object | None


@dataclass
class CompiledShapes:
    """The shapes compiled to queries once per build, shared by the main process and the workers.

    Plans whose only targets are evidence nodes are *graph-local*: an evidence node and
    everything its shapes read (its properties, its document's type) are in one named graph,
    the graph of the document it describes, so those plans can run document by document on
    that graph alone (in the extraction workers) and the rest on the whole dataset.
    """

    graph: object  # kg.shacl.ShapesGraph
    plans: list
    local: frozenset[int]  # indices of the graph-local plans

    def run(self, store: ox.Store, which: str = "all") -> list[RawResult]:
        """Run the plans ("all", "local" or "global") over the union of the store's graphs."""
        chosen = [i for i in range(len(self.plans))
                  if which == "all" or (i in self.local) == (which == "local")]
        return [r for i in chosen for r in _run_plan(store, i, self.plans[i])]


def compile_for(store: ox.Store, shapes_turtle: str, ns: Namespaces) -> CompiledShapes:
    """Compile the shapes, reading the class hierarchy (rdfs:subClassOf) from the store's data."""
    from .shacl import compile_shapes

    narrower: dict = {}  # class -> its direct subclasses, read once from the data
    query = f"SELECT DISTINCT ?sub ?super WHERE {{ ?sub <{STANDARD_PREFIXES['rdfs']}subClassOf> ?super }}"
    for row in store.query(query, use_default_graph_as_union=True):
        narrower.setdefault(row["super"], set()).add(row["sub"])

    def subclasses(cls: str) -> list:
        """The class and everything below it (rdfs:subClassOf*), as the data says."""
        found, todo = {ox.NamedNode(cls)}, [ox.NamedNode(cls)]
        while todo:
            for sub in narrower.get(todo.pop(), ()):
                if sub not in found:
                    found.add(sub)
                    todo.append(sub)
        return sorted(found, key=str)

    graph, plans = compile_shapes(shapes_turtle, subclasses)
    evidence = frozenset({ns.kgo("Evidence")})
    local = frozenset(i for i, plan in enumerate(plans) if plan.target_classes and plan.target_classes <= evidence)
    return CompiledShapes(graph, plans, local)


def _run_plan(store: ox.Store, index: int, plan) -> list[RawResult]:
    found: list[RawResult] = []
    rows = store.query(plan.query, use_default_graph_as_union=True)
    if plan.form == "rows":
        constraint = plan.constraints[0]
        for row in rows:
            found.append(RawResult(index, constraint.component, row["this"],
                                   row["value"] if constraint.reports_value else None))
        return found
    failing: dict[int, list] = {}
    for row in rows:
        for i, constraint in enumerate(plan.constraints):
            if row[f"c{i}"].value != "true":
                continue
            if constraint.value_condition is not None:
                failing.setdefault(i, []).append(row["this"])
            else:
                found.append(RawResult(index, constraint.component, row["this"],
                                       row["this"] if constraint.reports_value else None))
    for i, focus_nodes in failing.items():
        constraint = plan.constraints[i]
        for chunk in range(0, len(focus_nodes), DETAIL_BATCH):
            query = plan.details_query(constraint, focus_nodes[chunk:chunk + DETAIL_BATCH])
            for row in store.query(query, use_default_graph_as_union=True):
                found.append(RawResult(index, constraint.component, row["this"], row["value"]))
    return found


def native_validate(store: ox.Store, shapes_turtle: str, ns: Namespaces, *,
                    compiled: CompiledShapes | None = None,
                    local_results: list[RawResult] | None = None) -> ValidationReport:
    """Validate the store; with ``local_results`` the graph-local plans already ran graph by graph."""
    from .shacl import path_text

    compiled = compiled or compile_for(store, shapes_turtle, ns)
    raw = compiled.run(store, "all" if local_results is None else "global") + list(local_results or ())
    results: list[tuple] = []  # (finding, plan, component, focus term, value term)
    for r in raw:
        plan = compiled.plans[r.plan]
        message = _english(plan.messages) or _generic_message(r.component)
        finding = Finding(SEVERITY_LEVELS.get(plan.severity, "INFO"), r.focus.value,
                          path_text(compiled.graph, plan.path),
                          plan.shape.value if isinstance(plan.shape, ox.NamedNode) else None, message,
                          r.value.value if r.value is not None else None, r.component)
        results.append((finding, plan, r.component, r.focus, r.value))
    results.sort(key=lambda r: _sort_key(r[0]))
    findings = [r[0] for r in results]
    conforms = not any(r[1].severity == SH + "Violation" for r in results)
    return ValidationReport(conforms, findings, _report_turtle(conforms, results, compiled.graph, ns), engine="native")


def _english(messages) -> str:
    english = [m for m in messages if isinstance(m, ox.Literal) and m.language in (None, "", "en")]
    chosen = english or list(messages)
    return chosen[0].value if chosen else ""


def _generic_message(component: str) -> str:
    component = component[len(SH):].replace("ConstraintComponent", "")
    return f"Value does not satisfy sh:{component[0].lower()}{component[1:]}"


def _report_turtle(conforms: bool, results: list[tuple], graph, ns: Namespaces) -> str:
    """The SHACL validation report as Turtle; blank nodes are numbered in result order."""
    sh = lambda local: ox.NamedNode(SH + local)  # noqa: E731
    rdf_type = ox.NamedNode(STANDARD_PREFIXES["rdf"] + "type")
    report = ox.BlankNode("report")
    triples = [ox.Triple(report, rdf_type, sh("ValidationReport")),
               ox.Triple(report, sh("conforms"), ox.Literal("true" if conforms else "false",
                                                             datatype=ox.NamedNode(STANDARD_PREFIXES["xsd"] + "boolean")))]
    copied: dict = {}
    for number, (_, plan, component, focus, value) in enumerate(results, start=1):
        node = ox.BlankNode(f"r{number}")
        triples += [ox.Triple(report, sh("result"), node), ox.Triple(node, rdf_type, sh("ValidationResult")),
                    ox.Triple(node, sh("focusNode"), focus), ox.Triple(node, sh("resultSeverity"), ox.NamedNode(plan.severity)),
                    ox.Triple(node, sh("sourceConstraintComponent"), ox.NamedNode(component)),
                    ox.Triple(node, sh("sourceShape"), _copy(plan.shape, graph, copied, triples))]
        if plan.path is not None:
            triples.append(ox.Triple(node, sh("resultPath"), _copy(plan.path, graph, copied, triples)))
        if value is not None:
            triples.append(ox.Triple(node, sh("value"), value))
        messages = plan.messages or (ox.Literal(_generic_message(component)),)
        triples += [ox.Triple(node, sh("resultMessage"), m) for m in messages]
    prefixes = {k: v for k, v in ns.prefixes().items() if k in ("sh", "kgo", "kgs", "rdf", "rdfs", "xsd", "skos",
                                                                   "dcterms", "prov")}
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode("utf-8")


def _copy(node, graph, copied: dict, triples: list):
    """A shapes-graph node for the report; blank nodes (paths, anonymous shapes) with their structure."""
    if not isinstance(node, ox.BlankNode):
        return node
    if node not in copied:
        copied[node] = ox.BlankNode(f"s{len(copied) + 1}")
        for predicate, objects in graph.out.get(node, {}).items():
            for obj in objects:
                triples.append(ox.Triple(copied[node], ox.NamedNode(predicate), _copy(obj, graph, copied, triples)))
    return copied[node]


# --- pyshacl: the reference -------------------------------------------------------------------

def pyshacl_validate(store: ox.Store, shapes_turtle: str) -> ValidationReport:
    import pyshacl
    import rdflib

    from .rdfterms import graph_of

    data = graph_of(store.quads_for_pattern(None, None, None, None))
    shapes = rdflib.Graph().parse(data=shapes_turtle, format="turtle")
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
    )
    return ValidationReport(conforms, _findings(report_graph), report_graph.serialize(format="turtle"),
                            engine="pyshacl")


def _findings(report) -> list[Finding]:
    import rdflib

    sh = rdflib.Namespace(SH)
    findings = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = str(report.value(result, sh.resultSeverity))
        messages = list(report.objects(result, sh.resultMessage))
        english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
        message = str((english or messages or [""])[0])
        path, shape, value = (report.value(result, p) for p in (sh.resultPath, sh.sourceShape, sh.value))
        component = report.value(result, sh.sourceConstraintComponent)
        findings.append(Finding(
            level=SEVERITY_LEVELS.get(severity, "INFO"),
            focus=str(report.value(result, sh.focusNode)),
            path=_rdflib_path_text(report, path),
            shape=str(shape) if isinstance(shape, rdflib.URIRef) else None,
            message=message,
            value=str(value) if value is not None else None,
            component=str(component) if component is not None else None,
        ))
    return sorted(findings, key=_sort_key)


def _rdflib_path_text(graph, node) -> str | None:
    """The same path text as kg.shacl.path_text, read from an rdflib report graph."""
    import rdflib

    if node is None:
        return None
    if isinstance(node, rdflib.URIRef):
        return str(node)

    def text(n) -> str:
        if isinstance(n, rdflib.URIRef):
            return f"<{n}>"
        sh = rdflib.Namespace(SH)
        if graph.value(n, rdflib.RDF.first) is not None:
            return "(" + "/".join(text(i) for i in graph.items(n)) + ")"
        for predicate, template in ((sh.inversePath, "^({})"), (sh.zeroOrMorePath, "({})*"),
                                    (sh.oneOrMorePath, "({})+"), (sh.zeroOrOnePath, "({})?")):
            inner = graph.value(n, predicate)
            if inner is not None:
                return template.format(text(inner))
        alternatives = graph.value(n, sh.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(text(i) for i in graph.items(alternatives)) + ")"
        return str(n)

    return text(node)
