"""Remote errors are the user's to understand: one line, exit 2, no traceback, no credentials.

A small stand-in endpoint on loopback plays each misbehaving server (refusing credentials,
answering slowly, lacking a feature, answering in HTML); the real servers' own refusals are
tested in test_remote_virtuoso.py and test_remote_oxigraph.py.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.stores import endpoint_from_url, layout_of, resolve_endpoint

from .remote_servers import free_port

SECRET = "s3cret-pass"
EMPTY_RESULTS = {"head": {"vars": ["n"]}, "results": {"bindings": [
    {"n": {"type": "literal", "value": "1", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]}}
MANIFEST = {"head": {"vars": ["part", "version", "id", "space"]}, "results": {"bindings": [
    {"part": {"type": "uri", "value": "https://w3id.org/kaifang/graph/reference"}}]}}


class Stub(BaseHTTPRequestHandler):
    """Answers as the path says: /ok, /slow, /auth (digest), /missing (501), /html, /syntax."""

    def log_message(self, *args) -> None:
        pass

    def _reply(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_POST()

    def do_GET(self) -> None:
        self.do_POST()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode()) if length else {}
        query = (form.get("query") or [""])[0]
        answer = MANIFEST if "release/current" in query else EMPTY_RESULTS
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(3)
        if path == "/auth":
            self._reply(401, b"unauthorised", "text/plain", {
                "WWW-Authenticate": 'Digest realm="stub", nonce="abc", qop="auth", algorithm="MD5"'})
            return
        if path == "/missing":
            self._reply(501, b"Not Implemented: this store has no SPARQL 1.1 aggregates", "text/plain")
            return
        if path == "/html":
            self._reply(200, b"<html><body>Welcome to our CMS</body></html>", "text/html")
            return
        if path == "/syntax" and "release/current" not in query:
            line = next(i for i, text in enumerate(query.splitlines(), 1) if "FILTER" in text)
            self._reply(400, f"Virtuoso 37000 Error SP030: SPARQL compiler, line {line}: syntax error".encode(),
                        "text/plain")
            return
        self._reply(200, json.dumps(answer).encode(), "application/sparql-results+json")


@pytest.fixture(scope="module")
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, list(args), env={"KG_ENDPOINT": "", "KG_PROFILE": "", "KG_ENDPOINT_USER": "",
                                                     "KG_ENDPOINT_PASSWORD": "", **(env or {})})


def one_line_exit_2(result, *phrases: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and SECRET not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for phrase in phrases:
        assert phrase in result.output, (phrase, result.output)


def test_unreachable_endpoint():
    port = free_port()
    one_line_exit_2(run("query", "--endpoint", f"http://127.0.0.1:{port}/sparql", "ASK {}"),
                    "cannot reach", f"127.0.0.1:{port}", "connection refused")
    one_line_exit_2(run("stats", "--endpoint", f"http://127.0.0.1:{port}/query"), "cannot reach")
    one_line_exit_2(run("push", "--endpoint", f"http://127.0.0.1:{port}/store", "--release", "nowhere"), "kg.trig")


def test_401_with_and_without_credentials(stub):
    one_line_exit_2(run("query", "--endpoint", stub + "/auth", "ASK {}"), "asks for credentials (HTTP 401)",
                    "KG_ENDPOINT_USER")
    one_line_exit_2(run("search", "百色", "--endpoint", stub + "/auth",
                        env={"KG_ENDPOINT_USER": "reader", "KG_ENDPOINT_PASSWORD": SECRET}),
                    "refused the credentials of user 'reader' (HTTP 401)")


def test_timeouts(stub):
    started = time.monotonic()
    one_line_exit_2(run("query", "--endpoint", stub + "/slow", "--timeout", "0.5",
                        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"), "stopped after 0.5 s")
    assert time.monotonic() - started < 15


def test_timeout_from_a_profile(stub, tmp_path):
    config = tmp_path / "endpoints.toml"
    config.write_text(f'[slow]\nquery = "{stub}/slow"\ntimeout = 0.5\n')
    one_line_exit_2(run("query", "--profile", "slow", "ASK {}", env={"KG_ENDPOINTS_FILE": str(config)}),
                    "did not answer within 0.5 s")


def test_a_store_lacking_a_feature(stub):
    one_line_exit_2(run("query", "--endpoint", stub + "/missing", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"),
                    "does not offer this (HTTP 501)", "lacks this SPARQL feature")


def test_not_a_sparql_endpoint(stub):
    one_line_exit_2(run("query", "--endpoint", stub + "/html", "ASK {}"),
                    "did not answer in a SPARQL results format (got text/html)")


def test_syntax_errors_name_the_users_line(stub):
    # pyoxigraph's own message when neither it nor the server can parse the query, as locally
    one_line_exit_2(run("query", "--endpoint", stub + "/syntax", "SELECT *\nWHERE {\n  ?s ?p \n FILTER(?s) }"),
                    "SPARQL syntax error: line 4")
    # a query pyoxigraph cannot parse still goes to the server, which may speak an extension
    assert run("query", "--endpoint", stub + "/ok", "SELECT *\nWHERE {\n  ?s ?p \n}").exit_code == 0
    # a server's message, with the line of the prefixes kg sends first taken off
    result = run("query", "--endpoint", stub + "/syntax", "SELECT ?s\nWHERE { ?s a kgo:Zone\n FILTER(?s) }")
    one_line_exit_2(result, "rejected the query (HTTP 400)", "line 3: syntax error")


def test_credentials_never_on_the_command_line():
    one_line_exit_2(run("query", "--endpoint", f"http://dba:{SECRET}@127.0.0.1:9/sparql", "ASK {}"),
                    "must not carry credentials", "KG_ENDPOINT_PASSWORD")


def test_profiles(tmp_path, stub):
    config = tmp_path / "endpoints.toml"
    config.write_text(f'[prod]\nquery = "{stub}/sparql"\nuser = "dba"\npassword = "{SECRET}"\n')
    os.chmod(config, 0o644)
    one_line_exit_2(run("query", "--profile", "prod", "ASK {}", env={"KG_ENDPOINTS_FILE": str(config)}),
                    "holds a password and others can read it", "chmod 600")
    os.chmod(config, 0o600)
    env = {"KG_ENDPOINTS_FILE": str(config)}
    endpoint = resolve_endpoint(profile="prod", env=env)
    assert endpoint.password == SECRET and SECRET not in repr(endpoint)
    assert endpoint.update == stub + "/sparql-auth" and endpoint.graph_store == stub + "/sparql-graph-crud-auth"
    one_line_exit_2(run("query", "--profile", "staging", "ASK {}", env=env), "no profile 'staging'", "prod")
    config.write_text(f'[env]\nquery = "{stub}/ok"\npassword_env = "MY_SECRET"\n')
    one_line_exit_2(run("query", "--profile", "env", "ASK {}", env=env), "$MY_SECRET, which is not set")
    assert resolve_endpoint(profile="env", env={**env, "MY_SECRET": SECRET}).password == SECRET


def test_the_environment_names_the_endpoint_unless_store_is_given(stub, tmp_path):
    assert resolve_endpoint(env={"KG_ENDPOINT": stub + "/ok"}).query == stub + "/ok"
    assert resolve_endpoint(env={"KG_ENDPOINT": stub + "/ok"}, use_environment=False) is None
    result = run("query", "--store", str(tmp_path), "ASK {}", env={"KG_ENDPOINT": stub + "/ok"})
    assert result.exit_code == 2 and "no store at" in result.output
    one_line_exit_2(run("query", "--store", str(tmp_path), "--endpoint", stub + "/ok", "ASK {}"), "not both")


def test_server_layouts_are_known():
    assert layout_of("http://h:8890/sparql") == {"query": "http://h:8890/sparql", "update": "http://h:8890/sparql-auth",
                                                "graph_store": "http://h:8890/sparql-graph-crud-auth"}
    assert layout_of("http://h:7878/store")["query"] == "http://h:7878/query"
    assert layout_of("http://h:3030/kaifang/sparql") == {"query": "http://h:3030/kaifang/sparql",
                                                        "update": "http://h:3030/kaifang/update",
                                                        "graph_store": "http://h:3030/kaifang/data"}
    assert layout_of("http://h:7200/repositories/kg/rdf-graphs/service")["update"] == \
        "http://h:7200/repositories/kg/statements"
    assert layout_of("http://h/some/endpoint") is None
    assert endpoint_from_url("http://h/some/endpoint", role="graph_store").graph_store == "http://h/some/endpoint"
    assert re.match(r"^http", endpoint_from_url("http://h:8890/sparql").update)
