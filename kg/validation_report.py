"""`kg validate`: a SHACL report in the manner of ROBOT's `report` — one row per finding with its
level (ERROR / WARN / INFO), the focus node and its label, the shape, and the message in
English and Chinese — and a `--fail-on` level that decides the exit code."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import pyoxigraph as ox

from .namespaces import Namespaces
from .render import compact
from .validate import ValidationReport

LEVELS = ("ERROR", "WARN", "INFO")
FAIL_ON = (*LEVELS, "none")
SH_MESSAGE = "http://www.w3.org/ns/shacl#message"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


@dataclass(frozen=True)
class ReportRow:
    level: str
    focus: str
    focus_label: str
    shape: str
    path: str
    value: str
    message_en: str
    message_zh: str


def shape_messages(shapes_file: Path, ns: Namespaces) -> dict[str, dict[str, str]]:
    """Each named shape's messages by language, read from the shapes file itself."""
    messages: dict[str, dict[str, str]] = {}
    for triple in ox.parse(ns.rebase(shapes_file.read_text(encoding="utf-8")), format=ox.RdfFormat.TURTLE):
        if triple.predicate.value == SH_MESSAGE and isinstance(triple.subject, ox.NamedNode):
            lang = triple.object.language or "en"
            messages.setdefault(triple.subject.value, {}).setdefault(lang, triple.object.value)
    return messages


def _labels(store: ox.Store, iris: set[str]) -> dict[str, str]:
    """Chinese label of each focus node (English when there is no Chinese one)."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in sorted(iris))
    query = f"""SELECT ?s ?label WHERE {{ VALUES ?s {{ {values} }} ?s <{RDFS_LABEL}> ?label
                FILTER(lang(?label) IN ("zh", "en")) }} ORDER BY DESC(lang(?label) = "zh")"""
    labels: dict[str, str] = {}
    for row in store.query(query, use_default_graph_as_union=True):
        labels.setdefault(row["s"].value, row["label"].value)
    return labels


def report_rows(report: ValidationReport, store: ox.Store, shapes_file: Path, ns: Namespaces) -> list[ReportRow]:
    messages = shape_messages(shapes_file, ns)
    labels = _labels(store, {f.focus for f in report.findings if f.focus.startswith(("http://", "https://"))})
    prefixes = ns.prefixes()
    short = lambda iri: compact(ox.NamedNode(iri), prefixes) if iri and iri.startswith("http") else (iri or "")  # noqa: E731
    rows = []
    for finding in report.findings:
        by_lang = messages.get(finding.shape or "", {})
        rows.append(ReportRow(
            level=finding.level, focus=short(finding.focus), focus_label=labels.get(finding.focus, ""),
            shape=short(finding.shape), path=short(finding.path), value=short(finding.value),
            message_en=by_lang.get("en", finding.message), message_zh=by_lang.get("zh", ""),
        ))
    return sorted(rows, key=lambda r: (LEVELS.index(r.level), r.shape, r.focus, r.path, r.value))


def fails(report: ValidationReport, fail_on: str) -> bool:
    """True when a finding is at ``fail_on`` or more severe (ERROR > WARN > INFO)."""
    if fail_on == "none":
        return False
    worst = LEVELS.index(fail_on)
    return any(LEVELS.index(f.level) <= worst for f in report.findings)


def render_rows(rows: list[ReportRow], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([asdict(r) for r in rows], ensure_ascii=False, indent=1)
    header = ["Level", "Rule Name", "Subject", "Label", "Property", "Value", "Message", "消息"]
    lines = [[r.level, r.shape, r.focus, r.focus_label, r.path, r.value, r.message_en, r.message_zh] for r in rows]
    if fmt == "tsv":
        clean = lambda text: text.replace("\t", " ").replace("\n", " ")  # noqa: E731
        return "\n".join("\t".join(clean(cell) for cell in line) for line in [header, *lines])
    return "\n".join(f"{r.level:<5} {r.shape}  {r.focus} {r.focus_label}  {r.path}  {r.message_en} / {r.message_zh}"
                     for r in rows)
