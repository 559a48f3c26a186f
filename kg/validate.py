"""SHACL validation of the closed dataset (pyshacl is the reference engine)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces

SH = "http://www.w3.org/ns/shacl#"
SEVERITY_LEVELS = {SH + "Violation": "ERROR", SH + "Warning": "WARN", SH + "Info": "INFO"}


@dataclass(frozen=True)
class Finding:
    """One validation result, flattened for people."""

    level: str  # ERROR, WARN or INFO
    focus: str
    path: str | None
    shape: str | None
    message: str
    value: str | None


@dataclass
class ValidationReport:
    conforms: bool
    findings: list[Finding] = field(default_factory=list)
    report_turtle: str = ""
    skipped: bool = False

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


def validate_store(store: ox.Store, shapes_file: Path, ns: Namespaces) -> ValidationReport:
    """Validate the union of all graphs against the shapes; the closure is already in the data."""
    import pyshacl
    import rdflib

    from .rdfterms import graph_of

    data = graph_of(store.quads_for_pattern(None, None, None, None))
    shapes = rdflib.Graph().parse(data=ns.rebase(shapes_file.read_text(encoding="utf-8")), format="turtle")
    conforms, report_graph, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True,
    )
    return ValidationReport(conforms, _findings(report_graph), report_graph.serialize(format="turtle"))


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
        findings.append(Finding(
            level=SEVERITY_LEVELS.get(severity, "INFO"),
            focus=str(report.value(result, sh.focusNode)),
            path=str(path) if path is not None else None,
            shape=str(shape) if shape is not None else None,
            message=message,
            value=str(value) if value is not None else None,
        ))
    return sorted(findings, key=lambda f: (f.level, f.focus, f.path or "", f.message))
