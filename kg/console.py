"""`kg console`: an interactive SPARQL shell over the store.

History, multi-line editing (a query ends with ';' once its braces are closed, or with a blank
line; Esc-Enter always runs it), completion of prefixes, classes, properties and entity labels,
dot-commands for reports, describe, search and the output format, and the time each query
took. Queries run in a child process, so Ctrl-C (or ``.timeout``) stops a runaway one and the
shell stays. Without a terminal it reads statements from stdin, which makes it scriptable.
"""

from __future__ import annotations

import math
import re
import shlex
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import UserError
from .namespaces import Namespaces

FORMATS = ("table", "csv", "tsv", "json", "md", "sparql-json", "ttl")
KEYWORDS = (
    "SELECT", "DISTINCT", "REDUCED", "WHERE", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "VALUES",
    "ORDER BY", "GROUP BY", "HAVING", "LIMIT", "OFFSET", "ASK", "CONSTRUCT", "DESCRIBE", "PREFIX", "SERVICE",
    "COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT", "SEPARATOR", "EXISTS", "NOT EXISTS",
    "STR", "LANG", "LANGMATCHES", "CONTAINS", "STRSTARTS", "REGEX", "COALESCE", "IF", "BOUND", "isIRI", "DESC", "ASC",
)
HELP = """\
Type SPARQL; it runs when it ends with ';' (braces closed) or after a blank line; Esc-Enter runs it now.
Prefixes such as kgo: zone: place: are predeclared. Tab completes prefixes, classes, properties and
entity names (type 百色 or baise, Tab offers zone:baise-pilot-zone).
  .report                    list the saved reports
  .report NAME [k=v ...]     run a report with parameters
  .describe ENTITY           every fact about an entity, with evidence
  .search TEXT               find entities by name, alias or pinyin
  .format FORMAT             table, csv, tsv, json, md, sparql-json or ttl
  .timeout SECONDS|off       stop queries that run longer
  .limit N                   row cap
  .prefixes                  the predeclared prefixes
  .help                      this text
  .quit                      leave (Ctrl-D too)"""


@dataclass
class ConsoleOptions:
    queries: Path
    fmt: str = "table"
    limit: int = 10000
    timeout: float | None = None
    history: Path | None = None


class Session:
    """The shell's state and what one statement does; the terminal loop only reads and prints."""

    def __init__(self, store: ox.Store, ns: Namespaces, options: ConsoleOptions,
                 write: Callable[[str], None] = print) -> None:
        self.store = store
        self.ns = ns
        self.options = options
        self.write = write
        self._index = None

    @property
    def index(self):
        from .search import SearchIndex

        if self._index is None:
            self._index = SearchIndex(self.store, self.ns)
        return self._index

    def execute(self, statement: str) -> bool:
        """Run one statement; False when the user asked to leave. Errors are printed, not raised."""
        text = statement.strip()
        if not text:
            return True
        try:
            if text.startswith("."):
                return self._dot(text)
            self._query(strip_terminator(text))
        except UserError as exc:
            self.write(f"error: {exc}")
        except KeyboardInterrupt:
            self.write("interrupted")
        except Exception as exc:  # noqa: BLE001 - a shell must survive anything
            self.write(f"internal error: {type(exc).__name__}: {exc}")
        return True

    # ---- queries

    def _timeout(self) -> float:
        # Always in a child process: Ctrl-C then stops the query, not the shell.
        return self.options.timeout if self.options.timeout is not None else math.inf

    def _query(self, sparql: str) -> None:
        from .query import run_query

        result = run_query(self.store, sparql, self.ns, limit=self.options.limit, timeout=self._timeout())
        self._show(result)

    def _show(self, result) -> None:
        from .reports import renderer_format
        from .render import render

        self.write(render(result, renderer_format(self.options.fmt), self.ns.prefixes()).rstrip("\n"))
        if result.form == "select":
            size = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
        elif result.form == "graph":
            size = f"{len(result.triples)} triples"
        else:
            size = "answer"
        cut = f", cut at {self.options.limit} (.limit to raise)" if result.truncated else ""
        self.write(f"({size}{cut} in {result.seconds * 1000:.1f} ms)")

    # ---- dot-commands

    def _dot(self, text: str) -> bool:
        try:
            words = shlex.split(text)
        except ValueError as exc:
            raise UserError(f"cannot read the command: {exc}") from exc
        command, args = words[0].lower(), words[1:]
        if command in (".quit", ".exit", ".q"):
            return False
        handler = {
            ".help": self._help, ".report": self._report, ".describe": self._describe, ".search": self._search,
            ".format": self._format, ".timeout": self._set_timeout, ".limit": self._set_limit,
            ".prefixes": self._prefixes,
        }.get(command)
        if handler is None:
            raise UserError(f"unknown command {command} (.help lists them)")
        handler(args)
        return True

    def _help(self, args: list[str]) -> None:
        self.write(HELP)

    def _report(self, args: list[str]) -> None:
        from .reports import find_report, load_reports, parse_assignments, run_report

        if not args:
            for report in load_reports(self.options.queries).values():
                self.write(f"{report.name:<26} {report.title_zh} / {report.title_en}")
            return
        report = find_report(self.options.queries, args[0])
        result = run_report(self.store, report, parse_assignments(args[1:]), self.ns,
                            limit=self.options.limit, timeout=self._timeout())
        self._show(result)

    def _describe(self, args: list[str]) -> None:
        from .describe import describe, render_text
        from .search import resolve_entity

        if not args:
            raise UserError(".describe needs an entity")
        entity = resolve_entity(self.store, " ".join(args), self.ns, index=self.index)
        self.write(render_text(describe(self.store, entity, self.ns), self.ns.prefixes()).rstrip("\n"))

    def _search(self, args: list[str]) -> None:
        from .search import render_hits

        if not args:
            raise UserError(".search needs some text")
        self.write(render_hits(self.index.search(" ".join(args), limit=20), "table", self.ns))

    def _format(self, args: list[str]) -> None:
        if len(args) != 1 or args[0] not in FORMATS:
            raise UserError(f".format takes one of {', '.join(FORMATS)} (now {self.options.fmt})")
        self.options.fmt = args[0]
        self.write(f"format: {args[0]}")

    def _set_timeout(self, args: list[str]) -> None:
        if len(args) != 1:
            raise UserError(".timeout takes a number of seconds or 'off'")
        if args[0].lower() == "off":
            self.options.timeout = None
        else:
            try:
                seconds = float(args[0])
            except ValueError:
                seconds = -1.0
            if not seconds > 0 or math.isinf(seconds):
                raise UserError(".timeout takes a positive number of seconds or 'off'")
            self.options.timeout = seconds
        self.write(f"timeout: {self.options.timeout or 'off'}")

    def _set_limit(self, args: list[str]) -> None:
        if len(args) != 1 or not args[0].isdigit() or int(args[0]) < 1:
            raise UserError(".limit takes a positive whole number")
        self.options.limit = int(args[0])
        self.write(f"limit: {self.options.limit}")

    def _prefixes(self, args: list[str]) -> None:
        for prefix, iri in self.ns.prefixes().items():
            self.write(f"{prefix + ':':<14} <{iri}>")


# ---------------------------------------------------------------- statements


def braces_balanced(text: str) -> bool:
    """True when every '{' and '(' outside strings, IRIs and comments is closed."""
    from .reports import _TOKEN

    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("open", "lparen"):
            depth += 1
        elif kind in ("close", "rparen"):
            depth -= 1
    return depth <= 0


def is_complete(text: str) -> bool:
    """Whether the buffer is a whole statement: a dot-command, ';' at the end of a balanced
    query, or a blank line after some text."""
    stripped = text.strip()
    if not stripped:
        return False
    if stripped.startswith("."):
        return True
    if stripped.endswith(";") and braces_balanced(stripped[:-1]):
        return True
    lines = text.split("\n")
    return len(lines) > 1 and not lines[-1].strip()


def strip_terminator(text: str) -> str:
    return text[:-1].rstrip() if text.rstrip().endswith(";") else text


def split_statements(lines: Iterable[str]) -> Iterable[str]:
    """Statements from a script, by the same rules as the interactive prompt."""
    buffer = ""
    for line in lines:
        line = line.rstrip("\n")
        if not buffer.strip() and not line.strip():
            continue
        buffer = f"{buffer}\n{line}" if buffer else line
        if is_complete(buffer) or (buffer.strip() and not line.strip()):
            yield buffer
            buffer = ""
    if buffer.strip():
        yield buffer


# ---------------------------------------------------------------- completion


_WORD = re.compile(r"[\w:\-.\u3400-\u9fff（）()—]+$")


def completion_words(store: ox.Store, ns: Namespaces) -> list[tuple[str, str]]:
    """(text to insert, what it is) for prefixes, ontology classes and properties."""
    from .render import compact

    prefixes = ns.prefixes()
    words = [(f"{p}:", iri) for p, iri in prefixes.items()]
    query = """SELECT DISTINCT ?term ?kind ?label WHERE {
                 GRAPH graph:ontology { ?term a ?kind VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty } }
                 OPTIONAL { ?term rdfs:label ?label FILTER(lang(?label) = "zh") } }"""
    for row in store.query(query, prefixes=prefixes):
        kind = "class" if row["kind"].value.endswith("Class") else "property"
        label = row["label"].value if row["label"] is not None else ""
        words.append((compact(row["term"], prefixes), f"{kind} {label}".strip()))
    for standard in ("rdf:type", "rdfs:label", "rdfs:subClassOf", "skos:altLabel", "skos:broader", "skos:prefLabel",
                     "dcterms:title", "rdf:subject", "rdf:predicate", "rdf:object", "prov:wasDerivedFrom"):
        words.append((standard, "property"))
    return words


def make_completer(session: Session):
    from prompt_toolkit.completion import Completer, Completion

    from .render import compact

    words = completion_words(session.store, session.ns)
    prefixes = session.ns.prefixes()

    class KgCompleter(Completer):
        def get_completions(self, document, complete_event):
            line = document.current_line_before_cursor
            if document.text_before_cursor.lstrip().startswith(".report ") and " " not in line.split(".report ", 1)[-1]:
                partial = line.split(".report ", 1)[-1]
                for path in sorted(session.options.queries.glob(f"{partial}*.rq")):
                    yield Completion(path.stem, start_position=-len(partial))
                return
            match = _WORD.search(line)
            if not match:
                return
            word = match.group()
            if line.strip() == word and word.startswith("."):
                for command in (".report", ".describe", ".search", ".format", ".timeout", ".limit", ".prefixes",
                                ".help", ".quit"):
                    if command.startswith(word):
                        yield Completion(command, start_position=-len(word))
                return
            lowered = word.lower()
            for text, meta in words:
                if text.lower().startswith(lowered) and text != word:
                    yield Completion(text, start_position=-len(word), display_meta=meta)
            for keyword in KEYWORDS:
                if keyword.lower().startswith(lowered) and keyword != word and ":" not in word:
                    yield Completion(keyword, start_position=-len(word))
            if len(word) >= 2 or ":" in word:
                yield from _entity_completions(session, word, prefixes, compact)

    return KgCompleter()


def _entity_completions(session: Session, word: str, prefixes: dict[str, str], compact):
    from prompt_toolkit.completion import Completion

    if ":" in word:  # a prefixed name being typed: complete the local part from known entities
        prefix = word.split(":", 1)[0]
        if prefix not in prefixes or prefix in ("kgo", "rdf", "rdfs", "owl", "xsd", "skos"):
            return
        base = prefixes[prefix]
        shown = 0
        for iri in sorted(session.index.entries):
            name = compact(ox.NamedNode(iri), prefixes)
            if iri.startswith(base) and name.startswith(word) and name != word:
                yield Completion(name, start_position=-len(word), display_meta=session.index.display_label(iri))
                shown += 1
                if shown >= 50:
                    return
        return
    try:
        hits = session.index.search(word, limit=30)
    except UserError:
        return
    for hit in hits:
        name = compact(ox.NamedNode(hit.iri), prefixes)
        yield Completion(name, start_position=-len(word), display=f"{hit.label}  {name}", display_meta=hit.how)


# ---------------------------------------------------------------- the loop


def run_console(store: ox.Store, ns: Namespaces, options: ConsoleOptions) -> None:
    """The interactive loop on a terminal; statements from stdin otherwise."""
    session = Session(store, ns, options)
    if not sys.stdin.isatty():
        for statement in split_statements(sys.stdin):
            if not session.execute(statement):
                break
        return
    _interactive(session)


def _interactive(session: Session) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory, InMemoryHistory
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event) -> None:
        buffer = event.current_buffer
        if is_complete(buffer.text) or (not buffer.text.strip()):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _run_now(event) -> None:
        event.current_buffer.validate_and_handle()

    history = InMemoryHistory()
    if session.options.history is not None:
        try:
            session.options.history.parent.mkdir(parents=True, exist_ok=True)
            session.options.history.touch(exist_ok=True)
            history = FileHistory(str(session.options.history))
        except OSError as exc:
            session.write(f"note: no history file ({exc})")
    prompt = PromptSession(history=history, multiline=True, key_bindings=bindings,
                           completer=make_completer(session), complete_while_typing=False,
                           prompt_continuation=lambda width, line, wrap: "...> ".rjust(width))
    session.write("Kaifang KG console — SPARQL ends with ';' or a blank line; .help for commands, .quit to leave.")
    while True:
        try:
            text = prompt.prompt("kg> ")
        except KeyboardInterrupt:
            continue
        except EOFError:
            break
        if not session.execute(text):
            break
