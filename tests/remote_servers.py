"""Private triple stores for the remote tests, and the checks both stores must pass.

Each server runs on loopback only, from its own folder in the test's temporary directory, and is
stopped by its process id when the module's tests are done: a Virtuoso (Debian's
virtuoso-opensource: ``virtuoso-t -c INI +foreground`` with its own database folder and ini) and
an Oxigraph server (PyPI's ``oxigraph``). A server whose binary is not installed skips its
module with the reason; one that is installed but does not start fails it.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.namespaces import Namespaces
from kg.paths import QUERIES_DIR
from kg.query import QueryResult, run_query
from kg.remote import RemoteStore
from kg.reports import Report, load_reports, run_report
from kg.stores import Endpoint

START_SECONDS = 90


@dataclass
class Server:
    """A running private store: its URLs, the credentials writes need, and its process."""

    name: str
    endpoint: Endpoint
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        """SIGTERM to the server's own process id, SIGKILL if it has not left within 30 s."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_ready(process: subprocess.Popen, url: str, log: Path, name: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            pytest.fail(f"{name} stopped while starting: {log.read_text(errors='replace')[-800:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{name} did not answer {url} within {START_SECONDS} s: "
                        f"{log.read_text(errors='replace')[-800:]}")
        time.sleep(0.2)


# ---------------------------------------------------------------- Virtuoso

VIRTUOSO_INI = """\
; A private Virtuoso for the tests: its own database folder, loopback ports only.
; Copied from the package's default virtuoso.ini, keeping what a server needs.
[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:{sql_port}
DisableUnixSocket    = 1
DisableTcpSocket     = 0
MaxClientConnections = 10
CheckpointInterval   = 60
CaseMode             = 2
DirsAllowed          = .
NumberOfBuffers      = 10000
MaxDirtyBuffers      = 6000
ThreadsPerQuery      = 2

[HTTPServer]
ServerPort           = 127.0.0.1:{http_port}
ServerRoot           = {www}
MaxClientConnections = 10
DavRoot              = DAV
EnabledDavVSP        = 0
ServerThreads        = 10
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8

[SPARQL]
; The package's default caps answers at 10000 rows; the seeds' reports stay well below a million.
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 120
MaxQueryCostEstimationTime = 0
"""


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


def start_virtuoso(folder: Path) -> Server:
    """A fresh Virtuoso; the database's administrator is dba/dba, as a new database has it.

    Writes go to /sparql-graph-crud-auth and /sparql-auth with digest authentication as dba,
    which holds the SPARQL_UPDATE role there, so nothing needs granting.
    """
    binary = virtuoso_binary()
    if binary is None:
        pytest.skip("virtuoso-t is not installed (Debian package virtuoso-opensource; .ci/run installs it as root)")
    db, www = folder / "db", folder / "www"
    db.mkdir(parents=True)
    www.mkdir()
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, www=www, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = folder / "virtuoso.out"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "-c", str(ini), "+foreground"], cwd=folder, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{http_port}"
    _wait_until_ready(process, root + "/sparql?query=ASK%7B%7D", log, "virtuoso")
    endpoint = Endpoint(query=root + "/sparql", update=root + "/sparql-auth",
                        graph_store=root + "/sparql-graph-crud-auth", user="dba", password="dba", timeout=120)
    return Server("virtuoso", endpoint, process, folder)


# ---------------------------------------------------------------- Oxigraph


def oxigraph_binary() -> str | None:
    beside_python = Path(sys.executable).parent / "oxigraph"
    return str(beside_python) if beside_python.exists() else shutil.which("oxigraph")


def start_oxigraph(folder: Path, *, read_only: bool = False) -> Server:
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server is not installed (PyPI package 'oxigraph', in the test extra)")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = folder / "oxigraph.out"
    command = [binary, "serve-read-only" if read_only else "serve", "--location", str(folder / "db"),
               "--bind", f"127.0.0.1:{port}"]
    if read_only:
        ox.Store(str(folder / "db")).flush()  # serve-read-only needs an existing store
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    _wait_until_ready(process, root + "/query?query=ASK%7B%7D", log, "oxigraph")
    endpoint = Endpoint(query=root + "/query", update=root + "/update", graph_store=root + "/store", timeout=120)
    return Server("oxigraph", endpoint, process, folder)


# ---------------------------------------------------------------- comparing answers

# GROUP_CONCAT(... ; separator="X") AS ?v, and SAMPLE(...) AS ?v, in a report's text.
_NESTED = r"(?:[^()]|\((?:[^()]|\([^()]*\))*\))"  # text with parentheses nested two deep
_CONCAT = re.compile(r'GROUP_CONCAT\(' + _NESTED + r'*?;\s*separator\s*=\s*"([^"]*)"\s*\)\s+AS\s+\?(\w+)', re.S)
_SAMPLE = re.compile(r"SAMPLE\(" + _NESTED + r"*\)\s+AS\s+\?(\w+)", re.S)
_ORDER_KEYS = re.compile(r"\?(\w+)")


@dataclass(frozen=True)
class Normalised:
    rows: collections.Counter
    order: list[tuple]


def normalise(report: Report, result: QueryResult) -> Normalised:
    """A report's rows as comparable values, leaving out only what SPARQL itself leaves open:

    - a GROUP_CONCAT's parts in any order (SPARQL 1.1 section 18.5.1.7 fixes none), compared
      sorted; and its language tag dropped: the standard's result is a simple literal
      (Virtuoso), while the embedded store keeps a tag all the parts share;
    - a SAMPLE's value (any member of the group, section 18.5.1.8): only whether there is one.
    Every other term is compared whole: IRI, lexical form, datatype and language tag.
    """
    separators = {name: separator for separator, name in _CONCAT.findall(report.sparql)}
    sampled = set(_SAMPLE.findall(report.sparql))

    def cell(name: str, term) -> object:
        if term is None:
            return None
        if name in separators:
            return ("concat", separators[name].join(sorted(term.value.split(separators[name]))))
        if name in sampled:
            return ("sample", "some value")
        return str(term)

    rows = [tuple(cell(n, t) for n, t in zip(result.variables, row)) for row in result.rows]
    tail = report.sparql[report.sparql.rfind("}") + 1:]
    keys = [k for k in _ORDER_KEYS.findall(tail.split("ORDER BY", 1)[1])] if "ORDER BY" in tail else []
    at = [result.variables.index(k) for k in keys if k in result.variables]
    return Normalised(collections.Counter(rows), [tuple(row[i] for i in at) for row in rows] if at else [])


def compare_every_report(local_store, remote: RemoteStore, ns: Namespaces) -> dict[str, int]:
    """Run every saved report with its defaults on both stores; assert the same rows, and the
    same sequence of ORDER BY keys (rows tied on them may come in either order). Returns
    the row count of each report."""
    counts = {}
    for name, report in load_reports(QUERIES_DIR).items():
        local = run_report(local_store, report, {}, ns)
        remote_result = run_report(remote, report, {}, ns)
        assert remote_result.variables == local.variables, name
        want, got = normalise(report, local), normalise(report, remote_result)
        missing, extra = want.rows - got.rows, got.rows - want.rows
        assert not missing and not extra, (f"{name}: {len(local.rows)} rows locally, {len(remote_result.rows)} "
                                           f"remotely; missing {list(missing)[:3]}; extra {list(extra)[:3]}")
        assert got.order == want.order, f"{name}: rows not in ORDER BY order"
        counts[name] = len(local.rows)
    return counts


def graph_counts(remote: RemoteStore) -> dict[str, int]:
    rows = remote.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {row["g"].value: int(row["n"].value) for row in rows}


def local_graph_counts(store) -> dict[str, int]:
    return {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}


def all_graph_counts(endpoint: Endpoint) -> dict[str, int]:
    """Every graph the server holds (its own, the staging ones), asked without kg's dataset."""
    from urllib.parse import urlencode

    request = urllib.request.Request(endpoint.query, data=urlencode({
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"}).encode(),
        headers={"Accept": "application/sparql-results+json",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=60) as response:
        solutions = ox.parse_query_results(response.read(), format=ox.QueryResultsFormat.JSON)
        return {s["g"].value: int(s["n"].value) for s in solutions}


class Reader(threading.Thread):
    """Asks, over and over until stopped, how many triples each graph of the current release
    holds, as a kg query path sees it (a fresh RemoteStore each time, so each read finds the
    release anew); records every answer."""

    def __init__(self, endpoint: Endpoint, ns: Namespaces) -> None:
        super().__init__(daemon=True)
        self.endpoint, self.ns = endpoint, ns
        self.seen: list[tuple] = []
        self.errors: list[str] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        deadline = time.monotonic() + 600
        while not self._stop_event.is_set() and time.monotonic() < deadline:
            try:
                store = RemoteStore(self.endpoint, self.ns)
                self.seen.append(tuple(sorted(graph_counts(store).items())))
            except Exception as exc:  # noqa: BLE001 - recorded, asserted on by the test
                self.errors.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.1)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=120)


# ---------------------------------------------------------------- the tests both stores pass
# Each store's module defines a module-scoped ``server`` fixture and imports these.


def _release_a(seeds_build):
    from .test_publish import publish_seeds

    return publish_seeds(seeds_build.out).folder


def _release_b(folder: Path, release_a: Path) -> Path:
    """Release A with one document's graph gone and another's halved: a different release to
    switch to, whose graphs and counts differ from A's."""
    quads = list(ox.parse(path=str(release_a / "kg.trig"), format=ox.RdfFormat.TRIG))
    graphs = sorted({q.graph_name.value for q in quads})
    documents = [g for g in graphs if not g.endswith(("/reference", "/ontology", "/inferred"))]
    dropped, halved = documents[0], documents[1]
    kept, seen = [], 0
    for quad in sorted(quads, key=str):
        if quad.graph_name.value == dropped:
            continue
        if quad.graph_name.value == halved:
            seen += 1
            if seen % 2:
                continue
        kept.append(quad)
    folder.mkdir(parents=True, exist_ok=True)
    ox.serialize(kept, str(folder / "kg.trig"), ox.RdfFormat.TRIG)
    (folder / "release.json").write_text('{"version": "test-b", "base": "https://w3id.org/kaifang/"}\n')
    return folder


def push(server: Server, release: Path, *extra: str):
    from click.testing import CliRunner

    from kg.cli import main

    env = {"KG_ENDPOINT_USER": server.endpoint.user or "", "KG_ENDPOINT_PASSWORD": server.endpoint.password or ""}
    result = CliRunner().invoke(main, ["push", "--endpoint", server.endpoint.graph_store, "--release", str(release),
                                       *extra], env={k: v for k, v in env.items() if v} or None)
    assert result.exit_code == 0, result.output
    return result


def kg(server: Server, *args: str, input: str | None = None):
    """Run a kg command against the server the way a user would: --endpoint and env credentials."""
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, [*args, "--endpoint", server.endpoint.query], input=input,
                                env={"KG_ENDPOINT_USER": "", "KG_ENDPOINT_PASSWORD": ""})
    return result


def local(seeds_build, *args: str, input: str | None = None):
    from click.testing import CliRunner

    from kg.cli import main

    return CliRunner().invoke(main, [*args, "--store", str(seeds_build.out)], input=input)


@pytest.fixture(scope="module")
def pushed(server, seeds_build, ns) -> RemoteStore:
    """The seeds' release loaded into the server, and a RemoteStore reading it."""
    push(server, _release_a(seeds_build), "--replace")
    return RemoteStore(server.endpoint, ns)


def test_every_saved_report_gives_the_same_rows_as_the_embedded_store(pushed, seeds_store, ns):
    counts = compare_every_report(seeds_store, pushed, ns)
    assert len(counts) == len(list(QUERIES_DIR.glob("*.rq"))) >= 19
    assert counts["border-pilot-zones"] == 9 and counts["foreign-cooperation"] > 0
    # SAMPLE leaves the example sentence to the engine: it must still be one about the entity
    report = load_reports(QUERIES_DIR)["review-queue"]
    for row in run_report(pushed, report, {}, ns).rows[:5]:
        entity, example = row[0], row[-1]
        sentences = {r[0].value for r in run_query(
            seeds_store, f"SELECT ?s WHERE {{ ?ev rdf:subject {entity} ; rdf:predicate rdf:type ; kgo:sentence ?s }}",
            ns).rows}
        assert example is None or example.value in sentences


def test_query_search_describe_path_stats_and_console_answer_as_locally(pushed, server, seeds_build):
    for args in (["query", "--format", "csv", "SELECT ?zone ?label WHERE { ?zone a kgo:BorderPilotZone ; "
                  "rdfs:label ?label FILTER(lang(?label) = 'zh') } ORDER BY ?label"],
                 ["query", "--format", "ttl", "CONSTRUCT { zone:baise-pilot-zone ?p ?o } WHERE { zone:baise-pilot-zone ?p ?o }"],
                 ["query", "ASK { zone:baise-pilot-zone kgo:locatedIn place:guangxi }"],
                 ["search", "百色", "--format", "json"], ["search", "bai se", "--class", "kgo:Zone"],
                 ["describe", "百色试验区", "--format", "json"], ["describe", "钦州港片区"],
                 ["path", "百色试验区", "东兴试验区"], ["stats", "--format", "json"],
                 ["report", "run", "zone-indicators", "-p", "zone=钦州港片区", "--format", "csv"],
                 ["report", "show", "industry-zones", "-p", "industry=新材料"]):
        want, got = local(seeds_build, *args), kg(server, *args)
        assert got.exit_code == want.exit_code == 0, (args, got.output)
        if args[:2] == ["query", "--format"] and args[2] == "ttl":
            triples = lambda text: set(ox.parse(text, format=ox.RdfFormat.TURTLE))  # noqa: E731 - order is free
            assert triples(got.output) == triples(want.output) and len(triples(got.output)) > 20, args
        else:
            assert got.output == want.output, args
    statements = "SELECT (COUNT(DISTINCT ?z) AS ?n) WHERE { ?z a kgo:BorderPilotZone };\n.describe 东兴试验区\n"
    want, got = local(seeds_build, "console", input=statements), kg(server, "console", input=statements)
    assert got.exit_code == 0 and "9" in got.output
    strip = lambda text: re.sub(r"in [\d.]+ ms", "", text)  # noqa: E731 - timings differ
    assert strip(got.output) == strip(want.output)


def test_run_all_writes_the_same_files(pushed, server, seeds_build, tmp_path):
    here, there = tmp_path / "local", tmp_path / "remote"
    assert local(seeds_build, "report", "run-all", "--out", str(here), "--format", "json").exit_code == 0
    result = kg(server, "report", "run-all", "--out", str(there), "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in there.iterdir()) == sorted(p.name for p in here.iterdir())
    assert (there / "border-pilot-zones.json").read_text() == (here / "border-pilot-zones.json").read_text()


def test_pushing_twice_leaves_one_copy(pushed, server, seeds_build, seeds_store):
    expected = local_graph_counts(seeds_store)
    release = _release_a(seeds_build)
    for extra in ((), (), ("--replace",)):  # the module's first push was a --replace too
        push(server, release, *extra)
        store = RemoteStore(server.endpoint, pushed.ns)
        assert graph_counts(store) == expected, extra
        assert len(store) == sum(expected.values()) == len(seeds_store)
    leftovers = [g for g in all_graph_counts(server.endpoint) if "/staging/" in g]
    assert not leftovers


def test_replace_while_reading_never_shows_a_half_loaded_release(pushed, server, seeds_build, seeds_store, ns,
                                                                tmp_path):
    release_a = _release_a(seeds_build)
    release_b = _release_b(tmp_path / "b", release_a)
    counts_a = tuple(sorted(local_graph_counts(seeds_store).items()))
    quads_b = list(ox.parse(path=str(release_b / "kg.trig"), format=ox.RdfFormat.TRIG))
    counts_b = tuple(sorted(collections.Counter(q.graph_name.value for q in quads_b).items()))
    assert counts_a != counts_b and len(counts_b) == len(counts_a) - 1
    reader = Reader(server.endpoint, ns)
    reader.start()
    try:
        time.sleep(0.5)
        push(server, release_b, "--replace")
        time.sleep(0.5)
        push(server, release_a, "--replace")
        time.sleep(0.5)
    finally:
        reader.stop()
    assert not reader.errors, reader.errors[:3]
    assert set(reader.seen) <= {counts_a, counts_b}, [s for s in set(reader.seen) if s not in (counts_a, counts_b)][:1]
    assert counts_a in reader.seen and counts_b in reader.seen and len(reader.seen) > 10
    assert graph_counts(RemoteStore(server.endpoint, ns)) == dict(counts_a)


def test_publish_from_the_endpoint_writes_the_same_release(pushed, seeds_build, tmp_path):
    from kg.publish import PublishOptions, publish

    here = publish(PublishOptions(store=seeds_build.out, out=tmp_path / "local", site=False))
    there = publish(PublishOptions(store=seeds_build.out, out=tmp_path / "remote", site=False, source=pushed))
    assert there.version == here.version and there.triples == here.triples
    for dump in ("kg.trig", "kg.ttl", "kg.nt.gz", "kg.jsonld", "void.ttl"):
        assert (there.folder / dump).read_bytes() == (here.folder / dump).read_bytes(), dump
