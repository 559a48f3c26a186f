"""A page per saved report (``queries/*.rq``) with its results on this release.

Reports run with their default parameters; a report whose parameters have no default
shows its query and how to run it. Without the reports module or a store, the reports
index says so instead of failing the publish.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..errors import UserError
from ..paths import QUERIES_DIR
from .html import esc

if TYPE_CHECKING:
    from .site import Site

MAX_ROWS = 1000
_GROUP_CONCAT = re.compile(
    r'GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?[^;)]*?(?P<clause>;\s*SEPARATOR\s*=\s*"(?P<sep>(?:[^"\\]|\\.)*)"\s*)?\)'
    r'\s*AS\s+[?$](?P<name>\w+)', re.IGNORECASE)
_ORDER_BY = re.compile(r"\bORDER\s+BY\s+(.*?)(?:\bLIMIT\b|\bOFFSET\b|\}|$)", re.IGNORECASE | re.DOTALL)
_ORDER_KEY = re.compile(r"^(?:(?:ASC|DESC)\s*\(\s*)?[?$](\w+)\s*\)?$", re.IGNORECASE)


def _stable_rows(sparql: str, variables: list[str], rows: list[list]) -> list[list]:
    """Rows in an order that does not depend on the engine's hash order.

    The engine may list GROUP_CONCAT parts, rows without ORDER BY, and rows that tie on
    ORDER BY in any order; a release must not change with it. Concatenated parts are
    sorted; rows are sorted fully without ORDER BY, and within ties when ORDER BY names
    plain variables (other orderings are left as the engine gave them).
    """
    escapes = {"t": "\t", "n": "\n", "r": "\r"}
    concat = {m["name"]: re.sub(r"\\(.)", lambda e: escapes.get(e.group(1), e.group(1)), m["sep"])
              if m["clause"] else " " for m in _GROUP_CONCAT.finditer(sparql)}
    concat = {name: separator for name, separator in concat.items() if separator}

    def tidy(variable: str, term):
        if variable in concat and isinstance(term, ox.Literal) and term.value:
            parts = sorted(term.value.split(concat[variable]))
            return ox.Literal(concat[variable].join(parts), language=term.language or None) if term.language \
                else ox.Literal(concat[variable].join(parts), datatype=term.datatype)
        return term

    rows = [[tidy(v, t) for v, t in zip(variables, row)] for row in rows]
    text = lambda row: [("" if t is None else str(t)) for t in row]  # noqa: E731
    order = _ORDER_BY.search(re.sub(r"#[^\n]*", "", sparql))
    if order is None:
        return sorted(rows, key=text)
    keys = [_ORDER_KEY.match(item.strip()) for item in re.findall(r"(?:ASC|DESC)\s*\([^)]*\)|[?$]\w+|\S+",
                                                                  order.group(1), re.IGNORECASE)]
    if not keys or not all(keys) or any(k.group(1) not in variables for k in keys):
        return rows
    positions = [variables.index(k.group(1)) for k in keys]
    grouped: list[list[list]] = []
    for row in rows:
        if grouped and [str(row[i]) for i in positions] == [str(grouped[-1][0][i]) for i in positions]:
            grouped[-1].append(row)
        else:
            grouped.append([row])
    return [row for group in grouped for row in sorted(group, key=text)]


def _load(site: "Site"):
    try:
        from ..reports import load_reports, run_report
    except ImportError:
        return None, None, "the reports module is not available"
    folder = site.inputs.reports_dir or QUERIES_DIR
    if not folder.is_dir() or not any(folder.glob("*.rq")):
        return None, None, f"no saved reports in {folder.name}/"
    try:
        return load_reports(folder), run_report, None
    except ImportError as exc:
        return None, None, f"the reports need a module that is not installed ({exc.name})"
    except UserError as exc:
        return None, None, f"the saved reports cannot be read: {exc}"


def _results_table(site: "Site", result, path: str, sparql: str) -> str:
    if result.form == "ask":
        return f"<p><strong>{'true' if result.boolean else 'false'}</strong></p>"
    if result.form != "select":
        return f"<p>{len(result.triples)} triples (a graph result; see the query).</p>"
    head = "".join(f"<th>{esc(v)}</th>" for v in result.variables)
    rows = _stable_rows(sparql, result.variables, result.rows)
    body = "".join("<tr>" + "".join(f"<td>{'' if t is None else site.link(t, path)}</td>" for t in row) + "</tr>"
                   for row in rows)
    note = f"<p>First {MAX_ROWS} rows shown.</p>" if result.truncated else ""
    return (f"<p>{len(result.rows)} rows.</p>{note}<table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def report_pages(site: "Site") -> None:
    reports, run_report, problem = _load(site)
    store = None
    if reports and site.inputs.store is not None:
        from ..stores import as_store

        store = as_store(site.inputs.store)  # a build folder, or an opened (e.g. remote) store
    items = []
    for name, report in (reports or {}).items():
        path = f"reports/{name}.html"
        parts = [f'<h1><span lang="zh-Hans">{esc(report.title_zh)}</span> '
                 f'<span class="en" lang="en">{esc(report.title_en)}</span></h1>']
        if report.description:
            parts.append(f"<p>{esc(report.description)}</p>")
        required = [p.name for p in report.parameters if p.required]
        defaults = {p.name: p.default for p in report.parameters if p.default is not None}
        if defaults:
            parts.append("<p>Parameters: " + ", ".join(f"<code>{esc(k)}={esc(v)}</code>" for k, v in defaults.items())
                         + "</p>")
        if required:
            parts.append(f"<p>Needs {', '.join(f'<code>{esc(r)}</code>' for r in required)}: run "
                         f"<code>kg report {esc(name)} {' '.join(f'{esc(r)}=…' for r in required)}</code>.</p>")
        elif store is None:
            parts.append("<p>No store was given to run this report on.</p>")
        else:
            try:
                result = run_report(store, report, {}, site.ns, limit=MAX_ROWS)
                parts.append(_results_table(site, result, path, report.sparql))
            except UserError as exc:
                parts.append(f"<p>The report failed on this release: {esc(exc)}</p>")
                site.result.notes.append(f"report {name} failed: {exc}")
        parts.append(f"<h2>SPARQL</h2><pre>{esc(report.sparql)}</pre>")
        site.page(path, f"{report.title_zh} {report.title_en}", "\n".join(parts))
        items.append(f'<li><a href="{esc(name)}.html"><span lang="zh-Hans">{esc(report.title_zh)}</span> '
                     f'<span class="en">{esc(report.title_en)}</span></a></li>')
    body = "<h1>报表 <span class=\"en\">Saved reports</span></h1>"
    body += f"<ul>{''.join(items)}</ul>" if items else f"<p>No saved reports in this release ({esc(problem)}).</p>"
    site.page("reports/index.html", "报表 Reports", body)
