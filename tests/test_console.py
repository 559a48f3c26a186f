"""kg console: statements, dot-commands, scripts on stdin, and a real terminal session."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.console import ConsoleOptions, Session, is_complete, split_statements, strip_terminator
from kg.paths import QUERIES_DIR


@pytest.fixture
def session(seeds_store, ns):
    lines: list[str] = []
    shell = Session(seeds_store, ns, ConsoleOptions(queries=QUERIES_DIR), write=lines.append)
    shell.lines = lines
    return shell


def said(shell) -> str:
    text = "\n".join(shell.lines)
    shell.lines.clear()
    return text


def test_statements_end_with_a_semicolon_outside_braces_or_a_blank_line():
    assert not is_complete("SELECT ?s WHERE {\n  ?s a kgo:Zone ;")  # ';' inside a group continues
    assert is_complete("SELECT ?s WHERE { ?s a kgo:Zone ; rdfs:label ?l } LIMIT 2;")
    assert is_complete("SELECT ?s WHERE {\n ?s ?p ?o }\n")  # a blank line ends it
    assert is_complete(".format csv")
    assert not is_complete("   ")
    assert not is_complete('SELECT ("};" AS ?x) WHERE {')
    assert strip_terminator("ASK {} ;") == "ASK {}"
    script = ["SELECT ?s WHERE {\n", "  ?s a kgo:Zone ;\n", "     rdfs:label ?l } LIMIT 1;\n", "\n", ".format csv\n",
              "ASK { ?s ?p ?o }\n", "\n", "ASK {}"]
    assert list(split_statements(script)) == [
        "SELECT ?s WHERE {\n  ?s a kgo:Zone ;\n     rdfs:label ?l } LIMIT 1;", ".format csv", "ASK { ?s ?p ?o }\n",
        "ASK {}"]


def test_a_query_prints_rows_and_the_time_it_took(session):
    assert session.execute("SELECT DISTINCT ?z WHERE { ?z a kgo:BorderPilotZone } ORDER BY ?z;")
    text = said(session)
    assert "zone:baise-pilot-zone" in text
    assert "(9 rows in " in text and " ms)" in text


def test_dot_commands(session):
    session.execute(".format csv")
    session.execute("SELECT DISTINCT ?z WHERE { ?z a kgo:BorderPilotZone } ORDER BY ?z LIMIT 1")
    assert "z\r\nhttps://w3id.org/kaifang/id/zone/" in said(session)
    session.execute(".format json")
    session.execute(".report border-pilot-zones")
    text = said(session)
    assert '"province": "云南省"' in text and "(9 rows in" in text
    session.execute(".report zone-profile zone=钦州港片区")
    assert "中国（广西）自由贸易试验区" in said(session)
    session.execute(".report")
    assert "border-pilot-zones" in said(session)
    session.execute(".describe 百色试验区")
    assert "国务院批复设立" in said(session)
    session.execute(".search bǎisè")
    assert "place:baise" in said(session)
    session.execute(".limit 2")
    session.execute(".format table")
    session.execute("SELECT ?s WHERE { ?s ?p ?o }")
    assert "cut at 2" in said(session)
    session.execute(".prefixes")
    assert "kgo:" in said(session)
    session.execute(".help")
    assert ".describe ENTITY" in said(session)
    assert session.execute(".quit") is False


def test_errors_are_printed_and_the_session_goes_on(session, seeds_store):
    before = len(seeds_store)
    for statement, message in [
        ("DELETE WHERE { ?s ?p ?o };", "read-only"),
        ("SELECT *\nWHERE {\n  ?s ?p\n}", "line 4, column"),
        (".nonsense", "unknown command"),
        (".format xml", ".format takes one of"),
        (".timeout soon", ".timeout takes"),
        (".report zone-profile zone=nowhere-at-all", "parameter 'zone'"),
        (".describe", "needs an entity"),
    ]:
        assert session.execute(statement) is True
        text = said(session)
        assert text.startswith("error:") and message in text, text
    assert len(seeds_store) == before


def test_timeout_in_the_console(session):
    session.execute(".timeout 0.5")
    session.execute("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert "stopped after 0.5 s" in said(session)
    session.execute("ASK { ?z a kgo:BorderPilotZone }")
    assert said(session).startswith("true")
    session.execute(".timeout off")
    assert "timeout: off" in said(session)


def test_console_reads_a_script_from_stdin(seeds_build):
    script = ".format csv\nSELECT DISTINCT ?z WHERE { ?z a kgo:BorderPilotZone ;\n  rdfs:label ?l } ORDER BY ?z LIMIT 2;\n" \
             "ASK { ?z a kgo:BorderPilotZone }\n\n.quit\nSELECT * WHERE { ?s ?p ?o }\n"
    result = CliRunner().invoke(main, ["console", "--store", str(seeds_build.out)], input=script)
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/kaifang/id/zone/" in result.output and "(2 rows in" in result.output
    assert "true" in result.output
    assert result.output.count(" ms)") == 2  # nothing runs after .quit


def test_console_in_a_terminal(seeds_build, tmp_path):
    """Drive the real prompt through a pseudo-terminal: type, complete, run, read the answer."""
    pexpect = pytest.importorskip("pexpect")
    history = tmp_path / "history"
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "200", "LINES": "50"}
    child = pexpect.spawn(sys.executable, ["-c", "from kg.cli import main; main()", "console", "--store",
                                           str(seeds_build.out), "--history", str(history)],
                          env=env, encoding="utf-8", timeout=30, dimensions=(50, 200))
    try:
        child.expect("kg>")
        # a query over two lines: the first line ends inside the group, so Enter continues it
        child.send("SELECT DISTINCT ?z WHERE { ?z a kgo:BorderPilotZ")
        child.send("\t")  # completes the class name: the screen gets the missing "one"
        child.expect("one")
        child.send(" ;\r")
        child.expect(r"\.\.\.>")
        child.send("rdfs:label ?l FILTER(lang(?l) = 'zh') } ORDER BY ?z LIMIT 3;\r")
        child.expect(r"\(3 rows in [0-9.]+ ms\)")
        assert "zone:baise-pilot-zone" in child.before and "kgo:BorderPilotZone ;" in child.before
        child.expect("kg>")
        child.send(".describe 百色试验区\r")
        child.expect("国务院批复设立")
        child.expect("kg>")
        child.send(".quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert "kgo:BorderPilotZone ;" in history.read_text(encoding="utf-8")  # completed text, kept in history


def test_completion_of_prefixes_classes_properties_entities_commands_and_reports(session):
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from kg.console import make_completer

    completer = make_completer(session)

    def offers(text: str) -> list[str]:
        return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]

    assert "kgo:" in offers("SELECT * WHERE { ?s a kg")
    assert "kgo:BorderPilotZone" in offers("?z a kgo:Border")
    assert "kgo:prioritisesIndustry" in offers("?z kgo:prior")
    assert "rdfs:label" in offers("?z rdfs:la")
    assert offers("?z a 百色试验区")[0] == "zone:baise-pilot-zone"  # an entity by its alias
    assert "place:baise" in offers("?z kgo:locatedIn baise")  # by pinyin
    assert "zone:baise-pilot-zone" in offers("zone:baise-p")
    assert "SELECT" in offers("sel")
    assert offers(".rep") == [".report"]
    assert offers(".report border") == ["border-pilot-zones"]


def test_ctrl_c_stops_a_runaway_query_and_the_console_stays(seeds_build, tmp_path):
    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-c", "from kg.cli import main; main()", "console", "--store",
                                           str(seeds_build.out), "--history", str(tmp_path / "history")],
                          env=env, encoding="utf-8", timeout=30, dimensions=(50, 200))
    try:
        child.expect("kg>")
        child.send("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i };\r")
        child.expect(r"\?i \}")  # the query was taken; give it a moment to start
        time.sleep(1.0)
        child.sendintr()
        child.expect("interrupted")
        child.expect("kg>")
        child.send("ASK { ?z a kgo:BorderPilotZone };\r")
        child.expect("true")
        child.expect(r"in [0-9.]+ ms")
        child.send(".quit\r")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
