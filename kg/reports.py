"""Saved reports: SPARQL files with a grlc-style `#+` YAML header, run with bound parameters.

A report is ``queries/NAME.rq``. Its header (lines starting with ``#+``) is YAML, as in
grlc: a title in Chinese and English, a description, typed parameters with defaults and
allowed values, and hints about the output. A parameter named ``zone`` is the query's
variable ``?zone``; its value becomes an RDF term, checked against the declared type and
allowed values, and enters the query as a ``VALUES`` block at the top of the WHERE group.
Values are never pasted into the query text as text, so a quote or a brace in a value
stays part of the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces
from .query import QueryResult, run_query

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAMETER_TYPES = ("entity", "iri", "string", "integer", "decimal", "year", "date", "boolean")
OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "md", "sparql-json", "ttl")
# Report formats onto renderer names: a report's "json" is rows as objects, what scripts want;
# "sparql-json" is the W3C results format.
RENDERER_OF = {"json": "records"}
FILE_SUFFIX = {"table": "txt", "csv": "csv", "tsv": "tsv", "json": "json", "md": "md",
               "sparql-json": "srj", "ttl": "ttl"}
_HEADER_KEYS = {"summary", "title", "description", "tags", "parameters", "output",
                # grlc decorators we accept (and ignore) so a report can also be served by grlc
                "endpoint", "endpoint_in_url", "method", "pagination", "defaults", "enumerate", "transform"}
_PARAM_KEYS = {"name", "type", "default", "enum", "allowed", "description", "class", "lang", "label"}
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    """A typed report parameter; its name is the query variable it binds."""

    name: str
    type: str
    default: str | None = None
    allowed: tuple[str, ...] = ()
    description: str = ""
    entity_class: str | None = None  # for entity parameters: candidates must be of this class
    lang: str | None = None  # for string parameters: a language-tagged literal

    @property
    def required(self) -> bool:
        return self.default is None


@dataclass(frozen=True)
class Report:
    """One saved query and what its header says about it."""

    name: str
    path: Path
    title_zh: str
    title_en: str
    description: str
    sparql: str
    parameters: tuple[Parameter, ...] = ()
    tags: tuple[str, ...] = ()
    output: dict = field(default_factory=dict)

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        names = ", ".join(p.name for p in self.parameters) or "none"
        raise UserError(f"report '{self.name}' has no parameter '{name}' (its parameters: {names})")


# ---------------------------------------------------------------- loading


def header_text(sparql: str) -> str:
    """The YAML of the ``#+`` lines at the top of a query (grlc's decorator syntax)."""
    lines = []
    for line in sparql.splitlines():
        stripped = line.strip()
        if stripped.startswith("#+"):
            body = stripped[2:]
            lines.append(body[1:] if body.startswith(" ") else body)
        elif stripped and not stripped.startswith("#"):
            break
    return "\n".join(lines)


def parse_report(path: Path) -> Report:
    """Read one ``.rq`` file; a malformed header is an error naming the file."""
    import yaml

    try:
        sparql = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read report {path}: {exc}") from exc
    try:
        header = yaml.safe_load(header_text(sparql)) or {}
    except yaml.YAMLError as exc:
        raise UserError(f"{path.name}: the #+ header is not valid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(header, dict):
        raise UserError(f"{path.name}: the #+ header must be a mapping of keys to values")
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        raise UserError(f"{path.name}: unknown header keys {sorted(unknown)}")
    title = header.get("title") or {}
    if not isinstance(title, dict) or not title.get("zh") or not title.get("en"):
        raise UserError(f"{path.name}: the header needs 'title' with 'zh' and 'en'")
    parameters = tuple(_parameter(path, item) for item in header.get("parameters") or [])
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.name}\b", sparql):
            raise UserError(f"{path.name}: parameter '{parameter.name}' is not a variable of the query")
    output = header.get("output") or {}
    if not isinstance(output, dict):
        raise UserError(f"{path.name}: 'output' must be a mapping (columns, sort, ...)")
    tags = header.get("tags") or []
    return Report(
        name=path.stem, path=path, title_zh=str(title["zh"]), title_en=str(title["en"]),
        description=" ".join(str(header.get("description") or header.get("summary") or "").split()),
        sparql=sparql, parameters=parameters,
        tags=tuple(str(t) for t in (tags if isinstance(tags, list) else [tags])), output=output,
    )


def _parameter(path: Path, item) -> Parameter:
    if not isinstance(item, dict) or "name" not in item:
        raise UserError(f"{path.name}: each parameter needs at least a 'name'")
    name = str(item["name"])
    unknown = set(item) - _PARAM_KEYS
    if unknown:
        raise UserError(f"{path.name}: parameter '{name}' has unknown keys {sorted(unknown)}")
    if not _VARIABLE.match(name):
        raise UserError(f"{path.name}: parameter name '{name}' is not a SPARQL variable name")
    kind = str(item.get("type", "string"))
    if kind not in PARAMETER_TYPES:
        raise UserError(f"{path.name}: parameter '{name}' has type '{kind}'; "
                        f"types are {', '.join(PARAMETER_TYPES)}")
    allowed = item.get("enum", item.get("allowed")) or []
    if not isinstance(allowed, list):
        raise UserError(f"{path.name}: parameter '{name}': 'enum' must be a list")
    default = item.get("default")
    return Parameter(
        name=name, type=kind, default=None if default is None else str(default),
        allowed=tuple(str(a) for a in allowed), description=" ".join(str(item.get("description", "")).split()),
        entity_class=item.get("class"), lang=item.get("lang"),
    )


def load_reports(folder: Path) -> dict[str, Report]:
    """Every report in ``folder``, by name (the file name without ``.rq``)."""
    if not folder.is_dir():
        raise UserError(f"no reports folder at {folder}")
    return {path.stem: parse_report(path) for path in sorted(folder.glob("*.rq"))}


def find_report(folder: Path, name: str) -> Report:
    path = folder / f"{name.removesuffix('.rq')}.rq"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.rq"))) if folder.is_dir() else "none"
        raise UserError(f"no report named '{name}' (reports: {known})")
    return parse_report(path)


# ---------------------------------------------------------------- parameters


def parse_assignments(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``name=value`` strings from the command line into a mapping."""
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"parameter '{pair}' must look like name=value")
        values[name.strip()] = value
    return values


def bind_parameters(report: Report, values: dict[str, str], store: ox.Store, ns: Namespaces,
                    ) -> dict[str, ox.NamedNode | ox.Literal]:
    """Each parameter's value as an RDF term (given, else its default); errors name the parameter."""
    for name in values:
        report.parameter(name)  # unknown names are an error
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for parameter in report.parameters:
        raw = values.get(parameter.name, parameter.default)
        if raw is None:
            raise UserError(f"report '{report.name}' needs parameter '{parameter.name}' "
                            f"(-p {parameter.name}=…): {parameter.description or parameter.type}")
        bound[parameter.name] = to_term(parameter, raw, store, ns)
    return bound


def to_term(parameter: Parameter, raw: str, store: ox.Store, ns: Namespaces) -> ox.NamedNode | ox.Literal:
    """A value as the RDF term its declared type asks for, or an error naming the parameter."""
    name, kind, text = parameter.name, parameter.type, raw.strip()

    def fail(why: str) -> UserError:
        return UserError(f"parameter '{name}': {why}")

    if kind == "entity":
        from .search import resolve_entity

        try:
            term = resolve_entity(store, text, ns, entity_class=parameter.entity_class)
        except UserError as exc:
            raise fail(str(exc)) from exc
    elif kind == "iri":
        term = expand_iri(text, ns)
        if term is None:
            raise fail(f"'{raw}' is not an IRI or a prefixed name with a known prefix")
    elif kind == "string":
        term = ox.Literal(raw, language=parameter.lang) if parameter.lang else ox.Literal(raw)
    elif kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", text):
            raise fail(f"'{raw}' is not an integer")
        term = ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD + "integer"))
    elif kind == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise fail(f"'{raw}' is not a decimal number")
        term = ox.Literal(format(number, "f"), datatype=ox.NamedNode(XSD + "decimal"))
    elif kind == "year":
        if not re.fullmatch(r"\d{4}", text):
            raise fail(f"'{raw}' is not a year (four digits, e.g. 2025)")
        term = ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
    elif kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise fail(f"'{raw}' is not a date (YYYY-MM-DD)")
        term = ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    elif kind == "boolean":
        if text.lower() not in ("true", "false"):
            raise fail(f"'{raw}' is not true or false")
        term = ox.Literal(text.lower(), datatype=ox.NamedNode(XSD + "boolean"))
    else:  # guarded when the report is parsed
        raise fail(f"unknown type '{kind}'")
    if parameter.allowed and not _is_allowed(parameter, term, store, ns):
        raise fail(f"'{raw}' is not one of the allowed values: {', '.join(parameter.allowed)}")
    return term


def _is_allowed(parameter: Parameter, term, store: ox.Store, ns: Namespaces) -> bool:
    if isinstance(term, ox.NamedNode):
        allowed = set()
        for value in parameter.allowed:
            expanded = expand_iri(value, ns)
            if expanded is None and parameter.type == "entity":
                from .search import resolve_entity

                expanded = resolve_entity(store, value, ns)
            if expanded is not None:
                allowed.add(expanded.value)
        return term.value in allowed
    return term.value in parameter.allowed


def expand_iri(text: str, ns: Namespaces) -> ox.NamedNode | None:
    """``<iri>``, an absolute IRI, or ``prefix:local`` with a known prefix; else None."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    elif re.match(r"^[A-Za-z][\w.-]*:", text) and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        prefix, _, local = text.partition(":")
        base = ns.prefixes().get(prefix)
        if base is None or re.search(r"\s", local):
            return None
        text = base + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$", text):
        return None
    try:
        return ox.NamedNode(text)
    except ValueError:
        return None


# ---------------------------------------------------------------- injection


def inject_values(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``VALUES (?a ?b) { (x y) }`` at the start of its top-level WHERE group.

    Terms are written in their canonical N-Triples form, which SPARQL reads back as the very
    same term (quotes, backslashes and braces escaped or inside the literal). pyoxigraph's
    ``substitutions=`` would be simpler but only accepts variables the query projects.
    """
    if not bindings:
        return sparql
    variables = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({variables}) {{ ({terms}) }} "
    at = where_group_start(sparql)
    return sparql[:at] + block + sparql[at:]


_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\];,]*)?)
      | (?P<open>\{) | (?P<close>\}) | (?P<lparen>\() | (?P<rparen>\))
      | (?P<other>.)""",
    re.DOTALL | re.VERBOSE,
)


def where_group_start(sparql: str) -> int:
    """Offset just inside the opening brace of the query's top-level WHERE group."""
    depth = parens = 0
    seen_where = False
    form = None
    groups_at_top = 0
    for match in _TOKEN.finditer(sparql):
        kind = match.lastgroup
        if kind == "word" and depth == 0 and parens == 0:
            word = match.group().upper()
            if form is None and word in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
                form = word
            if word == "WHERE":
                seen_where = True
        elif kind == "lparen":
            parens += 1
        elif kind == "rparen":
            parens -= 1
        elif kind == "open":
            if depth == 0 and parens == 0:
                groups_at_top += 1
                # CONSTRUCT { template } { pattern }: the pattern is the second top-level group
                if seen_where or form != "CONSTRUCT" or groups_at_top == 2:
                    return match.end()
            depth += 1
        elif kind == "close":
            depth -= 1
    raise UserError("the query has no WHERE group to bind parameters in")


# ---------------------------------------------------------------- running


def prepared_query(report: Report, values: dict[str, str], store: ox.Store, ns: Namespaces) -> str:
    """The report's query with its parameters bound, ready to run."""
    return inject_values(report.sparql, bind_parameters(report, values, store, ns))


def run_report(store: ox.Store, report: Report, values: dict[str, str], ns: Namespaces, *,
               limit: int | None = None, timeout: float | None = None) -> QueryResult:
    return run_query(store, prepared_query(report, values, store, ns), ns, limit=limit, timeout=timeout)


def renderer_format(fmt: str) -> str:
    return RENDERER_OF.get(fmt, fmt)


def describe_report(report: Report, bound_query: str | None = None) -> str:
    """What ``kg report show`` prints: titles, description, parameters, output hints, and the
    query (as it would run, when ``bound_query`` is given)."""
    lines = [f"{report.name}: {report.title_zh} / {report.title_en}", ""]
    if report.description:
        lines += [report.description, ""]
    if report.parameters:
        lines.append("parameters:")
        for p in report.parameters:
            extra = []
            if p.default is not None:
                extra.append(f"default {p.default}")
            else:
                extra.append("required")
            if p.entity_class:
                extra.append(f"a {p.entity_class}")
            if p.allowed:
                extra.append("one of " + ", ".join(p.allowed))
            lines.append(f"  {p.name} ({p.type}; {'; '.join(extra)}){': ' + p.description if p.description else ''}")
        lines.append("")
    if report.output:
        lines.append("output: " + "; ".join(f"{k}: {_hint(v)}" for k, v in report.output.items()))
        lines.append("")
    query = bound_query if bound_query is not None else report.sparql
    body = "\n".join(line for line in query.splitlines() if not line.strip().startswith("#+"))
    lines.append(body.strip())
    return "\n".join(lines)


def _hint(value) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


@dataclass(frozen=True)
class ReportOutcome:
    """What running one report of ``run_all`` gave: a file and a row count, or an error."""

    name: str
    path: Path | None
    rows: int
    seconds: float
    truncated: bool = False
    error: str | None = None


def render_report(result: QueryResult, fmt: str, ns: Namespaces) -> str:
    from .render import render

    return render(result, renderer_format(fmt), ns.prefixes())


def run_all(store: ox.Store, reports: dict[str, Report], ns: Namespaces, out_dir: Path, fmt: str, *,
            limit: int | None = None, timeout: float | None = None) -> list[ReportOutcome]:
    """Every report with its default parameters, one file each in ``out_dir``; a report that
    fails (a required parameter, a timeout) is recorded and the others still run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for name, report in reports.items():
        try:
            result = run_report(store, report, {}, ns, limit=limit, timeout=timeout)
        except UserError as exc:
            outcomes.append(ReportOutcome(name, None, 0, 0.0, error=str(exc)))
            continue
        path = out_dir / f"{name}.{FILE_SUFFIX[fmt]}"
        path.write_text(render_report(result, fmt, ns).rstrip("\n") + "\n", encoding="utf-8")
        count = len(result.rows) if result.form == "select" else len(result.triples)
        outcomes.append(ReportOutcome(name, path, count, result.seconds, result.truncated))
    return outcomes
